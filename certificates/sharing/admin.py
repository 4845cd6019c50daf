"""Staff tools for sharing with employers in the Wagtail admin: participants' releases and the
record of every disclosure, grouped with the partner employers and their API keys (from
``pathways.certificates.employers.admin``) under one menu item.

Staff never share on a participant's behalf without her consent: they record consent she gave on
paper or orally, or her request to stop, each through ``release_services`` (which checks the rules
and writes the history), marked with how it was given and who recorded it. Nothing here is
deleted (an employer's releases and disclosure records are the participants' history); releases
are stopped.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

import django_filters

from pathways.certificates.employers.admin import (
    EmployerApiKeyViewSet,
    EmployerIndexView,
    EmployerOrganisationViewSet,
    date_label,
)
from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.issuance.models import Certificate
from pathways.certificates.sharing import services as release_services
from pathways.certificates.sharing.consent import (
    CONSENT_VERSION,
    consent_languages,
    consent_text,
    participant_language,
)
from pathways.certificates.sharing.forms import Purpose
from pathways.certificates.sharing.models import (
    CredentialAccess,
    CredentialRelease,
    DisclosedField,
    ReleasedCertificate,
    ReleaseMethod,
    ReleaseStatus,
)
from pathways.certificates.sharing.selectors import active_release_q, releasable_certificates
from pathways.lms.accounts.names import chosen_name_of, staff_label
from pathways.lms.accounts.people import (
    PeopleIndexMixin,
    PersonChoiceField,
    PersonLabelMixin,
    PersonTitleIndexMixin,
    active_people,
)
from pathways.lms.accounts.roles import Role
from pathways.lms.core.admin import (
    AdminFormView,
    EmptyValuesInspectMixin,
    KeptRecordsMixin,
    RecordFormView,
    RowAction,
    RowActionsMixin,
)

User = get_user_model()

STAFF_METHODS = [
    (ReleaseMethod.PAPER.value, ReleaseMethod.PAPER.label),
    (ReleaseMethod.ORAL.value, ReleaseMethod.ORAL.label),
]


def _certificate_label(certificate: Certificate) -> str:
    """A certificate by what it is for, never by the (maybe legal) name printed on it."""
    if certificate.printed_achievement and certificate.printed_achievement != (
        certificate.printed_title
    ):
        return f"{certificate.printed_achievement} ({certificate.printed_title})"
    return certificate.printed_title


# Partner employers, with their releases ---------------------------------------------------------


class EmployerWithReleasesIndexView(EmployerIndexView):
    """The employers' list, with how many releases each has in force and a link to them."""

    releases_url_name = None

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                active_releases=Count(
                    "releases", filter=active_release_q("releases__"), distinct=True
                )
            )
        )

    def row_actions(self, instance):
        yield from super().row_actions(instance)
        query = urlencode({"employer": instance.pk})
        yield RowAction(
            _("Consents to share"), f"{reverse(self.releases_url_name)}?{query}", "link", 60
        )


class PartnerEmployerViewSet(EmployerOrganisationViewSet):
    index_view_class = EmployerWithReleasesIndexView
    list_display = [
        "name",
        Column("web_users", label=gettext_lazy("Web users")),
        Column("active_releases", label=gettext_lazy("Active releases")),
        Column("live_keys", label=gettext_lazy("Live API keys")),
        "created_at",
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            releases_url_name="credential_releases:index", **kwargs
        )


# Releases -------------------------------------------------------------------------------------


class ParticipantFilterField(PersonLabelMixin, django_filters.fields.ModelChoiceField):
    pass


class ParticipantFilter(django_filters.ModelChoiceFilter):
    """Filter by participant, each named by ``staff_label`` (``str()`` is only a username)."""

    field_class = ParticipantFilterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Participant"))
        super().__init__(*args, queryset=lambda request: active_people(Role.PARTICIPANT), **kwargs)


def _release_certificates(release: CredentialRelease) -> str:
    return "; ".join(
        _certificate_label(item.certificate) for item in release.released_certificates.all()
    )


def _release_status(release: CredentialRelease) -> str:
    return release.get_status_display()


def _fields_label(fields: list[str]) -> str:
    labels = dict(DisclosedField.choices)
    chosen = [str(labels[name]) for name in DisclosedField.values if name in (fields or [])]
    return ", ".join([_("Name as printed and title"), *chosen])


class ReleaseFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        method="filter_status",
        empty_label=gettext_lazy("Any"),
        choices=ReleaseStatus.choices,
    )
    participant = ParticipantFilter()

    class Meta:
        model = CredentialRelease
        fields = ["status", "employer", "participant", "method"]

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        if value == ReleaseStatus.ACTIVE:
            return queryset.filter(active_release_q(now=now))
        if value == ReleaseStatus.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if value == ReleaseStatus.SUPERSEDED:
            return queryset.filter(revoked_at__isnull=True, superseded_at__isnull=False)
        if value == ReleaseStatus.EXPIRED:
            return queryset.filter(
                revoked_at__isnull=True, superseded_at__isnull=True, expires_at__lte=now
            )
        return queryset


def _released_certificates_prefetch() -> Prefetch:
    return Prefetch(
        "released_certificates",
        queryset=ReleasedCertificate.objects.select_related("certificate")
        .only(
            "id",
            "release_id",
            "certificate_id",
            "certificate__printed_title",
            "certificate__printed_achievement",
        )
        .order_by("certificate__pk"),
    )


class ReleaseIndexView(PersonTitleIndexMixin, RowActionsMixin, IndexView):
    keep_wagtail_buttons = False
    person_fields = ("participant",)
    also_related = ("employer",)
    record_revocation_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related(_released_certificates_prefetch())

    paper_form_url_name = None

    @cached_property
    def add_item_label(self):
        return _("Record consent given on paper or orally")

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.paper_form_url_name and self.user_has_permission("add"):
            buttons.append(
                Button(
                    _("Print a paper consent form"),
                    url=reverse(self.paper_form_url_name),
                    icon_name="doc-full",
                    priority=20,
                )
            )
        return buttons

    def row_actions(self, instance):
        if instance.revoked_at is None and self.user_has_permission("change"):
            yield RowAction(
                _("Record a request to stop sharing"),
                reverse(self.record_revocation_url_name, args=[instance.pk]),
                "cross",
            )


class ReleaseInspectView(EmptyValuesInspectMixin, InspectView):
    record_revocation_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(
            CredentialRelease.objects.select_related(
                "participant__pathways_profile",
                "employer",
                "recorded_by__pathways_profile",
                "revoked_by__pathways_profile",
                "superseded_by",
            ).prefetch_related(_released_certificates_prefetch()),
            pk=self.pk,
        )

    @cached_property
    def header_more_buttons(self):
        if self.object.revoked_at is None and self.user_has_permission("change"):
            return [
                Button(
                    _("Record a request to stop sharing"),
                    url=reverse(self.record_revocation_url_name, args=[self.object.pk]),
                    icon_name="cross",
                    priority=10,
                )
            ]
        return []

    def get_participant_display_value(self):
        return staff_label(self.object.participant)

    def get_certificates_display_value(self):
        return _release_certificates(self.object) or "-"

    def get_disclosed_fields_display_value(self):
        return _fields_label(self.object.disclosed_fields)

    def get_recorded_by_display_value(self):
        return staff_label(self.object.recorded_by)

    def get_revoked_by_display_value(self):
        return staff_label(self.object.revoked_by)

    def get_revocation_method_display_value(self):
        return self.object.get_revocation_method_display() or "-"

    def get_superseded_by_display_value(self):
        newer = self.object.superseded_by
        return str(newer) if newer else "-"


