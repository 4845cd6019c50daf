"""Certificates made directly with the ORM, for the Open Badges and verification tests."""

import base64
import gzip
import uuid
from datetime import date

from django.utils import timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pathways.certificates.credentials import openbadges
from pathways.certificates.credentials.models import StatusListAllocation
from pathways.certificates.credentials.services import credential_issuer
from pathways.certificates.credentials.status_list import allocate_index
from pathways.certificates.issuance.codes import new_verification_code
from pathways.certificates.issuance.models import Certificate, CertificateTemplate
from pathways.lms.accounts.names import chosen_name_of
from tests.factories.accounts import ParticipantFactory
from tests.factories.courses import build_course

ISSUER_NAME = "Northside Skills Collective"


def make_template(**fields) -> CertificateTemplate:
    return CertificateTemplate.objects.create(
        **{
            "name": "Standard completion",
            "title": "Certificate of Completion",
            "issuer_name": ISSUER_NAME,
            **fields,
        }
    )


def make_certificate(*, user=None, course=None, template=None, **fields) -> Certificate:
    user = user or ParticipantFactory(
        chosen_name="Maya",
        legal_name="Maria Quintero",
        email=f"maria.{uuid.uuid4().hex[:8]}@example.org",
    )
    course = course or build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    template = template or make_template()
    certificate = Certificate.objects.create(
        **{
            "user": user,
            "course": course,
            "achievement_key": f"course:{course.pk}",
            "template": template,
            "verification_code": new_verification_code(),
            "printed_name": chosen_name_of(user),
            "printed_title": template.title,
            "printed_achievement": course.title,
            "printed_issuer_name": template.issuer_name,
            "printed_data": {"language": "en"},
            "completed_on": date(2025, 3, 14),
            "issued_at": timezone.now(),
            **fields,
        }
    )
    certificate.status_list_index = allocate_index()
    credential_issuer(certificate.printed_issuer_name)
    certificate.save(update_fields=["status_list_index"])
    return certificate


def legacy_credential(certificate: Certificate) -> dict:
    """A copy signed the way this site signed before migration 0004: one profile for every
    issuer with the key as a fragment of it, and the database id as the index in the one list."""
    credential = openbadges.build_credential(certificate)
    profile = openbadges.legacy_profile_url()
    list_url = openbadges.legacy_status_list_url()
    credential["issuer"]["id"] = profile
    credential["credentialSubject"]["achievement"]["creator"]["id"] = profile
    credential["credentialStatus"] = {
        "id": f"{list_url}#{certificate.pk}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(certificate.pk),
        "statusListCredential": list_url,
    }
    key = openbadges.active_issuer_key()
    proof = openbadges.create_proof(
        credential,
        private_key=Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key.private_key_seed_hex)),
        verification_method=f"{profile}#{key.public_key_multibase}",
        created=timezone.now(),
    )
    return {**credential, "proof": proof}


def make_legacy_certificate(**fields) -> Certificate:
    """A certificate as it stood before migration 0004: its id as its index, no issuer, and a
    legacy credential."""
    certificate = make_certificate(**fields)
    credential = legacy_credential(certificate)
    StatusListAllocation.objects.filter(index=certificate.status_list_index).delete()
    # Kept from random draws while the test sets things up; the upgrade starts with none.
    StatusListAllocation.objects.get_or_create(index=certificate.pk)
    Certificate.objects.filter(pk=certificate.pk).update(
        status_list_index=certificate.pk, credential=credential
    )
    certificate.refresh_from_db()
    return certificate


def decode_status_list(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` the site wrote, to check which bits it set."""
    if not encoded.startswith("u"):
        raise ValueError("Not multibase base64url.")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def status_bit(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))
