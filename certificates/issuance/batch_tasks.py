"""Background work of issuing certificates to a whole cohort (Tasks API; backend: a setting).

Kept apart from ``certificates.tasks`` (PDF rendering) so that each can change on its own.
"""

from django_tasks import task

from pathways.certificates.issuance import services
from pathways.certificates.issuance.models import CertificateBatch


@task()
def issue_cohort_certificates_task(batch_id: int) -> dict:
    """Run (or resume) a batch. Safe to run again: only missing certificates are issued, and
    only to members who have met the completion rules when it runs."""
    batch = CertificateBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return {"batch": batch_id, "status": "missing"}
    batch = services.cohort_certificates_issue(batch=batch)
    return {
        "batch": batch.pk,
        "status": batch.status,
        "total": batch.total,
        "issued": batch.issued,
        "skipped": batch.skipped,
        "not_completed": batch.not_completed,
    }
