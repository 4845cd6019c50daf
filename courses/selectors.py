"""Reads about courses and progress, each owning its queries.

Every selector returns only what its caller may see: a participant's own enrolments, a lesson only
inside a course she is enrolled in. Lists run a fixed number of queries whatever their length.
"""

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from wagtail import hooks

from pathways.courses import translations
from pathways.courses.models import (
    ActivitySignoff,
    ActivityStatus,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuizAttempt,
    ReflectionAnswer,
    Skill,
)
from pathways.lms.accounts.roles import Role, has_role, is_programme_staff

#: Wagtail hook: functions given a facilitator that return a ``Q`` on enrolments she oversees.
FACILITATED_ENROLMENTS_HOOK = "pathways_facilitated_enrolments"

COMPLETION_REQUIREMENTS_HOOK = "pathways_completion_requirements"

#: Wagtail hook: functions given a facilitator that return a ``Q`` on enrolments she oversees.
FACILITATED_ENROLMENTS_HOOK = "pathways_facilitated_enrolments"


@dataclass(frozen=True)
class Requirement:
    """One condition of completing a course, and whether it is met yet."""

    label: str
    met: bool


@dataclass
class CompletionReport:
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(requirement.met for requirement in self.requirements)

    @property
    def unmet(self) -> list[Requirement]:
        return [requirement for requirement in self.requirements if not requirement.met]


@dataclass
class EnrolmentSummary:
    enrolment: Enrolment
    lessons_total: int
    lessons_done: int
    continue_lesson: LessonPage | None

    @property
    def course(self) -> CoursePage:
        return self.enrolment.course

    @property
    def percent(self) -> int:
        if not self.lessons_total:
            return 100 if self.enrolment.status == EnrolmentStatus.COMPLETED else 0
        return round(100 * self.lessons_done / self.lessons_total)


def course_lessons(course: CoursePage):
    """The live lessons of a course, in reading order."""
    return LessonPage.objects.live().descendant_of(course).order_by("path")


def _lessons_by_course(courses: list[CoursePage]) -> dict[int, list[LessonPage]]:
    """Live lessons of several courses in one query, grouped by course, in reading order."""
    if not courses:
        return {}
    condition = Q()
    for course in courses:
        condition |= Q(path__startswith=course.path, depth__gt=course.depth)
    by_prefix: dict[str, int] = {course.path: course.pk for course in courses}
    grouped: dict[int, list[LessonPage]] = defaultdict(list)
    lessons = (
        LessonPage.objects.live()
        .filter(condition)
        .only("id", "title", "path", "depth", "required", "live", "translation_key")
        .order_by("path")
    )
    for lesson in lessons:
        for prefix, course_id in by_prefix.items():
            if lesson.path.startswith(prefix):
                grouped[course_id].append(lesson)
                break
    return grouped


def participant_enrolment_summaries(user) -> list[EnrolmentSummary]:
    """The dashboard: each of the participant's enrolments with progress, in three queries (and
    one more for the titles in her language, where the site translates content)."""
    summaries = enrolment_summaries_for_users([user.pk]).get(user.pk, [])
    translations.show_in_language(
        [page for s in summaries for page in (s.enrolment.course, s.continue_lesson)],
        fields=("title",),
    )
    return summaries


def open_courses() -> list[CoursePage]:
    """Courses participants can enrol in themselves, each once (its translations are the same
    course), in the reader's language where translated, by title.

    Each course's ``offered_in`` lists the languages it can be read in, as (code, name). Three
    queries whatever the number of courses and translations (two where the site does not
    translate content).
    """
    courses = list(
        translations.sources_only(CoursePage.objects.live().filter(enrolment_open=True))
        .prefetch_related("skills")
        .order_by("title")
    )
    languages = translations.offered_languages(courses, show_fields=("title", "summary"))
    for course in courses:
        course.offered_in = languages.get(course.pk, [])
    return sorted(courses, key=lambda course: course.title.casefold())


