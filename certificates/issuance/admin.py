"""Staff tools for certificates in the Wagtail admin: templates, certificates, cohort batches.

Templates are snippets with revisions, so every edit is kept and a certificate can point at the
revision it was printed from. Certificates are never edited or deleted here: staff issue one (with
a reason), revoke it (with a private reason) or reissue it, each through
``certificates.issuance.services``, which checks every rule and writes the history; these views
only call it and show its refusal. Cohort batches run in the background, after staff have checked
who will receive the certificate and who will not, and why; their listing shows progress (reload
to refresh).

A certificate may print the participant's legal name, which staff see only on purpose: admin
pages label a certificate by its title and the participant's chosen name, never by the name
printed, and link to its public verification page only when it prints the chosen name.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.models import ModelLogEntry
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

import django_filters

from pathways.certificates.issuance import services
from pathways.certificates.issuance.codes import format_code, normalize_code
from pathways.certificates.issuance.eligibility import cohort_batch_preview
from pathways.certificates.issuance.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateStatus,
    CertificateTemplate,
    NameChoice,
    PaperSize,
)
from pathways.cohorts.models import Cohort
from pathways.courses import translations as course_translations
from pathways.courses.models import CoursePage
from pathways.lms.accounts.names import chosen_name_of, staff_label
from pathways.lms.accounts.people import (
    PeopleIndexMixin,
    PersonChoiceField,
    PersonTitleIndexMixin,
    active_people,
)
from pathways.lms.accounts.roles import Role
from pathways.lms.core.admin import (
    AdminFormView,
    EmptyValuesInspectMixin,
    KeptRecordsMixin,
    NotEditableView,
    RecordFormView,
    RowAction,
    RowActionsMixin,
)


def status_label(certificate: Certificate) -> str:
    if certificate.superseded_by_id is not None:
        return str(CertificateStatus.REPLACED.label)
    return str(CertificateStatus(certificate.status).label)


# Templates ------------------------------------------------------------------------------------


class CertificateTemplateForm(WagtailAdminModelForm):
    """Courses and cohorts as checkboxes: staff tick the achievements that use the template."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "courses" in self.fields:
            # Each course once: a certificate is earned for a course in any of its languages.
            self.fields["courses"].queryset = course_translations.sources_only(
                CoursePage.objects.order_by("title")
            )
            self.fields["courses"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["courses"].choices
            )
            self.fields["courses"].help_text = _("Completing one of these earns this certificate.")
        if "cohorts" in self.fields:
            self.fields["cohorts"].queryset = Cohort.objects.order_by("-start_date", "name")
            self.fields["cohorts"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["cohorts"].choices
            )
            self.fields["cohorts"].help_text = _(
                "Completing one of these cohorts earns this certificate for its programme. The "
                "certificate prints the cohort's course titles, never the cohort's name."
            )


def paper_size_label(template: CertificateTemplate) -> str:
    """The paper it prints on, and whether that follows its language."""
    printed = str(PaperSize(template.printed_paper_size()).label)
    if template.paper_size == PaperSize.BY_LANGUAGE:
        return _("%(paper)s (by its language)") % {"paper": printed}
    return printed


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = gettext_lazy("Templates")
    list_display = [
        "name",
        "title",
        "issuer_name",
        Column("paper_size", label=gettext_lazy("Paper size"), accessor=paper_size_label),
        UpdatedAtColumn(),
    ]
    search_fields = ["name", "title", "issuer_name"]
    search_backend_name = None
    inspect_view_enabled = False

    def get_edit_handler(self):
        return ObjectList(
            CertificateTemplate.panels, base_form_class=CertificateTemplateForm
        ).bind_to_model(CertificateTemplate)


# Shared pieces of the certificate and batch views ---------------------------------------------


class NotDeletedView(NotEditableView):
    """Back to the record's page, saying why when someone tried to delete it."""

    message = ""

    def dispatch(self, request, *args, **kwargs):
        if self.message and request.method == "POST":
            messages.error(request, self.message)
        return super().dispatch(request, *args, **kwargs)


