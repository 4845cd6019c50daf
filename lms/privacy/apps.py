from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A person's own data: download all of it, have it erased, and keep nothing past its time."""

    name = "pathways.lms.privacy"
    label = "pathways_privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from pathways.lms.privacy.permissions import register as register_permissions
        from pathways.lms.privacy.retention import check_retention_settings

        register_permissions()
        checks.register(check_retention_settings, checks.Tags.compatibility)
