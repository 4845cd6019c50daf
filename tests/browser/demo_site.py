"""The demo site (``manage.py seed_demo``) as the browser tests walk it: every page of every role.

The accessibility run (axe), the small-screen checks and ``make screenshots`` visit the same list,
so a page added here is checked everywhere. Each entry says who signs in to see it, where it is
(worked out from the demo data once it is seeded) and, for pages that only exist after doing
something (a quiz answered, a form sent with a mistake), what to do first.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.management import call_command
from django.test.signals import template_rendered

from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from demo_site.management.commands.seed_demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SAFETY_NOTICE = "/safety/"


@dataclass
class Demo:
    """Ids of the demo records the page addresses need."""

    courses: dict[str, int]
    lessons: dict[str, int]
    cohort: int
    session: int
    pairing: int
    harbour: int
    codes: dict[str, str]
    certificates: dict[str, int]
    failed_attempt: int


def seed_demo() -> Demo:
    """Load the demo data (committed, so the live server sees it) and return the ids."""
    from demo_site.demo_cohorts import COHORT_NAME
    from pathways.certificates.employers.models import EmployerOrganisation
    from pathways.certificates.issuance.models import Certificate
    from pathways.cohorts.models import Cohort
    from pathways.courses.models import CoursePage, LessonPage, QuizAttempt
    from pathways.mentoring.models import MentorshipPairing

    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    cohort = Cohort.objects.get(name=COHORT_NAME)
    certificates = {
        f"{cert.user.username}-{cert.status}": cert
        for cert in Certificate.objects.select_related("user").filter(superseded_by=None)
    }
    return Demo(
        courses={course.slug: course.pk for course in CoursePage.objects.all()},
        lessons={lesson.slug: lesson.pk for lesson in LessonPage.objects.all()},
        cohort=cohort.pk,
        session=cohort.sessions.order_by("starts_at").first().pk,
        pairing=MentorshipPairing.objects.get(mentor__username="amara", mentee__username="maya").pk,
        harbour=EmployerOrganisation.objects.get(name="Harbour Hotels").pk,
        codes={key: cert.verification_code for key, cert in certificates.items()},
        certificates={key: cert.pk for key, cert in certificates.items()},
        failed_attempt=QuizAttempt.objects.filter(enrolment__user__username="maya", passed=False)
        .order_by("pk")
        .first()
        .pk,
    )


# What to do on a page before it is checked ------------------------------------------------


def _submit(page: Page, button) -> int:
    """Press a form's button and return the status of the page it leads to."""
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value.status if navigation.value else 0


def _shows_mistakes(page: Page, status: int) -> int:
    """The form came back saying what to correct; otherwise say what came back instead."""
    try:
        page.locator(".error-summary").first.wait_for(timeout=5000)
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"sending the form did not show what to correct: it answered {status} at {page.url}"
        ) from None
    return status


def _answer_first_choices(page: Page) -> int:
    """Tick the first answer of every question, check them, and land on the feedback."""
    for question in page.locator("form fieldset.question").all():
        question.locator("input").first.check()
    return _submit(page, page.get_by_role("button", name="Check my answers"))


def _send_check_in_with_mistakes(page: Page) -> int:
    form = page.locator("#log-check-in")
    form.get_by_label("Date").fill("")
    form.get_by_label("Length (minutes)").fill("0")
    status = _submit(page, form.get_by_role("button"))
    return _shows_mistakes(page, status)


def _wrong_password(page: Page) -> int:
    page.get_by_label("Username or e-mail").fill("maya")
    page.get_by_label("Password").fill("not the password")
    status = _submit(page, page.get_by_role("button", name="Sign in"))
    return _shows_mistakes(page, status)


def _no_code(page: Page) -> int:
    status = _submit(page, page.get_by_role("button", name="Check this code"))
    return _shows_mistakes(page, status)


def _ask_to_leave_group(page: Page) -> int:
    """Press "Leave this group" on her groups page: it only asks, on a page of its own."""
    leave = page.locator("form[action*='/leave/'] button, a[href*='/leave/']").first
    return _submit(page, leave)


