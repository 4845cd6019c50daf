from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API for partner employers, participants, mentors and staff ."""

    name = "pathways.api"
    label = "pathways_api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pathways.api import (
            checks,  # noqa: F401  (registers the system checks)
            schema,  # noqa: F401  (registers the auth schemes with drf-spectacular)
        )
        from pathways.api.services import tokens_end_on_password_change
        from pathways.lms.accounts.signals import password_changed

        password_changed.connect(
            tokens_end_on_password_change, dispatch_uid="pathways.api.tokens_end"
        )
