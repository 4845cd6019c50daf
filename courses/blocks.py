"""StreamField blocks that make up a lesson.

Interactive blocks (quiz, reflection prompt, practical activity) are identified by the StreamField
block id, which Wagtail keeps stable across edits, so progress survives a lesson being reworded.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "courses/blocks/heading.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"))
    transcript = blocks.RichTextBlock(
        label=_("Transcript"),
        required=False,
        help_text=_("A transcript helps people who cannot play sound or prefer to read."),
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(label=_("Link text"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("important", _("Important")), ("note", _("Note"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=200)
    body = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "help"
        template = "courses/blocks/callout.html"


class ReflectionPromptBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Prompt"))
    guidance = blocks.TextBlock(
        label=_("Guidance"),
        required=False,
        help_text=_("Optional words of encouragement shown under the prompt."),
    )

    class Meta:
        icon = "edit"
        label = _("Reflection prompt")


class AnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=500)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("Feedback"),
        required=False,
        help_text=_("Shown after the participant chooses this answer."),
    )


class QuestionBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Question"))
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("single", _("Choose one")), ("multiple", _("Choose all that apply"))],
        default="single",
    )
    answers = blocks.ListBlock(AnswerBlock(), min_num=2, label=_("Answers"))

    def clean(self, value):
        value = super().clean(value)
        correct = [answer for answer in value["answers"] if answer["correct"]]
        if not correct:
            raise ValidationError(_("Mark at least one answer as correct."))
        if value["kind"] == "single" and len(correct) != 1:
            raise ValidationError(_("A 'choose one' question needs exactly one correct answer."))
        return value


class QuizBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200, default=_("Check your learning"))
    pass_mark = blocks.IntegerBlock(
        label=_("Pass mark (%)"), min_value=0, max_value=100, default=80
    )
    max_attempts = blocks.IntegerBlock(
        label=_("Attempts allowed"),
        min_value=0,
        default=0,
        help_text=_("0 means as many attempts as the participant needs."),
    )
    questions = blocks.ListBlock(QuestionBlock(), min_num=1, label=_("Questions"))

    class Meta:
        icon = "list-ul"
        label = _("Quiz")


class PracticalActivityBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    instructions = blocks.RichTextBlock(label=_("Instructions"))

    class Meta:
        icon = "tick-inverse"
        label = _("Practical activity (signed off by a facilitator)")


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"],
        template="courses/blocks/text.html",
    )
    heading = HeadingBlock(label=_("Heading"))
    image = ImageBlock(label=_("Image"), template="courses/blocks/image.html")
    video = VideoBlock(label=_("Video"))
    document = DocumentBlock(label=_("Downloadable document"))
    callout = CalloutBlock(label=_("Callout"))
    reflection = ReflectionPromptBlock()
    quiz = QuizBlock()
    activity = PracticalActivityBlock()
