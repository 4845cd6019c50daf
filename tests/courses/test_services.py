"""The rules of enrolment, progress and completion, as the services enforce them."""

from django.core.exceptions import ValidationError

import pytest

from pathways.courses import services
from pathways.courses.models import (
    ActivitySignoff,
    ActivityStatus,
    Enrolment,
    EnrolmentStatus,
    LessonProgress,
    QuizAttempt,
    ReflectionAnswer,
)
from pathways.courses.selectors import completion_report, course_lessons
from pathways.courses.signals import course_completed
from tests.factories.courses import build_course, quiz_answer_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def completions():
    """Every course_completed announcement made during the test."""
    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(receiver, weak=False)
    yield received
    course_completed.disconnect(receiver)


def finish_course(enrolment):
    """Pass every quiz and mark every lesson done, through the services."""
    for lesson in course_lessons(enrolment.course).specific():
        if lesson.interactive_blocks("quiz"):
            block_id, answers = quiz_answer_ids(lesson)
            services.quiz_submit(
                enrolment=enrolment, lesson=lesson, block_id=block_id, answers=answers
            )
        services.lesson_complete(enrolment=enrolment, lesson=lesson)


# Enrolment ---------------------------------------------------------------------------------


def test_participant_enrols_in_open_course(participant, course):
    enrolment = services.enrolment_start(user=participant, course=course)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert enrolment.enrolled_at is not None
    assert enrolment.enrolled_by is None


def test_enrolling_twice_returns_the_same_enrolment(participant, course):
    first = services.enrolment_start(user=participant, course=course)
    second = services.enrolment_start(user=participant, course=course)
    assert first.pk == second.pk
    assert Enrolment.objects.filter(user=participant).count() == 1


def test_participant_cannot_enrol_herself_in_closed_course(participant):
    closed = build_course(title="Closed", enrolment_open=False, modules=1, lessons_per_module=1)
    with pytest.raises(ValidationError, match="not open for enrolment"):
        services.enrolment_start(user=participant, course=closed)
    assert not Enrolment.objects.exists()


def test_staff_can_enrol_a_participant_in_a_closed_course(participant, staff):
    closed = build_course(title="Closed", enrolment_open=False, modules=1, lessons_per_module=1)
    enrolment = services.enrolment_start(user=participant, course=closed, enrolled_by=staff)
    assert enrolment.enrolled_by == staff


def test_participant_cannot_enrol_someone_else(participant, other_participant, course):
    with pytest.raises(ValidationError, match="Only programme staff"):
        services.enrolment_start(user=other_participant, course=course, enrolled_by=participant)
    assert not Enrolment.objects.exists()


def test_unpublished_course_cannot_be_enrolled(participant, course):
    course.unpublish()
    course.refresh_from_db()
    with pytest.raises(ValidationError, match="not available"):
        services.enrolment_start(user=participant, course=course)


