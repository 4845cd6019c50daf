"""Forms for a participant sharing her certificates with an employer.

They only collect what she chose; ``release_services.release_create`` holds every rule (her own
current certificates, at most 365 days, the signature matching her name) and its refusals are
shown on the form.
"""

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.issuance.models import Certificate
from pathways.certificates.sharing.consent import CONSENT_VERSION
from pathways.certificates.sharing.models import DisclosedField
from pathways.certificates.sharing.selectors import employers_for_sharing, releasable_certificates
from pathways.certificates.sharing.services import default_end_date, latest_end_date
from pathways.lms.accounts.names import chosen_name_of


class Purpose(models.TextChoices):
    JOB_APPLICATION = "job_application", _("A job application")
    CURRENT_JOB = "current_job", _("A job I already have")
    OTHER = "other", _("Something else")


class EmployerChoiceForm(forms.Form):
    """Step one: who she shares with. The consent text she reads next names this employer."""

    employer = forms.ModelChoiceField(
        label=_("Which employer?"),
        queryset=EmployerOrganisation.objects.none(),
        empty_label=_("Choose an employer"),
        error_messages={
            "required": _("Choose an employer."),
            "invalid_choice": _("Choose an employer from the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers_for_sharing()


class CertificateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Certificate) -> str:
        if obj.printed_achievement and obj.printed_achievement != obj.printed_title:
            return f"{obj.printed_achievement} ({obj.printed_title})"
        return obj.printed_title


class ReleaseForm(forms.Form):
    """Step two: what she shares with the chosen employer, why, until when, and her signature."""

    certificates = CertificateChoiceField(
        label=_("Which certificates?"),
        queryset=Certificate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one certificate to share."),
            "invalid_choice": _("You can only share your own current certificates."),
            "invalid_pk_value": _("You can only share your own current certificates."),
        },
    )
    disclosed_fields = forms.MultipleChoiceField(
        label=_("What else to show"),
        choices=DisclosedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    purpose = forms.ChoiceField(
        label=_("Why are you sharing?"),
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        initial=Purpose.JOB_APPLICATION,
        error_messages={"required": _("Say why you are sharing.")},
    )
    purpose_other = forms.CharField(
        label=_("In your own words"),
        required=False,
        max_length=500,
        help_text=_("Only if you picked “Something else”."),
    )
    ends_on = forms.DateField(
        label=_("Share until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choose the last day they can see your certificates."),
            "invalid": _("Give the date like 2027-03-01."),
        },
    )
    signature = forms.CharField(
        label=_("Type your name to sign"),
        max_length=200,
        error_messages={"required": _("Type your name to sign.")},
    )
    consent_version = forms.CharField(widget=forms.HiddenInput, initial=CONSENT_VERSION)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificates"].queryset = releasable_certificates(user)
        today = timezone.localdate()
        ends_on = self.fields["ends_on"]
        ends_on.initial = default_end_date(today)
        ends_on.widget.attrs.update(
            {"min": today.isoformat(), "max": latest_end_date(today).isoformat()}
        )
        ends_on.help_text = _(
            "90 days from today unless you change it. It can be up to one year, until "
            "%(latest)s. You can stop sharing sooner at any time."
        ) % {"latest": latest_end_date(today).isoformat()}
        self.fields["signature"].help_text = _(
            "Type your name as it is on your account: %(name)s."
        ) % {"name": chosen_name_of(user)}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == Purpose.OTHER and not cleaned.get("purpose_other", "").strip():
            self.add_error("purpose_other", _("Tell us why in a few words."))
        return cleaned

    def purpose_text(self) -> str:
        """The purpose as stored: her own words, or the choice as she read it."""
        choice = self.cleaned_data["purpose"]
        if choice == Purpose.OTHER:
            return self.cleaned_data["purpose_other"].strip()
        return str(Purpose(choice).label)
