"""A facilitator's day: she lands on her cohorts with waiting sign-offs flagged, finds the roster
first, marks everyone present at once and corrects the rest, and sees no attendance form before a
session starts. Scoped to the cohorts she is assigned to."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from pathways.cohorts import services
from pathways.cohorts.models import Attendance, AttendanceStatus, CohortCourse, MembershipStatus
from pathways.courses import services as course_services
from pathways.courses.selectors import course_lessons
from tests.factories.accounts import TEST_PASSWORD, FacilitatorFactory, ParticipantFactory
from tests.factories.cohorts import (
    AttendanceFactory,
    CohortFactory,
    CohortMembershipFactory,
    CohortSessionFactory,
)
from tests.factories.courses import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(facilitator):
    return CohortFactory(name="Spring Cohort", facilitators=[facilitator])


@pytest.fixture
def members(cohort):
    """Two members with a place, one who completed, and one waiting and one who left."""
    return {
        "maya": CohortMembershipFactory(cohort=cohort, user=ParticipantFactory(chosen_name="Maya")),
        "jo": CohortMembershipFactory(cohort=cohort, user=ParticipantFactory(chosen_name="Jo")),
        "ana": CohortMembershipFactory(
            cohort=cohort,
            user=ParticipantFactory(chosen_name="Ana"),
            status=MembershipStatus.COMPLETED,
        ),
        "waiting": CohortMembershipFactory(
            cohort=cohort, status=MembershipStatus.WAITLISTED, joined_at=None
        ),
        "left": CohortMembershipFactory(cohort=cohort, status=MembershipStatus.WITHDRAWN),
    }


@pytest.fixture
def session(cohort):
    return CohortSessionFactory(cohort=cohort, title="Interview practice", duration_minutes=90)


@pytest.fixture
def future(cohort):
    return CohortSessionFactory(
        cohort=cohort, title="Mock interviews", starts_at=timezone.now() + timedelta(hours=3)
    )


def _mark_all(client, session):
    return client.post(
        reverse("cohorts:mark_all_present", args=[session.cohort_id, session.pk]), follow=True
    )


# Landing -------------------------------------------------------------------------------------


def test_a_facilitator_lands_on_her_cohorts_after_signing_in(client):
    FacilitatorFactory(username="dana")
    response = client.post(
        reverse("accounts:login"), {"username": "dana", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cohorts:list")


def test_cohorts_list_flags_sign_offs_waiting_per_cohort(
    signed_in, facilitator, cohort, course_with_activity
):
    CohortCourse.objects.create(cohort=cohort, course=course_with_activity)
    CohortFactory(name="Quiet Cohort", facilitators=[facilitator])
    lesson = course_lessons(course_with_activity).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    for name in ("Maya", "Jo"):
        member = ParticipantFactory(chosen_name=name)
        CohortMembershipFactory(cohort=cohort, user=member)
        enrolment = course_services.enrolment_start(user=member, course=course_with_activity)
        course_services.activity_request_signoff(
            enrolment=enrolment, lesson=lesson, block_id=block_id
        )
    # Someone outside the cohort, in the same course: not counted here.
    outsider = ParticipantFactory()
    enrolment = course_services.enrolment_start(user=outsider, course=course_with_activity)
    course_services.activity_request_signoff(enrolment=enrolment, lesson=lesson, block_id=block_id)

    html = signed_in(facilitator).get(reverse("cohorts:list")).content.decode()
    cards = {
        name: next(card for card in html.split('<li class="card">')[1:] if name in card)
        for name in ("Spring Cohort", "Quiet Cohort")
    }
    assert "2 sign-offs waiting" in cards["Spring Cohort"]
    assert reverse("courses:signoffs") in cards["Spring Cohort"]
    assert "sign-off" not in cards["Quiet Cohort"]
    detail = signed_in(facilitator).get(reverse("cohorts:detail", args=[cohort.pk]))
    assert "2 practical activities wait for your sign-off" in detail.content.decode()


def test_the_roster_comes_before_the_sessions(signed_in, facilitator, cohort, members, session):
    html = signed_in(facilitator).get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    assert html.index('id="members-heading"') < html.index('id="sessions-heading"')
    assert html.index("Maya") < html.index("Interview practice")


def test_hours_read_done_then_needed(signed_in, facilitator, cohort, members, session):
    course = build_course(title="Hours course", modules=1, lessons_per_module=1, with_quiz=False)
    CohortCourse.objects.create(cohort=cohort, course=course, min_attended_hours=Decimal("6"))
    for _ in range(5):
        AttendanceFactory(
            session=CohortSessionFactory(cohort=cohort, duration_minutes=90),
            membership=members["maya"],
        )
    html = signed_in(facilitator).get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    assert "Attended: 7.5 hours (6 needed)" in html
    assert "Attended: 0 hours (6 needed)" in html
    assert " of 6 hours" not in html
    signed_in(members["maya"].user)
    mine = signed_in(members["maya"].user).get(reverse("cohorts:mine")).content.decode()
    assert "Attended: 7.5 hours (6 needed)" in mine


# A session that has not started ------------------------------------------------------------


def test_a_future_session_has_no_attendance_form_and_says_when_it_opens(
    signed_in, facilitator, cohort, members, future
):
    client = signed_in(facilitator)
    detail = client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    card = detail.split("Mock interviews")[1]
    assert "Attendance opens when the session starts" in card
    assert reverse("cohorts:attendance", args=[cohort.pk, future.pk]) not in detail

    response = client.get(reverse("cohorts:attendance", args=[cohort.pk, future.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This session has not started yet. Attendance opens when the session starts" in html
    assert 'class="attendance-form"' not in html
    assert "Mark everyone present" not in html

    posted = client.post(
        reverse("cohorts:attendance", args=[cohort.pk, future.pk]),
        {f"status-{members['maya'].pk}": "present"},
    )
    assert posted.status_code == 409
    assert _mark_all(client, future).status_code == 409
    assert not Attendance.objects.exists()


def test_attendance_opens_at_the_sessions_start_not_the_day(cohort, members, facilitator, future):
    with pytest.raises(ValidationError, match="has not happened yet"):
        services.attendance_record(
            session=future, membership=members["maya"], status="present", actor=facilitator
        )
    assert services.attendance_is_open(future, now=future.starts_at)
    assert not services.attendance_is_open(future, now=future.starts_at - timedelta(minutes=1))


# Mark everyone present ---------------------------------------------------------------------


def test_mark_everyone_present_then_correct_one(signed_in, facilitator, cohort, members, session):
    client = signed_in(facilitator)
    page = client.get(reverse("cohorts:attendance", args=[cohort.pk, session.pk])).content.decode()
    assert "Mark everyone present" in page
    response = _mark_all(client, session)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "cohorts:attendance", args=[cohort.pk, session.pk]
    )
    assert "3 people marked present for the whole session" in html
    recorded = {
        row.membership_id: (row.status, row.minutes_attended) for row in Attendance.objects.all()
    }
    assert recorded == {
        members[name].pk: (AttendanceStatus.PRESENT, 90) for name in ("maya", "jo", "ana")
    }
    # Each line is in the admin's history, recorded by her.
    for attendance in Attendance.objects.all():
        entry = ModelLogEntry.objects.get(
            content_type__model="attendance", object_id=str(attendance.pk)
        )
        assert entry.user_id == facilitator.pk
    # The sheet comes back filled in; she corrects Jo, who was late.
    assert html.count('value="present" checked') == 3
    jo = members["jo"].pk
    client.post(
        reverse("cohorts:attendance", args=[cohort.pk, session.pk]),
        {f"status-{jo}": "late", f"minutes-{jo}": "45"},
    )
    assert Attendance.objects.get(membership_id=jo).minutes_attended == 45


def test_mark_everyone_present_keeps_what_was_recorded(
    signed_in, facilitator, cohort, members, session
):
    services.attendance_record(
        session=session, membership=members["jo"], status="absent", actor=facilitator
    )
    html = _mark_all(signed_in(facilitator), session).content.decode()
    assert "2 people marked present" in html
    assert Attendance.objects.get(membership=members["jo"]).status == AttendanceStatus.ABSENT
    html = _mark_all(signed_in(facilitator), session).content.decode()
    assert "Everyone already has attendance recorded" in html
    assert Attendance.objects.count() == 3


def test_mark_everyone_present_never_overwrites_late_or_absent(
    signed_in, facilitator, cohort, members, session
):
    services.attendance_record(
        session=session, membership=members["maya"], status="late", minutes=45, actor=facilitator
    )
    services.attendance_record(
        session=session, membership=members["jo"], status="absent", actor=facilitator
    )
    client = signed_in(facilitator)
    page = client.get(reverse("cohorts:attendance", args=[cohort.pk, session.pk])).content.decode()
    # The page says so before she presses it.
    hint = page.split('id="mark-all-hint">')[1].split("</p>")[0]
    assert "Marks the 1 person not marked yet" in hint
    assert "Anyone you have already marked stays as you marked them." in hint

    html = _mark_all(client, session).content.decode()
    assert "1 person marked present" in html
    recorded = {
        row.membership_id: (row.status, row.minutes_attended) for row in Attendance.objects.all()
    }
    assert recorded == {
        members["maya"].pk: (AttendanceStatus.LATE, 45),
        members["jo"].pk: (AttendanceStatus.ABSENT, 0),
        members["ana"].pk: (AttendanceStatus.PRESENT, 90),
    }


@pytest.mark.parametrize("role", ["unassigned", "participant", "other_participant"])
def test_only_her_cohorts_facilitators_mark_everyone_present(
    client, request, cohort, members, session, role
):
    user = FacilitatorFactory() if role == "unassigned" else request.getfixturevalue(role)
    if role == "participant":
        CohortMembershipFactory(cohort=cohort, user=user)
    client.force_login(user)
    response = client.post(reverse("cohorts:mark_all_present", args=[cohort.pk, session.pk]))
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client, cohort, session):
    response = client.post(reverse("cohorts:mark_all_present", args=[cohort.pk, session.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_mark_everyone_present_in_any_cohort(signed_in, staff, cohort, members, session):
    _mark_all(signed_in(staff), session)
    assert Attendance.objects.count() == 3


def test_the_service_refuses_an_unassigned_facilitator(cohort, members, session):
    with pytest.raises(ValidationError, match="Only a facilitator of this cohort"):
        services.attendance_mark_all_present(session=session, actor=FacilitatorFactory())
    assert not Attendance.objects.exists()


def test_mark_everyone_present_is_a_get_free_post_only_action(signed_in, facilitator, session):
    response = signed_in(facilitator).get(
        reverse("cohorts:mark_all_present", args=[session.cohort_id, session.pk])
    )
    assert response.status_code == 405


# Where sessions are --------------------------------------------------------------------------


def test_members_see_where_a_session_is(signed_in, cohort, members):
    CohortSessionFactory(
        cohort=cohort,
        title="Mock interviews",
        starts_at=timezone.now() + timedelta(days=2),
        place="Room 4, Eastside Library",
    )
    html = signed_in(members["maya"].user).get(reverse("cohorts:mine")).content.decode()
    assert "Room 4, Eastside Library" in html


def test_staff_set_the_place_through_the_service(cohort, staff):
    session = services.session_schedule(
        cohort=cohort,
        title="Welcome",
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=60,
        actor=staff,
        place="  Room 2  ",
    )
    assert session.place == "Room 2"
    services.session_update(
        session=session,
        title="Welcome",
        starts_at=session.starts_at,
        duration_minutes=60,
        actor=staff,
    )
    session.refresh_from_db()
    assert session.place == "Room 2"
    with pytest.raises(ValidationError):
        services.session_update(
            session=session,
            title="Welcome",
            starts_at=session.starts_at,
            duration_minutes=60,
            actor=staff,
            place="x" * 201,
        )
