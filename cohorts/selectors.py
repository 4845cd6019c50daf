"""Reads about cohorts, each scoped to what the person asking may see.

A facilitator sees a cohort only while assigned to it, programme staff see every cohort, and a
participant sees her own memberships and the cohorts open for joining. Anything else answers 404
as if it did not exist. Facilitators see members' chosen names, course progress and quiz scores;
never quiz answers, reflections or contact details. Pages run a fixed number of queries whatever
the number of members.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CoursePage, Enrollment, LessonProgress, QuizAttempt
from courses.selectors import Requirement, _lessons_by_course
from lms.accounts.roles import Role, has_role, is_programme_staff

from .models import (
    Attendance,
    Cohort,
    CohortCourse,
    CohortMembership,
    CohortSession,
    CohortStatus,
    MembershipStatus,
)

# Memberships that take one of the cohort's places. A member who completed has used her place in
# this run of the cohort, so completing does not hand the place to someone else.
PLACE_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.COMPLETED)
# Memberships whose attendance is recorded and whose hours count.
ATTENDING_STATUSES = PLACE_STATUSES
# Memberships a participant still has a stake in (everything but withdrawn).
CURRENT_STATUSES = (
    MembershipStatus.INVITED,
    MembershipStatus.APPLIED,
    MembershipStatus.WAITLISTED,
    MembershipStatus.ACTIVE,
    MembershipStatus.COMPLETED,
)
# The only user fields cohort pages load: never contact details or legal names.
_NAME_FIELDS = ("user__id", "user__username", "user__chosen_name", "user__peer_alias")


def minutes_to_hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_hours(hours: Decimal) -> str:
    """Hours without trailing zeros: 1.5, 2, 0.25."""
    text = f"{hours.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Who sees which cohort -----------------------------------------------------------------------


def is_assigned_facilitator(user, cohort: Cohort) -> bool:
    """A facilitator (by role) currently assigned to the cohort."""
    return has_role(user, Role.FACILITATOR) and cohort.facilitators.filter(pk=user.pk).exists()


def may_run(user, cohort: Cohort) -> bool:
    """Whether someone may see a cohort's roster and take its attendance."""
    return is_programme_staff(user) or is_assigned_facilitator(user, cohort)


def cohorts_facilitated_by(user):
    """The cohorts someone runs: every cohort for programme staff, assigned ones for a facilitator.

    Each cohort carries ``places_taken``, ``waitlisted`` and ``sessions_count``, counted in the
    same query.
    """
    if is_programme_staff(user):
        cohorts = Cohort.objects.all()
    elif has_role(user, Role.FACILITATOR):
        cohorts = Cohort.objects.filter(facilitators=user)
    else:
        return Cohort.objects.none()
    return cohorts.annotate(
        places_taken=Count(
            "memberships", filter=Q(memberships__status__in=PLACE_STATUSES), distinct=True
        ),
        waitlisted=Count(
            "memberships",
            filter=Q(memberships__status=MembershipStatus.WAITLISTED),
            distinct=True,
        ),
        sessions_count=Count("sessions", distinct=True),
    ).order_by("-start_date", "name")


def cohorts_for_user(user):
    """Every cohort someone may know about: all for staff, assigned ones, and her own."""
    if is_programme_staff(user):
        return Cohort.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Cohort.objects.none()
    facilitated = Q(pk__in=[])
    if has_role(user, Role.FACILITATOR):
        facilitated = Exists(
            Cohort.facilitators.through.objects.filter(cohort_id=OuterRef("pk"), user_id=user.pk)
        )
    member = Exists(
        CohortMembership.objects.filter(
            cohort_id=OuterRef("pk"), user_id=user.pk, status__in=CURRENT_STATUSES
        )
    )
    return Cohort.objects.filter(facilitated | member)


def cohort_for_facilitator(user, cohort_id: int) -> Cohort:
    """A cohort its assigned facilitator or programme staff may run, or 404."""
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None or not may_run(user, cohort):
        raise Http404
    return cohort


