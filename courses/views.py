"""Participant pages: dashboard, catalogue, course overview, lesson player, reflections.

Views are thin: they look things up through selectors (which 404 on anything the participant may
not see) and change things only through services.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pathways.courses import selectors, services
from pathways.courses.dashboard import dashboard_panels
from pathways.courses.forms import QuizForm, ReflectionForm, RefusalForm, question_field_name
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
from pathways.lms.core.errors import add_form_errors, show_errors


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
    panels = dashboard_panels(request, request.user)
    return render(
        request,
        "courses/dashboard.html",
        {
            "page_title": _("My learning"),
            "in_progress": in_progress,
            "recently_completed": completed[:5],
            "continue_summary": in_progress[0] if in_progress else None,
            # What comes next: her next session, sign-offs, check-in, certificates, sharing.
            "panels": panels,
            "panels_show_times": any(panel.shows_times for panel in panels),
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
    # The course itself for any of its translations' ids, shown in her language.
    return selectors.live_course(course_id)


def _course_page(request, course: CoursePage, *, error_form=None, status: int = 200):
    enrolment = selectors.participant_enrolment(request.user, course)
    active = enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN
    if not active and not course.enrolment_open:
        raise Http404
    report = selectors.completion_report(enrolment) if active else None
    return render(
        request,
        "courses/course.html",
        {
            "page_title": _error_title(course.title, error_form),
            "course": course,
            "enrolment": enrolment if active else None,
            "completed": active and _completed(enrolment),
            "taking": active and enrolment.status == EnrolmentStatus.ACTIVE,
            "outline": selectors.course_outline(course, enrolment if active else None),
            "report": report,
            "skills": selectors.course_skills(course),
            "prerequisites": course.prerequisites.live(),
            "error_form": error_form,
        },
        status=status,
    )


def _error_title(title: str, error_form) -> str:
    """The page title, saying first when the page came back with something to correct."""
    if error_form is not None and error_form.errors:
        return _("Error: %(title)s") % {"title": title}
    return title


@login_required
def course_overview(request, course_id: int):
    return _course_page(request, _live_course(course_id))


@login_required
@require_POST
def course_enrol(request, course_id: int):
    course = _live_course(course_id)
    try:
        services.enrolment_start(user=request.user, course=course)
    except ValidationError as error:
        enrolment = selectors.participant_enrolment(request.user, course)
        if not course.enrolment_open and (
            enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN
        ):
            # The course page is not shown to someone who cannot join: say why on the catalogue.
            messages.error(request, " ".join(error.messages))
            return redirect("courses:catalogue")
        return _course_page(request, course, error_form=RefusalForm.for_error(error), status=400)
    messages.success(request, _("You are enrolled. Welcome to the course!"))
    return redirect("courses:course", course_id=course.pk)


@login_required
def course_withdraw(request, course_id: int):
    """Leaving a course takes two steps: this page says what happens, then she confirms."""
    course = _live_course(course_id)
    enrolment = selectors.participant_enrolment(request.user, course)
    if enrolment is None:
        raise Http404
    error_form = None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.enrolment_withdraw(enrolment=enrolment)
        except ValidationError as error:
            error_form = RefusalForm.for_error(error)
        else:
            messages.success(
                request, _("You have left the course. Your progress is saved if you come back.")
            )
            return redirect("courses:dashboard")
    elif enrolment.status != EnrolmentStatus.ACTIVE:
        # A course she completed or already left: there is nothing to confirm.
        return redirect("courses:course", course_id=course.pk)
    return render(
        request,
        "courses/leave.html",
        {
            "page_title": _error_title(
                _("Leave %(course)s?") % {"course": course.title}, error_form
            ),
            "course": course,
            "enrolment": enrolment,
            "may_leave": enrolment.status == EnrolmentStatus.ACTIVE,
            "error_form": error_form,
        },
        status=400 if error_form is not None else 200,
    )


def _quiz_state(block, made: list[QuizAttempt], lesson, form: QuizForm | None) -> dict:
    """What the quiz shows: where she stands, and the feedback of her latest attempt only."""
    limit = block.value["max_attempts"] or 0
    latest = made[-1] if made else None
    passed = any(row.passed for row in made)
    if form is not None and form.is_bound:
        chosen = form.chosen()
    elif latest is not None:
        chosen = {answer_id for answers in latest.answers.values() for answer_id in answers}
    else:
        chosen = set()
    questions = []
    for question in block.value["questions"].bound_blocks:
        name = question_field_name(question.id)
        errors = form[name].errors if form is not None and form.is_bound else []
        questions.append({"question": question, "name": name, "errors": errors})
    return {
        "attempts": made,
        "best": max((row.score for row in made), default=None),
        "passed": passed,
        "attempts_left": (limit - len(made)) if limit else None,
        "latest": latest,
        "results": (
            services.quiz_attempt_results(attempt=latest, lesson=lesson) if latest else None
        ),
        "chosen": chosen,
        "questions": questions,
        "form": form,
    }


def _block_items(lesson, enrolment, *, quiz_form=None, reflection_form=None):
    """Each block of the lesson with what the participant needs to see next to it.

    A form she sent that needs correcting (``quiz_form``, ``reflection_form``) is shown in its
    block with everything she gave kept.
    """
    attempts: dict[str, list[QuizAttempt]] = {}
    for row in QuizAttempt.objects.filter(enrolment=enrolment, lesson=lesson).order_by(
        "attempt_number", "pk"
    ):
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
            form = quiz_form if quiz_form is not None and quiz_form.quiz.id == block.id else None
            state = _quiz_state(block, attempts.get(block.id, []), lesson, form)
        elif block.block_type == "reflection":
            answer = reflections.get(block.id)
            form = (
                reflection_form
                if reflection_form is not None and reflection_form.block.id == block.id
                else None
            )
            state = {
                "answer": answer,
                # What she wrote last: the text she just sent, or else her saved answer.
                "text": form.data.get("text", "") if form is not None else answer and answer.text,
                "errors": form["text"].errors if form is not None else [],
            }
        elif block.block_type == "activity":
            signoff = signoffs.get(block.id)
            state = {
                "signoff": signoff,
                "signed_off": signoff is not None and signoff.status == ActivityStatus.SIGNED_OFF,
            }
        items.append({"block": block, "state": state})
    return items


def _lesson_page(
    request,
    lesson,
    enrolment,
    *,
    error_form=None,
    quiz_form=None,
    reflection_form=None,
    status: int = 200,
):
    previous, following = selectors.lesson_neighbours(lesson, enrolment.course)
    progress = enrolment.lesson_progress.filter(lesson=lesson).first()
    items = _block_items(lesson, enrolment, quiz_form=quiz_form, reflection_form=reflection_form)
    return render(
        request,
        "courses/lesson.html",
        {
            "page_title": _error_title(lesson.title, error_form),
            "lesson": lesson,
            "course": enrolment.course,
            "enrolment": enrolment,
            "items": items,
            "done": bool(progress and progress.completed_at),
            # "Mark as done" waits until every quiz of the lesson is passed.
            "quizzes_to_pass": [
                item["block"]
                for item in items
                if item["block"].block_type == "quiz" and not item["state"]["passed"]
            ],
            "previous": previous,
            "next": following,
            "error_form": error_form,
        },
        status=status,
    )


@login_required
def lesson_detail(request, lesson_id: int):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    services.lesson_start(enrolment=enrolment, lesson=lesson)
    return _lesson_page(request, lesson, enrolment)


@login_required
@require_POST
def lesson_mark_done(request, lesson_id: int):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    try:
        services.lesson_complete(enrolment=enrolment, lesson=lesson)
    except ValidationError as error:
        return _lesson_page(
            request, lesson, enrolment, error_form=RefusalForm.for_error(error), status=400
        )
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


def _quiz_message(request, attempt: QuizAttempt, block) -> None:
    """Her result, told once and consistently: the attempt she just made, and whether the quiz
    is passed (the best attempt counts)."""
    if attempt.passed:
        messages.success(
            request, _("You passed with %(score)s%%. Well done!") % {"score": attempt.score}
        )
        return
    earlier = QuizAttempt.objects.filter(
        enrolment=attempt.enrolment, lesson=attempt.lesson, block_id=attempt.block_id
    ).exclude(pk=attempt.pk)
    best = earlier.filter(passed=True).order_by("-score").first()
    if best is not None:
        messages.info(
            request,
            _(
                "This attempt: %(score)s%%. Your best score (%(best)s%%) still counts, so this "
                "quiz stays passed."
            )
            % {"score": attempt.score, "best": best.score},
        )
        return
    messages.info(
        request,
        _(
            "You scored %(score)s%%. The pass mark is %(pass_mark)s%%. "
            "Read the feedback under each question and try again."
        )
        % {"score": attempt.score, "pass_mark": block.value["pass_mark"]},
    )


@login_required
@require_POST
def quiz_submit(request, lesson_id: int, block_id: str):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    block = lesson.find_block("quiz", block_id)
    if block is None:
        raise Http404
    form = QuizForm(request.POST, quiz=block)
    if form.is_valid():
        try:
            attempt = services.quiz_submit(
                enrolment=enrolment, lesson=lesson, block_id=block_id, answers=form.answers()
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            _quiz_message(request, attempt, block)
            return redirect("courses:lesson", lesson_id=lesson.pk)
    # Back to her, every answer she gave still ticked, the summary linking to what is missing.
    return _lesson_page(request, lesson, enrolment, error_form=form, quiz_form=form, status=400)


@login_required
@require_POST
def reflection_save(request, lesson_id: int, block_id: str):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    block = lesson.find_block("reflection", block_id)
    if block is None:
        raise Http404
    form = ReflectionForm(request.POST, block=block)
    if form.is_valid():
        try:
            services.reflection_save(
                enrolment=enrolment,
                lesson=lesson,
                block_id=block_id,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Your reflection is saved. Only you can see it."))
            return redirect("courses:lesson", lesson_id=lesson.pk)
    return _lesson_page(
        request, lesson, enrolment, error_form=form, reflection_form=form, status=400
    )


@login_required
@require_POST
def activity_request(request, lesson_id: int, block_id: str):
    lesson, enrolment = selectors.lesson_for_participant(request.user, lesson_id)
    try:
        services.activity_request_signoff(enrolment=enrolment, lesson=lesson, block_id=block_id)
    except ValidationError as error:
        return _lesson_page(
            request, lesson, enrolment, error_form=RefusalForm.for_error(error), status=400
        )
    messages.success(request, _("Thank you. A facilitator will confirm this activity."))
    return redirect("courses:lesson", lesson_id=lesson.pk)


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


class SignoffNoteForm(forms.Form):
    """The note a facilitator writes on a sign-off: optional to sign off, needed for "not yet".
    The rule itself is the service's (:func:`services.activity_return`)."""

    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


