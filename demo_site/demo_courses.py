"""Demo skills, courses and learners' progress (used by ``seed_demo``).

What they contain is data: ``demo_data/courses.json`` (skills, the course index, courses with
their modules, lessons and StreamField blocks) and the ``progress`` of ``demo_data/people.json``
(what each learner has done in which lesson). This module checks that data and builds it: pages
are added as drafts and published, as an editor would, and progress is made through
``courses.services``, so every record is one the product itself would write. Idempotent: a skill,
page or enrolment that is already there is left as it is.

A course's ``translations`` (by language code) are made as Wagtail translations of its pages
(``copy_for_translation``, as the admin's "Translate this page" does) with the translated text
put in, so that the quizzes, prompts and activities keep the source's ids and a participant's
progress is the same whichever language she reads in. Only where the site translates content
(``WAGTAIL_I18N_ENABLED``).
"""

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from wagtail.models import Locale

from demo_site.demo_data import (
    DemoDataError,
    choice,
    fields,
    items,
    known,
    read,
    typed,
    words_by_language,
)
from pathways.courses import services, translations
from pathways.courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    ModulePage,
    Page,
    Skill,
    SkillTranslation,
    Track,
)
from pathways.courses.selectors import completion_report
from pathways.courses.site_tree import default_site_root

RawBlock = dict[str, Any]


@dataclass(frozen=True)
class LessonSpec:
    slug: str
    title: str
    body: list[RawBlock]
    minutes: int = 20

    def has_block(self, block_type: str) -> bool:
        return any(block["type"] == block_type for block in self.body)


@dataclass(frozen=True)
class ModuleSpec:
    slug: str
    title: str
    summary: str
    lessons: list[LessonSpec]


@dataclass(frozen=True)
class CourseTranslationSpec:
    """A course's text in another language, in the shape of the course: its modules in order,
    each with its lessons in order, each lesson's blocks in order with only their words."""

    language: str
    title: str
    summary: str
    description: str
    # (title, summary, [(lesson title, [translated block, ...]), ...]) per module.
    modules: list[tuple[str, str, list[tuple[str, list[RawBlock]]]]]


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    track: str
    summary: str
    description: str
    hours: Decimal
    language: str
    enrolment_open: bool
    skills: list[str]
    modules: list[ModuleSpec] = field(default_factory=list)
    translations: list[CourseTranslationSpec] = field(default_factory=list)

    def lesson(self, slug: str) -> LessonSpec | None:
        found = [lesson for m in self.modules for lesson in m.lessons if lesson.slug == slug]
        return found[0] if found else None


@dataclass(frozen=True)
class DemoCourses:
    """Everything in ``courses.json``, checked."""

    skills: list[dict[str, Any]]
    index: dict[str, str]
    courses: list[CourseSpec]


@dataclass(frozen=True)
class LessonStep:
    """What a learner did in one lesson, in this order: start it, answer its reflection prompt,
    submit its quiz once per attempt ("fail" or "pass"), ask for its activity's sign-off (and
    have it signed off), complete it."""

    lesson: str
    reflection: str = ""
    quiz: list[str] = field(default_factory=list)
    activity: dict[str, str] | None = None
    complete: bool = False


@dataclass(frozen=True)
class LearnerProgress:
    user: str
    course: str
    lessons: list[LessonStep]
    # Whether the steps must leave the course completed (checked, so the story stays true).
    course_completed: bool = False


# Reading and checking the data ---------------------------------------------------------------

COURSES_FILE = "courses"


def _item(value: Any) -> RawBlock:
    # ListBlock items need stored ids too: without them Wagtail invents new ones on every read,
    # and quiz answers could not be matched to their questions.
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def _answer(value: Any, where: str) -> dict[str, Any]:
    answer = fields(
        value,
        where,
        required={"text": str, "feedback": str},
        optional={"correct": (bool, False)},
    )
    return {"text": answer["text"], "correct": answer["correct"], "feedback": answer["feedback"]}


def _question(value: Any, where: str) -> dict[str, Any]:
    question = fields(
        value, where, required={"text": str, "answers": list}, optional={"kind": (str, "single")}
    )
    answers = question["answers"]
    answers = [_item(_answer(answer, at)) for at, answer in items(answers, f"{where}.answers")]
    return {"text": question["text"], "kind": question["kind"], "answers": answers}


