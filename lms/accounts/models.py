"""The one user model, chosen from the first migration so that names are handled with dignity."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from pathways.lms.accounts.names import NAME_FIELDS, normalise_name, validate_person_name


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person, at the programme")


class User(AbstractUser):
    """Anyone who signs in. Participants are addressed by the name they chose, never another.

    ``first_name`` and ``last_name`` from Django are left empty: a single chosen name avoids
    assumptions about how names are built, and the legal name is kept apart and optional.
    """

    chosen_name = models.CharField(
        _("chosen name"),
        max_length=150,
        help_text=_("The name this person wants to be called. Used everywhere."),
        validators=[validate_person_name],
    )
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        blank=True,
        help_text=_("Optional. Printed only where the person asks for it."),
        validators=[validate_person_name],
    )
    peer_alias = models.CharField(
        _("peer alias"),
        max_length=80,
        blank=True,
        help_text=_("What cohort-mates and mentors see. Defaults to the chosen name."),
        validators=[validate_person_name],
    )
    # Django's own name fields stay empty here, but Wagtail's account page can still set them.
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[validate_person_name]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[validate_person_name]
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, default="en", blank=True
    )
    safe_contact_channels = models.JSONField(
        _("safe ways to contact me"),
        default=list,
        blank=True,
        help_text=_("Only these channels are ever used to reach this person."),
    )
    do_not_contact = models.BooleanField(
        _("do not contact me"),
        default=False,
        help_text=_("When set, nobody contacts this person through the system at all."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    password_set_by_staff_at = models.DateTimeField(
        _("password last set by staff"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When staff last set this person's password in person; cleared when she sets her "
            "own. While staff know her password, she is not given roles beyond participant and "
            "mentor by anyone but a superuser."
        ),
    )
    safety_notice_seen_at = models.DateTimeField(
        _("read the safety page"),
        null=True,
        blank=True,
        help_text=_(
            'When this person read "Staying safe online". Participants see it once, '
            "before anything else."
        ),
    )

    REQUIRED_FIELDS = ["chosen_name"]

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_unique_email_ci",
                violation_error_message=_("Another account already uses this e-mail address."),
            )
        ]

    def __str__(self) -> str:
        return self.chosen_name or self.username

    def _normalise_names(self) -> None:
        for field in NAME_FIELDS:
            setattr(self, field, normalise_name(getattr(self, field)))

    def clean(self) -> None:
        super().clean()
        self._normalise_names()

    def save(self, *args, **kwargs) -> None:
        # Every path that saves a person (admin, API, services, commands) stores names in NFC.
        self._normalise_names()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.chosen_name or self.username

    def get_short_name(self) -> str:
        return self.chosen_name or self.username

    @property
    def display_alias(self) -> str:
        """The name peers see: the alias, or the chosen name when no alias was set."""
        return self.peer_alias or self.chosen_name or self.username

    def may_be_contacted_by(self, channel: str) -> bool:
        return not self.do_not_contact and channel in (self.safe_contact_channels or [])
