"""Running the database task queue reliably: a worker that outlasts database outages, and tasks
that a killed worker left "running" queued again.

django-tasks-db's own ``db_worker`` stops at the first database error and stays down, and a task
whose worker was killed stays "running" for ever (a cohort batch reads "running 31/120" until
someone queues it again by hand). ``manage.py pathways_worker`` runs :class:`ResilientWorker`
instead. It:

- waits and tries again, backing off up to a minute, when the database is unreachable, at start
  or at any point later, instead of exiting;
- reports every few seconds in :class:`~pathways.lms.core.models.TaskWorker`, from a thread of its
  own so that it reports during a long task too;
- every minute, queues again the tasks left running by a worker that stopped reporting for
  ``PATHWAYS_TASK_STALE_MINUTES`` (at once when that worker ran on this machine and its process
  is gone), or, for a worker that never reports (a plain ``db_worker``), that started that long
  ago (:func:`requeue_abandoned_tasks`);
- runs a task again that failed only because the database went away, or that was stopped with
  the worker (a second SIGTERM ends the task in hand at once).

Every Pathways task is safe to run twice: a batch issues only the certificates still missing, a
PDF is rendered only if the certificate has none, an e-mail is claimed before it is sent. A task
lost by ``MAX_ATTEMPTS`` workers in turn is marked failed rather than run again.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from contextlib import suppress
from datetime import datetime, timedelta

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from pathways.lms.core import app_settings
from pathways.lms.core.models import TaskWorker

logger = logging.getLogger(__name__)

#: Errors that mean the database is unreachable (or the connection broke), not that a task is
#: wrong: the worker waits and tries again.
DATABASE_ERRORS = (OperationalError, InterfaceError)
#: A task that "failed" with one of these was stopped with its worker, not by an error in it.
INTERRUPTIONS = ("builtins.SystemExit", "builtins.KeyboardInterrupt")
#: A task claimed by this many workers in turn, each lost while running it, is not run again.
MAX_ATTEMPTS = 5
#: How often a worker reports that it is alive, and looks for abandoned tasks.
HEARTBEAT_SECONDS = 30
SWEEP_SECONDS = 60
#: The longest wait between two tries while the database is unreachable.
MAX_BACKOFF_SECONDS = 60.0


class TaskAbandoned(Exception):
    """Recorded on a task that kept losing its worker: it is not run again."""


def _stale_after() -> timedelta:
    return timedelta(minutes=int(app_settings.PATHWAYS_TASK_STALE_MINUTES))


def _process_gone(worker: TaskWorker) -> bool:
    """Whether the worker ran on this machine and its process is certainly gone."""
    if worker.hostname != socket.gethostname():
        return False
    if worker.pid == os.getpid():
        # Another worker's row with this process's id: a restarted container, say.
        return True
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False  # alive, or its id reused: its reports decide


def _is_database_error(exception_class_path: str) -> bool:
    try:
        error_class = import_string(exception_class_path)
    except ImportError:
        return False
    return isinstance(error_class, type) and issubclass(error_class, DATABASE_ERRORS)


def requeue_abandoned_tasks(*, now: datetime | None = None, own_worker_id: str = "") -> int:
    """Queue again each task left running by a worker that is gone; returns how many.

    A worker that reports (:class:`TaskWorker`) is gone when it has not reported for
    ``PATHWAYS_TASK_STALE_MINUTES``, or ran on this machine and its process has ended. A task
    whose worker never reported (a plain ``db_worker``, or a report removed) is taken as
    abandoned once it started that long ago. ``own_worker_id`` is the calling worker, which is
    running nothing while it looks: a task still marked as its own was lost to a database error.

    Each change is a conditional update, so a worker finishing the task at that moment, or
    another worker looking at the same time, is never overruled. A task lost ``MAX_ATTEMPTS``
    times is marked failed instead.
    """
    now = now or timezone.now()
    cutoff = now - _stale_after()
    workers = {worker.worker_id: worker for worker in TaskWorker.objects.all()}
    lost = {
        worker_id: worker
        for worker_id, worker in workers.items()
        if worker_id != own_worker_id and (worker.seen_at < cutoff or _process_gone(worker))
    }
    requeued = 0
    running = DBTaskResult.objects.running().only("id", "task_path", "worker_ids", "started_at")
    for result in running:
        last_worker = result.worker_ids[-1] if result.worker_ids else ""
        if own_worker_id and last_worker == own_worker_id:
            abandoned = True
        elif last_worker in workers:
            abandoned = last_worker in lost
        else:
            abandoned = result.started_at is None or result.started_at < cutoff
        if not abandoned:
            continue
        still_running = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        if len(result.worker_ids) >= MAX_ATTEMPTS:
            error = TaskAbandoned(
                f"Its worker was lost {len(result.worker_ids)} times while running it; "
                "not run again."
            )
            if still_running.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{TaskAbandoned.__module__}.{TaskAbandoned.__qualname__}",
                traceback=f"{TaskAbandoned.__qualname__}: {error}\n",
                return_value=None,
            ):
                logger.error(
                    "Task %s (%s) lost its worker %d times: marked failed.",
                    result.pk,
                    result.task_path,
                    len(result.worker_ids),
                )
            continue
        if still_running.update(status=TaskResultStatus.READY):
            requeued += 1
            logger.warning(
                "Task %s (%s) was left running by worker %s; queued again.",
                result.pk,
                result.task_path,
                last_worker or "(unknown)",
            )
    for worker in lost.values():
        TaskWorker.objects.filter(pk=worker.pk, seen_at=worker.seen_at).delete()
    return requeued


class ResilientWorker(Worker):
    """django-tasks-db's worker, kept running through database errors, reporting while it runs
    and queueing again what a lost worker left running (see the module's docstring).

    Its own loop replaces ``Worker.run``; running a task (``Worker.run_task``) and stopping on a
    signal (``Worker.configure_signals``: finish the task in hand, a second signal ends it) are
    django-tasks-db's.
    """

    def __init__(
        self,
        *,
        queue_names: list[str] | tuple[str, ...] = (DEFAULT_TASK_QUEUE_NAME,),
        backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
        interval: float = 1.0,
        batch: bool = False,
        max_tasks: int | None = None,
        worker_id: str = "",
        startup_delay: bool = True,
        heartbeat: bool = True,
        max_backoff: float = MAX_BACKOFF_SECONDS,
    ):
        # Worker.__init__ is not called: its arguments change between django-tasks-db releases.
        # These are the attributes its run_task and shutdown use.
        self.queue_names = list(queue_names)
        self.process_all_queues = "*" in self.queue_names
        self.excluded_queue_names: list[str] = []
        self.backend_name = backend_name
        self.interval = interval
        self.batch = batch
        self.max_tasks = max_tasks
        self.startup_delay = startup_delay
        self.worker_id = worker_id or get_random_string(32)
        self.running = True
        self.running_task = False
        self._run_tasks = 0

        self.heartbeat = heartbeat
        self.max_backoff = max_backoff
        self.failures = 0
        self.sleep = time.sleep
        self._registered = False
        self._last_sweep: float | None = None
        self._stop_beating = threading.Event()
        self._beating: threading.Thread | None = None

    # The loop ----------------------------------------------------------------------------------

    def run(self) -> None:
        logger.info("Starting worker %s for queues %s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            self.sleep(random.random())  # noqa: S311  (spreads out workers started together)
        try:
            while self.running:
                try:
                    self._register()
                    self._sweep_if_due()
                    ran = self.run_next()
                except DATABASE_ERRORS as error:
                    self.wait_after_error(error)
                    continue
                self.failures = 0
                if self.batch and ran is False:
                    logger.info("No more tasks for worker %s: stopping.", self.worker_id)
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    logger.info(
                        "Worker %s ran %d tasks: stopping.", self.worker_id, self._run_tasks
                    )
                    return
                if self.running and not ran:
                    self.sleep(self.interval)
        finally:
            self._unregister()

    def run_next(self) -> bool | None:
        """Claim and run the next ready task: True if one ran, False if none was ready, None if
        the database was busy (SQLite's lock)."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        with exclusive_transaction(tasks.db):
            try:
                db_result = tasks.get_locked()
                if db_result is not None:
                    db_result.claim(self.worker_id)
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return None
                raise
        if db_result is None:
            return False
        # A database error while recording the outcome leaves the task running under this
        # worker's id: the sweep after reconnecting queues it again.
        self.run_task(db_result)
        close_old_connections()
        if db_result.status == TaskResultStatus.FAILED:
            if db_result.exception_class_path in INTERRUPTIONS:
                self._requeue_interrupted(db_result)
            elif _is_database_error(db_result.exception_class_path):
                self._retry_after_database_error(db_result)
        return True

    def _requeue_interrupted(self, db_result: DBTaskResult) -> None:
        """A task stopped by a second stop signal (or Ctrl+C) did not fail: it is queued again
        for the next worker."""
        if DBTaskResult.objects.filter(pk=db_result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, finished_at=None
        ):
            logger.warning(
                "Task %s (%s) was stopped with its worker; queued again.",
                db_result.pk,
                db_result.task_path,
            )

    def _retry_after_database_error(self, db_result: DBTaskResult) -> None:
        """A task that failed because the database went away is queued again (up to
        ``MAX_ATTEMPTS`` runs), after the usual wait."""
        if len(db_result.worker_ids) < MAX_ATTEMPTS:
            DBTaskResult.objects.filter(pk=db_result.pk, status=TaskResultStatus.FAILED).update(
                status=TaskResultStatus.READY, finished_at=None
            )
            logger.warning(
                "Task %s (%s) failed on a database error; queued again.",
                db_result.pk,
                db_result.task_path,
            )
        self.wait_after_error(OperationalError(db_result.exception_class_path))

    def wait_after_error(self, error: BaseException) -> None:
        """Close the broken connections and wait, longer after each failure in a row (with some
        jitter, so that workers do not all come back at once)."""
        self.failures += 1
        delay = min(self.max_backoff, 2.0 ** (self.failures - 1)) * (0.5 + random.random() / 2)  # noqa: S311
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        logger.warning(
            "Worker %s: database unavailable (%s: %s); trying again in %.1f s (failure %d).",
            self.worker_id,
            type(error).__name__,
            first_line[:200],
            delay,
            self.failures,
        )
        for connection in connections.all(initialized_only=True):
            with suppress(Exception):
                connection.close()
        self._last_sweep = None  # look for this worker's lost task as soon as it is back
        self.sleep(delay)

    # Looking for abandoned tasks ---------------------------------------------------------------

    def _sweep_if_due(self) -> None:
        if self._last_sweep is not None and time.monotonic() - self._last_sweep < SWEEP_SECONDS:
            return
        requeue_abandoned_tasks(own_worker_id=self.worker_id)
        self._last_sweep = time.monotonic()

    # Reporting ---------------------------------------------------------------------------------

    def _register(self) -> None:
        if self._registered:
            return
        now = timezone.now()
        TaskWorker.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "seen_at": now,
            },
        )
        self._registered = True
        if self.heartbeat and self._beating is None:
            self._beating = threading.Thread(
                target=self._beat_until_stopped, name=f"heartbeat-{self.worker_id}", daemon=True
            )
            self._beating.start()

    def beat(self) -> None:
        """Report that this worker is alive (its row again if a sweeper removed it)."""
        now = timezone.now()
        if not TaskWorker.objects.filter(worker_id=self.worker_id).update(seen_at=now):
            TaskWorker.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": now,
                    "seen_at": now,
                },
            )

    def _beat_until_stopped(self) -> None:
        try:
            while not self._stop_beating.wait(HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception as error:  # noqa: BLE001  (the main loop deals with outages)
                    logger.warning(
                        "Worker %s could not report (%s).", self.worker_id, type(error).__name__
                    )
                    for connection in connections.all(initialized_only=True):
                        with suppress(Exception):
                            connection.close()
        finally:
            connections.close_all()

    def _unregister(self) -> None:
        self._stop_beating.set()
        if self._beating is not None:
            self._beating.join(timeout=5)
            self._beating = None
        if not self._registered:
            return
        with suppress(Exception):
            TaskWorker.objects.filter(worker_id=self.worker_id).delete()
        self._registered = False
