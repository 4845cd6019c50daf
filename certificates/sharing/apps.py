from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    """Sharing: a participant's consent to show certificates to an employer, what the employer
    sees through it, and every time the employer looked."""

    name = "pathways.certificates.sharing"
    label = "pathways_sharing"
    verbose_name = _("Sharing with employers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pathways.certificates.sharing.permissions import register as register_permissions

        register_permissions()