class RecordStepForm(forms.Form):
    """Step one: who gave consent, to which employer; the consent text then names it."""

    participant = PersonChoiceField(label=gettext_lazy("Participant"), queryset=User.objects.none())
    employer = forms.ModelChoiceField(
        label=gettext_lazy("Employer"), queryset=EmployerOrganisation.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = active_people(Role.PARTICIPANT)
        self.fields["employer"].queryset = EmployerOrganisation.objects.order_by("name")


class CertificateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _certificate_label(obj)


class RecordReleaseForm(forms.Form):
    certificates = CertificateChoiceField(
        label=gettext_lazy("Certificates she agreed to share"),
        queryset=Certificate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    disclosed_fields = forms.MultipleChoiceField(
        label=gettext_lazy("Also shown"),
        choices=DisclosedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("The name as printed and the title are always shown."),
    )
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"),
        max_length=500,
        help_text=gettext_lazy("In her words, or for example: a job application."),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Share until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    method = forms.ChoiceField(
        label=gettext_lazy("How she gave consent"), choices=STAFF_METHODS, widget=forms.RadioSelect
    )
    signature = forms.CharField(
        label=gettext_lazy("Name as signed on paper, or a note for oral consent"),
        max_length=200,
        help_text=gettext_lazy("For consent given orally, write for example: Oral, by phone."),
    )
    staff_note = forms.CharField(
        label=gettext_lazy("Note (staff only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: where the signed form is kept, or who witnessed it."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the consent text she read or heard"),
        choices=(),
        required=False,
        help_text=gettext_lazy(
            "The paper form is printed in her preferred language. The release keeps the consent "
            "text in the language chosen here."
        ),
    )

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = consent_languages()
        self.fields["language"].initial = participant_language(participant)
        self.fields["certificates"].queryset = releasable_certificates(participant)
        today = timezone.localdate()
        self.fields["ends_on"].initial = release_services.default_end_date(today)
        self.fields["ends_on"].widget.attrs.update(
            {
                "min": today.isoformat(),
                "max": release_services.latest_end_date(today).isoformat(),
            }
        )
        self.fields["ends_on"].help_text = _(
            "90 days unless she chose otherwise; at most one year (%(latest)s)."
        ) % {"latest": release_services.latest_end_date(today).isoformat()}


class RecordReleaseView(AdminFormView):
    """Staff record consent a participant gave on paper or orally. Step one chooses her and the
    employer (``?participant=&employer=``), so that step two offers only her own current
    certificates and shows the consent text naming that employer."""

    model = CredentialRelease
    permission_required = "add"
    inspect_url_name = None
    template_name = "sharing/admin/form.html"
    page_title = gettext_lazy("Record consent given on paper or orally")
    header_icon = "doc-full"
    submit_button_label = gettext_lazy("Record the consent")
    breadcrumbs_label = gettext_lazy("Releases")
    add_url_name = None
    paper_form_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        started = {"participant", "employer"} & set(request.GET)
        self.step_form = RecordStepForm(request.GET if started else None)
        chosen = self.step_form.cleaned_data if self.step_form.is_valid() else {}
        self.participant = chosen.get("participant")
        self.employer = chosen.get("employer")

    def get_form_class(self):
        return RecordReleaseForm if self.participant else RecordStepForm

    def get_form_kwargs(self):
        if self.participant is None:
            return {"data": self.step_form.data or None}
        return {**super().get_form_kwargs(), "participant": self.participant}

    def get_page_subtitle(self):
        return staff_label(self.participant) if self.participant else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choose_participant"] = self.participant is None
        if self.participant is None:
            context["intro"] = _(
                "Use this only when a participant gave consent on a signed paper form, or out "
                "loud. First choose her and the employer; next, what she agreed to."
            )
        else:
            language = participant_language(self.participant)
            context["intro"] = _(
                "She must have read, or heard read to her, the consent text below (version "
                "%(version)s, in %(language)s, her preferred language). The release is marked "
                "as given on paper or orally, and as recorded by you."
            ) % {"version": CONSENT_VERSION, "language": _language_label(language)}
            context["consent_text"] = consent_text(
                employer_name=self.employer.name, language=language
            )
            context["consent_language"] = language
            context["facts"] = [
                (_("Participant"), staff_label(self.participant)),
                (_("Employer"), self.employer.name),
            ]
            context["change_url"] = reverse(self.add_url_name)
            if self.paper_form_url_name:
                context["paper_form_url"] = paper_form_url(
                    self.paper_form_url_name, participant=self.participant, employer=self.employer
                )
        return context

    def post(self, request, *args, **kwargs):
        if self.participant is None:
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        release = self.run_service(
            form,
            lambda: release_services.release_create(
                participant=self.participant,
                employer=self.employer,
                certificates=data["certificates"],
                disclosed_fields=data["disclosed_fields"],
                purpose=data["purpose"],
                ends_on=data["ends_on"],
                signature=data["signature"],
                actor=self.request.user,
                method=data["method"],
                staff_note=data["staff_note"],
                # Left out: her preferred language, the one the paper form is printed in.
                language=data["language"] or None,
            ),
        )
        if release is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Consent recorded: %(name)s's certificates are shared with %(employer)s.")
            % {"name": chosen_name_of(self.participant), "employer": release.employer.name},
        )
        return redirect(self.inspect_url_name, release.pk)


def _language_label(code: str) -> str:
    return str(dict(consent_languages()).get(code, code))


def paper_form_url(url_name: str, *, participant, employer, language: str = "") -> str:
    query = {"participant": participant.pk, "employer": employer.pk}
    if language:
        query["language"] = language
    return f"{reverse(url_name)}?{urlencode(query)}"


class PaperConsentFormView(AdminFormView):
    """A consent form to print for a participant: the consent text naming the employer, her
    current certificates and what else can be shown to tick, and blanks for the purpose, the end
    date, her signature and the date. In her preferred language (``?language=`` for another of
    the site's), whatever language staff use the admin in. Step one (a GET form) chooses her and
    the employer; recording what she signed is "Record consent given on paper or orally"."""

    model = CredentialRelease
    permission_required = "add"
    http_method_names = ["get", "head", "options"]
    template_name = "sharing/admin/form.html"
    paper_template_name = "sharing/admin/paper_consent.html"
    page_title = gettext_lazy("Print a paper consent form")
    header_icon = "doc-full"
    breadcrumbs_label = gettext_lazy("Releases")
    form_class = RecordStepForm
    add_url_name = None
    inspect_url_name = None
    paper_form_url_name = None

    def get(self, request, *args, **kwargs):
        started = {"participant", "employer"} & set(request.GET)
        step = RecordStepForm(request.GET if started else None)
        if not step.is_valid():
            return self.render_to_response(self.get_context_data(form=step))
        participant = step.cleaned_data["participant"]
        employer = step.cleaned_data["employer"]
        offered = dict(consent_languages())
        language = request.GET.get("language", "")
        if language not in offered:
            language = participant_language(participant)
        with override(language):
            fields = [str(label) for _value, label in DisclosedField.choices]
            purposes = [str(label) for _value, label in Purpose.choices]
            form_title = _("Share with %(employer)s") % {"employer": employer.name}
        today = timezone.localdate()
        return TemplateResponse(
            request,
            self.paper_template_name,
            {
                "language": language,
                "language_label": offered[language],
                "form_title": form_title,
                "employer": employer,
                "participant_label": staff_label(participant),
                "consent_text": consent_text(employer_name=employer.name, language=language),
                "consent_version": CONSENT_VERSION,
                "certificates": [
                    _certificate_label(certificate)
                    for certificate in releasable_certificates(participant)
                ],
                "fields": fields,
                "purposes": purposes,
                "latest_end": release_services.latest_end_date(today),
                "default_days": release_services.DEFAULT_RELEASE_DAYS,
                "other_languages": [
                    (
                        label,
                        paper_form_url(
                            self.paper_form_url_name,
                            participant=participant,
                            employer=employer,
                            language=code,
                        ),
                    )
                    for code, label in offered.items()
                    if code != language
                ],
                "record_url": (
                    paper_form_url(self.add_url_name, participant=participant, employer=employer)
                    if self.add_url_name
                    else ""
                ),
                "back_url": reverse(self.index_url_name),
            },
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choose_participant"] = True
        context["intro"] = _(
            "Choose the participant and the employer. The form is printed in her preferred "
            "language, with the consent text naming the employer, her certificates to tick, "
            "and space for her signature and the date."
        )
        return context


class RecordRevocationForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("How she asked"), choices=STAFF_METHODS, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("How and when she asked (staff only)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: asked by phone on Tuesday morning."),
    )


class RecordRevocationView(RecordFormView):
    model = CredentialRelease
    permission_required = "change"
    inspect_url_name = None
    form_class = RecordRevocationForm
    template_name = "sharing/admin/form.html"
    page_title = gettext_lazy("Record a request to stop sharing")
    header_icon = "cross"
    submit_button_label = gettext_lazy("Stop sharing now")
    breadcrumbs_label = gettext_lazy("Releases")
    intro = gettext_lazy(
        "Sharing stops at once: the employer sees nothing from its next request. The release "
        "is marked as stopped at her request, on paper or orally, by you."
    )

    def get_record_queryset(self):
        return CredentialRelease.objects.select_related("participant__pathways_profile", "employer")

    def get(self, request, *args, **kwargs):
        if self.object.revoked_at is not None:
            messages.success(request, _("Sharing under this release has already stopped."))
            return redirect(self.inspect_url_name, self.object.pk)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facts"] = [
            (_("Participant"), staff_label(self.object.participant)),
            (_("Employer"), self.object.employer.name),
            (_("Status"), self.object.get_status_display()),
            (_("Ends"), date_label(self.object.expires_at)),
        ]
        return context

    def form_valid(self, form):
        if self.object.revoked_at is not None:
            messages.success(self.request, _("Sharing under this release has already stopped."))
            return redirect(self.inspect_url_name, self.object.pk)
        release = self.run_service(
            form,
            lambda: release_services.release_revoke(
                release=self.object,
                actor=self.request.user,
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
            ),
        )
        if release is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Sharing with %(employer)s has stopped.") % {"employer": release.employer.name},
        )
        return redirect(self.inspect_url_name, release.pk)


