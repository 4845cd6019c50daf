"""Reads about cohorts, each scoped to what the person asking may see.

A facilitator sees a cohort only while assigned to it, programme staff see every cohort, and a
participant sees her own memberships and the cohorts open for joining. Anything else answers 404
as if it did not exist. Facilitators see members' chosen names, course progress and quiz scores;
never quiz answers, reflections or contact details. Pages run a fixed number of queries whatever
the number of members.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pathways.cohorts.models import (
    Attendance,
    Cohort,
    CohortCourse,
    CohortMembership,
    CohortSession,
    CohortSessionTranslation,
    CohortStatus,
    MembershipStatus,
)
from pathways.courses.models import (
    ActivitySignoff,
    ActivityStatus,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonProgress,
    QuizAttempt,
)
from pathways.courses.selectors import Requirement, _lessons_by_course, completion_reports
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.accounts.people import by_chosen_name, person_ordering
from pathways.lms.accounts.roles import Role, has_role, is_programme_staff
from pathways.lms.core.languages import keep_translations

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
# Memberships a participant can leave from her cohorts page.
LEAVABLE_STATUSES = (MembershipStatus.APPLIED, MembershipStatus.WAITLISTED, MembershipStatus.ACTIVE)
# The only user fields cohort pages load: never contact details or legal names.
# Load them with ``select_related(*_NAME_RELATIONS)``: a member with no Pathways profile yet is
# named by her username (``accounts.names.chosen_name_of``).
_NAME_RELATIONS = ("user__pathways_profile",)
_NAME_FIELDS = (
    "user__id",
    "user__username",
    "user__pathways_profile__chosen_name",
    "user__pathways_profile__peer_alias",
)


def minutes_to_hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_hours(hours: Decimal) -> str:
    """Hours without trailing zeros: 1.5, 2, 0.25."""
    text = f"{hours.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def hours_text(done: Decimal, needed: Decimal | None = None) -> str:
    """Attended hours in words, with what is needed when the cohort asks for some:
    "7.5 hours (6 needed)", "1 hour", never "7.5 of 6 hours"."""
    done = Decimal(done or 0)
    whole = done == done.to_integral_value()
    count = int(done) if whole else 2  # a fraction of an hour reads as plural: "1.5 hours"
    values = {"done": format_hours(done)}
    if needed is None or Decimal(needed) <= 0:
        return ngettext("%(done)s hour", "%(done)s hours", count) % values
    values["needed"] = format_hours(Decimal(needed))
    return (
        ngettext("%(done)s hour (%(needed)s needed)", "%(done)s hours (%(needed)s needed)", count)
        % values
    )


# Who sees which cohort -----------------------------------------------------------------------


def is_assigned_facilitator(user, cohort: Cohort) -> bool:
    """A facilitator (by role) currently assigned to the cohort."""
    return has_role(user, Role.FACILITATOR) and cohort.facilitators.filter(pk=user.pk).exists()


def may_run(user, cohort: Cohort) -> bool:
    """Whether someone may see a cohort's roster and take its attendance."""
    return is_programme_staff(user) or is_assigned_facilitator(user, cohort)


