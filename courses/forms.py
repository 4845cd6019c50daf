"""The forms of a participant's course pages.

They carry what she sent back to the page when something needs correcting, so the shared error
summary (``pathways/includes/error_summary.html``) can name the problem and link to the question
or box it is about. The rules themselves stay in ``services``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pathways.lms.core.errors import add_form_errors


class _FirstAnswerMixin:
    """A group of answers whose label (and error summary link) points at its first answer.

    Django leaves a radio or checkbox group without an id to link to; a question's error must
    take her to the question, so the group answers with the id of its first input.
    """

    def id_for_label(self, id_, index=None):
        return id_ if index is None else f"{id_}_{index}"


class _AnswerRadios(_FirstAnswerMixin, forms.RadioSelect):
    pass


class _AnswerCheckboxes(_FirstAnswerMixin, forms.CheckboxSelectMultiple):
    pass


def answer_input_id(answer_id: str) -> str:
    """The id of an answer's input on the lesson page."""
    return f"a-{answer_id}"


def question_field_name(question_id: str) -> str:
    """The name a question's answers are sent under."""
    return f"q-{question_id}"


class QuizForm(forms.Form):
    """One quiz of a lesson: a field per question, named ``q-<question id>``.

    An unanswered question is an error on that question, and every answer she did give is kept
    when the page comes back to her.
    """

    def __init__(self, *args, quiz, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiz = quiz
        for number, question in enumerate(quiz.value["questions"].bound_blocks, start=1):
            answers = list(question.value["answers"].bound_blocks)
            multiple = question.value["kind"] == "multiple"
            field_class = forms.MultipleChoiceField if multiple else forms.ChoiceField
            widget_class = _AnswerCheckboxes if multiple else _AnswerRadios
            first_id = answer_input_id(answers[0].id) if answers else ""
            self.fields[question_field_name(question.id)] = field_class(
                label=_("Question %(number)s") % {"number": number},
                choices=[(answer.id, answer.value["text"]) for answer in answers],
                widget=widget_class(attrs={"id": first_id} if first_id else {}),
                error_messages={
                    "required": (
                        _("Choose at least one answer.") if multiple else _("Choose an answer.")
                    ),
                    "invalid_choice": _("One of the answers was not recognised. Please try again."),
                },
            )

    def chosen(self) -> set[str]:
        """Every answer id she ticked, valid or not, to tick them again on the page."""
        if not self.is_bound:
            return set()
        return {value for name in self.fields for value in self.data.getlist(name)}

    def answers(self) -> dict[str, list[str]]:
        """Her answers by question id, in the form ``services.quiz_submit`` takes."""
        answers = {}
        for name, value in self.cleaned_data.items():
            question_id = name.removeprefix("q-")
            answers[question_id] = list(value) if isinstance(value, list) else [value]
        return answers


class ReflectionForm(forms.Form):
    """Her private answer to one reflection prompt."""

    text = forms.CharField(
        max_length=10_000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Please write something before saving."),
            "max_length": _("Please keep your reflection under 10,000 characters."),
        },
    )

    def __init__(self, *args, block, **kwargs):
        super().__init__(*args, **kwargs)
        self.block = block
        field = self.fields["text"]
        field.label = _("Your reflection")
        field.widget.attrs["id"] = f"reflection-text-{block.id}"


class RefusalForm(forms.Form):
    """A button with nothing to fill in (enrol, mark as done, leave...): it only carries the
    reason a service refused, for the error summary at the top of the page."""

    @classmethod
    def for_error(cls, error: ValidationError) -> "RefusalForm":
        form = cls(data={})
        form.full_clean()
        add_form_errors(form, error)
        return form