def live_course(course_id: int) -> CoursePage:
    """A live course by id, in the reader's language, or 404. The id of one of its translations
    leads to the course itself (its source page), where enrolments and progress are kept."""
    course = CoursePage.objects.live().filter(pk=course_id).first()
    course = translations.source_page(course)
    if course is None or not course.live:
        raise Http404
    translations.show_in_language([course])
    return course


def course_skills(course: CoursePage) -> list[Skill]:
    """The skills a course teaches, each named in the reader's language where translated
    (``Skill.shown_name``), in that order (two queries)."""
    skills = list(course.skills.prefetch_related("translations"))
    return sorted(skills, key=lambda skill: skill.shown_name.casefold())


def skill_names(skills, language: str) -> list[str]:
    """The names of ``skills`` (a queryset) in ``language``, where a skill is translated into
    it, else as written; in alphabetical order, each once: as a certificate printed in that
    language lists them. Two queries."""
    names = {skill.shown("name", language) for skill in skills.prefetch_related("translations")}
    return sorted(names, key=str.casefold)


def participant_enrolment(user, course: CoursePage) -> Enrolment | None:
    return Enrolment.objects.filter(user=user, course=course).first()


@dataclass
class OutlineLesson:
    lesson: LessonPage
    done: bool
    started: bool


@dataclass
class OutlineModule:
    module: ModulePage
    lessons: list[OutlineLesson]


def course_outline(course: CoursePage, enrolment: Enrolment | None) -> list[OutlineModule]:
    """Modules and lessons of a course with the participant's state, in three queries."""
    modules = list(ModulePage.objects.live().child_of(course).order_by("path"))
    lessons = list(
        course_lessons(course).only("id", "title", "path", "depth", "required", "translation_key")
    )
    translations.show_in_language(
        [*modules, *lessons], fields={ModulePage: ("title", "summary"), LessonPage: ("title",)}
    )
    progress = {}
    if enrolment is not None:
        progress = {
            row.lesson_id: row
            for row in LessonProgress.objects.filter(enrolment=enrolment).only(
                "lesson_id", "completed_at"
            )
        }
    outline = []
    for module in modules:
        items = [
            OutlineLesson(
                lesson=lesson,
                done=bool(progress.get(lesson.pk) and progress[lesson.pk].completed_at),
                started=lesson.pk in progress,
            )
            for lesson in lessons
            if lesson.path.startswith(module.path)
        ]
        outline.append(OutlineModule(module=module, lessons=items))
    return outline


def lesson_for_participant(user, lesson_id: int) -> tuple[LessonPage, Enrolment]:
    """A live lesson of a course the participant is actively enrolled in, or 404.

    A lesson she may not open answers exactly like a lesson that does not exist. The id of one of
    its translations leads to the lesson itself (its source page, where her progress is kept);
    the lesson and its course are shown in her language where translated.
    """
    lesson = translations.source_page(LessonPage.objects.live().filter(pk=lesson_id).first())
    if lesson is None or not lesson.live:
        raise Http404
    course = CoursePage.objects.live().ancestor_of(lesson).first()
    enrolment = (
        Enrolment.objects.filter(user=user, course=course)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .first()
        if course is not None
        else None
    )
    if enrolment is None:
        raise Http404
    translations.show_in_language([lesson, course], fields={CoursePage: ("title",)})
    enrolment.course = course
    return lesson, enrolment


def lesson_neighbours(lesson: LessonPage, course: CoursePage):
    """The previous and next live lessons in the course's reading order, titled in the reader's
    language."""
    previous = course_lessons(course).filter(path__lt=lesson.path).order_by("-path").first()
    following = course_lessons(course).filter(path__gt=lesson.path).order_by("path").first()
    translations.show_in_language([previous, following], fields=("title",))
    return previous, following


def completion_report(enrolment: Enrolment) -> CompletionReport:
    """Every rule of completing the enrolment's course, and which are met.

    Rules: each required lesson done, each quiz in a required lesson passed (the best attempt
    counts), each practical activity in a required lesson signed off, and whatever other
    capabilities add through the ``pathways_completion_requirements`` hook (for example,
    attended hours in a cohort).
    """
    return completion_reports([enrolment])[enrolment.pk]


