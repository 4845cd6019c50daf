"""Staff tools for cohorts in the Wagtail admin: cohorts, memberships, sessions and attendance.

Every change made here goes through ``cohorts.services``, the same functions the participant and
facilitator pages use, so the admin cannot overfill a cohort, skip a status transition or record
attendance for someone outside the cohort; the services also write the admin's history. A refusal
shows on the form and changes nothing.
Nothing here deletes a cohort, a membership or attendance: people are withdrawn, cohorts closed;
only a session with no attendance yet can be removed.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel, ObjectList
from wagtail.admin.views.generic import DeleteView, IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from pathways.cohorts import services
from pathways.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortMembership,
    CohortSession,
    CohortStatus,
    MembershipStatus,
)
from pathways.cohorts.selectors import ATTENDING_STATUSES
from pathways.courses import translations as course_translations
from pathways.courses.models import CoursePage
from pathways.lms.accounts.names import staff_label
from pathways.lms.accounts.people import (
    PeopleIndexMixin,
    PeopleInspectMixin,
    PersonMultipleChoiceField,
    active_people,
    offer_people,
    person_ordering,
    with_profiles,
)
from pathways.lms.accounts.roles import Role
from pathways.lms.core.admin import (
    AdminFormView,
    RowAction,
    RowActionsMixin,
    ServiceCreateView,
    ServiceEditView,
)
from pathways.lms.core.time_zones import is_time_zone, time_zone_choices


class NoUniquenessCheckMixin:
    """Leave duplicate checks to the service, which answers them in plain words."""

    unchecked_fields = ()

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.update(self.unchecked_fields)
        return exclusions


# Cohorts -------------------------------------------------------------------------------------


class TimeZoneInput(forms.TextInput):
    """A time zone typed with suggestions: the field offers every zone in a ``<datalist>``, which
    the browser filters as she types ("madrid", "Los Angeles"), with no script. Wagtail's admin
    has no searchable select, and a plain one of 400 zones is hard to use."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-choices"
        field = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', time_zone_choices())
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


def matching_time_zone(typed: str) -> str:
    """The zone someone meant: its exact name, or the same name in other capitals or with spaces
    ("america/los angeles"), or a place only one zone is named after ("Madrid"). Otherwise what
    she typed, for the model's validator to refuse."""
    typed = " ".join(typed.split())
    if is_time_zone(typed):
        return typed
    wanted = typed.replace(" ", "_").casefold()
    zones = [zone for zone, _label in time_zone_choices()]
    for zone in zones:
        if zone.casefold() == wanted:
            return zone
    places = [zone for zone in zones if zone.rsplit("/", 1)[-1].casefold() == wanted]
    return places[0] if len(places) == 1 else typed


