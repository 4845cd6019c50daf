"""Create the notices that are due by time: a session tomorrow, sharing that ends in a week, a
mentoring check-in due."""

from django.core.management.base import BaseCommand

from django_tasks import TaskResultStatus

from pathways.lms.notices.tasks import send_due_notices


class Command(BaseCommand):
    help = (
        "Queue the task that creates the notices due now: a group session tomorrow, sharing "
        "with an employer that ends within 7 days, a mentoring check-in due tomorrow. Each is "
        "made once, however often this runs. Cron runs it once a day, for example: "
        "'30 6 * * * /path/to/.venv/bin/python manage.py send_due_notices'."
    )

    def handle(self, *args, **options):
        result = send_due_notices.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:
            # Run at once (the immediate backend): say what it did.
            self.stdout.write(f"Due notices created: {result.return_value}.")
        else:
            self.stdout.write(f"Queued the due notices task ({result.id}).")
