"""Registers the security app's admin screens (``admin.py``): temporary passwords, backup codes,
paused sign-ins, the audit of legal name reads, and the log actions they write."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from pathways.lms.accounts.signals import USER_HEADER_BUTTONS_HOOK
from pathways.lms.security import admin, passwords, sign_in_limits, views
from pathways.lms.security.two_factor import needs_second_factor


@hooks.register("register_admin_urls")
def register_security_admin_urls():
    return [path("security/", include((admin.admin_urls(), "security_admin")))]


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
        admin.BACKUP_CODES_ACTION, _("Make new backup codes"), _("New backup codes made")
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


@hooks.register("register_settings_menu_item")
def register_sign_in_pauses_menu_item():
    return admin.SignInPausesMenuItem(
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


@hooks.register("register_admin_viewset")
def register_legal_name_reads():
    return admin.LegalNameReadViewSet()


@hooks.register(USER_HEADER_BUTTONS_HOOK)
def temporary_password_header_button(*, request_user, user):
    return admin.temporary_password_button(request_user=request_user, user=user)
