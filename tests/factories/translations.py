"""Translations of course pages, made as Wagtail makes them (``copy_for_translation``, which the
admin's "Translate this page" uses too): the copy keeps the page's StreamField block, question and
answer ids, and is published with the translated words put in."""

from collections.abc import Callable, Collection
from typing import Any

from wagtail.models import Locale, Page

from pathways.courses.models import CoursePage, LessonPage, ModulePage


def locale(language: str) -> Locale:
    return Locale.objects.get_or_create(language_code=language)[0]


def translate_page(page: Page, into: str, **fields: Any) -> Page:
    """Publish ``page``'s translation into the language ``into`` (made if missing) with
    ``fields`` set."""
    model = type(page)
    existing = page.get_translation_or_none(locale(into))
    if existing is None:
        existing = page.copy_for_translation(locale(into), copy_parents=True)
    translation = model.objects.get(pk=existing.pk)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return model.objects.get(pk=translation.pk)


def spanish_body(lesson: LessonPage) -> list[dict]:
    """The lesson's body as stored (same ids), with its words marked as Spanish: headings, quiz
    titles, questions and answers, prompts and activity titles start with "ES "."""
    body = []
    for block in lesson.body.raw_data:
        block = {**block, "value": block["value"]}
        value = block["value"]
        if block["type"] == "heading":
            block["value"] = {**value, "text": f"ES {value['text']}"}
        elif block["type"] == "text":
            block["value"] = f"<p>ES texto.</p>{value}"
        elif block["type"] == "reflection":
            block["value"] = {**value, "prompt": f"ES {value['prompt']}"}
        elif block["type"] == "activity":
            block["value"] = {**value, "title": f"ES {value['title']}"}
        elif block["type"] == "quiz":
            block["value"] = {
                **value,
                "title": f"ES {value['title']}",
                "questions": [
                    {
                        **question,
                        "value": {
                            **question["value"],
                            "text": f"ES {question['value']['text']}",
                            "answers": [
                                {
                                    **answer,
                                    "value": {
                                        **answer["value"],
                                        "text": f"ES {answer['value']['text']}",
                                        "feedback": f"ES {answer['value']['feedback']}",
                                    },
                                }
                                for answer in question["value"]["answers"]
                            ],
                        },
                    }
                    for question in value["questions"]
                ],
            }
        body.append(block)
    return body


def translate_course(
    course: CoursePage,
    language: str = "es",
    *,
    leave_out: Collection[int] = (),
    body: Callable[[LessonPage], list[dict]] = spanish_body,
) -> CoursePage:
    """Translate the course and its modules and lessons (except the pages whose ids are in
    ``leave_out``): titles become "ES <title>", lesson bodies ``body(lesson)``."""
    translated = translate_page(
        course,
        language,
        title=f"ES {course.title}",
        summary=f"ES {course.summary}",
        description=f"<p>ES {course.title}</p>",
        language=language,
    )
    for module in ModulePage.objects.child_of(course).order_by("path"):
        if module.pk in leave_out:
            continue
        translate_page(module, language, title=f"ES {module.title}", summary="ES resumen")
        for lesson in LessonPage.objects.child_of(module).order_by("path"):
            if lesson.pk not in leave_out:
                translate_page(lesson, language, title=f"ES {lesson.title}", body=body(lesson))
    return translated
