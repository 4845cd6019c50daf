"""Peer mentorship: mentor profiles, pairings, shared goals and check-ins.

A mentor sees a mentee only through an active pairing, and then only her alias and a progress
summary: never quiz answers, reflections or contact details. Changes go through
``cohorts.mentorship_services``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pathways.courses.models import Skill
from pathways.lms.accounts.names import chosen_name_of


class MentorProfileStatus(models.TextChoices):
    # Contexts: the same English words label other things (enrolments, pairings, certificates).
    ACTIVE = "active", pgettext_lazy("mentor profile status", "Active")
    PAUSED = "paused", pgettext_lazy("mentor profile status", "Paused")


class MentorProfile(models.Model):
    """What a mentor offers and how many mentees she can take on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_profile",
        verbose_name=_("mentor"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=2, help_text=_("How many mentees at once.")
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Language codes, e.g. en, es.")
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="mentors")
    availability = models.TextField(_("availability"), blank=True, max_length=1000)
    training_completed = models.BooleanField(_("mentor training complete"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MentorProfileStatus.choices,
        default=MentorProfileStatus.ACTIVE,
    )

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")

    def __str__(self) -> str:
        return chosen_name_of(self.user)


class MenteePreferences(models.Model):
    """What a participant hopes to get from a mentor, used to suggest matches."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentee_preferences",
        verbose_name=_("participant"),
    )
    skills_wanted = models.ManyToManyField(Skill, blank=True, related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)

    class Meta:
        verbose_name = _("mentee preferences")
        verbose_name_plural = _("mentee preferences")

    def __str__(self) -> str:
        return chosen_name_of(self.user)


class PairingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by staff")
    REQUESTED = "requested", _("Requested by the participant")
    DECLINED = "declined", _("Declined")
    ACTIVE = "active", pgettext_lazy("mentorship status", "Active")
    PAUSED = "paused", pgettext_lazy("mentorship status", "Paused")
    COMPLETED = "completed", pgettext_lazy("mentorship status", "Completed")
    ENDED = "ended", _("Ended early")


OPEN_PAIRING_STATUSES = [
    PairingStatus.PROPOSED,
    PairingStatus.REQUESTED,
    PairingStatus.ACTIVE,
    PairingStatus.PAUSED,
]
# Pairings that take up one of a mentor's places.
CAPACITY_PAIRING_STATUSES = [PairingStatus.ACTIVE, PairingStatus.PAUSED]


class PairingOrigin(models.TextChoices):
    STAFF = "staff", _("Proposed by staff")
    PARTICIPANT = "participant", _("Requested by the participant")


class MentorshipPairing(models.Model):
    """A mentor and a mentee working together. The mentee always says yes first."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_pairings",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentee_pairings",
        verbose_name=_("mentee"),
    )
    status = models.CharField(_("status"), max_length=20, choices=PairingStatus.choices)
    origin = models.CharField(_("origin"), max_length=20, choices=PairingOrigin.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason_private = models.TextField(
        _("reason (staff only)"),
        blank=True,
        max_length=2000,
        help_text=_("Seen by programme staff only."),
    )
    checkin_every_days = models.PositiveSmallIntegerField(
        _("check in at least every (days)"), default=14, validators=[MinValueValidator(1)]
    )
    overdue_flagged_at = models.DateTimeField(_("flagged as overdue"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentorship pairing")
        verbose_name_plural = _("mentorship pairings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")),
                name="mentoring_pairing_not_with_oneself",
                violation_error_message=_("Nobody can mentor themselves."),
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status__in=OPEN_PAIRING_STATUSES),
                name="mentoring_one_open_pairing",
                violation_error_message=_("These two people are already paired."),
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{chosen_name_of(self.mentor)} → {chosen_name_of(self.mentee)}"


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("goal status", "Done")
    DROPPED = "dropped", _("Set aside")


class MentorshipGoal(models.Model):
    """Something the mentee wants to reach, kept by the pair."""

    pairing = models.ForeignKey(MentorshipPairing, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300)
    due_date = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentorship goal")
        verbose_name_plural = _("mentorship goals")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class CheckInMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video call")
    MESSAGE = "message", _("Messages")


class MentorshipCheckIn(models.Model):
    """A meeting of the pair. Notes are shared by the pair and, unless marked private, staff."""

    pairing = models.ForeignKey(
        MentorshipPairing, on_delete=models.CASCADE, related_name="check_ins"
    )
    date = models.DateField(_("date"))
    mode = models.CharField(_("how you met"), max_length=20, choices=CheckInMode.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    private_from_staff = models.BooleanField(_("keep notes private from staff"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.pairing} {self.date}"
