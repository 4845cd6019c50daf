"""Background work for notices, run through the Tasks API (the backend is a setting)."""

from django_tasks import task

from pathways.lms.notices import services


@task()
def send_notice_email(notice_id: int) -> bool:
    """Send the neutral e-mail about one notice, if it may still be sent."""
    return services.notice_email_send(notice_id=notice_id)


@task()
def send_due_notices() -> int:
    """Create the time-based notices due now (a session tomorrow, sharing that ends soon, a
    check-in due). Run daily."""
    return services.notices_create_due()
