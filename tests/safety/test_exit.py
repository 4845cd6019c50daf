"""'Exit this page': on participants' and mentors' pages (and the way in), first to focus, and it
ends the session on the server. Not on employer pages or the public verify page, where it would
hint at the certificate holder's history."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path

from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

import pytest

from pathways.lms.core.responses import CLEAR_SITE_DATA

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NEUTRAL = "https://neutral.example/weather"
EXIT_URL = "/safety/exit/"


@pytest.fixture(autouse=True)
def neutral_site(settings):
    settings.PATHWAYS_EXIT_URL = NEUTRAL


def session_exists(key: str) -> bool:
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(key)


# The exit itself ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_exit_ends_the_session_on_the_server_and_goes_to_the_neutral_site(
    client, participant, method
):
    client.force_login(participant)
    key = client.session.session_key
    assert session_exists(key)

    response = getattr(client, method)(reverse("safety:exit"))

    assert response.status_code == 302
    assert response["Location"] == NEUTRAL
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not session_exists(key)
    # The old cookie, sent again, no longer opens anything.
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = key
    dashboard = replay.get(reverse("courses:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("method", ["get", "post"])
def test_exit_works_for_someone_not_signed_in(client, method):
    response = getattr(client, method)(reverse("safety:exit"))
    assert response.status_code == 302
    assert response["Location"] == NEUTRAL
    assert response["Clear-Site-Data"] == CLEAR_SITE_DATA


def test_exit_needs_no_form_token_so_a_stale_page_can_still_leave(participant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant)
    response = client.post(reverse("safety:exit"))
    assert response.status_code == 302
    assert response["Location"] == NEUTRAL


def test_exit_tells_the_neutral_site_nothing_and_is_never_cached(client, participant):
    client.force_login(participant)
    response = client.get(reverse("safety:exit"))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_exit_goes_wherever_the_setting_says(client, settings):
    settings.PATHWAYS_EXIT_URL = "https://www.example.org/recipes/"
    assert client.get(EXIT_URL)["Location"] == "https://www.example.org/recipes/"


def test_exit_refuses_other_methods(client):
    assert client.put(EXIT_URL).status_code == 405


def test_sign_out_ends_the_session_and_clears_site_data(client, participant):
    client.force_login(participant)
    key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == CLEAR_SITE_DATA
    assert not session_exists(key)


# The exit URL setting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "/weather/", "www.bbc.co.uk", "ftp://example.org/", ""]
)
def test_an_exit_url_that_is_not_a_full_http_address_fails_the_checks(settings, value):
    settings.PATHWAYS_EXIT_URL = value
    assert "pathways_safety.E001" in {error.id for error in run_checks()}


def test_a_full_http_exit_url_passes_the_checks(settings):
    settings.PATHWAYS_EXIT_URL = "http://localhost:8000/safety/"
    assert "pathways_safety.E001" not in {error.id for error in run_checks()}


def test_settings_refuse_an_exit_url_from_the_environment_that_is_not_http():
    env = {**os.environ, "PATHWAYS_EXIT_URL": "javascript:alert(1)"}
    env["DJANGO_SETTINGS_MODULE"] = "demo_site.settings.test"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PATHWAYS_EXIT_URL" in result.stderr


# The markup on every page ---------------------------------------------------------------------


class FocusOrder(HTMLParser):
    """The focusable elements of a page's body, in order, and every script tag."""

    def __init__(self):
        super().__init__()
        self.in_body = False
        self.focusable: list[dict] = []
        self.scripts: list[dict] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "body":
            self.in_body = True
        if tag == "script":
            self.scripts.append(attributes)
        tabindex = attributes.get("tabindex")
        if not self.in_body or "hidden" in attributes or (tabindex or "").startswith("-"):
            return
        if (
            (tag == "a" and "href" in attributes)
            or tag in {"button", "select", "textarea"}
            or (tag == "input" and attributes.get("type") != "hidden")
            or tabindex is not None
        ):
            self.focusable.append({"tag": tag, **attributes})


def parse(html: str) -> FocusOrder:
    parser = FocusOrder()
    parser.feed(html)
    return parser


def role_pages():
    return {
        "participant": ("participant", "courses:dashboard"),
        "participant-certificates": ("participant", "certificates:mine"),
        "participant-settings": ("participant", "accounts:settings"),
        "mentor": ("mentor", "mentoring:mentor_dashboard"),
        "facilitator": ("facilitator", "cohorts:list"),
        "sign-in": (None, "accounts:login"),
        "safety-page": (None, "safety:notice"),
    }


