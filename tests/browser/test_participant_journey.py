"""A participant's main journey in a real browser, at phone width."""

import re

import pytest
from playwright.sync_api import Page, expect

from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.courses.selectors import course_lessons
from tests.factories.accounts import ParticipantFactory
from tests.factories.courses import build_course, quiz_answer_ids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def answer_quiz(page: Page, answers: dict[str, list[str]], lesson) -> None:
    """Tick exactly the given answers (untick the rest) and check them."""
    quiz = next(block for block in lesson.body if block.block_type == "quiz")
    for question in quiz.value["questions"].bound_blocks:
        for answer in question.value["answers"].bound_blocks:
            box = page.locator(f"#a-{answer.id}")
            if answer.id in answers[question.id]:
                box.check()
            elif box.get_attribute("type") == "checkbox":
                box.uncheck()
    page.get_by_role("button", name=re.compile("Check my answers")).click()


def test_participant_fails_then_passes_a_quiz_and_completes_the_course(
    page: Page, live_server, password
):
    participant = ParticipantFactory(username="maya", chosen_name="Maya")
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=2)
    first, quiz_lesson = list(course_lessons(course).specific())
    _block_id, wrong = quiz_answer_ids(quiz_lesson, correct=False)
    _block_id, right = quiz_answer_ids(quiz_lesson)

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "maya", password)
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()

    page.get_by_role("link", name="Courses", exact=True).click()
    page.get_by_role("link", name="Workplace Readiness").click()
    page.get_by_role("button", name="Start this course").click()
    expect(page.get_by_text("You are enrolled")).to_be_visible()

    page.get_by_role("link", name=first.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    page.get_by_role("button", name="Mark as done").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(quiz_lesson.title)
    answer_quiz(page, wrong, quiz_lesson)
    expect(page.get_by_text("You scored 0%. Have another go")).to_be_visible()
    # "Mark as done" waits until the quiz is passed.
    expect(page.get_by_role("button", name="Mark as done")).to_have_count(0)
    expect(page.get_by_text("Pass the quiz above")).to_be_visible()

    answer_quiz(page, right, quiz_lesson)
    expect(page.get_by_text("You scored 100%. You passed!")).to_be_visible()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Well done! You have completed Workplace Readiness.")).to_be_visible()

    page.get_by_role("link", name="My learning").first.click()
    completed = page.locator("section", has=page.get_by_role("heading", name="Recently completed"))
    expect(completed.get_by_role("link", name="Workplace Readiness")).to_be_visible()
    enrolment = Enrolment.objects.get(user=participant, course=course)
    assert enrolment.status == EnrolmentStatus.COMPLETED

    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