def session_for_facilitator(user, cohort_id: int, session_id: int) -> CohortSession:
    """A session of a cohort the person runs, or 404."""
    cohort = cohort_for_facilitator(user, cohort_id)
    session = CohortSession.objects.filter(pk=session_id, cohort=cohort).first()
    if session is None:
        raise Http404
    session.cohort = cohort
    return session


def cohort_sessions(cohort: Cohort):
    """The cohort's sessions in order, each with how many attendance records it has."""
    return (
        CohortSession.objects.filter(cohort=cohort)
        .select_related("cohort")
        .annotate(recorded=Count("attendance"))
        .order_by("starts_at", "pk")
    )


# The roster a facilitator sees ---------------------------------------------------------------


@dataclass
class CourseProgress:
    """A member's progress in one course of the cohort: a summary and quiz scores, no answers."""

    course: CoursePage
    enrolled: bool
    completed: bool
    lessons_done: int
    lessons_total: int
    quiz_scores: list[tuple[str, int]] = field(default_factory=list)  # (lesson title, best %)

    @property
    def percent(self) -> int:
        if not self.lessons_total:
            return 100 if self.completed else 0
        return round(100 * self.lessons_done / self.lessons_total)


@dataclass
class RosterEntry:
    membership: CohortMembership
    minutes: int
    progress: list[CourseProgress]

    @property
    def name(self) -> str:
        return self.membership.user.chosen_name or self.membership.user.username

    @property
    def hours(self) -> str:
        return format_hours(minutes_to_hours(self.minutes))


@dataclass
class Roster:
    runs: list[CohortCourse]
    members: list[RosterEntry]  # active and completed
    waitlist: list[CohortMembership]  # in the order places will be offered
    pending: list[CohortMembership]  # invited or applied


def _memberships_with_names(cohort: Cohort, statuses):
    return (
        CohortMembership.objects.filter(cohort=cohort, status__in=statuses)
        .select_related("user")
        .only(
            "id", "cohort_id", "status", "waitlisted_at", "joined_at", "created_at", *_NAME_FIELDS
        )
    )


def cohort_roster(cohort: Cohort) -> Roster:
    """Members with attended hours, course progress and best quiz scores, in seven queries."""
    memberships = list(
        _memberships_with_names(cohort, CURRENT_STATUSES).order_by(
            "user__chosen_name", "waitlisted_at", "pk"
        )
    )
    members = [m for m in memberships if m.status in PLACE_STATUSES]
    minutes = dict(
        Attendance.objects.filter(membership__cohort=cohort)
        .values("membership_id")
        .annotate(total=Sum("minutes_attended"))
        .values_list("membership_id", "total")
    )
    runs = list(
        CohortCourse.objects.filter(cohort=cohort)
        .select_related("course")
        .only(
            "id",
            "cohort_id",
            "min_attended_hours",
            "course__id",
            "course__title",
            "course__path",
            "course__depth",
        )
        .order_by("course__title")
    )
    courses = [run.course for run in runs]
    lessons = _lessons_by_course(courses)
    enrollments = {}
    done: set[tuple[int, int]] = set()
    best: dict[int, dict[int, int]] = {}
    if courses and members:
        enrollments = {
            (enrollment.user_id, enrollment.course_id): enrollment
            for enrollment in Enrollment.objects.filter(
                user_id__in=[m.user_id for m in members], course__in=courses
            ).only("id", "user_id", "course_id", "status")
        }
        enrollment_ids = [enrollment.pk for enrollment in enrollments.values()]
        if enrollment_ids:
            done = set(
                LessonProgress.objects.filter(
                    enrollment_id__in=enrollment_ids, completed_at__isnull=False
                ).values_list("enrollment_id", "lesson_id")
            )
            for row in (
                QuizAttempt.objects.filter(enrollment_id__in=enrollment_ids)
                .values("enrollment_id", "lesson_id")
                .annotate(best=Max("score"))
                .order_by()
            ):
                best.setdefault(row["enrollment_id"], {})[row["lesson_id"]] = row["best"]
    entries = []
    for membership in members:
        progress = []
        for course in courses:
            enrollment = enrollments.get((membership.user_id, course.pk))
            course_lessons = lessons.get(course.pk, [])
            counted = [lesson for lesson in course_lessons if lesson.required] or course_lessons
            if enrollment is None:
                progress.append(
                    CourseProgress(course, False, False, 0, len(counted), quiz_scores=[])
                )
                continue
            scores = best.get(enrollment.pk, {})
            progress.append(
                CourseProgress(
                    course=course,
                    enrolled=True,
                    completed=enrollment.status == "completed",
                    lessons_done=sum((enrollment.pk, lesson.pk) in done for lesson in counted),
                    lessons_total=len(counted),
                    quiz_scores=[
                        (lesson.title, scores[lesson.pk])
                        for lesson in course_lessons
                        if lesson.pk in scores
                    ],
                )
            )
        entries.append(
            RosterEntry(
                membership=membership, minutes=minutes.get(membership.pk, 0), progress=progress
            )
        )
    waitlist = sorted(
        (m for m in memberships if m.status == MembershipStatus.WAITLISTED),
        key=lambda m: (m.waitlisted_at, m.pk),
    )
    pending = [
        m for m in memberships if m.status in (MembershipStatus.INVITED, MembershipStatus.APPLIED)
    ]
    return Roster(runs=runs, members=entries, waitlist=waitlist, pending=pending)


