"""The "Courses" screens of the Wagtail admin: the course list and each course's outline, with
buttons into Wagtail's page editor for the right page type and parent. Only people who may edit
pages reach them."""

from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from pathways.courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from tests.factories.courses import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    build_course,
    quiz_block,
    sample_quiz_questions,
)

pytestmark = pytest.mark.django_db

COURSES = reverse("courses_admin:index")


@pytest.fixture
def admin(signed_in, staff):
    return signed_in(staff)


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def _add_url(model, parent) -> str:
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


def _links(soup) -> dict[str, str]:
    """Each link's text (with its visually hidden words) -> its address."""
    return {
        " ".join(link.get_text(" ", strip=True).split()): link["href"]
        for link in soup.select("a[href]")
    }


def test_the_list_shows_each_course_with_its_track_language_state_and_size(admin):
    course = build_course(title="Workplace Readiness", modules=2, lessons_per_module=3)
    draft = CoursePageFactory(title="Leading a Team", track="leadership", language="es", live=False)
    soup = _soup(admin.get(COURSES))
    rows = {
        row.select_one("td").get_text(" ", strip=True): [
            cell.get_text(" ", strip=True) for cell in row.select("td")
        ]
        for row in soup.select("table.listing tbody tr")
    }
    assert rows["Workplace Readiness"][:6] == [
        "Workplace Readiness",
        "Vocational training",
        "English",
        "live",
        "2",
        "6",
    ]
    assert rows["Leading a Team"][:6] == [
        "Leading a Team",
        "Leadership",
        "Spanish",
        "draft",
        "0",
        "0",
    ]
    assert _links(soup)["Workplace Readiness"] == reverse("courses_admin:course", args=[course.pk])
    assert draft.pk != course.pk


def test_the_list_runs_a_fixed_number_of_queries(admin, django_assert_max_num_queries):
    build_course(title="First", modules=1, lessons_per_module=1)
    admin.get(COURSES)  # warm up: the session and the admin's menus

    def count() -> int:
        with django_assert_max_num_queries(100) as captured:
            assert admin.get(COURSES).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for number in range(5):
        build_course(title=f"Course {number}", modules=2, lessons_per_module=2)
    assert count() == few


def test_add_course_opens_the_page_editor_under_the_catalogue_and_comes_back(admin):
    index = CourseIndexPageFactory()
    add = _links(_soup(admin.get(COURSES)))["Add course"]
    assert add.startswith(_add_url(CoursePage, index))
    assert "next=" + COURSES.replace("/", "%2F") in add
    assert admin.get(add).status_code == 200


def test_with_two_catalogues_each_has_its_own_add_course(admin, settings):
    from wagtail.models import Page

    from pathways.courses.site_tree import default_site_root

    settings.WAGTAIL_I18N_ENABLED = False
    first = CourseIndexPageFactory()
    other_home = default_site_root().add_child(
        instance=Page(title="Second site", slug="second-site", live=True)
    )
    second = CourseIndexPageFactory(parent=other_home, title="Cursos", slug="cursos")
    links = _links(_soup(admin.get(COURSES)))
    assert links["Add course to “Courses”"].startswith(_add_url(CoursePage, first))
    assert links["Add course to “Cursos”"].startswith(_add_url(CoursePage, second))


def test_without_a_catalogue_the_list_says_how_to_add_one(admin):
    assert not CourseIndexPage.objects.exists()
    soup = _soup(admin.get(COURSES))
    text = soup.select_one("main").get_text(" ", strip=True)
    assert "does not have one yet" in text
    links = _links(soup)
    assert "Add course" not in links
    add_catalogue = links["Add a course catalogue page"]
    assert "/add/pathways_courses/courseindexpage/" in add_catalogue
    assert admin.get(add_catalogue).status_code == 200


