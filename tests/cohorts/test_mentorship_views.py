"""Mentoring pages and staff admin: who may open what, what they show, and what they cost."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from pathways.courses import services as course_services
from pathways.courses.selectors import course_lessons
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.names import alias_of
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.roles import Role
from pathways.mentoring import services
from pathways.mentoring.models import (
    GoalStatus,
    MentorProfile,
    MentorshipCheckIn,
    MentorshipGoal,
    MentorshipPairing,
    PairingStatus,
)
from tests.factories.accounts import MentorFactory, ParticipantFactory
from tests.factories.courses import build_course
from tests.factories.mentoring import (
    MentorProfileFactory,
    MentorshipCheckInFactory,
    MentorshipGoalFactory,
    MentorshipPairingFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@dataclass
class World:
    active: MentorshipPairing
    ended: MentorshipPairing
    proposal: MentorshipPairing
    active_goal: MentorshipGoal
    ended_goal: MentorshipGoal


@pytest.fixture
def mentor_active(mentor):
    MentorProfileFactory(user=mentor, capacity=3)
    return mentor


@pytest.fixture
def mentor_ended(db):
    return MentorProfileFactory(user=MentorFactory()).user


@pytest.fixture
def mentor_none(db):
    return MentorProfileFactory(user=MentorFactory()).user


@pytest.fixture
def mentee(participant):
    return participant


@pytest.fixture
def world(mentor_active, mentor_ended, mentor_none, mentee, staff):
    active = MentorshipPairingFactory(mentor=mentor_active, mentee=mentee)
    ended = MentorshipPairingFactory(mentor=mentor_ended, mentee=mentee)
    ended_goal = MentorshipGoalFactory(pairing=ended)
    services.pairing_end(pairing=ended, actor=mentee, reason_private="Private reason")
    proposal = services.pairing_propose(mentor=mentor_none, mentee=mentee, actor=staff)
    return World(
        active=active,
        ended=ended,
        proposal=proposal,
        active_goal=MentorshipGoalFactory(pairing=active),
        ended_goal=ended_goal,
    )


# Access matrix -----------------------------------------------------------------------------
#
# Every page against every role. Pairing pages are tried on the active pairing of the mentee and
# mentor_active; the "mentor_ended" role tries its own ended pairing, i.e. a former mentee.
# Pending pages (accept, decline) are tried on a staff proposal to the mentee from mentor_none.

GOAL_DATA = {"goal-title": "Practise an interview"}
CHECKIN_DATA = {
    "checkin-date": "{today}",
    "checkin-mode": "phone",
    "checkin-duration_minutes": "30",
    "checkin-notes": "Good talk",
}


def _pairing(world, role):
    return world.ended if role == "mentor_ended" else world.active


def _goal(world, role):
    return world.ended_goal if role == "mentor_ended" else world.active_goal


PAGES = {
    "mentor_dashboard": ("get", lambda w, r: reverse("mentoring:mentor_dashboard"), None),
    "my_mentor": ("get", lambda w, r: reverse("mentoring:my_mentor"), None),
    "pairing": ("get", lambda w, r: reverse("mentoring:pairing", args=[_pairing(w, r).pk]), None),
    "goal_add": (
        "post",
        lambda w, r: reverse("mentoring:goal_add", args=[_pairing(w, r).pk]),
        GOAL_DATA,
    ),
    "goal_update": (
        "post",
        lambda w, r: reverse("mentoring:goal_update", args=[_pairing(w, r).pk, _goal(w, r).pk]),
        {"status": "done"},
    ),
    "checkin_log": (
        "post",
        lambda w, r: reverse("mentoring:checkin_log", args=[_pairing(w, r).pk]),
        CHECKIN_DATA,
    ),
    "pause": ("post", lambda w, r: reverse("mentoring:pause", args=[_pairing(w, r).pk]), {}),
    "resume": ("post", lambda w, r: reverse("mentoring:resume", args=[_pairing(w, r).pk]), {}),
    "complete": (
        "post",
        lambda w, r: reverse("mentoring:complete", args=[_pairing(w, r).pk]),
        {},
    ),
    "end": (
        "post",
        lambda w, r: reverse("mentoring:end", args=[_pairing(w, r).pk]),
        {"reason_private": "why"},
    ),
    # The mentee has no alias yet: she chooses the name the mentor will see as she accepts.
    "accept": (
        "post",
        lambda w, r: reverse("mentoring:accept", args=[w.proposal.pk]),
        {"peer_alias": "Sunrise"},
    ),
    "decline": ("post", lambda w, r: reverse("mentoring:decline", args=[w.proposal.pk]), {}),
    # Staff tools in the Wagtail admin.
    "admin_pairings": ("get", lambda w, r: reverse("mentorship_pairings:index"), None),
    "admin_pairing_add": ("get", lambda w, r: reverse("mentorship_pairings:add"), None),
    "admin_pairing_edit": (
        "get",
        lambda w, r: reverse("mentorship_pairings:edit", args=[w.active.pk]),
        None,
    ),
    "admin_pairing_inspect": (
        "get",
        lambda w, r: reverse("mentorship_pairings:inspect", args=[w.active.pk]),
        None,
    ),
    "admin_suggest": (
        "get",
        lambda w, r: reverse("mentorship_pairings:suggest") + f"?mentee={w.active.mentee_id}",
        None,
    ),
    "admin_mentor_profiles": ("get", lambda w, r: reverse("mentor_profiles:index"), None),
    "admin_mentor_profile_add": ("get", lambda w, r: reverse("mentor_profiles:add"), None),
    "admin_mentee_preferences": ("get", lambda w, r: reverse("mentee_preferences:index"), None),
}

ROLES = [
    "anonymous",
    "mentee",
    "other_participant",
    "mentor_active",
    "mentor_ended",
    "mentor_none",
    "facilitator",
    "staff",
]
# "my" means a redirect to the mentee page (the dashboard is for mentors); "admin" means the
# Wagtail admin turned the person away (a redirect, or 403 where she may use the admin at all).
MEMBER_POST = ("login", 302, 404, 302, 404, 404, 404, 404)
EXPECTED = {
    # page:        anonymous, mentee, other, mentor_active, mentor_ended, mentor_none, facil, staff
    "mentor_dashboard": ("login", "my", "my", 200, 200, 200, "my", "my"),
    "my_mentor": ("login", 200, 200, 200, 200, 200, 200, 200),
    "pairing": ("login", 200, 404, 200, 404, 404, 404, 404),
    "goal_add": MEMBER_POST,
    "goal_update": MEMBER_POST,
    "checkin_log": MEMBER_POST,
    "pause": MEMBER_POST,
    "resume": MEMBER_POST,
    "complete": MEMBER_POST,
    "end": MEMBER_POST,
    "accept": ("login", 302, 404, 404, 404, 404, 404, 404),
    "decline": ("login", 302, 404, 404, 404, 404, 404, 404),
    **{
        page: ("admin", "admin", "admin", "admin", "admin", "admin", "admin", 200)
        for page in PAGES
        if page.startswith("admin_")
    },
}


def _sign_in(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_access_matrix(client, request, world, page, role_index):
    role = ROLES[role_index]
    _sign_in(client, request, role)
    method, build_url, data = PAGES[page]
    if data:
        data = {key: value.format(today=timezone.localdate()) for key, value in data.items()}
    response = getattr(client, method)(build_url(world, role), data)
    expected = EXPECTED[page][role_index]
    if expected == "login":
        assert response.status_code == 302, (page, role)
        assert response["Location"].startswith(reverse("accounts:login"))
    elif expected == "my":
        assert response.status_code == 302, (page, role)
        assert response["Location"] == reverse("mentoring:my_mentor")
    elif expected == "admin":
        assert response.status_code in (302, 403), (page, role)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse(page_url_name(page)))
    else:
        assert response.status_code == expected, (page, role)


def page_url_name(page):
    return {
        "admin_pairings": "mentorship_pairings:index",
        "admin_pairing_add": "mentorship_pairings:add",
        "admin_suggest": "mentorship_pairings:suggest",
        "admin_mentor_profiles": "mentor_profiles:index",
        "admin_mentor_profile_add": "mentor_profiles:add",
        "admin_mentee_preferences": "mentee_preferences:index",
    }.get(page, "mentorship_pairings:index")


@pytest.mark.parametrize("role", ["other_participant", "mentor_ended", "mentor_none", "staff"])
def test_refused_posts_change_nothing(client, request, world, role):
    _sign_in(client, request, role)
    before = list(MentorshipPairing.objects.order_by("pk").values())
    goals = list(MentorshipGoal.objects.order_by("pk").values())
    for method, build_url, data in PAGES.values():
        if method == "post":
            data = {key: value.format(today=timezone.localdate()) for key, value in data.items()}
            client.post(build_url(world, role), data)
    assert list(MentorshipPairing.objects.order_by("pk").values()) == before
    assert list(MentorshipGoal.objects.order_by("pk").values()) == goals
    assert not MentorshipCheckIn.objects.exists()


def test_tampered_ids_are_404(signed_in, world, mentee):
    client = signed_in(mentee)
    assert client.get(reverse("mentoring:pairing", args=[999_999])).status_code == 404
    url = reverse("mentoring:goal_update", args=[world.active.pk, world.ended_goal.pk])
    assert client.post(url, {"status": "done"}).status_code == 404


def test_mentoring_pages_are_never_cached(signed_in, world, mentor_active):
    response = signed_in(mentor_active).get(reverse("mentoring:pairing", args=[world.active.pk]))
    assert "no-store" in response["Cache-Control"]


# The mentor's journey ------------------------------------------------------------------------


@pytest.fixture
def learning_mentee(mentee, course):
    profile_update(mentee, peer_alias="Sunflower")
    mentee.email = "maya@example.org"
    mentee.save()
    enrolment = course_services.enrolment_start(user=mentee, course=course)
    course_services.lesson_complete(
        enrolment=enrolment, lesson=course_lessons(course).specific().first()
    )
    return mentee


def test_mentor_logs_a_check_in_and_sees_the_mentees_progress(
    signed_in, mentor_active, learning_mentee
):
    pairing = MentorshipPairingFactory(mentor=mentor_active, mentee=learning_mentee)
    client = signed_in(mentor_active)
    dashboard = client.get(reverse("mentoring:mentor_dashboard")).content.decode()
    assert "Sunflower" in dashboard
    assert "Workplace Readiness" in dashboard
    assert "1 of 4 lessons done (25%)" in dashboard
    assert reverse("mentoring:pairing", args=[pairing.pk]) in dashboard

    page = client.get(reverse("mentoring:pairing", args=[pairing.pk])).content.decode()
    assert "Log a check-in" in page
    assert "1 of 4 lessons done (25%)" in page
    assert "maya@example.org" not in page
    assert "Keep these notes private" not in page

    response = client.post(
        reverse("mentoring:checkin_log", args=[pairing.pk]),
        {
            "checkin-date": timezone.localdate().isoformat(),
            "checkin-mode": "video",
            "checkin-duration_minutes": "40",
            "checkin-notes": "Practised interview questions",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Check-in saved." in html
    assert "Practised interview questions" in html
    check_in = MentorshipCheckIn.objects.get()
    assert (check_in.recorded_by, check_in.duration_minutes) == (mentor_active, 40)


def test_a_refused_check_in_shows_the_reason_keeps_the_input_and_changes_nothing(
    signed_in, mentor_active, mentee
):
    pairing = MentorshipPairingFactory(mentor=mentor_active, mentee=mentee)
    response = signed_in(mentor_active).post(
        reverse("mentoring:checkin_log", args=[pairing.pk]),
        {
            "checkin-date": (timezone.localdate() + DAY).isoformat(),
            "checkin-mode": "phone",
            "checkin-duration_minutes": "30",
            "checkin-notes": "Keep me",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A check-in cannot be in the future" in html
    assert "Keep me" in html
    assert not MentorshipCheckIn.objects.exists()


def test_goals_are_added_and_updated_from_the_pairing_page(signed_in, mentor_active, mentee):
    pairing = MentorshipPairingFactory(mentor=mentor_active, mentee=mentee)
    client = signed_in(mentee)
    client.post(
        reverse("mentoring:goal_add", args=[pairing.pk]),
        {
            "goal-title": "Apply for three jobs",
            "goal-due_date": (timezone.localdate() + 7 * DAY).isoformat(),
        },
    )
    goal = MentorshipGoal.objects.get()
    assert goal.title == "Apply for three jobs"
    client.force_login(mentor_active)
    client.post(reverse("mentoring:goal_update", args=[pairing.pk, goal.pk]), {"status": "done"})
    goal.refresh_from_db()
    assert goal.status == GoalStatus.DONE


def test_a_goal_dated_before_the_start_is_refused_with_a_message(signed_in, mentor_active, mentee):
    pairing = MentorshipPairingFactory(
        mentor=mentor_active, mentee=mentee, started_at=timezone.now() - 3 * DAY
    )
    response = signed_in(mentee).post(
        reverse("mentoring:goal_add", args=[pairing.pk]),
        {"goal-title": "Late", "goal-due_date": (timezone.localdate() - 10 * DAY).isoformat()},
    )
    assert "cannot be before the mentorship started" in response.content.decode()
    assert not MentorshipGoal.objects.exists()


def test_the_private_checkbox_shows_for_the_mentee_only_where_allowed(
    signed_in, mentor_active, mentee, settings
):
    pairing = MentorshipPairingFactory(mentor=mentor_active, mentee=mentee)
    url = reverse("mentoring:pairing", args=[pairing.pk])
    label = "Keep these notes private from programme staff"
    settings.PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED = False
    assert label not in signed_in(mentee).get(url).content.decode()
    settings.PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED = True
    assert label in signed_in(mentee).get(url).content.decode()
    assert label not in signed_in(mentor_active).get(url).content.decode()
    response = signed_in(mentee).post(
        reverse("mentoring:checkin_log", args=[pairing.pk]),
        {
            "checkin-date": timezone.localdate().isoformat(),
            "checkin-mode": "in_person",
            "checkin-duration_minutes": "20",
            "checkin-notes": "Between us",
            "checkin-private_from_staff": "on",
        },
    )
    assert response.status_code == 302
    assert MentorshipCheckIn.objects.get().private_from_staff


def test_ending_with_a_private_reason_hides_the_pairing_from_both(signed_in, mentor_active, mentee):
    pairing = MentorshipPairingFactory(mentor=mentor_active, mentee=mentee)
    client = signed_in(mentor_active)
    response = client.post(
        reverse("mentoring:end", args=[pairing.pk]), {"reason_private": "Safety concern"}
    )
    assert response["Location"] == reverse("mentoring:mentor_dashboard")
    pairing.refresh_from_db()
    assert (pairing.status, pairing.ended_by, pairing.end_reason_private) == (
        PairingStatus.ENDED,
        mentor_active,
        "Safety concern",
    )
    assert client.get(reverse("mentoring:pairing", args=[pairing.pk])).status_code == 404
    client.force_login(mentee)
    assert client.get(reverse("mentoring:pairing", args=[pairing.pk])).status_code == 404
    assert "Safety concern" not in client.get(reverse("mentoring:my_mentor")).content.decode()


def test_pause_and_resume_from_the_pairing_page(signed_in, mentor_active, mentee):
    pairing = MentorshipPairingFactory(mentor=mentor_active, mentee=mentee)
    client = signed_in(mentee)
    client.post(reverse("mentoring:pause", args=[pairing.pk]))
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.PAUSED
    html = client.get(reverse("mentoring:pairing", args=[pairing.pk])).content.decode()
    assert "Resume the mentorship" in html
    assert "Log a check-in" not in html
    client.post(reverse("mentoring:resume", args=[pairing.pk]))
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE


# The mentee's journey ------------------------------------------------------------------------


def test_mentee_accepts_a_proposal_and_sees_her_mentor(signed_in, mentee, mentor_none, staff):
    profile_update(mentor_none, peer_alias="Oak")
    mentor_none.email = "mentor@example.org"
    mentor_none.save()
    pairing = services.pairing_propose(mentor=mentor_none, mentee=mentee, actor=staff)
    client = signed_in(mentee)
    html = client.get(reverse("mentoring:my_mentor")).content.decode()
    assert "Would you like <bdi>Oak</bdi> as your mentor?" in html
    assert "mentor@example.org" not in html
    response = client.post(reverse("mentoring:accept", args=[pairing.pk]), {"peer_alias": "Wren"})
    assert response["Location"] == reverse("mentoring:pairing", args=[pairing.pk])
    assert Profile.objects.get(user=mentee).peer_alias == "Wren"
    MentorshipGoalFactory(pairing=pairing, title="Shared goal")
    MentorshipCheckInFactory(pairing=pairing, notes="Shared check-in notes")
    html = client.get(reverse("mentoring:my_mentor")).content.decode()
    assert "Your mentor: <bdi>Oak</bdi>" in html
    assert "Shared goal" in html
    assert "Shared check-in notes" in html


def test_mentee_declines_with_a_reason_only_staff_see(signed_in, mentee, mentor_none, staff):
    pairing = services.pairing_propose(mentor=mentor_none, mentee=mentee, actor=staff)
    signed_in(mentee).post(
        reverse("mentoring:decline", args=[pairing.pk]), {"reason_private": "Prefer a woman"}
    )
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.DECLINED
    assert pairing.end_reason_private == "Prefer a woman"


def test_mentor_accepts_a_request_from_the_dashboard(signed_in, mentee, mentor_none):
    pairing = services.pairing_request(mentor=mentor_none, mentee=mentee)
    client = signed_in(mentor_none)
    html = client.get(reverse("mentoring:mentor_dashboard")).content.decode()
    assert f"Accept <bdi>{alias_of(mentee)}</bdi>" in html
    client.post(reverse("mentoring:accept", args=[pairing.pk]))
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE


def test_accepting_a_full_mentor_is_refused_with_a_message(signed_in, mentee, staff):
    profile = MentorProfileFactory(capacity=1)
    pairing = services.pairing_propose(mentor=profile.user, mentee=mentee, actor=staff)
    MentorshipPairingFactory(mentor=profile.user)
    response = signed_in(mentee).post(
        reverse("mentoring:accept", args=[pairing.pk]), {"peer_alias": "Wren"}, follow=True
    )
    assert "no free place" in response.content.decode()
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.PROPOSED


# Query counts --------------------------------------------------------------------------------


def _add_mentees(mentor, count: int, course):
    for _ in range(count):
        mentee = ParticipantFactory()
        enrolment = course_services.enrolment_start(user=mentee, course=course)
        course_services.lesson_complete(enrolment=enrolment, lesson=course_lessons(course).first())
        other = build_course(title="Extra", modules=1, lessons_per_module=2, with_quiz=False)
        course_services.enrolment_start(user=mentee, course=other)
        pairing = MentorshipPairingFactory(mentor=mentor, mentee=mentee)
        MentorshipGoalFactory(pairing=pairing)
        MentorshipGoalFactory(pairing=pairing)
        MentorshipCheckInFactory(pairing=pairing)
    services.pairing_request(mentor=mentor, mentee=ParticipantFactory())


def test_mentor_dashboard_uses_a_fixed_number_of_queries(
    signed_in, mentor_active, course, django_assert_max_num_queries
):
    MentorProfile.objects.filter(user=mentor_active).update(capacity=20)
    client = signed_in(mentor_active)
    url = reverse("mentoring:mentor_dashboard")
    _add_mentees(mentor_active, 1, course)
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    _add_mentees(mentor_active, 6, course)
    with django_assert_max_num_queries(10) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# Staff tools in the admin ----------------------------------------------------------------------


def test_staff_propose_a_pairing_from_the_admin(client, staff, mentee, mentor_none):
    client.force_login(staff)
    response = client.post(
        reverse("mentorship_pairings:add"),
        {"mentor": mentor_none.pk, "mentee": mentee.pk, "checkin_every_days": 7},
    )
    assert response.status_code == 302
    pairing = MentorshipPairing.objects.get()
    assert (pairing.status, pairing.proposed_by, pairing.checkin_every_days) == (
        PairingStatus.PROPOSED,
        staff,
        7,
    )


def test_admin_refuses_a_pairing_with_oneself_and_changes_nothing(client, staff):
    both = ParticipantFactory(roles=[Role.PARTICIPANT, Role.MENTOR])
    MentorProfileFactory(user=both)
    client.force_login(staff)
    response = client.post(
        reverse("mentorship_pairings:add"),
        {"mentor": both.pk, "mentee": both.pk, "checkin_every_days": 14},
    )
    assert response.status_code == 200
    assert "mentor themselves" in response.content.decode()
    assert not MentorshipPairing.objects.exists()


def test_staff_end_a_pairing_from_the_admin_with_a_private_reason(
    client, staff, mentor_active, mentee
):
    pairing = MentorshipPairingFactory(mentor=mentor_active, mentee=mentee)
    client.force_login(staff)
    response = client.post(
        reverse("mentorship_pairings:edit", args=[pairing.pk]),
        {"checkin_every_days": 10, "action": "end", "reason_private": "Staff decision"},
    )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert (pairing.status, pairing.ended_by, pairing.end_reason_private) == (
        PairingStatus.ENDED,
        staff,
        "Staff decision",
    )
    assert pairing.checkin_every_days == 10
    assert ModelLogEntry.objects.filter(
        object_id=str(pairing.pk), action="wagtail.edit", user=staff
    ).exists()
    inspect = client.get(reverse("mentorship_pairings:inspect", args=[pairing.pk]))
    assert "Staff decision" in inspect.content.decode()


def test_admin_refuses_a_transition_the_table_does_not_allow(client, staff, mentee, mentor_none):
    pairing = services.pairing_propose(mentor=mentor_none, mentee=mentee, actor=staff)
    client.force_login(staff)
    response = client.post(
        reverse("mentorship_pairings:edit", args=[pairing.pk]),
        {"checkin_every_days": 14, "action": "accept"},
    )
    assert response.status_code == 200
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.PROPOSED


def test_admin_inspect_hides_notes_the_mentee_kept_private(client, staff, mentor_active, mentee):
    pairing = MentorshipPairingFactory(mentor=mentor_active, mentee=mentee)
    MentorshipCheckInFactory(pairing=pairing, notes="Visible to staff")
    MentorshipCheckInFactory(pairing=pairing, notes="Only for us", private_from_staff=True)
    client.force_login(staff)
    html = client.get(reverse("mentorship_pairings:inspect", args=[pairing.pk])).content.decode()
    assert "Visible to staff" in html
    assert "Only for us" not in html
    assert "kept these notes private" in html


def test_admin_lists_overdue_pairings(client, staff, mentor_active, mentee):
    late = MentorshipPairingFactory(
        mentor=mentor_active, mentee=mentee, started_at=timezone.now() - 30 * DAY
    )
    fine = MentorshipPairingFactory(mentor=mentor_active)
    services.pairings_flag_overdue()
    client.force_login(staff)
    response = client.get(reverse("mentorship_pairings:index"), {"overdue": "true"})
    listed = [pairing.pk for pairing in response.context["object_list"]]
    assert listed == [late.pk]
    assert fine.pk not in listed


def test_staff_see_suggestions_with_reasons_and_propose(client, staff, mentee, mentor_none):
    client.force_login(staff)
    url = reverse("mentorship_pairings:suggest")
    html = client.get(url, {"mentee": mentee.pk}).content.decode()
    assert "Has 2 free places" in html
    assert f"Propose {mentor_none.pathways_profile.chosen_name}" in html
    response = client.post(url, {"mentee": mentee.pk, "mentor": mentor_none.pk})
    assert response.status_code == 302
    pairing = MentorshipPairing.objects.get(mentee=mentee)
    assert (pairing.mentor, pairing.status) == (mentor_none, PairingStatus.PROPOSED)


def test_a_proposal_is_in_the_pairing_history_from_either_admin_page(
    client, staff, mentee, mentor_none, mentor_active
):
    # The suggestions page wrote no history before the service did: same rule on every path.
    client.force_login(staff)
    client.post(
        reverse("mentorship_pairings:suggest"), {"mentee": mentee.pk, "mentor": mentor_none.pk}
    )
    client.post(
        reverse("mentorship_pairings:add"),
        {"mentor": mentor_active.pk, "mentee": mentee.pk, "checkin_every_days": 14},
    )
    for mentor in (mentor_none, mentor_active):
        pairing = MentorshipPairing.objects.get(mentor=mentor, mentee=mentee)
        entries = ModelLogEntry.objects.filter(object_id=str(pairing.pk))
        assert list(entries.values_list("action", "user")) == [("wagtail.create", staff.pk)]


def test_answering_on_the_mentoring_pages_is_in_the_pairing_history(
    signed_in, mentee, mentor_none, staff
):
    pairing = services.pairing_propose(mentor=mentor_none, mentee=mentee, actor=staff)
    signed_in(mentee).post(reverse("mentoring:accept", args=[pairing.pk]), {"peer_alias": "Wren"})
    entries = ModelLogEntry.objects.filter(object_id=str(pairing.pk), action="wagtail.edit")
    assert list(entries.values_list("user", flat=True)) == [mentee.pk]


def test_staff_manage_mentor_profiles_through_the_service(client, staff):
    person = ParticipantFactory()
    client.force_login(staff)
    response = client.post(
        reverse("mentor_profiles:add"),
        {
            "user": person.pk,
            "capacity": 3,
            "languages": "en, ES",
            "availability": "Mornings",
            "training_completed": "on",
            "status": "active",
        },
    )
    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=person)
    assert profile.languages == ["en", "es"]
    assert person.groups.filter(name=Role.MENTOR.value).exists()

    MentorshipPairingFactory(mentor=person)
    MentorshipPairingFactory(mentor=person)
    response = client.post(
        reverse("mentor_profiles:edit", args=[profile.pk]),
        {"capacity": 1, "languages": "en", "status": "active", "training_completed": "on"},
    )
    assert response.status_code == 200
    assert "before lowering the capacity" in response.content.decode()
    profile.refresh_from_db()
    assert profile.capacity == 3


def test_participant_asks_a_suggested_mentor_and_the_request_waits_for_the_mentor(client):
    from pathways.mentoring.models import MentorshipPairing, PairingStatus
    from tests.factories.accounts import ParticipantFactory
    from tests.factories.mentoring import MentorProfileFactory

    profile = MentorProfileFactory(user__peer_alias="Harbour")
    mentee = ParticipantFactory()
    client.force_login(mentee)
    page = client.get(reverse("mentoring:my_mentor")).content.decode()
    assert "Ask <bdi>Harbour</bdi> to be my mentor" in page
    client.post(reverse("mentoring:request", args=[profile.user.pk]), {"peer_alias": "Wren"})
    pairing = MentorshipPairing.objects.get()
    assert (pairing.mentor, pairing.mentee, pairing.status) == (
        profile.user,
        mentee,
        PairingStatus.REQUESTED,
    )


def test_asking_someone_who_is_not_an_available_mentor_is_404(client):
    from pathways.mentoring.models import MentorProfileStatus, MentorshipPairing
    from tests.factories.accounts import ParticipantFactory
    from tests.factories.mentoring import MentorProfileFactory

    paused = MentorProfileFactory(status=MentorProfileStatus.PAUSED)
    stranger = ParticipantFactory()
    client.force_login(ParticipantFactory())
    for user in (paused.user, stranger):
        response = client.post(reverse("mentoring:request", args=[user.pk]))
        assert response.status_code == 404
    assert not MentorshipPairing.objects.exists()


def test_a_mentor_without_a_profile_is_named_by_her_username_everywhere(client, staff):
    from django.contrib.auth import get_user_model

    from pathways.lms.accounts.models import Profile
    from pathways.mentoring.models import MentorshipPairing
    from tests.factories.mentoring import MentorProfileFactory

    host_mentor = get_user_model().objects.create_user(username="Harbour", password="unused-1")
    MentorProfileFactory(user=host_mentor)
    mentee = ParticipantFactory(chosen_name="Maya")
    profile_update(mentee, peer_alias="Sunflower")
    client.force_login(mentee)
    page = client.get(reverse("mentoring:my_mentor")).content.decode()
    assert "Ask <bdi>Harbour</bdi> to be my mentor" in page
    client.post(reverse("mentoring:request", args=[host_mentor.pk]))
    page = client.get(reverse("mentoring:my_mentor")).content.decode()
    assert "You asked <bdi>Harbour</bdi> to be your mentor" in page

    client.force_login(host_mentor)
    dashboard = client.get(reverse("mentoring:mentor_dashboard")).content.decode()
    assert "Accept <bdi>Sunflower</bdi>" in dashboard
    assert "Maya" not in dashboard

    client.force_login(staff)
    listing = client.get(reverse("mentorship_pairings:index")).content.decode()
    assert "Harbour (Harbour)" in listing
    assert f"Maya ({mentee.username})" in listing
    pairing = MentorshipPairing.objects.get()
    inspect = client.get(reverse("mentorship_pairings:inspect", args=[pairing.pk]))
    assert "Harbour (Harbour)" in inspect.content.decode()
    assert not Profile.objects.filter(user=host_mentor).exists()
