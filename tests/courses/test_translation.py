"""Course content in her language: Wagtail translations of courses, modules and lessons.

A Spanish speaker reads the Spanish version of a course where one exists and the English one
otherwise, page by page; her enrolment, progress, quiz attempts and completion belong to the
course as one thing, whichever language she reads it in. The catalogue names each course once,
with the languages it is offered in. Content translation is the host's choice: with
``WAGTAIL_I18N_ENABLED`` off every page stands for itself, as written.
"""

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

import pytest

from pathways.courses import selectors, services, translations
from pathways.courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuizAttempt,
)
from pathways.courses.selectors import course_lessons
from tests.factories.accounts import ParticipantFactory
from tests.factories.courses import build_course, quiz_answer_ids
from tests.factories.translations import translate_course, translate_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(db):
    """A participant who reads Spanish: her pages are in Spanish wherever she signs in."""
    return ParticipantFactory(chosen_name="Rosa", preferred_language="es")


@pytest.fixture
def course(db):
    return build_course(title="Customer care", modules=2, lessons_per_module=2)


def _lessons(course) -> list[LessonPage]:
    return list(course_lessons(course))


def _translation(page, language="es"):
    return type(page).objects.get(
        translation_key=page.translation_key, locale__language_code=language
    )


def _html(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def _post_quiz(client, lesson_id: int, block_id: str, answers: dict) -> None:
    data = {f"q-{question}": chosen for question, chosen in answers.items()}
    response = client.post(reverse("courses:quiz", args=[lesson_id, block_id]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


# Reading in her language ----------------------------------------------------------------------


def test_a_spanish_speaker_reads_the_spanish_version_where_there_is_one(signed_in, rosa, course):
    lessons = _lessons(course)
    # The last lesson is not translated yet.
    translate_course(course, leave_out=[lessons[-1].pk])
    services.enrolment_start(user=rosa, course=course)
    client = signed_in(rosa)

    page = _html(client, "courses:course", course.pk)
    assert "ES Customer care" in page
    assert "ES Lesson 1.1" in page
    assert "ES Module 1" in page
    # Not translated: in English, as written.
    assert "Lesson 2.2" in page and "ES Lesson 2.2" not in page

    lesson = _html(client, "courses:lesson", lessons[0].pk)
    assert "ES Lesson 1.1" in lesson
    assert "ES texto." in lesson
    assert "ES What is one thing from this lesson" in lesson
    untranslated = _html(client, "courses:lesson", lessons[-1].pk)
    assert "Lesson 2.2" in untranslated
    assert "ES Lesson 2.2" not in untranslated
    assert "ES texto." not in untranslated


def test_someone_reading_english_reads_the_course_as_written(signed_in, participant, course):
    translate_course(course)
    services.enrolment_start(user=participant, course=course)
    client = signed_in(participant)

    page = _html(client, "courses:course", course.pk)
    assert "Customer care" in page
    assert "ES Customer care" not in page
    assert "ES Lesson" not in _html(client, "courses:lesson", _lessons(course)[0].pk)


def test_the_spanish_pages_ids_lead_to_the_course_itself(signed_in, rosa, participant, course):
    spanish = translate_course(course)
    spanish_lesson = _translation(_lessons(course)[0])
    client = signed_in(rosa)

    # Enrolling from the Spanish course's page enrols her in the course.
    assert client.post(reverse("courses:enrol", args=[spanish.pk])).status_code == 302
    enrolment = Enrolment.objects.get(user=rosa)
    assert enrolment.course_id == course.pk
    # ...and the Spanish lesson's address opens the lesson, in Spanish.
    assert "ES Lesson 1.1" in _html(client, "courses:lesson", spanish_lesson.pk)
    assert "ES Customer care" in _html(client, "courses:course", spanish.pk)
    # Staff enrolling someone in the Spanish page enrol her in the course too.
    staff_enrolment = services.enrolment_start(user=participant, course=spanish)
    assert staff_enrolment.course_id == course.pk


# One course across its languages -----------------------------------------------------------


def test_progress_made_in_spanish_is_progress_in_the_course(signed_in, rosa, course):
    translate_course(course)
    enrolment = services.enrolment_start(user=rosa, course=course)
    client = signed_in(rosa)
    first, quizzed = _lessons(course)[0], _lessons(course)[1]
    spanish_quizzed = _translation(quizzed)

    # She answers the Spanish quiz on the Spanish lesson's address: the attempt is the
    # lesson's, graded on its questions.
    block_id, answers = quiz_answer_ids(quizzed)
    _post_quiz(client, spanish_quizzed.pk, block_id, answers)
    attempt = QuizAttempt.objects.get(enrolment=enrolment)
    assert attempt.lesson_id == quizzed.pk
    assert attempt.passed
    # The feedback she reads is in Spanish.
    assert "ES Yes. Early notice" in _html(client, "courses:lesson", spanish_quizzed.pk)

    client.post(reverse("courses:lesson_done", args=[_translation(first).pk]))
    client.post(reverse("courses:lesson_done", args=[spanish_quizzed.pk]))
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )
    assert done == {first.pk, quizzed.pk}
    assert not LessonProgress.objects.exclude(lesson__in=_lessons(course)).exists()

    # Read in English, the same progress shows.
    with translation.override("en"):
        outline = selectors.course_outline(course, enrolment)
    states = {item.lesson.pk: item.done for module in outline for item in module.lessons}
    assert states[first.pk] and states[quizzed.pk]

    # Completing the rest in English completes the one course.
    for lesson in _lessons(course)[2:]:
        enrolment.refresh_from_db()
        if lesson.interactive_blocks("quiz"):
            block_id, answers = quiz_answer_ids(lesson)
            services.quiz_submit(
                enrolment=enrolment, lesson=lesson, block_id=block_id, answers=answers
            )
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert Enrolment.objects.filter(user=rosa).count() == 1


def test_the_dashboard_shows_her_courses_in_spanish(signed_in, rosa, course):
    translate_course(course)
    services.enrolment_start(user=rosa, course=course)
    page = _html(signed_in(rosa), "courses:dashboard")
    assert "ES Customer care" in page


def test_requirements_name_the_quizzes_in_her_language(rosa, course):
    translate_course(course)
    enrolment = services.enrolment_start(user=rosa, course=course)
    with translation.override("es"):
        labels = [str(r.label) for r in selectors.completion_report(enrolment).requirements]
    assert any("ES Quiz" in label for label in labels)
    with translation.override("en"):
        labels = [str(r.label) for r in selectors.completion_report(enrolment).requirements]
    assert not any("ES " in label for label in labels)


def test_a_translation_out_of_step_with_its_lesson_is_not_shown(signed_in, rosa, course):
    """Answers are always graded on the lesson's own questions: a translation whose quiz differs
    (here an answer marked right that is wrong in the lesson) waits until it is brought up to
    date, and she reads the lesson as written."""
    quizzed = _lessons(course)[1]

    def wrong_answers_marked_right(lesson):
        body = []
        for block in lesson.body.raw_data:
            if block["type"] == "quiz":
                for question in block["value"]["questions"]:
                    for answer in question["value"]["answers"]:
                        answer["value"]["correct"] = True
            body.append(block)
        return body

    translate_course(course)
    translate_page(quizzed, "es", title="ES changed", body=wrong_answers_marked_right(quizzed))
    services.enrolment_start(user=rosa, course=course)

    page = _html(signed_in(rosa), "courses:lesson", quizzed.pk)
    assert "ES changed" not in page
    assert "Lesson 1.2" in page


def test_a_page_shown_in_spanish_is_never_saved_over_the_course(rosa, course):
    translate_course(course)
    with translation.override("es"):
        shown = selectors.live_course(course.pk)
    assert shown.title == "ES Customer care"
    with pytest.raises(RuntimeError):
        shown.save()
    with pytest.raises(RuntimeError):
        shown.save_revision()
    assert CoursePage.objects.get(pk=course.pk).title == "Customer care"


def test_a_course_whose_source_is_unpublished_is_not_found(signed_in, rosa, course):
    spanish = translate_course(course)
    course.unpublish()
    client = signed_in(rosa)
    assert client.get(reverse("courses:course", args=[spanish.pk])).status_code == 404


# The catalogue ---------------------------------------------------------------------------------


def test_the_catalogue_names_each_course_once_with_its_languages(signed_in, rosa, participant):
    translated = build_course(title="Customer care", modules=1, lessons_per_module=1)
    build_course(title="Interviews", modules=1, lessons_per_module=1)
    translate_course(translated)

    english = _html(signed_in(participant), "courses:catalogue")
    assert english.count("Customer care</a>") == 1
    assert "ES Customer care" not in english
    assert '<span lang="en">English</span>, <span lang="es">Español</span>' in english
    # The untranslated course is offered in English only.
    interviews = english.split("Interviews</a>", 1)[1].split("</li>", 1)[0]
    assert '<span lang="en">English</span>' in interviews
    assert "Español" not in interviews

    spanish = _html(signed_in(rosa), "courses:catalogue")
    assert "ES Customer care</a>" in spanish
    assert spanish.count("Customer care</a>") == 1
    # Her enrolment shows on the course, whichever language she enrolled from.
    services.enrolment_start(user=rosa, course=_translation(translated))
    assert translated.pk in {c.pk for c in selectors.open_courses()}


def _count(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_catalogue_takes_a_fixed_number_of_queries_whatever_the_translations(
    signed_in, rosa, django_assert_max_num_queries
):
    client = signed_in(rosa)
    first = build_course(title="First", modules=1, lessons_per_module=1)
    translate_course(first)
    services.enrolment_start(user=rosa, course=first)
    url = reverse("courses:catalogue")
    few = _count(client, url, django_assert_max_num_queries, 20)
    for number in range(4):
        course = build_course(title=f"Course {number}", modules=1, lessons_per_module=1)
        translate_course(course)
        services.enrolment_start(user=rosa, course=course)
    many = _count(client, url, django_assert_max_num_queries, 20)
    assert many == few


@pytest.mark.parametrize("url_name", ["courses:dashboard", "courses:course"])
def test_course_pages_in_spanish_take_a_fixed_number_of_queries(
    signed_in, rosa, django_assert_max_num_queries, url_name
):
    client = signed_in(rosa)
    small = build_course(title="Small", modules=1, lessons_per_module=1)
    big = build_course(title="Big", modules=3, lessons_per_module=3)
    counts = []
    for course in (small, big):
        translate_course(course)
        services.enrolment_start(user=rosa, course=course)
        args = [course.pk] if url_name == "courses:course" else []
        with django_assert_max_num_queries(40) as captured:
            assert client.get(reverse(url_name, args=args)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# Without content translation (the host's choice) ---------------------------------------------


@override_settings(WAGTAIL_I18N_ENABLED=False)
def test_without_content_translation_every_page_stands_for_itself(signed_in, rosa, course):
    spanish = translate_course(course)
    client = signed_in(rosa)

    # The course as written, even for a Spanish speaker.
    catalogue = _html(client, "courses:catalogue")
    assert '<span lang="en">English</span>' in catalogue
    page = _html(client, "courses:course", course.pk)
    assert "ES Customer care" not in page
    # The Spanish page is a course of its own: enrolling there is enrolling in it.
    client.post(reverse("courses:enrol", args=[spanish.pk]))
    assert Enrolment.objects.get(user=rosa).course_id == spanish.pk
    assert translations.source_page(spanish) == spanish


@override_settings(WAGTAIL_I18N_ENABLED=False)
def test_without_content_translation_a_course_is_taken_end_to_end(
    signed_in, rosa, course, django_assert_max_num_queries
):
    client = signed_in(rosa)
    assert "Customer care" in _html(client, "courses:catalogue")
    client.post(reverse("courses:enrol", args=[course.pk]))
    enrolment = Enrolment.objects.get(user=rosa, course=course)
    for lesson in _lessons(course):
        assert lesson.title in _html(client, "courses:lesson", lesson.pk)
        if lesson.interactive_blocks("quiz"):
            block_id, answers = quiz_answer_ids(lesson)
            _post_quiz(client, lesson.pk, block_id, answers)
        client.post(reverse("courses:lesson_done", args=[lesson.pk]))
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    # Nothing is looked up about translations: no locale in any query of the course page.
    with django_assert_max_num_queries(40) as captured:
        client.get(reverse("courses:course", args=[course.pk]))
    assert not any("wagtailcore_locale" in query["sql"] for query in captured.captured_queries)


def test_modules_and_lessons_keep_the_rules_of_the_course(rosa, course):
    """A translation's own settings (a lesson marked optional there) change nothing: the rules
    are the course's."""
    translate_course(course)
    lesson = _lessons(course)[0]
    translate_page(lesson, "es", required=False)
    module = ModulePage.objects.child_of(course).first()
    enrolment = services.enrolment_start(user=rosa, course=course)
    with translation.override("es"):
        outline = selectors.course_outline(course, enrolment)
        report = selectors.completion_report(enrolment)
    first = outline[0].lessons[0].lesson
    assert first.pk == lesson.pk and first.required
    assert outline[0].module.pk == module.pk
    assert not report.requirements[0].met
    assert "4" in str(report.requirements[0].label)


# Translating in the admin (wagtail-localize) --------------------------------------------------


def test_staff_translate_a_course_in_the_admin_and_it_is_shown_once_published(
    client, staff, rosa, course
):
    pytest.importorskip("wagtail_localize")
    from tests.factories.translations import locale

    spanish_locale = locale("es")
    client.force_login(staff)
    submit = reverse("wagtail_localize:submit_page_translation", args=[course.pk])
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert submit in edit_page  # "Translate this page"

    response = client.post(submit, {"locales": [spanish_locale.pk], "include_subtree": "on"})

    assert response.status_code == 302
    spanish = CoursePage.objects.get(translation_key=course.translation_key, locale=spanish_locale)
    lessons = _lessons(course)
    translated = {
        lesson.translation_key: lesson
        for lesson in LessonPage.objects.filter(locale=spanish_locale)
    }
    assert len(translated) == len(lessons)
    # The copies keep every quiz, prompt and activity of the course as they are.
    assert all(lesson.translation_fits(translated[lesson.translation_key]) for lesson in lessons)
    # The translator's editor opens on the Spanish page.
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[spanish.pk]))
    assert editor.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in editor.templates]
    # A draft until the translator publishes it: not offered in Spanish yet.
    assert not spanish.live
    services.enrolment_start(user=rosa, course=course)
    with translation.override("es"):
        assert selectors.open_courses()[0].offered_in == [("en", "English")]

    translate_page(spanish, "es", title="Atención al cliente")
    with translation.override("es"):
        shown = selectors.open_courses()[0]
    assert shown.title == "Atención al cliente"
    assert shown.offered_in == [("en", "English"), ("es", "Español")]


def test_a_prerequisite_named_by_its_translation_is_met_by_the_course(rosa, course):
    spanish = translate_course(course)
    advanced = build_course(title="Advanced", modules=1, lessons_per_module=1)
    advanced.prerequisites.add(spanish)
    advanced.save()
    with pytest.raises(ValidationError):
        services.enrolment_start(user=rosa, course=advanced)
    Enrolment.objects.create(user=rosa, course=course, status=EnrolmentStatus.COMPLETED)
    assert services.enrolment_start(user=rosa, course=advanced).course_id == advanced.pk


def test_her_reflections_are_listed_under_the_lessons_spanish_titles(signed_in, rosa, course):
    translate_course(course)
    enrolment = services.enrolment_start(user=rosa, course=course)
    lesson = _lessons(course)[0]
    services.reflection_save(
        enrolment=enrolment,
        lesson=lesson,
        block_id=lesson.interactive_blocks("reflection")[0].id,
        text="Llamar antes si llego tarde.",
    )
    page = _html(signed_in(rosa), "courses:reflections")
    assert "ES Lesson 1.1" in page
    assert "ES Customer care" in page


def test_a_cohort_runs_the_course_itself_when_staff_pick_its_translation(course):
    from pathways.cohorts.models import CohortCourse
    from tests.factories.cohorts import CohortFactory

    spanish = translate_page(course, "es", title="Atención al cliente")
    run = CohortCourse(cohort=CohortFactory(), course=spanish)
    run.full_clean()
    assert run.course.pk == course.pk
