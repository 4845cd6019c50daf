"""Forms of the mentoring pages. They only read the input; the rules live in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pathways.mentoring.models import CheckInMode, GoalStatus
from pathways.mentoring.services import MAX_CHECKIN_MINUTES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class GoalForm(forms.Form):
    prefix = "goal"
    title = forms.CharField(label=_("Goal"), max_length=300)
    due_date = forms.DateField(label=_("By when (optional)"), required=False, widget=DateInput())


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class CheckInForm(forms.Form):
    prefix = "checkin"
    date = forms.DateField(label=_("Date"), widget=DateInput())
    mode = forms.ChoiceField(label=_("How you met"), choices=CheckInMode.choices)
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=1, max_value=MAX_CHECKIN_MINUTES, initial=30
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("You both see these notes. Programme staff see them too."),
    )
    # Shown only to a mentee whose programme allows it; the service refuses it otherwise.
    private_from_staff = forms.BooleanField(
        label=_("Keep these notes private from programme staff"), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason_private = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only programme staff see this. The other person does not."),
    )


class PeerAliasForm(forms.Form):
    """The name a participant without an alias chooses for her mentor to see, asked when she
    asks a mentor or accepts one. The rules are the service's (``mentoring.services``)."""

    peer_alias = forms.CharField(
        label=_("The name your mentor will see"),
        max_length=80,
        help_text=_(
            "Mentors know you only by this name, never your full or legal name. It can be a "
            "nickname or a word you like. You can use it with other peers too."
        ),
    )

    def __init__(self, *args, pairing_id=None, mentor_id=None, **kwargs):
        # One form per proposal or mentor on the page: ids stay unique, and the error summary
        # links to the right box.
        key = f"pairing-{pairing_id}" if pairing_id is not None else f"mentor-{mentor_id}"
        kwargs.setdefault("auto_id", f"alias-{key}-%s")
        super().__init__(*args, **kwargs)
