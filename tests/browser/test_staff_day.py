"""Programme staff, at a desktop (the Wagtail admin is desktop-first), sign in with their second
factor and build a course from the "Courses" menu: the course, a module, and a lesson with a
paragraph and a quiz, each from a button on the course's outline, and every save lands back on it.

The lesson's content is made in Wagtail's own StreamField editor (a text block and a quiz block
with one question and two answers), as staff would. On the way in, a wrong second-factor code is
refused in view. Then a new employer API key is copied with its "Copy the key" button.
"""

import os

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect

from pathways.courses.models import CoursePage, LessonPage, ModulePage
from tests.factories.accounts import StaffFactory
from tests.factories.courses import CourseIndexPageFactory
from tests.security.support import current_code, enrol_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def _shot(page: Page, name: str) -> None:
    if os.environ.get("PATHWAYS_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['PATHWAYS_SCREENSHOTS']}/{name}.png", full_page=True)


def _sign_in_to_the_admin(page: Page, live_server, username: str, password: str, device) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # A wrong code first: the refusal is in view, where she types.
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    wrong = str((int(current_code(device)) + 1) % 1_000_000).zfill(6)
    page.get_by_label("Code").fill(wrong)
    page.get_by_role("button", name="Continue").click()
    error = page.locator("#code-errors")
    expect(error).to_be_visible()
    expect(error).to_be_in_viewport()
    expect(error).to_contain_text("That code did not work")
    _shot(page, "admin-two-step-wrong-code")
    page.wait_for_timeout(2500)  # a wrong code slows the next try down
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def _title(page: Page, title: str) -> None:
    """Type the page's title and move on: Wagtail makes the address (slug) from it then."""
    field = page.get_by_role("textbox", name="Title*")
    field.fill(title)
    field.press("Tab")
    # Wagtail fills the slug from the title in the browser; publishing before it has would be
    # refused ("could not be created due to validation errors").
    expect(page.locator("#id_slug")).not_to_have_value("")


def _publish(page: Page) -> None:
    """Wagtail's editor footer: the main action is "Save draft"; "Publish" is in its menu."""
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()


def _success_shown(page: Page, text: str) -> None:
    message = page.locator(".messages .success", has_text=text)
    expect(message).to_be_visible()
    expect(message).to_be_in_viewport()


def test_staff_build_a_course_with_a_module_and_a_quiz_lesson_from_the_courses_menu(
    page: Page, live_server, password
):
    CourseIndexPageFactory()
    staff = StaffFactory(username="sam", chosen_name="Sam")
    device = enrol_authenticator(staff)

    page.set_viewport_size(DESKTOP)
    _sign_in_to_the_admin(page, live_server, "sam", password, device)

    # The Courses menu, then its list.
    page.get_by_role("button", name="Courses", exact=True).click()
    page.get_by_role("link", name="Courses", exact=True).click()
    expect(page.get_by_role("heading", name="Courses", level=1)).to_be_attached()

    # 1. The course.
    page.get_by_role("link", name="Add course").click()
    _title(page, "Job Interview Skills")
    page.get_by_role("combobox", name="Track*").select_option(label="Professional development")
    page.get_by_role("textbox", name="Summary*").fill(
        "Prepare for an interview and answer with confidence."
    )
    _publish(page)
    _success_shown(page, "Job Interview Skills")
    page.get_by_role("link", name="Job Interview Skills").click()
    course = CoursePage.objects.get(title="Job Interview Skills")
    assert course.live
    expect(page.get_by_text("This course has no modules yet.")).to_be_visible()

    # 2. A module, from the course's outline.
    page.get_by_role("link", name="Add module").click()
    _title(page, "Before the interview")
    _publish(page)
    _success_shown(page, "Before the interview")
    expect(page.get_by_role("heading", name="Module Before the interview")).to_be_visible()
    module = ModulePage.objects.get(title="Before the interview")
    assert module.get_parent().pk == course.pk

    # 3. A lesson with a paragraph and a quiz, from the module's "Add lesson".
    page.get_by_role("link", name="Add lesson to Before the interview").click()
    _title(page, "Research the employer")
    body = page.locator("[data-contentpath='body']")
    body.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Text").click()
    editor = body.locator("[contenteditable=true]").first
    editor.click()
    editor.type("Read the employer's website before you go.")
    body.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name="Quiz").click()
    quiz = body.get_by_role("region", name="Quiz Check your learning")
    _shot(page, "admin-lesson-quiz-block")
    # One question is there to fill; a question needs two answers: add the second.
    question = quiz.get_by_role("region", name="Choose one")
    question.get_by_role("button", name="Add", exact=True).last.click()
    quiz.get_by_role("textbox", name="Question*").fill(
        "What should you find out before the interview?"
    )
    answers = quiz.get_by_role("textbox", name="Answer*")
    expect(answers).to_have_count(2)
    answers.nth(0).fill("What the employer does")
    answers.nth(1).fill("Nothing")
    quiz.get_by_role("checkbox", name="Correct").first.check()
    _publish(page)
    _success_shown(page, "Research the employer")
    _shot(page, "admin-course-outline")

    lesson_row = page.locator(".course-outline__lesson", has_text="Research the employer")
    expect(lesson_row).to_be_visible()
    expect(lesson_row.get_by_text("Quiz", exact=True)).to_be_visible()
    lesson = LessonPage.objects.get(title="Research the employer")
    assert lesson.get_parent().pk == module.pk
    assert lesson.live
    assert [block.block_type for block in lesson.body] == ["text", "quiz"]
    question = lesson.body[1].value["questions"][0]
    assert [answer["correct"] for answer in question["answers"]] == [True, False]


def test_staff_copy_a_new_api_key_with_the_labelled_button(page: Page, live_server, password):
    from tests.factories.certificates import EmployerOrganisationFactory

    CourseIndexPageFactory()
    employer = EmployerOrganisationFactory(name="Harbour Hotels")
    staff = StaffFactory(username="sam", chosen_name="Sam")
    device = enrol_authenticator(staff)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(DESKTOP)
    _sign_in_to_the_admin(page, live_server, "sam", password, device)

    page.goto(f"{live_server.url}{reverse('employer_api_keys:add')}?employer={employer.pk}")
    page.get_by_role("textbox", name="Name*").fill("HR system")
    page.get_by_role("button", name="Make the key").click()

    key = page.get_by_role("textbox", name="The key").input_value()
    assert key.startswith("pwk_")
    page.get_by_role("button", name="Copy the key").click()
    status = page.get_by_role("status").filter(has_text="Copied")
    expect(status).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key
