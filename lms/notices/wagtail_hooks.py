"""Registers the notices' periodic task: the notices due by time, made every morning."""

from wagtail import hooks

from pathways.lms.core.schedule import PERIODIC_TASKS_HOOK, PeriodicTask
from pathways.lms.notices import tasks


@hooks.register(PERIODIC_TASKS_HOOK)
def notices_periodic_tasks():
    return [
        PeriodicTask(
            name="send_due_notices",
            task=tasks.send_due_notices,
            when="06:30",
            description=(
                "Make the notices due by time (a group session tomorrow, sharing with an "
                "employer that ends within 7 days, a mentoring check-in due tomorrow) and queue "
                "their e-mails."
            ),
        )
    ]
