"""Feedback she can see on her course pages: what happened is said at the top of the content,
where it takes the focus (messages and the error summary), a quiz keeps her answers when one is
missing, results never contradict each other, and done or to-do is said in words."""

import re

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from pathways.courses import services
from pathways.courses.models import (
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    ReflectionAnswer,
)
from pathways.courses.selectors import course_lessons
from tests.factories.courses import build_course, quiz_answer_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(client, participant):
    client.force_login(participant)
    return client


def _quiz(lesson):
    stored = LessonPage.objects.get(pk=lesson.pk)
    return next(block for block in stored.body if block.block_type == "quiz")


def _questions(lesson):
    """[(question id, kind, [(answer id, correct), ...]), ...] of the lesson's quiz."""
    return [
        (
            question.id,
            question.value["kind"],
            [(a.id, a.value["correct"]) for a in question.value["answers"].bound_blocks],
        )
        for question in _quiz(lesson).value["questions"].bound_blocks
    ]


def _post_answers(client, lesson, answers: dict[str, list[str]], **kwargs):
    url = reverse("courses:quiz", args=[lesson.pk, _quiz(lesson).id])
    return client.post(url, {f"q-{q}": chosen for q, chosen in answers.items()}, **kwargs)


def _error_summary(html: str) -> str:
    assert 'id="error-summary"' in html, "no error summary on the page"
    return html.split('id="error-summary"')[1].split("</div>")[0]


def _messages(html: str) -> str:
    assert 'id="pathways-messages"' in html, "no message on the page"
    return html.split('id="pathways-messages"')[1].split("</div>")[0]


def _checked(html: str, answer_id: str) -> bool:
    tag = re.search(rf'<input [^>]*id="a-{answer_id}"[^>]*>', html)
    assert tag, f"no input for answer {answer_id}"
    return " checked" in tag.group(0)


def _quiz_section(html: str) -> str:
    return html.split('class="quiz card"')[1].split("</section>")[0]


# A quiz with a question left out ---------------------------------------------------------------


def test_a_quiz_with_an_unanswered_question_keeps_every_answer_she_gave(
    client_of, enrolled, quiz_lesson
):
    (single_id, _k, single_answers), (multiple_id, _k2, multiple_answers) = _questions(quiz_lesson)
    her_choice = single_answers[1][0]
    response = _post_answers(client_of, quiz_lesson, {single_id: [her_choice]})
    html = response.content.decode()

    # The page comes back (not a redirect that loses her answers), nothing is recorded.
    assert response.status_code == 400
    assert not QuizAttempt.objects.exists()
    assert _checked(html, her_choice)
    assert not any(_checked(html, answer_id) for answer_id, _c in multiple_answers)
    # The summary names the missing question and links to its first answer.
    summary = _error_summary(html)
    assert f'href="#a-{multiple_answers[0][0]}"' in summary
    assert "Question 2: Choose at least one answer." in summary
    assert "Question 1" not in summary
    # The question itself says what is wrong and points to it.
    assert f'aria-describedby="question-error-{multiple_id}"' in html
    assert f'id="question-error-{multiple_id}"' in html
    # At the top of the content, before the heading, and the title says there is an error.
    assert html.index('id="error-summary"') < html.index("<h1")
    assert "<title>Error: " in html
    assert "data-focus-on-load" in summary.split(">")[0]


def test_a_quiz_keeps_several_ticked_answers_when_the_first_question_is_missing(
    client_of, enrolled, quiz_lesson
):
    (single_id, _k, single_answers), (multiple_id, _k2, multiple_answers) = _questions(quiz_lesson)
    ticked = [multiple_answers[0][0], multiple_answers[2][0]]
    html = _post_answers(client_of, quiz_lesson, {multiple_id: ticked}).content.decode()
    assert all(_checked(html, answer_id) for answer_id in ticked)
    assert not _checked(html, multiple_answers[1][0])
    summary = _error_summary(html)
    assert f'href="#a-{single_answers[0][0]}"' in summary
    assert "Question 1: Choose an answer." in summary


def test_a_tampered_quiz_answer_is_refused_on_the_page(client_of, enrolled, quiz_lesson):
    (single_id, _k, _a), (multiple_id, _k2, multiple_answers) = _questions(quiz_lesson)
    response = _post_answers(
        client_of,
        quiz_lesson,
        {single_id: ["not-an-answer"], multiple_id: [multiple_answers[0][0]]},
    )
    assert response.status_code == 400
    assert "not recognised" in _error_summary(response.content.decode())
    assert not QuizAttempt.objects.exists()


