"""Registers certificates in the Wagtail admin: templates (snippets with revisions), issued
certificates and cohort batches, grouped under one menu item, and their log actions."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from pathways.certificates.issuance import admin as admin_certificates
from pathways.certificates.issuance import selectors, services
from pathways.courses.dashboard import DASHBOARD_PANELS_HOOK, DashboardPanel

register_snippet(admin_certificates.CertificatesViewSetGroup)


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    @actions.register_action(services.ISSUE_OVERRIDE_ACTION)
    class IssuedWithoutCompletion(LogFormatter):
        label = _("Issue certificate although the completion rules are not met")

        def format_message(self, log_entry):
            return _(
                "Certificate issued although the completion rules were not met. Reason: "
                "%(reason)s. Not met: %(missing)s."
            ) % {
                "reason": log_entry.data.get("reason", ""),
                "missing": "; ".join(log_entry.data.get("missing", [])),
            }

    actions.register_action(
        services.REVOKE_ACTION, _("Revoke certificate"), _("Certificate revoked")
    )
    actions.register_action(
        services.REISSUE_ACTION,
        _("Reissue certificate"),
        _("Certificate reissued (replaced by a new one)"),
    )
    actions.register_action(
        services.BATCH_RUN_ACTION,
        _("Run certificate batch again"),
        _("Certificate batch run again"),
    )


@hooks.register(DASHBOARD_PANELS_HOOK)
def certificates_ready_panel(request, user):
    """Certificates issued to her lately, ready to download, on her dashboard (one query)."""
    certificates = selectors.participant_certificates_ready(user)
    if not certificates:
        return None
    return DashboardPanel(
        "certificates/includes/dashboard_ready.html", {"certificates": certificates}, 40
    )