def test_prerequisites_must_be_completed_first(participant, course):
    advanced = build_course(title="Leading Groups", modules=1, lessons_per_module=1)
    advanced.prerequisites.add(course)
    advanced.save()
    with pytest.raises(ValidationError, match="Workplace Readiness"):
        services.enrolment_start(user=participant, course=advanced)

    finish_course(services.enrolment_start(user=participant, course=course))
    enrolment = services.enrolment_start(user=participant, course=advanced)
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_withdrawing_keeps_progress_and_re_enrolling_resumes(participant, course):
    enrolment = services.enrolment_start(user=participant, course=course)
    first = course_lessons(course).first()
    services.lesson_complete(enrolment=enrolment, lesson=first)
    services.enrolment_withdraw(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    assert enrolment.withdrawn_at is not None

    again = services.enrolment_start(user=participant, course=course)
    assert again.pk == enrolment.pk
    assert again.status == EnrolmentStatus.ACTIVE
    assert LessonProgress.objects.get(enrolment=again, lesson=first).completed_at is not None


def test_withdrawn_enrolment_cannot_be_withdrawn_again(participant, course):
    enrolment = services.enrolment_start(user=participant, course=course)
    services.enrolment_withdraw(enrolment=enrolment)
    with pytest.raises(ValidationError):
        services.enrolment_withdraw(enrolment=enrolment)


# Lessons -----------------------------------------------------------------------------------


def test_lesson_from_another_course_is_refused(participant, course):
    other = build_course(title="Other", modules=1, lessons_per_module=1)
    enrolment = services.enrolment_start(user=participant, course=course)
    foreign = course_lessons(other).first()
    with pytest.raises(ValidationError, match="not part of your course"):
        services.lesson_complete(enrolment=enrolment, lesson=foreign)
    assert not LessonProgress.objects.filter(lesson=foreign).exists()


def test_lesson_with_quiz_cannot_be_done_before_passing(participant, course):
    enrolment = services.enrolment_start(user=participant, course=course)
    quiz_lesson = course_lessons(course)[1]
    with pytest.raises(ValidationError, match="Pass the quiz"):
        services.lesson_complete(enrolment=enrolment, lesson=quiz_lesson)
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_marking_done_twice_keeps_the_first_time(participant, course):
    enrolment = services.enrolment_start(user=participant, course=course)
    lesson = course_lessons(course).first()
    first = services.lesson_complete(enrolment=enrolment, lesson=lesson).completed_at
    second = services.lesson_complete(enrolment=enrolment, lesson=lesson).completed_at
    assert first == second
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1


def test_lesson_start_remembers_where_she_left_off(participant, course):
    enrolment = services.enrolment_start(user=participant, course=course)
    lesson = course_lessons(course)[2]
    services.lesson_start(enrolment=enrolment, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == lesson.pk


# Quizzes -----------------------------------------------------------------------------------


@pytest.fixture
def quiz_setup(participant, course):
    enrolment = services.enrolment_start(user=participant, course=course)
    lesson = course_lessons(course).specific()[1]
    return enrolment, lesson


def test_correct_answers_pass_and_wrong_answers_fail(quiz_setup):
    enrolment, lesson = quiz_setup
    block_id, wrong = quiz_answer_ids(lesson, correct=False)
    failed = services.quiz_submit(
        enrolment=enrolment, lesson=lesson, block_id=block_id, answers=wrong
    )
    assert failed.score == 0
    assert not failed.passed
    _, right = quiz_answer_ids(lesson)
    passed = services.quiz_submit(
        enrolment=enrolment, lesson=lesson, block_id=block_id, answers=right
    )
    assert passed.score == 100
    assert passed.passed
    assert [attempt.attempt_number for attempt in QuizAttempt.objects.all()] == [1, 2]


def test_half_right_scores_fifty_and_multiple_choice_needs_every_right_answer(quiz_setup):
    enrolment, lesson = quiz_setup
    block_id, right = quiz_answer_ids(lesson)
    _, wrong = quiz_answer_ids(lesson, correct=False)
    single, multiple = list(right)
    assert len(right[multiple]) > 1
    answers = {single: right[single], multiple: right[multiple][:1]}
    attempt = services.quiz_submit(
        enrolment=enrolment, lesson=lesson, block_id=block_id, answers=answers
    )
    assert attempt.score == 50
    assert not attempt.passed


def test_best_score_counts_after_a_worse_later_attempt(quiz_setup):
    enrolment, lesson = quiz_setup
    block_id, right = quiz_answer_ids(lesson)
    _, wrong = quiz_answer_ids(lesson, correct=False)
    services.quiz_submit(enrolment=enrolment, lesson=lesson, block_id=block_id, answers=right)
    services.quiz_submit(enrolment=enrolment, lesson=lesson, block_id=block_id, answers=wrong)
    services.lesson_complete(enrolment=enrolment, lesson=lesson)
    report = completion_report(enrolment)
    quiz_requirement = [r for r in report.requirements if "Quiz" in r.label][0]
    assert quiz_requirement.met


@pytest.mark.parametrize(
    "tamper",
    [
        "unanswered_question",
        "unknown_answer",
        "two_answers_to_choose_one",
        "unknown_question",
        "duplicate_answer",
    ],
)
def test_bad_quiz_submissions_are_refused_and_record_nothing(quiz_setup, tamper):
    enrolment, lesson = quiz_setup
    block_id, answers = quiz_answer_ids(lesson)
    single, multiple = list(answers)
    question = lesson.find_block("quiz", block_id).value["questions"].bound_blocks[0]
    all_answer_ids = [answer.id for answer in question.value["answers"].bound_blocks]
    if tamper == "unanswered_question":
        del answers[multiple]
    elif tamper == "unknown_answer":
        answers[single] = ["not-an-answer"]
    elif tamper == "two_answers_to_choose_one":
        answers[single] = all_answer_ids[:2]
    elif tamper == "unknown_question":
        answers["made-up"] = answers[single]
    elif tamper == "duplicate_answer":
        answers[multiple] = [answers[multiple][0], answers[multiple][0]]
    with pytest.raises(ValidationError):
        services.quiz_submit(enrolment=enrolment, lesson=lesson, block_id=block_id, answers=answers)
    assert not QuizAttempt.objects.exists()


def test_unknown_quiz_block_is_refused(quiz_setup):
    enrolment, lesson = quiz_setup
    with pytest.raises(ValidationError, match="could not be found"):
        services.quiz_submit(enrolment=enrolment, lesson=lesson, block_id="nope", answers={})


def test_attempt_limit_is_enforced(participant):
    course = build_course(title="Limited", modules=1, lessons_per_module=1)
    lesson = course_lessons(course).specific().first()
    raw = lesson.body.raw_data
    for block in raw:
        if block["type"] == "quiz":
            block["value"]["max_attempts"] = 2
    lesson.body = raw
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    enrolment = services.enrolment_start(user=participant, course=course)
    block_id, wrong = quiz_answer_ids(lesson, correct=False)
    for _ in range(2):
        services.quiz_submit(enrolment=enrolment, lesson=lesson, block_id=block_id, answers=wrong)
    _, right = quiz_answer_ids(lesson)
    with pytest.raises(ValidationError, match="used all 2 attempts"):
        services.quiz_submit(enrolment=enrolment, lesson=lesson, block_id=block_id, answers=right)
    assert QuizAttempt.objects.count() == 2


# Reflections -------------------------------------------------------------------------------


def test_reflection_is_saved_and_updated_in_place(participant, course):
    enrolment = services.enrolment_start(user=participant, course=course)
    lesson = course_lessons(course).specific().first()
    block_id = lesson.interactive_blocks("reflection")[0].id
    services.reflection_save(enrolment=enrolment, lesson=lesson, block_id=block_id, text="One")
    services.reflection_save(enrolment=enrolment, lesson=lesson, block_id=block_id, text="Two")
    assert list(ReflectionAnswer.objects.values_list("text", flat=True)) == ["Two"]


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_001])
def test_empty_or_huge_reflection_is_refused(participant, course, text):
    enrolment = services.enrolment_start(user=participant, course=course)
    lesson = course_lessons(course).specific().first()
    block_id = lesson.interactive_blocks("reflection")[0].id
    with pytest.raises(ValidationError):
        services.reflection_save(enrolment=enrolment, lesson=lesson, block_id=block_id, text=text)
    assert not ReflectionAnswer.objects.exists()


