"""A participant's whole journey with the keyboard alone: Tab, Shift+Tab, Enter and Space.

She signs in (fixing a typo on the way back with Shift+Tab), reads "Staying safe online" the first
time, opens a course, starts it, marks a lesson done, answers a quiz and looks at the certificate
it earned her. Every element that takes focus on the way must show it plainly (WCAG 2.4.7): a
solid outline at least 2 px wide or a focus ring drawn with box-shadow, and must not be hidden
behind anything else on the page, such as the sticky "Exit this page" bar (2.4.11).
"""

import pytest
from playwright.sync_api import Page, expect

from pathways.courses.models import Enrolment, EnrolmentStatus
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.courses import build_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The most presses a person should need to reach anything on these pages.
MAX_PRESSES = 60

FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const labels = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (labels || el.getAttribute("aria-label") || el.innerText || el.value || "")
    .replace(/\\s+/g, " ").trim();
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow && style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const seen = !!hit && (hit === el || el.contains(hit) || (el.labels && [...el.labels].some(
    (label) => label === hit || label.contains(hit))));
  return {
    tag: el.tagName.toLowerCase(),
    name: name,
    visible: outline || ring,
    style: `outline ${style.outlineStyle} ${style.outlineWidth}, box-shadow ${style.boxShadow}`,
    unobscured: seen,
    covered_by: hit ? hit.outerHTML.slice(0, 120) : "",
  };
}
"""


def press(page: Page, key: str) -> dict:
    """Press a key that moves focus and check the newly focused element shows it."""
    page.keyboard.press(key)
    focused = page.evaluate(FOCUSED)
    assert focused is not None, f"{key} left nothing focused on {page.url}"
    where = f"<{focused['tag']}> {focused['name']!r} on {page.url}"
    assert focused["visible"], f"no visible focus on {where}: {focused['style']}"
    assert focused["unobscured"], f"focused {where} is hidden under {focused['covered_by']}"
    return focused


def tab_to(page: Page, name: str, *, backwards: bool = False) -> None:
    """Tab (or Shift+Tab) until the element named ``name`` has focus."""
    key = "Shift+Tab" if backwards else "Tab"
    passed = []
    for _ in range(MAX_PRESSES):
        focused = press(page, key)
        if focused["name"] == name:
            return
        passed.append(focused["name"])
    raise AssertionError(f"{name!r} not reached with {key} on {page.url}; passed {passed}")


def follow(page: Page, key: str = "Enter") -> None:
    """Activate the focused link or button with a key and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def test_participant_completes_a_lesson_and_a_quiz_with_the_keyboard_only(
    page: Page, live_server, password
):
    participant = ParticipantFactory(
        username="maya", chosen_name="Maya", safety_notice_seen_at=None
    )
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=2)
    CertificateTemplateFactory(courses=[course])

    page.goto(f"{live_server.url}/accounts/sign-in/")
    tab_to(page, "Username or e-mail")
    page.keyboard.type("mayaa")
    tab_to(page, "Password")
    page.keyboard.type(password)
    tab_to(page, "Username or e-mail", backwards=True)  # selects what she typed
    page.keyboard.type("maya")
    tab_to(page, "Sign in")
    follow(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Staying safe online")
    tab_to(page, "Continue")
    follow(page)

    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()
    tab_to(page, "Courses")
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    tab_to(page, "Workplace Readiness")
    follow(page)

    tab_to(page, "Start this course")
    follow(page, "Space")
    expect(page.get_by_text("You are enrolled")).to_be_visible()
    tab_to(page, "Lesson 1.1")
    follow(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 1.1")
    tab_to(page, "Mark as done")
    follow(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 1.2")
    # The first answer of the "choose one" question and the first two of "choose all that
    # apply" are the right ones (tests.factories.courses.sample_quiz_questions).
    tab_to(page, "Tell your supervisor as early as you can")
    page.keyboard.press("Space")
    tab_to(page, "Listening until they have finished")
    page.keyboard.press("Space")
    tab_to(page, "Repeating back what you understood")
    page.keyboard.press("Space")
    tab_to(page, "Check my answers")
    follow(page)

    expect(page.get_by_text("You scored 100%. You passed!")).to_be_visible()
    tab_to(page, "Mark as done")
    follow(page)
    expect(page.get_by_text("Well done! You have completed Workplace Readiness.")).to_be_visible()

    # The message has the focus at the top of the content; the navigation is just above it.
    tab_to(page, "My certificates", backwards=True)
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
    expect(page.get_by_role("heading", name="Certificate of Completion")).to_be_visible()
    expect(page.get_by_text("Workplace Readiness")).to_be_visible()

    enrolment = Enrolment.objects.get(user=participant, course=course)
    assert enrolment.status == EnrolmentStatus.COMPLETED
