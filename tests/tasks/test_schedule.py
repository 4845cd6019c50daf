"""The periodic schedule (``manage.py pathways_schedule``): each task is queued when due, once
per due time however many schedulers run, never once per missed day; ``--once`` for cron."""

import threading
from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

from django.core.checks import run_checks
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from pathways.lms.core import schedule
from pathways.lms.core.management.commands import pathways_schedule
from pathways.lms.core.models import PeriodicTaskRun
from pathways.lms.core.schedule import PeriodicTask, Timing, parse_when, queue_due_tasks
from pathways.lms.notices.tasks import send_due_notices
from pathways.lms.privacy.tasks import purge_expired_records
from pathways.mentoring.tasks import flag_overdue_pairings
from tests.tasks.support import DATABASE_TASKS

# Wednesday 4 March 2026, 10:00 UTC: after every default time of the day.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
PERIODIC = {
    "purge_expired": purge_expired_records,
    "flag_overdue_pairings": flag_overdue_pairings,
    "send_due_notices": send_due_notices,
}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS
    settings.TIME_ZONE = "UTC"


def once() -> str:
    out = StringIO()
    call_command("pathways_schedule", "--once", stdout=out)
    return out.getvalue()


def queued() -> list[str]:
    """The periodic tasks in the queue, by name, in order."""
    paths = {task.module_path: name for name, task in PERIODIC.items()}
    rows = DBTaskResult.objects.filter(task_path__in=paths).order_by("enqueued_at", "task_path")
    return [paths[path] for path in rows.values_list("task_path", flat=True)]


# When a time is due -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "timing"),
    [("03:30", Timing(3, 30)), ("0:00", Timing(0, 0)), (":05", Timing(None, 5)), (None, None)],
)
def test_times_are_daily_hourly_or_never(value, timing):
    assert parse_when(value) == timing


@pytest.mark.parametrize("value", ["24:00", "12:60", "3.30", "daily", "", 330, True])
def test_other_times_are_refused(value):
    with pytest.raises(ValueError):
        parse_when(value)


def test_a_task_is_due_at_the_latest_of_its_times_that_has_passed():
    daily, hourly = Timing(3, 30), Timing(None, 5)
    assert daily.last_due(NOW) == datetime(2026, 3, 4, 3, 30, tzinfo=UTC)
    assert daily.last_due(datetime(2026, 3, 4, 3, 29, tzinfo=UTC)) == datetime(
        2026, 3, 3, 3, 30, tzinfo=UTC
    )
    assert daily.next_due(NOW) == datetime(2026, 3, 5, 3, 30, tzinfo=UTC)
    assert hourly.last_due(NOW) == datetime(2026, 3, 4, 9, 5, tzinfo=UTC)
    assert hourly.last_due(datetime(2026, 3, 4, 10, 5, tzinfo=UTC)) == datetime(
        2026, 3, 4, 10, 5, tzinfo=UTC
    )


def test_times_are_the_sites_wall_clock_times(settings):
    settings.TIME_ZONE = "America/New_York"
    # 10:00 UTC is 05:00 in New York: its 03:30 was 08:30 UTC today, its 06:15 not yet.
    assert Timing(3, 30).last_due(NOW) == datetime(2026, 3, 4, 8, 30, tzinfo=UTC)
    assert Timing(6, 15).last_due(NOW) == datetime(2026, 3, 3, 11, 15, tzinfo=UTC)


def test_the_apps_register_the_retention_purge_overdue_check_ins_and_due_notices():
    planned = {periodic.name: (periodic, timing) for periodic, timing in schedule.schedule()}
    assert set(planned) == set(PERIODIC)
    for name, task in PERIODIC.items():
        periodic, timing = planned[name]
        assert periodic.task is task
        assert timing is not None and timing.hour is not None  # daily by default


# --once, for cron --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_once_queues_each_due_task_once_and_again_at_its_next_time(database_tasks):
    with time_machine.travel(NOW, tick=False):
        output = once()
        assert sorted(queued()) == sorted(PERIODIC)
        for name in PERIODIC:
            assert f"{name}: queued" in output

        assert once().strip() == "Nothing is due."
        assert sorted(queued()) == sorted(PERIODIC)

    # The next day, before 06:15: only the 03:30 purge is due again.
    with time_machine.travel(NOW + timedelta(hours=20), tick=False):
        once()
    assert sorted(queued()) == sorted([*PERIODIC, "purge_expired"])


@pytest.mark.django_db
def test_days_missed_while_no_scheduler_ran_are_queued_once_not_once_each(database_tasks):
    with time_machine.travel(NOW, tick=False):
        once()
    with time_machine.travel(NOW + timedelta(days=5), tick=False):
        once()
    assert sorted(queued()) == sorted(list(PERIODIC) * 2)


@pytest.mark.django_db
def test_a_due_time_another_scheduler_queued_is_not_queued_again(database_tasks):
    # Another scheduler got to 03:30 first (its row moved forward); this one queues the rest.
    PeriodicTaskRun.objects.create(
        name="purge_expired", due_at=datetime(2026, 3, 4, 3, 30, tzinfo=UTC)
    )
    with time_machine.travel(NOW, tick=False):
        once()
    assert sorted(queued()) == sorted(["flag_overdue_pairings", "send_due_notices"])


