from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    """Cohorts, sessions and attendance, and peer mentorship."""

    name = "pathways.cohorts"
    label = "pathways_cohorts"
    verbose_name = _("Cohorts")
    default_auto_field = "django.db.models.BigAutoField"
