"""What verifiable credentials do when certificates announce something."""

from pathways.certificates.credentials.openbadges import credential_issuer, issue_credential
from pathways.certificates.credentials.status_list import allocate_index


def sign_issued_certificate(sender, certificate, **kwargs) -> None:
    """``certificates.signals.certificate_issued``, inside the issuing transaction: the issuer
    carrying the name it printed (made on first use), its status-list bit (drawn at random, see
    :mod:`pathways.certificates.credentials.status_list`) and its signed credential."""
    credential_issuer(certificate.printed_issuer_name)
    certificate.status_list_index = allocate_index()
    certificate.save(update_fields=["status_list_index"])
    certificate.credential = issue_credential(certificate)
    certificate.save(update_fields=["credential"])
