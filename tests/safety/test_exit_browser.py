"""'Exit this page' in a real browser: by the button and by Shift three times, the page is hidden
at once, the browser lands on the neutral site and the old session cookie opens nothing."""

import pytest
from playwright.sync_api import Page, Route, expect

from tests.factories.accounts import ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def neutral_site(settings, live_server) -> str:
    """Where the exit goes: the public safety page stands in for a neutral site, so that no
    network is needed (Playwright cannot intercept the request a redirect leads to)."""
    settings.PATHWAYS_EXIT_URL = f"{live_server.url}/safety/?neutral=1"
    return settings.PATHWAYS_EXIT_URL


@pytest.fixture
def signed_in_page(page: Page, live_server, password, neutral_site):
    """Maya, signed in through the form, on her dashboard."""
    ParticipantFactory(username="maya", chosen_name="Maya")
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username or e-mail").fill("maya")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()
    page.wait_for_load_state()
    return page


class WatchedExit:
    """Records the page as it is left, and holds the request to /safety/exit/ until the test has
    read it. The page reports through a binding the moment the hiding class is added; the test
    must not call into a page whose navigation is under way (Playwright would wait for it)."""

    REPORT_ON_HIDE = """() => {
        new MutationObserver(() => {
            if (!document.body.classList.contains("exit-this-page-hide")) return;
            const overlay = document.querySelector(".exit-this-page-overlay");
            window.reportExit({
                main: getComputedStyle(document.querySelector("main")).display,
                header: getComputedStyle(document.querySelector("header")).display,
                overlay: overlay ? overlay.textContent : null,
                overlayShown: overlay ? getComputedStyle(overlay).display !== "none" : false,
                status: document.getElementById("exit-this-page-status").textContent,
            });
        }).observe(document.body, {attributes: true, attributeFilter: ["class"]});
    }"""

    def __init__(self, page: Page):
        self.page = page
        self.states: list[dict] = []
        self.routes: list[Route] = []
        page.expose_function("reportExit", self._report)
        page.evaluate(self.REPORT_ON_HIDE)
        page.route("**/safety/exit/", self._hold)

    def _report(self, state: dict) -> None:
        self.states.append(state)

    def _hold(self, route: Route) -> None:
        self.routes.append(route)

    def wait(self) -> dict:
        for _ in range(250):
            if self.states and self.routes:
                return self.states[0]
            self.page.wait_for_timeout(20)
        raise AssertionError(f"no exit seen: {self.states}, {self.routes}")

    def release(self) -> None:
        self.routes[0].continue_()


def session_cookie(page: Page) -> dict:
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    return cookie


def assert_page_hidden_at_once(state: dict) -> None:
    assert state["main"] == "none"
    assert state["header"] == "none"
    assert state["overlayShown"]
    assert state["overlay"].startswith("Exit this page activated")


def assert_old_session_is_dead(page: Page, live_server, cookie: dict) -> None:
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=cookie["value"]).exists()
    # The browser dropped its cookies (Clear-Site-Data); put the old one back: it opens nothing.
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]
    page.context.add_cookies([cookie])
    page.goto(f"{live_server.url}/learn/")
    assert page.url.startswith(f"{live_server.url}/accounts/sign-in/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_the_exit_button_hides_the_page_at_once_and_ends_the_session(
    signed_in_page: Page, live_server, neutral_site
):
    page = signed_in_page
    cookie = session_cookie(page)
    held = WatchedExit(page)

    button = page.get_by_role("button", name="Exit this page").bounding_box()
    # A bare mouse click: Playwright's click() would wait for the held navigation.
    page.mouse.click(button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)

    assert_page_hidden_at_once(held.wait())
    held.release()
    page.wait_for_url(neutral_site)
    expect(page.get_by_role("heading", name="Staying safe online")).to_be_visible()
    assert_old_session_is_dead(page, live_server, cookie)


def test_shift_three_times_counts_down_then_exits(signed_in_page: Page, live_server, neutral_site):
    page = signed_in_page
    cookie = session_cookie(page)
    status = page.locator("#exit-this-page-status")
    held = WatchedExit(page)

    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 2 more times to exit.")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 1 more time to exit.")
    page.keyboard.press("Shift")

    state = held.wait()
    assert_page_hidden_at_once(state)
    assert state["status"].startswith("Exit this page activated")
    held.release()
    page.wait_for_url(neutral_site)
    assert_old_session_is_dead(page, live_server, cookie)


def test_shift_with_another_key_or_too_slowly_does_not_exit(
    page: Page, live_server, password, neutral_site
):
    ParticipantFactory(username="maya", chosen_name="Maya")
    page.clock.install()
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username or e-mail").fill("maya")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()
    page.wait_for_load_state()
    status = page.locator("#exit-this-page-status")
    held = WatchedExit(page)
    dashboard = page.url

    # Shift used with other keys: capitals, Shift+Tab.
    for _ in range(3):
        page.keyboard.press("Shift+A")
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    expect(status).to_have_text("")

    # Two presses, another key, then one more: the count starts again.
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 1 more time to exit.")
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 2 more times to exit.")

    # Two presses, then five seconds pass: expired.
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 1 more time to exit.")
    page.clock.fast_forward(5001)
    expect(status).to_have_text("Exit this page expired.")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 2 more times to exit.")

    page.wait_for_timeout(200)
    assert not held.routes
    assert page.url == dashboard
    expect(page.locator("main")).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()


def test_other_tabs_of_the_site_leave_too(signed_in_page: Page, live_server, neutral_site):
    page = signed_in_page
    other = page.context.new_page()
    other.goto(f"{live_server.url}/learn/courses/")
    other.wait_for_load_state()

    page.get_by_role("button", name="Exit this page").click()

    page.wait_for_url(neutral_site)
    other.wait_for_url(neutral_site)
