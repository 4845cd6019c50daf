from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    """Site-level pieces: middleware, template tags, the base layout and demo data."""

    name = "pathways.lms"
    label = "pathways_lms"
    verbose_name = _("Pathways")
    default_auto_field = "django.db.models.BigAutoField"
