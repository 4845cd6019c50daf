"""Background work for privacy, run through the Tasks API (the backend is a setting)."""

from django_tasks import task

from pathways.lms.privacy.retention import purge_expired


@task()
def purge_expired_records() -> dict[str, int | None]:
    """Delete the records past their retention period (``PATHWAYS_RETENTION_DAYS``), as
    ``manage.py purge_expired`` does; returns how many of each kind went (None: not known). Run
    daily by the schedule (``lms/core/schedule.py``); running it again deletes nothing more."""
    return {result.kind: result.count for result in purge_expired()}
