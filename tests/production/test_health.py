"""The health probes: liveness touches nothing, readiness checks the database, the cache, the
storage and the task backend, and neither ever says more than up or down."""

import json
import logging
import socket
from datetime import timedelta

from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from pathways.lms.accounts.models import Profile

pytestmark = pytest.mark.django_db

LIVE = "health:live"
READY = "health:ready"
OK = {"status": "ok"}
UNAVAILABLE = {"status": "unavailable"}


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dead_redis_url() -> str:
    return f"redis://127.0.0.1:{closed_port()}/9"


def probe(name: str, client: Client | None = None, **headers):
    return (client or Client()).get(reverse(name), **headers)


def assert_answer(response, status: int, body: dict) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == body  # nothing else: no check names, no errors
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


@pytest.fixture
def dead_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead_redis_url(),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def broken_database(monkeypatch):
    """Every query fails as it would with the database server gone."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" (10.1.2.3), port 5432 failed')

    monkeypatch.setattr(connection, "cursor", refuse)


def test_the_probes_answer_ok_when_everything_is_up():
    assert_answer(probe(LIVE), 200, OK)
    assert_answer(probe(READY), 200, OK)


def test_the_probes_live_at_health_on_the_standalone_site():
    assert reverse(LIVE) == "/health/live/"
    assert reverse(READY) == "/health/ready/"


def test_readiness_checks_the_database_task_backend_when_it_is_the_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    assert_answer(probe(READY), 200, OK)


def test_a_dead_cache_makes_readiness_unavailable_and_liveness_still_ok(dead_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="pathways.health"):
        response = probe(READY)
    assert_answer(response, 503, UNAVAILABLE)
    assert "'cache'" in caplog.text  # the operator's log says which check failed
    assert_answer(probe(LIVE), 200, OK)


def test_a_fail_open_cache_that_cannot_store_is_unavailable_too(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "pathways.lms.core.shared_cache.FailOpenRedisCache",
            "LOCATION": dead_redis_url(),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    assert_answer(probe(READY), 503, UNAVAILABLE)


def test_a_failing_storage_makes_readiness_unavailable(monkeypatch, caplog):
    def refuse(self, name, content, max_length=None):
        raise PermissionError("[Errno 13] Permission denied: '/srv/pathways/media/secret-path'")

    monkeypatch.setattr(FileSystemStorage, "save", refuse)
    with caplog.at_level(logging.WARNING, logger="pathways.health"):
        response = probe(READY)
    assert_answer(response, 503, UNAVAILABLE)
    assert b"secret-path" not in response.content
    assert "'storage'" in caplog.text


def test_the_storage_check_leaves_no_file_behind(settings):
    assert_answer(probe(READY), 200, OK)
    folder = settings.MEDIA_ROOT / "pathways-health"
    assert not folder.exists() or not any(folder.iterdir())


def test_a_dead_database_makes_readiness_unavailable_but_not_liveness(broken_database):
    response = probe(READY)
    assert_answer(response, 503, UNAVAILABLE)
    assert b"db.internal" not in response.content and b"10.1.2.3" not in response.content
    assert_answer(probe(LIVE), 200, OK)


def test_a_dead_task_queue_makes_readiness_unavailable(settings, monkeypatch):
    django_rq_settings = pytest.importorskip("django_rq.settings")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr(
        django_rq_settings, "QUEUES", {"default": {"URL": dead_redis_url(), "SOCKET_TIMEOUT": 1}}
    )
    assert_answer(probe(READY), 503, UNAVAILABLE)


def test_a_reachable_task_queue_is_ready(settings, monkeypatch):
    django_rq_settings = pytest.importorskip("django_rq.settings")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/9", socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr(
        django_rq_settings, "QUEUES", {"default": {"URL": "redis://127.0.0.1:6379/9"}}
    )
    assert_answer(probe(READY), 200, OK)


def test_the_probes_answer_get_and_head_only():
    assert Client().head(reverse(LIVE)).status_code == 200
    assert Client().post(reverse(LIVE)).status_code == 405
    assert Client().post(reverse(READY)).status_code == 405


def test_a_probe_needs_no_sign_in_and_skips_the_safety_page_and_the_session(client, participant):
    """Even from a signed-in participant who has not read the safety page yet (any other page
    sends her there first), the probes answer, and they neither touch nor renew her session: a
    probe is not her doing something."""
    Profile.objects.filter(user=participant).update(safety_notice_seen_at=None)
    client.force_login(participant)
    assert client.get(reverse("courses:dashboard"), HTTP_ACCEPT="text/html").status_code == 302
    session_before = dict(client.session)
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        for name in (LIVE, READY):
            assert_answer(probe(name, client, HTTP_ACCEPT="text/html"), 200, OK)
    assert dict(client.session) == session_before
