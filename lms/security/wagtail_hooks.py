"""The security app in the Wagtail admin: temporary passwords, backup codes, the audit of legal
name reads, and the log actions they write."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from pathways.lms.accounts.signals import USER_HEADER_BUTTONS_HOOK
from pathways.lms.security import passwords, sign_in_limits, views
from pathways.lms.security.admin_sign_in_pauses import SignInPausesView, may_end_pauses
from pathways.lms.security.models import LegalNameRead
from pathways.lms.security.two_factor import needs_second_factor


@hooks.register("register_admin_urls")
def register_security_admin_urls():
    urls = [
        path(
            "temporary-password/<int:user_id>/",
            views.TemporaryPasswordView.as_view(),
            name="temporary_password",
        ),
        path("backup-codes/", views.BackupCodesView.as_view(), name="backup_codes"),
        path("sign-in-pauses/", SignInPausesView.as_view(), name="sign_in_pauses"),
    ]
    return [path("security/", include((urls, "security_admin")))]


@hooks.register("register_log_actions")
def register_security_log_actions(actions):
    actions.register_action(
        passwords.TEMPORARY_PASSWORD_ACTION,
        _("Set a temporary password"),
        _("Temporary password set in person"),
    )
    actions.register_action(
        views.SECOND_FACTOR_SET_UP_ACTION,
        _("Set up two-step sign-in"),
        _("Two-step sign-in set up"),
    )
    actions.register_action(
        views.BACKUP_CODES_ACTION, _("Make new backup codes"), _("New backup codes made")
    )
    actions.register_action(
        views.SECOND_FACTOR_RESET_ACTION,
        _("Reset two-step sign-in"),
        _("Two-step sign-in reset"),
    )
    actions.register_action(
        sign_in_limits.PAUSE_ENDED_ACTION,
        _("End a sign-in pause"),
        _("Sign-in pause ended by staff"),
    )


class SignInPausesMenuItem(MenuItem):
    def is_shown(self, request):
        return may_end_pauses(request.user)


@hooks.register("register_settings_menu_item")
def register_sign_in_pauses_menu_item():
    return SignInPausesMenuItem(
        _("Paused sign-ins"),
        reverse("security_admin:sign_in_pauses"),
        icon_name="lock",
        order=660,
    )


@hooks.register("register_account_menu_item")
def account_backup_codes(request):
    if not needs_second_factor(request.user):
        return None
    return {
        "url": reverse("security_admin:backup_codes"),
        "label": _("Backup codes"),
        "help_text": _("Make new one-time codes for signing in when your phone is not with you."),
    }


def _person(user) -> str:
    """The chosen name and username: never the legal name, in the very audit of reading it."""
    if user is None:
        return "-"
    return f"{user.get_full_name()} ({user.get_username()})"


class LegalNameReadIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("reader", "subject")


class LegalNameReadViewSet(ModelViewSet):
    """Who saw whose legal name, for superusers and programme staff (who hold the view
    permission, granted in apps.py). Nobody can add, change or delete a record here."""

    model = LegalNameRead
    icon = "view"
    menu_label = _("Legal name reads")
    add_to_settings_menu = True
    menu_order = 650
    url_prefix = "security/legal-name-reads"
    name = "legal_name_reads"
    list_display = [
        DateColumn("read_at", label=_("When"), sort_key="read_at"),
        Column("reader", label=_("Read by"), accessor=lambda row: _person(row.reader)),
        Column("subject", label=_("Whose legal name"), accessor=lambda row: _person(row.subject)),
        Column("path", label=_("Page")),
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


@hooks.register("register_admin_viewset")
def register_legal_name_reads():
    return LegalNameReadViewSet()


@hooks.register(USER_HEADER_BUTTONS_HOOK)
def temporary_password_header_button(*, request_user, user):
    return views.temporary_password_button(request_user=request_user, user=user)