def _propose_a_second_mentor(demo: Demo) -> None:
    """Staff propose a second mentor to Rosa, who has no peer alias yet (idempotent)."""
    from django.contrib.auth import get_user_model

    from pathways.lms.accounts.profiles import profile_update
    from pathways.mentoring import services
    from pathways.mentoring.models import OPEN_PAIRING_STATUSES, MentorshipPairing

    users = get_user_model().objects
    staff, rosa = users.get(username="sam"), users.get(username="rosa")
    kit, created = users.get_or_create(username="kit")
    if created:
        profile_update(kit, chosen_name="Kit", peer_alias="Cedar")
        services.mentor_profile_save(user=kit, actor=staff, capacity=2, training_completed=True)
    if not MentorshipPairing.objects.filter(
        mentor=kit, mentee=rosa, status__in=OPEN_PAIRING_STATUSES
    ).exists():
        services.pairing_propose(mentor=kit, mentee=rosa, actor=staff)


def _accept_the_proposal(page: Page) -> int:
    """Say yes to the proposal: without a peer alias, she is first asked for one."""
    return _submit(page, page.locator("form[action$='/accept/'] button[type=submit]").first)


def _future_attendance(demo: Demo) -> str:
    """The attendance page of the demo cohort's next session, which has not started yet."""
    from django.utils import timezone

    from pathways.cohorts.models import CohortSession

    session = (
        CohortSession.objects.filter(cohort_id=demo.cohort, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    return f"/cohorts/{demo.cohort}/sessions/{session.pk}/attendance/"


def _unsigned_share(page: Page) -> int:
    status = _submit(page, page.locator("form.sharing-form button[type=submit]").last)
    return _shows_mistakes(page, status)


def _show_session_warning(page: Page) -> None:
    """Open the "Are you still there?" dialog as its script does a minute before sign-out."""
    page.evaluate("document.getElementById('session-warning').showModal()")


@dataclass(frozen=True)
class DemoPage:
    key: str  # role/page, the test id
    username: str | None  # who signs in; None for a public page
    path: Callable[[Demo], str]
    # Done after loading: returns the status of the page it led to, or None if it stayed.
    before: Callable[[Page], int | None] | None = None
    status: int = 200
    # Rendered outside any view (no request): fetched as HTML and served at a made-up address.
    rendered: Callable[[], str] | None = None
    screenshot: str = ""  # file name for `make screenshots`; "" for none
    patches: tuple[str, ...] = ()  # dotted names replaced by a do-nothing mock during the visit
    setup: Callable[[Demo], None] | None = None  # changes the data just before the visit


def _forget_pdf(demo: Demo) -> None:
    """Rosa's certificate as if its PDF were not rendered yet: the "being prepared" pages."""
    from pathways.certificates.issuance.models import Certificate

    Certificate.objects.filter(pk=demo.certificates["rosa-valid"]).update(pdf="")


def _maya_asks_for_a_sign_off(demo: Demo) -> None:
    """Maya asks for the sign-off of her interview practice, so that Dana's cohort pages have one
    waiting (idempotent: asking again changes nothing)."""
    from pathways.courses import services
    from pathways.courses.models import Enrolment, LessonPage

    lesson = LessonPage.objects.get(pk=demo.lessons["practising-interviews"])
    services.activity_request_signoff(
        enrolment=Enrolment.objects.get(
            user__username="maya", course_id=demo.courses["workplace-readiness"]
        ),
        lesson=lesson,
        block_id=next(block.id for block in lesson.body if block.block_type == "activity"),
    )


def _server_error_page() -> str:
    from django.template import loader

    return loader.get_template("500.html").render()


PAGES: list[DemoPage] = [
    # Participant: Maya, part-way through a course.
    DemoPage("participant/dashboard", "maya", lambda d: "/learn/", screenshot="dashboard"),
    DemoPage("participant/catalogue", "maya", lambda d: "/learn/courses/"),
    DemoPage(
        "participant/course",
        "maya",
        lambda d: f"/learn/courses/{d.courses['workplace-readiness']}/",
        screenshot="course",
    ),
    DemoPage(
        "participant/course-not-enrolled",
        "maya",
        lambda d: f"/learn/courses/{d.courses['customer-service-fundamentals']}/",
    ),
    DemoPage(
        "participant/lesson-reflection",
        "maya",
        lambda d: f"/learn/lessons/{d.lessons['what-you-bring']}/",
        screenshot="lesson",
    ),
    DemoPage(
        "participant/lesson-quiz",
        "maya",
        lambda d: f"/learn/lessons/{d.lessons['preparing-for-an-interview']}/",
    ),
    DemoPage(
        "participant/quiz-feedback",
        "maya",
        lambda d: f"/learn/lessons/{d.lessons['preparing-for-an-interview']}/",
        before=_answer_first_choices,
        screenshot="quiz-feedback",
    ),
    DemoPage(
        "participant/quiz-feedback-earlier",
        "maya",
        lambda d: f"/learn/lessons/{d.lessons['writing-your-cv']}/?attempt={d.failed_attempt}",
    ),
    DemoPage(
        "participant/lesson-activity",
        "maya",
        lambda d: f"/learn/lessons/{d.lessons['practising-interviews']}/",
    ),
    DemoPage("participant/reflections", "maya", lambda d: "/learn/reflections/"),
    DemoPage("participant/certificates", "maya", lambda d: "/certificates/"),
    DemoPage("participant/sharing-nothing-to-share", "maya", lambda d: "/certificates/sharing/"),
    DemoPage("participant/groups", "maya", lambda d: "/cohorts/mine/"),
    DemoPage(
        "participant/leave-group",
        "maya",
        lambda d: "/cohorts/mine/",
        before=_ask_to_leave_group,
    ),
    DemoPage(
        "participant/leave-course",
        "maya",
        lambda d: f"/learn/courses/{d.courses['workplace-readiness']}/leave/",
    ),
    DemoPage("participant/your-data", "maya", lambda d: "/privacy/"),
    DemoPage("participant/settings", "maya", lambda d: "/accounts/settings/"),
    DemoPage("participant/notices", "maya", lambda d: "/notices/"),
    DemoPage(
        "participant/session-warning", "maya", lambda d: "/learn/", before=_show_session_warning
    ),
    DemoPage("participant/my-mentor", "maya", lambda d: "/mentoring/my-mentor/"),
    DemoPage(
        "participant/pairing",
        "maya",
        lambda d: f"/mentoring/pairings/{d.pairing}/",
    ),
    # Participant: Rosa, who completed a course, has certificates and shares them (in Spanish).
    # First, "Staying safe online" as she sees it once, straight after signing in.
    DemoPage(
        "participant-es/safety-first-time",
        "rosa",
        lambda d: f"{SAFETY_NOTICE}?next=/learn/",
        screenshot="safety-first-time",
    ),
    DemoPage("participant-es/dashboard", "rosa", lambda d: "/learn/"),
    DemoPage(
        "participant-es/course",
        "rosa",
        lambda d: f"/learn/courses/{d.courses['customer-service-fundamentals']}/",
        screenshot="course-spanish",
    ),
    DemoPage("participant-es/settings", "rosa", lambda d: "/accounts/settings/"),
    DemoPage("participant-es/notices", "rosa", lambda d: "/notices/", screenshot="notices"),
    DemoPage(
        "participant-es/certificates", "rosa", lambda d: "/certificates/", screenshot="certificates"
    ),
    DemoPage(
        "participant-es/pdf-preparing",
        "rosa",
        lambda d: f"/certificates/{d.certificates['rosa-valid']}/pdf/",
        status=202,
        patches=("pathways.certificates.issuance.tasks.ensure_certificate_pdf",),
        setup=_forget_pdf,
    ),
    DemoPage("participant-es/sharing", "rosa", lambda d: "/certificates/sharing/"),
    DemoPage(
        "participant-es/share-choose-employer", "rosa", lambda d: "/certificates/sharing/new/"
    ),
    DemoPage(
        "participant-es/share-consent",
        "rosa",
        lambda d: f"/certificates/sharing/new/?employer={d.harbour}",
        screenshot="sharing-form",
    ),
    DemoPage(
        "participant-es/share-consent-mistakes",
        "rosa",
        lambda d: f"/certificates/sharing/new/?employer={d.harbour}",
        before=_unsigned_share,
        status=400,
    ),
    DemoPage(
        "participant-es/who-has-seen",
        "rosa",
        lambda d: "/certificates/sharing/seen/",
        screenshot="who-has-seen",
    ),
    # Mentor (and participant): Amara.
    DemoPage("mentor/dashboard", "amara", lambda d: "/mentoring/", screenshot="mentor-dashboard"),
    DemoPage("mentor/pairing", "amara", lambda d: f"/mentoring/pairings/{d.pairing}/"),
    DemoPage(
        "mentor/check-in-mistakes",
        "amara",
        lambda d: f"/mentoring/pairings/{d.pairing}/",
        before=_send_check_in_with_mistakes,
    ),
    DemoPage("mentor/learning", "amara", lambda d: "/learn/"),
    # A participant without a peer alias chooses one before a mentor meets her (Spanish).
    DemoPage(
        "participant-es/choose-alias",
        "rosa",
        lambda d: "/mentoring/my-mentor/",
        before=_accept_the_proposal,
        setup=_propose_a_second_mentor,
    ),
    # Facilitator: Dana.
    DemoPage(
        "facilitator/cohorts",
        "dana",
        lambda d: "/cohorts/",
        screenshot="cohorts",
        setup=_maya_asks_for_a_sign_off,
    ),
    DemoPage("facilitator/cohort", "dana", lambda d: f"/cohorts/{d.cohort}/", screenshot="cohort"),
    DemoPage(
        "facilitator/attendance",
        "dana",
        lambda d: f"/cohorts/{d.cohort}/sessions/{d.session}/attendance/",
        screenshot="attendance",
    ),
    DemoPage("facilitator/attendance-not-open", "dana", _future_attendance),
    DemoPage(
        "facilitator/sign-offs", "dana", lambda d: "/learn/sign-offs/", screenshot="sign-offs"
    ),
    # Partner employer: Lee at Harbour Hotels.
    DemoPage("employer/credentials", "lee", lambda d: "/employer/", screenshot="employer"),
    DemoPage(
        "employer/credentials-bad-search",
        "lee",
        lambda d: "/employer/?issued_after=not-a-date",
        status=400,
    ),
    DemoPage(
        "employer/credential",
        "lee",
        lambda d: f"/employer/credentials/{d.codes['rosa-valid']}/",
    ),
    DemoPage(
        "employer/pdf-preparing",
        "lee",
        lambda d: f"/employer/credentials/{d.codes['rosa-valid']}/pdf/",
        status=202,
        patches=("pathways.certificates.issuance.tasks.ensure_certificate_pdf",),
        setup=_forget_pdf,
    ),
    DemoPage("employer/what-is-shared", "lee", lambda d: "/employer/shared/"),
    DemoPage("employer/credentials-filtered", "lee", lambda d: "/employer/?skill=Customer+service"),
    DemoPage("employer/settings", "lee", lambda d: "/accounts/settings/"),
    # Anyone.
    DemoPage("public/sign-in", None, lambda d: "/accounts/sign-in/", screenshot="sign-in"),
    DemoPage(
        "public/sign-in-mistake",
        None,
        lambda d: "/accounts/sign-in/",
        before=_wrong_password,
    ),
    DemoPage("public/verify", None, lambda d: "/verify/"),
    DemoPage("public/verify-mistake", None, lambda d: "/verify/", before=_no_code),
    DemoPage(
        "public/verify-valid",
        None,
        lambda d: f"/verify/{d.codes['rosa-valid']}/",
        screenshot="verify",
    ),
    DemoPage("public/verify-expired", None, lambda d: f"/verify/{d.codes['rosa-expired']}/"),
    DemoPage("public/verify-revoked", None, lambda d: f"/verify/{d.codes['maya-revoked']}/"),
    DemoPage("public/verify-not-found", None, lambda d: "/verify/ABCDEFGHJKMNPQRST/", status=404),
    DemoPage("public/not-found", None, lambda d: "/no-such-page/", status=404),
    DemoPage(
        "public/server-error",
        None,
        lambda d: "/__server-error__/",
        rendered=_server_error_page,
        status=500,
    ),
    DemoPage(
        "public/safety",
        None,
        lambda d: "/safety/",
        screenshot="safety",
    ),
]


def _read_safety_notice(page: Page) -> int | None:
    """A participant who has not yet read "Staying safe online" is shown it first, once:
    press Continue (in any language) and return the status of the page she then lands on."""
    if urlsplit(page.url).path != SAFETY_NOTICE:
        return None
    button = page.locator(f"form[action='{SAFETY_NOTICE}'] button[type=submit]")
    if not button.count():
        return None
    return _submit(page, button)


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


class Visitor:
    """One browser context per person, signed in on first use (with ``sign_in``)."""

    def __init__(
        self,
        browser: Browser,
        base_url: str,
        sign_in: Callable[[Page, str, str], None] = sign_in,
        **context_args,
    ) -> None:
        self.browser = browser
        self.base_url = base_url
        self.sign_in = sign_in
        self.context_args = context_args
        self.contexts: dict[str | None, BrowserContext] = {}

    def page_for(self, username: str | None) -> Page:
        if username not in self.contexts:
            context = self.browser.new_context(**self.context_args)
            self.contexts[username] = context
            page = context.new_page()
            if username:
                self.sign_in(page, self.base_url, username)
        return self.contexts[username].pages[0]

    def open(self, entry: DemoPage, demo: Demo) -> tuple[Page, int]:
        """Go to the page, do what it needs first, and return it with the status it answered."""
        page = self.page_for(entry.username)
        url = f"{self.base_url}{entry.path(demo)}"
        if entry.setup is not None:
            entry.setup(demo)
        if entry.rendered is not None:
            html = entry.rendered()
            page.route(
                url,
                lambda route: route.fulfill(
                    status=entry.status, body=html, content_type="text/html"
                ),
            )
        with _patched(entry.patches):
            response = page.goto(url)
            status = response.status if response else 0
            if not entry.path(demo).startswith(SAFETY_NOTICE):
                status = _read_safety_notice(page) or status
            if entry.before is not None:
                status = entry.before(page) or status
        if entry.rendered is not None:
            page.unroute(url)
        return page, status

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()
        self.contexts.clear()


@contextmanager
def _patched(names: tuple[str, ...]) -> Iterator[None]:
    with ExitStack() as stack:
        for name in names:
            stack.enter_context(mock.patch(name))
        yield


@dataclass
class Crawl:
    """What a walk over the demo pages found: per page, the status and what ``check`` returned
    (or the error that stopped it), and the names of every template rendered on the way."""

    results: dict[str, dict] = field(default_factory=dict)
    templates: set[str] = field(default_factory=set)


def crawl(
    browser: Browser,
    base_url: str,
    django_db_blocker,
    check: Callable[[Page, DemoPage], Any],
    pages: list[DemoPage] = PAGES,
    sign_in: Callable[[Page, str, str], None] = sign_in,
    **context_args,
) -> Crawl:
    """Seed the demo data, open each page as its person (signed in with ``sign_in``) and run
    ``check`` on it.

    The data is committed (the live server must see it); the transactional test that uses the
    result empties the database afterwards, as every browser test does.
    """
    found = Crawl()

    def remember(sender, template, context, **kwargs):
        if template.name:
            found.templates.add(template.name)

    template_rendered.connect(remember)
    with django_db_blocker.unblock():
        demo = seed_demo()
        visitor = Visitor(browser, base_url, sign_in, **context_args)
        try:
            for entry in pages:
                try:
                    page, status = visitor.open(entry, demo)
                    found.results[entry.key] = {"status": status, "found": check(page, entry)}
                except Exception as error:  # noqa: BLE001 - reported by that page's test
                    found.results[entry.key] = {"error": f"{type(error).__name__}: {error}"}
        finally:
            visitor.close()
            template_rendered.disconnect(remember)
            cache.clear()  # the verification pages count lookups per client
    return found


def checked(found: Crawl, entry: DemoPage):
    """What ``check`` found on the page, after asserting the page was there as expected."""
    result = found.results[entry.key]
    assert "error" not in result, f"{entry.key} could not be checked: {result['error']}"
    assert result["status"] == entry.status, f"{entry.key} answered {result['status']}"
    return result["found"]
