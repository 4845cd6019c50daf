"""The production profile's settings: database connections, static files, the password hasher,
plain http for ``make serve`` only, and gunicorn's configuration."""

import re
import runpy
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.utils import ConnectionHandler

import pytest

from demo_site.database_settings import production_database
from tests.production.support import ROOT, production_settings

POSTGRES = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": "pathways",
    "HOST": "127.0.0.1",
    "PORT": 5432,
    "USER": "pathways",
    "PASSWORD": "",
    "CONN_MAX_AGE": 0,
    "CONN_HEALTH_CHECKS": False,
    "OPTIONS": {"sslmode": "prefer"},
}
SQLITE = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": "db.sqlite3",
    "CONN_MAX_AGE": 0,
    "OPTIONS": {"timeout": 20},
}
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"
MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


# Database connections ------------------------------------------------------------------------


def test_postgresql_keeps_each_process_connection_open_and_checks_it_before_reuse():
    database = production_database(POSTGRES, {})
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in database["OPTIONS"]
    assert database["OPTIONS"]["sslmode"] == "prefer"
    assert POSTGRES["CONN_MAX_AGE"] == 0 and POSTGRES["OPTIONS"] == {"sslmode": "prefer"}


def test_how_long_a_connection_is_kept_comes_from_the_environment():
    assert production_database(POSTGRES, {"DATABASE_CONN_MAX_AGE": "300"})["CONN_MAX_AGE"] == 300
    # 0 is allowed: a new connection for every request, as Django does by default.
    assert production_database(POSTGRES, {"DATABASE_CONN_MAX_AGE": "0"})["CONN_MAX_AGE"] == 0


