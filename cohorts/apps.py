from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    """Cohorts: members, facilitators, sessions and attendance."""

    name = "pathways.cohorts"
    label = "pathways_cohorts"
    verbose_name = _("Cohorts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pathways.cohorts.permissions import register as register_permissions

        register_permissions()