def pages_without_safety_controls():
    """Pages where the exit control and the safety link would hint at someone's history."""
    return {
        "employer-portal": ("employer", "employer:credentials"),
        "employer-releases": ("employer", "employer:releases"),
        "employer-settings": ("employer", "accounts:settings"),
        "verify-index": (None, "verify:index"),
        "verify-index-signed-in-participant": ("participant", "verify:index"),
    }


@pytest.fixture
def people(participant, mentor, facilitator, employer_user, employer_org):
    return {
        "participant": participant,
        "mentor": mentor,
        "facilitator": facilitator,
        "employer": employer_user,
    }


@pytest.mark.parametrize("page", list(role_pages()))
def test_every_page_starts_with_the_exit_link_and_shows_the_exit_button(client, people, page):
    who, url_name = role_pages()[page]
    if who:
        client.force_login(people[who])
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    parsed = parse(response.content.decode())

    first = parsed.focusable[0]
    assert first["tag"] == "a"
    assert first["href"] == EXIT_URL
    assert "js-exit-this-page" in first["class"]

    buttons = [
        attrs
        for tag, attrs in parsed.tags
        if tag == "a" and "exit-this-page-button" in attrs.get("class", "")
    ]
    assert len(buttons) == 1
    assert buttons[0]["href"] == EXIT_URL
    assert buttons[0]["role"] == "button"
    html = response.content.decode()
    assert "Exit this page</a>" in html

    # The shortcut's messages are on the page, translated, for the script to announce.
    (bar,) = [attrs for tag, attrs in parsed.tags if "data-exit-this-page" in attrs]
    assert bar["data-press-two-more"] == "Shift, press 2 more times to exit."
    assert bar["data-press-one-more"] == "Shift, press 1 more time to exit."
    assert bar["data-activated"].startswith("Exit this page activated")
    (status,) = [attrs for tag, attrs in parsed.tags if attrs.get("id") == "exit-this-page-status"]
    assert status["role"] == "status"

    # Scripts are files, deferred: nothing inline for the content security policy to allow.
    assert parsed.scripts
    for script in parsed.scripts:
        assert script.get("src", "").startswith("/static/pathways/")
        assert "defer" in script
    assert "onclick" not in html and "onkeydown" not in html


@pytest.mark.parametrize("page", list(pages_without_safety_controls()))
def test_employer_and_public_verify_pages_show_no_exit_control_or_safety_link(client, people, page):
    who, url_name = pages_without_safety_controls()[page]
    if who:
        client.force_login(people[who])
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    parsed = parse(html)

    assert EXIT_URL not in html
    assert 'href="{}"'.format(reverse("safety:notice")) not in html
    assert "Staying safe online" not in html and "Exit this page" not in html
    assert not [attrs for tag, attrs in parsed.tags if "data-exit-this-page" in attrs]
    # The skip link is still the first thing to focus.
    first = parsed.focusable[0]
    assert first["tag"] == "a" and first["href"] == "#main"


def test_a_verify_page_for_a_certificate_shows_no_exit_control(client, shared_certificate):
    code = shared_certificate.certificate.verification_code
    html = client.get(reverse("verify:code", args=[code])).content.decode()
    assert "Maya" in html
    assert EXIT_URL not in html and "Staying safe online" not in html


def test_a_participant_who_also_works_for_an_employer_keeps_the_controls_off_the_portal(
    client, employer_org
):
    from pathways.lms.accounts.roles import Role
    from tests.factories.accounts import ParticipantFactory

    both = ParticipantFactory(roles=[Role.PARTICIPANT, Role.EMPLOYER])
    employer_org.users.add(both)
    client.force_login(both)
    assert EXIT_URL in client.get(reverse("courses:dashboard")).content.decode()
    portal = client.get(reverse("employer:credentials")).content.decode()
    assert EXIT_URL not in portal and "Staying safe online" not in portal


def test_a_view_can_turn_the_controls_off_and_a_restyled_base_still_asks_the_include(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    shown = render_to_string("pathways/includes/exit_this_page.html", {}, request=request)
    hidden = render_to_string(
        "pathways/includes/exit_this_page.html", {"show_safety_controls": False}, request=request
    )
    assert "data-exit-this-page" in shown and EXIT_URL in shown
    assert "data-exit-this-page" not in hidden and EXIT_URL not in hidden
    assert 'href="#main"' in hidden