def test_the_outline_shows_modules_and_their_lessons_with_add_and_edit_buttons(admin):
    course = CoursePageFactory(title="Customer Service")
    first = ModulePageFactory(parent=course, title="Listening")
    second = ModulePageFactory(parent=course, title="Solving problems", live=False)
    reading = LessonPageFactory(parent=first, title="Why listening matters")
    quiz = LessonPageFactory(
        parent=first,
        title="Check your listening",
        body=[quiz_block(questions=sample_quiz_questions())],
    )
    url = reverse("courses_admin:course", args=[course.pk])
    soup = _soup(admin.get(url))

    modules = soup.select(".course-outline__module")
    assert [m.select_one("h3").get_text(" ", strip=True) for m in modules] == [
        "Module Listening",
        "Module Solving problems",
    ]
    lessons = [
        lesson.select_one(".course-outline__title").get_text(strip=True)
        for lesson in modules[0].select(".course-outline__lesson")
    ]
    assert lessons == ["Why listening matters", "Check your listening"]
    assert "Quiz" in modules[0].select(".course-outline__lesson")[1].get_text(" ", strip=True)
    assert "No lessons yet." in modules[1].get_text(" ", strip=True)
    assert "draft" in modules[1].get_text(" ", strip=True)

    links = _links(soup)
    next_param = "next=" + url.replace("/", "%2F")
    assert links["Add module"].startswith(_add_url(ModulePage, course))
    assert links["Add lesson to Listening"].startswith(_add_url(LessonPage, first))
    assert links["Add lesson to Solving problems"].startswith(_add_url(LessonPage, second))
    assert links["Edit Check your listening"].startswith(
        reverse("wagtailadmin_pages:edit", args=[quiz.pk])
    )
    assert links["Edit Why listening matters"].startswith(
        reverse("wagtailadmin_pages:edit", args=[reading.pk])
    )
    assert links["Edit Listening"].startswith(reverse("wagtailadmin_pages:edit", args=[first.pk]))
    for label in ("Add module", "Add lesson to Listening", "Edit Check your listening"):
        assert next_param in links[label]
    # Each button opens Wagtail's editor for that page type and parent.
    assert admin.get(links["Add lesson to Listening"]).status_code == 200
    assert admin.get(links["Add module"]).status_code == 200
    # The course's enrolments, one click away.
    assert links["Enrolments"] == f"{reverse('enrolments:index')}?course={course.pk}"
    assert admin.get(links["Enrolments"]).status_code == 200


def test_an_empty_course_says_to_add_a_module_first(admin):
    course = CoursePageFactory(title="Brand new")
    soup = _soup(admin.get(reverse("courses_admin:course", args=[course.pk])))
    assert "has no modules yet" in soup.select_one("main").get_text(" ", strip=True)


def test_the_outline_runs_a_fixed_number_of_queries(admin, django_assert_max_num_queries):
    small = build_course(title="Small", modules=1, lessons_per_module=1)
    big = build_course(title="Big", modules=4, lessons_per_module=4)

    def count(course) -> int:
        url = reverse("courses_admin:course", args=[course.pk])
        admin.get(url)
        with django_assert_max_num_queries(100) as captured:
            assert admin.get(url).status_code == 200
        return len(captured.captured_queries)

    assert count(big) == count(small)


