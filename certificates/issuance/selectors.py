"""Reads about a participant's own certificates, each owning its queries.

A participant sees her current certificates only (a replaced one is superseded by the one she
holds now); anything else, including someone else's certificate, answers 404 as if it did not
exist. Staff work with certificates in the admin, not here.
"""

from django.http import Http404

from pathways.certificates.issuance.codes import normalize_code
from pathways.certificates.issuance.models import Certificate


def participant_certificates(user):
    """Her current certificates, newest first, in one query whatever their number."""
    return (
        Certificate.objects.filter(user_id=user.pk, superseded_by__isnull=True)
        .defer("credential", "printed_data")
        .order_by("-issued_at", "-pk")
    )


def participant_certificate(
    user, certificate_id: int, *, downloadable: bool = False
) -> Certificate:
    """One of her current certificates, or 404.

    ``downloadable``: also 404 for a revoked certificate, whose files are no longer handed out.
    """
    certificate = Certificate.objects.filter(
        pk=certificate_id, user_id=user.pk, superseded_by__isnull=True
    ).first()
    if certificate is None or (downloadable and certificate.revoked_at is not None):
        raise Http404
    return certificate


# Exactly what public verification reads: nothing else of the certificate leaves the database.
VERIFY_FIELDS = (
    "verification_code",
    "printed_name",
    "printed_title",
    "printed_achievement",
    "printed_issuer_name",
    "issued_at",
    "expires_at",
    "revoked_at",
    "superseded_at",
    "superseded_by",
)


def verifiable_certificate(code: str) -> Certificate | None:
    """The certificate a typed or scanned code stands for, or None (unknown or malformed alike).
    Used by the verification page and the verification API, which show a replaced certificate's
    status and nothing else it printed."""
    normalized = normalize_code(code)
    if normalized is None:
        return None
    return Certificate.objects.filter(verification_code=normalized).only(*VERIFY_FIELDS).first()
