from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    """What every Pathways app shares: middleware, template tags, the base layout, branding,
    errors and the app settings (the demo data lives in the standalone project, demo_site)."""

    name = "pathways.lms"
    label = "pathways_lms"
    verbose_name = _("Pathways")
    default_auto_field = "django.db.models.BigAutoField"
