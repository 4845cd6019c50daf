"""gunicorn's settings for Pathways' web processes: ``gunicorn -c deploy/gunicorn.conf.py``.

Everything that differs between machines comes from the environment (``make serve`` sets some):

- ``BIND``: where to listen; ``127.0.0.1:8000`` unless set. Keep the web processes behind a
  reverse proxy on the same machine or a private network; the proxy does TLS.
- ``WEB_CONCURRENCY``: how many web processes (workers). Unless set, two per CPU core plus one,
  at most 12: each worker holds its own copy of the site (about 160 MB) and, in the production
  settings, its own database connection.
- ``GUNICORN_THREADS``: threads per worker (1). Above 1 the workers are threaded (``gthread``);
  give each worker as many database connections (``DATABASE_POOL_MAX_SIZE``, see
  ``demo_site/database_settings.py``).
- ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is restarted (30).
- ``GUNICORN_MAX_REQUESTS``: restart each worker after about this many requests (0: never).
- ``FORWARDED_ALLOW_IPS``: the addresses of proxies gunicorn believes about the scheme
  (``X-Forwarded-Proto``); unset, this machine only. Pathways itself tells clients apart with
  ``PATHWAYS_TRUSTED_PROXY_COUNT`` (demo_site/settings/production.py).
- ``GUNICORN_LOG_LEVEL``: gunicorn's own messages (info), on standard error. There is no access
  log here: Pathways writes one structured line per request itself, without personal data.
- ``GUNICORN_CONTROL_SOCKET``: a path for ``gunicornc``'s control socket; unset, there is none,
  so several servers on one machine do not fight over the default path.
"""

import os
from pathlib import Path


def _whole_number(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {number}")
    return number


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers too)
    except AttributeError:
        return os.cpu_count() or 1


MAX_DEFAULT_WORKERS = 12

wsgi_app = "demo_site.wsgi:application"
chdir = str(Path(__file__).resolve().parent.parent)  # the repository: demo_site is importable
proc_name = "pathways"

bind = [address.strip() for address in os.environ.get("BIND", "127.0.0.1:8000").split(",")]
workers = _whole_number("WEB_CONCURRENCY", min(2 * _cores() + 1, MAX_DEFAULT_WORKERS), minimum=1)
threads = _whole_number("GUNICORN_THREADS", 1, minimum=1)
worker_class = "gthread" if threads > 1 else "sync"

timeout = _whole_number("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = _whole_number("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = _whole_number("GUNICORN_KEEPALIVE", 5)
max_requests = _whole_number("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# Only from the environment: never "*", which would let any client claim HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The workers' heartbeat files in memory, not on a disk that may stall (gunicorn's advice).
worker_tmp_dir = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # noqa: S108

control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip() or None
control_socket_disable = control_socket is None
