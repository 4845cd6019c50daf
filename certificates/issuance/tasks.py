"""Background work for certificates: render each PDF once and store it.

Runs through the Tasks API, so the backend is a setting: immediate in development and tests, the
database-backed worker (``make worker``) in production.
"""

import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from django_tasks import task

from pathways.certificates.issuance.models import Certificate
from pathways.certificates.issuance.rendering import render_certificate_pdf


@task()
def render_certificate_pdf_task(certificate_id: int) -> None:
    """Render and store the certificate's PDF unless it already has one.

    The row stays locked while rendering, so concurrent runs for one certificate render it once.
    """
    stored_name = ""
    try:
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update()
                .select_related("template")
                .filter(pk=certificate_id)
                .first()
            )
            if certificate is None or certificate.pdf:
                return
            pdf = render_certificate_pdf(certificate)
            # A random name: the file must not be found by guessing or reveal who holds it.
            certificate.pdf.save(f"{secrets.token_urlsafe(24)}.pdf", ContentFile(pdf), save=False)
            stored_name = certificate.pdf.name
            certificate.pdf_rendered_at = timezone.now()
            certificate.save(update_fields=["pdf", "pdf_rendered_at"])
    except BaseException:
        if stored_name:
            Certificate._meta.get_field("pdf").storage.delete(stored_name)
        raise


def ensure_certificate_pdf(certificate: Certificate) -> None:
    """Queue the certificate's PDF for rendering if it has none. Call it after the issue commits."""
    if not certificate.pdf:
        render_certificate_pdf_task.enqueue(certificate.pk)