def _quiz(value: Any, where: str) -> dict[str, Any]:
    quiz = fields(
        value,
        where,
        required={"title": str, "questions": list},
        optional={"pass_mark": (int, 80), "max_attempts": (int, 0)},
    )
    questions = [
        _item(_question(q, at)) for at, q in items(quiz["questions"], f"{where}.questions")
    ]
    return {
        "title": quiz["title"],
        "pass_mark": quiz["pass_mark"],
        "max_attempts": quiz["max_attempts"],
        "questions": questions,
    }


# The value of each block type the demo uses: (required keys, optional keys with defaults).
_STRUCT_BLOCKS: dict[str, tuple[dict[str, type], dict[str, tuple[type, Any]]]] = {
    "heading": ({"text": str}, {"level": (str, "h2")}),
    "callout": ({"kind": str, "title": str, "body": str}, {}),
    "reflection": ({"prompt": str}, {"guidance": (str, "")}),
    "activity": ({"title": str, "instructions": str}, {}),
}


def _block(value: Any, where: str) -> RawBlock:
    """One lesson block in the JSON form a StreamField stores, with a fresh id."""
    block = fields(value, where, required={"type": str, "value": object})
    block_type, value, at = block["type"], block["value"], f"{where}.value"
    if block_type == "text":
        content = typed(value, str, at)
    elif block_type == "quiz":
        content = _quiz(value, at)
    elif block_type in _STRUCT_BLOCKS:
        required, optional = _STRUCT_BLOCKS[block_type]
        content = fields(value, at, required=required, optional=optional)
    else:
        expected = ", ".join(["text", "quiz", *_STRUCT_BLOCKS])
        raise DemoDataError(f"{where}.type: {block_type!r} is not one of {expected}.")
    return {"type": block_type, "value": content, "id": str(uuid.uuid4())}


def _body(value: Any, where: str) -> list[RawBlock]:
    body = [_block(block, at) for at, block in items(value, where)]
    _check_body(body, where)
    return body


def _check_body(body: list[RawBlock], where: str) -> None:
    # The lesson's own StreamField checks it, as the page editor would (a quiz question needs a
    # correct answer, a heading level must be one offered, ...).
    stream_block = LessonPage._meta.get_field("body").stream_block
    try:
        stream_block.clean(stream_block.to_python(body))
    except ValidationError as exc:
        problems = [f"{where}{path}: {message}" for path, message in _block_errors(exc)]
        raise DemoDataError("; ".join(problems)) from exc


def _block_errors(error: ValidationError, path: str = "") -> list[tuple[str, str]]:
    """Wagtail's nested block errors as (where, message) pairs, such as ("[3].value.questions[0]",
    "Mark at least one answer as correct.")."""
    found = []
    for attribute in ("block_errors", "non_block_errors"):
        nested = getattr(error, attribute, None) or {}
        for key, inner in nested.items() if isinstance(nested, dict) else enumerate(nested):
            if attribute == "non_block_errors":
                step = ""
            elif not path:  # a block of the stream: what is wrong is in its value
                step = f"[{key}].value"
            else:
                step = f"[{key}]" if isinstance(key, int) else f".{key}"
            found += _block_errors(inner, path + step)
    return found or [(path, message) for message in error.messages]


def _lesson(value: Any, where: str) -> LessonSpec:
    lesson = fields(
        value,
        where,
        required={"slug": str, "title": str, "body": list},
        optional={"minutes": (int, 20)},
    )
    return LessonSpec(
        slug=lesson["slug"],
        title=lesson["title"],
        body=_body(lesson["body"], f"{where}.body"),
        minutes=lesson["minutes"],
    )


def _module(value: Any, where: str) -> ModuleSpec:
    module = fields(
        value, where, required={"slug": str, "title": str, "summary": str, "lessons": list}
    )
    lessons = [_lesson(lesson, at) for at, lesson in items(module["lessons"], f"{where}.lessons")]
    return ModuleSpec(
        slug=module["slug"], title=module["title"], summary=module["summary"], lessons=lessons
    )


# The words of each block type, which a translation gives; everything else is the source's.
_BLOCK_WORDS: dict[str, tuple[str, ...]] = {
    "heading": ("text",),
    "callout": ("title", "body"),
    "reflection": ("prompt", "guidance"),
    "activity": ("title", "instructions"),
}


