"""Reads about a participant's own certificates, each owning its queries.

A participant sees her current certificates only (a replaced one is superseded by the one she
holds now); anything else, including someone else's certificate, answers 404 as if it did not
exist. Staff work with certificates in the admin, not here.
"""

from django.http import Http404

from .models import Certificate


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
