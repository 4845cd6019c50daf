from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every Pathways app shares: middleware, template tags, the base layout, branding,
    errors, the admin building blocks and the app settings."""

    name = "pathways.lms.core"
    label = "pathways_core"
    verbose_name = _("Pathways")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pathways.lms.core import checks  # noqa: F401  (registers the system checks)