def completion_reports(enrolments) -> dict[int, CompletionReport]:
    """:func:`completion_report` for several enrolments at once, keyed by enrolment id.

    The one implementation of the rules, so that a list explaining many people's progress (a
    cohort's certificate preview) runs a fixed number of queries whatever its length. A hook may
    carry ``for_enrolments(enrolments) -> {enrolment id: [Requirement, ...]}`` to answer for many
    at once; a plain hook is asked once per enrolment.
    """
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    courses = {enrolment.course_id: enrolment.course for enrolment in enrolments}
    condition = Q()
    for course in courses.values():
        condition |= Q(path__startswith=course.path, depth__gt=course.depth)
    lessons_by_course: dict[int, list[LessonPage]] = defaultdict(list)
    for lesson in LessonPage.objects.live().filter(condition).order_by("path"):
        for course_id, course in courses.items():
            if lesson.path.startswith(course.path):
                lessons_by_course[course_id].append(lesson)
    # Quiz and activity titles in the reader's language; what is met is the source's.
    translations.show_in_language(
        [lesson for lessons in lessons_by_course.values() for lesson in lessons if lesson.required],
        fields=("body",),
    )
    ids = [enrolment.pk for enrolment in enrolments]
    done = set(
        LessonProgress.objects.filter(enrolment_id__in=ids, completed_at__isnull=False).values_list(
            "enrolment_id", "lesson_id"
        )
    )
    # The best attempt counts: one passed attempt is enough.
    passed = set(
        QuizAttempt.objects.filter(enrolment_id__in=ids, passed=True).values_list(
            "enrolment_id", "lesson_id", "block_id"
        )
    )
    signed_off = set(
        ActivitySignoff.objects.filter(
            enrolment_id__in=ids, status=ActivityStatus.SIGNED_OFF
        ).values_list("enrolment_id", "lesson_id", "block_id")
    )
    blocks: dict[int, tuple[list, list]] = {}
    reports: dict[int, CompletionReport] = {}
    for enrolment in enrolments:
        required = [lesson for lesson in lessons_by_course[enrolment.course_id] if lesson.required]
        report = CompletionReport()
        report.requirements.append(
            Requirement(
                label=_("Lessons done: %(done)s of %(total)s")
                % {
                    "done": sum(1 for lesson in required if (enrolment.pk, lesson.pk) in done),
                    "total": len(required),
                },
                met=all((enrolment.pk, lesson.pk) in done for lesson in required),
            )
        )
        # Quizzes and activities count where the lesson holding them counts.
        for lesson in required:
            if lesson.pk not in blocks:
                blocks[lesson.pk] = (
                    list(lesson.interactive_blocks("quiz")),
                    list(lesson.interactive_blocks("activity")),
                )
            quizzes, activities = blocks[lesson.pk]
            for block in quizzes:
                report.requirements.append(
                    Requirement(
                        label=_("Quiz passed: %(title)s") % {"title": block.value["title"]},
                        met=(enrolment.pk, lesson.pk, block.id) in passed,
                    )
                )
            for block in activities:
                report.requirements.append(
                    Requirement(
                        label=_("Practical activity signed off: %(title)s")
                        % {"title": block.value["title"]},
                        met=(enrolment.pk, lesson.pk, block.id) in signed_off,
                    )
                )
        reports[enrolment.pk] = report
    for hook in hooks.get_hooks(COMPLETION_REQUIREMENTS_HOOK):
        for_enrolments = getattr(hook, "for_enrolments", None)
        if for_enrolments is not None:
            added = for_enrolments(enrolments)
            for enrolment in enrolments:
                reports[enrolment.pk].requirements.extend(added.get(enrolment.pk) or [])
        else:
            for enrolment in enrolments:
                reports[enrolment.pk].requirements.extend(hook(enrolment) or [])
    return reports


