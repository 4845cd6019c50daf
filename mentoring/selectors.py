"""Reads about peer mentorship, each owning its queries and returning only what its reader may see.

A mentor sees a mentee only through an active (or paused) pairing, and then only her alias, a
summary of her course progress, and the goals and check-ins they share: never quiz answers,
reflections, legal name or contact details. Anything else answers 404, as if it did not exist.
Lists run a fixed number of queries whatever their length.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _

from pathways.cohorts.models import CohortMembership, MembershipStatus
from pathways.courses.models import EnrolmentStatus
from pathways.courses.selectors import enrolment_summaries_for_users
from pathways.lms.accounts.names import alias_of, staff_label, stored_profile
from pathways.lms.accounts.roles import Role, has_role
from pathways.mentoring.models import (
    CAPACITY_PAIRING_STATUSES,
    OPEN_PAIRING_STATUSES,
    GoalStatus,
    MenteePreferences,
    MentorProfile,
    MentorProfileStatus,
    MentorshipCheckIn,
    MentorshipGoal,
    MentorshipPairing,
    PairingStatus,
)

#: Pairings whose two people still see each other (and their goals and check-ins).
MEMBER_VISIBLE_STATUSES = [PairingStatus.ACTIVE, PairingStatus.PAUSED]
OPEN_GOAL_STATUSES = [GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS]
SHARED_COHORT_STATUSES = [MembershipStatus.ACTIVE, MembershipStatus.COMPLETED]


def checkin_is_overdue(
    *,
    last_checkin: datetime.date | None,
    started_at: datetime.datetime | None,
    every_days: int,
    today: datetime.date,
) -> bool:
    """Whether more than ``every_days`` days passed since the last check-in (or the start)."""
    reference = last_checkin
    if reference is None and started_at is not None:
        reference = timezone.localdate(started_at)
    if reference is None:
        return False
    return (today - reference).days > every_days


def next_checkin_due(
    *,
    last_checkin: datetime.date | None,
    started_at: datetime.datetime | None,
    every_days: int,
) -> datetime.date | None:
    """The day the pair's next check-in is due by: ``every_days`` after the last check-in (or
    the start); the day after it, the check-in is overdue (:func:`checkin_is_overdue`)."""
    reference = last_checkin
    if reference is None and started_at is not None:
        reference = timezone.localdate(started_at)
    if reference is None:
        return None
    return reference + datetime.timedelta(days=every_days)


def is_mentor(user) -> bool:
    """Someone who mentors: in the Mentors group, or with a mentor profile."""
    if not getattr(user, "is_authenticated", False):
        return False
    return has_role(user, Role.MENTOR) or MentorProfile.objects.filter(user=user).exists()


# The mentor's dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseProgress:
    """What a mentor may know of a mentee's course: its title, how far along, and its status."""

    title: str
    percent: int
    lessons_done: int
    lessons_total: int
    status: str
    status_label: str
    last_activity_at: datetime.datetime | None

    @property
    def completed(self) -> bool:
        return self.status == EnrolmentStatus.COMPLETED


@dataclass
class MenteeRow:
    """One mentee on the mentor's dashboard. Holds her alias, never her user record."""

    pairing_id: int
    alias: str
    status: str
    started_at: datetime.datetime | None
    progress: list[CourseProgress]
    last_activity_at: datetime.datetime | None
    last_checkin: datetime.date | None
    open_goals: list[MentorshipGoal]
    checkin_overdue: bool
    next_checkin: datetime.date | None = None

    @property
    def paused(self) -> bool:
        return self.status == PairingStatus.PAUSED


def _course_progress(summaries) -> list[CourseProgress]:
    labels = dict(EnrolmentStatus.choices)
    return [
        CourseProgress(
            title=summary.course.title,
            percent=summary.percent,
            lessons_done=summary.lessons_done,
            lessons_total=summary.lessons_total,
            status=summary.enrolment.status,
            status_label=str(labels.get(summary.enrolment.status, "")),
            last_activity_at=summary.enrolment.last_activity_at,
        )
        for summary in summaries
    ]


def mentee_progress(mentee_ids) -> dict[int, list[CourseProgress]]:
    """Course progress summaries of several mentees, in three queries."""
    return {
        user_id: _course_progress(summaries)
        for user_id, summaries in enrolment_summaries_for_users(mentee_ids).items()
    }


