from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    """Peer mentoring: mentor profiles, pairings, goals and check-ins."""

    name = "pathways.mentoring"
    label = "pathways_mentoring"
    verbose_name = _("Mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pathways.mentoring import checks  # noqa: F401  (registers the system checks)
        from pathways.mentoring.permissions import register as register_permissions

        register_permissions()
