"""Test data for courses: skills, the page tree, lesson content and enrolments.

Pages are created live under the default site's root, so ``LessonPage.objects.live()`` and the
selectors find them. Lesson bodies are written in Wagtail's stored JSON form with a fixed id on
every stream block and list item: the interactive blocks (quiz, reflection, activity) and the quiz
questions and answers are addressed by those ids, so they must not change between reads.

For a whole course in one call use :func:`build_course`; to answer its quizzes use
:func:`quiz_answer_ids`. Progress is best made through ``courses.services`` so that the records
are the ones the product would write.
"""

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from pathways.courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    ModulePage,
    Skill,
    Track,
)
from pathways.courses.site_tree import default_site_root
from tests.factories.accounts import ParticipantFactory

RawBlock = dict[str, Any]


# Lesson content, in the JSON form a StreamField stores --------------------------------------


def _new_id() -> str:
    return str(uuid.uuid4())


def _block(block_type: str, value: Any) -> RawBlock:
    return {"type": block_type, "value": value, "id": _new_id()}


def _list_items(values: Iterable[Any]) -> list[RawBlock]:
    """ListBlock items with ids: without them Wagtail invents new ids on every read."""
    return [{"type": "item", "value": value, "id": _new_id()} for value in values]


def text_block(*, html: str) -> RawBlock:
    return _block("text", html)


def heading_block(*, text: str, level: str = "h2") -> RawBlock:
    return _block("heading", {"text": text, "level": level})


def callout_block(*, body_html: str, title: str = "", kind: str = "tip") -> RawBlock:
    return _block("callout", {"kind": kind, "title": title, "body": body_html})


def reflection_block(*, prompt: str, guidance: str = "") -> RawBlock:
    return _block("reflection", {"prompt": prompt, "guidance": guidance})


def activity_block(*, title: str, instructions_html: str) -> RawBlock:
    return _block("activity", {"title": title, "instructions": instructions_html})


def quiz_block(
    *,
    title: str = "Check your learning",
    pass_mark: int = 80,
    max_attempts: int = 0,
    questions: Sequence[dict[str, Any]],
) -> RawBlock:
    """A quiz block from plain data.

    ``questions`` is a list of ``{"text", "kind": "single" | "multiple", "answers": [{"text",
    "correct", "feedback"}, ...]}``; ids are added to each question and answer.
    """
    return _block(
        "quiz",
        {
            "title": title,
            "pass_mark": pass_mark,
            "max_attempts": max_attempts,
            "questions": _list_items(
                {
                    "text": question["text"],
                    "kind": question.get("kind", "single"),
                    "answers": _list_items(
                        {
                            "text": answer["text"],
                            "correct": bool(answer.get("correct", False)),
                            "feedback": answer.get("feedback", ""),
                        }
                        for answer in question["answers"]
                    ),
                }
                for question in questions
            ),
        },
    )


def sample_quiz_questions() -> list[dict[str, Any]]:
    """One 'choose one' and one 'choose all that apply' question, each answer with feedback."""
    return [
        {
            "text": "You will be late for your shift. What is the best thing to do?",
            "kind": "single",
            "answers": [
                {
                    "text": "Tell your supervisor as early as you can",
                    "correct": True,
                    "feedback": "Yes. Early notice lets the team plan around you.",
                },
                {
                    "text": "Say nothing and make up the time later",
                    "correct": False,
                    "feedback": "Your team may be waiting for you; let them know.",
                },
                {
                    "text": "Stay at home for the whole day",
                    "correct": False,
                    "feedback": "Being late is usually better than missing the shift.",
                },
            ],
        },
        {
            "text": "Which of these help a conversation with a customer go well?",
            "kind": "multiple",
            "answers": [
                {
                    "text": "Listening until they have finished",
                    "correct": True,
                    "feedback": "Right: people calm down when they feel heard.",
                },
                {
                    "text": "Repeating back what you understood",
                    "correct": True,
                    "feedback": "Right: it shows you listened and avoids mistakes.",
                },
                {
                    "text": "Interrupting with the solution straight away",
                    "correct": False,
                    "feedback": "Even a good solution lands better once they feel heard.",
                },
            ],
        },
    ]


def sample_lesson_body(*, title: str = "Getting started") -> list[RawBlock]:
    """Plain reading content for a lesson with no interactive blocks."""
    return [
        heading_block(text=title),
        text_block(
            html=(
                "<p>Work goes better when you know what is expected of you. In this lesson we "
                "look at the habits employers notice in the first weeks of a new job.</p>"
                "<ul><li>Arriving on time, or calling ahead</li>"
                "<li>Asking when something is unclear</li>"
                "<li>Keeping track of your own tasks</li></ul>"
            )
        ),
    ]


# Factories -----------------------------------------------------------------------------------


def _unique_slug(obj, n: int) -> str:
    return f"{slugify(obj.title)[:240]}-{n}"


class SkillFactory(DjangoModelFactory):
    """An entry of the skills taxonomy. Reuses the skill with the same slug, as names are unique."""

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda obj: slugify(obj.name))
    description = ""

    class Meta:
        model = Skill
        django_get_or_create = ("slug",)


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    """The course catalogue page, one per parent: asking again returns the same page."""

    title = "Courses"
    slug = "courses"
    parent = factory.LazyFunction(default_site_root)

    class Meta:
        model = CourseIndexPage
        django_get_or_create = ("slug", "parent")


