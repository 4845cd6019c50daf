"""The participant's dashboard says what comes next: her next session, sign-offs, her mentor's
next check-in, certificates ready and sharing that ends soon, each from the app that knows it
(``courses.dashboard.DASHBOARD_PANELS_HOOK``), at a fixed number of queries."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

import pytest

from pathways.courses import services
from pathways.courses.dashboard import DASHBOARD_PANELS_HOOK, dashboard_panels
from pathways.courses.selectors import course_lessons
from pathways.lms.accounts.profiles import profile_update
from tests.factories.accounts import FacilitatorFactory, ParticipantFactory
from tests.factories.certificates import CertificateFactory, CredentialReleaseFactory
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory, CohortSessionFactory
from tests.factories.courses import build_course
from tests.factories.mentoring import MentorshipCheckInFactory, MentorshipPairingFactory

pytestmark = pytest.mark.django_db


def _dashboard(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("courses:dashboard")).content.decode()


def _give_her_everything(user, *, facilitator, label: str = ""):
    """One of each thing that comes next, for ``user``."""
    course = build_course(title=f"Practical course {label}", modules=1, with_activity=True)
    cohort = CohortFactory(name=f"Tuesday group {label}", facilitators=[facilitator])
    CohortMembershipFactory(cohort=cohort, user=user)
    CohortSessionFactory(
        cohort=cohort,
        title=f"Mock interviews {label}",
        starts_at=timezone.now() + timedelta(days=2),
        place="Room 4, Eastside Library",
    )
    enrolment = services.enrolment_start(user=user, course=course)
    lesson = course_lessons(course).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    signoff = services.activity_request_signoff(
        enrolment=enrolment, lesson=lesson, block_id=block_id
    )
    services.activity_return(
        enrolment=enrolment,
        lesson=lesson,
        block_id=block_id,
        returned_by=facilitator,
        note=f"Add the greeting {label}",
    )
    pairing = MentorshipPairingFactory(
        mentee=user, started_at=timezone.now() - timedelta(days=20), checkin_every_days=14
    )
    MentorshipCheckInFactory(pairing=pairing, date=timezone.localdate() - timedelta(days=4))
    CertificateFactory(user=user, printed_achievement=f"Customer Service {label}")
    CredentialReleaseFactory(
        participant=user,
        employer__name=f"Harbour Hotels {label}",
        expires_at=timezone.now() + timedelta(days=10),
    )
    return signoff, pairing


def test_nothing_comes_next_for_someone_new(client, participant):
    html = _dashboard(client, participant)
    assert "What comes next" not in html


def test_dashboard_shows_what_comes_next(client, participant, facilitator):
    _signoff, pairing = _give_her_everything(participant, facilitator=facilitator)
    profile_update(pairing.mentor, peer_alias="Oak")
    html = _dashboard(client, participant)
    next_up = html.split("What comes next")[1].split('id="in-progress-heading"')[0]
    # Her next session: when and where.
    assert "Your next session" in next_up
    assert "Mock interviews" in next_up
    assert "Room 4, Eastside Library" in next_up
    # A sign-off returned with the facilitator's note.
    assert "Not yet: your facilitator returned it with a note" in next_up
    assert "Add the greeting" in next_up
    # Her mentor's next check-in, by the mentor's alias: 14 days after the last one.
    due = timezone.localdate() - timedelta(days=4) + timedelta(days=14)
    assert "<bdi>Oak</bdi>" in next_up
    assert f"Due by {date_format(due, 'DATE_FORMAT')}" in next_up
    # A certificate ready, and sharing ending within two weeks.
    assert "Certificates ready for you" in next_up
    assert "Customer Service" in next_up
    assert "Sharing that ends soon" in next_up
    assert "Harbour Hotels" in next_up
    # In order: session, sign-offs, check-in, certificates, sharing.
    order = [
        next_up.index(text)
        for text in (
            "Your next session",
            "Practical activities not signed off yet",
            "Your next check-in with your mentor",
            "Certificates ready for you",
            "Sharing that ends soon",
        )
    ]
    assert order == sorted(order)


def test_only_what_is_due_soon_shows(client, participant, employer_org):
    cohort = CohortFactory()
    CohortMembershipFactory(cohort=cohort, user=participant)
    CohortSessionFactory(cohort=cohort, title="Long ago", starts_at=timezone.now() - timedelta(1))
    CredentialReleaseFactory(
        participant=participant,
        employer=employer_org,
        expires_at=timezone.now() + timedelta(days=30),
    )
    CertificateFactory(user=participant, issued_at=timezone.now() - timedelta(days=90))
    html = _dashboard(client, participant)
    assert "What comes next" not in html


def test_a_session_going_on_now_is_her_next_one_and_its_place_defaults_to_the_mode(
    client, participant
):
    cohort = CohortFactory(mode="online")
    CohortMembershipFactory(cohort=cohort, user=participant)
    CohortSessionFactory(
        cohort=cohort,
        title="Going on now",
        starts_at=timezone.now() - timedelta(minutes=30),
        duration_minutes=120,
    )
    CohortSessionFactory(cohort=cohort, title="Next week", starts_at=timezone.now() + timedelta(7))
    html = _dashboard(client, participant)
    assert "Going on now" in html
    assert "Next week" not in html
    assert "Online" in html.split("Your next session")[1]


def test_nobody_elses_things_show(client, participant, facilitator):
    _give_her_everything(ParticipantFactory(), facilitator=facilitator, label="hers")
    html = _dashboard(client, participant)
    assert "What comes next" not in html
    assert "hers" not in html


def test_waitlisted_members_see_no_session(client, participant):
    cohort = CohortFactory()
    CohortMembershipFactory(cohort=cohort, user=participant, status="waitlisted")
    CohortSessionFactory(cohort=cohort, starts_at=timezone.now() + timedelta(days=1))
    assert "Your next session" not in _dashboard(client, participant)


def test_each_app_adds_its_panel_through_the_hook(rf, participant, facilitator):
    from wagtail import hooks

    names = {hook.__name__ for hook in hooks.get_hooks(DASHBOARD_PANELS_HOOK)}
    assert {
        "open_signoffs_panel",
        "next_session_panel",
        "next_checkin_panel",
        "certificates_ready_panel",
        "sharing_ending_soon_panel",
    } <= names
    _give_her_everything(participant, facilitator=facilitator)
    panels = dashboard_panels(rf.get("/"), participant)
    assert [panel.order for panel in panels] == [10, 20, 30, 40, 50]


def test_dashboard_uses_a_fixed_number_of_queries(
    client, participant, django_assert_max_num_queries
):
    facilitator = FacilitatorFactory()
    _give_her_everything(participant, facilitator=facilitator, label="1")
    client.force_login(participant)
    url = reverse("courses:dashboard")
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200
    for label in ("2", "3", "4"):
        _give_her_everything(participant, facilitator=facilitator, label=label)
    with django_assert_max_num_queries(25) as many:
        response = client.get(url)
    html = response.content.decode()
    assert html.count("Add the greeting") == 4
    assert html.count("can see your certificates until") == 4
    assert len(many.captured_queries) == len(few.captured_queries)