# Practical activities ----------------------------------------------------------------------


def test_only_a_facilitator_signs_off_and_never_her_own(
    participant, other_participant, facilitator, course_with_activity
):
    enrolment = services.enrolment_start(user=participant, course=course_with_activity)
    lesson = course_lessons(course_with_activity).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    services.activity_request_signoff(enrolment=enrolment, lesson=lesson, block_id=block_id)
    with pytest.raises(ValidationError, match="Only a facilitator"):
        services.activity_sign_off(
            enrolment=enrolment, lesson=lesson, block_id=block_id, signed_off_by=participant
        )
    with pytest.raises(ValidationError, match="Only a facilitator"):
        services.activity_sign_off(
            enrolment=enrolment,
            lesson=lesson,
            block_id=block_id,
            signed_off_by=other_participant,
        )
    assert ActivitySignoff.objects.get().status == ActivityStatus.REQUESTED
    services.activity_sign_off(
        enrolment=enrolment, lesson=lesson, block_id=block_id, signed_off_by=facilitator
    )
    signoff = ActivitySignoff.objects.get()
    assert signoff.status == ActivityStatus.SIGNED_OFF
    assert signoff.signed_off_by == facilitator


def test_facilitator_cannot_sign_off_own_activity(course_with_activity):
    from pathways.lms.accounts.roles import Role
    from tests.factories.accounts import UserFactory

    both = UserFactory(roles=[Role.PARTICIPANT, Role.FACILITATOR])
    enrolment = services.enrolment_start(user=both, course=course_with_activity)
    lesson = course_lessons(course_with_activity).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    with pytest.raises(ValidationError, match="own practical activity"):
        services.activity_sign_off(
            enrolment=enrolment, lesson=lesson, block_id=block_id, signed_off_by=both
        )


