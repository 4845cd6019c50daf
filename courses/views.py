"""Participant pages: dashboard, catalogue, course overview, lesson player, reflections.

Views are thin: they look things up through selectors (which 404 on anything the participant may
not see) and change things only through services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pathways.courses import selectors, services
from pathways.courses.models import (
    ActivitySignoff,
    ActivityStatus,
    CoursePage,
    EnrolmentStatus,
    QuizAttempt,
    ReflectionAnswer,
)
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.accounts.roles import is_facilitator
from pathways.lms.accounts.sign_in import login_required
from pathways.lms.core.errors import show_errors


@login_required
def dashboard(request):
    summaries = selectors.participant_enrolment_summaries(request.user)
    in_progress = [
        summary for summary in summaries if summary.enrolment.status == EnrolmentStatus.ACTIVE
    ]
    completed = sorted(
        (summary for summary in summaries if summary.enrolment.status == EnrolmentStatus.COMPLETED),
        key=lambda summary: summary.enrolment.completed_at,
        reverse=True,
    )
    return render(
        request,
        "courses/dashboard.html",
        {
            "page_title": _("My learning"),
            "in_progress": in_progress,
            "recently_completed": completed[:5],
            "continue_summary": in_progress[0] if in_progress else None,
        },
    )


def _completed(enrolment) -> bool:
    return enrolment is not None and enrolment.status == EnrolmentStatus.COMPLETED


@login_required
def catalogue(request):
    courses = list(selectors.open_courses())
    enrolled = {
        summary.enrolment.course_id: summary.enrolment
        for summary in selectors.participant_enrolment_summaries(request.user)
    }
    return render(
        request,
        "courses/catalogue.html",
        {
            "page_title": _("Courses"),
            # (course, her enrolment or None, whether she completed it)
            "courses": [
                (course, enrolled.get(course.pk), _completed(enrolled.get(course.pk)))
                for course in courses
            ],
        },
    )


def _live_course(course_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live(), pk=course_id)


@login_required
def course_overview(request, course_id: int):
    course = _live_course(course_id)
    enrolment = selectors.participant_enrolment(request.user, course)
    active = enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN
    if not active and not course.enrolment_open:
        raise Http404
    report = selectors.completion_report(enrolment) if active else None
    return render(
        request,
        "courses/course.html",
        {
            "page_title": course.title,
            "course": course,
            "enrolment": enrolment if active else None,
            "completed": active and _completed(enrolment),
            "taking": active and enrolment.status == EnrolmentStatus.ACTIVE,
            "outline": selectors.course_outline(course, enrolment if active else None),
            "report": report,
            "skills": course.skills.all(),
            "prerequisites": course.prerequisites.live(),
        },
    )


@login_required
@require_POST
def course_enrol(request, course_id: int):
    course = _live_course(course_id)
    try:
        services.enrolment_start(user=request.user, course=course)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("You are enrolled. Welcome to the course!"))
    return redirect("courses:course", course_id=course.pk)


@login_required
@require_POST
def course_withdraw(request, course_id: int):
    course = _live_course(course_id)
    enrolment = selectors.participant_enrolment(request.user, course)
    if enrolment is None:
        raise Http404
    try:
        services.enrolment_withdraw(enrolment=enrolment)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request, _("You have left the course. Your progress is saved if you come back.")
        )
    return redirect("courses:dashboard")


def _block_items(lesson, enrolment, attempt: QuizAttempt | None):
    """Each block of the lesson with what the participant needs to see next to it."""
    attempts: dict[str, list[QuizAttempt]] = {}
    for row in QuizAttempt.objects.filter(enrolment=enrolment, lesson=lesson):
        attempts.setdefault(row.block_id, []).append(row)
    reflections = {
        row.block_id: row
        for row in ReflectionAnswer.objects.filter(enrolment=enrolment, lesson=lesson)
    }
    signoffs = {
        row.block_id: row
        for row in ActivitySignoff.objects.filter(enrolment=enrolment, lesson=lesson)
    }
    items = []
    for block in lesson.body:
        state = {}
        if block.block_type == "quiz":
            made = attempts.get(block.id, [])
            limit = block.value["max_attempts"] or 0
            state = {
                "attempts": made,
                "best": max((row.score for row in made), default=None),
                "passed": any(row.passed for row in made),
                "attempts_left": (limit - len(made)) if limit else None,
                "result": attempt if attempt and attempt.block_id == block.id else None,
                "results": (
                    services.quiz_attempt_results(attempt=attempt, lesson=lesson)
                    if attempt and attempt.block_id == block.id
                    else None
                ),
            }
            if state["result"]:
                state["chosen"] = {
                    answer_id for chosen in attempt.answers.values() for answer_id in chosen
                }
        elif block.block_type == "reflection":
            state = {"answer": reflections.get(block.id)}
        elif block.block_type == "activity":
            signoff = signoffs.get(block.id)
            state = {
                "signoff": signoff,
                "signed_off": signoff is not None and signoff.status == ActivityStatus.SIGNED_OFF,
            }
        items.append({"block": block, "state": state})
    return items


@login_required
def lesson_detail(request, lesson_id: int):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    services.lesson_start(enrolment=enrolment, lesson=lesson)
    attempt = None
    attempt_id = request.GET.get("attempt", "")
    if attempt_id.isdigit():
        attempt = QuizAttempt.objects.filter(
            pk=int(attempt_id), enrolment=enrolment, lesson=lesson
        ).first()
    previous, following = selectors.lesson_neighbours(lesson, enrolment.course)
    progress = enrolment.lesson_progress.filter(lesson=lesson).first()
    return render(
        request,
        "courses/lesson.html",
        {
            "page_title": lesson.title,
            "lesson": lesson,
            "course": enrolment.course,
            "enrolment": enrolment,
            "items": _block_items(lesson, enrolment, attempt),
            "done": bool(progress and progress.completed_at),
            "previous": previous,
            "next": following,
            "attempt": attempt,
        },
    )


@login_required
@require_POST
def lesson_mark_done(request, lesson_id: int):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    try:
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("courses:lesson", lesson_id=lesson.pk)
    enrolment.refresh_from_db(fields=["status"])
    if enrolment.status == EnrolmentStatus.COMPLETED:
        messages.success(
            request,
            _("Well done! You have completed %(course)s.") % {"course": enrolment.course.title},
        )
        return redirect("courses:course", course_id=enrolment.course_id)
    messages.success(request, _("Lesson marked as done."))
    _previous, following = selectors.lesson_neighbours(lesson, enrolment.course)
    if following is not None:
        return redirect("courses:lesson", lesson_id=following.pk)
    return redirect("courses:course", course_id=enrolment.course_id)


@login_required
@require_POST
def quiz_submit(request, lesson_id: int, block_id: str):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    block = lesson.find_block("quiz", block_id)
    if block is None:
        raise Http404
    answers = {
        question.id: request.POST.getlist(f"q-{question.id}")
        for question in block.value["questions"].bound_blocks
        if request.POST.getlist(f"q-{question.id}")
    }
    try:
        attempt = services.quiz_submit(
            enrolment=enrolment, lesson=lesson, block_id=block_id, answers=answers
        )
    except ValidationError as error:
        show_errors(request, error)
        return redirect(reverse("courses:lesson", args=[lesson.pk]) + f"#quiz-{block_id}")
    if attempt.passed:
        messages.success(
            request, _("You passed with %(score)s%%. Well done!") % {"score": attempt.score}
        )
    else:
        messages.info(
            request,
            _(
                "You scored %(score)s%%. The pass mark is %(pass_mark)s%%. "
                "Read the feedback and try again."
            )
            % {"score": attempt.score, "pass_mark": block.value["pass_mark"]},
        )
    return redirect(
        reverse("courses:lesson", args=[lesson.pk]) + f"?attempt={attempt.pk}#quiz-{block_id}"
    )


@login_required
@require_POST
def reflection_save(request, lesson_id: int, block_id: str):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    try:
        services.reflection_save(
            enrolment=enrolment,
            lesson=lesson,
            block_id=block_id,
            text=request.POST.get("text", ""),
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Your reflection is saved. Only you can see it."))
    return redirect(reverse("courses:lesson", args=[lesson.pk]) + f"#reflection-{block_id}")


@login_required
@require_POST
def activity_request(request, lesson_id: int, block_id: str):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    try:
        services.activity_request_signoff(enrolment=enrolment, lesson=lesson, block_id=block_id)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Thank you. A facilitator will confirm this activity."))
    return redirect(reverse("courses:lesson", args=[lesson.pk]) + f"#activity-{block_id}")


@login_required
def my_reflections(request):
    return render(
        request,
        "courses/reflections.html",
        {
            "page_title": _("My reflections"),
            "reflections": selectors.participant_reflections(request.user),
        },
    )


def _require_facilitator(user) -> None:
    if not is_facilitator(user):
        raise Http404


@login_required
def signoff_list(request):
    _require_facilitator(request.user)
    return render(
        request,
        "courses/signoffs.html",
        {
            "page_title": _("Practical activities to sign off"),
            "signoffs": selectors.pending_signoffs(request.user),
        },
    )


@login_required
@require_POST
def signoff_confirm(request, signoff_id: int):
    _require_facilitator(request.user)
    signoff = get_object_or_404(selectors.pending_signoffs(request.user), pk=signoff_id)
    try:
        services.activity_sign_off(
            enrolment=signoff.enrolment,
            lesson=signoff.lesson,
            block_id=signoff.block_id,
            signed_off_by=request.user,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        show_errors(request, error)
    except PermissionDenied as error:
        raise Http404 from error
    else:
        messages.success(
            request,
            _("Signed off for %(name)s.") % {"name": chosen_name_of(signoff.enrolment.user)},
        )
    return redirect("courses:signoffs")
