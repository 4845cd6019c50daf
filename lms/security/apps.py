from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Security headers, the admin's second factor, in-person password resets and the audit of
    staff reading legal names."""

    name = "pathways.lms.security"
    label = "pathways_security"
    verbose_name = _("Security")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):

        from pathways.lms.accounts.signals import account_shown_to_staff
        from pathways.lms.security import (
            checks,  # noqa: F401  (registers the deployment checks)
            legal_names,
        )
        from pathways.lms.security.permissions import register as register_permissions

        register_permissions()
        account_shown_to_staff.connect(
            legal_names.record_when_shown, dispatch_uid="security_legal_name_shown"
        )
