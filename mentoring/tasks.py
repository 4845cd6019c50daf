"""Background work for mentoring, run through the Tasks API (backend: a setting)."""

from django_tasks import task

from pathways.mentoring import services


@task()
def flag_overdue_pairings() -> int:
    """Flag for staff the active mentorships whose check-in is overdue. Run daily."""
    return services.pairings_flag_overdue()