class CredentialReleaseViewSet(KeptRecordsMixin, ModelViewSet):
    not_editable = ("edit", "delete")
    model = CredentialRelease
    icon = "link"
    menu_label = gettext_lazy("Consents to share")
    index_view_class = ReleaseIndexView
    inspect_view_class = ReleaseInspectView
    filterset_class = ReleaseFilterSet
    list_display = [
        "participant",  # her chosen name, linking to the release's page
        "employer",
        Column("certificates", label=gettext_lazy("Certificates"), accessor=_release_certificates),
        Column("status", label=gettext_lazy("Status"), accessor=_release_status),
        "method",
        "created_at",
        "expires_at",
    ]
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    inspect_view_fields = [
        "participant",
        "employer",
        "certificates",
        "status",
        "disclosed_fields",
        "purpose",
        "method",
        "recorded_by",
        "staff_note",
        "created_at",
        "expires_at",
        "consent_version",
        "consent_language",
        "consent_text",
        "signature",
        "revoked_at",
        "revoked_by",
        "revocation_method",
        "revocation_note",
        "superseded_by",
        "superseded_at",
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            record_revocation_url_name=self.get_url_name("record_revocation"),
            paper_form_url_name=self.get_url_name("paper_consent_form"),
            **kwargs,
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            record_revocation_url_name=self.get_url_name("record_revocation"), **kwargs
        )

    def _action_kwargs(self) -> dict:
        return {
            "index_url_name": self.get_url_name("index"),
            "inspect_url_name": self.get_url_name("inspect"),
        }

    @property
    def add_view(self):
        return RecordReleaseView.as_view(
            add_url_name=self.get_url_name("add"),
            paper_form_url_name=self.get_url_name("paper_consent_form"),
            **self._action_kwargs(),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "stop/<int:pk>/",
                RecordRevocationView.as_view(**self._action_kwargs()),
                name="record_revocation",
            ),
            path(
                "consent-form/",
                PaperConsentFormView.as_view(
                    add_url_name=self.get_url_name("add"),
                    paper_form_url_name=self.get_url_name("paper_consent_form"),
                    **self._action_kwargs(),
                ),
                name="paper_consent_form",
            ),
        ]


