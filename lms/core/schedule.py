"""Periodic tasks: what runs every day or every hour without anyone asking, and when.

Each app registers its periodic tasks through the Wagtail hook :data:`PERIODIC_TASKS_HOOK` (a
function returning :class:`PeriodicTask` objects), with a default time; a site changes the time
or turns a task off with ``PATHWAYS_SCHEDULE``. ``manage.py pathways_schedule`` queues each task
when it is due, through the Tasks API, so that the worker runs it; ``--once`` queues what is due
and exits, for cron.

Times are wall-clock times in the site's ``TIME_ZONE``: ``"03:30"`` is every day at 03:30,
``":05"`` every hour at five past. A task is due at the latest such time that has passed. Each
due time is queued once however many schedulers run (:class:`~pathways.lms.core.models.
PeriodicTaskRun` is moved forward by one conditional update), and a time that passed while no
scheduler ran is queued once when one starts, never once per missed day.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from wagtail import hooks

from django_tasks.base import Task

from pathways.lms.core import app_settings
from pathways.lms.core.models import PeriodicTaskRun

logger = logging.getLogger(__name__)

PERIODIC_TASKS_HOOK = "pathways_periodic_tasks"

_WHEN = re.compile(r"(?P<hour>\d{1,2})?:(?P<minute>\d{2})")


@dataclass(frozen=True)
class PeriodicTask:
    """A task to queue on a schedule. ``task`` takes no arguments and is safe to run again."""

    name: str
    task: Task
    when: str | None
    description: str


@dataclass(frozen=True)
class Timing:
    """Every day at ``hour``:``minute``, or every hour at ``minute`` when ``hour`` is None."""

    hour: int | None
    minute: int

    def __str__(self) -> str:
        if self.hour is None:
            return f"hourly at :{self.minute:02d}"
        return f"daily at {self.hour:02d}:{self.minute:02d}"

    def last_due(self, now: datetime) -> datetime:
        """The latest due time at or before ``now``, in the site's time zone."""
        local = timezone.localtime(now)
        if self.hour is None:
            due = local.replace(minute=self.minute, second=0, microsecond=0)
            step = timedelta(hours=1)
        else:
            due = local.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
            step = timedelta(days=1)
        return due - step if due > local else due

    def next_due(self, now: datetime) -> datetime:
        step = timedelta(hours=1) if self.hour is None else timedelta(days=1)
        return self.last_due(now) + step


def parse_when(value: object) -> Timing | None:
    """``"HH:MM"`` (daily), ``":MM"`` (hourly) or None (never); ValueError for anything else."""
    if value is None:
        return None
    match = _WHEN.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f'{value!r} is not "HH:MM" (daily), ":MM" (hourly) or None (never)')
    hour = int(match["hour"]) if match["hour"] is not None else None
    minute = int(match["minute"])
    if (hour is not None and hour > 23) or minute > 59:
        raise ValueError(f"{value!r} is not a time of day")
    return Timing(hour=hour, minute=minute)


def registered_tasks() -> list[PeriodicTask]:
    """Every periodic task the apps register, by name (a name registered twice is an error)."""
    tasks: dict[str, PeriodicTask] = {}
    for register in hooks.get_hooks(PERIODIC_TASKS_HOOK):
        for periodic in register() or ():
            if periodic.name in tasks:
                raise ImproperlyConfigured(f"Two periodic tasks are named {periodic.name!r}.")
            tasks[periodic.name] = periodic
    return list(tasks.values())


def schedule() -> list[tuple[PeriodicTask, Timing | None]]:
    """Each periodic task with when it runs here: its default, or the site's
    ``PATHWAYS_SCHEDULE`` (None: never)."""
    chosen = app_settings.PATHWAYS_SCHEDULE
    chosen = chosen if isinstance(chosen, dict) else {}
    planned = []
    for periodic in registered_tasks():
        when = chosen.get(periodic.name, periodic.when)
        try:
            planned.append((periodic, parse_when(when)))
        except ValueError as error:
            raise ImproperlyConfigured(f"PATHWAYS_SCHEDULE[{periodic.name!r}]: {error}") from error
    return planned


@dataclass(frozen=True)
class Queued:
    name: str
    due_at: datetime
    task_result_id: str = ""
    error: str = ""


def _claim(name: str, due_at: datetime, now: datetime) -> tuple[bool, datetime | None]:
    """Move the task's last due time forward to ``due_at``, unless another scheduler did."""
    try:
        with transaction.atomic():
            run, _created = PeriodicTaskRun.objects.get_or_create(name=name)
    except IntegrityError:  # created at that moment by another scheduler
        run = PeriodicTaskRun.objects.get(name=name)
    claimed = (
        PeriodicTaskRun.objects.filter(pk=run.pk)
        .filter(Q(due_at__isnull=True) | Q(due_at__lt=due_at))
        .update(due_at=due_at, enqueued_at=now, task_result_id="")
    )
    return bool(claimed), run.due_at


def queue_due_tasks(
    *,
    now: datetime | None = None,
    planned: Iterable[tuple[PeriodicTask, Timing | None]] | None = None,
) -> list[Queued]:
    """Queue each periodic task whose due time has passed and was not queued yet; returns what
    this call queued (or failed to queue: it is tried again next time)."""
    now = now or timezone.now()
    queued = []
    for periodic, timing in schedule() if planned is None else planned:
        if timing is None:
            continue
        due_at = timing.last_due(now)
        claimed, previous = _claim(periodic.name, due_at, now)
        if not claimed:
            continue
        try:
            result = periodic.task.enqueue()
        except Exception as error:
            # Given back, so that the next look tries again.
            PeriodicTaskRun.objects.filter(name=periodic.name, due_at=due_at).update(
                due_at=previous
            )
            logger.exception("Could not queue the periodic task %s.", periodic.name)
            queued.append(Queued(periodic.name, due_at, error=type(error).__name__))
            continue
        PeriodicTaskRun.objects.filter(name=periodic.name, due_at=due_at).update(
            task_result_id=str(result.id)[:64]
        )
        logger.info("Queued the periodic task %s (due %s).", periodic.name, due_at.isoformat())
        queued.append(Queued(periodic.name, due_at, task_result_id=str(result.id)))
    return queued
