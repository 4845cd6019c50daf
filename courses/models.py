"""Courses as Wagtail pages, and the records of each participant's learning.

Page models hold presentation and routing only; the rules live in ``services.py`` and the reads
in ``selectors.py``.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

import wagtail.models  # noqa: F401  (registers the page model before it is looked up)
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index
from wagtail.snippets.models import register_snippet

import swapper

from pathways.courses.blocks import LessonStreamBlock
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.core.languages import ShownInLanguage, language_choices

Page = swapper.load_model("wagtailcore", "Page", require_ready=False)


class Track(models.TextChoices):
    VOCATIONAL = "vocational", _("Vocational training")
    PROFESSIONAL = "professional", _("Professional development")
    LEADERSHIP = "leadership", _("Leadership")


@register_snippet
class Skill(ShownInLanguage, index.Indexed, ClusterableModel):
    """An entry of the skills taxonomy: what a course teaches and a certificate attests.

    Its name and description may be translated (``translations``): course pages show them in
    the reader's language, and a certificate prints the names in its own language.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        InlinePanel(
            "translations",
            heading=_("Translations"),
            label=_("Translation"),
            help_text=_(
                "The name and description in other languages: course pages show them to readers "
                "of that language, and certificates printed in it list the name."
            ),
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    @property
    def shown_name(self) -> str:
        """The name in the reader's language (the active one), or as written."""
        return self.shown("name")

    @property
    def shown_description(self) -> str:
        """The description in the reader's language (the active one), or as written."""
        return self.shown("description")


class SkillTranslation(models.Model):
    """A skill's name and description in another language, written by staff with the skill."""

    skill = ParentalKey(Skill, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Leave empty to show the skill's own.")
    )

    panels = [FieldPanel("language"), FieldPanel("name"), FieldPanel("description")]

    class Meta:
        verbose_name = _("skill translation")
        verbose_name_plural = _("skill translations")
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "language"],
                name="courses_one_skill_translation_per_language",
                violation_error_message=_("The skill already has a translation in this language."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.language})"


class ShownInTheReadersLanguage:
    """A page that may be shown with a translation's text (``pathways.courses.translations``).

    Such a page object keeps its own id and place but holds another page's words, so it is never
    saved: saving it would write the translation into the page it translates.
    """

    #: The fields a translation gives when the page is shown in the reader's language.
    shown_translated_fields: tuple[str, ...] = ("title",)

    def _refuse_if_shown_translated(self) -> None:
        if getattr(self, "_pathways_shown_language", None):
            raise RuntimeError(
                "This page object holds a translation's text for showing; load the page again "
                "before saving it."
            )

    def save(self, *args, **kwargs):
        self._refuse_if_shown_translated()
        return super().save(*args, **kwargs)

    def save_revision(self, *args, **kwargs):
        self._refuse_if_shown_translated()
        return super().save_revision(*args, **kwargs)


