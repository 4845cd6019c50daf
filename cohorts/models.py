"""Cohorts: a group taking one or more courses together on a schedule.

State changes (membership status, attendance) go through ``cohorts.services`` only.
"""

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel

from pathways.courses.models import CoursePage
from pathways.courses.translations import source_page
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.core.languages import ShownInLanguage, language_choices


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class CohortMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for enrolment")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Cohort(ShownInLanguage, ClusterableModel):
    """A group that takes courses together, with a schedule, a capacity and facilitators.

    Its name may be translated (``translations``): members and facilitators read it in their
    language where there is a translation (:attr:`shown_name`).
    """

    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    enrolment_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrolment_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    mode = models.CharField(
        _("mode"), max_length=20, choices=CohortMode.choices, default=CohortMode.IN_PERSON
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CohortStatus.choices, default=CohortStatus.PLANNED
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_cohorts",
        verbose_name=_("facilitators"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        InlinePanel(
            "translations",
            heading=_("Name in other languages"),
            label=_("Translation"),
            help_text=_(
                "Members whose language is one of these see the cohort's name in it; everyone "
                "else sees the name above."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("start_date"),
                FieldPanel("end_date"),
                FieldPanel("time_zone"),
                FieldPanel("enrolment_opens_at"),
                FieldPanel("enrolment_closes_at"),
            ],
            heading=_("Schedule"),
        ),
        FieldPanel("capacity"),
        FieldPanel("mode"),
        FieldPanel("status"),
        FieldPanel("facilitators"),
        InlinePanel("cohort_courses", heading=_("Courses"), label=_("Course")),
    ]

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="cohorts_cohort_dates_in_order",
                violation_error_message=_("The end date must be on or after the start date."),
            ),
            models.CheckConstraint(
                condition=Q(enrolment_opens_at__isnull=True)
                | Q(enrolment_closes_at__isnull=True)
                | Q(enrolment_closes_at__gte=F("enrolment_opens_at")),
                name="cohorts_cohort_enrolment_window_in_order",
                violation_error_message=_("Enrolment must close on or after the day it opens."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="cohorts_cohort_capacity_positive",
                violation_error_message=_("A cohort needs at least one place."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_name(self) -> str:
        """The name in the reader's language (the active one), or as written."""
        return self.shown("name")


class CohortTranslation(models.Model):
    """A cohort's name in another language, written by staff in the cohort's admin form."""

    cohort = ParentalKey(Cohort, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    name = models.CharField(_("name"), max_length=200)

    panels = [FieldPanel("language"), FieldPanel("name")]

    class Meta:
        verbose_name = _("cohort translation")
        verbose_name_plural = _("cohort translations")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "language"],
                name="cohorts_one_cohort_translation_per_language",
                violation_error_message=_("The cohort already has a translation in this language."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort} ({self.language})"


class CohortCourse(models.Model):
    """A course run in a cohort, optionally with a minimum of attended hours to complete it."""

    cohort = ParentalKey(Cohort, on_delete=models.CASCADE, related_name="cohort_courses")
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="cohort_runs", verbose_name=_("course")
    )
    min_attended_hours = models.DecimalField(
        _("minimum attended hours"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("Hours of sessions a member must attend to complete the course. 0: none."),
    )

    panels = [FieldPanel("course"), FieldPanel("min_attended_hours")]

    class Meta:
        verbose_name = _("course in a cohort")
        verbose_name_plural = _("courses in cohorts")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "course"], name="cohorts_one_course_run")
        ]

    def __str__(self) -> str:
        return f"{self.cohort} – {self.course}"

    def clean(self) -> None:
        super().clean()
        # A course is one thing across its translations: progress belongs to its source page
        # (courses.translations), so a cohort runs the source even when staff picked a
        # translation.
        if self.course_id is not None:
            self.course = source_page(self.course)


class MembershipStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    APPLIED = "applied", _("Applied")
    WAITLISTED = "waitlisted", _("Waitlisted")
    # Contexts: the same English words label other things (enrolments, pairings, certificates).
    ACTIVE = "active", pgettext_lazy("cohort membership status", "Active")
    COMPLETED = "completed", pgettext_lazy("cohort membership status", "Completed")
    WITHDRAWN = "withdrawn", pgettext_lazy("cohort membership status", "Withdrawn")


class CohortMembership(models.Model):
    """A participant's place in a cohort. Its status changes only through ``services``."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cohort_memberships",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("status"), max_length=20, choices=MembershipStatus.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(_("waitlisted"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    completed_at = models.DateTimeField(
        pgettext_lazy("cohort membership", "completed"), null=True, blank=True
    )
    withdrawn_at = models.DateTimeField(
        pgettext_lazy("cohort membership", "withdrawn"), null=True, blank=True
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("cohort membership")
        verbose_name_plural = _("cohort memberships")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="cohorts_one_membership")
        ]
        indexes = [models.Index(fields=["cohort", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{chosen_name_of(self.user)} – {self.cohort}"


class CohortSession(ShownInLanguage, ClusterableModel):
    """A scheduled meeting of a cohort.

    Its title and place may be translated (``translations``): members read them in their
    language where there is a translation (:attr:`shown_title`, :attr:`shown_place`).
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveIntegerField(
        _("length (minutes)"), default=120, validators=[MinValueValidator(1)]
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        default="",
        help_text=_(
            'Where members meet, as they need to know it: a room, or "Online: the link is in '
            "your e-mail\". Only members of the cohort see it. Empty: the cohort's mode is shown."
        ),
    )

    panels = [
        FieldPanel("cohort"),
        FieldPanel("title"),
        FieldPanel("starts_at"),
        FieldPanel("duration_minutes"),
        FieldPanel("place"),
        InlinePanel(
            "translations",
            heading=_("Title and place in other languages"),
            label=_("Translation"),
            help_text=_(
                "Members whose language is one of these see the session's title and place in "
                "it; everyone else sees them as written above."
            ),
        ),
    ]

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1),
                name="cohorts_session_has_length",
                violation_error_message=_("A session must last at least a minute."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.title}"

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (the active one), or as written."""
        return self.shown("title")

    @property
    def shown_place(self) -> str:
        """The place in the reader's language (the active one), or as written (perhaps empty:
        then pages show the cohort's mode)."""
        return self.shown("place")


class CohortSessionTranslation(models.Model):
    """A session's title and place in another language, written by staff with the session."""

    session = ParentalKey(CohortSession, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Leave empty to show the session's own place."),
    )

    panels = [FieldPanel("language"), FieldPanel("title"), FieldPanel("place")]

    class Meta:
        verbose_name = _("session translation")
        verbose_name_plural = _("session translations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "language"],
                name="cohorts_one_session_translation_per_language",
                violation_error_message=_(
                    "The session already has a translation in this language."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} ({self.language})"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """Whether a member attended a session, and the minutes that count towards her hours."""

    session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(
        CohortMembership, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus.choices)
    minutes_attended = models.PositiveIntegerField(_("minutes attended"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="cohorts_one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.session} ({self.status})"
