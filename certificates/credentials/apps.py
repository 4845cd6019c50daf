from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    """Verifiable credentials: signed Open Badges, issuer profiles and keys, the revocation status
    list, and verifying a certificate by its code."""

    name = "pathways.certificates.credentials"
    label = "pathways_credentials"
    verbose_name = _("Verifiable credentials")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pathways.certificates.credentials import (
            checks,  # noqa: F401  (registers the system checks)
            receivers,
        )
        from pathways.certificates.issuance.signals import certificate_issued

        certificate_issued.connect(
            receivers.sign_issued_certificate, dispatch_uid="credentials_certificate_issued"
        )