class SafeLabelMixin:
    """Name the certificate by title and chosen name, never by the (maybe legal) printed name."""

    def get_page_subtitle(self):
        return services.staff_label(self.object)


# Certificates ---------------------------------------------------------------------------------


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        method="filter_status",
        empty_label=gettext_lazy("Any"),
        choices=CertificateStatus.choices,
    )

    class Meta:
        model = Certificate
        fields = ["status", "template"]

    def filter_status(self, queryset, name, value):
        if value == CertificateStatus.REPLACED:
            return queryset.filter(superseded_by__isnull=False)
        current = queryset.filter(superseded_by__isnull=True)
        now = timezone.now()
        if value == CertificateStatus.REVOKED:
            return current.filter(revoked_at__isnull=False)
        if value == CertificateStatus.EXPIRED:
            return current.filter(revoked_at__isnull=True, expires_at__lte=now)
        if value == CertificateStatus.VALID:
            return current.filter(revoked_at__isnull=True).filter(
                Q(expires_at__isnull=True) | Q(expires_at__gt=now)
            )
        return queryset


def achievement_label(certificate: Certificate) -> str:
    """What the certificate is for, as staff know it: the course, or the cohort's name (never
    printed, and shown only here)."""
    if certificate.course_id is not None:
        return certificate.course.title
    if certificate.cohort_id is not None:
        return _("%(cohort)s (cohort)") % {"cohort": certificate.cohort.name}
    return ""


def _code_column() -> Column:
    return Column(
        "verification_code",
        label=gettext_lazy("Code"),
        accessor=lambda certificate: format_code(certificate.verification_code),
    )


class CertificateIndexView(PersonTitleIndexMixin, RowActionsMixin, IndexView):
    keep_wagtail_buttons = False
    person_fields = ("user",)
    also_related = ("template", "course", "cohort")
    revoke_url_name = None
    reissue_url_name = None

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        code = normalize_code(query)
        if code is not None:
            return queryset.filter(verification_code=code)
        username = f"user__{get_user_model().USERNAME_FIELD}__icontains"
        condition = Q(user__pathways_profile__chosen_name__icontains=query) | Q(**{username: query})
        compact = "".join(character for character in query if character.isalnum()).upper()
        if len(compact) >= 4:
            condition |= Q(verification_code__contains=compact)
        return queryset.filter(condition)

    def row_actions(self, instance):
        if self.user_has_permission("change") and instance.superseded_by_id is None:
            yield RowAction(
                _("Reissue"), reverse(self.reissue_url_name, args=[instance.pk]), "repeat"
            )
            if instance.revoked_at is None:
                yield RowAction(
                    _("Revoke"), reverse(self.revoke_url_name, args=[instance.pk]), "cross"
                )

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        for button in buttons:
            # Wagtail labels the menu with str(instance), which holds the printed name.
            if hasattr(button, "attrs") and "aria-label" in button.attrs:
                button.attrs["aria-label"] = _("More options for '%(title)s'") % {
                    "title": services.staff_label(instance)
                }
        return buttons


