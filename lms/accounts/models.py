"""What Pathways keeps about a person, in a profile beside the site's own user model."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pathways.lms.accounts.names import NAME_FIELDS, normalise_name, validate_person_name
from pathways.lms.core.time_zones import validate_time_zone


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person, at the programme")


class Profile(models.Model):
    """What Pathways keeps about a person, beside whatever user model the site has.

    The site's own user model (Django's, or the host's) keeps the username, the e-mail address,
    the password and the roles (groups). Pathways keeps the rest here, one row per person,
    made the first time Pathways needs it (``pathways.lms.accounts.profiles.profile_of``), so
    that accounts made in the host's admin, by ``createsuperuser`` or by the host's own sign-up
    work the same. Participants are addressed by the name they chose, never another: Pathways
    never shows the user model's first and last names, which may be a legal name.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="pathways_profile",
        verbose_name=_("person"),
    )
    chosen_name = models.CharField(
        _("chosen name"),
        max_length=150,
        blank=True,
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
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, default="", blank=True
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="",
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Dates and times are shown in this zone. Blank: the site's own."),
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

    class Meta:
        verbose_name = _("learning profile")
        verbose_name_plural = _("learning profiles")

    def __str__(self) -> str:
        return self.chosen_name or str(self.pk)

    def save(self, *args, **kwargs) -> None:
        # Every path that saves a person (admin, API, services, commands) stores names in NFC.
        self._normalise_names()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self._normalise_names()

    def _normalise_names(self) -> None:
        for field in NAME_FIELDS:
            setattr(self, field, normalise_name(getattr(self, field)))

    def may_be_contacted_by(self, channel: str) -> bool:
        return not self.do_not_contact and channel in (self.safe_contact_channels or [])
