"""The database task worker (``manage.py pathways_worker``, ``make worker``): it outlasts
database errors, queues again what a killed worker left running, and a cohort batch interrupted
that way finishes with no duplicate certificate and no missing PDF."""

import os
import signal
import socket
import subprocess  # noqa: S404
import sys
from datetime import timedelta
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pathways.certificates.issuance import services
from pathways.certificates.issuance.batch_tasks import issue_cohort_certificates_task
from pathways.certificates.issuance.models import BatchStatus, Certificate
from pathways.certificates.issuance.tasks import render_certificate_pdf_task
from pathways.lms.core import task_workers
from pathways.lms.core.models import TaskWorker
from pathways.lms.core.task_workers import (
    MAX_ATTEMPTS,
    ResilientWorker,
    TaskAbandoned,
    requeue_abandoned_tasks,
)
from pathways.mentoring import services as mentoring_services
from pathways.mentoring.tasks import flag_overdue_pairings
from tests.tasks.support import DATABASE_TASKS, completed_programme, start_batch


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS
    settings.PATHWAYS_TASK_STALE_MINUTES = 15


def worker(**options) -> ResilientWorker:
    """A worker that runs what is queued and stops; its waits are recorded, not slept."""
    made = ResilientWorker(batch=True, startup_delay=False, heartbeat=False, **options)
    made.waits = []
    made.sleep = made.waits.append
    return made


def running(result, *, started_ago: timedelta, worker_ids: list[str]) -> DBTaskResult:
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=worker_ids,
    )
    return DBTaskResult.objects.get(pk=result.id)


def status_of(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: nothing of the batch's own error handling runs."""


# A killed worker's batch ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_batch_left_running_by_a_killed_worker_finishes_with_no_duplicates_and_every_pdf(
    database_tasks, staff
):
    cohort, template, members = completed_programme(4)
    batch = start_batch(cohort, template, staff)
    # (Wagtail's own tasks, updating its search and reference indexes, are queued too.)
    (queued,) = DBTaskResult.objects.filter(task_path=issue_cohort_certificates_task.module_path)

    # A worker claims the batch, issues two certificates and is killed: the batch reads
    # "running 2/4", and the second certificate's PDF was never queued.
    queued.claim("worker-that-was-killed")
    DBTaskResult.objects.filter(pk=queued.pk).update(started_at=timezone.now() - timedelta(hours=1))
    real_issue = services._issue
    issued = []

    def killed_on_the_third(**kwargs):
        if len(issued) == 2:
            raise WorkerKilled
        issued.append(kwargs["user"].pk)
        return real_issue(**kwargs)

    with (
        mock.patch.object(services, "_issue", side_effect=killed_on_the_third),
        pytest.raises(WorkerKilled),
    ):
        services.cohort_certificates_issue(batch=batch)
    second = Certificate.objects.get(user_id=issued[1])
    DBTaskResult.objects.filter(
        task_path=render_certificate_pdf_task.module_path, args_kwargs__args=[second.pk]
    ).delete()
    batch.refresh_from_db()
    assert (batch.status, batch.issued, batch.total) == (BatchStatus.RUNNING, 2, 4)
    assert status_of(queued) == TaskResultStatus.RUNNING

    assert requeue_abandoned_tasks() == 1
    assert status_of(queued) == TaskResultStatus.READY
    worker().run()

    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.issued, batch.skipped) == (BatchStatus.DONE, 4, 4, 0)
    certificates = Certificate.objects.filter(cohort=cohort)
    assert certificates.count() == 4
    assert set(certificates.values_list("user_id", flat=True)) == {m.user_id for m in members}
    for certificate in certificates:
        assert certificate.pdf, f"certificate {certificate.pk} has no PDF"
        assert certificate.pdf.read(5) == b"%PDF-"
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    assert not TaskWorker.objects.exists()