class CertificateInspectView(SafeLabelMixin, EmptyValuesInspectMixin, InspectView):
    revoke_url_name = None
    reissue_url_name = None

    def get_fields_context(self):
        # A certificate is for a course or for a cohort's programme: the other is left out.
        absent = {
            name for name in ("course", "cohort") if getattr(self.object, f"{name}_id") is None
        }
        return [self.get_context_for_field(name) for name in self.fields if name not in absent]

    def get_object(self, queryset=None):
        return get_object_or_404(
            Certificate.objects.select_related(
                "user__pathways_profile",
                "course",
                "cohort",
                "template",
                "issued_by__pathways_profile",
                "revoked_by__pathways_profile",
                "superseded_by",
            ),
            pk=self.pk,
        )

    @cached_property
    def header_more_buttons(self):
        buttons = []
        certificate = self.object
        if self.user_has_permission("change") and certificate.superseded_by_id is None:
            buttons.append(
                Button(
                    _("Reissue"),
                    url=reverse(self.reissue_url_name, args=[certificate.pk]),
                    icon_name="repeat",
                    priority=10,
                )
            )
            if certificate.revoked_at is None:
                buttons.append(
                    Button(
                        _("Revoke"),
                        url=reverse(self.revoke_url_name, args=[certificate.pk]),
                        icon_name="cross",
                        priority=20,
                    )
                )
        if certificate.name_choice == NameChoice.LEGAL:
            # The public page shows the printed name: reading a legal name is never one click away
            # (and never unrecorded). Staff who need it read it on the user's page, where it is
            # recorded.
            verify_url = ""
        else:
            try:
                verify_url = reverse("verify:code", args=[certificate.verification_code])
            except NoReverseMatch:
                verify_url = ""
        if verify_url:
            buttons.append(
                Button(
                    _("Public verification page"),
                    url=verify_url,
                    icon_name="link-external",
                    priority=30,
                    attrs={"target": "_blank", "rel": "noopener"},
                )
            )
        return buttons

    def get_user_display_value(self):
        return staff_label(self.object.user)

    def get_status_display_value(self):
        return status_label(self.object)

    def get_issued_without_completion_display_value(self):
        certificate = self.object
        if not certificate.issued_without_completion:
            return _("No: the completion rules were met")
        entry = (
            ModelLogEntry.objects.for_instance(certificate)
            .filter(action=services.ISSUE_OVERRIDE_ACTION)
            .order_by("-timestamp")
            .first()
        )
        missing = "; ".join(entry.data.get("missing", [])) if entry is not None else ""
        if missing:
            return _(
                "Yes: issued although the completion rules were not met (not met then: "
                "%(missing)s). The reason is below."
            ) % {"missing": missing}
        return _("Yes: issued although the completion rules were not met. The reason is below.")

    def get_verification_code_display_value(self):
        return format_code(self.object.verification_code)

    def get_superseded_by_display_value(self):
        replacement = self.object.superseded_by
        if replacement is None:
            return "-"
        return format_code(replacement.verification_code)

    def get_template_revision_display_value(self):
        revision = self.object.template_revision
        return revision.created_at if revision else "-"

    def get_pdf_rendered_at_display_value(self):
        return self.object.pdf_rendered_at or _("Not made yet")

    def get_issued_by_display_value(self):
        issuer = self.object.issued_by
        return staff_label(issuer) if issuer else _("Automatically, on completion")

    def get_revoked_by_display_value(self):
        revoker = self.object.revoked_by
        return staff_label(revoker) if revoker else "-"

    def get_expires_at_display_value(self):
        return self.object.expires_at or _("Does not expire")

    def get_field_label(self, field_name, field):
        if field_name == "pdf_rendered_at":
            return _("PDF made")
        return super().get_field_label(field_name, field)


