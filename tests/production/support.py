"""Running the production profile from tests: its settings, its static files, gunicorn.

Import what a test needs; there is one conftest (tests/conftest.py), so fixtures built on these
live in the test modules. Everything runs on 127.0.0.1 and cleans up after itself.

- ``production_env(**overrides)``: the environment ``make serve`` gives the production settings
  (a random secret, plain http on 127.0.0.1, nothing inherited from the machine's own settings).
- ``production_settings(*names, **env)``: the values of those production settings, read in a
  fresh Python process (the test process runs the test settings).
- ``collected_static()``: ``collectstatic`` with the production settings, once per test run.
- ``database_url(django_db_blocker, folder)``: an address other processes can reach the test
  database at (PostgreSQL's own; for SQLite's in-memory one, a copy in ``folder``).
- ``serve(env, workers=2)``: gunicorn with deploy/gunicorn.conf.py on a free port, stopped (with
  its workers) on leaving the block; gives a ``Server`` with ``get(path)``.
- ``serve_apart(env, count=2)``: that many gunicorns of one worker each, to address one by one;
  ``post_json(server, path, body)``; ``empty_redis_database()``: the URL of a Redis database of
  the machine's own Redis kept for these tests, emptied before and after.

The object-storage fixtures are in tests/production/s3_support.py.
"""

import atexit
import functools
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import string
import subprocess  # noqa: S404
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
PRODUCTION_SETTINGS = "demo_site.settings.production"
# What the child processes keep from this one: nothing that configures the site.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")


def random_secret(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def production_env(**overrides: str) -> dict[str, str]:
    """The production settings' environment as ``make serve`` sets it, with ``overrides``."""
    env = {name: os.environ[name] for name in _INHERITED if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION_SETTINGS,
        SECRET_KEY=random_secret(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PATHWAYS_SERVE_HTTP="1",
        PATHWAYS_TRUSTED_PROXY_COUNT="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


def production_settings(*names: str, **env: str) -> dict:
    """The named production settings (as JSON would give them) for ``production_env(**env)``."""
    script = (
        "import json, sys; from django.conf import settings; "
        "json.dump({name: getattr(settings, name) for name in sys.argv[1:]}, sys.stdout, "
        "default=str)"
    )
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, *names],
        env=production_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(f"The production settings did not load:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout)


def _remove_later(path: Path) -> Path:
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@functools.cache
def collected_static() -> Path:
    """A STATIC_ROOT filled by ``manage.py collectstatic`` with the production settings.

    Once per test run (it takes several seconds), removed when the run ends. Without Brotli:
    the brotli package is in the development environment only (a load-testing tool brings it),
    and compressing with it takes half a minute; gzip goes through the same storage code.
    """
    root = _remove_later(Path(tempfile.mkdtemp(prefix="pathways-static-")))
    script = (
        "import sys; sys.modules['brotli'] = None; "
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'collectstatic', '--no-input', '-v', '0'])"
    )
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=production_env(STATIC_ROOT=str(root)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(f"collectstatic failed:\n{completed.stderr[-3000:]}")
    return root


def database_url(django_db_blocker, folder: Path) -> str:
    """DATABASE_URL for another process to use the test database (committed rows only)."""
    from django.db import connection

    with django_db_blocker.unblock():
        connection.ensure_connection()
        settings = connection.settings_dict
        test_database = (
            connection.is_in_memory_db()
            if connection.vendor == "sqlite"
            else str(settings["NAME"]).startswith("test_")
        )
        if not test_database:  # never hand the real database to a server under test
            raise RuntimeError("No test database: mark the tests with pytest.mark.django_db")
        if connection.vendor == "postgresql":
            credentials = quote(settings["USER"] or "", safe="")
            if settings["PASSWORD"]:
                credentials += ":" + quote(settings["PASSWORD"], safe="")
            host = settings["HOST"] or "127.0.0.1"
            port = settings["PORT"] or 5432
            return f"postgres://{credentials}@{host}:{port}/{quote(settings['NAME'], safe='')}"
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"No copy of a {connection.vendor} test database")
        # pytest-django's SQLite test database lives in this process's memory: copy it.
        path = folder / "database.sqlite3"
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return f"sqlite:///{path}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Server:
    """A running gunicorn: ``process`` is its master, ``log`` what it wrote so far."""

    base_url: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def get(self, path: str, headers: dict | None = None, timeout: float = 30) -> Response:
        """One GET on a fresh connection; redirects are returned, not followed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _stop(process: subprocess.Popen, grace: float = 20) -> None:
    """Stops gunicorn's master and its workers: the process group ``serve`` started. The master
    stops its workers itself; the whole group is killed only if it does not within ``grace``."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)


@contextmanager
def serve(
    env: dict[str, str],
    workers: int = 2,
    ready_path: str = "/admin/login/",
    start_timeout: float = 120,
) -> Iterator[Server]:
    """gunicorn with the repository's config and ``env``, on a free port of 127.0.0.1.

    Yields once ``ready_path`` answers (any status below 500). Leaving the block stops gunicorn
    and its workers, even if the test failed.
    """
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="pathways-gunicorn-"))
    log_path = log_dir / "gunicorn.log"
    env = {
        **env,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_GRACEFUL_TIMEOUT": env.get("GUNICORN_GRACEFUL_TIMEOUT", "5"),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [str(GUNICORN), "--config", str(GUNICORN_CONFIG)],
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that _stop ends the workers too
        )
    server = Server(f"http://127.0.0.1:{port}", port, process, log_path)
    try:
        _wait_until_ready(server, ready_path, start_timeout)
        yield server
    finally:
        _stop(process)
        shutil.rmtree(log_dir, ignore_errors=True)


def _wait_until_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    problem = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.process.returncode}):\n{server.log}")
        try:
            response = server.get(path, timeout=10)
        except OSError as error:
            problem = repr(error)
        else:
            if response.status < 500:
                return
            problem = f"{path} answered {response.status}"
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn was not ready within {timeout} s ({problem}):\n{server.log}")


# Several web processes sharing one Redis (tests/production/test_shared_limits.py) --------------

#: The machine's own Redis, and the database index the shared-limit tests may empty.
SHARED_REDIS = "redis://127.0.0.1:6379"
SHARED_LIMITS_REDIS_DB = 11


@contextmanager
def empty_redis_database(index: int = SHARED_LIMITS_REDIS_DB) -> Iterator[str]:
    """The URL of Redis database ``index`` on 127.0.0.1:6379, emptied before and after; the test
    is skipped when no Redis answers there."""
    import pytest
    import redis

    url = f"{SHARED_REDIS}/{index}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as error:
        pytest.skip(f"No Redis at {SHARED_REDIS} ({type(error).__name__})")
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@contextmanager
def serve_apart(env: dict[str, str], count: int = 2, **options) -> Iterator[list[Server]]:
    """``count`` separate gunicorns of one worker each: web processes that share nothing but
    what ``env`` points them at, and that a test can address one by one."""
    with ExitStack() as stack:
        yield [stack.enter_context(serve(env, workers=1, **options)) for _ in range(count)]


def post_json(server: Server, path: str, body: dict, headers: dict | None = None) -> Response:
    """One JSON POST on a fresh connection."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(
            "POST",
            path,
            body=json.dumps(body).encode(),
            headers={"Host": "127.0.0.1", "Content-Type": "application/json", **(headers or {})},
        )
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()
