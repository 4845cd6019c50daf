from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    """Partner employers, their web users and their API keys."""

    name = "pathways.certificates.employers"
    label = "pathways_employers"
    verbose_name = _("Partner employers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pathways.certificates.employers.permissions import register as register_permissions

        register_permissions()
