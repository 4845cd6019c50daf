"""A mentor's day: she lands on her mentees, sees each one's next check-in and new requests, and
knows each mentee only by the alias the mentee chose (asked for when a mentor is first asked or
accepted), on every page and in neutral words."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

import pytest

from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.profiles import profile_update
from pathways.mentoring import services
from pathways.mentoring.models import MentorshipPairing, PairingStatus
from tests.factories.accounts import TEST_PASSWORD, MentorFactory, ParticipantFactory
from tests.factories.mentoring import (
    MentorProfileFactory,
    MentorshipCheckInFactory,
    MentorshipPairingFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def mentor_with_profile(mentor):
    MentorProfileFactory(user=mentor, capacity=5)
    profile_update(mentor, peer_alias="Oak")
    return mentor


def _dashboard(client, mentor) -> str:
    client.force_login(mentor)
    return client.get(reverse("mentoring:mentor_dashboard")).content.decode()


def test_a_mentor_lands_on_her_mentees_after_signing_in(client):
    MentorFactory(username="amara")
    response = client.post(
        reverse("accounts:login"), {"username": "amara", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:mentor_dashboard")


def test_each_mentee_shows_with_the_next_check_in_date(client, mentor_with_profile):
    started = timezone.now() - 20 * DAY
    checked_in = MentorshipPairingFactory(
        mentor=mentor_with_profile,
        mentee=ParticipantFactory(chosen_name="Maya", peer_alias="Sunrise"),
        started_at=started,
        checkin_every_days=14,
    )
    MentorshipCheckInFactory(pairing=checked_in, date=timezone.localdate() - 3 * DAY)
    MentorshipPairingFactory(
        mentor=mentor_with_profile,
        mentee=ParticipantFactory(chosen_name="Rosa", peer_alias="Willow"),
        started_at=started,
        checkin_every_days=14,
    )
    html = _dashboard(client, mentor_with_profile)
    sunrise = html.split("<bdi>Sunrise</bdi>")[1].split("</li>")[0]
    due = timezone.localdate() - 3 * DAY + 14 * DAY
    assert f"Due by {date_format(due, 'DATE_FORMAT')}" in sunrise
    # No check-in for 20 days: overdue, listed first.
    assert html.index("Willow") < html.index("Sunrise")
    willow = html.split("<bdi>Willow</bdi>")[1].split("</li>")[0]
    assert "A check-in is overdue." in willow
    assert "Maya" not in html
    assert "Rosa" not in html


def test_new_requests_show_first_on_the_dashboard(client, mentor_with_profile):
    MentorshipPairingFactory(mentor=mentor_with_profile)
    services.pairing_request(
        mentor=mentor_with_profile,
        mentee=ParticipantFactory(chosen_name="Quillanne"),
        peer_alias="Heron",
    )
    html = _dashboard(client, mentor_with_profile)
    assert "New request: 1 person asking for you as a mentor" in html
    assert html.index("New request") < html.index("mentee-card")
    assert "Accept <bdi>Heron</bdi>" in html
    # A distinctive name: a generated one elsewhere on the page could contain a short one.
    assert "Quillanne" not in html.split("<main")[1]


def test_a_mentor_sees_only_her_own_mentees(client, mentor_with_profile):
    MentorshipPairingFactory(
        mentor=mentor_with_profile, mentee=ParticipantFactory(peer_alias="Mine")
    )
    other = MentorshipPairingFactory(mentee=ParticipantFactory(peer_alias="Theirs"))
    services.pairing_request(
        mentor=other.mentor, mentee=ParticipantFactory(peer_alias="TheirRequest")
    )
    html = _dashboard(client, mentor_with_profile)
    assert "Mine" in html
    assert "Theirs" not in html
    assert "TheirRequest" not in html
    client.force_login(mentor_with_profile)
    response = client.get(reverse("mentoring:pairing", args=[other.pk]))
    assert response.status_code == 404


def test_mentor_pages_name_the_mentee_by_alias_and_use_neutral_words(client, mentor_with_profile):
    mentee = ParticipantFactory(chosen_name="Maya", legal_name="Maria Lopez", peer_alias="Sunrise")
    pairing = MentorshipPairingFactory(mentor=mentor_with_profile, mentee=mentee)
    MentorshipCheckInFactory(pairing=pairing, recorded_by=mentee, notes="Talked it through.")
    client.force_login(mentor_with_profile)
    for url in (
        reverse("mentoring:mentor_dashboard"),
        reverse("mentoring:pairing", args=[pairing.pk]),
    ):
        main = client.get(url).content.decode().split("<main")[1]
        assert "Sunrise" in main
        assert "Maya" not in main
        assert "Maria" not in main
        for word in (" her ", " she ", " hers "):
            assert word not in main.lower(), (url, word)
    page = client.get(reverse("mentoring:pairing", args=[pairing.pk])).content.decode()
    assert "logged by <bdi>Sunrise</bdi>" in page


# Choosing an alias ---------------------------------------------------------------------------


def test_asking_a_mentor_without_an_alias_asks_for_one_first(client, mentor_with_profile):
    mentee = ParticipantFactory(chosen_name="Maya")
    client.force_login(mentee)
    url = reverse("mentoring:request", args=[mentor_with_profile.pk])
    page = client.post(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "The name your mentor will see" in html
    assert "Before you ask <bdi>Oak</bdi>" in html
    assert not MentorshipPairing.objects.exists()

    response = client.post(url, {"peer_alias": "Sunrise"})
    assert response.status_code == 302
    assert Profile.objects.get(user=mentee).peer_alias == "Sunrise"
    pairing = MentorshipPairing.objects.get()
    assert pairing.status == PairingStatus.REQUESTED
    assert "Accept <bdi>Sunrise</bdi>" in _dashboard(client, mentor_with_profile)


def test_an_empty_or_hidden_character_alias_is_refused_with_the_error_summary(
    client, mentor_with_profile
):
    mentee = ParticipantFactory()
    client.force_login(mentee)
    url = reverse("mentoring:request", args=[mentor_with_profile.pk])
    for value in ("  ", "Sun\u202erise"):
        response = client.post(url, {"peer_alias": value})
        html = response.content.decode()
        assert response.status_code == 400, value
        assert 'id="error-summary"' in html
        assert 'href="#alias-mentor-' in html
    assert not MentorshipPairing.objects.exists()
    assert Profile.objects.get(user=mentee).peer_alias == ""


def test_someone_with_an_alias_asks_in_one_step(client, mentor_with_profile):
    mentee = ParticipantFactory(peer_alias="Sunrise")
    client.force_login(mentee)
    response = client.post(reverse("mentoring:request", args=[mentor_with_profile.pk]))
    assert response.status_code == 302
    assert MentorshipPairing.objects.get().status == PairingStatus.REQUESTED


def test_accepting_a_proposal_without_an_alias_asks_for_one(client, mentor_with_profile, staff):
    mentee = ParticipantFactory(chosen_name="Maya")
    pairing = services.pairing_propose(mentor=mentor_with_profile, mentee=mentee, actor=staff)
    client.force_login(mentee)
    url = reverse("mentoring:accept", args=[pairing.pk])
    html = client.post(url).content.decode()
    assert "Before you start working with <bdi>Oak</bdi>" in html
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.PROPOSED
    client.post(url, {"peer_alias": "Sunrise"})
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE
    assert Profile.objects.get(user=mentee).peer_alias == "Sunrise"


def test_a_host_user_without_a_profile_chooses_an_alias_too(client, mentor_with_profile):
    mentee = get_user_model().objects.create_user(username="host-person", password="unused-1")
    from tests.factories.accounts import role_group

    mentee.groups.add(role_group(role="Participants"))
    client.force_login(mentee)
    url = reverse("mentoring:request", args=[mentor_with_profile.pk])
    assert "The name your mentor will see" in client.post(url).content.decode()
    client.post(url, {"peer_alias": "Kestrel"})
    assert Profile.objects.get(user=mentee).peer_alias == "Kestrel"


def test_the_mentor_accepting_a_request_sets_no_alias(mentor_with_profile):
    mentee = ParticipantFactory(peer_alias="Sunrise")
    pairing = services.pairing_request(mentor=mentor_with_profile, mentee=mentee)
    services.pairing_accept(pairing=pairing, actor=mentor_with_profile, peer_alias="Changed")
    assert Profile.objects.get(user=mentee).peer_alias == "Sunrise"


# The participant's side ------------------------------------------------------------------------


def test_the_mentee_sees_her_next_check_in_on_her_dashboard(client, mentor_with_profile):
    mentee = ParticipantFactory(peer_alias="Sunrise")
    pairing = MentorshipPairingFactory(
        mentor=mentor_with_profile, mentee=mentee, started_at=timezone.now() - 2 * DAY
    )
    client.force_login(mentee)
    html = client.get(reverse("courses:dashboard")).content.decode()
    due = timezone.localdate(pairing.started_at) + 14 * DAY
    assert "Your next check-in with your mentor" in html
    assert "With <bdi>Oak</bdi>" in html
    assert f"Due by {date_format(due, 'DATE_FORMAT')}" in html