def _translated_block(source: RawBlock, value: Any, where: str) -> RawBlock:
    """``source`` (a block as stored, with its ids) with the words of ``value`` put in."""
    block = fields(value, where, required={"type": str, "value": object})
    if block["type"] != source["type"]:
        raise DemoDataError(f"{where}.type: expected {source['type']!r} as in the course.")
    at_value = f"{where}.value"
    if source["type"] == "text":
        return {**source, "value": typed(block["value"], str, at_value)}
    if source["type"] == "quiz":
        return {**source, "value": _translated_quiz(source["value"], block["value"], at_value)}
    # The words the course's block has are needed in the translation too.
    words = _BLOCK_WORDS[source["type"]]
    needed = {w: str for w in words if source["value"].get(w)}
    optional = {w: (str, "") for w in words if w not in needed}
    given = fields(block["value"], at_value, required=needed, optional=optional)
    return {**source, "value": {**source["value"], **{w: given[w] for w in words}}}


def _translated_items(source: list, values: list, where: str, translate) -> list:
    if len(values) != len(source):
        raise DemoDataError(f"{where}: expected {len(source)} entries, as in the course.")
    return [
        {**item, "value": translate(item["value"], value, at)}
        for item, (at, value) in zip(source, items(values, where), strict=True)
    ]


def _translated_answer(source: dict, value: Any, where: str) -> dict:
    if source.get("feedback"):
        answer = fields(value, where, required={"text": str, "feedback": str})
    else:
        answer = fields(value, where, required={"text": str}, optional={"feedback": (str, "")})
    return {**source, "text": answer["text"], "feedback": answer["feedback"]}


def _translated_question(source: dict, value: Any, where: str) -> dict:
    question = fields(value, where, required={"text": str, "answers": list})
    answers = _translated_items(
        source["answers"], question["answers"], f"{where}.answers", _translated_answer
    )
    return {**source, "text": question["text"], "answers": answers}


def _translated_quiz(source: dict, value: Any, where: str) -> dict:
    quiz = fields(value, where, required={"title": str, "questions": list})
    questions = _translated_items(
        source["questions"], quiz["questions"], f"{where}.questions", _translated_question
    )
    return {**source, "title": quiz["title"], "questions": questions}


def translated_body(source: list[RawBlock], value: Any, where: str) -> list[RawBlock]:
    """A lesson body as stored (``source``, with its block, question and answer ids), with the
    words of a translation (``value``: the same blocks in the same order, words only)."""
    blocks = items(value, where)
    if len(blocks) != len(source):
        raise DemoDataError(f"{where}: expected {len(source)} blocks, as in the course.")
    return [
        _translated_block(block, given, at)
        for block, (at, given) in zip(source, blocks, strict=True)
    ]


def _course_translation(
    language: str, value: Any, where: str, *, modules: list[ModuleSpec]
) -> CourseTranslationSpec:
    course = fields(
        value,
        where,
        required={"title": str, "summary": str, "description": str, "modules": list},
    )
    module_values = items(course["modules"], f"{where}.modules")
    if len(module_values) != len(modules):
        raise DemoDataError(f"{where}.modules: expected {len(modules)}, as in the course.")
    translated = []
    for module, (module_at, module_value) in zip(modules, module_values, strict=True):
        entry = fields(
            module_value, module_at, required={"title": str, "summary": str, "lessons": list}
        )
        lesson_values = items(entry["lessons"], f"{module_at}.lessons")
        if len(lesson_values) != len(module.lessons):
            raise DemoDataError(
                f"{module_at}.lessons: expected {len(module.lessons)}, as in the course."
            )
        lessons = []
        for lesson, (lesson_at, lesson_value) in zip(module.lessons, lesson_values, strict=True):
            fields_ = fields(lesson_value, lesson_at, required={"title": str, "body": list})
            # Checked against the course's own blocks now; put into the stored ones when built.
            body = translated_body(lesson.body, fields_["body"], f"{lesson_at}.body")
            _check_body(body, f"{lesson_at}.body")
            lessons.append((fields_["title"], fields_["body"]))
        translated.append((entry["title"], entry["summary"], lessons))
    return CourseTranslationSpec(
        language=language,
        title=course["title"],
        summary=course["summary"],
        description=course["description"],
        modules=translated,
    )