@pytest.mark.django_db(transaction=True)
def test_schedulers_running_at_the_same_moment_queue_each_task_once(database_tasks):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the guarantee under test is its row locking under concurrent "
            "updates, and SQLite's test database cannot be shared between threads"
        )
    schedulers = 8
    barrier = threading.Barrier(schedulers)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=30)
            queue_due_tasks(now=NOW)
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(schedulers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert sorted(queued()) == sorted(PERIODIC)
    assert PeriodicTaskRun.objects.count() == len(PERIODIC)


@pytest.mark.django_db
def test_the_site_changes_a_time_or_turns_a_task_off(database_tasks, settings):
    settings.PATHWAYS_SCHEDULE = {"purge_expired": None, "send_due_notices": ":30"}
    with time_machine.travel(NOW, tick=False):
        once()
        assert sorted(queued()) == sorted(["flag_overdue_pairings", "send_due_notices"])
    # Hourly now: due again at 10:30, the others not.
    with time_machine.travel(NOW + timedelta(minutes=31), tick=False):
        once()
    assert queued().count("send_due_notices") == 2
    assert "purge_expired" not in queued()


@pytest.mark.django_db
def test_a_task_that_could_not_be_queued_is_tried_again_next_time(database_tasks):
    class QueueDownOnce:
        """The purge, with its queue unreachable the first time."""

        tries = 0

        def enqueue(self):
            self.tries += 1
            if self.tries == 1:
                raise ConnectionError("down")
            return purge_expired_records.enqueue()

    planned = [(PeriodicTask("purge_expired", QueueDownOnce(), "03:30", ""), Timing(3, 30))]
    (failed,) = queue_due_tasks(now=NOW, planned=planned)
    assert failed.error == "ConnectionError"
    assert PeriodicTaskRun.objects.get(name="purge_expired").due_at is None
    assert queued() == []

    (done,) = queue_due_tasks(now=NOW, planned=planned)
    assert not done.error
    run = PeriodicTaskRun.objects.get(name="purge_expired")
    assert run.due_at == datetime(2026, 3, 4, 3, 30, tzinfo=UTC)
    assert run.task_result_id == done.task_result_id
    assert queued() == ["purge_expired"]


@pytest.mark.django_db
def test_with_immediate_tasks_the_schedule_runs_them_in_place(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with time_machine.travel(NOW, tick=False):
        output = once()
    for name in PERIODIC:
        assert f"{name}: queued" in output
    assert not DBTaskResult.objects.filter(task_path__startswith="pathways.").exists()


@pytest.mark.django_db
def test_the_list_shows_each_task_with_its_times(database_tasks):
    def listing() -> str:
        out = StringIO()
        call_command("pathways_schedule", "--list", stdout=out)
        return out.getvalue()

    with time_machine.travel(NOW, tick=False):
        assert "purge_expired: daily at 03:30 (UTC); last queued for never; next now" in listing()
        once()
        shown = listing()
    assert (
        "purge_expired: daily at 03:30 (UTC); last queued for 2026-03-04 03:30; "
        "next 2026-03-05 03:30"
    ) in shown
    assert "send_due_notices: daily at 06:30" in shown
    assert "retention period" in shown


# The loop, without cron ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_loop_outlasts_a_database_error(database_tasks):
    calls = []

    def look(*, planned):
        calls.append(timezone.now())
        if len(calls) == 1:
            raise OperationalError("connection refused")
        return []

    waits = []

    class Clock(threading.Event):
        def wait(self, timeout=None):
            waits.append(timeout)
            if len(waits) == 3:
                self.set()
            return self.is_set()

    with (
        mock.patch.object(pathways_schedule, "queue_due_tasks", side_effect=look),
        mock.patch.object(pathways_schedule.Command, "stop_event_class", Clock),
        mock.patch.object(pathways_schedule.signal, "signal"),
    ):
        out, err = StringIO(), StringIO()
        call_command("pathways_schedule", "--interval", "30", stdout=out, stderr=err)

    assert len(calls) == 3
    assert 0.5 <= waits[0] <= 1  # backing off after the error...
    assert waits[1:] == [30, 30]  # ...then looking every interval
    assert "Database unavailable" in err.getvalue()
    assert "Scheduler stopped." in out.getvalue()


# Settings -----------------------------------------------------------------------------------------


def test_a_schedule_that_cannot_work_is_explained_by_a_system_check(settings):
    settings.PATHWAYS_SCHEDULE = {"purge_expired": "25:00", "purge_everything": "01:00"}
    settings.PATHWAYS_TASK_STALE_MINUTES = 0
    ids = {message.id for message in run_checks()}
    assert {"pathways_core.E004", "pathways_core.E005", "pathways_core.W002"} <= ids


def test_the_default_settings_pass_the_checks():
    ids = {message.id for message in run_checks()}
    assert not {"pathways_core.E004", "pathways_core.E005", "pathways_core.W002"} & ids