def _signoffs_waiting_in(cohort_ref):
    """An expression: how many practical activities of the cohort's members (with a place), in
    the cohort's courses, wait for sign-off. ``cohort_ref`` is the cohort's id (or ``OuterRef``)."""
    waiting = (
        ActivitySignoff.objects.filter(
            status=ActivityStatus.REQUESTED,
            enrolment__course__cohort_runs__cohort_id=cohort_ref,
            enrolment__user__cohort_memberships__cohort_id=cohort_ref,
            enrolment__user__cohort_memberships__status__in=PLACE_STATUSES,
        )
        .order_by()
        .values("status")
        .annotate(count=Count("pk", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0))


def cohorts_facilitated_by(user, *, shown: bool = False):
    """The cohorts someone runs: every cohort for programme staff, assigned ones for a facilitator.

    Each cohort carries ``places_taken``, ``waitlisted``, ``sessions_count`` and
    ``signoffs_waiting`` (practical activities of its members waiting for sign-off), counted in
    the same query. ``shown``: also their translations (one more query), for a page that names
    them in the reader's language.
    """
    if is_programme_staff(user):
        cohorts = Cohort.objects.all()
    elif has_role(user, Role.FACILITATOR):
        cohorts = Cohort.objects.filter(facilitators=user)
    else:
        return Cohort.objects.none()
    cohorts = cohorts.annotate(
        places_taken=Count(
            "memberships", filter=Q(memberships__status__in=PLACE_STATUSES), distinct=True
        ),
        waitlisted=Count(
            "memberships",
            filter=Q(memberships__status=MembershipStatus.WAITLISTED),
            distinct=True,
        ),
        sessions_count=Count("sessions", distinct=True),
        signoffs_waiting=_signoffs_waiting_in(OuterRef("pk")),
    ).order_by("-start_date", "name")
    return cohorts.prefetch_related("translations") if shown else cohorts


def cohort_for_facilitator(user, cohort_id: int) -> Cohort:
    """A cohort its assigned facilitator or programme staff may run, or 404.

    It carries ``signoffs_waiting``, read in the same query.
    """
    cohort = (
        Cohort.objects.filter(pk=cohort_id)
        .annotate(signoffs_waiting=_signoffs_waiting_in(OuterRef("pk")))
        .first()
    )
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
    """The cohort's sessions in order, each with how many attendance records it has and its
    translations."""
    return (
        CohortSession.objects.filter(cohort=cohort)
        .select_related("cohort")
        .prefetch_related("translations")
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
    needed_hours: Decimal | None = None

    @property
    def name(self) -> str:
        return chosen_name_of(self.membership.user)

    @property
    def hours(self) -> str:
        return format_hours(minutes_to_hours(self.minutes))

    @property
    def hours_text(self) -> str:
        """ "7.5 hours (6 needed)"."""
        return hours_text(minutes_to_hours(self.minutes), self.needed_hours)

    @property
    def completed(self) -> bool:
        return self.membership.status == MembershipStatus.COMPLETED


@dataclass
class Roster:
    runs: list[CohortCourse]
    members: list[RosterEntry]  # active and completed
    waitlist: list[CohortMembership]  # in the order places will be offered
    pending: list[CohortMembership]  # invited or applied


def _memberships_with_names(cohort: Cohort, statuses):
    return (
        CohortMembership.objects.filter(cohort=cohort, status__in=statuses)
        .select_related(*_NAME_RELATIONS)
        .only(
            "id", "cohort_id", "status", "waitlisted_at", "joined_at", "created_at", *_NAME_FIELDS
        )
    )


def cohort_roster(cohort: Cohort) -> Roster:
    """Members with attended hours, course progress and best quiz scores, in seven queries."""
    memberships = list(
        _memberships_with_names(cohort, CURRENT_STATUSES).order_by(
            by_chosen_name("user"), "waitlisted_at", "pk"
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
    # Each course's hours rule counts all of the cohort's sessions: the largest is what is needed.
    needed_hours = max((run.min_attended_hours for run in runs), default=None) or None
    lessons = _lessons_by_course(courses)
    enrolments = {}
    done: set[tuple[int, int]] = set()
    best: dict[int, dict[int, int]] = {}
    if courses and members:
        enrolments = {
            (enrolment.user_id, enrolment.course_id): enrolment
            for enrolment in Enrolment.objects.filter(
                user_id__in=[m.user_id for m in members], course__in=courses
            ).only("id", "user_id", "course_id", "status")
        }
        enrolment_ids = [enrolment.pk for enrolment in enrolments.values()]
        if enrolment_ids:
            done = set(
                LessonProgress.objects.filter(
                    enrolment_id__in=enrolment_ids, completed_at__isnull=False
                ).values_list("enrolment_id", "lesson_id")
            )
            for row in (
                QuizAttempt.objects.filter(enrolment_id__in=enrolment_ids)
                .values("enrolment_id", "lesson_id")
                .annotate(best=Max("score"))
                .order_by()
            ):
                best.setdefault(row["enrolment_id"], {})[row["lesson_id"]] = row["best"]
    entries = []
    for membership in members:
        progress = []
        for course in courses:
            enrolment = enrolments.get((membership.user_id, course.pk))
            course_lessons = lessons.get(course.pk, [])
            counted = [lesson for lesson in course_lessons if lesson.required] or course_lessons
            if enrolment is None:
                progress.append(
                    CourseProgress(course, False, False, 0, len(counted), quiz_scores=[])
                )
                continue
            scores = best.get(enrolment.pk, {})
            progress.append(
                CourseProgress(
                    course=course,
                    enrolled=True,
                    completed=enrolment.status == EnrolmentStatus.COMPLETED,
                    lessons_done=sum((enrolment.pk, lesson.pk) in done for lesson in counted),
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
                membership=membership,
                minutes=minutes.get(membership.pk, 0),
                progress=progress,
                needed_hours=needed_hours,
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
        return chosen_name_of(self.membership.user)


def session_attendance_sheet(session: CohortSession) -> list[SheetRow]:
    """Every member whose attendance can be taken, with what was recorded so far (two queries)."""
    memberships = list(
        _memberships_with_names(session.cohort_id, ATTENDING_STATUSES).order_by(
            by_chosen_name("user"), "pk"
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


def membership_attended_minutes():
    """An expression for a membership queryset: the minutes its member attended in all (0 if none).

    One subquery per row in the same query, so a list of members costs no query per member."""
    total = (
        Attendance.objects.filter(membership_id=OuterRef("pk"))
        .order_by()
        .values("membership_id")
        .annotate(total=Sum("minutes_attended"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def attended_minutes(user, cohort: Cohort) -> int:
    total = Attendance.objects.filter(membership__cohort=cohort, membership__user=user).aggregate(
        total=Sum("minutes_attended")
    )["total"]
    return total or 0


def attended_hours(user, cohort: Cohort) -> Decimal:
    """The hours of the cohort's sessions a member attended."""
    return minutes_to_hours(attended_minutes(user, cohort))


def _hours_requirement(*, cohort_name: str, minutes: int, needed: Decimal) -> Requirement:
    return Requirement(
        label=_("Attended hours in %(cohort)s: %(hours)s")
        % {"cohort": cohort_name, "hours": hours_text(minutes_to_hours(minutes), needed)},
        met=Decimal(minutes or 0) >= needed * 60,
    )


def attended_hours_requirements(enrolment: Enrolment) -> list[Requirement]:
    """The attended-hours rule of each cohort running this course with the participant in it.

    Added to the course's completion rules through the ``pathways_completion_requirements`` hook.
    Only cohorts where she holds (or held, having completed) a place count.
    """
    return attended_hours_requirements_for([enrolment]).get(enrolment.pk, [])


def attended_hours_requirements_for(enrolments) -> dict[int, list[Requirement]]:
    """:func:`attended_hours_requirements` for many enrolments, keyed by enrolment id, in three
    queries whatever their number (the cohorts' names in the reader's language)."""
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    user_ids = {enrolment.user_id for enrolment in enrolments}
    runs = list(
        CohortCourse.objects.filter(
            course_id__in={enrolment.course_id for enrolment in enrolments},
            min_attended_hours__gt=0,
            cohort__memberships__user_id__in=user_ids,
            cohort__memberships__status__in=ATTENDING_STATUSES,
        )
        .select_related("cohort")
        .only(
            "id",
            "course_id",
            "min_attended_hours",
            "cohort__id",
            "cohort__name",
            "cohort__start_date",
        )
        .prefetch_related("cohort__translations")
        .distinct()
        .order_by("cohort__start_date", "pk")
    )
    if not runs:
        return {}
    attended = {
        (user_id, cohort_id): total
        for user_id, cohort_id, total in CohortMembership.objects.filter(
            user_id__in=user_ids,
            status__in=ATTENDING_STATUSES,
            cohort_id__in={run.cohort_id for run in runs},
        )
        .annotate(total=membership_attended_minutes())
        .values_list("user_id", "cohort_id", "total")
    }
    requirements: dict[int, list[Requirement]] = {}
    for enrolment in enrolments:
        requirements[enrolment.pk] = [
            _hours_requirement(
                cohort_name=run.cohort.shown_name,
                minutes=attended[(enrolment.user_id, run.cohort_id)],
                needed=run.min_attended_hours,
            )
            for run in runs
            if run.course_id == enrolment.course_id
            and (enrolment.user_id, run.cohort_id) in attended
        ]
    return requirements


# Whether members met a cohort's completion rules ------------------------------------------------


@dataclass
class MemberCompletion:
    """Whether one member has met a cohort's completion rules, and, in plain words, what not."""

    membership: CohortMembership
    missing: list[str]
    completed_at: datetime | None = None

    @property
    def complete(self) -> bool:
        return not self.missing


def cohort_member_completion(
    cohort: Cohort, *, user_ids=None, statuses=PLACE_STATUSES
) -> list[MemberCompletion]:
    """Whether each member of the cohort has met its completion rules, and what is missing.

    The rules: she completed every course the cohort runs (each course's own rules: lessons,
    quizzes, sign-offs and whatever the ``pathways_completion_requirements`` hook adds, decided by
    ``courses.services.enrolment_evaluate_completion``) and attended the hours the cohort asks
    for each. Staff marking a membership completed does not stand in for those rules (a
    certificate must mean they were met; issuing without them takes a per-person reason). A
    cohort running no course has no rule but staff's record, so there it is completed when staff
    record it (``cohorts.services.membership_complete``). Read as it
    stands now, in a fixed number of queries whatever the number of members; ordered by chosen
    name. ``user_ids`` limits it to some members.
    """
    memberships = CohortMembership.objects.filter(cohort=cohort, status__in=statuses)
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=list(user_ids))
    memberships = list(
        memberships.select_related(*_NAME_RELATIONS)
        .only("id", "cohort_id", "status", "completed_at", *_NAME_FIELDS)
        .order_by(*person_ordering("user"), "pk")
    )
    if not memberships:
        return []
    runs = list(
        CohortCourse.objects.filter(cohort=cohort)
        .select_related("course")
        .only(
            "id",
            "course_id",
            "min_attended_hours",
            "course__id",
            "course__title",
            "course__path",
            "course__depth",
        )
        .order_by("pk")
    )
    courses = {run.course_id: run.course for run in runs}
    working = memberships if runs else []
    enrolments = {}
    if working and runs:
        for enrolment in Enrolment.objects.filter(
            user_id__in=[m.user_id for m in working], course_id__in=list(courses)
        ):
            enrolment.course = courses[enrolment.course_id]
            enrolments[(enrolment.user_id, enrolment.course_id)] = enrolment
    minutes = {}
    if working and any(run.min_attended_hours > 0 for run in runs):
        minutes = dict(
            Attendance.objects.filter(membership_id__in=[m.pk for m in working])
            .order_by()
            .values("membership_id")
            .annotate(total=Sum("minutes_attended"))
            .values_list("membership_id", "total")
        )
    reports = completion_reports(
        [e for e in enrolments.values() if e.status == EnrolmentStatus.ACTIVE]
    )
    # In the reader's language, as the courses' own hours rule says it (said once, below).
    cohort_name = cohort.shown_name if any(run.min_attended_hours > 0 for run in runs) else ""
    results = []
    for membership in memberships:
        if not runs and membership.status == MembershipStatus.COMPLETED:
            results.append(
                MemberCompletion(
                    membership=membership,
                    missing=[],
                    completed_at=membership.completed_at or timezone.now(),
                )
            )
            continue
        if not runs:
            results.append(
                MemberCompletion(
                    membership=membership,
                    missing=[_("Programme staff have not recorded her completion of the cohort")],
                )
            )
            continue
        missing: list[str] = []
        finished = []
        for run in runs:
            hours = None
            if run.min_attended_hours > 0:
                hours = _hours_requirement(
                    cohort_name=cohort_name,
                    minutes=minutes.get(membership.pk, 0),
                    needed=run.min_attended_hours,
                )
            enrolment = enrolments.get((membership.user_id, run.course_id))
            title = run.course.title
            if enrolment is None:
                missing.append(_("%(course)s: not enrolled") % {"course": title})
            elif enrolment.status == EnrolmentStatus.WITHDRAWN:
                missing.append(_("%(course)s: withdrew from the course") % {"course": title})
            elif enrolment.status == EnrolmentStatus.COMPLETED:
                finished.append(enrolment.completed_at)
            else:
                unmet = [
                    str(requirement.label)
                    for requirement in reports[enrolment.pk].unmet
                    # The cohort's own hours rule is said once, below.
                    if hours is None or requirement.label != hours.label
                ]
                for label in unmet or [_("completion not recorded yet")]:
                    missing.append(
                        _("%(course)s: %(requirement)s") % {"course": title, "requirement": label}
                    )
            if hours is not None and not hours.met:
                missing.append(str(hours.label))
        missing = list(dict.fromkeys(missing))
        completed_at = None
        if not missing:
            completed_at = max((at for at in finished if at), default=None) or timezone.now()
        results.append(
            MemberCompletion(membership=membership, missing=missing, completed_at=completed_at)
        )
    return results


# A participant's own cohorts -----------------------------------------------------------------


def joinable_cohorts(user):
    """Cohorts open for joining now that the participant is not already part of.

    Each carries ``places_taken`` and its translations. Only participants can join, so others
    get none.
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
        .prefetch_related("translations")
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
    def hours_text(self) -> str:
        """ "7.5 hours (6 needed)", or "7.5 hours" where the cohort asks for none."""
        return hours_text(minutes_to_hours(self.minutes), self.membership.needed_hours)

    @property
    def invited(self) -> bool:
        return self.membership.status == MembershipStatus.INVITED

    @property
    def applied(self) -> bool:
        return self.membership.status == MembershipStatus.APPLIED

    @property
    def waitlisted(self) -> bool:
        return self.membership.status == MembershipStatus.WAITLISTED

    @property
    def completed(self) -> bool:
        return self.membership.status == MembershipStatus.COMPLETED

    @property
    def has_place(self) -> bool:
        """She holds (or held, having completed) a place: her hours and sessions apply."""
        return self.membership.status in PLACE_STATUSES

    @property
    def may_leave(self) -> bool:
        """She can give up her place, her spot on the waiting list or her application here (an
        invitation is declined instead)."""
        return self.membership.status in LEAVABLE_STATUSES

    @property
    def waitlist_position(self) -> int | None:
        if not self.waitlisted:
            return None
        return self.membership.waitlist_ahead + 1


def participant_cohorts(user, *, upcoming_per_cohort: int = 3) -> list[MyCohort]:
    """The participant's cohorts (not withdrawn) with her hours and next sessions, and their
    translations (5 queries).

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
    needed = (
        CohortCourse.objects.filter(cohort_id=OuterRef("cohort_id"))
        .order_by("-min_attended_hours")
        .values("min_attended_hours")[:1]
    )
    memberships = list(
        CohortMembership.objects.filter(user=user, status__in=CURRENT_STATUSES)
        .select_related("cohort")
        .prefetch_related("cohort__translations")
        .annotate(
            waitlist_ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), 0),
            needed_hours=Subquery(needed),
        )
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
        coming = CohortSession.objects.filter(
            cohort_id__in=[m.cohort_id for m in attending], starts_at__gte=timezone.now()
        )
        sessions = list(coming.select_related("cohort").order_by("starts_at", "pk"))
        # Read with the sessions' own filter: the same cost whether or not any are coming.
        keep_translations(
            sessions,
            CohortSessionTranslation.objects.filter(session__in=coming),
            parent="session",
        )
        for session in sessions:
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


def facilitated_enrolments_q(user) -> Q:
    """A condition on course enrolments: those of participants who have (or had, having
    completed) a place in a cohort ``user`` facilitates that runs the course."""
    in_a_cohort_she_runs = CohortMembership.objects.filter(
        user_id=OuterRef("user_id"),
        status__in=[MembershipStatus.ACTIVE, MembershipStatus.COMPLETED],
        cohort__facilitators=user,
        cohort__cohort_courses__course_id=OuterRef("course_id"),
    )
    return Q(Exists(in_a_cohort_she_runs))


# The participant's dashboard ------------------------------------------------------------------


def participant_next_session(user, *, now: datetime | None = None) -> CohortSession | None:
    """The next session (or the one going on now) of a cohort where she has a place, with its
    cohort, in one query (and two more for their translations, when she has one)."""
    now = now or timezone.now()
    # A session that started within the last day may still be going on.
    candidates = (
        CohortSession.objects.filter(
            cohort__memberships__user_id=user.pk,
            cohort__memberships__status__in=ATTENDING_STATUSES,
            starts_at__gte=now - timedelta(days=1),
        )
        .select_related("cohort")
        .prefetch_related("translations", "cohort__translations")
        .order_by("starts_at", "pk")[:10]
    )
    return next(
        (
            session
            for session in candidates
            if session.starts_at + timedelta(minutes=session.duration_minutes) > now
        ),
        None,
    )