def _course(value: Any, where: str, *, skills: Collection[str]) -> CourseSpec:
    course = fields(
        value,
        where,
        optional={"translations": (dict, {})},
        required={
            "slug": str,
            "title": str,
            "track": str,
            "summary": str,
            "description": str,
            "hours": str,
            "language": str,
            "enrolment_open": bool,
            "skills": list,
            "modules": list,
        },
    )
    try:
        hours = Decimal(course["hours"])
    except InvalidOperation as exc:
        raise DemoDataError(f"{where}.hours: {course['hours']!r} is not a number.") from exc
    modules = [_module(m, at) for at, m in items(course["modules"], f"{where}.modules")]
    languages = {code for code, _name in settings.LANGUAGES}
    translated = [
        _course_translation(
            known(code, languages, f"{where}.translations"),
            value,
            f"{where}.translations.{code}",
            modules=modules,
        )
        for code, value in course["translations"].items()
    ]
    return CourseSpec(
        slug=course["slug"],
        title=course["title"],
        track=choice(course["track"], Track, f"{where}.track"),
        summary=course["summary"],
        description=course["description"],
        hours=hours,
        language=course["language"],
        enrolment_open=course["enrolment_open"],
        skills=[known(s, skills, at) for at, s in items(course["skills"], f"{where}.skills", str)],
        modules=modules,
        translations=translated,
    )


def load_courses() -> DemoCourses:
    """``courses.json``, checked, with fresh block ids for any lesson still to be made."""
    where = f"{COURSES_FILE}.json"
    data = fields(
        read(COURSES_FILE),
        where,
        required={"skills": list, "course_index": dict, "courses": list},
    )
    skills = []
    for at, value in items(data["skills"], f"{where}: skills"):
        skill = fields(
            value,
            at,
            required={"slug": str, "name": str, "description": str},
            optional={"translations": (dict, {})},
        )
        # Its name and description in other languages, which readers of them see.
        skill["translations"] = words_by_language(
            skill["translations"],
            f"{at}.translations",
            required={"name": str},
            optional={"description": (str, "")},
        )
        skills.append(skill)
    index = fields(
        data["course_index"],
        f"{where}: course_index",
        required={"title": str, "slug": str, "intro": str},
    )
    slugs = {skill["slug"] for skill in skills}
    courses = [
        _course(course, at, skills=slugs)
        for at, course in items(data["courses"], f"{where}: courses")
    ]
    return DemoCourses(skills=skills, index=index, courses=courses)


# What a demo quiz attempt is made to do: answer every question wrongly, or rightly.
_ATTEMPTS = ("fail", "pass")


def _step(value: Any, where: str, *, course: CourseSpec, usernames: Collection[str]) -> LessonStep:
    step = fields(
        value,
        where,
        required={"lesson": str},
        optional={
            "reflection": (str, ""),
            "quiz": (list, []),
            "activity": (dict, None),
            "complete": (bool, False),
        },
    )
    lesson = course.lesson(step["lesson"])
    if lesson is None:
        raise DemoDataError(f"{where}.lesson: {course.slug} has no lesson {step['lesson']!r}.")
    for block_type in ("reflection", "quiz", "activity"):
        if step[block_type] not in ("", [], None) and not lesson.has_block(block_type):
            raise DemoDataError(f"{where}.{block_type}: {lesson.slug} has no {block_type} block.")
    quiz = [
        known(attempt, _ATTEMPTS, at) for at, attempt in items(step["quiz"], f"{where}.quiz", str)
    ]
    activity = step["activity"]
    if activity is not None:
        activity = fields(
            activity,
            f"{where}.activity",
            required={},
            optional={"signed_off_by": (str, ""), "note": (str, "")},
        )
        if activity["signed_off_by"]:
            known(activity["signed_off_by"], usernames, f"{where}.activity.signed_off_by")
    return LessonStep(
        lesson=lesson.slug,
        reflection=step["reflection"],
        quiz=quiz,
        activity=activity,
        complete=step["complete"],
    )


