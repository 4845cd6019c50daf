"""Every change to enrolment and progress goes through these functions.

Each runs in one transaction, checks the rules before writing anything, and raises
``ValidationError`` with a plain-language message when a rule is not met, leaving data unchanged.
Completion is decided in exactly one place, :func:`enrolment_evaluate_completion`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from pathways.courses import translations
from pathways.courses.models import (
    ActivitySignoff,
    ActivityStatus,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    ReflectionAnswer,
)
from pathways.courses.selectors import completion_report
from pathways.courses.signals import course_completed
from pathways.lms.accounts.roles import Role, has_role, is_facilitator
from pathways.lms.core.history import log_change
from pathways.lms.notices.services import NoticeKind, notify


def _lock(enrolment: Enrolment) -> Enrolment:
    """Re-read the enrolment under a row lock so that concurrent requests queue behind it."""
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    locked.course = enrolment.course
    return locked


def _ensure_lesson_in_course(*, enrolment: Enrolment, lesson: LessonPage) -> None:
    if not lesson.live or not lesson.path.startswith(enrolment.course.path):
        raise ValidationError(_("This lesson is not part of your course."))
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError(_("You are not taking this course at the moment."))


def _touch(enrolment: Enrolment, lesson: LessonPage | None = None) -> None:
    fields = {"last_activity_at": timezone.now()}
    if lesson is not None:
        fields["last_lesson"] = lesson
    Enrolment.objects.filter(pk=enrolment.pk).update(**fields)


@transaction.atomic
def enrolment_start(*, user, course: CoursePage, enrolled_by=None) -> Enrolment:
    """Enrol a participant in a course, or re-activate a withdrawn enrolment.

    A participant enrols herself only in live courses open for enrolment whose prerequisites she
    has completed; programme staff (``enrolled_by``) may enrol anyone in any live course.
    Enrolling twice returns the existing enrolment. Enrolling in a translation of a course is
    enrolling in the course itself (its source page): one enrolment, whatever the language.
    """
    course = translations.source_page(course)
    if not course.live:
        raise ValidationError(_("This course is not available."))
    by_staff = enrolled_by is not None and enrolled_by != user
    if by_staff and not is_facilitator(enrolled_by):
        raise ValidationError(_("Only programme staff can enrol someone else."))
    existing = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
    if existing is not None and existing.status != EnrolmentStatus.WITHDRAWN:
        return existing
    if not has_role(user, Role.PARTICIPANT):
        raise ValidationError(_("Only participants can take courses."))
    if not by_staff:
        if not course.enrolment_open:
            raise ValidationError(
                _("This course is not open for enrolment right now. Staff can enrol you.")
            )
        required = list(course.prerequisites.all())
        if required:
            # A prerequisite named by one of its translations is the same course.
            completed = set(
                Enrolment.objects.filter(
                    user=user,
                    course__translation_key__in=[p.translation_key for p in required],
                    status=EnrolmentStatus.COMPLETED,
                ).values_list("course__translation_key", flat=True)
            )
            missing = [
                prerequisite
                for prerequisite in required
                if prerequisite.translation_key not in completed
            ]
            if missing:
                raise ValidationError(
                    _("Please complete %(courses)s first.")
                    % {"courses": ", ".join(prerequisite.title for prerequisite in missing)}
                )
    now = timezone.now()
    if existing is not None:
        existing.status = EnrolmentStatus.ACTIVE
        existing.withdrawn_at = None
        existing.last_activity_at = now
        existing.save(update_fields=["status", "withdrawn_at", "last_activity_at"])
        # Progress made before withdrawing still counts.
        transaction.on_commit(lambda: enrolment_evaluate_completion(enrolment=existing))
        return existing
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                user=user,
                course=course,
                enrolled_by=enrolled_by if by_staff else None,
                last_activity_at=now,
            )
    except IntegrityError:
        # A concurrent request enrolled the same person: theirs stands.
        return Enrolment.objects.get(user=user, course=course)


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    """Stop taking a course. Progress is kept, so re-enrolling picks up where it left off."""
    enrolment = _lock(enrolment)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise ValidationError(_("Only a course you are taking can be left."))
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment


@transaction.atomic
def lesson_start(*, enrolment: Enrolment, lesson: LessonPage) -> LessonProgress:
    """Record that the participant opened a lesson (idempotent) and remember where she is."""
    _ensure_lesson_in_course(enrolment=enrolment, lesson=lesson)
    progress, _created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    _touch(enrolment, lesson)
    return progress


@transaction.atomic
def lesson_complete(*, enrolment: Enrolment, lesson: LessonPage) -> LessonProgress:
    """Mark a lesson as done. Every quiz in it must be passed first."""
    _ensure_lesson_in_course(enrolment=enrolment, lesson=lesson)
    enrolment = _lock(enrolment)
    passed = set(
        QuizAttempt.objects.filter(enrolment=enrolment, lesson=lesson, passed=True).values_list(
            "block_id", flat=True
        )
    )
    unpassed = [block for block in lesson.interactive_blocks("quiz") if block.id not in passed]
    if unpassed:
        raise ValidationError(
            _("Pass the quiz “%(title)s” before marking this lesson as done.")
            % {"title": unpassed[0].value["title"]}
        )
    progress, _created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])
    _touch(enrolment, lesson)
    enrolment_evaluate_completion(enrolment=enrolment)
    return progress


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    text: str
    correct: bool
    chosen: list[str]
    feedback: list[tuple[str, str, bool]]  # (answer text, feedback, answer is correct)

    @property
    def partly_correct(self) -> bool:
        """Not right yet, but some of her choices were right ones ("choose all that apply")."""
        return not self.correct and any(answer_correct for _t, _f, answer_correct in self.feedback)


def _grade(quiz_value, answers: Mapping[str, Sequence[str]]) -> tuple[int, list[QuestionResult]]:
    questions = list(quiz_value["questions"].bound_blocks)
    results = []
    for question in questions:
        chosen = [str(choice) for choice in answers.get(question.id, [])]
        by_id = {answer.id: answer.value for answer in question.value["answers"].bound_blocks}
        if not chosen:
            raise ValidationError(_("Please answer every question before checking."))
        if len(set(chosen)) != len(chosen) or any(choice not in by_id for choice in chosen):
            raise ValidationError(_("One of the answers was not recognised. Please try again."))
        if question.value["kind"] == "single" and len(chosen) != 1:
            raise ValidationError(_("Please choose one answer for each 'choose one' question."))
        correct_ids = {answer_id for answer_id, answer in by_id.items() if answer["correct"]}
        results.append(
            QuestionResult(
                question_id=question.id,
                text=question.value["text"],
                correct=set(chosen) == correct_ids,
                chosen=chosen,
                feedback=[
                    (by_id[choice]["text"], by_id[choice]["feedback"], by_id[choice]["correct"])
                    for choice in chosen
                ],
            )
        )
    unknown = set(answers) - {question.id for question in questions}
    if unknown:
        raise ValidationError(_("One of the answers was not recognised. Please try again."))
    score = round(100 * sum(result.correct for result in results) / len(results))
    return score, results


@transaction.atomic
def quiz_submit(
    *,
    enrolment: Enrolment,
    lesson: LessonPage,
    block_id: str,
    answers: Mapping[str, Sequence[str]],
) -> QuizAttempt:
    """Grade and record one attempt at a quiz; every attempt is kept and the best one counts.

    ``answers`` maps question ids to the chosen answer ids. Incomplete or tampered submissions
    are refused without recording an attempt.
    """
    _ensure_lesson_in_course(enrolment=enrolment, lesson=lesson)
    block = lesson.find_block("quiz", block_id)
    if block is None:
        raise ValidationError(_("That quiz could not be found in this lesson."))
    enrolment = _lock(enrolment)
    previous = QuizAttempt.objects.filter(enrolment=enrolment, lesson=lesson, block_id=block_id)
    attempts_made = previous.count()
    max_attempts = block.value["max_attempts"] or 0
    if max_attempts and attempts_made >= max_attempts:
        raise ValidationError(
            _("You have used all %(count)s attempts at this quiz. Please talk to your facilitator.")
            % {"count": max_attempts}
        )
    score, _results = _grade(block.value, answers)
    attempt = QuizAttempt.objects.create(
        enrolment=enrolment,
        lesson=lesson,
        block_id=block_id,
        attempt_number=attempts_made + 1,
        answers={key: list(value) for key, value in answers.items()},
        score=score,
        passed=score >= block.value["pass_mark"],
    )
    LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    _touch(enrolment, lesson)
    enrolment_evaluate_completion(enrolment=enrolment)
    return attempt


def quiz_attempt_results(*, attempt: QuizAttempt, lesson: LessonPage) -> list[QuestionResult]:
    """The per-question feedback for an attempt already recorded."""
    block = lesson.find_block("quiz", attempt.block_id)
    if block is None:
        return []
    try:
        return _grade(block.value, attempt.answers)[1]
    except ValidationError:
        # The quiz was edited since this attempt; its feedback no longer applies.
        return []


@transaction.atomic
def reflection_save(
    *, enrolment: Enrolment, lesson: LessonPage, block_id: str, text: str
) -> ReflectionAnswer:
    """Save (or update) the participant's private answer to a reflection prompt."""
    _ensure_lesson_in_course(enrolment=enrolment, lesson=lesson)
    if lesson.find_block("reflection", block_id) is None:
        raise ValidationError(_("That reflection prompt could not be found in this lesson."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Please write something before saving."))
    if len(text) > 10_000:
        raise ValidationError(_("Please keep your reflection under 10,000 characters."))
    answer, _created = ReflectionAnswer.objects.update_or_create(
        enrolment=enrolment, lesson=lesson, block_id=block_id, defaults={"text": text}
    )
    LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    _touch(enrolment, lesson)
    return answer


@transaction.atomic
def activity_request_signoff(
    *, enrolment: Enrolment, lesson: LessonPage, block_id: str
) -> ActivitySignoff:
    """The participant says she has done a practical activity; a facilitator confirms it later.

    After a "not yet" she asks again once she has changed her work: the request goes back to the
    facilitator, who still sees the note she left.
    """
    _ensure_lesson_in_course(enrolment=enrolment, lesson=lesson)
    if lesson.find_block("activity", block_id) is None:
        raise ValidationError(_("That activity could not be found in this lesson."))
    signoff, _created = ActivitySignoff.objects.select_for_update().get_or_create(
        enrolment=enrolment, lesson=lesson, block_id=block_id
    )
    if signoff.status == ActivityStatus.RETURNED:
        signoff.status = ActivityStatus.REQUESTED
        signoff.requested_at = timezone.now()
        signoff.save(update_fields=["status", "requested_at"])
    _touch(enrolment, lesson)
    return signoff


def _check_facilitator_of(*, enrolment: Enrolment, lesson: LessonPage, block_id: str, actor):
    if not is_facilitator(actor):
        raise ValidationError(_("Only a facilitator can sign off a practical activity."))
    if actor == enrolment.user:
        raise ValidationError(_("Nobody can sign off their own practical activity."))
    _ensure_lesson_in_course(enrolment=enrolment, lesson=lesson)
    if lesson.find_block("activity", block_id) is None:
        raise ValidationError(_("That activity could not be found in this lesson."))


@transaction.atomic
def activity_sign_off(
    *,
    enrolment: Enrolment,
    lesson: LessonPage,
    block_id: str,
    signed_off_by,
    note: str = "",
) -> ActivitySignoff:
    """A facilitator confirms a participant did a practical activity (written to its history)."""
    _check_facilitator_of(
        enrolment=enrolment, lesson=lesson, block_id=block_id, actor=signed_off_by
    )
    signoff, created = ActivitySignoff.objects.select_for_update().get_or_create(
        enrolment=enrolment, lesson=lesson, block_id=block_id
    )
    if signoff.status != ActivityStatus.SIGNED_OFF:
        signoff.status = ActivityStatus.SIGNED_OFF
        signoff.signed_off_by = signed_off_by
        signoff.signed_off_at = timezone.now()
        signoff.note = (note or "").strip()[:2000]
        signoff.save(update_fields=["status", "signed_off_by", "signed_off_at", "note"])
        log_change(signoff, created=created, actor=signed_off_by)
        notify(
            enrolment.user,
            NoticeKind.SIGNOFF_GIVEN,
            url=reverse("courses:lesson", args=[lesson.pk]) + f"#activity-{block_id}",
            dedupe_key=f"signoff_given:{signoff.pk}",
        )
    enrolment_evaluate_completion(enrolment=enrolment)
    return signoff


#: Wagtail log action of a sign-off given back with a note ("not yet").
SIGNOFF_RETURN_ACTION = "pathways.signoff_returned"


@transaction.atomic
def activity_return(
    *,
    enrolment: Enrolment,
    lesson: LessonPage,
    block_id: str,
    returned_by,
    note: str,
) -> ActivitySignoff:
    """A facilitator says "not yet": the request goes back to the participant with a note.

    The note is required (it is what she works from) and reaches her on the lesson, on her
    dashboard and as a notice. Only a request waiting for sign-off can be returned; she asks
    again after changing her work (:func:`activity_request_signoff`). Written to its history.
    """
    _check_facilitator_of(enrolment=enrolment, lesson=lesson, block_id=block_id, actor=returned_by)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": _("Please write a note saying what to change, so she knows what to do next.")}
        )
    if len(note) > 2000:
        raise ValidationError({"note": _("Please keep the note under 2,000 characters.")})
    signoff = (
        ActivitySignoff.objects.select_for_update()
        .filter(enrolment=enrolment, lesson=lesson, block_id=block_id)
        .first()
    )
    if signoff is None or signoff.status != ActivityStatus.REQUESTED:
        raise ValidationError(_("Only an activity waiting for sign-off can be returned."))
    signoff.status = ActivityStatus.RETURNED
    signoff.return_note = note
    signoff.returned_at = timezone.now()
    signoff.returned_by = returned_by
    signoff.save(update_fields=["status", "return_note", "returned_at", "returned_by"])
    log(instance=signoff, action=SIGNOFF_RETURN_ACTION, user=returned_by)
    notify(
        enrolment.user,
        NoticeKind.SIGNOFF_RETURNED,
        url=reverse("courses:lesson", args=[lesson.pk]) + f"#activity-{block_id}",
        # Each "not yet" is news: a second one after she asked again tells her again.
        dedupe_key=f"signoff_returned:{signoff.pk}:{signoff.returned_at.isoformat()}",
    )
    return signoff


@transaction.atomic
def enrolment_evaluate_completion(*, enrolment: Enrolment) -> bool:
    """Decide whether the enrolment is complete, and record and announce it if it just became so.

    The only place completion is decided. Runs under a row lock, so concurrent calls announce a
    completion exactly once; ``course_completed`` is sent after the transaction commits.
    """
    enrolment = _lock(enrolment)
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return True
    if enrolment.status != EnrolmentStatus.ACTIVE:
        return False
    if not completion_report(enrolment).complete:
        return False
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["status", "completed_at"])
    transaction.on_commit(
        lambda: course_completed.send(sender=Enrolment, enrolment=enrolment), robust=False
    )
    return True
