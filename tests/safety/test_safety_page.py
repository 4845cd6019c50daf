"""The "Staying safe online" page: public, plain, and read once by each participant first."""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.roles import Role
from tests.factories.accounts import (
    EmployerUserFactory,
    FacilitatorFactory,
    MentorFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOTICE = "/safety/"


@pytest.fixture
def newcomer(db):
    """A participant who has not read the safety page yet."""
    return ParticipantFactory(chosen_name="Maya", safety_notice_seen_at=None)


def test_the_page_is_public_and_explains_what_the_exit_does_not_do(client):
    response = client.get(reverse("safety:notice"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Staying safe online" in html
    assert "It does not delete your browser history" in html
    assert "private window" in html
    assert "clear your browser history" in html
    assert "Use a device you trust" in html
    assert "press the Shift key 3 times" in html
    assert "Continue</button>" not in html


def test_the_page_says_how_long_before_an_idle_sign_out(client, settings):
    settings.PATHWAYS_SESSION_IDLE_MINUTES = 20
    html = client.get(reverse("safety:notice")).content.decode()
    assert "we sign you out after 20 minutes without activity" in html


def test_a_new_participant_is_shown_the_page_before_anything_else(client, newcomer):
    client.force_login(newcomer)
    response = client.get("/learn/?tab=1")
    assert response.status_code == 302
    assert response["Location"] == f"{NOTICE}?next=%2Flearn%2F%3Ftab%3D1"


def test_she_reads_it_presses_continue_and_arrives_where_she_was_going(client, newcomer):
    client.force_login(newcomer)
    page = client.get(f"{NOTICE}?next=/learn/")
    html = page.content.decode()
    assert "You will only see it once" in html
    assert 'name="next" value="/learn/"' in html
    assert "Continue</button>" in html

    response = client.post(reverse("safety:notice"), {"next": "/learn/"})

    assert response.status_code == 302
    assert response["Location"] == "/learn/"
    assert Profile.objects.get(user=newcomer).safety_notice_seen_at is not None
    assert client.get("/learn/").status_code == 200


def test_she_sees_it_only_once(client, newcomer):
    client.force_login(newcomer)
    client.post(reverse("safety:notice"), {"next": "/learn/"})
    first_read = Profile.objects.get(user=newcomer).safety_notice_seen_at
    for url in ("/learn/", "/learn/courses/", "/certificates/"):
        assert client.get(url).status_code == 200
    html = client.get(reverse("safety:notice")).content.decode()
    assert "Continue</button>" not in html
    client.post(reverse("safety:notice"), {"next": "/learn/"})
    assert Profile.objects.get(user=newcomer).safety_notice_seen_at == first_read


@pytest.mark.parametrize(
    "target", ["https://elsewhere.example/", "//elsewhere.example/learn/", "javascript:alert(1)"]
)
def test_continue_never_leaves_the_site(client, newcomer, target):
    client.force_login(newcomer)
    page = client.get(NOTICE, {"next": target}).content.decode()
    assert 'name="next" value=""' in page
    response = client.post(reverse("safety:notice"), {"next": target})
    assert response["Location"] == reverse("courses:dashboard")


def test_continue_without_being_signed_in_goes_to_sign_in(client):
    response = client.post(reverse("safety:notice"), {"next": "/learn/"})
    assert response["Location"] == reverse("accounts:login")


@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("get", "/api/v1/me/", {}),
        ("get", "/learn/", {"HTTP_ACCEPT": "application/json"}),
        ("get", "/safety/session/", {}),
        ("post", "/accounts/sign-out/", {}),
        ("get", "/static/pathways/site.css", {}),
        ("get", "/media/certificates/x.pdf", {}),
    ],
)
def test_api_calls_files_and_signing_out_are_not_held_back(client, newcomer, method, path, extra):
    client.force_login(newcomer)
    response = getattr(client, method)(path, **extra)
    assert not response.get("Location", "").startswith(NOTICE)


def test_the_exit_still_works_before_she_has_read_it(client, newcomer, settings):
    settings.PATHWAYS_EXIT_URL = "https://neutral.example/"
    client.force_login(newcomer)
    response = client.get(reverse("safety:exit"))
    assert response["Location"] == "https://neutral.example/"


def test_forms_are_not_redirected(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("courses:dashboard"))
    assert not response.get("Location", "").startswith(NOTICE)


@pytest.mark.parametrize(
    "factory", [MentorFactory, FacilitatorFactory, StaffFactory, EmployerUserFactory]
)
def test_only_participants_are_held_back(client, factory):
    person = factory(safety_notice_seen_at=None)
    client.force_login(person)
    response = client.get("/learn/")
    assert not response.get("Location", "").startswith(NOTICE)


def test_a_mentor_who_is_also_a_participant_reads_it_too(client):
    person = UserFactory(roles=[Role.MENTOR, Role.PARTICIPANT], safety_notice_seen_at=None)
    client.force_login(person)
    response = client.get(reverse("mentoring:mentor_dashboard"))
    assert response["Location"].startswith(NOTICE)


def test_participants_made_by_the_factories_have_read_it(participant):
    seen_at = Profile.objects.get(user=participant).safety_notice_seen_at
    assert seen_at is not None
    assert timezone.now() - seen_at < dt.timedelta(minutes=1)


def test_the_demo_shows_it_to_rosa_only(client):
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    unread = get_user_model().objects.filter(pathways_profile__safety_notice_seen_at=None)
    assert list(unread.values_list("username", flat=True)) == ["rosa"]


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("view", ["certificates:pdf", "certificates:credential"])
def test_her_certificate_files_download_before_she_has_read_it(client, newcomer, view):
    """Files are never held back; the page follows on her next page view."""
    from django.core.files.base import ContentFile

    from tests.factories.certificates import CertificateFactory

    certificate = CertificateFactory(user=newcomer, credential={"type": ["VerifiableCredential"]})
    certificate.pdf.save("certificate.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    client.force_login(newcomer)

    response = client.get(reverse(view, args=[certificate.pk]), HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")

    page = client.get(reverse("certificates:mine"), HTTP_ACCEPT=BROWSER_ACCEPT)
    assert page.status_code == 302
    assert page["Location"].startswith(NOTICE)
