"""Staff tools for partner employers and their API keys in the Wagtail admin.

An API key is shown once, on the page that made it, and never again: only its hash is kept.
Employers are never deleted (their releases and disclosure records are the participants'
history) and keys are never edited or deleted, only revoked, each through
``pathways.certificates.employers.services``, which checks the rules and writes the history.

The menu group these viewsets sit in, "Sharing with employers", is built by the sharing app,
which adds each employer's releases to its list.
"""

from django import forms
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from pathways.certificates.employers import services
from pathways.certificates.employers.models import EmployerApiKey, EmployerOrganisation
from pathways.lms.accounts.people import active_people, offer_people
from pathways.lms.accounts.roles import Role
from pathways.lms.core.admin import (
    AdminFormView,
    KeptRecordsMixin,
    RecordFormView,
    RowAction,
    RowActionsMixin,
)


def date_label(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else "-"


# Partner employers ----------------------------------------------------------------------------


class EmployerOrganisationForm(WagtailAdminModelForm):
    """Web users are chosen among people with the Employer role only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "users" in self.fields:
            users = self.fields["users"]
            offer_people(users, active_people(Role.EMPLOYER))
            users.widget = forms.CheckboxSelectMultiple(choices=users.choices)
            users.help_text = _(
                "People with the Employer role who sign in for this employer. They see only "
                "what participants shared with it."
            )


class EmployerIndexView(RowActionsMixin, IndexView):
    keys_url_name = None
    add_key_url_name = None

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                live_keys=Count(
                    "api_keys", filter=Q(api_keys__revoked_at__isnull=True), distinct=True
                ),
                web_users=Count("users", distinct=True),
            )
        )

    def row_actions(self, instance):
        query = urlencode({"employer": instance.pk})
        yield RowAction(_("API keys"), f"{reverse(self.keys_url_name)}?{query}", "key", 40)
        yield RowAction(_("New API key"), f"{reverse(self.add_key_url_name)}?{query}", "plus", 50)


class EmployerOrganisationViewSet(KeptRecordsMixin, ModelViewSet):
    # Deleting would take its releases' disclosure records, the participants' history.
    not_editable = ("delete",)
    model = EmployerOrganisation
    icon = "group"
    menu_label = gettext_lazy("Partner employers")
    index_view_class = EmployerIndexView
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("users")], base_form_class=EmployerOrganisationForm
    )
    list_display = [
        "name",
        Column("web_users", label=gettext_lazy("Web users")),
        Column("live_keys", label=gettext_lazy("Live API keys")),
        "created_at",
    ]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            keys_url_name="employer_api_keys:index",
            add_key_url_name="employer_api_keys:add",
            **kwargs,
        )


# API keys -------------------------------------------------------------------------------------


def _scopes(key: EmployerApiKey) -> str:
    return ", ".join(key.scopes or []) or "-"


def _key_status(key: EmployerApiKey) -> str:
    if key.revoked_at is not None:
        return _("Revoked on %(date)s") % {"date": date_label(key.revoked_at)}
    return pgettext("API key state", "Live")


class KeyCreateForm(forms.Form):
    employer = forms.ModelChoiceField(
        label=gettext_lazy("Employer"), queryset=EmployerOrganisation.objects.none()
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        help_text=gettext_lazy("What will use it, for example: Harbour Hotels HR system."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=list(services.SCOPES.items()),
        initial=services.DEFAULT_SCOPES,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = EmployerOrganisation.objects.order_by("name")


class KeyCreateView(AdminFormView):
    """Makes a key and shows it on this response only; it is never stored, logged or put in a
    message, and the page is not cached."""

    model = EmployerApiKey
    permission_required = "add"
    form_class = KeyCreateForm
    page_title = gettext_lazy("New API key")
    header_icon = "key"
    submit_button_label = gettext_lazy("Make the key")
    breadcrumbs_label = gettext_lazy("API keys")
    intro = gettext_lazy(
        "The key is shown once, on the next page. Give it to the employer's technical contact "
        "through a safe channel. Only a fingerprint is kept, so a lost key cannot be shown "
        "again: revoke it and make a new one."
    )

    def get_initial(self):
        employer = self.request.GET.get("employer", "")
        return {"employer": employer} if employer.isdigit() else {}

    def form_valid(self, form):
        data = form.cleaned_data
        made = self.run_service(
            form,
            lambda: services.employer_key_create(
                employer=data["employer"],
                name=data["name"],
                scopes=data["scopes"],
                actor=self.request.user,
            ),
        )
        if made is None:
            return self.form_invalid(form)
        key, raw_key = made
        response = TemplateResponse(
            self.request,
            "employers/admin/key_created.html",
            {
                **self.get_context_data(form=form),
                "page_title": _("Copy the key now"),
                "key": key,
                "raw_key": raw_key,
                "keys_url": f"{reverse(self.index_url_name)}?"
                + urlencode({"employer": key.employer_id}),
            },
        )
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class KeyRevokeView(RecordFormView):
    model = EmployerApiKey
    permission_required = "change"
    form_class = forms.Form
    page_title = gettext_lazy("Revoke API key")
    header_icon = "cross"
    submit_button_label = gettext_lazy("Revoke the key")
    breadcrumbs_label = gettext_lazy("API keys")
    template_name = "employers/admin/form.html"
    intro = gettext_lazy(
        "The key stops working at once: the employer's system gets an error from its next "
        "request. This cannot be undone; make a new key if they need one."
    )

    def get_record_queryset(self):
        return EmployerApiKey.objects.select_related("employer")

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facts"] = [
            (_("Employer"), self.object.employer.name),
            (_("Name"), self.object.name),
            (_("Prefix"), self.object.prefix),
            (_("Status"), _key_status(self.object)),
        ]
        return context

    def form_valid(self, form):
        already_revoked = self.object.revoked_at is not None
        key = self.run_service(
            form, lambda: services.employer_key_revoke(key=self.object, actor=self.request.user)
        )
        if key is None:
            return self.form_invalid(form)
        if already_revoked:
            messages.success(self.request, _("This key was already revoked."))
        else:
            messages.success(
                self.request, _("The key %(prefix)s is revoked.") % {"prefix": key.prefix}
            )
        return redirect(
            f"{reverse(self.index_url_name)}?{urlencode({'employer': key.employer_id})}"
        )


class KeyIndexView(RowActionsMixin, IndexView):
    keep_wagtail_buttons = False
    revoke_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("employer")

    def get_add_url(self):
        url = super().get_add_url()
        employer = self.request.GET.get("employer", "")
        if url and employer.isdigit():
            return f"{url}?{urlencode({'employer': employer})}"
        return url

    def row_actions(self, instance):
        if instance.revoked_at is None and self.user_has_permission("change"):
            yield RowAction(_("Revoke"), reverse(self.revoke_url_name, args=[instance.pk]), "cross")


class EmployerApiKeyViewSet(KeptRecordsMixin, ModelViewSet):
    not_editable = ("edit", "delete")
    model = EmployerApiKey
    icon = "key"
    menu_label = gettext_lazy("API keys")
    index_view_class = KeyIndexView
    list_display = [
        "name",
        "employer",
        "prefix",
        Column("scopes", label=gettext_lazy("Scopes"), accessor=_scopes),
        "created_at",
        "last_used_at",
        Column("status", label=gettext_lazy("Status"), accessor=_key_status),
    ]
    list_filter = ["employer"]
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)

    def _action_kwargs(self) -> dict:
        return {"index_url_name": self.get_url_name("index")}

    @property
    def add_view(self):
        return KeyCreateView.as_view(**self._action_kwargs())

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", KeyRevokeView.as_view(**self._action_kwargs()), name="revoke"),
        ]
