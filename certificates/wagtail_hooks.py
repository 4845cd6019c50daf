"""Certificates in the Wagtail admin: templates (snippets with revisions), issued certificates and
cohort batches, grouped under one menu item."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import admin_certificates

register_snippet(admin_certificates.CertificatesViewSetGroup)


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(
        admin_certificates.REVOKE_ACTION, _("Revoke certificate"), _("Certificate revoked")
    )
    actions.register_action(
        admin_certificates.REISSUE_ACTION,
        _("Reissue certificate"),
        _("Certificate reissued (replaced by a new one)"),
    )
    actions.register_action(
        admin_certificates.BATCH_RUN_ACTION,
        _("Run certificate batch again"),
        _("Certificate batch run again"),
    )