def load_progress(
    data: Any, where: str, *, courses: DemoCourses, usernames: Collection[str]
) -> list[LearnerProgress]:
    """The ``progress`` list of ``people.json``, checked against its users and the courses."""
    by_slug = {course.slug: course for course in courses.courses}
    progress = []
    for at, value in items(data, where):
        entry = fields(
            value,
            at,
            required={"user": str, "course": str, "lessons": list},
            optional={"course_completed": (bool, False)},
        )
        known(entry["user"], usernames, f"{at}.user")
        course = by_slug[known(entry["course"], by_slug, f"{at}.course")]
        steps = [
            _step(step, step_at, course=course, usernames=usernames)
            for step_at, step in items(entry["lessons"], f"{at}.lessons")
        ]
        progress.append(
            LearnerProgress(
                user=entry["user"],
                course=course.slug,
                lessons=steps,
                course_completed=entry["course_completed"],
            )
        )
    return progress


# Building it ---------------------------------------------------------------------------------


def seed_skills(*, content: DemoCourses, created: list[str]) -> dict[str, Skill]:
    """The skills, each with its translations as the data has them (kept in step on every run:
    one per language), before any certificate prints their names."""
    skills = {}
    for spec in content.skills:
        skill, made = Skill.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "description": spec["description"]}
        )
        if made:
            created.append(f"skill {spec['name']}")
        for language, words in spec["translations"].items():
            _row, made = SkillTranslation.objects.update_or_create(
                skill=skill, language=language, defaults=words
            )
            if made:
                created.append(f"skill {spec['name']} in {language}")
        skills[spec["slug"]] = skill
    return skills


def _publish_child(*, parent: Page, page: Page, created: list[str]) -> Page:
    """Add a page as a draft and publish it, as an editor would, so it has a revision."""
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    created.append(f"page {page.url_path}")
    return type(page).objects.get(pk=page.pk)


def _course_index(spec: dict[str, str], created: list[str]) -> CourseIndexPage:
    root = default_site_root()
    index = CourseIndexPage.objects.child_of(root).first()
    if index is None:
        index = _publish_child(parent=root, page=CourseIndexPage(**spec), created=created)
    return index


def _course_page(
    *, index: CourseIndexPage, spec: CourseSpec, skills: dict[str, Skill], created: list[str]
) -> CoursePage:
    course = CoursePage.objects.child_of(index).filter(slug=spec.slug).first()
    if course is None:
        course = CoursePage(
            title=spec.title,
            slug=spec.slug,
            track=spec.track,
            summary=spec.summary,
            description=spec.description,
            estimated_hours=spec.hours,
            language=spec.language,
            enrolment_open=spec.enrolment_open,
        )
        course.skills = [skills[slug] for slug in spec.skills]
        course = _publish_child(parent=index, page=course, created=created)
    for module_spec in spec.modules:
        module = ModulePage.objects.child_of(course).filter(slug=module_spec.slug).first()
        if module is None:
            module = _publish_child(
                parent=course,
                page=ModulePage(
                    title=module_spec.title, slug=module_spec.slug, summary=module_spec.summary
                ),
                created=created,
            )
        for lesson_spec in module_spec.lessons:
            if LessonPage.objects.child_of(module).filter(slug=lesson_spec.slug).exists():
                continue
            _publish_child(
                parent=module,
                page=LessonPage(
                    title=lesson_spec.title,
                    slug=lesson_spec.slug,
                    body=lesson_spec.body,
                    estimated_minutes=lesson_spec.minutes,
                ),
                created=created,
            )
    return course


def _translation(page: Page, locale: Locale, fields: dict[str, Any], created: list[str]) -> Page:
    """The page's translation into ``locale``: made as the admin makes one (a copy keeping the
    page's structure and block ids), with ``fields`` put in, and published. One already there is
    left as it is."""
    model = type(page)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return model.objects.get(pk=existing.pk)
    copy = model.objects.get(pk=page.copy_for_translation(locale, copy_parents=True).pk)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    created.append(f"page {copy.url_path} ({locale.language_code})")
    return model.objects.get(pk=copy.pk)


