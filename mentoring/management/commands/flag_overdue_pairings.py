"""Queue the daily check for mentorships whose check-in is overdue."""

from django.core.management.base import BaseCommand

from pathways.mentoring.tasks import flag_overdue_pairings


class Command(BaseCommand):
    help = (
        "Queue the task that flags, for programme staff, active mentorship pairings whose last "
        "check-in is older than the pairing's check-in interval (and clears flags that no longer "
        "apply). Cron runs this once a day, for example: "
        "'15 6 * * * /path/to/.venv/bin/python manage.py flag_overdue_pairings'."
    )

    def handle(self, *args, **options):
        result = flag_overdue_pairings.enqueue()
        self.stdout.write(f"Queued the overdue check-in task ({result.id}).")
