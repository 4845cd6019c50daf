"""Reads about a participant's own certificates, each owning its queries.

A participant sees her current certificates only (a replaced one is superseded by the one she
holds now); anything else, including someone else's certificate, answers 404 as if it did not
exist. Staff work with certificates in the admin, not here.
"""

from datetime import timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

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
    # The wording, hours and skills printed on it, which the verification page shows too.
    "printed_data",
    "completed_on",
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


#: How long a new certificate stays under "What comes next" on her dashboard.
READY_FOR_DAYS = 30


def participant_certificates_ready(user, *, now=None) -> list[Certificate]:
    """Her certificates issued lately and valid now, newest first, for her dashboard (one
    query)."""
    now = now or timezone.now()
    return list(
        Certificate.objects.filter(
            user_id=user.pk,
            superseded_by__isnull=True,
            revoked_at__isnull=True,
            issued_at__gte=now - timedelta(days=READY_FOR_DAYS),
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .only("id", "printed_title", "printed_achievement", "issued_at", "pdf")
        .order_by("-issued_at", "-pk")[:5]
    )


def cohort_certificates_without_pdf(cohort_id: int, *, issued_before):
    """The cohort programme's current, unrevoked certificates issued before ``issued_before``
    that have no PDF yet (a worker killed between issuing one and queueing its PDF leaves one
    so)."""
    return Certificate.objects.filter(
        achievement_key=f"cohort:{cohort_id}",
        superseded_by__isnull=True,
        revoked_at__isnull=True,
        issued_at__lt=issued_before,
    ).filter(Q(pdf="") | Q(pdf__isnull=True))
