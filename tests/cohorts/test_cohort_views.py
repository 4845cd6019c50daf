"""Cohort pages and admin screens: who may open what, what they show, and what they cost."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from pathways.cohorts import services
from pathways.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortMembership,
    CohortStatus,
    MembershipStatus,
)
from pathways.courses import services as course_services
from pathways.courses.selectors import course_lessons
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.roles import Role
from tests.factories.accounts import FacilitatorFactory, ParticipantFactory, role_group
from tests.factories.cohorts import (
    CohortFactory,
    CohortMembershipFactory,
    CohortSessionFactory,
)
from tests.factories.courses import build_course, quiz_answer_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def unassigned_facilitator(db):
    return FacilitatorFactory()


@pytest.fixture
def cohort(facilitator):
    return CohortFactory(name="Spring Cohort", facilitators=[facilitator])


@pytest.fixture
def membership(cohort, participant):
    return CohortMembershipFactory(cohort=cohort, user=participant)


@pytest.fixture
def session(cohort):
    return CohortSessionFactory(cohort=cohort, title="Interview practice")


# Access matrix -------------------------------------------------------------------------------
#
# Every page against every role. "participant" is a member of the cohort, "other_participant"
# is not; "facilitator" is assigned to the cohort, "unassigned_facilitator" is not. Pages a role
# may not see answer 404, as if they did not exist.

PAGES = {
    "list": ("get", lambda c, s, m: reverse("cohorts:list")),
    "detail": ("get", lambda c, s, m: reverse("cohorts:detail", args=[c.pk])),
    "attendance": ("get", lambda c, s, m: reverse("cohorts:attendance", args=[c.pk, s.pk])),
    "attendance_post": (
        "post",
        lambda c, s, m: reverse("cohorts:attendance", args=[c.pk, s.pk]),
    ),
    "mine": ("get", lambda c, s, m: reverse("cohorts:mine")),
    "join": ("post", lambda c, s, m: reverse("cohorts:join", args=[c.pk])),
    "accept": ("post", lambda c, s, m: reverse("cohorts:accept", args=[m.pk])),
    "decline": ("post", lambda c, s, m: reverse("cohorts:decline", args=[m.pk])),
    "leave_page": ("get", lambda c, s, m: reverse("cohorts:leave", args=[m.pk])),
    "leave": ("post", lambda c, s, m: reverse("cohorts:leave", args=[m.pk])),
}
ROLES = [
    "anonymous",
    "participant",
    "other_participant",
    "facilitator",
    "unassigned_facilitator",
    "staff",
]
EXPECTED = {
    # page:            anon, member, other, facilitator, unassigned, staff
    "list": (302, 404, 404, 200, 200, 200),
    "detail": (302, 404, 404, 200, 404, 200),
    "attendance": (302, 404, 404, 200, 404, 200),
    "attendance_post": (302, 404, 404, 302, 404, 302),
    "mine": (302, 200, 200, 200, 200, 200),
    # Joining is for participants; the member is told she is in already, the other joins.
    "join": (302, 302, 302, 404, 404, 404),
    # Her own membership only.
    "accept": (302, 302, 404, 404, 404, 404),
    "decline": (302, 302, 404, 404, 404, 404),
    # Leaving asks first: without "confirm" the member is shown what would happen.
    "leave_page": (302, 200, 404, 404, 404, 404),
    "leave": (302, 200, 404, 404, 404, 404),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_access_matrix(client, request, cohort, session, membership, page, role_index):
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    method, build_url = PAGES[page]
    url = build_url(cohort, session, membership)
    data = {f"status-{membership.pk}": AttendanceStatus.PRESENT} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == EXPECTED[page][role_index], (page, role)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


def test_refused_pages_change_nothing(client, request, cohort, session, membership):
    for role in ("other_participant", "unassigned_facilitator"):
        client.force_login(request.getfixturevalue(role))
        client.post(
            reverse("cohorts:attendance", args=[cohort.pk, session.pk]),
            {f"status-{membership.pk}": AttendanceStatus.PRESENT},
        )
        client.post(reverse("cohorts:leave", args=[membership.pk]), {"confirm": "yes"})
    assert not Attendance.objects.exists()
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_a_facilitator_loses_sight_of_a_cohort_when_unassigned(client, cohort, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("cohorts:detail", args=[cohort.pk])).status_code == 200
    cohort.facilitators.remove(facilitator)
    assert client.get(reverse("cohorts:detail", args=[cohort.pk])).status_code == 404
    assert "Spring Cohort" not in client.get(reverse("cohorts:list")).content.decode()


def test_a_session_of_another_cohort_is_404(client, cohort, facilitator):
    other_session = CohortSessionFactory()
    client.force_login(facilitator)
    url = reverse("cohorts:attendance", args=[cohort.pk, other_session.pk])
    assert client.get(url).status_code == 404


def test_joining_a_cohort_not_open_is_404(client, other_participant):
    planned = CohortFactory(status=CohortStatus.PLANNED)
    client.force_login(other_participant)
    assert client.post(reverse("cohorts:join", args=[planned.pk])).status_code == 404
    assert not CohortMembership.objects.exists()


def test_tampered_ids_are_404(client, participant, membership, facilitator):
    client.force_login(participant)
    assert client.post(reverse("cohorts:leave", args=[999_999])).status_code == 404
    client.force_login(facilitator)
    assert client.get(reverse("cohorts:detail", args=[999_999])).status_code == 404


def test_cohort_pages_are_never_cached(client, facilitator, cohort):
    client.force_login(facilitator)
    response = client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert "no-store" in response["Cache-Control"]


# What a facilitator sees ---------------------------------------------------------------------


def test_roster_shows_chosen_names_hours_progress_and_scores_but_nothing_private(
    client, cohort, facilitator, staff
):
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=2)
    cohort.cohort_courses.model.objects.create(cohort=cohort, course=course)
    member = ParticipantFactory(
        chosen_name="Amara",
        legal_name="Legal Name Kept Private",
        peer_alias="Sunflower",
        email="amara@example.org",
    )
    membership = services.membership_enrol(cohort=cohort, user=member, actor=staff)
    enrolment = member.enrolments.get()
    lessons = list(course_lessons(course).specific())
    reflection_id = lessons[0].interactive_blocks("reflection")[0].id
    course_services.reflection_save(
        enrolment=enrolment, lesson=lessons[0], block_id=reflection_id, text="My secret hope"
    )
    course_services.lesson_complete(enrolment=enrolment, lesson=lessons[0])
    block_id, wrong = quiz_answer_ids(lessons[1], correct=False)
    course_services.quiz_submit(
        enrolment=enrolment, lesson=lessons[1], block_id=block_id, answers=wrong
    )
    services.attendance_record(
        session=CohortSessionFactory(cohort=cohort, duration_minutes=90),
        membership=membership,
        status=AttendanceStatus.PRESENT,
        actor=facilitator,
    )

    client.force_login(facilitator)
    html = client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    assert "Amara" in html
    assert "Attended: 1.5 hours" in html
    assert "1 of 2 lessons done (50%)" in html
    assert "Lesson 1.2 0%" in html
    for private in ("Legal Name Kept Private", "amara@example.org", "My secret hope", "You chose"):
        assert private not in html
    question = lessons[1].interactive_blocks("quiz")[0].value["questions"][0]
    for answer in question["answers"]:
        assert answer["text"] not in html


def test_roster_lists_the_waiting_list_in_order(client, cohort, facilitator, staff):
    cohort.capacity = 1
    cohort.save()
    services.membership_enrol(cohort=cohort, user=ParticipantFactory(chosen_name="A"), actor=staff)
    for name in ("Bea", "Cleo"):
        services.membership_enrol(
            cohort=cohort, user=ParticipantFactory(chosen_name=name), actor=staff
        )
    client.force_login(facilitator)
    html = client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    waiting = html.split("Waiting list")[1]
    assert waiting.index("Bea") < waiting.index("Cleo")


def _participant_without_profile(username: str):
    """A participant made by the host site (its admin, its sign-up): no Pathways profile yet."""
    user = get_user_model().objects.create_user(username=username, password="not-used-here-1")
    user.groups.add(role_group(role=Role.PARTICIPANT))
    return user


def test_a_member_without_a_profile_is_on_the_roster_and_sheet_by_her_username(
    client, cohort, session, facilitator, staff
):
    cohort.capacity = 3
    cohort.save()
    for name in ("Zoe", "Ana"):
        services.membership_enrol(
            cohort=cohort, user=ParticipantFactory(chosen_name=name), actor=staff
        )
    host_member = _participant_without_profile("Lina")
    services.membership_enrol(cohort=cohort, user=host_member, actor=staff)
    waiting = _participant_without_profile("Noor")
    services.membership_enrol(cohort=cohort, user=waiting, actor=staff)

    client.force_login(facilitator)
    roster = client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    members, waiting_list = roster.split("Waiting list")
    # Named by her username, in order among the chosen names.
    assert members.index("<bdi>Ana</bdi>") < members.index("<bdi>Lina</bdi>")
    assert members.index("<bdi>Lina</bdi>") < members.index("<bdi>Zoe</bdi>")
    assert "<bdi>Noor</bdi>" in waiting_list
    sheet = client.get(reverse("cohorts:attendance", args=[cohort.pk, session.pk]))
    assert "<legend><bdi>Lina</bdi></legend>" in sheet.content.decode()
    # Reading her name made no profile.
    assert not Profile.objects.filter(user__in=[host_member, waiting]).exists()


# Taking attendance ---------------------------------------------------------------------------


def test_facilitator_takes_attendance_in_one_submit(client, cohort, session, facilitator):
    members = [CohortMembershipFactory(cohort=cohort) for _ in range(3)]
    client.force_login(facilitator)
    url = reverse("cohorts:attendance", args=[cohort.pk, session.pk])
    page = client.get(url).content.decode()
    for member in members:
        assert f'name="status-{member.pk}"' in page
    response = client.post(
        url,
        {
            f"status-{members[0].pk}": "present",
            f"status-{members[1].pk}": "late",
            f"minutes-{members[1].pk}": "45",
            f"status-{members[2].pk}": "absent",
            f"minutes-{members[2].pk}": "30",  # ignored: minutes are only for late arrivals
        },
        follow=True,
    )
    assert "Attendance saved for 3 people." in response.content.decode()
    recorded = {
        row.membership_id: (row.status, row.minutes_attended) for row in Attendance.objects.all()
    }
    assert recorded == {
        members[0].pk: ("present", 120),
        members[1].pk: ("late", 45),
        members[2].pk: ("absent", 0),
    }
    html = client.get(url).content.decode()
    assert (
        f'id="status-{members[1].pk}-late" name="status-{members[1].pk}" value="late" checked'
        in (html)
    )


def test_too_many_minutes_are_refused_clearly_and_nothing_is_saved(
    client, cohort, session, facilitator
):
    first, second = CohortMembershipFactory(cohort=cohort), CohortMembershipFactory(cohort=cohort)
    client.force_login(facilitator)
    response = client.post(
        reverse("cohorts:attendance", args=[cohort.pk, session.pk]),
        {
            f"status-{first.pk}": "present",
            f"status-{second.pk}": "late",
            f"minutes-{second.pk}": "500",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved" in html
    assert "no more than 120" in html
    assert not Attendance.objects.exists()


def test_minutes_that_are_not_a_number_are_refused(client, cohort, session, facilitator):
    member = CohortMembershipFactory(cohort=cohort)
    client.force_login(facilitator)
    response = client.post(
        reverse("cohorts:attendance", args=[cohort.pk, session.pk]),
        {f"status-{member.pk}": "late", f"minutes-{member.pk}": "an hour"},
    )
    assert response.status_code == 400
    assert "whole number" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_for_someone_outside_the_cohort_is_refused(client, cohort, session, facilitator):
    member = CohortMembershipFactory(cohort=cohort)
    outsider = CohortMembershipFactory(cohort=CohortFactory(facilitators=[facilitator]))
    client.force_login(facilitator)
    response = client.post(
        reverse("cohorts:attendance", args=[cohort.pk, session.pk]),
        {f"status-{member.pk}": "present", f"status-{outsider.pk}": "present"},
    )
    assert response.status_code == 400
    assert "not a member of this cohort" in response.content.decode()
    assert not Attendance.objects.exists()


def test_an_empty_sheet_asks_for_a_mark(client, cohort, session, facilitator, membership):
    client.force_login(facilitator)
    response = client.post(reverse("cohorts:attendance", args=[cohort.pk, session.pk]), {})
    assert response.status_code == 400
    assert "Please mark at least one person" in response.content.decode()


# A participant's own cohorts -----------------------------------------------------------------


def test_participant_sees_her_cohort_hours_and_next_sessions_but_no_peers(
    client, cohort, participant, membership, facilitator
):
    peer = CohortMembershipFactory(
        cohort=cohort,
        user=ParticipantFactory(chosen_name="PeerChosen", peer_alias="PeerAlias"),
    )
    past = CohortSessionFactory(cohort=cohort, duration_minutes=60)
    services.attendance_record(
        session=past, membership=membership, status="present", actor=facilitator
    )
    CohortSessionFactory(
        cohort=cohort, title="Mock interviews", starts_at=timezone.now() + timedelta(days=2)
    )
    client.force_login(participant)
    html = client.get(reverse("cohorts:mine")).content.decode()
    assert "Spring Cohort" in html
    assert "Attended: 1 hour" in html
    assert "Mock interviews" in html
    assert "PeerChosen" not in html
    assert "PeerAlias" not in html
    assert peer.user.username not in html


def test_participant_joins_an_open_cohort_or_its_waiting_list(client, other_participant):
    full = CohortFactory(name="Full Cohort", capacity=1)
    CohortMembershipFactory(cohort=full)
    client.force_login(other_participant)
    html = client.get(reverse("cohorts:mine")).content.decode()
    assert "Join the waiting list" in html
    response = client.post(reverse("cohorts:join", args=[full.pk]), follow=True)
    html = response.content.decode()
    assert "you are on the waiting list" in html
    assert "number 1" in html
    assert CohortMembership.objects.get(user=other_participant).status == "waitlisted"


def test_participant_accepts_an_invitation(client, cohort, other_participant, staff):
    invitation = services.membership_invite(cohort=cohort, user=other_participant, actor=staff)
    client.force_login(other_participant)
    assert "You are invited" in client.get(reverse("cohorts:mine")).content.decode()
    response = client.post(reverse("cohorts:accept", args=[invitation.pk]), follow=True)
    assert "You have a place in Spring Cohort" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.ACTIVE


def test_participant_declines_an_invitation(client, cohort, other_participant, staff):
    invitation = services.membership_invite(cohort=cohort, user=other_participant, actor=staff)
    client.force_login(other_participant)
    client.post(reverse("cohorts:decline", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.WITHDRAWN
    assert "Spring Cohort" in client.get(reverse("cohorts:mine")).content.decode()  # to join


def test_leaving_hands_the_place_to_the_waiting_list(client, participant, other_participant):
    cohort = CohortFactory(capacity=1)
    mine = services.membership_enrol(cohort=cohort, user=participant)
    waiting = services.membership_enrol(cohort=cohort, user=other_participant)
    client.force_login(participant)
    client.post(reverse("cohorts:leave", args=[mine.pk]), {"confirm": "yes"})
    waiting.refresh_from_db()
    assert waiting.status == MembershipStatus.ACTIVE


# Leaving a group asks first ------------------------------------------------------------------


def test_leave_this_group_shows_what_happens_and_changes_nothing(client, participant, membership):
    client.force_login(participant)
    url = reverse("cohorts:leave", args=[membership.pk])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Leave Spring Cohort?" in html
    assert "your place goes to the next person on the waiting list" in html
    assert "your courses and your progress in them are kept" in html
    # A confirm button that posts, and a way back that does not.
    assert f'<form method="post" action="{url}">' in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert "Yes, leave this group" in html
    assert f'<a class="button" href="{reverse("cohorts:mine")}">No, keep learning</a>' in html
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_the_leave_button_without_confirmation_only_asks(client, participant, membership):
    """The button on "My groups" sends no confirmation: it leads to the question, no further."""
    client.force_login(participant)
    response = client.post(reverse("cohorts:leave", args=[membership.pk]))
    assert response.status_code == 200
    assert "Yes, leave this group" in response.content.decode()
    for unconfirmed in ({"confirm": ""}, {"confirm": "no"}):
        response = client.post(reverse("cohorts:leave", args=[membership.pk]), unconfirmed)
        assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.withdrawn_at is None


def test_confirming_leaves_the_group_and_says_so_where_she_looks(client, participant, membership):
    client.force_login(participant)
    response = client.post(
        reverse("cohorts:leave", args=[membership.pk]), {"confirm": "yes"}, follow=True
    )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.WITHDRAWN
    assert response.redirect_chain[-1][0] == reverse("cohorts:mine")
    messages_box = response.content.decode().split('id="pathways-messages"')[1].split("</div>")[0]
    assert "You have left the group. Your course progress is kept." in messages_box
    # Nothing left to leave: the question page sends her back to her groups.
    assert client.get(reverse("cohorts:leave", args=[membership.pk]))["Location"] == reverse(
        "cohorts:mine"
    )


def test_leaving_the_waiting_list_says_what_she_gives_up(client, participant, other_participant):
    cohort = CohortFactory(name="Small Cohort", capacity=1)
    services.membership_enrol(cohort=cohort, user=other_participant)
    waiting = services.membership_enrol(cohort=cohort, user=participant)
    assert waiting.status == MembershipStatus.WAITLISTED
    client.force_login(participant)
    html = client.get(reverse("cohorts:leave", args=[waiting.pk])).content.decode()
    assert "Leave the waiting list for Small Cohort?" in html
    assert "you lose your place on the waiting list" in html
    assert "Yes, leave the waiting list" in html
    response = client.post(
        reverse("cohorts:leave", args=[waiting.pk]), {"confirm": "yes"}, follow=True
    )
    waiting.refresh_from_db()
    assert waiting.status == MembershipStatus.WITHDRAWN
    assert "You have left the waiting list." in response.content.decode()


def test_a_refused_leave_shows_the_error_summary(client, participant, membership, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError("This group cannot be left right now.")

    monkeypatch.setattr(services, "membership_withdraw", refuse)
    client.force_login(participant)
    response = client.post(reverse("cohorts:leave", args=[membership.pk]), {"confirm": "yes"})
    html = response.content.decode()
    assert response.status_code == 400
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert "This group cannot be left right now." in summary
    assert html.index('id="error-summary"') < html.index("<h1")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


# Query counts --------------------------------------------------------------------------------


def _count(client, url, django_assert_max_num_queries, limit=30):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _add_members(cohort, course, sessions, count, facilitator, staff):
    lessons = list(course_lessons(course).specific())
    block_id, answers = quiz_answer_ids(lessons[-1])
    for _ in range(count):
        membership = services.membership_enrol(
            cohort=cohort, user=ParticipantFactory(), actor=staff
        )
        enrolment = membership.user.enrolments.get()
        course_services.lesson_complete(enrolment=enrolment, lesson=lessons[0])
        course_services.quiz_submit(
            enrolment=enrolment, lesson=lessons[-1], block_id=block_id, answers=answers
        )
        for session in sessions:
            services.attendance_record(
                session=session, membership=membership, status="present", actor=facilitator
            )


@pytest.mark.parametrize("page", ["detail", "attendance"])
def test_cohort_pages_use_a_fixed_number_of_queries(
    client, cohort, facilitator, staff, django_assert_max_num_queries, page
):
    course = build_course(title="Counted", modules=2, lessons_per_module=2)
    cohort.capacity = 30
    cohort.save()
    cohort.cohort_courses.model.objects.create(cohort=cohort, course=course)
    sessions = [CohortSessionFactory(cohort=cohort) for _ in range(2)]
    services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
    cohort.capacity = 30
    url = (
        reverse("cohorts:detail", args=[cohort.pk])
        if page == "detail"
        else reverse("cohorts:attendance", args=[cohort.pk, sessions[0].pk])
    )
    client.force_login(facilitator)
    _add_members(cohort, course, sessions, 1, facilitator, staff)
    few = _count(client, url, django_assert_max_num_queries)
    _add_members(cohort, course, sessions, 8, facilitator, staff)
    CohortMembershipFactory(cohort=cohort, status="waitlisted", waitlisted_at=timezone.now())
    CohortMembershipFactory(cohort=cohort, status="invited")
    many = _count(client, url, django_assert_max_num_queries)
    assert many == few


def test_list_page_uses_a_fixed_number_of_queries(
    client, facilitator, django_assert_max_num_queries
):
    client.force_login(facilitator)
    url = reverse("cohorts:list")
    CohortFactory(facilitators=[facilitator])
    few = _count(client, url, django_assert_max_num_queries)
    for _ in range(5):
        cohort = CohortFactory(facilitators=[facilitator])
        CohortMembershipFactory(cohort=cohort)
        CohortSessionFactory(cohort=cohort)
    many = _count(client, url, django_assert_max_num_queries)
    assert many == few


def test_my_cohorts_page_uses_a_fixed_number_of_queries(
    client, participant, django_assert_max_num_queries
):
    client.force_login(participant)
    url = reverse("cohorts:mine")
    CohortMembershipFactory(user=participant)
    CohortFactory()
    few = _count(client, url, django_assert_max_num_queries)
    for status in ("active", "waitlisted", "invited", "completed"):
        cohort = CohortFactory()
        CohortMembershipFactory(
            cohort=cohort, user=participant, status=status, waitlisted_at=timezone.now()
        )
        CohortMembershipFactory(cohort=cohort)
        CohortSessionFactory(cohort=cohort, starts_at=timezone.now() + timedelta(days=1))
        CohortFactory()
    many = _count(client, url, django_assert_max_num_queries)
    assert many == few


# The admin -----------------------------------------------------------------------------------

ADMIN_PAGES = [
    "cohorts_admin:index",
    "cohorts_admin:add",
    "cohort_memberships:index",
    "cohort_memberships:add",
    "cohort_memberships:add_many",
    "cohort_sessions:index",
    "cohort_sessions:add",
    "cohort_attendance:index",
    "cohort_attendance:add",
]


@pytest.mark.parametrize("url_name", ADMIN_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_admin_access_matrix(client, request, url_name, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(url_name))
    if role == "staff":
        assert response.status_code == 200
    elif role in ("anonymous", "participant", "other_participant"):
        assert response.status_code == 302  # to the sign-in page: no admin access at all
    else:
        # Facilitators reach the admin, but not the cohort screens: they use the phone pages.
        assert response.status_code in (302, 403)
        assert "Cohort" not in response.content.decode()


def test_staff_add_many_participants_through_the_service(client, staff, cohort):
    cohort.capacity = 2
    cohort.save()
    already = CohortMembershipFactory(cohort=cohort)
    # The form lists participants by name; they are placed in that order.
    people = [ParticipantFactory(chosen_name=name) for name in ("Aisha", "Beatriz")]
    client.force_login(staff)
    index = client.get(reverse("cohort_memberships:index")).content.decode()
    assert reverse("cohort_memberships:add_many") in index
    response = client.post(
        reverse("cohort_memberships:add_many"),
        {"cohort": cohort.pk, "participants": [already.user.pk, *(p.pk for p in people)]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 given a place, 1 on the waiting list, 1 not added" in response.content.decode()
    created = {
        m.user_id: (m.status, m.added_by_id)
        for m in CohortMembership.objects.filter(user__in=people)
    }
    assert created == {
        people[0].pk: (MembershipStatus.ACTIVE, staff.pk),
        people[1].pk: (MembershipStatus.WAITLISTED, staff.pk),
    }


def test_add_many_offers_only_participants(client, staff, cohort, facilitator, participant):
    client.force_login(staff)
    html = client.get(reverse("cohort_memberships:add_many")).content.decode()
    assert f'value="{participant.pk}"' in html
    assert f'value="{facilitator.pk}"' not in html


def test_staff_add_one_member_in_the_admin_and_a_full_cohort_waitlists(
    client, staff, cohort, participant
):
    cohort.capacity = 1
    cohort.save()
    CohortMembershipFactory(cohort=cohort)
    client.force_login(staff)
    response = client.post(
        reverse("cohort_memberships:add"),
        {"cohort": cohort.pk, "user": participant.pk, "action": "enrol"},
    )
    assert response.status_code == 302
    membership = CohortMembership.objects.get(user=participant)
    assert membership.status == MembershipStatus.WAITLISTED
    assert membership.added_by == staff
    assert ModelLogEntry.objects.filter(
        object_id=str(membership.pk), action="wagtail.create", user=staff
    ).exists()


def test_attendance_is_in_the_admin_history_whether_taken_in_the_admin_or_on_the_sheet(
    client, staff, cohort, session, facilitator
):
    # The facilitator's sheet wrote no history before the service did: same rule on every path.
    in_admin, on_sheet = (CohortMembershipFactory(cohort=cohort) for _ in range(2))
    client.force_login(staff)
    client.post(
        reverse("cohort_attendance:add"),
        {"session": session.pk, "membership": in_admin.pk, "status": AttendanceStatus.PRESENT},
    )
    client.force_login(facilitator)
    client.post(
        reverse("cohorts:attendance", args=[cohort.pk, session.pk]),
        {f"status-{on_sheet.pk}": AttendanceStatus.PRESENT},
    )
    for membership, person in ((in_admin, staff), (on_sheet, facilitator)):
        attendance = Attendance.objects.get(membership=membership)
        entries = ModelLogEntry.objects.filter(object_id=str(attendance.pk))
        assert list(entries.values_list("action", "user")) == [("wagtail.create", person.pk)]


def test_staff_withdraw_a_member_in_the_admin_and_the_waiting_list_moves_up(
    client, staff, participant
):
    cohort = CohortFactory(capacity=1)
    member = services.membership_enrol(cohort=cohort, user=participant, actor=staff)
    waiting = services.membership_enrol(cohort=cohort, user=ParticipantFactory(), actor=staff)
    client.force_login(staff)
    response = client.post(
        reverse("cohort_memberships:edit", args=[member.pk]), {"action": "withdraw"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    waiting.refresh_from_db()
    assert (member.status, waiting.status) == ("withdrawn", "active")


def test_an_action_not_allowed_for_the_status_is_refused_in_the_admin(
    client, staff, cohort, membership
):
    client.force_login(staff)
    response = client.post(
        reverse("cohort_memberships:edit", args=[membership.pk]), {"action": "invite"}
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_a_status_jump_is_refused_when_editing_a_cohort_in_the_admin(client, staff):
    cohort = CohortFactory(status=CohortStatus.RUNNING)
    client.force_login(staff)
    response = client.get(reverse("cohorts_admin:edit", args=[cohort.pk]))
    html = response.content.decode()
    assert 'value="closed"' in html
    assert 'value="open"' not in html
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.RUNNING


def test_staff_create_a_cohort_in_the_admin(client, staff, facilitator, course):
    client.force_login(staff)
    today = timezone.localdate()
    data = {
        "name": "Autumn Cohort",
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=30)).isoformat(),
        "time_zone": "America/Los_Angeles",
        "capacity": "12",
        "mode": "hybrid",
        "status": "open",
        "facilitators": [facilitator.pk],
        "cohort_courses-TOTAL_FORMS": "1",
        "cohort_courses-INITIAL_FORMS": "0",
        "cohort_courses-MIN_NUM_FORMS": "0",
        "cohort_courses-MAX_NUM_FORMS": "1000",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        "cohort_courses-0-course": course.pk,
        "cohort_courses-0-min_attended_hours": "6",
        "cohort_courses-0-id": "",
        "cohort_courses-0-ORDER": "1",
        "cohort_courses-0-DELETE": "",
    }
    response = client.post(reverse("cohorts_admin:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    cohort = Cohort.objects.get(name="Autumn Cohort")
    assert list(cohort.facilitators.all()) == [facilitator]
    assert cohort.cohort_courses.get().min_attended_hours == 6


def test_dates_in_the_wrong_order_are_refused_in_the_admin(client, staff):
    client.force_login(staff)
    today = timezone.localdate()
    response = client.post(
        reverse("cohorts_admin:add"),
        {
            "name": "Backwards",
            "start_date": today.isoformat(),
            "end_date": (today - timedelta(days=1)).isoformat(),
            "time_zone": "UTC",
            "capacity": "5",
            "mode": "online",
            "status": "planned",
            "cohort_courses-TOTAL_FORMS": "0",
            "cohort_courses-INITIAL_FORMS": "0",
            "cohort_courses-MIN_NUM_FORMS": "0",
            "cohort_courses-MAX_NUM_FORMS": "1000",
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.content.decode()
    assert not Cohort.objects.exists()


def test_attendance_in_the_admin_goes_through_the_service(
    client, staff, cohort, session, membership
):
    outsider = CohortMembershipFactory()
    client.force_login(staff)
    refused = client.post(
        reverse("cohort_attendance:add"),
        {"session": session.pk, "membership": outsider.pk, "status": "present"},
    )
    assert refused.status_code == 200
    assert "is not a member of this cohort" in refused.content.decode()
    assert not Attendance.objects.exists()
    response = client.post(
        reverse("cohort_attendance:add"),
        {"session": session.pk, "membership": membership.pk, "status": "late", "minutes": "30"},
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.minutes_attended, attendance.recorded_by) == (30, staff)


def test_a_session_with_attendance_cannot_be_deleted_in_the_admin(
    client, staff, cohort, session, membership, facilitator
):
    services.attendance_record(
        session=session, membership=membership, status="present", actor=facilitator
    )
    client.force_login(staff)
    client.post(reverse("cohort_sessions:delete", args=[session.pk]))
    assert session.__class__.objects.filter(pk=session.pk).exists()


def test_admin_listings_render_with_filters_and_search(
    client, staff, cohort, session, membership, facilitator
):
    services.attendance_record(
        session=session, membership=membership, status="present", actor=facilitator
    )
    client.force_login(staff)
    urls = [
        reverse("cohorts_admin:index") + "?status=open&q=Spring",
        reverse("cohort_memberships:index") + f"?status=active&cohort={cohort.pk}&q=Maya",
        reverse("cohort_sessions:index") + f"?cohort={cohort.pk}&q=Interview",
        reverse("cohort_attendance:index") + f"?status=present&session__cohort={cohort.pk}&q=Maya",
        reverse("cohorts_admin:edit", args=[cohort.pk]),
        reverse("cohorts_admin:inspect", args=[cohort.pk]),
        reverse("cohort_memberships:edit", args=[membership.pk]),
        reverse("cohort_sessions:edit", args=[session.pk]),
        reverse("cohort_attendance:edit", args=[Attendance.objects.get().pk]),
        reverse("cohort_memberships:add_many") + f"?cohort={cohort.pk}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    listing = client.get(urls[1]).content.decode()
    assert "Maya" in listing
    sessions = client.get(urls[2]).content.decode()
    assert reverse("cohorts:attendance", args=[cohort.pk, session.pk]) in sessions


def test_staff_edit_a_cohort_in_the_admin_through_the_service(client, staff, course):
    cohort = CohortFactory(status=CohortStatus.RUNNING, capacity=1, courses=[(course, 2)])
    member = CohortMembershipFactory(cohort=cohort)
    waiting = CohortMembershipFactory(
        cohort=cohort, status="waitlisted", waitlisted_at=timezone.now()
    )
    run = cohort.cohort_courses.get()
    client.force_login(staff)
    data = {
        "name": cohort.name,
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "time_zone": "UTC",
        "capacity": "2",
        "mode": cohort.mode,
        "status": "closed",
        "cohort_courses-TOTAL_FORMS": "1",
        "cohort_courses-INITIAL_FORMS": "1",
        "cohort_courses-MIN_NUM_FORMS": "0",
        "cohort_courses-MAX_NUM_FORMS": "1000",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        "cohort_courses-0-id": run.pk,
        "cohort_courses-0-course": course.pk,
        "cohort_courses-0-min_attended_hours": "3",
        "cohort_courses-0-ORDER": "1",
        "cohort_courses-0-DELETE": "",
    }
    response = client.post(reverse("cohorts_admin:edit", args=[cohort.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cohort.refresh_from_db()
    assert (cohort.status, cohort.capacity) == (CohortStatus.CLOSED, 2)
    assert cohort.cohort_courses.get().min_attended_hours == 3
    # Closed: the freed place is not handed out.
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"
    assert member.status == "active"

    data["status"] = "open"
    response = client.post(reverse("cohorts_admin:edit", args=[cohort.pk]), data)
    assert response.status_code == 200
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.CLOSED


def test_admin_lists_name_people_by_chosen_name_and_username_in_fixed_queries(
    client, staff, cohort, session, facilitator, django_assert_max_num_queries
):
    def add_members(count):
        for _ in range(count):
            membership = services.membership_enrol(
                cohort=cohort, user=ParticipantFactory(), actor=staff
            )
            services.attendance_record(
                session=session, membership=membership, status="present", actor=facilitator
            )

    cohort.capacity = 20
    cohort.save()
    host_member = _participant_without_profile("Lina")
    services.membership_enrol(cohort=cohort, user=host_member, actor=staff)
    add_members(1)
    client.force_login(staff)
    urls = [reverse("cohort_memberships:index"), reverse("cohort_attendance:index")]
    few = [_count(client, url, django_assert_max_num_queries, limit=60) for url in urls]
    add_members(6)
    many = [_count(client, url, django_assert_max_num_queries, limit=60) for url in urls]
    assert many == few

    listing = client.get(urls[0]).content.decode()
    member = CohortMembership.objects.exclude(user=host_member).first().user
    assert f"{member.pathways_profile.chosen_name} ({member.username})" in listing
    assert "Lina (Lina)" in listing
    attendance = client.get(urls[1]).content.decode()
    assert facilitator.pathways_profile.chosen_name in attendance
    add_form = client.get(reverse("cohort_memberships:add_many")).content.decode()
    assert f"{member.pathways_profile.chosen_name} ({member.username})" in add_form


def test_the_admin_membership_list_sorts_members_with_and_without_a_profile_together(
    client, staff, cohort
):
    for user in (
        ParticipantFactory(username="a-zoe", chosen_name="Zoe"),
        _participant_without_profile("Lina"),
        ParticipantFactory(username="z-ana", chosen_name="Ana"),
    ):
        CohortMembershipFactory(cohort=cohort, user=user)
    client.force_login(staff)
    url = reverse("cohort_memberships:index")
    names = ["Ana (z-ana)", "Lina (Lina)", "Zoe (a-zoe)"]

    for ordering, expected in (("", names), ("-", names[::-1])):
        listing = client.get(url, {"ordering": f"{ordering}user__pathways_profile__chosen_name"})
        html = listing.content.decode()
        assert sorted(names, key=html.index) == expected