# Completion --------------------------------------------------------------------------------


def test_course_completes_when_every_rule_is_met_and_is_announced_once(
    participant, course, completions, django_capture_on_commit_callbacks
):
    enrolment = services.enrolment_start(user=participant, course=course)
    lessons = list(course_lessons(course).specific())
    for lesson in lessons[:-1]:
        if lesson.interactive_blocks("quiz"):
            block_id, answers = quiz_answer_ids(lesson)
            services.quiz_submit(
                enrolment=enrolment, lesson=lesson, block_id=block_id, answers=answers
            )
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert completions == []

    with django_capture_on_commit_callbacks(execute=True):
        finish_course(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.completed_at is not None
    assert completions == [enrolment.pk]

    # Evaluating again, or doing more, never announces it twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.enrolment_evaluate_completion(enrolment=enrolment)
        services.lesson_complete(enrolment=enrolment, lesson=lessons[0])
    assert completions == [enrolment.pk]


def test_failed_quiz_blocks_completion(participant):
    course = build_course(title="One", modules=1, lessons_per_module=1)
    enrolment = services.enrolment_start(user=participant, course=course)
    lesson = course_lessons(course).specific().first()
    block_id, wrong = quiz_answer_ids(lesson, correct=False)
    services.quiz_submit(enrolment=enrolment, lesson=lesson, block_id=block_id, answers=wrong)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert not completion_report(enrolment).complete


def test_practical_activity_must_be_signed_off_to_complete(
    participant, facilitator, course_with_activity, completions, django_capture_on_commit_callbacks
):
    enrolment = services.enrolment_start(user=participant, course=course_with_activity)
    with django_capture_on_commit_callbacks(execute=True):
        finish_course(enrolment)
    assert completions == []
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    unmet = [requirement.label for requirement in completion_report(enrolment).unmet]
    assert unmet == ["Practical activity signed off: Practice conversation"]

    lesson = course_lessons(course_with_activity).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_sign_off(
            enrolment=enrolment, lesson=lesson, block_id=block_id, signed_off_by=facilitator
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert completions == [enrolment.pk]


def test_optional_lessons_are_not_needed(participant):
    course = build_course(title="Short", modules=1, lessons_per_module=2, with_quiz=False)
    optional = course_lessons(course).specific().last()
    optional.required = False
    optional.save_revision().publish()
    enrolment = services.enrolment_start(user=participant, course=course)
    services.lesson_complete(enrolment=enrolment, lesson=course_lessons(course).first())
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_withdrawn_enrolment_does_not_complete(
    participant, course, completions, django_capture_on_commit_callbacks
):
    enrolment = services.enrolment_start(user=participant, course=course)
    services.enrolment_withdraw(enrolment=enrolment)
    with django_capture_on_commit_callbacks(execute=True):
        assert not services.enrolment_evaluate_completion(enrolment=enrolment)
    assert completions == []


def test_extra_requirements_from_the_hook_are_part_of_completion(participant, completions):
    from wagtail import hooks

    from pathways.courses.selectors import COMPLETION_REQUIREMENTS_HOOK, Requirement

    course = build_course(title="Hours", modules=1, lessons_per_module=1, with_quiz=False)

    def attended_hours(enrolment):
        return [Requirement(label="Attended 10 hours", met=False)]

    with hooks.register_temporarily(COMPLETION_REQUIREMENTS_HOOK, attended_hours):
        enrolment = services.enrolment_start(user=participant, course=course)
        services.lesson_complete(enrolment=enrolment, lesson=course_lessons(course).first())
        enrolment.refresh_from_db()
        assert enrolment.status == EnrolmentStatus.ACTIVE
        assert [r.label for r in completion_report(enrolment).unmet] == ["Attended 10 hours"]
    assert completions == []


@pytest.mark.parametrize("factory_name", ["EmployerUserFactory", "MentorFactory", "UserFactory"])
def test_only_participants_can_take_courses(course, staff, factory_name):
    from tests.factories import accounts as factories

    someone = getattr(factories, factory_name)()
    with pytest.raises(ValidationError, match="Only participants"):
        services.enrolment_start(user=someone, course=course)
    with pytest.raises(ValidationError, match="Only participants"):
        services.enrolment_start(user=someone, course=course, enrolled_by=staff)
    assert not Enrolment.objects.exists()