class CohortForm(WagtailAdminModelForm):
    """Facilitators are chosen among facilitators and staff; the status offers allowed moves;
    the time zone is typed with suggestions."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "time_zone" in self.fields:
            self.fields["time_zone"].widget = TimeZoneInput()
            self.fields["time_zone"].help_text = _(
                "Where the sessions happen. Start typing a city or region, for example Madrid "
                "or America/Los_Angeles, and choose it from the list."
            )
        if "facilitators" in self.fields:
            offer_people(
                self.fields["facilitators"], active_people(Role.FACILITATOR, Role.PROGRAMME_STAFF)
            )
            self.fields["facilitators"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["facilitators"].choices
            )
        if "status" in self.fields:
            if self.instance.pk:
                current = self.instance.status
                allowed = {current, *services.COHORT_TRANSITIONS[current]}
            else:
                allowed = set(services.COHORT_INITIAL_STATUSES)
            self.fields["status"].choices = [
                (value, label) for value, label in CohortStatus.choices if value in allowed
            ]

    def clean_time_zone(self):
        return matching_time_zone(self.cleaned_data.get("time_zone") or "")


class CourseRunForm(WagtailAdminModelForm):
    """A course the cohort runs, chosen from a list that names each course once, by its source
    page, and not again for each of its translations (``courses.translations``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("course")
        if field is None:
            return
        courses = CoursePage.objects.order_by("title")
        offered = course_translations.sources_only(courses)
        if self.instance.course_id:
            # A run made before cohorts kept to source pages still shows what it runs.
            offered = offered | courses.filter(pk=self.instance.course_id)
        field.queryset = offered
        field.widget = forms.Select(choices=field.choices)


class CourseRunsPanel(InlinePanel):
    """The cohort's courses, each chosen with :class:`CourseRunForm`."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = CourseRunForm
        return options


def cohort_panels() -> list:
    """The cohort form's panels (``Cohort.panels``), its courses chosen from source pages."""
    return [
        CourseRunsPanel(**panel.clone_kwargs())
        if isinstance(panel, InlinePanel) and panel.relation_name == "cohort_courses"
        else panel
        for panel in Cohort.panels
    ]


class CohortServiceMixin:
    def save_through_service(self, form):
        cohort = form.save(commit=False)
        return services.cohort_save(
            cohort=cohort,
            actor=self.request.user,
            facilitators=form.cleaned_data.get("facilitators"),
        )


class CohortCreateView(CohortServiceMixin, ServiceCreateView):
    pass


class CohortEditView(CohortServiceMixin, ServiceEditView):
    pass


class CohortIndexView(RowActionsMixin, IndexView):
    def row_actions(self, instance):
        yield RowAction(
            _("Roster and attendance"), reverse("cohorts:detail", args=[instance.pk]), "group", 30
        )


class CohortInspectView(InspectView):
    def get_facilitators_display_value(self):
        people = with_profiles(self.object.facilitators.all()).order_by(*person_ordering())
        return ", ".join(staff_label(person) for person in people) or "-"


class CohortViewSet(ModelViewSet):
    model = Cohort
    icon = "group"
    menu_label = gettext_lazy("Cohorts")
    add_view_class = CohortCreateView
    edit_view_class = CohortEditView
    index_view_class = CohortIndexView
    inspect_view_class = CohortInspectView
    list_display = ["name", "start_date", "end_date", "status", "mode", "capacity"]
    list_filter = ["status", "mode"]
    search_fields = ["name"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_edit_handler(self):
        return ObjectList(cohort_panels(), base_form_class=CohortForm).bind_to_model(Cohort)


# Memberships ---------------------------------------------------------------------------------

ENROL, INVITE, COMPLETE, WITHDRAW = "enrol", "invite", "complete", "withdraw"
ACTION_LABELS = {
    ENROL: gettext_lazy("Give a place now (the waiting list if the cohort is full)"),
    INVITE: gettext_lazy("Invite (she accepts on her cohorts page)"),
    COMPLETE: gettext_lazy("Mark as completed"),
    WITHDRAW: gettext_lazy("Withdraw from the cohort"),
}
ACTIONS_BY_STATUS = {
    MembershipStatus.INVITED: [ENROL, WITHDRAW],
    MembershipStatus.APPLIED: [ENROL, WITHDRAW],
    MembershipStatus.WAITLISTED: [WITHDRAW],
    MembershipStatus.ACTIVE: [COMPLETE, WITHDRAW],
    MembershipStatus.COMPLETED: [],
    MembershipStatus.WITHDRAWN: [ENROL, INVITE],
}


class MembershipAddForm(NoUniquenessCheckMixin, WagtailAdminModelForm):
    unchecked_fields = ("cohort", "user")
    action = forms.ChoiceField(
        label=gettext_lazy("How"),
        choices=[(ENROL, ACTION_LABELS[ENROL]), (INVITE, ACTION_LABELS[INVITE])],
        initial=ENROL,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = CohortMembership
        fields = ["cohort", "user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.exclude(status=CohortStatus.CLOSED)
        offer_people(self.fields["user"], active_people(Role.PARTICIPANT))


class MembershipChangeForm(WagtailAdminModelForm):
    action = forms.ChoiceField(label=gettext_lazy("Change"), widget=forms.RadioSelect)

    class Meta:
        model = CohortMembership
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.instance.status
        self.fields["action"].choices = [
            (action, ACTION_LABELS[action]) for action in ACTIONS_BY_STATUS.get(status, [])
        ]
        self.fields["action"].help_text = _("Now: %(status)s.") % {
            "status": MembershipStatus(status).label if status else "—"
        }


class MembershipCreateView(ServiceCreateView):
    def save_through_service(self, form):
        data = form.cleaned_data
        if data["action"] == INVITE:
            return services.membership_invite(
                cohort=data["cohort"], user=data["user"], actor=self.request.user
            )
        return services.membership_enrol(
            cohort=data["cohort"], user=data["user"], actor=self.request.user
        )


class MembershipEditView(ServiceEditView):
    success_message = gettext_lazy("%(model_name)s '%(object)s' changed.")

    def save_through_service(self, form):
        membership = CohortMembership.objects.select_related("cohort", "user").get(
            pk=self.object.pk
        )
        actor = self.request.user
        action = form.cleaned_data["action"]
        if action == ENROL:
            return services.membership_enrol(
                cohort=membership.cohort, user=membership.user, actor=actor
            )
        if action == INVITE:
            return services.membership_invite(
                cohort=membership.cohort, user=membership.user, actor=actor
            )
        if action == COMPLETE:
            return services.membership_complete(membership=membership, actor=actor)
        return services.membership_withdraw(membership=membership, actor=actor)


class MembershipIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("user",)
    also_related = ("cohort",)
    add_many_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.add_many_url_name and self.user_has_permission("add"):
            buttons.append(
                HeaderButton(
                    _("Add many participants"),
                    url=reverse(self.add_many_url_name),
                    icon_name="group",
                )
            )
        return buttons


class AddManyForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=gettext_lazy("Cohort"), queryset=Cohort.objects.none(), empty_label=None
    )
    participants = PersonMultipleChoiceField(
        label=gettext_lazy("Participants"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Each gets a place while places last, in this order; the rest join the waiting list."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.exclude(status=CohortStatus.CLOSED)
        self.fields["participants"].queryset = active_people(Role.PARTICIPANT)


class AddManyView(AdminFormView):
    """Staff add several participants to a cohort at once, through ``memberships_add_many``."""

    model = CohortMembership
    permission_required = "add"
    form_class = AddManyForm
    page_title = gettext_lazy("Add many participants")
    header_icon = "group"
    breadcrumbs_label = gettext_lazy("Cohort memberships")
    submit_button_label = gettext_lazy("Add them")
    intro = gettext_lazy(
        "Each person goes through the same rules as anywhere else: while places last they get "
        "one, in the order shown; the rest join the waiting list. People already in the cohort "
        "are skipped."
    )
    add_many_url_name = None

    def get_initial(self):
        cohort = self.request.GET.get("cohort", "")
        return {"cohort": cohort} if cohort.isdigit() else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = reverse(self.add_many_url_name)
        context["submit_button_active_label"] = _("Adding…")
        return context

    def form_valid(self, form):
        cohort = form.cleaned_data["cohort"]
        result = self.run_service(
            form,
            lambda: services.memberships_add_many(
                cohort=cohort, users=form.cleaned_data["participants"], actor=self.request.user
            ),
        )
        if result is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "%(cohort)s: %(active)s given a place, %(waitlisted)s on the waiting list, "
                "%(skipped)s not added."
            )
            % {"cohort": cohort.name, **result.counts},
        )
        for _user, reasons in result.skipped:
            messages.warning(self.request, " ".join(reasons))
        return redirect(f"{reverse(self.index_url_name)}?cohort={cohort.pk}")


class MembershipInspectView(PeopleInspectMixin, InspectView):
    person_fields = ("user", "added_by")


class CohortMembershipViewSet(ModelViewSet):
    model = CohortMembership
    icon = "user"
    menu_label = gettext_lazy("Cohort members")
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    index_view_class = MembershipIndexView
    inspect_view_class = MembershipInspectView
    list_display = ["user", "cohort", "status", "waitlisted_at", "joined_at"]
    list_filter = ["status", "cohort"]
    search_fields = ["user__pathways_profile__chosen_name", "user__username"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "user",
        "cohort",
        "status",
        "created_at",
        "waitlisted_at",
        "joined_at",
        "completed_at",
        "withdrawn_at",
        "added_by",
    ]

    def get_edit_handler(self):
        return None

    def get_form_class(self, for_update=False):
        return MembershipChangeForm if for_update else MembershipAddForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            add_many_url_name=self.get_url_name("add_many"), **kwargs
        )

    @property
    def add_many_view(self):
        return AddManyView.as_view(
            index_url_name=self.get_url_name("index"),
            add_many_url_name=self.get_url_name("add_many"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("add-many/", self.add_many_view, name="add_many"),
        ]


# Sessions ------------------------------------------------------------------------------------


class SessionCreateForm(WagtailAdminModelForm):
    class Meta:
        model = CohortSession
        fields = ["cohort", "title", "starts_at", "duration_minutes", "place"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.exclude(status=CohortStatus.CLOSED)


class SessionEditForm(WagtailAdminModelForm):
    class Meta:
        model = CohortSession
        fields = ["title", "starts_at", "duration_minutes", "place"]


def session_panels(*, for_update: bool) -> ObjectList:
    """The session form (``CohortSession.panels``, with its translations); a session stays in
    its cohort once scheduled."""
    if for_update:
        panels = [p for p in CohortSession.panels if getattr(p, "field_name", None) != "cohort"]
        return ObjectList(panels, base_form_class=SessionEditForm).bind_to_model(CohortSession)
    return ObjectList(CohortSession.panels, base_form_class=SessionCreateForm).bind_to_model(
        CohortSession
    )


def _session_translations(form) -> list:
    """The session's translations as the form leaves them (kept, changed and new), unsaved: the
    service saves them."""
    return list(form.save(commit=False).translations.all())


class SessionCreateView(ServiceCreateView):
    def save_through_service(self, form):
        data = form.cleaned_data
        return services.session_schedule(
            cohort=data["cohort"],
            title=data["title"],
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            place=data.get("place", ""),
            translations=_session_translations(form),
            actor=self.request.user,
        )


class SessionEditView(ServiceEditView):
    def save_through_service(self, form):
        data = form.cleaned_data
        return services.session_update(
            session=self.object,
            title=data["title"],
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            place=data.get("place", ""),
            translations=_session_translations(form),
            actor=self.request.user,
        )


class SessionDeleteView(DeleteView):
    def form_valid(self, form):
        try:
            services.session_cancel(session=self.object, actor=self.request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return redirect(reverse(self.index_url_name))
        messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url())


class SessionIndexView(RowActionsMixin, IndexView):
    def row_actions(self, instance):
        url = reverse("cohorts:attendance", args=[instance.cohort_id, instance.pk])
        yield RowAction(_("Take attendance"), url, "tasks", 5)


class CohortSessionViewSet(ModelViewSet):
    model = CohortSession
    icon = "date"
    menu_label = gettext_lazy("Sessions")
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    index_view_class = SessionIndexView
    list_display = ["title", "cohort", "starts_at", "duration_minutes"]
    list_filter = ["cohort"]
    search_fields = ["title", "cohort__name"]
    copy_view_enabled = False

    def get_edit_handler(self):
        return None

    @cached_property
    def _panels(self) -> dict[bool, ObjectList]:
        return {update: session_panels(for_update=update) for update in (False, True)}

    def get_form_class(self, for_update=False):
        return self._panels[for_update].get_form_class()

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(panel=self._panels[False], **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(panel=self._panels[True], **kwargs)


# Attendance ----------------------------------------------------------------------------------


class AttendanceCreateForm(NoUniquenessCheckMixin, WagtailAdminModelForm):
    unchecked_fields = ("session", "membership")
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes attended"),
        required=False,
        min_value=0,
        help_text=gettext_lazy(
            "Only for late arrivals; present counts the whole session, excused and absent none."
        ),
    )

    class Meta:
        model = Attendance
        fields = ["session", "membership", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = CohortSession.objects.select_related("cohort")
        self.fields["membership"].queryset = CohortMembership.objects.filter(
            status__in=ATTENDING_STATUSES
        ).select_related("user__pathways_profile", "cohort")


class AttendanceEditForm(WagtailAdminModelForm):
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes attended"),
        required=False,
        min_value=0,
        help_text=AttendanceCreateForm.base_fields["minutes"].help_text,
    )

    class Meta:
        model = Attendance
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status == AttendanceStatus.LATE:
            self.fields["minutes"].initial = self.instance.minutes_attended


def _minutes(data) -> int | None:
    return data.get("minutes") if data.get("status") == AttendanceStatus.LATE else None


class AttendanceCreateView(ServiceCreateView):
    def save_through_service(self, form):
        data = form.cleaned_data
        return services.attendance_record(
            session=data["session"],
            membership=data["membership"],
            status=data["status"],
            minutes=_minutes(data),
            actor=self.request.user,
        )


class AttendanceEditView(ServiceEditView):
    def save_through_service(self, form):
        data = form.cleaned_data
        current = Attendance.objects.select_related("session", "membership").get(pk=self.object.pk)
        return services.attendance_record(
            session=current.session,
            membership=current.membership,
            status=data["status"],
            minutes=_minutes(data),
            actor=self.request.user,
        )


class AttendanceIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("recorded_by",)
    also_related = ("membership__user__pathways_profile", "membership__cohort", "session__cohort")


class AttendanceViewSet(ModelViewSet):
    model = Attendance
    icon = "tasks"
    menu_label = gettext_lazy("Attendance")
    add_view_class = AttendanceCreateView
    edit_view_class = AttendanceEditView
    index_view_class = AttendanceIndexView
    list_display = ["membership", "session", "status", "minutes_attended", "recorded_by"]
    list_filter = ["status", "session__cohort", "session"]
    search_fields = [
        "membership__user__pathways_profile__chosen_name",
        "membership__user__username",
    ]
    copy_view_enabled = False

    def get_edit_handler(self):
        return None

    def get_form_class(self, for_update=False):
        return AttendanceEditForm if for_update else AttendanceCreateForm


#: The hook other apps' admin screens register their menu items with to sit in the cohorts' menu
#: group, "Groups and mentoring" (mentoring's do: ``mentoring.admin.viewsets``).
GROUPS_MENU_HOOK = "register_pathways_groups_menu_item"


class CohortsViewSetGroup(ViewSetGroup):
    """Groups and the people who support participants, in one menu item: cohorts, their members,
    sessions and attendance here, and mentoring's screens through :data:`GROUPS_MENU_HOOK`."""

    menu_label = gettext_lazy("Groups and mentoring")
    menu_icon = "group"
    menu_order = 220
    submenu_hook = GROUPS_MENU_HOOK
    items = (
        CohortViewSet("cohorts_admin"),
        CohortMembershipViewSet("cohort_memberships"),
        CohortSessionViewSet("cohort_sessions"),
        AttendanceViewSet("cohort_attendance"),
    )


def viewset_group() -> ViewSetGroup:
    return CohortsViewSetGroup()
