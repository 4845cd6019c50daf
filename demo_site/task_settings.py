"""Where background tasks run, from the environment (``TASKS_BACKEND``).

- ``django_tasks.backends.immediate.ImmediateBackend``: inside the request that queues them. The
  default for ``make run`` and the tests: nothing else to start.
- ``django_tasks_db.backend.DatabaseBackend``: queued in the database and run by
  ``make worker``. The production default; enough for a small site, no Redis needed.
- ``django_tasks_rq.RQBackend``: queued in Redis (``TASKS_REDIS_URL``) and run by RQ's workers
  (``make worker`` starts one). django-rq's apps and queues are added only then.

The web processes, the workers and the scheduler must all use the same backend.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
DATABASE_BACKEND = "django_tasks_db.backend.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"
RQ_APPS = ["django_rq", "django_tasks_rq"]
#: The queues Pathways' tasks use: every ``@task()`` of the apps is on the default queue.
QUEUES = ["default"]
#: Redis database for the task queue when only CACHE_URL says where Redis is.
TASKS_REDIS_DB = 2
#: Seconds an RQ job may run before RQ stops it. Every Pathways task is safe to run again.
DEFAULT_JOB_TIMEOUT = 1800


def backend(environ: Mapping[str, str], *, default: str) -> str:
    return (environ.get("TASKS_BACKEND") or "").strip() or default


def is_rq(backend_path: str) -> bool:
    return backend_path.split(".")[0] == "django_tasks_rq"


def tasks(backend_path: str) -> dict:
    """The ``TASKS`` setting."""
    return {"default": {"BACKEND": backend_path, "QUEUES": list(QUEUES)}}


def redis_url(environ: Mapping[str, str]) -> str:
    """``TASKS_REDIS_URL``; else the server of ``CACHE_URL`` with database 2; else a local
    Redis's database 2. A queue must not share a database with a cache that may evict keys."""
    url = (environ.get("TASKS_REDIS_URL") or "").strip()
    if url:
        return url
    cache_url = (environ.get("CACHE_URL") or "").strip()
    if cache_url.startswith(("redis://", "rediss://")):
        parts = urlsplit(cache_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{TASKS_REDIS_DB}", parts.query, ""))
    return f"redis://127.0.0.1:6379/{TASKS_REDIS_DB}"


def rq_queues(environ: Mapping[str, str]) -> dict:
    """django-rq's ``RQ_QUEUES``: one entry for each queue the backend uses."""
    raw_timeout = (environ.get("TASKS_JOB_TIMEOUT") or "").strip()
    try:
        timeout = int(raw_timeout) if raw_timeout else DEFAULT_JOB_TIMEOUT
    except ValueError as error:
        raise ImproperlyConfigured(
            f"TASKS_JOB_TIMEOUT must be a whole number of seconds, not {raw_timeout!r}"
        ) from error
    url = redis_url(environ)
    return {name: {"URL": url, "DEFAULT_TIMEOUT": timeout} for name in QUEUES}


#: django-rq's own settings: the job class django-tasks-rq needs, so that a plain ``rqworker``
#: runs Pathways' tasks too.
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
#: A job whose worker was killed is run again (lms/core/rq_jobs.py), as the database worker does.
RQ_EXCEPTION_HANDLERS = ["pathways.lms.core.rq_jobs.requeue_abandoned_job"]


def installed_apps(apps: list[str], backend_path: str) -> list[str]:
    """``INSTALLED_APPS`` with django-rq's apps when RQ is the backend (once)."""
    if not is_rq(backend_path):
        return list(apps)
    return [*apps, *(app for app in RQ_APPS if app not in apps)]