def mentor_dashboard(mentor) -> list[MenteeRow]:
    """The mentor's current mentees, overdue check-ins first, in five queries whatever their number.

    Progress is shown only while the pairing is active; a paused pairing shows goals and dates.
    """
    pairings = list(
        MentorshipPairing.objects.filter(mentor=mentor, status__in=MEMBER_VISIBLE_STATUSES)
        .select_related("mentee__pathways_profile")
        .annotate(last_checkin=Max("check_ins__date"))
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=MentorshipGoal.objects.filter(status__in=OPEN_GOAL_STATUSES),
                to_attr="open_goals",
            )
        )
        .order_by("started_at", "pk")
    )
    active_mentees = [p.mentee_id for p in pairings if p.status == PairingStatus.ACTIVE]
    progress = mentee_progress(active_mentees)
    today = timezone.localdate()
    rows = []
    for pairing in pairings:
        courses = (
            progress.get(pairing.mentee_id, []) if pairing.status == PairingStatus.ACTIVE else []
        )
        activity = [course.last_activity_at for course in courses if course.last_activity_at]
        rows.append(
            MenteeRow(
                pairing_id=pairing.pk,
                alias=alias_of(pairing.mentee),
                status=pairing.status,
                started_at=pairing.started_at,
                progress=courses,
                last_activity_at=max(activity, default=None),
                last_checkin=pairing.last_checkin,
                open_goals=pairing.open_goals,
                checkin_overdue=pairing.status == PairingStatus.ACTIVE
                and checkin_is_overdue(
                    last_checkin=pairing.last_checkin,
                    started_at=pairing.started_at,
                    every_days=pairing.checkin_every_days,
                    today=today,
                ),
                next_checkin=(
                    next_checkin_due(
                        last_checkin=pairing.last_checkin,
                        started_at=pairing.started_at,
                        every_days=pairing.checkin_every_days,
                    )
                    if pairing.status == PairingStatus.ACTIVE
                    else None
                ),
            )
        )
    # Overdue first, then the soonest due; paused ones last.
    rows.sort(
        key=lambda row: (not row.checkin_overdue, row.paused, row.next_checkin or datetime.date.max)
    )
    return rows


