"""Registers sharing with employers in the Wagtail admin: partner employers, their API keys,
releases and employer access records under one menu item, and the log actions of releases."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from pathways.certificates.sharing import admin, services


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