def test_a_service_refusal_of_a_quiz_shows_in_the_summary(
    client_of, enrolled, quiz_lesson, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError("You have used all 3 attempts at this quiz.")

    monkeypatch.setattr(services, "quiz_submit", refuse)
    _block_id, answers = quiz_answer_ids(quiz_lesson)
    response = _post_answers(client_of, quiz_lesson, answers)
    assert response.status_code == 400
    assert "You have used all 3 attempts" in _error_summary(response.content.decode())


# Results that agree with each other -----------------------------------------------------------


def test_a_quiz_result_is_told_at_the_top_and_the_page_is_not_scrolled_away(
    client_of, enrolled, quiz_lesson
):
    _block_id, wrong = quiz_answer_ids(quiz_lesson, correct=False)
    response = _post_answers(client_of, quiz_lesson, wrong)
    # Back to the lesson itself, not to an anchor further down: the message is at the top.
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:lesson", args=[quiz_lesson.pk])
    html = client_of.get(response["Location"]).content.decode()
    assert "You scored 0%. The pass mark is 80%." in _messages(html)
    assert html.index('id="pathways-messages"') < html.index("<h1")


def test_a_retaken_quiz_never_says_passed_and_zero_together(client_of, enrolled, quiz_lesson):
    _block_id, right = quiz_answer_ids(quiz_lesson)
    _block_id, wrong = quiz_answer_ids(quiz_lesson, correct=False)
    _post_answers(client_of, quiz_lesson, right)
    client_of.get(reverse("courses:lesson", args=[quiz_lesson.pk]))  # reads the first message
    html = _post_answers(client_of, quiz_lesson, wrong, follow=True).content.decode()

    assert "You passed" not in html
    assert "You scored 0%" not in html
    assert "Your best score (100%) still counts, so this quiz stays passed." in _messages(html)
    quiz = _quiz_section(html)
    assert "This attempt: 0%. Your best score (100%) still counts" in quiz
    assert "Quiz passed" in quiz
    # The feedback is the latest attempt's only.
    assert "Correct" not in quiz
    assert quiz.count("Not quite") == 2


def test_passing_after_failing_shows_only_the_latest_result(client_of, enrolled, quiz_lesson):
    _block_id, right = quiz_answer_ids(quiz_lesson)
    _block_id, wrong = quiz_answer_ids(quiz_lesson, correct=False)
    _post_answers(client_of, quiz_lesson, wrong, follow=True)
    html = _post_answers(client_of, quiz_lesson, right, follow=True).content.decode()
    quiz = _quiz_section(html)
    assert "You scored 100%. You passed!" in quiz
    assert "You scored 0%" not in quiz
    assert "Have another go" not in quiz
    assert "Not quite" not in quiz
    assert quiz.count("Correct") == 2
    # An old attempt asked for in the address is not mixed in either.
    first = QuizAttempt.objects.order_by("pk").first()
    url = reverse("courses:lesson", args=[quiz_lesson.pk]) + f"?attempt={first.pk}"
    quiz = _quiz_section(client_of.get(url).content.decode())
    assert "You scored 100%. You passed!" in quiz
    assert "Not quite" not in quiz


def test_not_quite_never_sits_next_to_right(client_of, enrolled, quiz_lesson):
    """One of two right answers ticked in a "choose all that apply" question: partly right,
    and its own feedback ("Right: ...") is not contradicted by "Not quite"."""
    (single_id, _k, single_answers), (multiple_id, _k2, multiple_answers) = _questions(quiz_lesson)
    wrong_single = next(answer_id for answer_id, correct in single_answers if not correct)
    one_right = multiple_answers[0][0]
    html = _post_answers(
        client_of, quiz_lesson, {single_id: [wrong_single], multiple_id: [one_right]}, follow=True
    ).content.decode()
    items = _quiz_section(html).split('<ol class="feedback-list">')[1].split("</ol>")[0]
    single_item, multiple_item = re.split(r"<li>\s*<p><strong>", items)[1:]
    assert "Not quite" in single_item
    assert "Right" not in single_item
    assert "Partly right" in multiple_item
    assert "(a right answer)" in multiple_item
    assert "Right: people calm down" in multiple_item
    assert "Not quite" not in multiple_item


# "Mark as done" waits for the quiz --------------------------------------------------------------


def test_mark_as_done_is_offered_only_once_the_quiz_is_passed(client_of, enrolled, quiz_lesson):
    done_url = reverse("courses:lesson_done", args=[quiz_lesson.pk])
    lesson_url = reverse("courses:lesson", args=[quiz_lesson.pk])
    html = client_of.get(lesson_url).content.decode()
    assert done_url not in html
    assert "Mark as done" not in html
    assert "Pass the quiz above, then you can mark this lesson as done." in html

    _block_id, wrong = quiz_answer_ids(quiz_lesson, correct=False)
    html = _post_answers(client_of, quiz_lesson, wrong, follow=True).content.decode()
    assert done_url not in html

    _block_id, right = quiz_answer_ids(quiz_lesson)
    html = _post_answers(client_of, quiz_lesson, right, follow=True).content.decode()
    assert done_url in html
    assert "Mark as done" in html
    assert "Pass the quiz above" not in html


def test_marking_done_before_the_quiz_is_passed_is_refused_on_the_page(
    client_of, enrolled, quiz_lesson
):
    response = client_of.post(reverse("courses:lesson_done", args=[quiz_lesson.pk]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Pass the quiz" in _error_summary(html)
    assert html.index('id="error-summary"') < html.index("<h1")
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


# Reflections, activities, enrolling -----------------------------------------------------------


def test_a_saved_reflection_is_told_at_the_top_of_the_lesson(client_of, enrolled, first_lesson):
    block_id = first_lesson.interactive_blocks("reflection")[0].id
    url = reverse("courses:reflection", args=[first_lesson.pk, block_id])
    response = client_of.post(url, {"text": "I will ask more questions"})
    assert response["Location"] == reverse("courses:lesson", args=[first_lesson.pk])
    html = client_of.get(response["Location"]).content.decode()
    assert "Your reflection is saved. Only you can see it." in _messages(html)
    assert html.index('id="pathways-messages"') < html.index("<h1")
    assert "I will ask more questions" in html
    assert ReflectionAnswer.objects.get().text == "I will ask more questions"


def test_an_empty_reflection_comes_back_with_the_summary_linking_to_the_box(
    client_of, enrolled, first_lesson
):
    block_id = first_lesson.interactive_blocks("reflection")[0].id
    url = reverse("courses:reflection", args=[first_lesson.pk, block_id])
    response = client_of.post(url, {"text": "   "})
    html = response.content.decode()
    assert response.status_code == 400
    summary = _error_summary(html)
    assert f'href="#reflection-text-{block_id}"' in summary
    assert "Please write something before saving." in summary
    assert 'aria-invalid="true"' in html
    assert not ReflectionAnswer.objects.exists()


def test_a_too_long_reflection_keeps_what_she_wrote(client_of, enrolled, first_lesson):
    block_id = first_lesson.interactive_blocks("reflection")[0].id
    text = "word " * 2001
    response = client_of.post(
        reverse("courses:reflection", args=[first_lesson.pk, block_id]), {"text": text}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "under 10,000 characters" in _error_summary(html)
    assert text.strip()[:200] in html
    assert not ReflectionAnswer.objects.exists()


def test_asking_for_a_sign_off_is_told_at_the_top(client, participant, course_with_activity):
    services.enrolment_start(user=participant, course=course_with_activity)
    lesson = course_lessons(course_with_activity).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    client.force_login(participant)
    response = client.post(reverse("courses:activity", args=[lesson.pk, block_id]), follow=True)
    assert "A facilitator will confirm this activity." in _messages(response.content.decode())
    # An activity that is not in the lesson: refused on the page, in the summary.
    response = client.post(reverse("courses:activity", args=[lesson.pk, "nope"]))
    assert response.status_code == 400
    assert "could not be found" in _error_summary(response.content.decode())


def test_enrolling_is_told_at_the_top_and_a_refusal_in_the_summary(client_of, course):
    response = client_of.post(reverse("courses:enrol", args=[course.pk]), follow=True)
    assert "You are enrolled. Welcome to the course!" in _messages(response.content.decode())
    advanced = build_course(title="Advanced", modules=1, lessons_per_module=1)
    advanced.prerequisites.add(course)
    advanced.save()
    response = client_of.post(reverse("courses:enrol", args=[advanced.pk]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please complete Workplace Readiness first." in _error_summary(html)
    assert html.index('id="error-summary"') < html.index("<h1")
    assert not Enrolment.objects.filter(course=advanced).exists()


# Done and to do, in words ---------------------------------------------------------------------


def test_course_overview_says_done_and_to_do_in_words_and_icons(client_of, enrolled, first_lesson):
    services.lesson_complete(enrolment=enrolled, lesson=first_lesson)
    html = client_of.get(reverse("courses:course", args=[enrolled.course_id])).content.decode()
    outline = html.split("<h2>Lessons</h2>")[1]
    first_item = outline.split(first_lesson.title)[1].split("</li>")[0]
    assert '<span aria-hidden="true">✓</span> Done' in first_item
    assert '<span aria-hidden="true">○</span> To do' in outline
    # The checklist says it too, not only with colour or hidden text.
    checklist = html.split('class="checklist"')[1].split("</ul>")[0]
    assert '<span aria-hidden="true">○</span> To do</span> Lessons done: 1 of 4' in checklist
    assert "visually-hidden" not in checklist


def test_a_lesson_says_whether_it_is_done(client_of, enrolled, first_lesson):
    url = reverse("courses:lesson", args=[first_lesson.pk])
    meta = client_of.get(url).content.decode().split('<p class="meta">')[1].split("</p>")[0]
    assert '<span aria-hidden="true">○</span> To do' in meta
    services.lesson_complete(enrolment=enrolled, lesson=first_lesson)
    meta = client_of.get(url).content.decode().split('<p class="meta">')[1].split("</p>")[0]
    assert '<span aria-hidden="true">✓</span> Done' in meta


# Leaving a course asks first ----------------------------------------------------------------


def test_the_course_page_asks_before_leaving(client_of, enrolled):
    leave_url = reverse("courses:withdraw", args=[enrolled.course_id])
    html = client_of.get(reverse("courses:course", args=[enrolled.course_id])).content.decode()
    # A link to the question, not a button that leaves straight away.
    assert f'href="{leave_url}">Leave this course</a>' in html
    assert f'action="{leave_url}"' not in html

    response = client_of.get(leave_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Leave Workplace Readiness?" in html
    assert "your progress, quiz results and reflections are kept" in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert "Yes, leave this course" in html
    course_url = reverse("courses:course", args=[enrolled.course_id])
    assert f'<a class="button" href="{course_url}">No, keep learning</a>' in html
    enrolled.refresh_from_db()
    assert enrolled.status == EnrolmentStatus.ACTIVE


def test_leaving_without_confirmation_changes_nothing(client_of, enrolled):
    leave_url = reverse("courses:withdraw", args=[enrolled.course_id])
    for data in ({}, {"confirm": ""}, {"confirm": "no"}):
        response = client_of.post(leave_url, data)
        assert response.status_code == 200
        assert "Yes, leave this course" in response.content.decode()
    enrolled.refresh_from_db()
    assert enrolled.status == EnrolmentStatus.ACTIVE
    assert enrolled.withdrawn_at is None


def test_confirming_leaves_the_course_and_says_so(client_of, enrolled, first_lesson):
    leave_url = reverse("courses:withdraw", args=[enrolled.course_id])
    response = client_of.post(leave_url, {"confirm": "yes"}, follow=True)
    enrolled.refresh_from_db()
    assert enrolled.status == EnrolmentStatus.WITHDRAWN
    assert response.redirect_chain[-1][0] == reverse("courses:dashboard")
    assert "You have left the course." in _messages(response.content.decode())
    assert client_of.get(reverse("courses:lesson", args=[first_lesson.pk])).status_code == 404


def test_leave_page_for_a_completed_course_or_someone_else_changes_nothing(
    client, participant, other_participant, course
):
    small = build_course(title="Small", modules=1, lessons_per_module=1, with_quiz=False)
    enrolment = services.enrolment_start(user=participant, course=small)
    services.lesson_complete(enrolment=enrolment, lesson=course_lessons(small).first())
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    client.force_login(participant)
    leave_url = reverse("courses:withdraw", args=[small.pk])
    assert client.get(leave_url)["Location"] == reverse("courses:course", args=[small.pk])
    response = client.post(leave_url, {"confirm": "yes"})
    assert response.status_code == 400
    assert "Only a course you are taking can be left." in _error_summary(response.content.decode())
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    # Someone not taking the course: as if the page did not exist.
    client.force_login(other_participant)
    assert client.get(leave_url).status_code == 404
    assert client.post(leave_url, {"confirm": "yes"}).status_code == 404
