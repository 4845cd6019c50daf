"""Verifiable credentials: every change. Signing keys are made and rotated here, the issuer of
each discreet issuer name is made here, and an issued certificate gets its status-list bit and
signed credential here (building, signing and checking documents is
:mod:`pathways.certificates.credentials.openbadges`)."""

from django.db import transaction
from django.utils import timezone

from pathways.certificates.credentials import openbadges
from pathways.certificates.credentials.models import CredentialIssuer, IssuerKey
from pathways.certificates.credentials.status_list import allocate_index
from pathways.certificates.issuance.models import Certificate


def issuer_key_create() -> IssuerKey:
    """The site's first signing key. Refused when an active key exists: rotate instead."""
    with transaction.atomic():
        if IssuerKey.objects.filter(retired_at__isnull=True).exists():
            raise openbadges.IssuerKeyError(
                "An active signing key exists already; rotate it instead."
            )
        return openbadges.new_issuer_key()


def issuer_key_rotate() -> IssuerKey:
    """A new active key. Older keys are retired: they stay in the issuer profiles, so that what
    they signed still verifies, and their private half is erased, as they never sign again."""
    with transaction.atomic():
        active = list(
            IssuerKey.objects.select_for_update()
            .filter(retired_at__isnull=True)
            .values_list("pk", flat=True)
        )
        key = openbadges.new_issuer_key()
        IssuerKey.objects.filter(pk__in=active).update(
            retired_at=timezone.now(), private_key_seed_hex=""
        )
    return key


def credential_issuer(name: str) -> CredentialIssuer:
    """The issuer for a discreet issuer name, made on first use. Runs in the caller's
    transaction; two first uses at once are told apart by the unique name."""
    issuer, _created = CredentialIssuer.objects.get_or_create(name=name)
    return issuer


def certificate_sign(certificate: Certificate) -> Certificate:
    """An issued certificate's issuer (the one carrying the name it printed, made on first use),
    its status-list bit (drawn at random, see :mod:`pathways.certificates.credentials.status_list`)
    and its signed credential. Runs inside the issuing transaction."""
    credential_issuer(certificate.printed_issuer_name)
    certificate.status_list_index = allocate_index()
    certificate.save(update_fields=["status_list_index"])
    certificate.credential = openbadges.issue_credential(certificate)
    certificate.save(update_fields=["credential"])
    return certificate
