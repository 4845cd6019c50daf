"""Programme staff, on a 390 px phone, sign in with their second factor and build a course from
the "Courses" menu: the course, a module, and a lesson with a paragraph and a quiz, each from a
button on the course's outline, and every save lands back on it. The lesson's content is made in
Wagtail's own StreamField editor (a text block and a quiz block with one question and two
answers), as staff would. On the way in, a wrong second-factor code is refused in view.

Then they translate it into Spanish with wagtail-localize, as staff do: "Translate this page" on
the course with its subpages, then each page's translation editor (its "Translate" and "Save" on
each piece of text), and "Publish in Spanish"; the Courses menu lists the course once, with a link
to its Spanish version. A participant who reads Spanish starts the course on her phone and reads
it in Spanish; one who reads English reads it as written. Wagtail's messages are in view; the
participant's, on Pathways' pages, are in view and focused.

At a desktop, a new employer API key is copied with its "Copy the key" button.
"""

import os

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

import pytest
from playwright.sync_api import Browser, Page, expect

from pathways.courses.models import CoursePage, Enrolment, LessonPage, ModulePage
from pathways.lms.accounts.permissions import grant_role_permissions
from tests.browser.feedback import PHONE, expect_seen_and_focused
from tests.browser.test_participant_journey import sign_in
from tests.factories.accounts import ParticipantFactory, StaffFactory
from tests.factories.courses import CourseIndexPageFactory
from tests.factories.translations import locale
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
    expect(page).to_have_url(f"{live_server.url}/admin/")


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


def _open_the_courses_list(page: Page) -> None:
    """The "Courses" menu, then its list; on a phone the menu is behind the sidebar's button."""
    menu = page.get_by_role("navigation", name="Main menu")
    if page.viewport_size["width"] < DESKTOP["width"]:
        page.get_by_role("button", name="Toggle sidebar").click()
        expect(menu).to_be_visible()
    menu.get_by_role("button", name="Courses", exact=True).click()
    menu.get_by_role("link", name="Courses", exact=True).click()
    expect(page.get_by_role("heading", name="Courses", level=1)).to_be_attached()


def _translate(page: Page, source: str, translation: str) -> None:
    """In wagtail-localize's translation editor: the segment showing ``source``, its "Translate"
    button, the translation typed in, and "Save" (each saves at once, without reloading)."""
    segment = page.locator("li:has(> p)").filter(has=page.get_by_text(source, exact=True))
    segment.get_by_role("button", name="Translate").click()
    segment.get_by_role("textbox").fill(translation)
    segment.get_by_role("button", name="Save").click()
    expect(segment.get_by_text("Translated manually")).to_be_visible()
    expect(segment.get_by_text(translation, exact=True)).to_be_visible()


def _translate_the_address(page: Page, source: str, translation: str) -> None:
    """The page's address (slug) is on the editor's "Promote" tab."""
    page.get_by_role("tab", name="Promote").click()
    _translate(page, source, translation)
    page.get_by_role("tab", name="Content").click()


def _publish_in_spanish(page: Page, title: str) -> None:
    page.get_by_role("button", name="Publish in Spanish").click()
    _success_shown(page, f"Published '{title}' in Spanish.")


def _build_the_course(page: Page) -> dict:
    """Staff build the course from the Courses menu: the course, a module and a quiz lesson."""
    _open_the_courses_list(page)

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
    answers = quiz.get_by_role("textbox", name="Answer*")
    expect(answers).to_have_count(1)
    # The list block's "Add" can be pressed before its script has bound it; press it again then.
    for _attempt in range(3):
        question.get_by_role("button", name="Add", exact=True).last.click()
        try:
            expect(answers).to_have_count(2, timeout=3000)
            break
        except AssertionError:
            continue
    quiz.get_by_role("textbox", name="Question*").fill(
        "What should you find out before the interview?"
    )
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
    return {"course": course, "module": module, "lesson": lesson}