# Disclosure records ---------------------------------------------------------------------------


def _access_certificate(access: CredentialAccess) -> str:
    return _certificate_label(access.certificate)


def _access_by(access: CredentialAccess) -> str:
    if access.employer_user_id:
        return staff_label(access.employer_user)
    if access.api_key_id:
        return f"{access.api_key.name} ({access.api_key.prefix})"
    return "-"


def _access_shown(access: CredentialAccess) -> str:
    return ", ".join(access.disclosed_fields or []) or "-"


class AccessFilterSet(WagtailFilterSet):
    participant = ParticipantFilter()

    class Meta:
        model = CredentialAccess
        fields = ["employer", "participant", "channel"]


class AccessIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("participant", "employer_user")
    also_related = ("employer", "certificate", "api_key")

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .defer("certificate__credential", "certificate__printed_data")
        )


class CredentialAccessViewSet(KeptRecordsMixin, ModelViewSet):
    not_editable = ("add", "edit", "delete")
    model = CredentialAccess
    icon = "view"
    menu_label = gettext_lazy("What employers viewed")
    index_view_class = AccessIndexView
    filterset_class = AccessFilterSet
    list_display = [
        "employer",
        Column(
            "participant",
            label=gettext_lazy("Participant"),
            accessor=lambda access: chosen_name_of(access.participant),
        ),
        Column("certificate", label=gettext_lazy("Certificate"), accessor=_access_certificate),
        "channel",
        Column("by", label=gettext_lazy("By"), accessor=_access_by),
        Column("shown", label=gettext_lazy("What was shown"), accessor=_access_shown),
        "accessed_at",
    ]
    copy_view_enabled = False
    list_per_page = 50


class SharingViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Sharing with employers")
    menu_icon = "link"
    menu_order = 240
    items = (
        PartnerEmployerViewSet("partner_employers", url_prefix="partner-employers"),
        EmployerApiKeyViewSet("employer_api_keys", url_prefix="employer-api-keys"),
        CredentialReleaseViewSet("credential_releases", url_prefix="credential-releases"),
        CredentialAccessViewSet("credential_accesses", url_prefix="credential-accesses"),
    )
