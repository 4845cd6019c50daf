"""Registers sharing with employers in the Wagtail admin: partner employers, their API keys,
releases and employer access records under one menu item, and the log actions of releases."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from pathways.certificates.sharing import admin, notices, selectors, services
from pathways.courses.dashboard import DASHBOARD_PANELS_HOOK, DashboardPanel
from pathways.lms.notices.services import DUE_NOTICES_HOOK


@hooks.register("register_admin_viewset")
def register_sharing_viewsets():
    return admin.SharingViewSetGroup()


@hooks.register("register_log_actions")
def register_sharing_log_actions(actions):
    actions.register_action(
        services.RECORD_RELEASE_ACTION,
        _("Record consent given on paper or orally"),
        _("Consent given on paper or orally recorded"),
    )
    actions.register_action(
        services.RECORD_REVOCATION_ACTION,
        _("Record a request to stop sharing"),
        _("Request to stop sharing recorded"),
    )


hooks.register(DUE_NOTICES_HOOK, notices.sharing_ending_soon)


@hooks.register(DASHBOARD_PANELS_HOOK)
def sharing_ending_soon_panel(request, user):
    """Sharing with employers that ends within two weeks, on her dashboard, so that she can
    renew it if she wants to (one query)."""
    releases = selectors.participant_sharing_ending_soon(user)
    if not releases:
        return None
    return DashboardPanel("sharing/includes/dashboard_ending.html", {"releases": releases}, 50)
