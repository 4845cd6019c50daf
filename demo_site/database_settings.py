"""Database connections for the production profile (demo_site/settings/production.py).

Without this every request opens a new PostgreSQL connection (Django's ``CONN_MAX_AGE=0``). Each
web process (gunicorn worker) and each task worker instead keeps its connection open between
requests (``DATABASE_CONN_MAX_AGE`` seconds, 60 unless set), checked before reuse so that a
connection PostgreSQL dropped is replaced by itself. That is one connection per process: with
gunicorn's sync workers a process serves one request at a time.

``DATABASE_POOL_MAX_SIZE`` turns on psycopg's connection pool instead (Django closes nothing; each
process borrows from its own pool of up to that many connections). It suits threaded workers
(``GUNICORN_THREADS`` above 1): size it to the threads. ``DATABASE_POOL_MIN_SIZE`` connections
(1) stay open; a request waits up to ``DATABASE_POOL_TIMEOUT`` seconds (10) for a free one.

Either way PostgreSQL must allow, across every machine: web processes x connections each + task
workers + the scheduler + a few for ``manage.py`` commands. SQLite is left as it is.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

POSTGRESQL = "django.db.backends.postgresql"
DEFAULT_CONN_MAX_AGE = 60


def _whole_number(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def production_database(database: dict, env: Mapping[str, str]) -> dict:
    """``database`` (one entry of ``DATABASES``) with persistent or pooled connections.

    Returns a new dict; ``database`` is left unchanged. Reads only ``env``.
    """
    if database.get("ENGINE") != POSTGRESQL:
        return database
    database = {**database, "OPTIONS": dict(database.get("OPTIONS") or {})}
    database["CONN_HEALTH_CHECKS"] = True
    pool_size = _whole_number(env, "DATABASE_POOL_MAX_SIZE", 0)
    if not pool_size:
        database["CONN_MAX_AGE"] = _whole_number(env, "DATABASE_CONN_MAX_AGE", DEFAULT_CONN_MAX_AGE)
        database["OPTIONS"].pop("pool", None)
        return database
    if _whole_number(env, "DATABASE_CONN_MAX_AGE", 0):
        raise ImproperlyConfigured(
            "Set DATABASE_POOL_MAX_SIZE (a connection pool) or DATABASE_CONN_MAX_AGE (persistent "
            "connections), not both."
        )
    database["CONN_MAX_AGE"] = 0
    database["OPTIONS"]["pool"] = {
        "min_size": min(_whole_number(env, "DATABASE_POOL_MIN_SIZE", 1), pool_size),
        "max_size": pool_size,
        "timeout": _whole_number(env, "DATABASE_POOL_TIMEOUT", 10, minimum=1),
    }
    return database