def participant_reflections(user) -> list[ReflectionAnswer]:
    """The participant's own reflections, newest first, the lessons and courses titled in her
    language. Nobody else's, ever. Two queries (one where the site does not translate content)."""
    reflections = list(
        ReflectionAnswer.objects.filter(enrolment__user=user)
        .select_related("lesson", "enrolment__course")
        .order_by("-updated_at")
    )
    translations.show_in_language(
        [page for r in reflections for page in (r.lesson, r.enrolment.course)], fields=("title",)
    )
    return reflections


def pending_signoffs(user):
    """Practical activities waiting for this facilitator, oldest first.

    Programme staff see every one. A facilitator sees those of participants who have (or had,
    having completed) a place in a cohort she is assigned to that runs the course; anyone else
    sees none.
    """
    requested = (
        ActivitySignoff.objects.filter(status=ActivityStatus.REQUESTED)
        .select_related("enrolment__user__pathways_profile", "enrolment__course", "lesson")
        .order_by("requested_at")
    )
    if is_programme_staff(user):
        return requested
    if not has_role(user, Role.FACILITATOR):
        return requested.none()
    # Which enrolments a facilitator oversees is for the apps that assign her (cohorts): each
    # hook gives a condition on enrolments; with none, she sees nothing.
    conditions = [hook(user) for hook in hooks.get_hooks(FACILITATED_ENROLMENTS_HOOK)]
    if not conditions:
        return requested.none()
    return requested.filter(
        enrolment__in=Enrolment.objects.filter(reduce(operator.or_, conditions))
    )


def enrolment_summaries_for_users(user_ids) -> dict[int, list[EnrolmentSummary]]:
    """Enrolments (not withdrawn) with progress for several people at once, in three queries.

    Keyed by user id, each list most recently active first; everyone asked about has a key. Feeds
    a participant's own dashboard and a mentor's progress summary of her mentees alike.
    """
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return {}
    enrolments = list(
        Enrolment.objects.filter(user_id__in=user_ids)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("course", "last_lesson")
        .order_by("-last_activity_at", "-enrolled_at")
    )
    courses = {enrolment.course_id: enrolment.course for enrolment in enrolments}
    lessons = _lessons_by_course(list(courses.values()))
    done = set(
        LessonProgress.objects.filter(
            enrolment__in=[enrolment.pk for enrolment in enrolments],
            completed_at__isnull=False,
        ).values_list("enrolment_id", "lesson_id")
    )
    summaries: dict[int, list[EnrolmentSummary]] = {user_id: [] for user_id in user_ids}
    for enrolment in enrolments:
        course_lessons_list = lessons.get(enrolment.course_id, [])
        required = [lesson for lesson in course_lessons_list if lesson.required]
        counted = required or course_lessons_list
        completed = [lesson for lesson in counted if (enrolment.pk, lesson.pk) in done]
        next_lesson = next(
            (lesson for lesson in course_lessons_list if (enrolment.pk, lesson.pk) not in done),
            None,
        )
        summaries[enrolment.user_id].append(
            EnrolmentSummary(
                enrolment=enrolment,
                lessons_total=len(counted),
                lessons_done=len(completed),
                continue_lesson=next_lesson or enrolment.last_lesson,
            )
        )
    return summaries


def participant_open_signoffs(user) -> list[ActivitySignoff]:
    """Her practical activities not signed off yet: those returned with a note ("not yet") first,
    newest first, then those waiting for a facilitator, oldest first. One query; courses she left
    are not listed."""
    rows = list(
        ActivitySignoff.objects.filter(
            enrolment__user_id=user.pk,
            status__in=[ActivityStatus.RETURNED, ActivityStatus.REQUESTED],
        )
        .exclude(enrolment__status=EnrolmentStatus.WITHDRAWN)
        .select_related("lesson", "enrolment__course")
        .order_by("requested_at", "pk")
    )
    returned = sorted(
        (row for row in rows if row.status == ActivityStatus.RETURNED),
        key=lambda row: row.returned_at,
        reverse=True,
    )
    return returned + [row for row in rows if row.status == ActivityStatus.REQUESTED]