def test_publishing_a_new_lesson_from_the_outline_comes_back_to_it(admin):
    course = CoursePageFactory(title="Interview skills")
    module = ModulePageFactory(parent=course, title="Preparing")
    outline = reverse("courses_admin:course", args=[course.pk])
    add = f"{_add_url(LessonPage, module)}?next={outline}"
    response = admin.post(
        add,
        {
            "title": "Research the employer",
            "slug": "research-the-employer",
            "required": "on",
            "estimated_minutes": "15",
            "body-count": "0",
            "action-publish": "action-publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == outline
    lesson = LessonPage.objects.get(title="Research the employer")
    assert lesson.get_parent().pk == module.pk
    assert "Research the employer" in admin.get(outline).content.decode()


def test_an_unknown_course_is_404(admin):
    assert admin.get(reverse("courses_admin:course", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", ["participant", "mentor", "facilitator", "employer_user"])
def test_only_people_who_may_edit_pages_reach_the_course_screens(client, request, role):
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    client.force_login(request.getfixturevalue(role))
    for url in (COURSES, reverse("courses_admin:course", args=[course.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        assert "Workplace Readiness" not in response.content.decode()


def test_the_courses_menu_shows_for_staff_and_not_for_facilitators(client, staff, facilitator):
    client.force_login(staff)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert COURSES in home
    client.force_login(facilitator)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert COURSES not in home


def test_a_translated_course_is_listed_once_with_links_to_its_translations(admin, settings):
    from tests.factories.translations import translate_course

    settings.WAGTAIL_I18N_ENABLED = True
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    spanish = translate_course(course, "es")
    soup = _soup(admin.get(COURSES))
    rows = soup.select("table.listing tbody tr")
    assert len(rows) == 1
    # Under the course's title, in reach on a phone: "Also in: Español", named in itself.
    title_cell = rows[0].select_one("td")
    assert title_cell.get_text(" ", strip=True) == "Workplace Readiness Also in: Español"
    links = _links(title_cell)
    assert links["Workplace Readiness"] == reverse("courses_admin:course", args=[course.pk])
    assert links["Español"] == reverse("courses_admin:course", args=[spanish.pk])
    assert title_cell.find("a", string="Español")["lang"] == "es"

    # The translation's own outline: its modules and lessons, its language, and the way back.
    translated = _soup(admin.get(links["Español"]))
    lessons = translated.select(".course-outline__lesson .course-outline__title")
    assert [lesson.get_text(strip=True) for lesson in lessons] == ["ES Lesson 1.1"]
    assert _links(translated)["English"] == reverse("courses_admin:course", args=[course.pk])


def test_a_translations_outline_names_its_own_language_not_the_one_copied_from_the_source(
    admin, settings
):
    """wagtail-localize copies the source's "Language" field onto its translations; the outline
    of the Spanish version says Spanish all the same, and the source's says its own."""
    from tests.factories.translations import translate_page

    settings.WAGTAIL_I18N_ENABLED = True
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    spanish = translate_page(course, "es", title="Preparación para el trabajo")
    assert spanish.language == "en"  # copied from the source, as translating leaves it

    def facts(page) -> str:
        soup = _soup(admin.get(reverse("courses_admin:course", args=[page.pk])))
        return soup.select_one(".course-outline__facts").get_text(" ", strip=True)

    assert facts(spanish).endswith("Vocational training · Spanish")
    assert facts(course).endswith("Vocational training · English")


def test_the_list_with_translations_runs_a_fixed_number_of_queries(
    admin, settings, django_assert_max_num_queries
):
    from tests.factories.translations import translate_course

    settings.WAGTAIL_I18N_ENABLED = True
    translate_course(build_course(title="First", modules=1, lessons_per_module=1))
    admin.get(COURSES)

    def count() -> int:
        with django_assert_max_num_queries(100) as captured:
            assert admin.get(COURSES).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for number in range(3):
        translate_course(build_course(title=f"Course {number}", modules=1, lessons_per_module=1))
    assert count() == few


def test_without_content_translation_every_course_stands_alone(admin, settings):
    settings.WAGTAIL_I18N_ENABLED = False
    build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    soup = _soup(admin.get(COURSES))
    headers = [cell.get_text(strip=True) for cell in soup.select("table.listing thead th")]
    assert headers == ["Course", "Track", "Language", "Status", "Modules", "Lessons"]


def test_with_a_catalogue_in_each_language_add_course_names_the_language(admin, settings):
    from tests.factories.translations import translate_page

    settings.WAGTAIL_I18N_ENABLED = True
    english = CourseIndexPageFactory()
    spanish = translate_page(english, "es", title="Cursos")
    links = _links(_soup(admin.get(COURSES)))
    assert links["Add course to “Courses” (English)"].startswith(_add_url(CoursePage, english))
    assert links["Add course to “Cursos” (Español)"].startswith(_add_url(CoursePage, spanish))


def test_a_translations_outline_sends_staff_to_the_original_to_add_modules_and_lessons(
    admin, settings
):
    """Modules and lessons added under a translation would exist in one language only: the
    translation's outline offers no "Add" and links to the original course instead."""
    from tests.factories.translations import translate_course

    settings.WAGTAIL_I18N_ENABLED = True
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    spanish = translate_course(course, "es")

    def adds(soup) -> list[str]:
        texts = (link.get_text(" ", strip=True) for link in soup.find_all("a"))
        return [text for text in texts if text.startswith(("Add lesson", "Add module"))]

    original = _soup(admin.get(reverse("courses_admin:course", args=[course.pk])))
    assert adds(original) == ["Add module", "Add lesson to Module 1"]

    translated = _soup(admin.get(reverse("courses_admin:course", args=[spanish.pk])))
    assert adds(translated) == []
    assert "This is a translation." in translated.get_text()
    assert _links(translated)["Open the original course"] == reverse(
        "courses_admin:course", args=[course.pk]
    )