@dataclass
class SheetRow:
    membership: CohortMembership
    attendance: Attendance | None

    @property
    def name(self) -> str:
        return self.membership.user.chosen_name or self.membership.user.username


def session_attendance_sheet(session: CohortSession) -> list[SheetRow]:
    """Every member whose attendance can be taken, with what was recorded so far (two queries)."""
    memberships = list(
        _memberships_with_names(session.cohort_id, ATTENDING_STATUSES).order_by(
            "user__chosen_name", "pk"
        )
    )
    recorded = {
        row.membership_id: row
        for row in Attendance.objects.filter(session=session).only(
            "id", "session_id", "membership_id", "status", "minutes_attended"
        )
    }
    return [SheetRow(membership=m, attendance=recorded.get(m.pk)) for m in memberships]


# Hours ---------------------------------------------------------------------------------------


def attended_minutes(user, cohort: Cohort) -> int:
    total = Attendance.objects.filter(membership__cohort=cohort, membership__user=user).aggregate(
        total=Sum("minutes_attended")
    )["total"]
    return total or 0


def attended_hours(user, cohort: Cohort) -> Decimal:
    """The hours of the cohort's sessions a member attended."""
    return minutes_to_hours(attended_minutes(user, cohort))


def attended_hours_requirements(enrollment: Enrollment) -> list[Requirement]:
    """The attended-hours rule of each cohort running this course with the participant in it.

    Added to the course's completion rules through the ``pathways_completion_requirements`` hook.
    Only cohorts where she holds (or held, having completed) a place count.
    """
    runs = list(
        CohortCourse.objects.filter(
            course_id=enrollment.course_id,
            min_attended_hours__gt=0,
            cohort__memberships__user_id=enrollment.user_id,
            cohort__memberships__status__in=ATTENDING_STATUSES,
        )
        .select_related("cohort")
        .only("id", "min_attended_hours", "cohort__id", "cohort__name")
        .annotate(
            minutes=Coalesce(
                Subquery(
                    Attendance.objects.filter(
                        membership__cohort_id=OuterRef("cohort_id"),
                        membership__user_id=enrollment.user_id,
                    )
                    .order_by()
                    .values("membership__cohort_id")
                    .annotate(total=Sum("minutes_attended"))
                    .values("total"),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
        .order_by("cohort__start_date", "pk")
    )
    requirements = []
    for run in runs:
        hours = minutes_to_hours(run.minutes)
        requirements.append(
            Requirement(
                label=_("Attended hours in %(cohort)s: %(done)s of %(needed)s")
                % {
                    "cohort": run.cohort.name,
                    "done": format_hours(hours),
                    "needed": format_hours(run.min_attended_hours),
                },
                met=Decimal(run.minutes) >= run.min_attended_hours * 60,
            )
        )
    return requirements


# A participant's own cohorts -----------------------------------------------------------------


def joinable_cohorts(user):
    """Cohorts open for joining now that the participant is not already part of.

    Each carries ``places_taken``. Only participants can join, so others get none.
    """
    if not has_role(user, Role.PARTICIPANT):
        return Cohort.objects.none()
    now = timezone.now()
    return (
        Cohort.objects.filter(status=CohortStatus.OPEN)
        .filter(Q(enrolment_opens_at__isnull=True) | Q(enrolment_opens_at__lte=now))
        .filter(Q(enrolment_closes_at__isnull=True) | Q(enrolment_closes_at__gte=now))
        .exclude(
            Exists(
                CohortMembership.objects.filter(
                    cohort_id=OuterRef("pk"), user=user, status__in=CURRENT_STATUSES
                )
            )
        )
        .exclude(facilitators=user)
        .annotate(
            places_taken=Count(
                "memberships", filter=Q(memberships__status__in=PLACE_STATUSES), distinct=True
            )
        )
        .order_by("start_date", "name")
    )


def cohort_for_joining(user, cohort_id: int) -> Cohort:
    """A cohort a participant may ask to join: open ones, and ones she already belongs to."""
    if not has_role(user, Role.PARTICIPANT):
        raise Http404
    cohort = (
        Cohort.objects.filter(pk=cohort_id)
        .filter(Q(status=CohortStatus.OPEN) | Q(memberships__user=user))
        .distinct()
        .first()
    )
    if cohort is None:
        raise Http404
    return cohort


def participant_membership(user, membership_id: int) -> CohortMembership:
    """One of the participant's own memberships, or 404."""
    membership = (
        CohortMembership.objects.filter(pk=membership_id, user=user)
        .select_related("cohort")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@dataclass
class MyCohort:
    membership: CohortMembership
    minutes: int
    upcoming: list[CohortSession]

    @property
    def cohort(self) -> Cohort:
        return self.membership.cohort

    @property
    def hours(self) -> str:
        return format_hours(minutes_to_hours(self.minutes))

    @property
    def waitlist_position(self) -> int | None:
        if self.membership.status != MembershipStatus.WAITLISTED:
            return None
        return self.membership.waitlist_ahead + 1


def participant_cohorts(user, *, upcoming_per_cohort: int = 3) -> list[MyCohort]:
    """The participant's cohorts (not withdrawn) with her hours and next sessions (3 queries).

    Nothing about other members is read: peers are not listed on her pages.
    """
    ahead = (
        CohortMembership.objects.filter(
            cohort_id=OuterRef("cohort_id"), status=MembershipStatus.WAITLISTED
        )
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("cohort_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    memberships = list(
        CohortMembership.objects.filter(user=user, status__in=CURRENT_STATUSES)
        .select_related("cohort")
        .annotate(waitlist_ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), 0))
        .order_by("cohort__start_date", "cohort__name")
    )
    attending = [m for m in memberships if m.status in ATTENDING_STATUSES]
    minutes = dict(
        Attendance.objects.filter(membership__in=[m.pk for m in attending])
        .values("membership_id")
        .annotate(total=Sum("minutes_attended"))
        .values_list("membership_id", "total")
    )
    upcoming: dict[int, list[CohortSession]] = {}
    if attending:
        for session in (
            CohortSession.objects.filter(
                cohort_id__in=[m.cohort_id for m in attending], starts_at__gte=timezone.now()
            )
            .select_related("cohort")
            .order_by("starts_at", "pk")
        ):
            upcoming.setdefault(session.cohort_id, []).append(session)
    return [
        MyCohort(
            membership=m,
            minutes=minutes.get(m.pk, 0),
            upcoming=upcoming.get(m.cohort_id, [])[:upcoming_per_cohort]
            if m.status in ATTENDING_STATUSES
            else [],
        )
        for m in memberships
    ]
