"""A participant's day on a 390 px phone: what happens after each form is where her eyes are.

She opens a lesson, sends its quiz with a question left out (the error summary is on screen and
focused, and the answer she gave is still ticked), completes it, saves a reflection (the message
is on screen and focused), and leaves a course, which asks her first.
"""

import pytest
from playwright.sync_api import Page, expect

from pathways.courses import services
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.courses.selectors import course_lessons
from tests.browser.feedback import PHONE, expect_seen_and_focused
from tests.browser.test_participant_journey import sign_in
from tests.factories.accounts import ParticipantFactory
from tests.factories.courses import build_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_participant_day_on_a_phone(page: Page, live_server, password):
    participant = ParticipantFactory(username="maya", chosen_name="Maya")
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=2)
    first, quiz_lesson = list(course_lessons(course).specific())
    services.enrolment_start(user=participant, course=course)
    quiz = quiz_lesson.interactive_blocks("quiz")[0]
    single, multiple = list(quiz.value["questions"].bound_blocks)
    single_answers = list(single.value["answers"].bound_blocks)
    multiple_answers = list(multiple.value["answers"].bound_blocks)

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maya", password)
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()

    # She opens the lesson with the quiz and answers only the first question.
    page.goto(f"{live_server.url}/learn/lessons/{quiz_lesson.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz_lesson.title)
    expect(page.get_by_role("button", name="Mark as done")).to_have_count(0)
    page.locator(f"#a-{single_answers[0].id}").check()
    page.get_by_role("button", name="Check my answers").click()

    # The page comes back saying what is missing, at the top, focused; her answer is kept.
    expect_seen_and_focused(page, "#error-summary")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Question 2: Choose at least one answer.")
    expect(page.locator(f"#a-{single_answers[0].id}")).to_be_checked()
    # The summary takes her to the question she missed.
    summary.get_by_role("link").click()
    expect(page.locator(f"#a-{multiple_answers[0].id}")).to_be_focused()
    expect(page.locator(f"#a-{multiple_answers[0].id}")).to_be_in_viewport()

    # She completes it: the result is at the top, focused; the answers stay ticked.
    for answer in multiple_answers:
        if answer.value["correct"]:
            page.locator(f"#a-{answer.id}").check()
    page.get_by_role("button", name="Check my answers").click()
    expect_seen_and_focused(page, "#pathways-messages")
    expect(page.locator("#pathways-messages")).to_contain_text("You passed with 100%. Well done!")
    expect(page.get_by_text("You scored 100%. You passed!")).to_be_visible()
    expect(page.get_by_text("Not quite")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark as done")).to_be_visible()

    # Back to the first lesson to save a reflection: the message is where she looks.
    page.get_by_role("link", name="Previous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    page.get_by_label("What is one thing from this lesson").fill("Ask when something is unclear.")
    page.get_by_role("button", name="Save my reflection").click()
    expect_seen_and_focused(page, "#pathways-messages")
    expect(page.locator("#pathways-messages")).to_contain_text("Your reflection is saved.")

    # Leaving the course asks first; "No, keep learning" changes nothing.
    page.get_by_role("link", name="Workplace Readiness").first.click()
    page.get_by_role("link", name="Leave this course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave Workplace Readiness?")
    page.get_by_role("link", name="No, keep learning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workplace Readiness")
    enrolment = Enrolment.objects.get(user=participant, course=course)
    assert enrolment.status == EnrolmentStatus.ACTIVE

    page.get_by_role("link", name="Leave this course").click()
    page.get_by_role("button", name="Yes, leave this course").click()
    expect_seen_and_focused(page, "#pathways-messages")
    expect(page.locator("#pathways-messages")).to_contain_text("You have left the course.")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN

    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
