"""Background work on Redis (``TASKS_BACKEND=django_tasks_rq.RQBackend``): certificate batches,
PDFs, notice e-mails, the retention purge and the periodic schedule all run in an RQ worker, and
a job whose worker was killed runs again.

Uses the Redis on 127.0.0.1 (``TEST_REDIS_URL``, database 9 by default), removing RQ's keys
before and after each test; skipped when it does not answer. The worker is RQ's own
``SimpleWorker`` in burst mode, in this process: it runs what is queued, then returns.
"""

import os
import signal
import time
from datetime import timedelta
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import django_rq
import pytest
import time_machine
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.utils import is_module_level_function
from django_tasks_rq import Job
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.authtoken.models import Token
from rq import SimpleWorker
from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry

from pathways.certificates.issuance import batch_tasks
from pathways.certificates.issuance import tasks as certificate_tasks
from pathways.certificates.issuance.models import BatchStatus, Certificate
from pathways.lms.core.management.commands import pathways_worker
from pathways.lms.core.rq_jobs import MAX_ATTEMPTS, requeue_abandoned_job
from pathways.lms.core.schedule import queue_due_tasks
from pathways.lms.notices import tasks as notice_tasks
from pathways.lms.notices.models import Notice, NoticeKind
from pathways.lms.privacy import tasks as privacy_tasks
from pathways.mentoring import tasks as mentoring_tasks
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import CertificateFactory, CredentialReleaseFactory
from tests.tasks.support import RQ_TASKS, completed_programme, start_batch

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
TASK_MODULES = (batch_tasks, certificate_tasks, notice_tasks, privacy_tasks, mentoring_tasks)


def _forget_rq(redis: Redis) -> None:
    keys = list(redis.scan_iter(match="rq:*", count=500))
    if keys:
        redis.delete(*keys)


@pytest.fixture
def rq_tasks(settings):
    redis = Redis.from_url(REDIS_URL)
    try:
        redis.ping()
    except RedisConnectionError:
        pytest.skip(f"Redis does not answer at {REDIS_URL} (set TEST_REDIS_URL)")
    _forget_rq(redis)
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    yield redis
    _forget_rq(redis)
    redis.close()


def queue():
    return django_rq.get_queue("default", job_class=Job)