def _course_translations(*, course: CoursePage, spec: CourseSpec, created: list[str]) -> None:
    for translated in spec.translations:
        locale, _made = Locale.objects.get_or_create(language_code=translated.language)
        _translation(
            course,
            locale,
            {
                "title": translated.title,
                "summary": translated.summary,
                "description": translated.description,
                "language": translated.language,
            },
            created,
        )
        for module_spec, (title, summary, lessons) in zip(
            spec.modules, translated.modules, strict=True
        ):
            module = ModulePage.objects.child_of(course).get(slug=module_spec.slug)
            _translation(module, locale, {"title": title, "summary": summary}, created)
            for lesson_spec, (lesson_title, body) in zip(module_spec.lessons, lessons, strict=True):
                lesson = LessonPage.objects.child_of(module).get(slug=lesson_spec.slug)
                where = f"{COURSES_FILE}.json: {spec.slug}.translations.{locale.language_code}"
                try:
                    words = translated_body(list(lesson.body.raw_data), body, where)
                except DemoDataError as exc:
                    raise CommandError(
                        f"The lesson {lesson.url_path} no longer matches the demo data: {exc}"
                    ) from exc
                _translation(lesson, locale, {"title": lesson_title, "body": words}, created)


def seed_courses(
    *, content: DemoCourses, skills: dict[str, Skill], created: list[str]
) -> dict[str, CoursePage]:
    """The course index and every demo course, by slug, with their translations where the site
    translates content."""
    index = _course_index(content.index, created)
    courses = {
        spec.slug: _course_page(index=index, spec=spec, skills=skills, created=created)
        for spec in content.courses
    }
    if translations.enabled():
        for spec in content.courses:
            _course_translations(course=courses[spec.slug], spec=spec, created=created)
    return courses


# Progress, made through the services -----------------------------------------------------------


def _block_id(lesson: LessonPage, block_type: str) -> str:
    return lesson.interactive_blocks(block_type)[0].id


def _quiz_answers(lesson: LessonPage, *, correct: bool) -> dict[str, list[str]]:
    """Answers to the lesson's quiz, by the question and answer ids stored with it."""
    quiz = lesson.interactive_blocks("quiz")[0]
    answers = {}
    for question in quiz.value["questions"].bound_blocks:
        options = question.value["answers"].bound_blocks
        wanted = [option.id for option in options if option.value["correct"] == correct]
        answers[question.id] = wanted[:1] if question.value["kind"] == "single" else wanted
    return answers


def _lesson_step(*, enrolment: Enrolment, lesson: LessonPage, step: LessonStep, users) -> None:
    services.lesson_start(enrolment=enrolment, lesson=lesson)
    if step.reflection:
        services.reflection_save(
            enrolment=enrolment,
            lesson=lesson,
            block_id=_block_id(lesson, "reflection"),
            text=step.reflection,
        )
    for attempt in step.quiz:
        result = services.quiz_submit(
            enrolment=enrolment,
            lesson=lesson,
            block_id=_block_id(lesson, "quiz"),
            answers=_quiz_answers(lesson, correct=attempt == "pass"),
        )
        if attempt == "fail" and result.passed:
            raise CommandError(
                f"{enrolment.user.username}'s failing quiz attempt in {lesson.slug} passed."
            )
    if step.activity is not None:
        block_id = _block_id(lesson, "activity")
        services.activity_request_signoff(enrolment=enrolment, lesson=lesson, block_id=block_id)
        if step.activity["signed_off_by"]:
            services.activity_sign_off(
                enrolment=enrolment,
                lesson=lesson,
                block_id=block_id,
                signed_off_by=users[step.activity["signed_off_by"]],
                note=step.activity["note"],
            )
    if step.complete:
        services.lesson_complete(enrolment=enrolment, lesson=lesson)


def seed_progress(
    *, progress: list[LearnerProgress], users: dict, courses: dict, created: list[str]
) -> None:
    """Each learner's enrolment and steps; a learner already enrolled is left as she is."""
    for story in progress:
        user, course = users[story.user], courses[story.course]
        if Enrolment.objects.filter(user=user, course=course).exists():
            continue
        created.append(f"enrolment of {user.username} in {course.title}")
        enrolment = services.enrolment_start(user=user, course=course)
        lessons = {
            lesson.slug: lesson
            for lesson in LessonPage.objects.live().descendant_of(course).order_by("path")
        }
        for step in story.lessons:
            _lesson_step(enrolment=enrolment, lesson=lessons[step.lesson], step=step, users=users)
        if story.course_completed:
            enrolment.refresh_from_db()
            if enrolment.status != EnrolmentStatus.COMPLETED:
                unmet = ", ".join(str(item.label) for item in completion_report(enrolment).unmet)
                raise CommandError(
                    f"{user.username}'s course should be complete; still missing: {unmet}"
                )
