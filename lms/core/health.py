"""Whether this web process is up, and whether it can reach what it needs: for load balancers,
process supervisors, deployments and monitoring.

- **Liveness** (``live/``): the process answers requests. It touches nothing else, so an outage
  of the database or of Redis never makes a supervisor restart every web process.
- **Readiness** (``ready/``): the database answers a query; the default cache stores a value and
  gives it back; the default storage writes, reads and deletes a small file; the task backend can
  be reached (the database backend's table answers, each RQ queue's Redis answers a ping; the
  immediate and dummy backends have nothing to reach).

Both answer ``{"status": "ok"}`` (200) or ``{"status": "unavailable"}`` (503) and nothing more:
no versions, no error text, no host names, whoever asks. Which check failed, and why, goes to the
operator's log (logger ``pathways.health``). Neither needs signing in, reads or writes a session,
sets a cookie, waits for the safety page, or may be cached.

django-health-check does the same with more kinds of check, but its answers name the checks and
their errors, and Pathways (a plugin) cannot require it; these checks use Django alone. A host
includes them at the root of its site, where load balancers expect them::

    path("health/", include("pathways.lms.core.health_urls")),
"""

import logging
import uuid
from collections.abc import Callable

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

from pathways.lms.core.middleware import resolved

logger = logging.getLogger("pathways.health")

#: The task backends these checks know how to reach, by class (a subclass counts too).
DATABASE_TASK_BACKEND = "django_tasks_db.backend.DatabaseBackend"
RQ_TASK_BACKEND = "django_tasks_rq.backend.RQBackend"
STORAGE_FOLDER = "pathways-health"


class CheckFailed(Exception):
    """A dependency answered, but not as it should."""


def check_database() -> None:
    """The default database answers ``SELECT 1``."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("SELECT 1 did not answer 1")


def check_cache() -> None:
    """The default cache, where the rate limits count, stores a value and gives it back."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, DummyCache):  # a site that chose to cache nothing
        return
    key = f"pathways:health:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=30)
        if cache.get(key) != value:
            raise CheckFailed("the cache did not give back what was stored")
    finally:
        cache.delete(key)


def check_storage() -> None:
    """The default storage (certificate PDFs, uploads, exports) writes, reads and deletes."""
    content = uuid.uuid4().hex.encode()
    name = default_storage.save(f"{STORAGE_FOLDER}/{uuid.uuid4().hex}.txt", ContentFile(content))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != content:
                raise CheckFailed("the storage did not give back what was written")
    finally:
        default_storage.delete(name)


def _is_a(backend, dotted_path: str) -> bool:
    """Whether the backend is of that class or a subclass, without importing the class (RQ's
    packages are optional, and importing them where they are not set up fails)."""
    return any(f"{cls.__module__}.{cls.__qualname__}" == dotted_path for cls in type(backend).mro())


def check_task_backend() -> None:
    """Background work can be queued: the database backend's table answers a query, or each of
    the RQ backend's queues answers a ping. The immediate and dummy backends need nothing."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if _is_a(backend, DATABASE_TASK_BACKEND):
        from django_tasks_db.models import DBTaskResult  # only installed with that backend

        DBTaskResult.objects.exists()
    elif _is_a(backend, RQ_TASK_BACKEND):
        import django_rq  # the rq extra, only with that backend

        for queue in sorted(backend.queues):
            if not django_rq.get_connection(queue).ping():
                raise CheckFailed("a queue's Redis did not answer the ping")


#: What readiness checks, in order.
READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "tasks": check_task_backend,
}


def failed_checks() -> list[str]:
    """The names of the readiness checks that fail now, each logged with its reason."""
    failed = []
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as error:  # whatever stops a dependency, the probe says "unavailable"
            logger.warning("Readiness check %r failed: %s: %s", name, type(error).__name__, error)
            failed.append(name)
    return failed


def _answer(ok: bool) -> JsonResponse:
    response = JsonResponse({"status": "ok" if ok else "unavailable"}, status=200 if ok else 503)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


@require_safe
@transaction.non_atomic_requests
def live(request: HttpRequest) -> JsonResponse:
    """The process answers; nothing else is touched."""
    return _answer(True)


@require_safe
@transaction.non_atomic_requests
def ready(request: HttpRequest) -> JsonResponse:
    """Every dependency answers (see the module); 503 with no detail if one does not."""
    return _answer(not failed_checks())


HEALTH_VIEWS = (live, ready)


def is_health_check(request: HttpRequest) -> bool:
    """Whether this request is for one of these probes, wherever the site mounted them: the
    session and safety middleware leave probes alone."""
    match = resolved(request)
    return match is not None and match.func in HEALTH_VIEWS
