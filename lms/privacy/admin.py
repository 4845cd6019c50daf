"""Erasing a person's personal data from the Wagtail admin, and the records of erasures.

Only programme staff with the "Can erase a participant's personal data" permission reach these
pages. Staff find the person (or use "Erase personal data" on the user list), read what will
happen, and type the username to confirm; ``services.participant_erase`` does the work. The
pages name the person by chosen name and username only, never by legal name.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView

from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from pathways.lms.accounts.names import chosen_name_of, staff_label
from pathways.lms.accounts.people import PeopleIndexMixin, with_profiles
from pathways.lms.accounts.roles import Role
from pathways.lms.core.admin import KeptRecordsMixin
from pathways.lms.core.errors import add_form_errors
from pathways.lms.privacy import selectors, services
from pathways.lms.privacy.models import ErasureRecord


def _roles_label(names) -> str:
    labels = dict(Role.choices)
    return ", ".join(str(labels.get(name, name)) for name in names) or "-"


def _counts_label(record: ErasureRecord) -> str:
    counts = record.counts or {}
    return _(
        "%(revoked)s certificates revoked, %(reflections)s reflections deleted, "
        "%(releases)s sharing releases stopped"
    ) % {
        "revoked": counts.get("certificates_revoked", 0),
        "reflections": counts.get("reflections_deleted", 0),
        "releases": counts.get("releases_stopped", 0),
    }


class ErasureFindForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        help_text=gettext_lazy("The username of the person whose personal data is to be erased."),
    )


class ErasureConfirmForm(forms.Form):
    confirm_username = forms.CharField(
        label=gettext_lazy("Type the username to confirm"),
        max_length=150,
        help_text=gettext_lazy("This cannot be undone."),
    )


class ErasureStaffMixin(WagtailAdminTemplateMixin):
    """Only staff who may erase personal data get in; everyone else is turned away."""

    index_url_name = None
    erase_url_name = None
    header_icon = "bin"

    def dispatch(self, request, *args, **kwargs):
        if not services.may_erase(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Erasure records")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.get_full_path()
        context["submit_button_label"] = self.submit_button_label
        context["submit_button_active_label"] = self.submit_button_label
        return context


class ErasureFindView(ErasureStaffMixin, FormView):
    template_name = "privacy/admin/erase.html"
    form_class = ErasureFindForm
    page_title = gettext_lazy("Erase a person's personal data")
    submit_button_label = gettext_lazy("Next")

    def form_valid(self, form):
        subject = (
            get_user_model().objects.filter(username=form.cleaned_data["username"].strip()).first()
        )
        if subject is None:
            form.add_error("username", _("No account has this username."))
            return self.form_invalid(form)
        return redirect(self.erase_url_name, subject.pk)


class ErasureConfirmView(ErasureStaffMixin, FormView):
    template_name = "privacy/admin/erase.html"
    form_class = ErasureConfirmForm
    page_title = gettext_lazy("Erase personal data")
    submit_button_label = gettext_lazy("Erase personal data")
    inspect_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        people = with_profiles(get_user_model()._default_manager.all())
        self.subject = get_object_or_404(people, pk=kwargs["user_id"])

    @cached_property
    def record(self):
        return services.erasure_record_for(self.subject)

    def get_page_subtitle(self):
        return self.subject.username

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subject = self.subject
        context["record"] = self.record
        context["protected"] = self.record is None and (
            subject.pk == self.request.user.pk or services.is_protected_account(subject)
        )
        if self.record is not None:
            context["record_url"] = reverse(self.inspect_url_name, args=[self.record.pk])
            return context
        preview = selectors.erasure_preview(subject)
        context["facts"] = [
            (_("Username"), subject.username),
            (_("Chosen name"), chosen_name_of(subject)),
            (_("Roles"), _roles_label(subject.groups.values_list("name", flat=True))),
        ]
        context["keeps"] = [
            ngettext(
                "%(count)s course enrolment, with progress and scores",
                "%(count)s course enrolments, with progress and scores",
                preview.enrolments,
            )
            % {"count": preview.enrolments},
            ngettext(
                "%(count)s cohort membership",
                "%(count)s cohort memberships",
                preview.cohort_memberships,
            )
            % {"count": preview.cohort_memberships},
            ngettext(
                "%(minutes)s minute of attendance",
                "%(minutes)s minutes of attendance",
                preview.minutes_attended,
            )
            % {"minutes": preview.minutes_attended},
            ngettext(
                "%(count)s certificate, as a revoked record",
                "%(count)s certificates, as revoked records",
                preview.certificates,
            )
            % {"count": preview.certificates},
            ngettext(
                "%(count)s mentorship pairing, ended, without goals or notes",
                "%(count)s mentorship pairings, ended, without goals or notes",
                preview.pairings,
            )
            % {"count": preview.pairings},
        ]
        context["removes"] = [
            _("Her names, username, e-mail address, peer alias and contact choices"),
            ngettext("%(count)s reflection", "%(count)s reflections", preview.reflections)
            % {"count": preview.reflections},
            _("Her quiz answers (the scores stay), and notes on her practical activities"),
            _("Goals and check-in notes of her mentorships, and notes she wrote as a mentor"),
            ngettext(
                "%(count)s certificate is revoked; the name printed, the signed credential "
                "and the stored PDF go",
                "%(count)s certificates are revoked; the names printed, the signed credentials "
                "and the stored PDFs go",
                preview.certificates_to_revoke,
            )
            % {"count": preview.certificates_to_revoke},
            ngettext(
                "%(count)s sharing release in force stops at once; its signature and purpose go",
                "%(count)s sharing releases in force stop at once; signatures and purposes go",
                preview.releases_in_force,
            )
            % {"count": preview.releases_in_force},
            _("Her sign-in: the account is closed, her password and app keys stop working"),
        ]
        return context

    def post(self, request, *args, **kwargs):
        if self.record is not None:
            return redirect(self.inspect_url_name, self.record.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            record = services.participant_erase(
                subject=self.subject,
                actor=self.request.user,
                confirm_username=form.cleaned_data["confirm_username"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Personal data erased. The account is now number %(number)s, with no name.")
            % {"number": record.subject_id},
        )
        return redirect(self.inspect_url_name, record.pk)


class ErasureRecordIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("erased_by",)
    erase_find_url_name = None

    @cached_property
    def header_buttons(self):
        if not services.may_erase(self.request.user):
            return []
        return [
            HeaderButton(
                _("Erase a person's personal data"),
                url=reverse(self.erase_find_url_name),
                icon_name="bin",
            )
        ]


def _erased_on(record: ErasureRecord) -> str:
    return timezone.localtime(record.erased_at).strftime("%Y-%m-%d %H:%M")


class ErasureRecordViewSet(KeptRecordsMixin, ModelViewSet):
    # Erasure records are never added by hand, edited or deleted here.
    not_editable = ("add", "edit", "delete")
    model = ErasureRecord
    icon = "bin"
    menu_label = gettext_lazy("Erasure records")
    # Beside the other records of reads and changes to people's data (legal name reads).
    menu_order = 670
    add_to_settings_menu = True
    index_view_class = ErasureRecordIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "subject_id",
        Column("erased_at", label=gettext_lazy("Erased"), accessor=_erased_on),
        Column(
            "erased_by",
            label=gettext_lazy("erased by"),
            accessor=lambda record: staff_label(record.erased_by),
        ),
        Column("counts", label=gettext_lazy("What went"), accessor=_counts_label),
    ]
    inspect_view_fields = ["subject_id", "subject_roles", "erased_at", "erased_by", "counts"]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            erase_find_url_name=self.get_url_name("erase_find"), **kwargs
        )

    def get_urlpatterns(self):
        urls = {
            "index_url_name": self.get_url_name("index"),
            "erase_url_name": self.get_url_name("erase"),
        }
        return [
            *super().get_urlpatterns(),
            path("erase/", ErasureFindView.as_view(**urls), name="erase_find"),
            path(
                "erase/<int:user_id>/",
                ErasureConfirmView.as_view(inspect_url_name=self.get_url_name("inspect"), **urls),
                name="erase",
            ),
        ]