class IssueForm(forms.Form):
    user = PersonChoiceField(
        label=gettext_lazy("Participant"), queryset=get_user_model().objects.none()
    )
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course"), queryset=CoursePage.objects.none(), required=False
    )
    cohort = forms.ModelChoiceField(
        label=gettext_lazy("or a cohort's programme"),
        queryset=Cohort.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "The certificate prints the cohort's course titles, never the cohort's name."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (staff only)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy(
            "For example: recognised prior learning. Only programme staff see it."
        ),
    )
    override_completion = forms.BooleanField(
        label=gettext_lazy("Issue although the completion rules are not met"),
        required=False,
        help_text=gettext_lazy(
            "Only if she has not completed it and there is a good reason, such as recognised "
            "prior learning. The certificate's page and history show that it was issued this way, "
            "with the reason above."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = active_people(Role.PARTICIPANT)
        self.fields["course"].queryset = course_translations.sources_only(
            CoursePage.objects.live().order_by("title")
        )
        self.fields["cohort"].queryset = Cohort.objects.order_by("-start_date", "name")


class CertificateIssueView(AdminFormView):
    """Staff issue a certificate by hand, with a reason, through ``certificate_issue``."""

    inspect_url_name = None
    model = Certificate
    permission_required = "add"
    form_class = IssueForm
    page_title = gettext_lazy("Issue a certificate")
    header_icon = "doc-full"
    submit_button_label = gettext_lazy("Issue the certificate")
    breadcrumbs_label = gettext_lazy("Certificates")
    intro = gettext_lazy(
        "Certificates are issued automatically when someone completes a course or programme. "
        "Issue one here only for another good reason, and say why. If she has not met the "
        "completion rules, you are told what is missing, and it is issued only if you choose to "
        "issue although the rules are not met. The participant's chosen name is printed; she can "
        "ask for her legal name from her certificates page."
    )

    def form_valid(self, form):
        data = form.cleaned_data
        certificate = self.run_service(
            form,
            lambda: services.certificate_issue(
                user=data["user"],
                course=data["course"],
                cohort=data["cohort"],
                issued_by=self.request.user,
                reason=data["reason"],
                override_completion=data["override_completion"],
            ),
        )
        if certificate is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Certificate issued to %(name)s. Its code is %(code)s.")
            % {
                "name": chosen_name_of(certificate.user),
                "code": format_code(certificate.verification_code),
            },
        )
        return redirect(self.inspect_url_name, certificate.pk)


class CertificateActionView(SafeLabelMixin, RecordFormView):
    """A change to one current certificate (revoke, reissue) with a reason; the page sums up the
    certificate first."""

    template_name = "certificates/admin/form.html"
    inspect_url_name = None
    model = Certificate
    permission_required = "change"
    breadcrumbs_label = gettext_lazy("Certificates")

    def get_record_queryset(self):
        return Certificate.objects.select_related("user__pathways_profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certificate"] = self.object
        context["status"] = status_label(self.object)
        context["code"] = format_code(self.object.verification_code)
        return context


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (staff only)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = help_text


class CertificateRevokeView(CertificateActionView):
    page_title = gettext_lazy("Revoke")
    header_icon = "cross"
    submit_button_label = gettext_lazy("Revoke the certificate")
    form_class = ReasonForm
    intro = gettext_lazy(
        "Revoking keeps the record. From now on the public verification page and the status "
        "list say the certificate is revoked; they never show the reason."
    )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "help_text": _("Only programme staff see this reason."),
        }

    def form_valid(self, form):
        certificate = self.run_service(
            form,
            lambda: services.certificate_revoke(
                certificate=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if certificate is None:
            return self.form_invalid(form)
        messages.success(self.request, _("The certificate is revoked."))
        return redirect(self.inspect_url_name, certificate.pk)


class CertificateReissueView(CertificateActionView):
    page_title = gettext_lazy("Reissue")
    header_icon = "repeat"
    submit_button_label = gettext_lazy("Reissue the certificate")
    form_class = ReasonForm
    intro = gettext_lazy(
        "Reissuing makes a new certificate with a new code, printed from the template as it is "
        "now, with the same completion date and the name the participant chose. The old one is "
        "kept: its code still verifies as what it was."
    )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "help_text": _("For example: the wording was corrected. Only programme staff see it."),
        }

    def form_valid(self, form):
        certificate = self.run_service(
            form,
            lambda: services.certificate_reissue(
                certificate=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if certificate is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Reissued with the new code %(code)s.")
            % {"code": format_code(certificate.verification_code)},
        )
        return redirect(self.inspect_url_name, certificate.pk)


class CertificateHistoryView(SafeLabelMixin, HistoryView):
    pass


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Issued certificates")
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    history_view_class = CertificateHistoryView
    filterset_class = CertificateFilterSet
    list_display = [
        "user",  # the participant's chosen name, linking to the certificate's page
        "printed_title",
        Column("achievement", label=gettext_lazy("Course or cohort"), accessor=achievement_label),
        Column("status", label=gettext_lazy("Status"), accessor=status_label),
        "issued_at",
        _code_column(),
    ]
    search_fields = ["user__pathways_profile__chosen_name"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_fields = [
        "user",
        "course",
        "cohort",
        "status",
        "verification_code",
        "printed_title",
        "printed_achievement",
        "printed_issuer_name",
        "name_choice",
        "completed_on",
        "issued_at",
        "expires_at",
        "issued_by",
        "issued_without_completion",
        "issue_reason",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "superseded_by",
        "superseded_at",
        "template",
        "template_revision",
        "pdf_rendered_at",
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            revoke_url_name=self.get_url_name("revoke"),
            reissue_url_name=self.get_url_name("reissue"),
            **kwargs,
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            revoke_url_name=self.get_url_name("revoke"),
            reissue_url_name=self.get_url_name("reissue"),
            **kwargs,
        )

    def _action_kwargs(self) -> dict:
        return {
            "index_url_name": self.get_url_name("index"),
            "inspect_url_name": self.get_url_name("inspect"),
        }

    @property
    def add_view(self):
        return CertificateIssueView.as_view(**self._action_kwargs())

    @property
    def edit_view(self):
        return NotEditableView.as_view(inspect_url_name=self.get_url_name("inspect"))

    @property
    def delete_view(self):
        return NotDeletedView.as_view(
            inspect_url_name=self.get_url_name("inspect"),
            message=_("Certificates are never deleted. Revoke it instead."),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "revoke/<int:pk>/",
                CertificateRevokeView.as_view(**self._action_kwargs()),
                name="revoke",
            ),
            path(
                "reissue/<int:pk>/",
                CertificateReissueView.as_view(**self._action_kwargs()),
                name="reissue",
            ),
        ]


# Cohort batches -------------------------------------------------------------------------------


class BatchStartForm(forms.Form):
    cohort = forms.ModelChoiceField(label=gettext_lazy("Cohort"), queryset=Cohort.objects.none())
    template = forms.ModelChoiceField(
        label=gettext_lazy("Certificate template"),
        queryset=CertificateTemplate.objects.none(),
        help_text=gettext_lazy("The template must list the cohort among its cohort programmes."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (staff only)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("For example: the programme finished. Only programme staff see it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.order_by("-start_date", "name")
        self.fields["template"].queryset = CertificateTemplate.objects.filter(
            cohorts__isnull=False
        ).distinct()


class BatchStartView(AdminFormView):
    """Staff issue a cohort programme's certificate to the members who completed it.

    Two steps, without JavaScript: the form, then a "check your answers" page listing who will
    receive the certificate, who will not and why, and the template; nothing is issued until staff
    confirm there (a second POST with ``confirm``). The list is read again when they confirm
    (``cohort_certificates_start``), and each member is checked again when the batch runs.
    """

    model = CertificateBatch
    permission_required = "add"
    form_class = BatchStartForm
    page_title = gettext_lazy("Issue for a cohort")
    header_icon = "group"
    submit_button_label = gettext_lazy("Continue")
    confirm_button_label = gettext_lazy("Start issuing")
    breadcrumbs_label = gettext_lazy("Cohort certificates")
    check_template_name = "certificates/admin/batch_check.html"
    intro = gettext_lazy(
        "Members with a place in the cohort (active or completed) who have met its completion "
        "rules and do not hold this certificate yet get one, with the reason below. Next you "
        "will see who will receive it and who will not, and why; nothing is issued until you "
        "confirm. It runs in the background: the list shows progress when you reload it, and it "
        "is safe to run again if it stops."
    )

    def get_initial(self):
        cohort = self.request.GET.get("cohort", "")
        return {"cohort": cohort} if cohort.isdigit() else {}

    def form_valid(self, form):
        data = form.cleaned_data
        if "change" in self.request.POST:
            return self.render_to_response(
                self.get_context_data(form=self.get_form_class()(initial=data))
            )
        if "confirm" not in self.request.POST:
            return self.check_answers(form)
        batch = self.run_service(
            form,
            lambda: services.cohort_certificates_start(
                cohort=data["cohort"],
                template=data["template"],
                actor=self.request.user,
                reason=data["reason"],
            ),
        )
        if batch is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Issuing certificates for %(cohort)s has started.") % {"cohort": batch.cohort.name},
        )
        return redirect(self.index_url_name)

    def check_answers(self, form):
        """The "check your answers" page: what would happen, nothing written."""
        data = form.cleaned_data
        preview = self.run_service(
            form, lambda: cohort_batch_preview(cohort=data["cohort"], template=data["template"])
        )
        if preview is None:
            return self.form_invalid(form)
        context = self.get_context_data(form=form)
        context.update(
            preview=preview,
            reason=data["reason"],
            page_subtitle=_("Check before you start"),
            submit_button_label=self.confirm_button_label,
            submit_button_active_label=self.confirm_button_label,
        )
        return self.response_class(
            request=self.request,
            template=[self.check_template_name],
            context=context,
            using=self.template_engine,
        )


class BatchRunAgainView(RecordFormView):
    """Run a batch again after an interruption: only missing certificates are issued."""

    model = CertificateBatch
    permission_required = "add"
    form_class = forms.Form
    page_title = gettext_lazy("Run again")
    header_icon = "repeat"
    submit_button_label = gettext_lazy("Run it again")
    breadcrumbs_label = gettext_lazy("Cohort certificates")
    intro = gettext_lazy(
        "Use this if the batch stopped or seems stuck. Members who already hold the certificate "
        "are left alone, so nobody gets two."
    )

    def get_page_subtitle(self):
        return str(self.object)

    def form_valid(self, form):
        try:
            services.batch_run_again(batch=self.object, actor=self.request.user)
        except ValidationError:
            raise Http404 from None  # finished: there is nothing to run again
        messages.success(self.request, _("The batch is running again."))
        return redirect(self.index_url_name)


def _progress(batch: CertificateBatch) -> str:
    return _(
        "%(issued)s of %(total)s issued, %(not_completed)s not completed, %(skipped)s skipped"
    ) % {
        "issued": batch.issued,
        "total": batch.total,
        "not_completed": batch.not_completed,
        "skipped": batch.skipped,
    }


class BatchIndexView(PeopleIndexMixin, RowActionsMixin, IndexView):
    keep_wagtail_buttons = False
    person_fields = ("requested_by",)
    also_related = ("cohort", "template")
    run_again_url_name = None

    def row_actions(self, instance):
        if instance.status != BatchStatus.DONE and self.user_has_permission("add"):
            yield RowAction(
                _("Run again"), reverse(self.run_again_url_name, args=[instance.pk]), "repeat"
            )


class BatchInspectView(EmptyValuesInspectMixin, InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            CertificateBatch.objects.select_related(
                "cohort", "template", "requested_by__pathways_profile"
            ),
            pk=self.pk,
        )

    def get_requested_by_display_value(self):
        return staff_label(self.object.requested_by)

    def get_error_display_value(self):
        return self.object.error or "-"

    def get_issued_display_value(self):
        return _progress(self.object)


class CertificateBatchViewSet(KeptRecordsMixin, ModelViewSet):
    not_editable = ("edit", "delete")
    model = CertificateBatch
    icon = "group"
    menu_label = gettext_lazy("Cohort certificates")
    index_view_class = BatchIndexView
    inspect_view_class = BatchInspectView
    list_display = [
        "cohort",
        "template",
        "status",
        Column("progress", label=gettext_lazy("Progress"), accessor=_progress),
        "created_at",
        Column(
            "requested_by",
            label=gettext_lazy("Requested by"),
            accessor=lambda batch: chosen_name_of(batch.requested_by),
        ),
    ]
    list_filter = ["status", "cohort"]
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_fields = [
        "cohort",
        "template",
        "status",
        "issued",
        "reason",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "error",
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            run_again_url_name=self.get_url_name("run_again"), **kwargs
        )

    def _action_kwargs(self) -> dict:
        return {"index_url_name": self.get_url_name("index")}

    @property
    def add_view(self):
        return BatchStartView.as_view(**self._action_kwargs())

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "run-again/<int:pk>/",
                BatchRunAgainView.as_view(**self._action_kwargs()),
                name="run_again",
            ),
        ]


class CertificatesViewSetGroup(SnippetViewSetGroup):
    menu_label = gettext_lazy("Certificates")
    menu_icon = "doc-full"
    menu_order = 230
    items = (
        CertificateViewSet("certificates_admin", url_prefix="certificates"),
        CertificateBatchViewSet("certificate_batches", url_prefix="certificate-batches"),
        CertificateTemplateViewSet,
    )