def _translate_the_course_into_spanish(page: Page, built: dict) -> None:
    """Staff translate the course with wagtail-localize, as they would in the admin: "Translate
    this page" on the course (with its subpages), then each page's translation editor, where they
    type the Spanish and publish it. A translation stays a draft until it is published."""
    lesson = built["lesson"]

    # "Translate this page", from the course's editor: into Spanish, with its module and lesson.
    page.get_by_role("link", name="Edit the course").first.click()
    page.get_by_role("button", name="Actions", exact=True).click()
    page.get_by_role("link", name="Translate this page").click()
    expect(page.get_by_role("heading", name="Translate page")).to_be_visible()
    page.get_by_role("checkbox", name="Spanish").check()
    page.get_by_role("checkbox", name="Include subtree (2 pages)").check()
    page.get_by_role("button", name="Submit").click()
    _success_shown(
        page, "The page 'Job Interview Skills' was successfully submitted for translation"
    )
    spanish = {source.pk: source.get_translation(locale("es")) for source in built.values()}
    assert not any(translation.live for translation in spanish.values())

    # The translation editor opens on the course: its title, summary and address.
    _translate(page, "Job Interview Skills", "Preparar una entrevista de trabajo")
    _translate(
        page,
        "Prepare for an interview and answer with confidence.",
        "Prepárate para una entrevista y responde con confianza.",
    )
    _translate_the_address(page, "job-interview-skills", "preparar-una-entrevista-de-trabajo")
    _shot(page, "admin-translation-editor")
    _publish_in_spanish(page, "Preparar una entrevista de trabajo")

    # The Courses menu lists the course once, with a way to its Spanish version.
    _open_the_courses_list(page)
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link", name="Job Interview Skills")).to_be_visible()
    _shot(page, "admin-course-list-translated")
    # The table scrolls sideways in its own box; the page itself fits the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    rows.get_by_role("link", name="Español").click()
    outline = page.locator(".course-outline")
    title = outline.get_by_role("heading", name="Preparar una entrevista de trabajo")
    expect(title).to_be_visible()
    expect(outline.get_by_role("link", name="English")).to_be_visible()
    expect(outline.locator(".course-outline__facts").first).to_contain_text("· Spanish")
    _shot(page, "admin-spanish-course-outline")

    # The module: its title and address.
    page.get_by_role("link", name="Edit Before the interview").click()
    _translate(page, "Before the interview", "Antes de la entrevista")
    _translate_the_address(page, "before-the-interview", "antes-de-la-entrevista")
    _publish_in_spanish(page, "Antes de la entrevista")

    # The lesson: its title, its text, its quiz and its address.
    _open_the_courses_list(page)
    page.get_by_role("link", name="Español").click()
    page.get_by_role("link", name="Edit Research the employer").click()
    _translate(page, "Research the employer", "Investiga a la empresa")
    _translate(
        page,
        "Read the employer's website before you go.",
        "Lee el sitio web de la empresa antes de ir.",
    )
    _translate(page, "Check your learning", "Comprueba lo que has aprendido")
    _translate(
        page,
        "What should you find out before the interview?",
        "¿Qué debes averiguar antes de la entrevista?",
    )
    _translate(page, "What the employer does", "A qué se dedica la empresa")
    _translate(page, "Nothing", "Nada")
    _translate_the_address(page, "research-the-employer", "investiga-a-la-empresa")
    _publish_in_spanish(page, "Investiga a la empresa")

    for translation in spanish.values():
        translation.refresh_from_db()
        assert translation.live
        assert translation.locale.language_code == "es"
    # The Spanish lesson keeps the quiz the English one asks: same blocks, same right answer.
    spanish_lesson = LessonPage.objects.get(pk=spanish[lesson.pk].pk)
    assert LessonPage.objects.get(pk=lesson.pk).translation_fits(spanish_lesson)

    # The Spanish outline says all three are live.
    _open_the_courses_list(page)
    page.get_by_role("link", name="Español").click()
    for title in ("Antes de la entrevista", "Investiga a la empresa"):
        row = page.locator(".course-outline__row", has_text=title)
        expect(row.get_by_text("live", exact=True)).to_be_visible()


def _participant_enrols_and_reads(
    browser: Browser, live_server, password, username: str, words: dict
) -> None:
    """A participant, on her phone, finds the course, starts it and opens its lesson."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server.url, username, password)
    page.get_by_role("link", name=words["courses"], exact=True).click()
    page.get_by_role("link", name=words["course"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["course"])
    expect(page.get_by_text(words["summary"])).to_be_visible()
    expect(page.get_by_role("heading", name=words["module"])).to_be_visible()
    page.get_by_role("button", name=words["start"]).click()
    expect_seen_and_focused(page, "#pathways-messages")
    expect(page.locator("#pathways-messages")).to_contain_text(words["enrolled"])

    page.get_by_role("link", name=words["lesson"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["lesson"])
    expect(page.get_by_text(words["text"])).to_be_visible()
    expect(page.get_by_text(words["question"])).to_be_visible()
    expect(page.get_by_text(words["answer"])).to_be_visible()
    _shot(page, f"participant-lesson-{username}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_staff_build_a_course_on_a_phone_and_translate_it_into_spanish_for_participants(
    page: Page, browser: Browser, live_server, password
):
    CourseIndexPageFactory()
    locale("es")  # the site's second content language, set up once by an administrator
    staff = StaffFactory(username="sam", chosen_name="Sam")
    # An earlier browser test's flush empties the permission table: wagtail-localize's
    # "submit_translation" is made by its migration, so it is made again here as migrate made it,
    # and the role is granted its permissions again (both idempotent).
    Permission.objects.get_or_create(
        content_type=ContentType.objects.get_or_create(
            app_label="wagtail_localize", model="translation"
        )[0],
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    grant_role_permissions()
    device = enrol_authenticator(staff)
    ParticipantFactory(username="lucia", chosen_name="Lucía", preferred_language="es")
    ParticipantFactory(username="maya", chosen_name="Maya")

    page.set_viewport_size(PHONE)
    _sign_in_to_the_admin(page, live_server, "sam", password, device)
    built = _build_the_course(page)
    _translate_the_course_into_spanish(page, built)

    # A participant who reads Spanish reads it in Spanish; one who reads English, as written.
    _participant_enrols_and_reads(
        browser,
        live_server,
        password,
        "lucia",
        {
            "courses": "Cursos",
            "course": "Preparar una entrevista de trabajo",
            "summary": "Prepárate para una entrevista y responde con confianza.",
            "module": "Antes de la entrevista",
            "start": "Empezar este curso",
            "enrolled": "Tu inscripción está lista.",
            "lesson": "Investiga a la empresa",
            "text": "Lee el sitio web de la empresa antes de ir.",
            "question": "¿Qué debes averiguar antes de la entrevista?",
            "answer": "A qué se dedica la empresa",
        },
    )
    _participant_enrols_and_reads(
        browser,
        live_server,
        password,
        "maya",
        {
            "courses": "Courses",
            "course": "Job Interview Skills",
            "summary": "Prepare for an interview and answer with confidence.",
            "module": "Before the interview",
            "start": "Start this course",
            "enrolled": "You are enrolled.",
            "lesson": "Research the employer",
            "text": "Read the employer's website before you go.",
            "question": "What should you find out before the interview?",
            "answer": "What the employer does",
        },
    )
    # Both are enrolled on the course as written: one course, whatever the language.
    enrolments = Enrolment.objects.filter(course=built["course"])
    assert sorted(enrolments.values_list("user__username", flat=True)) == ["lucia", "maya"]


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
