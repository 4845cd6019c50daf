"""Forms for the admin's second factor and for setting a participant's temporary password."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from pathways.lms.security.two_factor import normalise_code


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code your app shows"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not code.isdigit():
            raise forms.ValidationError(_("The code is 6 numbers."))
        return code


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )

    def clean_code(self):
        return normalise_code(self.cleaned_data["code"])


class TemporaryPasswordForm(forms.Form):
    """Either make a readable password, or take one typed twice."""

    MAKE = "make"
    TYPE = "type"

    how = forms.ChoiceField(
        label=_("How to set the password"),
        choices=[
            (MAKE, _("Make a password that is easy to read out")),
            (TYPE, _("I will type a password")),
        ],
        initial=MAKE,
        widget=forms.RadioSelect,
    )
    password1 = forms.CharField(
        label=_("New password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Only if you chose to type one."),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("how") != self.TYPE:
            return data
        password1, password2 = data.get("password1"), data.get("password2")
        if not password1:
            self.add_error("password1", _("Type the new password."))
        elif password1 != password2:
            self.add_error("password2", _("The two passwords are different. Type them again."))
        else:
            try:
                password_validation.validate_password(password1, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
