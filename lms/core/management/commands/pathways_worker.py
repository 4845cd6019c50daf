"""Run the background worker for the task backend this site uses (``make worker``).

- database (``django_tasks_db``): Pathways' worker (``lms/core/task_workers.py``), which outlasts
  database outages and queues again what a killed worker left running;
- RQ (``django_tasks_rq``): django-rq's ``rqworker`` for the backend's queues, with the job class
  django-tasks-rq needs and RQ's scheduler for deferred tasks;
- immediate (or dummy): tasks run where they are queued, so there is nothing to start.
"""

import logging

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.exceptions import InvalidTaskBackendError

_KINDS = {"django_tasks_db": "database", "django_tasks_rq": "rq"}


def backend_kind(alias: str = DEFAULT_TASK_BACKEND_ALIAS) -> str:
    """``"immediate"``, ``"database"``, ``"rq"`` or ``"other"``: which worker the backend needs."""
    backend = task_backends[alias]
    if isinstance(backend, ImmediateBackend | DummyBackend):
        return "immediate"
    return _KINDS.get(type(backend).__module__.split(".")[0], "other")


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Run the background worker for the configured task backend (TASKS_BACKEND): the "
        "database worker, which survives database outages and queues again tasks a killed worker "
        "left running, or RQ's worker; with tasks that run immediately, say so and exit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backend",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            help="The task backend's alias in TASKS (default: %(default)s).",
        )
        parser.add_argument(
            "--queue-name",
            default="",
            help="Queues to work on, separated by commas (default: every queue of the backend).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run what is queued now, then stop (RQ: burst mode).",
        )
        parser.add_argument(
            "--max-tasks",
            type=_positive_int,
            default=None,
            help="Stop after running this many tasks.",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Database backend: seconds between looks at an empty queue (default 1).",
        )
        parser.add_argument(
            "--worker-id",
            default="",
            help="Database backend: this worker's id, unique among workers (default: random).",
        )
        parser.add_argument(
            "--requeue-abandoned",
            action="store_true",
            help="Database backend: queue again the tasks lost workers left running, then exit.",
        )

    def handle(self, *args, backend, queue_name, batch, max_tasks, interval, worker_id, **options):
        try:
            kind = backend_kind(backend)
        except InvalidTaskBackendError as error:
            raise CommandError(str(error)) from error
        configured = type(task_backends[backend])
        path = f"{configured.__module__}.{configured.__qualname__}"
        queues = [name for name in queue_name.split(",") if name.strip()] or sorted(
            task_backends[backend].queues
        )
        if kind == "immediate":
            self.stdout.write(
                f"The task backend ({path}) runs each task where it is queued: no worker is "
                "needed. Set TASKS_BACKEND to django_tasks_db.backend.DatabaseBackend or "
                "django_tasks_rq.RQBackend to run tasks in a worker."
            )
            return
        if kind == "rq":
            self._run_rq(queues, batch=batch, max_tasks=max_tasks, verbosity=options["verbosity"])
            return
        if kind != "database":
            raise CommandError(f"Pathways does not know how to start a worker for {path}.")
        if interval < 0:
            raise CommandError("--interval cannot be negative.")
        self._run_database(
            backend,
            queues,
            batch=batch,
            max_tasks=max_tasks,
            interval=interval,
            worker_id=worker_id,
            requeue_only=options["requeue_abandoned"],
            verbosity=options["verbosity"],
        )

    def _run_rq(self, queues, *, batch, max_tasks, verbosity):
        if not apps.is_installed("django_rq"):
            raise CommandError(
                "The RQ task backend needs django_rq (and django_tasks_rq) in INSTALLED_APPS."
            )
        # django-rq's command itself, so that nothing else named "rqworker" stands in for it.
        from django_rq.management.commands.rqworker import Command as RQWorkerCommand

        call_command(
            RQWorkerCommand(),
            *queues,
            job_class="django_tasks_rq.Job",
            with_scheduler=True,
            burst=batch,
            max_jobs=max_tasks,
            verbosity=verbosity,
        )

    def _run_database(
        self, backend, queues, *, batch, max_tasks, interval, worker_id, requeue_only, verbosity
    ):
        # Imported here: the database backend's models exist only when django_tasks_db is
        # installed, which a site on another backend need not have.
        from pathways.lms.core.task_workers import ResilientWorker, requeue_abandoned_tasks

        # Say when the worker starts and each task starts and ends (as db_worker does).
        level = logging.WARNING if verbosity == 0 else logging.INFO
        for name in ("pathways.lms.core.task_workers", "django_tasks", "django_tasks_db"):
            logging.getLogger(name).setLevel(level)
        if requeue_only:
            count = requeue_abandoned_tasks()
            self.stdout.write(f"Tasks queued again: {count}.")
            return
        worker = ResilientWorker(
            queue_names=queues,
            backend_name=backend,
            interval=interval,
            batch=batch,
            max_tasks=max_tasks,
            worker_id=worker_id,
            startup_delay=not batch,
        )
        worker.configure_signals()
        worker.run()
