"""What core keeps for background work: the workers that are running and the periodic tasks.

Neither names a person. They let several worker and scheduler processes agree without a shared
cache: a worker that stops reporting has its unfinished tasks queued again
(``lms/core/task_workers.py``), and each periodic task is queued once per due time however many
schedulers run (``lms/core/schedule.py``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskWorker(models.Model):
    """A background worker process (``manage.py pathways_worker``), as last heard from.

    It reports every few seconds while it runs, even in the middle of a long task, and removes
    its row when it stops. A row that stops changing belongs to a worker that was killed: the
    tasks it left running are queued again.
    """

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host name"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last heard from"), db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class PeriodicTaskRun(models.Model):
    """When a periodic task (``lms/core/schedule.py``) was last queued, and for which due time.

    A scheduler queues a task only by moving ``due_at`` forward in one conditional update, so two
    schedulers never queue it twice for the same due time.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    due_at = models.DateTimeField(_("last due time queued"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    task_result_id = models.CharField(_("task result id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic task run")
        verbose_name_plural = _("periodic task runs")

    def __str__(self) -> str:
        return self.name