# Surviving database errors -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_out_a_database_error_and_carries_on(database_tasks):
    result = flag_overdue_pairings.enqueue()
    running_worker = worker()
    real_run_next = running_worker.run_next
    errors = iter([OperationalError("server closed the connection unexpectedly")])

    def flaky_run_next():
        for error in errors:
            raise error
        return real_run_next()

    running_worker.run_next = flaky_run_next
    running_worker.run()

    assert status_of(result) == TaskResultStatus.SUCCESSFUL
    (wait,) = running_worker.waits
    assert 0 < wait <= 1
    assert running_worker.failures == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_backs_off_longer_after_each_failure_in_a_row(database_tasks):
    result = flag_overdue_pairings.enqueue()
    running_worker = worker(max_backoff=4)
    real_run_next = running_worker.run_next
    errors = iter([OperationalError("connection refused")] * 5)

    def down_for_a_while():
        for error in errors:
            raise error
        return real_run_next()

    running_worker.run_next = down_for_a_while
    running_worker.run()

    assert status_of(result) == TaskResultStatus.SUCCESSFUL
    ceilings = [1, 2, 4, 4, 4]
    assert len(running_worker.waits) == len(ceilings)
    for wait, ceiling in zip(running_worker.waits, ceilings, strict=True):
        assert ceiling / 2 <= wait <= ceiling


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_outcome_could_not_be_recorded_is_run_again(database_tasks):
    result = flag_overdue_pairings.enqueue()
    lost = OperationalError("the connection was lost")

    def fail_once(real):
        calls = []

        def record(self, *args):
            calls.append(1)
            if len(calls) == 1:
                raise lost
            return real(self, *args)

        return record

    with (
        mock.patch.object(DBTaskResult, "set_successful", fail_once(DBTaskResult.set_successful)),
        mock.patch.object(DBTaskResult, "set_failed", fail_once(DBTaskResult.set_failed)),
    ):
        running_worker = worker()
        running_worker.run()

    done = DBTaskResult.objects.get(pk=result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.worker_ids == [running_worker.worker_id] * 2
    assert len(running_worker.waits) == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_that_failed_on_a_database_error_is_run_again(database_tasks):
    result = flag_overdue_pairings.enqueue()
    real = mentoring_services.pairings_flag_overdue
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("could not connect to server")
        return real()

    with mock.patch.object(mentoring_services, "pairings_flag_overdue", side_effect=flaky):
        running_worker = worker()
        running_worker.run()

    assert status_of(result) == TaskResultStatus.SUCCESSFUL
    assert len(calls) == 2
    assert len(running_worker.waits) == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_stopped_by_a_second_stop_signal_is_queued_again_not_failed(database_tasks):
    result = flag_overdue_pairings.enqueue()
    stopping = worker()
    stopping.batch = False
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    def stopped_twice_midway():
        stopping.shutdown(signal.SIGTERM, None)  # finish the task in hand, then stop...
        stopping.shutdown(signal.SIGTERM, None)  # ...no: stop now

    try:
        with mock.patch.object(
            mentoring_services, "pairings_flag_overdue", side_effect=stopped_twice_midway
        ):
            stopping.run()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)

    assert status_of(result) == TaskResultStatus.READY
    assert not TaskWorker.objects.exists()
    worker().run()
    assert status_of(result) == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_a_task_that_fails_for_another_reason_is_not_run_again(database_tasks):
    result = flag_overdue_pairings.enqueue()

    with mock.patch.object(
        mentoring_services, "pairings_flag_overdue", side_effect=ValueError("a bug")
    ) as broken:
        worker().run()

    assert status_of(result) == TaskResultStatus.FAILED
    assert broken.call_count == 1


# Finding abandoned tasks -------------------------------------------------------------------------


def _report(worker_id: str, *, seen_ago: timedelta, hostname="another-host", pid=4242):
    now = timezone.now()
    return TaskWorker.objects.create(
        worker_id=worker_id, hostname=hostname, pid=pid, started_at=now, seen_at=now - seen_ago
    )


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    process.wait(timeout=30)
    return process.pid


@pytest.mark.django_db
def test_a_task_of_a_worker_still_reporting_is_left_alone_however_long_it_runs(database_tasks):
    _report("busy", seen_ago=timedelta(seconds=20))
    result = running(
        flag_overdue_pairings.enqueue(), started_ago=timedelta(hours=2), worker_ids=["busy"]
    )

    assert requeue_abandoned_tasks() == 0
    assert status_of(result) == TaskResultStatus.RUNNING
    assert TaskWorker.objects.filter(worker_id="busy").exists()


@pytest.mark.django_db
def test_a_task_of_a_worker_silent_too_long_is_queued_again(database_tasks):
    _report("silent", seen_ago=timedelta(minutes=16))
    result = running(
        flag_overdue_pairings.enqueue(), started_ago=timedelta(minutes=17), worker_ids=["silent"]
    )

    assert requeue_abandoned_tasks() == 1
    assert status_of(result) == TaskResultStatus.READY
    assert not TaskWorker.objects.filter(worker_id="silent").exists()


@pytest.mark.django_db
def test_a_task_of_a_worker_gone_from_this_machine_is_queued_again_at_once(database_tasks):
    _report("gone", seen_ago=timedelta(seconds=5), hostname=socket.gethostname(), pid=_dead_pid())
    result = running(
        flag_overdue_pairings.enqueue(), started_ago=timedelta(seconds=10), worker_ids=["gone"]
    )

    assert requeue_abandoned_tasks() == 1
    assert status_of(result) == TaskResultStatus.READY


