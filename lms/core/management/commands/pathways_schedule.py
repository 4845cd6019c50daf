"""Queue the periodic tasks when they are due, without cron (``make scheduler``).

See ``lms/core/schedule.py`` for how the times are chosen and why two schedulers never queue a
task twice for the same due time.
"""

import random
import signal
import threading
from contextlib import suppress

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone

from pathways.lms.core.models import PeriodicTaskRun
from pathways.lms.core.schedule import queue_due_tasks, schedule

#: The longest wait between two tries while the database is unreachable.
MAX_BACKOFF_SECONDS = 60.0


class Command(BaseCommand):
    #: Set by SIGTERM or SIGINT: the loop stops after the look in hand.
    stop_event_class = threading.Event
    help = (
        "Queue the periodic tasks (the retention purge, overdue mentoring check-ins, notices "
        "due by time such as sharing that ends soon) when each is due, then run the worker to do "
        "them. Runs until stopped, looking every --interval seconds; --once queues what is due "
        "now and exits (run it from cron, e.g. every 15 minutes); --list shows the schedule. Two "
        "schedulers never queue a task twice for the same due time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Queue what is due now, then exit (for cron)."
        )
        parser.add_argument(
            "--list", action="store_true", help="Show each periodic task, when it runs, and exit."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=60.0,
            help="Seconds between two looks at the schedule (default 60).",
        )

    def handle(self, *args, once=False, list=False, interval=60.0, **options):  # noqa: A002
        if interval <= 0:
            raise CommandError("--interval must be more than 0.")
        planned = schedule()
        if list:
            self._list(planned)
            return
        if once:
            self._report(queue_due_tasks(planned=planned))
            return
        self._loop(planned, interval)

    def _list(self, planned):
        now = timezone.now()
        runs = {run.name: run for run in PeriodicTaskRun.objects.all()}
        zone = timezone.get_current_timezone_name()
        for periodic, timing in planned:
            run = runs.get(periodic.name)
            last = (
                timezone.localtime(run.due_at).strftime("%Y-%m-%d %H:%M")
                if run and run.due_at
                else "never"
            )
            when = f"{timing} ({zone})" if timing else "off"
            if timing is None:
                upcoming = "-"
            elif run is None or run.due_at is None or run.due_at < timing.last_due(now):
                upcoming = "now (the next look queues it)"
            else:
                upcoming = timezone.localtime(timing.next_due(now)).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"{periodic.name}: {when}; last queued for {last}; next {upcoming}\n"
                f"    {periodic.description}"
            )

    def _report(self, queued):
        if not queued:
            self.stdout.write("Nothing is due.")
        for item in queued:
            due = timezone.localtime(item.due_at).strftime("%Y-%m-%d %H:%M")
            if item.error:
                self.stderr.write(f"{item.name}: could not be queued ({item.error}); tried again.")
            else:
                self.stdout.write(f"{item.name}: queued (due {due}).")

    def _loop(self, planned, interval):
        stop = self.stop_event_class()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        self.stdout.write(f"Scheduler started: looking every {interval:g} s.")
        failures = 0
        while not stop.is_set():
            try:
                close_old_connections()
                self._report_queued_only(queue_due_tasks(planned=planned))
                failures = 0
                wait = interval
            except (OperationalError, InterfaceError) as error:
                failures += 1
                wait = min(MAX_BACKOFF_SECONDS, 2.0 ** (failures - 1)) * (0.5 + random.random() / 2)  # noqa: S311
                self.stderr.write(
                    f"Database unavailable ({type(error).__name__}); trying again in {wait:.1f} s."
                )
                for connection in connections.all(initialized_only=True):
                    with suppress(Exception):
                        connection.close()
            stop.wait(wait)
        self.stdout.write("Scheduler stopped.")

    def _report_queued_only(self, queued):
        if queued:
            self._report(queued)