class CourseIndexPage(Page):
    """The catalogue of courses a site offers."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["pathways_courses.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course index")

    def serve(self, request, *args, **kwargs):
        return redirect("courses:catalogue")


class CoursePage(ShownInTheReadersLanguage, Page):
    """A course: modules of lessons, with the rules a participant meets to complete it.

    Translated in the admin like any page; enrolments and the rules are the source page's, and
    a participant reads the translation in her language (``pathways.courses.translations``).
    """

    shown_translated_fields = ("title", "summary", "description")

    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    summary = models.TextField(_("summary"), max_length=600)
    description = RichTextField(_("description"), blank=True)
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=5,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0)],
    )
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="en"
    )
    skills = ParentalManyToManyField(Skill, blank=True, related_name="courses")
    prerequisites = ParentalManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="required_by",
        verbose_name=_("prerequisites"),
        help_text=_("Courses a participant must complete before enrolling in this one."),
    )
    enrolment_open = models.BooleanField(
        _("open for enrolment"),
        default=True,
        help_text=_("Participants can enrol themselves. Staff can always enrol people."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("track"),
                FieldPanel("language"),
                FieldPanel("estimated_hours"),
                FieldPanel("enrolment_open"),
            ],
            heading=_("About the course"),
        ),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("skills"),
        FieldPanel("prerequisites"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["pathways_courses.CourseIndexPage"]
    subpage_types = ["pathways_courses.ModulePage"]

    class Meta:
        verbose_name = _("course")

    def get_learning_url(self) -> str:
        return reverse("courses:course", args=[self.pk])

    def serve(self, request, *args, **kwargs):
        return redirect(self.get_learning_url())


class ModulePage(ShownInTheReadersLanguage, Page):
    """A group of lessons inside a course."""

    shown_translated_fields = ("title", "summary")

    summary = models.TextField(_("summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["pathways_courses.CoursePage"]
    subpage_types = ["pathways_courses.LessonPage"]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        return redirect(reverse("courses:course", args=[self.get_parent().pk]))


class LessonPage(ShownInTheReadersLanguage, Page):
    """One lesson: content, and optionally a quiz, reflection prompts and practical activities."""

    shown_translated_fields = ("title", "body")

    body = StreamField(LessonStreamBlock(), verbose_name=_("content"), blank=True)
    required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("Required lessons must be marked as done to complete the course."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("required"), FieldPanel("estimated_minutes")], heading=_("Settings")
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["pathways_courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")

    def get_learning_url(self) -> str:
        return reverse("courses:lesson", args=[self.pk])

    def serve(self, request, *args, **kwargs):
        return redirect(self.get_learning_url())

    def serve_preview(self, request, mode_name):
        """Show staff the lesson as a participant would see it, without recording anything."""
        course = CoursePage.objects.ancestor_of(self).first()
        return TemplateResponse(
            request,
            "courses/lesson.html",
            {
                "page_title": self.title,
                "lesson": self,
                "course": course,
                "items": [{"block": block, "state": {}} for block in self.body],
                "preview": True,
            },
        )

    def interactive_blocks(self, block_type: str) -> list:
        return [block for block in self.body if block.block_type == block_type]

    def interactive_structure(self) -> list[tuple]:
        """What progress is recorded against, block by block: each quiz (its id, pass mark,
        attempts, and each question's id and kind with its answers' ids and which are right),
        reflection prompt and practical activity (their ids)."""
        structure = []
        for block in self.body:
            if block.block_type == "quiz":
                value = block.value
                questions = tuple(
                    (
                        question.id,
                        question.value["kind"],
                        tuple(
                            (answer.id, bool(answer.value["correct"]))
                            for answer in question.value["answers"].bound_blocks
                        ),
                    )
                    for question in value["questions"].bound_blocks
                )
                structure.append(
                    ("quiz", block.id, value["pass_mark"], value["max_attempts"], questions)
                )
            elif block.block_type in ("reflection", "activity"):
                structure.append((block.block_type, block.id))
        return structure

    def translation_fits(self, translation: "LessonPage") -> bool:
        """Whether a translation of this lesson can be shown in its place: the same quizzes,
        prompts and activities (so answers, attempts and sign-offs mean the same)."""
        return translation.interactive_structure() == self.interactive_structure()

    def find_block(self, block_type: str, block_id: str):
        for block in self.body:
            if block.block_type == block_type and block.id == block_id:
                return block
        return None


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    """A participant taking a course. Completion is decided only by ``services``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("participant"),
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
    )
    enrolled_at = models.DateTimeField(_("started"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    last_lesson = models.ForeignKey(
        LessonPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last lesson opened"),
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_one_enrolment")
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{chosen_name_of(self.user)} – {self.course}"


class LessonProgress(models.Model):
    """When a participant started and finished one lesson."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="courses_one_progress")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id}"


class QuizAttempt(models.Model):
    """One submitted attempt at a quiz; the best score counts."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="quiz_attempts")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    attempt_number = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson", "block_id", "attempt_number"],
                name="courses_one_attempt_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.block_id} #{self.attempt_number}"


class ReflectionAnswer(models.Model):
    """A participant's written answer to a reflection prompt. Private: only she ever sees it."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reflections")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    text = models.TextField(_("answer"), max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson", "block_id"], name="courses_one_reflection"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.block_id}"


class ActivityStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for sign-off")
    SIGNED_OFF = "signed_off", _("Signed off")
    # "Not yet": the facilitator gave it back with a note; she can change her work and ask again.
    RETURNED = "returned", _("Not yet: returned with a note")


class ActivitySignoff(models.Model):
    """A practical activity the participant did, and the facilitator who confirmed it."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="activity_signoffs"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    status = models.CharField(
        max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.REQUESTED
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # The last time a facilitator said "not yet", kept when she asks again so that the
    # facilitator sees what was asked of her.
    return_note = models.TextField(_("note on returning"), blank=True, max_length=2000)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned by"),
    )

    class Meta:
        verbose_name = _("practical activity sign-off")
        verbose_name_plural = _("practical activity sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson", "block_id"], name="courses_one_signoff"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.block_id} ({self.status})"

    @property
    def is_returned(self) -> bool:
        return self.status == ActivityStatus.RETURNED

    @property
    def is_signed_off(self) -> bool:
        return self.status == ActivityStatus.SIGNED_OFF

    @property
    def activity_title(self) -> str:
        """The activity's title in its lesson (needs ``lesson`` loaded), or "" if it is gone."""
        block = self.lesson.find_block("activity", self.block_id)
        return block.value["title"] if block is not None else ""