def _signoff_page(request, *, error_form=None, error_signoff_id=None):
    signoffs = list(selectors.pending_signoffs(request.user))
    for signoff in signoffs:
        # The note she sent that needs correcting, shown back on its own card.
        signoff.note_form = error_form if signoff.pk == error_signoff_id else None
    return render(
        request,
        "courses/signoffs.html",
        {
            "page_title": (
                _("Error: %(title)s") % {"title": _("Practical activities to sign off")}
                if error_form is not None
                else _("Practical activities to sign off")
            ),
            "signoffs": signoffs,
            "error_form": error_form,
        },
        status=400 if error_form is not None else 200,
    )


@login_required
def signoff_list(request):
    _require_facilitator(request.user)
    return _signoff_page(request)


def _pending_signoff(request, signoff_id: int) -> ActivitySignoff:
    """A sign-off waiting for this facilitator, or 404 (one she does not oversee included)."""
    _require_facilitator(request.user)
    return get_object_or_404(selectors.pending_signoffs(request.user), pk=signoff_id)


@login_required
@require_POST
def signoff_confirm(request, signoff_id: int):
    signoff = _pending_signoff(request, signoff_id)
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


@login_required
@require_POST
def signoff_return(request, signoff_id: int):
    """ "Not yet": the activity goes back to the participant with the facilitator's note."""
    signoff = _pending_signoff(request, signoff_id)
    form = SignoffNoteForm(request.POST, auto_id=f"signoff-{signoff.pk}-%s")
    if form.is_valid():
        try:
            services.activity_return(
                enrolment=signoff.enrolment,
                lesson=signoff.lesson,
                block_id=signoff.block_id,
                returned_by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Returned to %(name)s with your note. They see it on the lesson and on "
                    "their dashboard, and can ask again once they have changed their work."
                )
                % {"name": chosen_name_of(signoff.enrolment.user)},
            )
            return redirect("courses:signoffs")
    return _signoff_page(request, error_form=form, error_signoff_id=signoff.pk)
