"""Sessions end after 30 idle minutes or 12 hours, with a warning and one-click extension."""

import datetime as dt
from html.parser import HTMLParser
from importlib import import_module

from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

import pytest
import time_machine

from pathways.lms.safety import sessions
from tests.factories.accounts import TEST_PASSWORD, ParticipantFactory

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=12)
SIGNED_OUT_MESSAGE = "You were signed out to keep your account safe"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dashboard():
    return reverse("courses:dashboard")


def session_exists(key: str) -> bool:
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(key)


def assert_signed_out(client, response, *, next_path: str):
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={next_path}"
    assert "no-store" in response["Cache-Control"]
    page = client.get(response["Location"])
    assert SIGNED_OUT_MESSAGE in page.content.decode()
    assert not page.wsgi_request.user.is_authenticated


# Idle limit -----------------------------------------------------------------------------------


def test_a_session_is_still_open_one_second_before_the_idle_limit(client, participant, clock):
    client.force_login(participant)
    clock.shift(IDLE - SECOND)
    assert client.get(reverse("courses:dashboard")).status_code == 200


def test_a_session_ends_at_the_idle_limit(client, participant, clock, dashboard):
    client.force_login(participant)
    key = client.session.session_key
    clock.shift(IDLE)
    response = client.get(dashboard)
    assert_signed_out(client, response, next_path=dashboard)
    assert not session_exists(key)


def test_each_page_view_restarts_the_idle_clock(client, participant, clock, dashboard):
    client.force_login(participant)
    for _ in range(3):
        clock.shift(IDLE - SECOND)
        assert client.get(dashboard).status_code == 200
    clock.shift(IDLE)
    assert_signed_out(client, client.get(dashboard), next_path=dashboard)