def run_worker(worker_class=SimpleWorker, exception_handlers=None) -> SimpleWorker:
    """Run what is queued in this process, as ``make worker`` would, then return."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    rq_queue = queue()
    worker = worker_class(
        [rq_queue],
        connection=rq_queue.connection,
        job_class=Job,
        exception_handlers=exception_handlers,
    )
    try:
        worker.work(burst=True, with_scheduler=False)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    return worker


def finished_count() -> int:
    return FinishedJobRegistry(queue=queue()).count


def failed_count() -> int:
    return FailedJobRegistry(queue=queue()).count


# Each kind of work --------------------------------------------------------------------------------


def test_every_pathways_task_is_a_module_level_function_rq_can_import():
    # RQ stores a job as the task's import path and imports it again in the worker.
    tasks = [
        value
        for module in TASK_MODULES
        for value in vars(module).values()
        if isinstance(value, Task) and value.func.__module__ == module.__name__
    ]
    assert len(tasks) >= 6
    for task in tasks:
        assert is_module_level_function(task.func), task.name
        module_path, name = task.module_path.rsplit(".", 1)
        assert getattr(__import__(module_path, fromlist=[name]), name) is task


@pytest.mark.django_db(transaction=True)
def test_a_cohort_batch_runs_on_rq_and_every_certificate_gets_its_pdf(rq_tasks, staff):
    cohort, template, members = completed_programme(3)
    batch = start_batch(cohort, template, staff)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED
    assert queue().count >= 1

    run_worker()

    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.issued) == (BatchStatus.DONE, 3, 3)
    certificates = Certificate.objects.filter(cohort=cohort)
    assert sorted(certificates.values_list("user_id", flat=True)) == sorted(
        member.user_id for member in members
    )
    for certificate in certificates:
        assert certificate.pdf.read(5) == b"%PDF-"
    assert failed_count() == 0
    assert queue().count == 0


@pytest.mark.django_db(transaction=True)
def test_due_notices_and_their_e_mails_run_on_rq(rq_tasks):
    maya = ParticipantFactory(email="maya@example.org", safe_contact_channels=["email"])
    now = timezone.now()
    CredentialReleaseFactory(
        participant=maya,
        certificates=[CertificateFactory(user=maya)],
        created_at=now - timedelta(days=85),
        expires_at=now + timedelta(days=3),
    )

    result = notice_tasks.send_due_notices.enqueue()
    assert result.status == TaskResultStatus.READY
    assert not Notice.objects.exists()

    run_worker()

    finished = notice_tasks.send_due_notices.get_result(result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert finished.return_value == 1
    assert Notice.objects.get(user=maya).kind == NoticeKind.SHARING_ENDS_SOON
    # The e-mail is its own task, queued once the notice was saved, run by the same worker.
    assert [message.to for message in mail.outbox] == [["maya@example.org"]]
    assert failed_count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_retention_purge_runs_on_rq(rq_tasks, settings):
    settings.PATHWAYS_RETENTION_DAYS = {"api_tokens": 0}
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        expired = Token.objects.create(user=ParticipantFactory())
    fresh = Token.objects.create(user=ParticipantFactory())

    result = privacy_tasks.purge_expired_records.enqueue()
    run_worker()

    finished = privacy_tasks.purge_expired_records.get_result(result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert finished.return_value["api_tokens"] == 1
    assert list(Token.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert expired.pk != fresh.pk


@pytest.mark.django_db(transaction=True)
def test_the_schedule_queues_on_rq_and_the_worker_runs_every_periodic_task(rq_tasks):
    queued = queue_due_tasks()
    assert len(queued) == 3
    assert queue().count == 3

    run_worker()

    assert finished_count() == 3
    assert failed_count() == 0
    for item in queued:
        assert (
            mentoring_tasks.flag_overdue_pairings.get_backend().get_result(item.task_result_id)
        ).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_make_worker_starts_rqs_worker_for_the_queues_with_the_job_class_it_needs(
    rq_tasks, settings
):
    result = mentoring_tasks.flag_overdue_pairings.enqueue()

    # (The site adds django-rq's apps when TASKS_BACKEND chooses RQ; these tests choose it later.)
    with mock.patch.object(pathways_worker.apps, "is_installed", return_value=True):
        call_command("pathways_worker", "--batch", stdout=StringIO(), stderr=StringIO())

    # RQ's own worker forks a process for each job; the outcome is read back from Redis.
    finished = mentoring_tasks.flag_overdue_pairings.get_result(result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL


# A killed worker ----------------------------------------------------------------------------------


class WorkerKilled(BaseException):
    """Stands in for SIGKILL in the middle of a job."""


class KilledMidJob(SimpleWorker):
    """Takes a job and starts it, as RQ's worker does, then dies before it finishes."""

    def perform_job(self, job, queue, execution):
        with self.connection.pipeline() as pipeline:
            job.prepare_for_execution(self.name, pipeline)
            pipeline.execute()
        raise WorkerKilled


def _abandon_one_job() -> str:
    result = mentoring_tasks.flag_overdue_pairings.enqueue()
    run_worker(KilledMidJob)  # RQ logs the death and the worker stops, leaving the job started
    assert queue().count == 0
    assert mentoring_tasks.flag_overdue_pairings.get_result(result.id).status == (
        TaskResultStatus.RUNNING
    )
    return result.id


def _clean_after_the_worker_was_gone(exception_handlers) -> None:
    """What the next worker's maintenance does once the dead worker's heartbeat ran out."""
    StartedJobRegistry(queue=queue()).cleanup(
        timestamp=time.time() + 3600, exception_handlers=exception_handlers
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_rq_worker_was_killed_runs_again(rq_tasks):
    job_id = _abandon_one_job()

    _clean_after_the_worker_was_gone([requeue_abandoned_job])
    assert queue().count == 1
    run_worker()

    finished = mentoring_tasks.flag_overdue_pairings.get_result(job_id)
    assert finished.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_without_pathways_handler_rq_fails_an_abandoned_job_for_good(rq_tasks):
    job_id = _abandon_one_job()

    _clean_after_the_worker_was_gone([])

    assert queue().count == 0
    failed = mentoring_tasks.flag_overdue_pairings.get_result(job_id)
    assert failed.status == TaskResultStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_an_rq_job_that_keeps_losing_its_worker_is_failed_in_the_end(rq_tasks):
    job_id = _abandon_one_job()
    for _loss in range(MAX_ATTEMPTS - 1):
        _clean_after_the_worker_was_gone([requeue_abandoned_job])
        assert queue().count == 1
        run_worker(KilledMidJob)

    _clean_after_the_worker_was_gone([requeue_abandoned_job])

    assert queue().count == 0
    assert mentoring_tasks.flag_overdue_pairings.get_result(job_id).status == (
        TaskResultStatus.FAILED
    )


def test_the_site_settings_wire_rq_as_pathways_needs(settings):
    assert settings.RQ["JOB_CLASS"] == "django_tasks_rq.Job"
    assert "pathways.lms.core.rq_jobs.requeue_abandoned_job" in settings.RQ_EXCEPTION_HANDLERS
