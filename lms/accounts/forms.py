"""Forms for signing in, for a person's own settings, and for staff editing people in the
Wagtail admin."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from wagtail.users.forms import UserCreationForm, UserEditForm

from pathways.lms.accounts.models import ContactChannel
from pathways.lms.accounts.names import normalise_name, stored_profile, validate_person_name
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.selectors import (
    grantable_groups,
    roles_refused_while_staff_know_the_password,
)
from pathways.lms.core.time_zones import site_time_zone_name, time_zone_choices

PROFILE_FIELDS = [
    "chosen_name",
    "legal_name",
    "peer_alias",
    "preferred_language",
    "time_zone",
    "safe_contact_channels",
    "do_not_contact",
]
# What a person changes for herself on "Your settings".
OWN_SETTINGS_FIELDS = ["preferred_language", "time_zone"]


def _language_choices():
    return [("", _("The site's language")), *settings.LANGUAGES]


def _time_zone_choices(current: str = ""):
    site_zone = site_time_zone_name()
    choices = time_zone_choices()
    if current and current not in {zone for zone, _label in choices}:
        choices.append((current, current.replace("_", " ")))
    return [("", _("The site's time zone (%(zone)s)") % {"zone": site_zone}), *choices]


class TimeZoneField(forms.ChoiceField):
    """A time zone by its place name ("Europe/London"), or blank for the site's own."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault(
            "help_text",
            _("Dates and times are shown in this time zone. Choose the place nearest to you."),
        )
        super().__init__(choices=(), required=False, **kwargs)

    def offer(self, current: str = "") -> None:
        self.choices = _time_zone_choices(current)


class SignInForm(AuthenticationForm):
    """Username or e-mail, and a password; the messages never say which one was wrong."""

    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        "invalid_login": _(
            "That username or e-mail and password did not match. Please check them and try again."
        ),
        "inactive": _("This account is not active. Please speak to a member of staff."),
    }


class _ProfileFieldsMixin(forms.ModelForm):
    """Adds the Pathways profile (chosen and legal names, alias, language, safe contact) to the
    site's user form, and leaves out the user model's first and last names, which Pathways never
    shows. The profile is saved with the account."""

    chosen_name = forms.CharField(
        label=_("Chosen name"),
        max_length=150,
        help_text=_("The name this person wants to be called. Used everywhere."),
        validators=[validate_person_name],
    )
    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=200,
        required=False,
        help_text=_("Optional. Printed only where the person asks for it."),
        validators=[validate_person_name],
    )
    peer_alias = forms.CharField(
        label=_("Peer alias"),
        max_length=80,
        required=False,
        help_text=_("What cohort-mates and mentors see. Defaults to the chosen name."),
        validators=[validate_person_name],
    )
    email = forms.EmailField(required=False, label=_("E-mail (optional)"))
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=(), required=False
    )
    time_zone = TimeZoneField(
        help_text=_("Dates and times are shown to this person in this time zone."),
    )
    safe_contact_channels = forms.MultipleChoiceField(
        label=_("Safe ways to contact this person"),
        choices=ContactChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    do_not_contact = forms.BooleanField(
        label=_("Do not contact this person"),
        required=False,
        help_text=_("When set, nobody contacts this person through the system at all."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("first_name", None)
        self.fields.pop("last_name", None)
        self.fields["preferred_language"].choices = _language_choices()
        profile = stored_profile(self.instance)
        if profile is not None:
            for name in PROFILE_FIELDS:
                self.initial.setdefault(name, getattr(profile, name))
        self.fields["time_zone"].offer(self.initial.get("time_zone") or "")

    def clean(self):
        cleaned = super().clean()
        for name in ("chosen_name", "legal_name", "peer_alias"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = normalise_name(cleaned[name].strip())
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            self.save_profile(user)
        else:
            previous = getattr(self, "save_m2m", None)

            def save_m2m():
                if previous is not None:
                    previous()
                self.save_profile(user)

            self.save_m2m = save_m2m
        return user

    def save_profile(self, user) -> None:
        profile_update(user, **{name: self.cleaned_data.get(name) for name in PROFILE_FIELDS})


class OwnSettingsForm(forms.Form):
    """ "Your settings": the language and time zone a person chooses for herself."""

    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=(),
        required=False,
        help_text=_("The language of every page, on any device you sign in on."),
    )
    time_zone = TimeZoneField()

    def __init__(self, *args, profile=None, **kwargs):
        if profile is not None:
            kwargs.setdefault(
                "initial", {name: getattr(profile, name) for name in OWN_SETTINGS_FIELDS}
            )
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = _language_choices()
        self.fields["time_zone"].offer(self.initial.get("time_zone") or "")


class _AccountLimitsMixin(forms.ModelForm):
    """Holds the form to what the person filling it in may change (``lms.accounts.selectors``).

    For anyone but a superuser there is no "Administrator" box, no password on an existing
    account, and only the roles she may grant; a field that is not on the form is never read
    from the request, so posting it changes nothing. Roles she may not grant that the account
    already holds are kept. The view says who is acting: the form cannot be made without it.
    """

    def __init__(self, *args, for_user, **kwargs):
        self.for_user = for_user
        super().__init__(*args, **kwargs)
        if for_user.is_superuser:
            return
        self.fields.pop("is_superuser", None)
        if "groups" in self.fields:
            self.fields["groups"].queryset = grantable_groups(actor=for_user)

    @property
    def password_enabled(self):
        # Wagtail's UserForm asks this before offering the password fields and again on save.
        # A new account's first password is not anyone's password yet.
        return super().password_enabled and (self.for_user.is_superuser or self.instance.pk is None)

    def clean_groups(self):
        chosen = list(self.cleaned_data.get("groups") or [])
        if self.for_user.is_superuser or self.instance.pk is None:
            return chosen
        if roles_refused_while_staff_know_the_password(
            actor=self.for_user, user=self.instance, groups=chosen
        ):
            raise forms.ValidationError(
                _(
                    "Staff set this person's current password in person. They can be given "
                    "this role once they have chosen a password of their own (or by a "
                    "superuser)."
                )
            )
        kept = self.instance.groups.exclude(pk__in=grantable_groups(actor=self.for_user))
        return chosen + list(kept)


class PathwaysUserCreationForm(_AccountLimitsMixin, _ProfileFieldsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields - {"first_name", "last_name"}


class PathwaysUserEditForm(_AccountLimitsMixin, _ProfileFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields - {"first_name", "last_name"}
