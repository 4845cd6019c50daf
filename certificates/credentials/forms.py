"""Forms of the public verification page: a code to look up, or a credential file to check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pathways.certificates.issuance.codes import normalize_code

MAX_CREDENTIAL_BYTES = 256 * 1024


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=64,
        help_text=_(
            "17 letters and numbers, printed on the certificate, e.g. ABCD-EFGH-JKMN-PQRST."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the code printed on the certificate.")},
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if code is None:
            # Only the code's own check symbol is used here, nothing is looked up: saying so
            # reveals nothing about which certificates exist.
            raise forms.ValidationError(
                _(
                    "This is not a complete certificate code. Check it for a missing or mistyped "
                    "character."
                ),
                code="malformed",
            )
        return code


class CredentialForm(forms.Form):
    credential = forms.CharField(
        label=_("Paste the credential"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
    )
    credential_file = forms.FileField(
        label=_("Or choose the credential file"),
        required=False,
        help_text=_("A .json file of at most 256 KB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,application/json,application/ld+json"}
        ),
    )

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("credential") or "", cleaned.get("credential_file")
        if upload is not None and text.strip():
            raise forms.ValidationError(
                _("Paste the credential or choose a file, not both."), code="both"
            )
        if upload is not None:
            if upload.size > MAX_CREDENTIAL_BYTES:
                raise forms.ValidationError(self.too_large_message(), code="too_large")
            data = upload.read(MAX_CREDENTIAL_BYTES + 1)
        elif text.strip():
            data = text.encode()
        else:
            raise forms.ValidationError(
                _("Paste the credential or choose its file."), code="required"
            )
        if len(data) > MAX_CREDENTIAL_BYTES:
            raise forms.ValidationError(self.too_large_message(), code="too_large")
        cleaned["data"] = data
        return cleaned

    @staticmethod
    def too_large_message() -> str:
        return _("This is larger than any credential we issue (at most 256 KB).")
