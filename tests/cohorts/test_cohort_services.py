"""The rules of cohorts, memberships, sessions and attendance, as the services enforce them."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest

from pathways.cohorts import selectors, services
from pathways.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortCourse,
    CohortMembership,
    CohortSession,
    CohortStatus,
    MembershipStatus,
)
from pathways.courses import services as course_services
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.courses.selectors import completion_report, course_lessons
from pathways.courses.signals import course_completed
from tests.factories.accounts import FacilitatorFactory, ParticipantFactory
from tests.factories.cohorts import (
    AttendanceFactory,
    CohortFactory,
    CohortMembershipFactory,
    CohortSessionFactory,
)
from tests.factories.courses import build_course

pytestmark = pytest.mark.django_db

M = MembershipStatus


@pytest.fixture
def cohort(facilitator):
    return CohortFactory(name="Spring Cohort", capacity=10, facilitators=[facilitator])


def statuses(cohort) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in CohortMembership.objects.filter(cohort=cohort).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def fill(cohort, count: int) -> list[CohortMembership]:
    return [CohortMembershipFactory(cohort=cohort) for _ in range(count)]


# Membership transitions ----------------------------------------------------------------------
#
# Every operation against every starting state, with places free. ``None`` means "no membership
# yet"; a result of ``None`` means the service refuses and nothing changes.

OPERATIONS = ["enrol", "invite", "apply", "accept", "decline", "withdraw", "complete"]
EXPECTED_TRANSITIONS = {
    #            enrol      invite     apply      accept     decline      withdraw     complete
    None: (M.ACTIVE, M.INVITED, M.APPLIED, None, None, None, None),
    M.INVITED: (M.ACTIVE, None, None, M.ACTIVE, M.WITHDRAWN, M.WITHDRAWN, None),
    M.APPLIED: (M.ACTIVE, None, None, None, None, M.WITHDRAWN, None),
    M.WAITLISTED: (M.ACTIVE, None, None, None, None, M.WITHDRAWN, None),
    M.ACTIVE: (None, None, None, None, None, M.WITHDRAWN, M.COMPLETED),
    M.COMPLETED: (None, None, None, None, None, None, None),
    M.WITHDRAWN: (M.ACTIVE, M.INVITED, M.APPLIED, None, None, None, None),
}


def run_operation(operation, *, cohort, user, membership, staff):
    if operation == "enrol":
        return services.membership_enrol(cohort=cohort, user=user, actor=staff)
    if operation == "invite":
        return services.membership_invite(cohort=cohort, user=user, actor=staff)
    if operation == "apply":
        return services.membership_apply(cohort=cohort, user=user)
    if operation == "accept":
        return services.membership_accept_invitation(membership=membership)
    if operation == "decline":
        return services.membership_decline_invitation(membership=membership)
    if operation == "withdraw":
        return services.membership_withdraw(membership=membership, actor=staff)
    return services.membership_complete(membership=membership, actor=staff)


# Accepting, declining, withdrawing and completing act on an existing membership.
TRANSITION_CASES = [
    pytest.param(start, operation, id=f"{start or 'none'}-{operation}")
    for start in EXPECTED_TRANSITIONS
    for operation in OPERATIONS
    if start is not None or operation in ("enrol", "invite", "apply")
]


@pytest.mark.parametrize(("start", "operation"), TRANSITION_CASES)
def test_every_membership_transition_is_allowed_or_refused_as_the_table_says(
    cohort, participant, staff, start, operation
):
    expected = EXPECTED_TRANSITIONS[start][OPERATIONS.index(operation)]
    membership = (
        CohortMembershipFactory(
            cohort=cohort,
            user=participant,
            status=start,
            waitlisted_at=timezone.now() if start == M.WAITLISTED else None,
        )
        if start is not None
        else None
    )
    if expected is None:
        with pytest.raises(ValidationError):
            run_operation(
                operation, cohort=cohort, user=participant, membership=membership, staff=staff
            )
        after = CohortMembership.objects.filter(cohort=cohort, user=participant).first()
        assert (after.status if after else None) == start
    else:
        result = run_operation(
            operation, cohort=cohort, user=participant, membership=membership, staff=staff
        )
        assert result.status == expected
        assert CohortMembership.objects.get(cohort=cohort, user=participant).status == expected
        assert expected in services.MEMBERSHIP_TRANSITIONS[start]


def test_the_table_and_the_tests_name_the_same_transitions():
    tested = {
        (start, result)
        for start, results in EXPECTED_TRANSITIONS.items()
        for result in results
        if result is not None
    }
    tested |= {  # reached only when the cohort is full (see below) or by promotion
        (None, M.WAITLISTED),
        (M.INVITED, M.WAITLISTED),
        (M.APPLIED, M.WAITLISTED),
        (M.WITHDRAWN, M.WAITLISTED),
    }
    allowed = {
        (start, result)
        for start, results in services.MEMBERSHIP_TRANSITIONS.items()
        for result in results
    }
    assert tested == allowed


@pytest.mark.parametrize("start", [None, M.INVITED, M.APPLIED, M.WITHDRAWN], ids=str)
def test_a_full_cohort_puts_people_on_the_waiting_list(cohort, participant, staff, start):
    cohort.capacity = 2
    cohort.save()
    fill(cohort, 2)
    membership = (
        CohortMembershipFactory(cohort=cohort, user=participant, status=start) if start else None
    )
    if start == M.INVITED:
        result = services.membership_accept_invitation(membership=membership)
    else:
        result = services.membership_enrol(cohort=cohort, user=participant, actor=staff)
    assert result.status == M.WAITLISTED
    assert result.waitlisted_at is not None
    assert statuses(cohort) == {M.ACTIVE: 2, M.WAITLISTED: 1}


def test_completed_members_keep_their_place(cohort, participant, other_participant, staff):
    cohort.capacity = 1
    cohort.save()
    member = services.membership_enrol(cohort=cohort, user=participant, actor=staff)
    services.membership_complete(membership=member, actor=staff)
    result = services.membership_enrol(cohort=cohort, user=other_participant, actor=staff)
    assert result.status == M.WAITLISTED


# Who may join, and when ----------------------------------------------------------------------


def test_participant_joins_an_open_cohort_herself(cohort, participant):
    membership = services.membership_enrol(cohort=cohort, user=participant)
    assert membership.status == M.ACTIVE
    assert membership.joined_at is not None
    assert membership.added_by is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": CohortStatus.PLANNED}, "not taking sign-ups"),
        ({"status": CohortStatus.RUNNING}, "not taking sign-ups"),
        ({"status": CohortStatus.CLOSED}, "has finished"),
        ({"enrolment_opens_at": timezone.now() + timedelta(days=3)}, "opens on"),
        (
            {
                "enrolment_opens_at": timezone.now() - timedelta(days=9),
                "enrolment_closes_at": timezone.now() - timedelta(days=1),
            },
            "closed on",
        ),
    ],
)
def test_participant_cannot_join_outside_sign_up(cohort, participant, change, message):
    Cohort.objects.filter(pk=cohort.pk).update(**change)
    cohort.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        services.membership_enrol(cohort=cohort, user=participant)
    with pytest.raises(ValidationError):
        services.membership_apply(cohort=cohort, user=participant)
    assert not CohortMembership.objects.exists()


def test_staff_can_place_someone_in_a_planned_or_running_cohort(cohort, participant, staff):
    for status in (CohortStatus.PLANNED, CohortStatus.RUNNING):
        Cohort.objects.filter(pk=cohort.pk).update(status=status)
        cohort.refresh_from_db()
        user = ParticipantFactory()
        assert services.membership_enrol(cohort=cohort, user=user, actor=staff).status == M.ACTIVE


def test_nobody_joins_a_closed_cohort_not_even_through_staff(cohort, participant, staff):
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.CLOSED)
    cohort.refresh_from_db()
    with pytest.raises(ValidationError, match="has finished"):
        services.membership_enrol(cohort=cohort, user=participant, actor=staff)
    with pytest.raises(ValidationError, match="has finished"):
        services.membership_invite(cohort=cohort, user=participant, actor=staff)


def test_only_programme_staff_add_someone_else(cohort, participant, other_participant, facilitator):
    for actor in (other_participant, facilitator):
        with pytest.raises(ValidationError, match="Only programme staff"):
            services.membership_enrol(cohort=cohort, user=participant, actor=actor)
        with pytest.raises(ValidationError, match="Only programme staff"):
            services.membership_invite(cohort=cohort, user=participant, actor=actor)
    assert not CohortMembership.objects.exists()


def test_only_participants_can_be_members(cohort, staff, employer_user):
    with pytest.raises(ValidationError, match="Only participants"):
        services.membership_enrol(cohort=cohort, user=employer_user, actor=staff)


def test_a_facilitator_of_the_cohort_cannot_be_a_member(cohort, facilitator, staff):
    from pathways.lms.accounts.roles import Role
    from tests.factories.accounts import role_group

    facilitator.groups.add(role_group(role=Role.PARTICIPANT))
    facilitator.__dict__.pop("_pathways_roles", None)
    with pytest.raises(ValidationError, match="facilitates this cohort"):
        services.membership_enrol(cohort=cohort, user=facilitator, actor=staff)


def test_someone_else_cannot_withdraw_a_member(cohort, participant, other_participant):
    membership = services.membership_enrol(cohort=cohort, user=participant)
    with pytest.raises(ValidationError):
        services.membership_withdraw(membership=membership, actor=other_participant)
    membership.refresh_from_db()
    assert membership.status == M.ACTIVE


def test_a_participant_withdraws_herself(cohort, participant):
    membership = services.membership_enrol(cohort=cohort, user=participant)
    services.membership_withdraw(membership=membership, actor=participant)
    membership.refresh_from_db()
    assert membership.status == M.WITHDRAWN
    assert membership.withdrawn_at is not None


def test_only_staff_mark_a_membership_completed(cohort, participant, facilitator):
    membership = services.membership_enrol(cohort=cohort, user=participant)
    for actor in (participant, facilitator):
        with pytest.raises(ValidationError):
            services.membership_complete(membership=membership, actor=actor)
    membership.refresh_from_db()
    assert membership.status == M.ACTIVE


# Waiting list --------------------------------------------------------------------------------


def test_the_first_on_the_waiting_list_gets_a_freed_place(cohort, staff):
    cohort.capacity = 1
    cohort.save()
    first = services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
    waiting = [
        services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
        for _ in range(3)
    ]
    assert [m.status for m in waiting] == [M.WAITLISTED] * 3
    services.membership_withdraw(membership=first, actor=staff)
    for membership in waiting:
        membership.refresh_from_db()
    assert [m.status for m in waiting] == [M.ACTIVE, M.WAITLISTED, M.WAITLISTED]
    services.membership_withdraw(membership=waiting[0], actor=staff)
    for membership in waiting:
        membership.refresh_from_db()
    assert [m.status for m in waiting] == [M.WITHDRAWN, M.ACTIVE, M.WAITLISTED]
    assert statuses(cohort) == {M.ACTIVE: 1, M.WAITLISTED: 1, M.WITHDRAWN: 2}


def test_waiting_list_ties_are_broken_by_who_came_first(cohort, staff):
    cohort.capacity = 1
    cohort.save()
    active = CohortMembershipFactory(cohort=cohort)
    same_time = timezone.now() - timedelta(hours=1)
    later = CohortMembershipFactory(
        cohort=cohort, status=M.WAITLISTED, waitlisted_at=same_time + timedelta(minutes=5)
    )
    earlier_pk = CohortMembershipFactory(
        cohort=cohort, status=M.WAITLISTED, waitlisted_at=same_time
    )
    later_pk = CohortMembershipFactory(cohort=cohort, status=M.WAITLISTED, waitlisted_at=same_time)
    services.membership_withdraw(membership=active, actor=staff)
    for membership in (later, earlier_pk, later_pk):
        membership.refresh_from_db()
    assert (earlier_pk.status, later_pk.status, later.status) == (
        M.ACTIVE,
        M.WAITLISTED,
        M.WAITLISTED,
    )


def test_leaving_the_waiting_list_promotes_nobody(cohort, staff):
    cohort.capacity = 1
    cohort.save()
    fill(cohort, 1)
    first = services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
    second = services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
    services.membership_withdraw(membership=first, actor=staff)
    second.refresh_from_db()
    assert second.status == M.WAITLISTED


def test_a_closed_cohort_promotes_nobody(cohort, staff):
    cohort.capacity = 1
    cohort.save()
    member = services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
    waiting = services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
    cohort.refresh_from_db()
    cohort.status = CohortStatus.CLOSED
    services.cohort_save(cohort=cohort, actor=staff)
    services.membership_withdraw(membership=member, actor=staff)
    waiting.refresh_from_db()
    assert waiting.status == M.WAITLISTED


def test_adding_many_never_overfills_and_reports_each_outcome(cohort, staff, facilitator):
    cohort.capacity = 3
    cohort.save()
    already = CohortMembershipFactory(cohort=cohort)
    people = [ParticipantFactory() for _ in range(4)]
    result = services.memberships_add_many(
        cohort=cohort, users=[*people, already.user, facilitator, people[0]], actor=staff
    )
    assert result.counts == {"active": 2, "waitlisted": 2, "skipped": 2}
    assert [m.user for m in result.active] == people[:2]
    assert [m.user for m in result.waitlisted] == people[2:]
    assert statuses(cohort) == {M.ACTIVE: 3, M.WAITLISTED: 2}
    assert all(m.added_by == staff for m in [*result.active, *result.waitlisted])


def test_only_staff_add_many(cohort, facilitator):
    with pytest.raises(ValidationError):
        services.memberships_add_many(
            cohort=cohort, users=[ParticipantFactory()], actor=facilitator
        )
    assert not CohortMembership.objects.exists()


def test_raising_the_capacity_gives_places_to_the_waiting_list(cohort, staff):
    cohort.capacity = 1
    cohort.save()
    fill(cohort, 1)
    waiting = [
        services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
        for _ in range(2)
    ]
    cohort.capacity = 2
    services.cohort_save(cohort=cohort, actor=staff)
    for membership in waiting:
        membership.refresh_from_db()
    assert [m.status for m in waiting] == [M.ACTIVE, M.WAITLISTED]


def test_capacity_cannot_drop_below_the_places_taken(cohort, staff):
    fill(cohort, 3)
    cohort.capacity = 2
    with pytest.raises(ValidationError, match="3 people already have a place"):
        services.cohort_save(cohort=cohort, actor=staff)
    assert Cohort.objects.get(pk=cohort.pk).capacity == 10


# Courses of a cohort -------------------------------------------------------------------------


def test_a_place_enrols_her_in_the_cohorts_courses_even_closed_ones(cohort, participant, staff):
    closed = build_course(title="Closed", enrolment_open=False, modules=1, lessons_per_module=1)
    CohortCourse.objects.create(cohort=cohort, course=closed)
    services.membership_enrol(cohort=cohort, user=participant, actor=staff)
    enrolment = Enrolment.objects.get(user=participant, course=closed)
    assert enrolment.enrolled_by == staff


def test_joining_herself_enrols_her_on_behalf_of_the_facilitator(cohort, participant, facilitator):
    course = build_course(title="Cohort course", modules=1, lessons_per_module=1)
    CohortCourse.objects.create(cohort=cohort, course=course)
    services.membership_enrol(cohort=cohort, user=participant)
    assert Enrolment.objects.get(user=participant, course=course).enrolled_by == facilitator


def test_waitlisted_people_are_enrolled_only_when_given_a_place(cohort, staff):
    course = build_course(title="Cohort course", modules=1, lessons_per_module=1)
    CohortCourse.objects.create(cohort=cohort, course=course)
    cohort.capacity = 1
    cohort.save()
    first = services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
    waiting = services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
    assert not Enrolment.objects.filter(user=waiting.user).exists()
    services.membership_withdraw(membership=first, actor=first.user)
    assert Enrolment.objects.get(user=waiting.user, course=course).status == "active"
    # Leaving the cohort keeps her course.
    assert Enrolment.objects.get(user=first.user, course=course).status == "active"


def test_a_course_added_to_the_cohort_enrols_its_members(cohort, staff):
    members = [
        services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
        for _ in range(2)
    ]
    course = build_course(title="Added later", modules=1, lessons_per_module=1)
    cohort = Cohort.objects.get(pk=cohort.pk)
    cohort.cohort_courses.add(cohort.cohort_courses.model(course=course))
    services.cohort_save(cohort=cohort, actor=staff)
    assert Enrolment.objects.filter(course=course).count() == len(members)


# Cohort lifecycle ----------------------------------------------------------------------------

ALL_STATUSES = list(CohortStatus)


@pytest.mark.parametrize("start", ALL_STATUSES, ids=str)
@pytest.mark.parametrize("target", ALL_STATUSES, ids=str)
def test_cohort_status_changes_follow_the_table(staff, start, target):
    cohort = CohortFactory(status=start)
    allowed = target == start or target in services.COHORT_TRANSITIONS[start]
    cohort.status = target
    if allowed:
        services.cohort_save(cohort=cohort, actor=staff)
        assert Cohort.objects.get(pk=cohort.pk).status == target
    else:
        with pytest.raises(ValidationError, match="cannot be changed"):
            services.cohort_save(cohort=cohort, actor=staff)
        assert Cohort.objects.get(pk=cohort.pk).status == start


def test_the_lifecycle_runs_planned_open_running_closed(staff):
    cohort = CohortFactory(status=CohortStatus.PLANNED)
    for status in (CohortStatus.OPEN, CohortStatus.RUNNING, CohortStatus.CLOSED):
        cohort.status = status
        services.cohort_save(cohort=cohort, actor=staff)
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.CLOSED


def test_only_staff_change_a_cohort(cohort, facilitator):
    cohort.status = CohortStatus.RUNNING
    cohort.name = "Renamed"
    with pytest.raises(ValidationError):
        services.cohort_save(cohort=cohort, actor=facilitator)
    assert Cohort.objects.get(pk=cohort.pk).name == "Spring Cohort"
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.OPEN


def test_cohort_save_refuses_a_status_jump(cohort, staff):
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.RUNNING)
    cohort.refresh_from_db()
    cohort.status = CohortStatus.OPEN
    with pytest.raises(ValidationError):
        services.cohort_save(cohort=cohort, actor=staff)
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.RUNNING


def test_a_new_cohort_cannot_start_closed(staff):
    today = timezone.localdate()
    cohort = Cohort(
        name="New", start_date=today, end_date=today, capacity=5, status=CohortStatus.CLOSED
    )
    with pytest.raises(ValidationError):
        services.cohort_save(cohort=cohort, actor=staff)
    assert not Cohort.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"end_date": timezone.localdate() - timedelta(days=30)}, "end date"),
        (
            {
                "enrolment_opens_at": timezone.now(),
                "enrolment_closes_at": timezone.now() - timedelta(days=1),
            },
            "Enrolment must close",
        ),
        ({"time_zone": "Mars/Olympus"}, "not a known time zone"),
    ],
)
def test_cohort_dates_in_the_wrong_order_are_refused(staff, fields, message):
    today = timezone.localdate()
    cohort = Cohort(
        name="New",
        start_date=today,
        end_date=today + timedelta(days=10),
        capacity=5,
        status=CohortStatus.PLANNED,
    )
    for name, value in fields.items():
        setattr(cohort, name, value)
    with pytest.raises(ValidationError, match=message):
        services.cohort_save(cohort=cohort, actor=staff)
    assert not Cohort.objects.exists()


def test_the_database_refuses_dates_in_the_wrong_order_too():
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.create(
            name="Bad", start_date=today, end_date=today - timedelta(days=1), capacity=1
        )


def test_a_member_cannot_also_be_made_facilitator(cohort, staff):
    member = CohortMembershipFactory(cohort=cohort)
    with pytest.raises(ValidationError, match="cannot facilitate"):
        services.cohort_save(cohort=cohort, actor=staff, facilitators=[member.user])
    assert not cohort.facilitators.filter(pk=member.user.pk).exists()


# Sessions ------------------------------------------------------------------------------------


def test_staff_schedule_a_session_within_the_cohort_dates(cohort, staff):
    session = services.session_schedule(
        cohort=cohort,
        title="Welcome",
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=90,
        actor=staff,
    )
    assert session.cohort == cohort


@pytest.mark.parametrize(
    ("starts_in", "duration", "message"),
    [
        (timedelta(days=-30), 60, "between the cohort's start and end dates"),
        (timedelta(days=120), 60, "between the cohort's start and end dates"),
        (timedelta(days=1), 0, "at least a minute"),
    ],
)
def test_bad_sessions_are_refused(cohort, staff, starts_in, duration, message):
    with pytest.raises(ValidationError, match=message):
        services.session_schedule(
            cohort=cohort,
            title="Welcome",
            starts_at=timezone.now() + starts_in,
            duration_minutes=duration,
            actor=staff,
        )
    assert not CohortSession.objects.exists()


def test_only_staff_schedule_sessions(cohort, facilitator):
    with pytest.raises(ValidationError):
        services.session_schedule(
            cohort=cohort,
            title="Welcome",
            starts_at=timezone.now(),
            duration_minutes=60,
            actor=facilitator,
        )


def test_a_session_cannot_be_shortened_below_recorded_attendance(cohort, staff):
    attendance = AttendanceFactory(session=CohortSessionFactory(cohort=cohort))
    session = attendance.session
    with pytest.raises(ValidationError, match="cannot be shorter"):
        services.session_update(
            session=session,
            title=session.title,
            starts_at=session.starts_at,
            duration_minutes=60,
            actor=staff,
        )
    session.refresh_from_db()
    assert session.duration_minutes == 120


def test_a_session_with_attendance_cannot_be_removed(cohort, staff):
    attendance = AttendanceFactory(session=CohortSessionFactory(cohort=cohort))
    with pytest.raises(ValidationError, match="cannot be removed"):
        services.session_cancel(session=attendance.session, actor=staff)
    empty = CohortSessionFactory(cohort=cohort)
    services.session_cancel(session=empty, actor=staff)
    assert list(CohortSession.objects.all()) == [attendance.session]


# Attendance ----------------------------------------------------------------------------------


@pytest.fixture
def session(cohort):
    return CohortSessionFactory(cohort=cohort, duration_minutes=120)


@pytest.fixture
def member(cohort, participant):
    return CohortMembershipFactory(cohort=cohort, user=participant)


@pytest.mark.parametrize(
    ("status", "minutes", "expected"),
    [
        (AttendanceStatus.PRESENT, None, 120),
        (AttendanceStatus.PRESENT, 100, 100),
        (AttendanceStatus.LATE, None, 120),
        (AttendanceStatus.LATE, 75, 75),
        (AttendanceStatus.LATE, 0, 0),
        (AttendanceStatus.EXCUSED, None, 0),
        (AttendanceStatus.ABSENT, None, 0),
        (AttendanceStatus.ABSENT, 0, 0),
    ],
)
def test_minutes_counted_for_each_kind_of_attendance(
    session, member, facilitator, status, minutes, expected
):
    attendance = services.attendance_record(
        session=session, membership=member, status=status, minutes=minutes, actor=facilitator
    )
    assert attendance.minutes_attended == expected
    assert attendance.recorded_by == facilitator


@pytest.mark.parametrize(
    ("status", "minutes", "message"),
    [
        (AttendanceStatus.LATE, 121, "no more than 120"),
        (AttendanceStatus.PRESENT, 500, "no more than 120"),
        (AttendanceStatus.LATE, -5, "0 or more"),
        (AttendanceStatus.ABSENT, 30, "only count for someone who was there"),
        ("asleep", None, "present, late, excused or absent"),
    ],
)
def test_minutes_never_exceed_the_session_and_bad_input_is_refused(
    session, member, facilitator, status, minutes, message
):
    with pytest.raises(ValidationError, match=message):
        services.attendance_record(
            session=session, membership=member, status=status, minutes=minutes, actor=facilitator
        )
    assert not Attendance.objects.exists()


def test_recording_again_corrects_the_record(session, member, facilitator):
    services.attendance_record(
        session=session, membership=member, status=AttendanceStatus.ABSENT, actor=facilitator
    )
    services.attendance_record(
        session=session,
        membership=member,
        status=AttendanceStatus.LATE,
        minutes=90,
        actor=facilitator,
    )
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.minutes_attended) == (AttendanceStatus.LATE, 90)


def test_attendance_for_someone_outside_the_cohort_is_refused(session, facilitator):
    outsider = CohortMembershipFactory(cohort=CohortFactory(facilitators=[facilitator]))
    with pytest.raises(ValidationError, match="is not a member of this cohort"):
        services.attendance_record(
            session=session,
            membership=outsider,
            status=AttendanceStatus.PRESENT,
            actor=facilitator,
        )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", [M.WAITLISTED, M.INVITED, M.APPLIED, M.WITHDRAWN])
def test_attendance_only_for_members_with_a_place(cohort, session, facilitator, status):
    membership = CohortMembershipFactory(cohort=cohort, status=status)
    with pytest.raises(ValidationError, match="does not have a place"):
        services.attendance_record(
            session=session,
            membership=membership,
            status=AttendanceStatus.PRESENT,
            actor=facilitator,
        )
    assert not Attendance.objects.exists()


def test_attendance_by_an_unassigned_facilitator_or_a_participant_is_refused(
    session, member, other_participant
):
    for actor in (FacilitatorFactory(), other_participant, member.user):
        with pytest.raises(ValidationError, match="Only a facilitator of this cohort"):
            services.attendance_record(
                session=session, membership=member, status=AttendanceStatus.PRESENT, actor=actor
            )
    assert not Attendance.objects.exists()


def test_a_facilitator_unassigned_later_can_no_longer_record(session, member, facilitator):
    session.cohort.facilitators.remove(facilitator)
    with pytest.raises(ValidationError):
        services.attendance_record(
            session=session, membership=member, status=AttendanceStatus.PRESENT, actor=facilitator
        )


def test_staff_record_attendance_for_any_cohort(session, member, staff):
    services.attendance_record(
        session=session, membership=member, status=AttendanceStatus.PRESENT, actor=staff
    )
    assert Attendance.objects.get().recorded_by == staff


def test_attendance_cannot_be_taken_before_the_session_day(cohort, member, facilitator):
    future = CohortSessionFactory(cohort=cohort, starts_at=timezone.now() + timedelta(days=2))
    with pytest.raises(ValidationError, match="has not happened yet"):
        services.attendance_record(
            session=future, membership=member, status=AttendanceStatus.PRESENT, actor=facilitator
        )


def test_attended_hours_add_up_per_member(cohort, member, other_participant, facilitator):
    other = CohortMembershipFactory(cohort=cohort, user=other_participant)
    sessions = [
        CohortSessionFactory(cohort=cohort, duration_minutes=120),
        CohortSessionFactory(cohort=cohort, duration_minutes=90),
        CohortSessionFactory(cohort=cohort, duration_minutes=60),
    ]
    marks = [
        (AttendanceStatus.PRESENT, None),
        (AttendanceStatus.LATE, 45),
        (AttendanceStatus.ABSENT, None),
    ]
    for session, (status, minutes) in zip(sessions, marks, strict=True):
        services.attendance_record(
            session=session, membership=member, status=status, minutes=minutes, actor=facilitator
        )
        services.attendance_record(
            session=session, membership=other, status=AttendanceStatus.PRESENT, actor=facilitator
        )
    assert selectors.attended_hours(member.user, cohort) == Decimal("2.75")
    assert selectors.attended_hours(other.user, cohort) == Decimal("4.50")
    roster = {entry.membership.pk: entry.hours for entry in selectors.cohort_roster(cohort).members}
    assert roster == {member.pk: "2.75", other.pk: "4.5"}


def test_a_whole_sheet_is_saved_or_none_of_it(cohort, session, member, facilitator):
    other = CohortMembershipFactory(cohort=cohort)
    outsider = CohortMembershipFactory()
    entries = [
        services.AttendanceEntry(membership=member, status=AttendanceStatus.PRESENT),
        services.AttendanceEntry(membership=other, status=AttendanceStatus.LATE, minutes=999),
        services.AttendanceEntry(membership=outsider, status=AttendanceStatus.PRESENT),
    ]
    with pytest.raises(ValidationError) as caught:
        services.attendance_record_many(session=session, entries=entries, actor=facilitator)
    assert set(caught.value.message_dict) == {str(other.pk), str(outsider.pk)}
    assert not Attendance.objects.exists()
    recorded = services.attendance_record_many(
        session=session, entries=entries[:1], actor=facilitator
    )
    assert [row.membership_id for row in recorded] == [member.pk]


# Completion with attended hours --------------------------------------------------------------


@pytest.fixture
def completions():
    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(receiver, weak=False)
    yield received
    course_completed.disconnect(receiver)


def test_completion_waits_for_the_minimum_attended_hours(
    cohort, participant, facilitator, staff, completions, django_capture_on_commit_callbacks
):
    course = build_course(title="Hours course", modules=1, lessons_per_module=1, with_quiz=False)
    CohortCourse.objects.create(cohort=cohort, course=course, min_attended_hours=Decimal("2.5"))
    membership = services.membership_enrol(cohort=cohort, user=participant, actor=staff)
    enrolment = Enrolment.objects.get(user=participant, course=course)
    first, second = (
        CohortSessionFactory(cohort=cohort, duration_minutes=120),
        CohortSessionFactory(cohort=cohort, duration_minutes=60),
    )

    with django_capture_on_commit_callbacks(execute=True):
        course_services.lesson_complete(enrolment=enrolment, lesson=course_lessons(course).get())
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert [r.label for r in completion_report(enrolment).unmet] == [
        "Attended hours in Spring Cohort: 0 hours (2.5 needed)"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(
            session=first, membership=membership, status="present", actor=facilitator
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert [r.label for r in completion_report(enrolment).unmet] == [
        "Attended hours in Spring Cohort: 2 hours (2.5 needed)"
    ]
    assert completions == []

    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(
            session=second, membership=membership, status="late", minutes=30, actor=facilitator
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert completions == [enrolment.pk]


def test_hours_rule_applies_only_to_members_with_a_place(cohort, participant, staff):
    course = build_course(title="Hours course", modules=1, lessons_per_module=1, with_quiz=False)
    CohortCourse.objects.create(cohort=cohort, course=course, min_attended_hours=2)
    membership = services.membership_enrol(cohort=cohort, user=participant, actor=staff)
    enrolment = Enrolment.objects.get(user=participant, course=course)
    assert len(selectors.attended_hours_requirements(enrolment)) == 1
    services.membership_withdraw(membership=membership, actor=participant)
    assert selectors.attended_hours_requirements(enrolment) == []


def test_a_course_run_without_minimum_adds_no_rule(cohort, participant, staff):
    course = build_course(title="No hours", modules=1, lessons_per_module=1, with_quiz=False)
    CohortCourse.objects.create(cohort=cohort, course=course)
    services.membership_enrol(cohort=cohort, user=participant, actor=staff)
    enrolment = Enrolment.objects.get(user=participant, course=course)
    assert selectors.attended_hours_requirements(enrolment) == []


def test_a_session_of_the_cohort_is_what_counts(cohort, participant, staff, facilitator):
    """Hours in another cohort running the same course do not count towards this one."""
    course = build_course(title="Shared", modules=1, lessons_per_module=1, with_quiz=False)
    CohortCourse.objects.create(cohort=cohort, course=course, min_attended_hours=1)
    other_cohort = CohortFactory(name="Other", facilitators=[facilitator])
    membership = services.membership_enrol(cohort=cohort, user=participant, actor=staff)
    services.membership_enrol(cohort=other_cohort, user=participant, actor=staff)
    other_membership = CohortMembership.objects.get(cohort=other_cohort, user=participant)
    services.attendance_record(
        session=CohortSessionFactory(cohort=other_cohort),
        membership=other_membership,
        status="present",
        actor=facilitator,
    )
    enrolment = Enrolment.objects.get(user=participant, course=course)
    [requirement] = selectors.attended_hours_requirements(enrolment)
    assert not requirement.met
    services.attendance_record(
        session=CohortSessionFactory(cohort=cohort),
        membership=membership,
        status="present",
        actor=facilitator,
    )
    [requirement] = selectors.attended_hours_requirements(enrolment)
    assert requirement.met


# Who sees which cohort -----------------------------------------------------------------------


def test_each_role_sees_only_its_cohorts(
    cohort, participant, other_participant, facilitator, staff
):
    CohortMembershipFactory(cohort=cohort, user=participant)
    elsewhere = CohortFactory(facilitators=[FacilitatorFactory()])
    withdrawn = CohortFactory()
    CohortMembershipFactory(cohort=withdrawn, user=other_participant, status=M.WITHDRAWN)
    assert list(selectors.cohorts_facilitated_by(facilitator)) == [cohort]
    assert list(selectors.cohorts_facilitated_by(participant)) == []
    assert set(selectors.cohorts_facilitated_by(staff)) == {cohort, elsewhere, withdrawn}
