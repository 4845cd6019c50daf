"""In a real browser: no page breaks the Content Security Policy, forms post under
Referrer-Policy: no-referrer, and staff set up two-step sign-in and reach the admin."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from pathways.courses.selectors import course_lessons
from pathways.courses.services import enrolment_start
from tests.factories.accounts import ParticipantFactory, StaffFactory
from tests.factories.courses import build_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Violations:
    """Everything the browser reports about the Content Security Policy on a page."""

    def __init__(self, page: Page):
        self.found: list[str] = []
        page.expose_function("reportCspViolation", lambda text: self.found.append(text))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', (e) => "
            "window.reportCspViolation(`${e.violatedDirective} ${e.blockedURI} on "
            "${e.documentURI}`));"
        )
        page.on(
            "console",
            lambda message: (
                self.found.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )


def _sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _quiz_lesson(course):
    return next(
        lesson
        for lesson in course_lessons(course).specific()
        if any(block.block_type == "quiz" for block in lesson.body)
    )


def test_participant_pages_and_public_pages_break_no_policy(page: Page, live_server, password):
    violations = Violations(page)
    participant = ParticipantFactory(username="maya", chosen_name="Maya")
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=2)
    enrolment_start(user=participant, course=course)
    lesson = _quiz_lesson(course)

    page.goto(f"{live_server.url}/verify/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("Pathways API")
    page.goto(f"{live_server.url}/api/v1/redoc/")
    expect(page.get_by_role("heading", name="Pathways API").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    # Redoc always shows Redocly's logo from its CDN; the policy blocks it, on purpose (nothing
    # is fetched from other sites). That is the only thing it may report.
    assert all("https://cdn.redoc.ly/" in found for found in violations.found), violations.found
    violations.found.clear()

    _sign_in(page, live_server.url, "maya", password)
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()
    page.goto(f"{live_server.url}{lesson.url}")
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    expect(page.get_by_role("button", name="Check my answers")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations.found == []


def test_the_employer_portal_breaks_no_policy(
    page: Page, live_server, password, employer_user, shared_certificate
):
    violations = Violations(page)
    _sign_in(page, live_server.url, employer_user.username, password)
    page.goto(f"{live_server.url}/employer/")
    # Each shared certificate is headed by the name as printed, linking to its page.
    name = shared_certificate.certificate.printed_name
    expect(page.locator(".credential-heading a").filter(has_text=name).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations.found == []


def test_the_violation_detector_sees_a_blocked_inline_style(page: Page, live_server):
    violations = Violations(page)
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_timeout(200)
    assert any("style-src" in found for found in violations.found)


def test_signing_in_posts_under_no_referrer_and_is_accepted(page: Page, live_server, password):
    ParticipantFactory(username="rosa", chosen_name="Rosa")
    sent: list[dict] = []
    page.on(
        "request",
        lambda request: sent.append(request.all_headers()) if request.method == "POST" else None,
    )
    _sign_in(page, live_server.url, "rosa", password)
    expect(page.get_by_role("heading", name="Welcome, Rosa")).to_be_visible()
    # The browser sent what no-referrer makes it send, and Django's CSRF check let it through.
    assert sent and sent[0].get("origin") == "null"
    assert "referer" not in sent[0]
    assert sent[0].get("sec-fetch-site") == "same-origin"


def test_staff_set_up_two_step_sign_in_and_reach_the_admin(page: Page, live_server, password):
    violations = Violations(page)
    StaffFactory(username="sam", chosen_name="Sam")
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(page.locator("svg.qr-code")).to_be_visible()
    secret = page.locator(".two-step-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("The 6-digit code your app shows").fill(str(totp(key)).zfill(6))
    page.get_by_role("button", name="Check the code").click()

    expect(page.get_by_role("heading", name="Keep your backup codes")).to_be_visible()
    expect(page.locator(".two-step-codes li")).to_have_count(8)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations.found == []
