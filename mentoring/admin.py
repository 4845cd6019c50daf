"""Staff tools for mentorship in the Wagtail admin: mentor profiles, mentee preferences, pairings,
and mentor suggestions for a participant.

Every change goes through ``mentoring.services``, exactly as on the participants' pages, and the
services write the admin's history: the forms here only collect input and show a refusal.
Nothing is deleted: pairings are ended, profiles paused.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.admin.widgets.button import HeaderButton

import django_filters

from pathways.cohorts.admin import GROUPS_MENU_HOOK
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.accounts.people import (
    PeopleIndexMixin,
    PeopleInspectMixin,
    PersonChoiceField,
    active_people,
    people_choices,
)
from pathways.lms.accounts.roles import Role
from pathways.lms.core.admin import ServiceCreateView, ServiceEditView
from pathways.mentoring import selectors, services
from pathways.mentoring.models import (
    MenteePreferences,
    MentorProfile,
    MentorshipPairing,
    PairingStatus,
)

User = get_user_model()


def _mentors():
    return people_choices(User.objects.filter(is_active=True, mentor_profile__isnull=False))


def _language_codes(value: str) -> list[str]:
    return [code.strip() for code in (value or "").replace(";", ",").split(",") if code.strip()]


# Mentor profiles -------------------------------------------------------------------------------


class MentorProfileForm(forms.ModelForm):
    user = PersonChoiceField(label=gettext_lazy("Mentor"), queryset=User.objects.none())
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        required=False,
        help_text=gettext_lazy("Language codes separated by commas, for example: en, es."),
    )

    class Meta:
        model = MentorProfile
        fields = [
            "user",
            "capacity",
            "languages",
            "skills",
            "availability",
            "training_completed",
            "status",
        ]
        widgets = {"skills": forms.CheckboxSelectMultiple}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = active_people()
        if self.instance.pk:
            self.fields["user"].disabled = True
            self.initial["languages"] = ", ".join(self.instance.languages or [])

    def clean_languages(self):
        return _language_codes(self.cleaned_data.get("languages", ""))


def _save_mentor_profile(view, form):
    data = form.cleaned_data
    return services.mentor_profile_save(
        user=data["user"],
        actor=view.request.user,
        capacity=data["capacity"],
        languages=data["languages"],
        skills=data["skills"],
        availability=data["availability"],
        training_completed=data["training_completed"],
        status=data["status"],
    )


class MentorProfileCreateView(ServiceCreateView):
    save_through_service = _save_mentor_profile


class MentorProfileEditView(ServiceEditView):
    save_through_service = _save_mentor_profile


class MentorProfileIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("user",)


class MentorProfileInspectView(PeopleInspectMixin, InspectView):
    person_fields = ("user",)


class MentorProfileViewSet(ModelViewSet):
    model = MentorProfile
    icon = "user"
    menu_label = gettext_lazy("Mentors")
    add_view_class = MentorProfileCreateView
    edit_view_class = MentorProfileEditView
    index_view_class = MentorProfileIndexView
    inspect_view_class = MentorProfileInspectView
    list_display = ["user", "status", "training_completed", "capacity"]
    list_filter = ["status", "training_completed"]
    search_fields = [
        "user__pathways_profile__chosen_name",
        "user__username",
        "user__pathways_profile__peer_alias",
    ]
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_fields = [
        "user",
        "status",
        "training_completed",
        "capacity",
        "languages",
        "skills",
        "availability",
    ]

    def get_form_class(self, for_update=False):
        return MentorProfileForm


# Mentee preferences ----------------------------------------------------------------------------


class MenteePreferencesForm(forms.ModelForm):
    user = PersonChoiceField(label=gettext_lazy("Participant"), queryset=User.objects.none())
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        required=False,
        help_text=gettext_lazy("Language codes separated by commas, for example: en, es."),
    )

    class Meta:
        model = MenteePreferences
        fields = ["user", "skills_wanted", "languages"]
        widgets = {"skills_wanted": forms.CheckboxSelectMultiple}
        labels = {"skills_wanted": gettext_lazy("Skills she would like a mentor to offer")}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = active_people(Role.PARTICIPANT)
        if self.instance.pk:
            self.fields["user"].disabled = True
            self.initial["languages"] = ", ".join(self.instance.languages or [])

    def clean_languages(self):
        return _language_codes(self.cleaned_data.get("languages", ""))


def _save_preferences(view, form):
    data = form.cleaned_data
    return services.mentee_preferences_save(
        user=data["user"],
        actor=view.request.user,
        skills_wanted=data["skills_wanted"],
        languages=data["languages"],
    )


class MenteePreferencesCreateView(ServiceCreateView):
    save_through_service = _save_preferences


class MenteePreferencesEditView(ServiceEditView):
    save_through_service = _save_preferences


class MenteePreferencesIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("user",)


class MenteePreferencesViewSet(ModelViewSet):
    model = MenteePreferences
    icon = "list-ul"
    menu_label = gettext_lazy("Mentee preferences")
    add_view_class = MenteePreferencesCreateView
    edit_view_class = MenteePreferencesEditView
    index_view_class = MenteePreferencesIndexView
    list_display = ["user"]
    search_fields = ["user__pathways_profile__chosen_name", "user__username"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return MenteePreferencesForm


# Pairings --------------------------------------------------------------------------------------


ACTION_LABELS = {
    (services.ACCEPT, PairingStatus.REQUESTED): gettext_lazy("Approve the participant's request"),
    (services.DECLINE, PairingStatus.PROPOSED): gettext_lazy("Withdraw the proposal"),
    (services.DECLINE, PairingStatus.REQUESTED): gettext_lazy("Decline the request"),
    (services.PAUSE, PairingStatus.ACTIVE): gettext_lazy("Pause"),
    (services.RESUME, PairingStatus.PAUSED): gettext_lazy("Resume"),
    (services.COMPLETE, PairingStatus.ACTIVE): gettext_lazy("Mark as completed"),
    (services.COMPLETE, PairingStatus.PAUSED): gettext_lazy("Mark as completed"),
    (services.END, PairingStatus.ACTIVE): gettext_lazy("End early"),
    (services.END, PairingStatus.PAUSED): gettext_lazy("End early"),
}


class PairingProposeForm(forms.ModelForm):
    mentor = PersonChoiceField(label=gettext_lazy("Mentor"), queryset=User.objects.none())
    mentee = PersonChoiceField(
        label=gettext_lazy("Participant"),
        queryset=User.objects.none(),
        help_text=gettext_lazy("She is asked first: nothing starts until she accepts."),
    )

    class Meta:
        model = MentorshipPairing
        fields = ["mentor", "mentee", "checkin_every_days"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = _mentors()
        self.fields["mentee"].queryset = active_people(Role.PARTICIPANT)


class PairingManageForm(forms.ModelForm):
    """Staff change a pairing's check-in interval and, through a service, its status."""

    action = forms.ChoiceField(
        label=gettext_lazy("Change the pairing"), required=False, widget=forms.RadioSelect
    )
    reason_private = forms.CharField(
        label=gettext_lazy("Reason (staff only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For declining, completing or ending. Only programme staff ever see it."
        ),
    )

    class Meta:
        model = MentorshipPairing
        fields = ["checkin_every_days"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.instance.status
        choices = [("", _("No change"))]
        for (action, from_status), (_new, allowed) in services.PAIRING_TRANSITIONS.items():
            if from_status == status and services.STAFF in allowed:
                choices.append((action, ACTION_LABELS[(action, from_status)]))
        self.fields["action"].choices = choices
        self.fields["action"].initial = ""


class PairingCreateView(ServiceCreateView):
    """Staff propose a pairing; the participant accepts or declines it on her mentoring page."""

    def save_through_service(self, form):
        return services.pairing_propose(
            mentor=form.cleaned_data["mentor"],
            mentee=form.cleaned_data["mentee"],
            actor=self.request.user,
            checkin_every_days=form.cleaned_data["checkin_every_days"],
        )


class PairingEditView(ServiceEditView):
    def save_through_service(self, form):
        pairing = MentorshipPairing.objects.get(pk=self.object.pk)
        if "checkin_every_days" in form.changed_data:
            pairing = services.pairing_set_checkin_interval(
                pairing=pairing,
                actor=self.request.user,
                checkin_every_days=form.cleaned_data["checkin_every_days"],
            )
        action = form.cleaned_data.get("action")
        if action:
            pairing = services.pairing_act(
                pairing=pairing,
                actor=self.request.user,
                action=action,
                reason_private=form.cleaned_data["reason_private"],
            )
        return pairing


class PairingInspectView(PeopleInspectMixin, InspectView):
    person_fields = ("mentor", "mentee", "proposed_by", "ended_by")
    template_name = "mentoring/admin/pairing_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["goals"], context["check_ins"] = selectors.staff_pairing_records(self.object)
        return context


class PairingIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("mentor", "mentee")
    suggest_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.suggest_url_name and self.user_has_permission("add"):
            buttons.append(
                HeaderButton(
                    _("Suggest mentors"), url=reverse(self.suggest_url_name), icon_name="search"
                )
            )
        return buttons


class PairingFilterSet(WagtailFilterSet):
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Check-in overdue"),
        field_name="overdue_flagged_at",
        lookup_expr="isnull",
        exclude=True,
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = MentorshipPairing
        fields = ["status", "origin"]


class MenteeChoiceForm(forms.Form):
    mentee = PersonChoiceField(label=gettext_lazy("Participant"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = active_people(Role.PARTICIPANT)


class ProposeForm(MenteeChoiceForm):
    mentor = forms.ModelChoiceField(queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = User.objects.filter(mentor_profile__isnull=False)


class MentorSuggestionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Mentors ranked for one participant, with the reasons, and a button to propose each."""

    model = MentorshipPairing
    permission_required = "add"
    template_name = "mentoring/admin/suggest.html"
    page_title = gettext_lazy("Suggest mentors")
    header_icon = "group"
    index_url_name = None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Mentorship pairings")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MenteeChoiceForm(self.request.GET or None)
        mentee = form.cleaned_data["mentee"] if form.is_valid() else None
        context.update(
            form=form,
            mentee=mentee,
            suggestions=selectors.mentor_suggestions(mentee) if mentee else [],
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ProposeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please choose a participant and a mentor."))
            return redirect(request.path)
        mentee, mentor = form.cleaned_data["mentee"], form.cleaned_data["mentor"]
        try:
            services.pairing_propose(mentor=mentor, mentee=mentee, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(f"{request.path}?mentee={mentee.pk}")
        messages.success(
            request,
            _("%(mentor)s is proposed to %(mentee)s, who will be asked to accept.")
            % {"mentor": chosen_name_of(mentor), "mentee": chosen_name_of(mentee)},
        )
        return redirect(reverse(self.index_url_name))


class MentorshipPairingViewSet(ModelViewSet):
    model = MentorshipPairing
    icon = "group"
    menu_label = gettext_lazy("Mentor pairings")
    index_view_class = PairingIndexView
    add_view_class = PairingCreateView
    edit_view_class = PairingEditView
    inspect_view_class = PairingInspectView
    filterset_class = PairingFilterSet
    list_display = [
        "mentor",
        "mentee",
        "status",
        "origin",
        "started_at",
        Column("overdue_flagged_at", label=gettext_lazy("Check-in overdue since")),
    ]
    search_fields = [
        "mentor__pathways_profile__chosen_name",
        "mentor__username",
        "mentee__pathways_profile__chosen_name",
        "mentee__username",
    ]
    ordering = ["-created_at"]
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_fields = [
        "mentor",
        "mentee",
        "status",
        "origin",
        "proposed_by",
        "created_at",
        "responded_at",
        "started_at",
        "checkin_every_days",
        "overdue_flagged_at",
        "ended_at",
        "ended_by",
        "end_reason_private",
    ]

    def get_form_class(self, for_update=False):
        return PairingManageForm if for_update else PairingProposeForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            suggest_url_name=self.get_url_name("suggest"), **kwargs
        )

    @property
    def suggest_view(self):
        return self.construct_view(MentorSuggestionView, index_url_name=self.get_url_name("index"))

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("suggest/", self.suggest_view, name="suggest")]


def viewsets() -> list[ModelViewSet]:
    """The admin screens registered by ``mentoring.wagtail_hooks``. Their menu items sit in the
    cohorts' menu group, "Groups and mentoring", after the cohorts' own."""
    in_groups_menu = {"menu_hook": GROUPS_MENU_HOOK}
    return [
        MentorshipPairingViewSet("mentorship_pairings", menu_order=10, **in_groups_menu),
        MentorProfileViewSet("mentor_profiles", menu_order=11, **in_groups_menu),
        MenteePreferencesViewSet("mentee_preferences", menu_order=12, **in_groups_menu),
    ]