def mentor_requests(mentor) -> list[MentorshipPairing]:
    """Participants who asked this mentor and wait for her answer, oldest first."""
    return list(
        MentorshipPairing.objects.filter(mentor=mentor, status=PairingStatus.REQUESTED)
        .select_related("mentee__pathways_profile")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class MenteeCheckIn:
    """A mentee's next check-in with her mentor, for her dashboard."""

    pairing_id: int
    mentor_alias: str
    due: datetime.date | None
    overdue: bool


def mentee_next_checkins(user) -> list[MenteeCheckIn]:
    """When each of her active mentorships should next check in, soonest first (one query)."""
    today = timezone.localdate()
    found = []
    for pairing in (
        MentorshipPairing.objects.filter(mentee_id=user.pk, status=PairingStatus.ACTIVE)
        .select_related("mentor__pathways_profile")
        .annotate(last_checkin=Max("check_ins__date"))
        .order_by("pk")
    ):
        found.append(
            MenteeCheckIn(
                pairing_id=pairing.pk,
                mentor_alias=alias_of(pairing.mentor),
                due=next_checkin_due(
                    last_checkin=pairing.last_checkin,
                    started_at=pairing.started_at,
                    every_days=pairing.checkin_every_days,
                ),
                overdue=checkin_is_overdue(
                    last_checkin=pairing.last_checkin,
                    started_at=pairing.started_at,
                    every_days=pairing.checkin_every_days,
                    today=today,
                ),
            )
        )
    found.sort(key=lambda item: item.due or datetime.date.max)
    return found


# One pairing, for the two people in it ---------------------------------------------------------


def pairing_for_member(user, pairing_id: int) -> MentorshipPairing:
    """An active or paused pairing the user is the mentor or the mentee of, or 404.

    Once a pairing is completed, ended or declined, neither person can open it any more: a mentor
    never reads a former mentee.
    """
    pairing = (
        MentorshipPairing.objects.filter(
            Q(mentor=user) | Q(mentee=user),
            pk=pairing_id,
            status__in=MEMBER_VISIBLE_STATUSES,
        )
        .select_related("mentor__pathways_profile", "mentee__pathways_profile")
        .first()
    )
    if pairing is None:
        raise Http404
    return pairing


def pending_pairing_for_member(user, pairing_id: int) -> MentorshipPairing:
    """A pairing waiting for this user's answer (or her own request), or 404.

    A mentor does not see a staff proposal until the mentee has accepted it.
    """
    pairing = (
        MentorshipPairing.objects.filter(
            Q(mentee=user, status__in=[PairingStatus.PROPOSED, PairingStatus.REQUESTED])
            | Q(mentor=user, status=PairingStatus.REQUESTED),
            pk=pairing_id,
        )
        .select_related("mentor__pathways_profile", "mentee__pathways_profile")
        .first()
    )
    if pairing is None:
        raise Http404
    return pairing


def goal_for_member(user, pairing_id: int, goal_id: int) -> MentorshipGoal:
    pairing = pairing_for_member(user, pairing_id)
    goal = MentorshipGoal.objects.filter(pairing=pairing, pk=goal_id).first()
    if goal is None:
        raise Http404
    goal.pairing = pairing
    return goal


@dataclass
class CheckInEntry:
    check_in: MentorshipCheckIn
    recorded_by_alias: str
    recorded_by_me: bool


@dataclass
class PairingDetail:
    """What one of the two people sees of their pairing."""

    pairing: MentorshipPairing
    viewer_is_mentor: bool
    other_alias: str
    goals: list[MentorshipGoal]
    check_ins: list[CheckInEntry]
    progress: list[CourseProgress] = field(default_factory=list)
    last_checkin: datetime.date | None = None
    checkin_overdue: bool = False
    next_checkin: datetime.date | None = None


def pairing_detail(pairing: MentorshipPairing, viewer) -> PairingDetail:
    """The pairing page: the other person's alias, goals, check-ins, and for the mentor the
    mentee's course progress summary (while the pairing is active)."""
    viewer_is_mentor = viewer.pk == pairing.mentor_id
    other = pairing.mentee if viewer_is_mentor else pairing.mentor
    goals = list(pairing.goals.order_by("status", "due_date", "pk"))
    goals.sort(key=lambda goal: (goal.status not in OPEN_GOAL_STATUSES,))
    check_ins = [
        CheckInEntry(
            check_in=check_in,
            recorded_by_alias=alias_of(check_in.recorded_by) if check_in.recorded_by else "",
            recorded_by_me=check_in.recorded_by_id == viewer.pk,
        )
        for check_in in pairing.check_ins.select_related("recorded_by__pathways_profile")
    ]
    last_checkin = max((entry.check_in.date for entry in check_ins), default=None)
    progress = []
    if viewer_is_mentor and pairing.status == PairingStatus.ACTIVE:
        progress = mentee_progress([pairing.mentee_id]).get(pairing.mentee_id, [])
    return PairingDetail(
        pairing=pairing,
        viewer_is_mentor=viewer_is_mentor,
        other_alias=alias_of(other),
        goals=goals,
        check_ins=check_ins,
        progress=progress,
        last_checkin=last_checkin,
        checkin_overdue=pairing.status == PairingStatus.ACTIVE
        and checkin_is_overdue(
            last_checkin=last_checkin,
            started_at=pairing.started_at,
            every_days=pairing.checkin_every_days,
            today=timezone.localdate(),
        ),
        next_checkin=(
            next_checkin_due(
                last_checkin=last_checkin,
                started_at=pairing.started_at,
                every_days=pairing.checkin_every_days,
            )
            if pairing.status == PairingStatus.ACTIVE
            else None
        ),
    )


# The mentee's page -----------------------------------------------------------------------------


@dataclass
class MenteeOverview:
    """What a participant sees of her own mentorships."""

    proposals: list[MentorshipPairing]
    requests: list[MentorshipPairing]
    current: list[MentorshipPairing]


def mentee_overview(user) -> MenteeOverview:
    """Proposals waiting for her answer, her own requests, and her current mentorships with their
    goals and check-ins, in four queries."""
    pairings = list(
        MentorshipPairing.objects.filter(mentee=user, status__in=OPEN_PAIRING_STATUSES)
        .select_related("mentor__pathways_profile")
        .prefetch_related(
            Prefetch("goals", queryset=MentorshipGoal.objects.order_by("due_date", "pk")),
            Prefetch(
                "check_ins",
                queryset=MentorshipCheckIn.objects.select_related(
                    "recorded_by__pathways_profile"
                ).order_by("-date", "-pk"),
            ),
        )
        .order_by("created_at", "pk")
    )
    return MenteeOverview(
        proposals=[p for p in pairings if p.status == PairingStatus.PROPOSED],
        requests=[p for p in pairings if p.status == PairingStatus.REQUESTED],
        current=[p for p in pairings if p.status in MEMBER_VISIBLE_STATUSES],
    )


# Staff -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffCheckIn:
    """A check-in as staff see it: the notes are withheld when the mentee kept them private."""

    date: datetime.date
    mode_label: str
    duration_minutes: int
    notes: str | None
    private_from_staff: bool
    recorded_by: str


def staff_pairing_records(pairing: MentorshipPairing) -> tuple[list, list[StaffCheckIn]]:
    """A pairing's goals and check-ins for programme staff."""
    goals = list(pairing.goals.order_by("due_date", "pk"))
    check_ins = [
        StaffCheckIn(
            date=check_in.date,
            mode_label=check_in.get_mode_display(),
            duration_minutes=check_in.duration_minutes,
            notes=None if check_in.private_from_staff else check_in.notes,
            private_from_staff=check_in.private_from_staff,
            recorded_by=staff_label(check_in.recorded_by) if check_in.recorded_by else "",
        )
        for check_in in pairing.check_ins.select_related("recorded_by__pathways_profile")
    ]
    return goals, check_ins


# Match suggestions -----------------------------------------------------------------------------

LANGUAGE_POINTS = 3
SKILL_POINTS = 2
COHORT_POINTS = 2
MAX_FREE_PLACE_POINTS = 3


@dataclass(frozen=True)
class MentorSuggestion:
    """A mentor who could take the mentee, how well she fits, and why, in plain words."""

    mentor: object
    profile: MentorProfile
    score: int
    reasons: list[str]
    free_places: int


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def mentor_suggestions(mentee, *, limit: int = 10) -> list[MentorSuggestion]:
    """Mentors who could take this participant now, best first, each with the reasons.

    Candidates are active, trained mentors with a free place who are not already paired with her
    (or waiting for an answer). Points: a shared language, each skill she wants that the mentor
    offers, free places (up to three), and having been in the same cohort. Ties go to the mentor
    with more free places, then to the longest-standing account. Six queries at most.
    """
    preferences = (
        MenteePreferences.objects.filter(user=mentee).prefetch_related("skills_wanted").first()
    )
    wanted = {skill.pk: skill for skill in preferences.skills_wanted.all()} if preferences else {}
    languages = set(preferences.languages if preferences else [])
    mentee_profile = stored_profile(mentee)
    if mentee_profile is not None and mentee_profile.preferred_language:
        languages.add(mentee_profile.preferred_language)
    languages = {code.lower() for code in languages}
    cohorts = dict(
        CohortMembership.objects.filter(user=mentee, status__in=SHARED_COHORT_STATUSES).values_list(
            "cohort_id", "cohort__name"
        )
    )
    already_paired = MentorshipPairing.objects.filter(
        mentor=OuterRef("user"), mentee=mentee, status__in=OPEN_PAIRING_STATUSES
    )
    profiles = list(
        MentorProfile.objects.filter(
            status=MentorProfileStatus.ACTIVE, training_completed=True, user__is_active=True
        )
        .exclude(user=mentee)
        .exclude(Exists(already_paired))
        .annotate(
            taken=Count(
                "user__mentor_pairings",
                filter=Q(user__mentor_pairings__status__in=CAPACITY_PAIRING_STATUSES),
                distinct=True,
            )
        )
        .filter(capacity__gt=F("taken"))
        .select_related("user__pathways_profile")
        .prefetch_related("skills")
    )
    shared_cohorts: dict[int, set[str]] = {}
    if cohorts and profiles:
        for user_id, cohort_id in CohortMembership.objects.filter(
            cohort_id__in=list(cohorts),
            status__in=SHARED_COHORT_STATUSES,
            user_id__in=[profile.user_id for profile in profiles],
        ).values_list("user_id", "cohort_id"):
            shared_cohorts.setdefault(user_id, set()).add(cohorts[cohort_id])

    suggestions = []
    for profile in profiles:
        score = 0
        reasons = []
        common = [code for code in profile.languages if code.lower() in languages]
        if common:
            score += LANGUAGE_POINTS
            reasons.append(
                _("Speaks the same language: %(languages)s")
                % {"languages": ", ".join(language_name(code) for code in common)}
            )
        offered = [skill for skill in profile.skills.all() if skill.pk in wanted]
        if offered:
            score += SKILL_POINTS * len(offered)
            reasons.append(
                ngettext(
                    "Offers a skill the participant wants: %(skills)s",
                    "Offers %(count)s skills the participant wants: %(skills)s",
                    len(offered),
                )
                % {"count": len(offered), "skills": ", ".join(skill.name for skill in offered)}
            )
        free = profile.capacity - profile.taken
        score += min(free, MAX_FREE_PLACE_POINTS)
        reasons.append(
            ngettext("Has %(count)s free place", "Has %(count)s free places", free)
            % {"count": free}
        )
        together = sorted(shared_cohorts.get(profile.user_id, ()))
        if together:
            score += COHORT_POINTS
            reasons.append(
                _("Was in the same cohort: %(cohorts)s") % {"cohorts": ", ".join(together)}
            )
        suggestions.append(
            MentorSuggestion(
                mentor=profile.user,
                profile=profile,
                score=score,
                reasons=reasons,
                free_places=free,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, -s.free_places, s.mentor.pk))
    return suggestions[:limit]