def test_a_pool_size_switches_to_psycopgs_pool_sized_from_the_environment():
    database = production_database(POSTGRES, {"DATABASE_POOL_MAX_SIZE": "4"})
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10}
    assert database["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool
    assert database["CONN_HEALTH_CHECKS"] is True  # so the pool checks connections it lends

    sized = production_database(
        POSTGRES,
        {
            "DATABASE_POOL_MAX_SIZE": "8",
            "DATABASE_POOL_MIN_SIZE": "2",
            "DATABASE_POOL_TIMEOUT": "3",
        },
    )
    assert sized["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 3}
    # Never more kept open than the pool may hold.
    small = production_database(
        POSTGRES, {"DATABASE_POOL_MAX_SIZE": "2", "DATABASE_POOL_MIN_SIZE": "5"}
    )
    assert small["OPTIONS"]["pool"]["min_size"] == 2


@pytest.mark.parametrize(
    "env",
    [
        {"DATABASE_POOL_MAX_SIZE": "4", "DATABASE_CONN_MAX_AGE": "60"},
        {"DATABASE_POOL_MAX_SIZE": "four"},
        {"DATABASE_POOL_MAX_SIZE": "-1"},
        {"DATABASE_CONN_MAX_AGE": "a minute"},
        {"DATABASE_POOL_MAX_SIZE": "4", "DATABASE_POOL_TIMEOUT": "0"},
    ],
)
def test_contradictory_or_malformed_connection_settings_are_refused(env):
    with pytest.raises(ImproperlyConfigured):
        production_database(POSTGRES, env)


def test_sqlite_is_left_as_it_is():
    assert production_database(SQLITE, {"DATABASE_POOL_MAX_SIZE": "4"}) == SQLITE
    assert production_database(SQLITE, {}) == SQLITE


@pytest.mark.django_db
def test_django_connects_through_the_pool_the_settings_describe():
    if connection.vendor != "postgresql":
        pytest.skip("The connection pool is PostgreSQL's (the tests run on SQLite)")
    pooled = production_database(
        {**connection.settings_dict, "CONN_MAX_AGE": 0, "OPTIONS": {}},
        {"DATABASE_POOL_MAX_SIZE": "2"},
    )
    handler = ConnectionHandler({"default": pooled})
    pooled_connection = handler["default"]
    try:
        with pooled_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        assert pooled_connection.pool is not None
        assert pooled_connection.pool.max_size == 2
    finally:
        pooled_connection.close()
        pooled_connection.close_pool()


# The settings module --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def production():
    """The production settings as ``make serve`` loads them, against PostgreSQL (the address is
    only read, never connected to)."""
    return production_settings(
        "MIDDLEWARE",
        "STORAGES",
        "WHITENOISE_SKIP_COMPRESS_EXTENSIONS",
        "PASSWORD_HASHERS",
        "DATABASES",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        DATABASE_URL="postgres://pathways@127.0.0.1:5432/pathways",
    )


def test_whitenoise_serves_hashed_compressed_static_files_right_after_the_security_middleware(
    production,
):
    middleware = production["MIDDLEWARE"]
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1] == WHITENOISE
    assert middleware.count(WHITENOISE) == 1
    assert production["STORAGES"]["staticfiles"]["BACKEND"] == MANIFEST
    assert "map" in production["WHITENOISE_SKIP_COMPRESS_EXTENSIONS"]
    assert production["DEBUG"] is False


def test_production_hashes_passwords_with_the_tuned_argon2_first(production):
    assert production["PASSWORD_HASHERS"][0] == "demo_site.hashers.PathwaysArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production["PASSWORD_HASHERS"]


def test_production_keeps_postgresql_connections_open(production):
    database = production["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 60 and database["CONN_HEALTH_CHECKS"] is True


def test_plain_http_only_when_make_serve_asks_for_it_on_this_machine(production):
    # make serve (PATHWAYS_SERVE_HTTP=1, 127.0.0.1 and localhost).
    assert production["SECURE_SSL_REDIRECT"] is False
    assert production["SESSION_COOKIE_SECURE"] is False
    assert production["CSRF_COOKIE_SECURE"] is False
    assert production["SECURE_HSTS_SECONDS"] == 0
    # A real deployment: HTTPS everywhere, whatever else is set.
    real = production_settings(
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        ALLOWED_HOSTS="learning.example.org",
        PATHWAYS_SERVE_HTTP="",
    )
    assert real == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
    }


def test_plain_http_is_refused_for_a_public_host_name():
    with pytest.raises(RuntimeError, match="PATHWAYS_SERVE_HTTP is for `make serve`"):
        production_settings("DEBUG", ALLOWED_HOSTS="127.0.0.1,learning.example.org")


def test_make_serves_secret_passes_the_production_checks_and_says_it_is_local_only():
    makefile = (ROOT / "Makefile").read_text()
    secret = re.search(r"^SERVE_SECRET \?= (\S+)$", makefile, re.MULTILINE).group(1)
    assert "serve-only" in secret and "never-deploy" in secret
    assert production_settings("SECRET_KEY", SECRET_KEY=secret) == {"SECRET_KEY": secret}


# gunicorn -------------------------------------------------------------------------------------


def gunicorn_config(monkeypatch, cores: int = 2, **env: str) -> dict:
    """deploy/gunicorn.conf.py's settings for ``env`` on a machine with ``cores`` cores."""
    for name in (
        "BIND",
        "WEB_CONCURRENCY",
        "GUNICORN_THREADS",
        "FORWARDED_ALLOW_IPS",
        "GUNICORN_CONTROL_SOCKET",
        "GUNICORN_MAX_REQUESTS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(cores)))
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_listens_on_this_machine_with_two_workers_a_core_plus_one(monkeypatch):
    config = gunicorn_config(monkeypatch)
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == 5
    assert config["worker_class"] == "sync"
    assert config["wsgi_app"] == "demo_site.wsgi:application"
    assert Path(config["chdir"]) == ROOT
    assert config["timeout"] == 30 and config["graceful_timeout"] == 30
    # Pathways logs each request itself (structured, without personal data): no access log.
    assert config["accesslog"] is None
    # gunicorn's own default: believe only a proxy on this machine about the scheme.
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert config["control_socket_disable"] is True


def test_gunicorn_takes_its_workers_address_and_proxies_from_the_environment(monkeypatch):
    config = gunicorn_config(
        monkeypatch,
        BIND="10.0.0.5:8080",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="4",
        FORWARDED_ALLOW_IPS="10.0.0.1",
    )
    assert config["bind"] == ["10.0.0.5:8080"]
    assert config["workers"] == 3
    assert config["threads"] == 4 and config["worker_class"] == "gthread"
    assert config["forwarded_allow_ips"] == "10.0.0.1"


def test_gunicorns_default_worker_count_is_capped_on_a_big_machine(monkeypatch):
    assert gunicorn_config(monkeypatch, cores=1)["workers"] == 3
    assert gunicorn_config(monkeypatch, cores=64)["workers"] == 12


@pytest.mark.parametrize("env", [{"WEB_CONCURRENCY": "0"}, {"WEB_CONCURRENCY": "many"}])
def test_gunicorn_refuses_a_meaningless_worker_count(monkeypatch, env):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        gunicorn_config(monkeypatch, **env)
