"""The idle warning in a real browser: it comes a minute before, one action keeps the session,
and with no answer the page goes to sign-in with a kind message. The page's clock is faked; the
server's is moved by ageing the stored session."""

import time

from django.contrib.sessions.backends.db import SessionStore

import pytest
from playwright.sync_api import Page, expect

from pathways.lms.safety.sessions import LAST_ACTIVE_AT
from tests.factories.accounts import ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def age_session(key: str, *, idle_seconds: int) -> None:
    """Make the server believe nothing has happened for ``idle_seconds``."""
    session = SessionStore(session_key=key)
    session[LAST_ACTIVE_AT] = int(time.time()) - idle_seconds
    session.save()


@pytest.fixture
def dashboard(page: Page, live_server, password) -> str:
    """Maya signed in on her dashboard, with the page's clock under the test's control;
    returns her session key."""
    ParticipantFactory(username="maya", chosen_name="Maya")
    page.clock.install()
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username or e-mail").fill("maya")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()
    page.wait_for_load_state()
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    return cookie["value"]


def show_warning(page: Page, key: str):
    age_session(key, idle_seconds=29 * 60 + 10)
    page.clock.fast_forward("29:10")
    dialog = page.get_by_role("dialog", name="Are you still there?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in about 1 minute")
    return dialog


def test_no_warning_while_the_session_is_young(page: Page, dashboard):
    page.clock.fast_forward("28:00")
    page.wait_for_timeout(200)
    expect(page.get_by_role("dialog")).to_have_count(0)


@pytest.mark.parametrize("answer", ["button", "escape"])
def test_one_action_keeps_the_session(page: Page, dashboard, answer):
    dialog = show_warning(page, dashboard)
    stay = dialog.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    before = int(time.time())

    if answer == "button":
        stay.click()
    else:
        page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    assert SessionStore(session_key=dashboard)[LAST_ACTIVE_AT] >= before
    # Two minutes on, the page is still hers.
    page.clock.fast_forward("02:00")
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()


def test_with_no_answer_the_page_goes_to_sign_in_with_a_kind_message(
    page: Page, dashboard, live_server
):
    show_warning(page, dashboard)
    age_session(dashboard, idle_seconds=30 * 60 + 1)
    page.clock.fast_forward("01:00")
    page.wait_for_url(f"{live_server.url}/accounts/sign-in/?next=/learn/")
    expect(page.get_by_text("You were signed out to keep your account safe")).to_be_visible()
    assert not SessionStore().exists(dashboard)