def test_a_form_sent_after_the_limit_signs_out_without_coming_back_to_it(
    client, participant, clock
):
    client.force_login(participant)
    clock.shift(IDLE)
    response = client.post(reverse("safety:notice"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_an_api_call_after_the_limit_gets_401_not_a_redirect(client, participant, clock):
    client.force_login(participant)
    clock.shift(IDLE)
    response = client.get(reverse("api:me"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"
    assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("api:me")).status_code in (401, 403)


def test_a_script_asking_for_json_gets_401(client, participant, clock, dashboard):
    client.force_login(participant)
    clock.shift(IDLE)
    response = client.get(dashboard, HTTP_ACCEPT="application/json")
    assert response.status_code == 401


# Absolute limit -------------------------------------------------------------------------------


def test_a_session_kept_busy_all_day_ends_twelve_hours_after_sign_in(
    client, participant, clock, dashboard
):
    client.force_login(participant)
    step = dt.timedelta(minutes=25)
    elapsed = dt.timedelta()
    while elapsed + step < ABSOLUTE:
        clock.shift(step)
        elapsed += step
        assert client.get(dashboard).status_code == 200
    clock.shift(ABSOLUTE - SECOND - elapsed)
    assert client.get(dashboard).status_code == 200
    clock.shift(SECOND)
    assert_signed_out(client, client.get(dashboard), next_path=dashboard)


def test_signing_in_again_starts_the_clocks_again(client, participant, clock, dashboard):
    client.force_login(participant)
    clock.shift(ABSOLUTE)
    assert client.get(dashboard).status_code == 302
    response = client.post(
        reverse("accounts:login"), {"username": participant.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[sessions.SIGNED_IN_AT] == int((START + ABSOLUTE).timestamp())
    clock.shift(IDLE - SECOND)
    assert client.get(dashboard).status_code == 200


# Settings change the numbers ------------------------------------------------------------------


def test_the_idle_limit_follows_the_setting(client, participant, clock, settings, dashboard):
    settings.PATHWAYS_SESSION_IDLE_MINUTES = 5
    client.force_login(participant)
    clock.shift(dt.timedelta(minutes=5) - SECOND)
    assert client.get(dashboard).status_code == 200
    clock.shift(dt.timedelta(minutes=5))
    assert_signed_out(client, client.get(dashboard), next_path=dashboard)


def test_the_absolute_limit_follows_the_setting(client, participant, clock, settings, dashboard):
    settings.PATHWAYS_SESSION_ABSOLUTE_HOURS = 1
    client.force_login(participant)
    for _ in range(2):
        clock.shift(dt.timedelta(minutes=29, seconds=59))
        assert client.get(dashboard).status_code == 200
    clock.shift(dt.timedelta(seconds=2))
    assert_signed_out(client, client.get(dashboard), next_path=dashboard)


# The warning on the page ----------------------------------------------------------------------


class DialogData(HTMLParser):
    def __init__(self):
        super().__init__()
        self.dialog: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "dialog":
            self.dialog = dict(attrs)


def session_dialog(response) -> dict | None:
    parser = DialogData()
    parser.feed(response.content.decode())
    return parser.dialog


def test_signed_in_pages_carry_the_warning_and_its_times(client, participant, clock, dashboard):
    client.force_login(participant)
    clock.shift(dt.timedelta(minutes=10))
    response = client.get(dashboard)
    dialog = session_dialog(response)
    assert dialog["id"] == "session-warning"
    # The page view itself was activity: a full idle period is left.
    assert dialog["data-expires-in"] == str(30 * 60)
    assert dialog["data-absolute-in"] == str(12 * 3600 - 10 * 60)
    assert dialog["data-warning-seconds"] == "60"
    assert dialog["data-status-url"] == reverse("safety:session_status")
    html = response.content.decode()
    assert "Stay signed in" in html
    assert f'action="{reverse("safety:session_extend")}"' in html
    assert "/static/pathways/session.js" in html


def test_the_warning_times_follow_the_settings(client, participant, settings, clock, dashboard):
    settings.PATHWAYS_SESSION_IDLE_MINUTES = 15
    settings.PATHWAYS_SESSION_WARNING_SECONDS = 120
    client.force_login(participant)
    dialog = session_dialog(client.get(dashboard))
    assert dialog["data-expires-in"] == str(15 * 60)
    assert dialog["data-warning-seconds"] == "120"
    assert "sign you out in about 2 minutes" in client.get(dashboard).content.decode()


def test_pages_for_people_not_signed_in_have_no_warning(client):
    response = client.get(reverse("accounts:login"))
    assert session_dialog(response) is None
    assert "session.js" not in response.content.decode()


# Stay signed in -------------------------------------------------------------------------------


def test_stay_signed_in_restarts_the_idle_clock_and_answers_the_new_deadline(
    client, participant, clock, dashboard
):
    client.force_login(participant)
    clock.shift(IDLE - dt.timedelta(seconds=30))
    response = client.post(reverse("safety:session_extend"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    data = response.json()
    now = START + IDLE - dt.timedelta(seconds=30)
    assert data["idle_expires_in"] == 30 * 60
    assert data["expires_in"] == 30 * 60
    assert dt.datetime.fromisoformat(data["deadline"]) == now + IDLE
    assert "no-store" in response["Cache-Control"]
    clock.shift(IDLE - SECOND)
    assert client.get(dashboard).status_code == 200


def test_stay_signed_in_cannot_pass_the_absolute_limit(client, participant, clock):
    client.force_login(participant)
    for _ in range(int(ABSOLUTE / dt.timedelta(minutes=25))):
        clock.shift(dt.timedelta(minutes=25))
        client.post(reverse("safety:session_extend"))
    data = client.post(reverse("safety:session_extend")).json()
    left = ABSOLUTE - dt.timedelta(minutes=25) * int(ABSOLUTE / dt.timedelta(minutes=25))
    assert data["absolute_expires_in"] == left.total_seconds()
    assert data["expires_in"] == left.total_seconds()


def test_stay_signed_in_needs_the_form_token(participant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant)
    assert client.post(reverse("safety:session_extend")).status_code == 403


def test_stay_signed_in_with_the_page_token_works(participant, dashboard):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant)
    page = client.get(dashboard).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        reverse("safety:session_extend"),
        {"csrfmiddlewaretoken": token},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["signed_in"] is True


def test_stay_signed_in_without_javascript_returns_to_the_page(client, participant, dashboard):
    client.force_login(participant)
    response = client.post(
        reverse("safety:session_extend"),
        {"next": dashboard},
        HTTP_ACCEPT="text/html,application/xhtml+xml",
    )
    assert response.status_code == 302
    assert response["Location"] == dashboard
    response = client.post(
        reverse("safety:session_extend"),
        {"next": "https://elsewhere.example/"},
        HTTP_ACCEPT="text/html",
    )
    assert response["Location"] == reverse(django_settings.LOGIN_REDIRECT_URL)


def test_stay_signed_in_and_the_status_answer_401_to_someone_not_signed_in(client):
    assert client.post(reverse("safety:session_extend")).status_code == 401
    assert client.get(reverse("safety:session_status")).status_code == 401


def test_stay_signed_in_after_the_limit_is_too_late(client, participant, clock):
    client.force_login(participant)
    clock.shift(IDLE)
    response = client.post(reverse("safety:session_extend"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"


# Background checks are not activity -----------------------------------------------------------


def test_the_status_check_does_not_keep_the_session_alive(client, participant, clock, dashboard):
    client.force_login(participant)
    clock.shift(dt.timedelta(minutes=20))
    status = client.get(reverse("safety:session_status"))
    assert status.status_code == 200
    assert status.json()["idle_expires_in"] == 10 * 60
    clock.shift(dt.timedelta(minutes=10))
    assert_signed_out(client, client.get(dashboard), next_path=dashboard)


def test_requests_marked_as_background_do_not_keep_the_session_alive(
    client, participant, clock, dashboard
):
    client.force_login(participant)
    clock.shift(dt.timedelta(minutes=20))
    assert client.get(dashboard, HTTP_X_PATHWAYS_BACKGROUND="1").status_code == 200
    clock.shift(dt.timedelta(minutes=10))
    assert client.get(dashboard).status_code == 302


def test_the_wagtail_editor_ping_is_known_as_background():
    from pathways.lms.safety.middleware import BACKGROUND_VIEWS

    match = resolve(f"{reverse('wagtailadmin_home')}editing-sessions/ping/wagtailcore/page/3/1/")
    assert match.view_name in BACKGROUND_VIEWS


# Signing in, and what is kept -----------------------------------------------------------------


def test_signing_in_through_the_form_starts_both_clocks(client, clock):
    user = ParticipantFactory()
    client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert client.session[sessions.SIGNED_IN_AT] == int(START.timestamp())
    assert client.session[sessions.LAST_ACTIVE_AT] == int(START.timestamp())


def test_the_session_cookie_is_forgotten_when_the_browser_closes(client):
    user = ParticipantFactory()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]


# Never cached ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url_name"),
    [
        ("participant", "courses:dashboard"),
        ("participant", "certificates:mine"),
        ("participant", "safety:notice"),
        ("participant", "safety:session_status"),
        ("mentor", "mentoring:mentor_dashboard"),
        ("facilitator", "cohorts:list"),
        ("employer_user", "employer:credentials"),
        ("participant", "api:me"),
    ],
)
def test_signed_in_pages_are_never_stored(request, client, who, url_name, employer_org):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_missing_page_for_someone_signed_in_is_never_stored(client, participant):
    client.force_login(participant)
    response = client.get("/learn/no-such-page/")
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_browsing_within_a_minute_does_not_write_the_session(client, participant, dashboard):
    client.force_login(participant)
    with CaptureQueriesContext(connection) as captured:
        client.get(dashboard)
        client.get(dashboard)
    writes = [q["sql"] for q in captured if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert writes == []


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("PATHWAYS_SESSION_IDLE_MINUTES", 0, "pathways_safety.E002"),
        ("PATHWAYS_SESSION_ABSOLUTE_HOURS", 0, "pathways_safety.E003"),
        ("PATHWAYS_SESSION_WARNING_SECONDS", 0, "pathways_safety.E004"),
        ("PATHWAYS_SESSION_WARNING_SECONDS", 30 * 60, "pathways_safety.E004"),
    ],
)
def test_session_settings_that_make_no_sense_fail_the_checks(settings, name, value, error):
    assert error not in {e.id for e in run_checks()}
    setattr(settings, name, value)
    assert error in {e.id for e in run_checks()}
