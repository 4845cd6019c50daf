"""Background work of issuing certificates to a whole cohort (Tasks API; backend: a setting).

Kept apart from ``certificates.tasks`` (PDF rendering) so that each can change on its own.
"""

from django.utils import timezone

from django_tasks import task

from pathways.certificates.issuance import selectors, services
from pathways.certificates.issuance.models import CertificateBatch
from pathways.certificates.issuance.tasks import ensure_certificate_pdf


@task()
def issue_cohort_certificates_task(batch_id: int) -> dict:
    """Run (or resume) a batch. Safe to run again: only missing certificates are issued, and
    only to members who have met the completion rules when it runs. A certificate of the cohort
    issued earlier that still has no PDF (its worker was killed before the PDF was queued) has
    its PDF queued; those issued now have theirs queued as they are issued."""
    batch = CertificateBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return {"batch": batch_id, "status": "missing"}
    started = timezone.now()
    batch = services.cohort_certificates_issue(batch=batch)
    earlier = selectors.cohort_certificates_without_pdf(batch.cohort_id, issued_before=started)
    for certificate in earlier.only("pk", "pdf"):
        ensure_certificate_pdf(certificate)
    return {
        "batch": batch.pk,
        "status": batch.status,
        "total": batch.total,
        "issued": batch.issued,
        "skipped": batch.skipped,
        "not_completed": batch.not_completed,
    }
