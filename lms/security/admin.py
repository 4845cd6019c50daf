"""The security app's screens in the Wagtail admin: setting a participant's temporary password,
new backup codes, paused sign-ins (and ending one), and the audit of legal name reads.

A participant who typed a wrong password too often is told to wait or to ask staff in person.
Programme staff (and superusers) see every current pause here and can end it once they have
checked, in person, that it is her. Nobody else reaches those pages. ``wagtail_hooks`` only
registers what is defined here.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.log_actions import log

from django_otp.plugins.otp_static.models import StaticToken

from pathways.lms.accounts.names import chosen_name_of, staff_label
from pathways.lms.accounts.people import PeopleIndexMixin, with_profiles
from pathways.lms.security import passwords, sign_in_limits
from pathways.lms.security.forms import TemporaryPasswordForm
from pathways.lms.security.models import LegalNameRead
from pathways.lms.security.two_factor import backup_codes_replace, needs_second_factor

BACKUP_CODES_ACTION = "pathways.backup_codes_replaced"


# Temporary passwords and backup codes --------------------------------------------------------


def temporary_password_button(*, request_user, user, button_class=Button, priority: int = 50):
    """A "Set a temporary password" button for a participant's row or page, if allowed."""
    if not passwords.may_set_temporary_password(actor=request_user, user=user):
        return None
    return button_class(
        _("Set a temporary password"),
        url=reverse("security_admin:temporary_password", args=[user.pk]),
        icon_name="key",
        priority=priority,
    )


class BackupCodesView(WagtailAdminTemplateMixin, TemplateView):
    """New backup codes, shown once. Reached only after passing the second factor."""

    template_name = "security/backup_codes_replace.html"
    page_title = gettext_lazy("Backup codes")
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        if not needs_second_factor(request.user) or not request.user.is_verified():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            remaining=StaticToken.objects.filter(device__user=self.request.user).count(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        codes = backup_codes_replace(user=request.user)
        log(instance=request.user, action=BACKUP_CODES_ACTION, user=request.user)
        return render(
            request,
            "security/backup_codes.html",
            {
                "page_title": _("Keep your backup codes"),
                "codes": codes,
                "next_url": reverse("wagtailadmin_account"),
                "just_set_up": False,
            },
        )


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class TemporaryPasswordView(WagtailAdminTemplateMixin, FormView):
    """Programme staff set a participant's password in person (she asked at the programme)."""

    template_name = "security/temporary_password.html"
    page_title = gettext_lazy("Set a temporary password")
    header_icon = "key"
    form_class = TemporaryPasswordForm

    def dispatch(self, request, *args, **kwargs):
        people = with_profiles(get_user_model()._default_manager.all())
        self.person = get_object_or_404(people, pk=kwargs["user_id"])
        if not passwords.may_set_temporary_password(actor=request.user, user=self.person):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return chosen_name_of(self.person)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailusers_users:index"), "label": _("Users")},
            {
                "url": reverse("wagtailusers_users:edit", args=[self.person.pk]),
                "label": chosen_name_of(self.person),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.person}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(person=self.person, **kwargs)
        context.update(
            action_url=self.request.get_full_path(),
            submit_button_label=_("Set the password"),
            submit_button_active_label=_("Setting the password…"),
            media=context["form"].media,
        )
        return context

    @method_decorator(sensitive_variables("password"))
    def form_valid(self, form):
        made = form.cleaned_data["how"] == TemporaryPasswordForm.MAKE
        if made:
            password = passwords.readable_password_for(self.person)
            if password is None:
                form.add_error(
                    "how", _("A password could not be made that fits the rules. Type one instead.")
                )
                return self.form_invalid(form)
        else:
            password = form.cleaned_data["password1"]
        passwords.temporary_password_set(
            actor=self.request.user, user=self.person, password=password
        )
        return render(
            self.request,
            "security/temporary_password_done.html",
            {
                **self.get_context_data(form=form),
                # Shown once on this page only when we made it; never stored in a message.
                "password": password if made else "",
            },
        )


# Paused sign-ins -----------------------------------------------------------------------------


class EndPauseForm(forms.Form):
    kind = forms.ChoiceField(choices=[(sign_in_limits.ACCOUNT, ""), (sign_in_limits.ADDRESS, "")])
    key = forms.CharField(max_length=255)


class SignInPausesView(WagtailAdminTemplateMixin, TemplateView):
    """GET lists the current pauses; POST ends one and comes back here."""

    template_name = "security/sign_in_pauses.html"
    page_title = gettext_lazy("Paused sign-ins")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not sign_in_limits.may_end_pauses(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pauses=sign_in_limits.current_pauses(),
            pause_minutes=sign_in_limits.pause_minutes(),
            account_limit=sign_in_limits.account_failure_limit(),
            address_limit=sign_in_limits.address_failure_limit(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = EndPauseForm(request.POST)
        if form.is_valid():
            sign_in_limits.pause_end(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                key=form.cleaned_data["key"],
            )
            messages.success(request, _("The pause has ended: signing in works again now."))
        else:
            messages.error(request, _("That pause could not be found. Nothing was changed."))
        return redirect("security_admin:sign_in_pauses")


class SignInPausesMenuItem(MenuItem):
    def is_shown(self, request):
        return sign_in_limits.may_end_pauses(request.user)


def admin_urls():
    """The security app's own admin pages, under ``security/`` in the namespace
    ``security_admin``."""
    return [
        path(
            "temporary-password/<int:user_id>/",
            TemporaryPasswordView.as_view(),
            name="temporary_password",
        ),
        path("backup-codes/", BackupCodesView.as_view(), name="backup_codes"),
        path("sign-in-pauses/", SignInPausesView.as_view(), name="sign_in_pauses"),
    ]


# Legal name reads ----------------------------------------------------------------------------


class LegalNameReadIndexView(PeopleIndexMixin, IndexView):
    person_fields = ("reader", "subject")


class LegalNameReadViewSet(ModelViewSet):
    """Who saw whose legal name, for superusers and programme staff (who hold the view
    permission, granted in apps.py). Nobody can add, change or delete a record here."""

    model = LegalNameRead
    icon = "view"
    menu_label = gettext_lazy("Legal name reads")
    add_to_settings_menu = True
    menu_order = 650
    url_prefix = "security/legal-name-reads"
    name = "legal_name_reads"
    list_display = [
        DateColumn("read_at", label=gettext_lazy("When"), sort_key="read_at"),
        Column(
            "reader", label=gettext_lazy("Read by"), accessor=lambda row: staff_label(row.reader)
        ),
        Column(
            "subject",
            label=gettext_lazy("Whose legal name"),
            accessor=lambda row: staff_label(row.subject),
        ),
        Column("path", label=gettext_lazy("Page")),
    ]
    list_filter = ["read_at"]
    ordering = ["-read_at", "-pk"]
    inspect_view_enabled = False
    copy_view_enabled = False
    index_view_class = LegalNameReadIndexView
    form_fields = []  # never edited: only the listing is routed

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in {"index", "index_results"}
        ]