@pytest.mark.django_db
def test_a_worker_of_this_machine_whose_process_still_runs_is_not_taken_for_gone(database_tasks):
    _report("alive", seen_ago=timedelta(seconds=5), hostname=socket.gethostname(), pid=os.getppid())
    result = running(
        flag_overdue_pairings.enqueue(), started_ago=timedelta(seconds=10), worker_ids=["alive"]
    )

    assert requeue_abandoned_tasks() == 0
    assert status_of(result) == TaskResultStatus.RUNNING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("started_ago", "requeued"), [(timedelta(minutes=1), 0), (timedelta(minutes=16), 1)]
)
def test_a_task_of_a_worker_that_never_reports_is_queued_again_after_the_timeout(
    database_tasks, started_ago, requeued
):
    # A plain `manage.py db_worker`: its id is in the task, and it never reports.
    result = running(
        flag_overdue_pairings.enqueue(), started_ago=started_ago, worker_ids=["db-worker"]
    )

    assert requeue_abandoned_tasks() == requeued
    expected = TaskResultStatus.READY if requeued else TaskResultStatus.RUNNING
    assert status_of(result) == expected


@pytest.mark.django_db
def test_the_timeout_is_a_setting(database_tasks, settings):
    settings.PATHWAYS_TASK_STALE_MINUTES = 60
    result = running(
        flag_overdue_pairings.enqueue(), started_ago=timedelta(minutes=30), worker_ids=["w"]
    )

    assert requeue_abandoned_tasks() == 0
    assert requeue_abandoned_tasks(now=timezone.now() + timedelta(minutes=31)) == 1
    assert status_of(result) == TaskResultStatus.READY


@pytest.mark.django_db
def test_a_task_that_keeps_losing_its_worker_is_marked_failed_not_run_again(database_tasks):
    result = running(
        flag_overdue_pairings.enqueue(),
        started_ago=timedelta(hours=1),
        worker_ids=[f"lost-{number}" for number in range(MAX_ATTEMPTS)],
    )

    assert requeue_abandoned_tasks() == 0
    failed = DBTaskResult.objects.get(pk=result.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path.endswith(TaskAbandoned.__qualname__)
    assert failed.finished_at is not None


@pytest.mark.django_db
def test_finished_and_waiting_tasks_are_never_touched(database_tasks):
    waiting = flag_overdue_pairings.enqueue()
    done = flag_overdue_pairings.enqueue()
    DBTaskResult.objects.filter(pk=done.id).update(
        status=TaskResultStatus.SUCCESSFUL,
        started_at=timezone.now() - timedelta(days=1),
        finished_at=timezone.now() - timedelta(days=1),
    )

    assert requeue_abandoned_tasks() == 0
    assert status_of(waiting) == TaskResultStatus.READY
    assert status_of(done) == TaskResultStatus.SUCCESSFUL


# Reporting ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_worker_reports_while_it_runs_and_removes_its_report_when_it_stops(database_tasks):
    reporting = worker()
    reporting._register()
    row = TaskWorker.objects.get(worker_id=reporting.worker_id)
    assert (row.hostname, row.pid) == (socket.gethostname(), os.getpid())

    TaskWorker.objects.filter(pk=row.pk).update(seen_at=timezone.now() - timedelta(hours=1))
    reporting.beat()
    assert TaskWorker.objects.get(pk=row.pk).seen_at > timezone.now() - timedelta(minutes=1)

    # Taken for lost by another worker while partitioned, it reports again when it can.
    TaskWorker.objects.all().delete()
    reporting.beat()
    assert TaskWorker.objects.filter(worker_id=reporting.worker_id).exists()

    reporting._unregister()
    assert not TaskWorker.objects.exists()


# The command --------------------------------------------------------------------------------------


def run_command(*args) -> str:
    out = StringIO()
    with mock.patch.object(ResilientWorker, "configure_signals"):
        call_command("pathways_worker", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_with_immediate_tasks_the_worker_says_none_is_needed_and_exits():
    assert "no worker is needed" in run_command()


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_what_is_queued_with_the_database_backend(database_tasks):
    results = [flag_overdue_pairings.enqueue() for _ in range(3)]

    run_command("--batch")

    assert [status_of(result) for result in results] == [TaskResultStatus.SUCCESSFUL] * 3


@pytest.mark.django_db
def test_the_worker_command_can_only_queue_abandoned_tasks_again(database_tasks):
    result = running(
        flag_overdue_pairings.enqueue(), started_ago=timedelta(hours=1), worker_ids=["lost"]
    )

    assert "Tasks queued again: 1." in run_command("--requeue-abandoned")
    assert status_of(result) == TaskResultStatus.READY


@pytest.mark.django_db
def test_the_heartbeat_and_sweep_intervals_are_shorter_than_the_shortest_timeout():
    # A worker that reports must never look silent for the shortest timeout (one minute).
    assert task_workers.HEARTBEAT_SECONDS < 60
    assert task_workers.SWEEP_SECONDS <= 60


@pytest.mark.django_db(transaction=True)
def test_the_worker_reconnects_after_postgresql_drops_its_connection(database_tasks):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a server that can end the worker's connection")
    result = flag_overdue_pairings.enqueue()
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    # Ended by the server, as a restart or a failover would: the next query fails.
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        other.commit()
    finally:
        other.close()

    running_worker = worker()
    running_worker.run()

    assert status_of(result) == TaskResultStatus.SUCCESSFUL
    assert len(running_worker.waits) == 1
