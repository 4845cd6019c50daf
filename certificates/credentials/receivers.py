"""What verifiable credentials do when certificates announce something."""

from pathways.certificates.credentials import services


def sign_issued_certificate(sender, certificate, **kwargs) -> None:
    """``certificates.issuance.signals.certificate_issued``, inside the issuing transaction."""
    services.certificate_sign(certificate)