class CoursePageFactory(wagtail_factories.PageFactory):
    """A live, open vocational course under the catalogue. ``skills=[...]`` links skills."""

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.LazyAttributeSequence(_unique_slug)
    parent = factory.SubFactory(CourseIndexPageFactory)
    track = Track.VOCATIONAL
    summary = factory.LazyAttribute(lambda obj: f"What you will learn in {obj.title}.")
    estimated_hours = 2
    language = "en"
    enrolment_open = True

    class Meta:
        model = CoursePage
        skip_postgeneration_save = True

    @factory.post_generation
    def skills(self, create: bool, extracted: Iterable[Skill] | None, **kwargs) -> None:
        if create and extracted:
            self.skills.add(*extracted)
            self.save()

    @factory.post_generation
    def prerequisites(self, create: bool, extracted: Iterable[CoursePage] | None, **kwargs):
        if create and extracted:
            self.prerequisites.add(*extracted)
            self.save()


class ModulePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.LazyAttributeSequence(_unique_slug)
    parent = factory.SubFactory(CoursePageFactory)
    summary = ""

    class Meta:
        model = ModulePage


class LessonPageFactory(wagtail_factories.PageFactory):
    """A required lesson of reading. Pass ``body=[quiz_block(...), ...]`` for interactive ones."""

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.LazyAttributeSequence(_unique_slug)
    parent = factory.SubFactory(ModulePageFactory)
    body = factory.LazyAttribute(lambda obj: sample_lesson_body(title=obj.title))
    required = True
    estimated_minutes = 15

    class Meta:
        model = LessonPage


class EnrolmentFactory(DjangoModelFactory):
    """An active enrolment, written directly. Use ``services.enrolment_start`` to test rules."""

    user = factory.SubFactory(ParticipantFactory)
    course = factory.SubFactory(CoursePageFactory)
    status = EnrolmentStatus.ACTIVE
    last_activity_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Enrolment


# A whole course ------------------------------------------------------------------------------


def build_course(
    *,
    index: CourseIndexPage | None = None,
    title: str = "Getting ready for work",
    modules: int = 2,
    lessons_per_module: int = 2,
    with_quiz: bool = True,
    with_activity: bool = False,
    with_reflection: bool = True,
    enrolment_open: bool = True,
    track: str = Track.VOCATIONAL,
    skills: Iterable[Skill] = (),
) -> CoursePage:
    """Create a live course with its modules and lessons, and return it fresh from the database.

    Where the interactive blocks go, so that tests can find them:

    - ``with_reflection``: the *first* lesson of every module ends with a reflection prompt;
    - ``with_quiz``: the *last* lesson of every module ends with a quiz of two questions (one
      "choose one", one "choose all that apply", pass mark 80, unlimited attempts);
    - ``with_activity``: the last lesson of the course ends with a practical activity.

    Every lesson is required. The catalogue page is ``index``, or the one under the default
    site's root page (created if missing). Titles may repeat: slugs get a unique suffix.
    """
    if modules < 1 or lessons_per_module < 1:
        raise ValueError("A course needs at least one module with at least one lesson.")
    parent = index if index is not None else CourseIndexPageFactory()
    course = CoursePageFactory(
        parent=parent,
        title=title,
        summary=f"A practical introduction: {title.lower()}.",
        description=f"<p>{title} takes about {modules * lessons_per_module * 15} minutes.</p>",
        track=track,
        enrolment_open=enrolment_open,
        estimated_hours=max(1, modules * lessons_per_module // 4),
        skills=list(skills),
    )
    for module_number in range(1, modules + 1):
        module = ModulePageFactory(
            parent=course,
            title=f"Module {module_number}",
            summary=f"Part {module_number} of {title}.",
        )
        for lesson_number in range(1, lessons_per_module + 1):
            lesson_title = f"Lesson {module_number}.{lesson_number}"
            body = sample_lesson_body(title=lesson_title)
            if with_reflection and lesson_number == 1:
                body.append(
                    reflection_block(
                        prompt="What is one thing from this lesson you want to try this week?",
                        guidance="Only you can read what you write here.",
                    )
                )
            if with_quiz and lesson_number == lessons_per_module:
                body.append(
                    quiz_block(
                        title=f"Quiz: module {module_number}", questions=sample_quiz_questions()
                    )
                )
            last_lesson = module_number == modules and lesson_number == lessons_per_module
            if with_activity and last_lesson:
                body.append(
                    activity_block(
                        title="Practice conversation",
                        instructions_html=(
                            "<p>Practise the conversation with your facilitator, then ask "
                            "them to sign it off.</p>"
                        ),
                    )
                )
            LessonPageFactory(parent=module, title=lesson_title, body=body)
    return CoursePage.objects.get(pk=course.pk)


def quiz_answer_ids(
    lesson: LessonPage, *, correct: bool = True
) -> tuple[str, dict[str, list[str]]]:
    """The first quiz of a lesson and a submission for it, ready for ``services.quiz_submit``.

    Returns ``(block_id, {question_id: [answer_id, ...]})``: every correct answer when
    ``correct``, otherwise a wrong choice for every question (the wrong answers, or for a
    question whose answers are all correct, only some of them). Ids are read from the lesson as
    stored, so they are the ids the service will see.
    """
    stored = LessonPage.objects.get(pk=lesson.pk)
    quiz = next((block for block in stored.body if block.block_type == "quiz"), None)
    if quiz is None:
        raise ValueError(f"The lesson {stored.title!r} has no quiz.")
    answers: dict[str, list[str]] = {}
    for question in quiz.value["questions"].bound_blocks:
        right = [a.id for a in question.value["answers"].bound_blocks if a.value["correct"]]
        wrong = [a.id for a in question.value["answers"].bound_blocks if not a.value["correct"]]
        if correct:
            answers[question.id] = right
        elif wrong:
            answers[question.id] = wrong[:1] if question.value["kind"] == "single" else wrong
        elif len(right) > 1:
            answers[question.id] = right[:1]
        else:
            raise ValueError(f"The question {question.value['text']!r} cannot be got wrong.")
    return quiz.id, answers
