"""With the shared cache (Redis) unreachable, the site keeps serving: rate limits let requests
through uncounted and say so in the log, once, without personal data; the limits kept in the
database (wrong passwords) still hold. With the cache up, limits still refuse (the throttling
tests in tests/api and tests/certificates cover that)."""

import logging
import socket
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.certificates.credentials.openbadges import issuer_of
from pathways.certificates.issuance.codes import new_verification_code
from pathways.lms.accounts.models import Profile
from pathways.lms.core import shared_cache
from tests.certificates.openbadges_support import make_certificate

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.77"
REAL_RATES = {"employer_key": "600/minute", "user": "300/minute", "anon": "60/minute"}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_redis(backend: str) -> dict:
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/9",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def warnings_logged(caplog):
    """The cache warnings logged during the test (each at most once a minute per kind)."""
    shared_cache._last_warnings.clear()
    caplog.set_level(logging.WARNING, logger="pathways.cache")
    yield lambda: [r.getMessage() for r in caplog.records if r.name == "pathways.cache"]
    shared_cache._last_warnings.clear()


@pytest.fixture
def redis_down(settings, warnings_logged):
    """Django's own Redis cache, pointing at a port nothing listens on, with every limit on."""
    settings.CACHES = unreachable_redis("django.core.cache.backends.redis.RedisCache")
    settings.PATHWAYS_API_THROTTLE_RATES = REAL_RATES
    settings.PATHWAYS_VERIFY_RATE = "30/600"
    return warnings_logged


@pytest.fixture
def certificate(db, settings):
    settings.PATHWAYS_BASE_URL = "https://learn.example.org"
    return make_certificate(expires_at=timezone.now() + timedelta(days=365))


def assert_nothing_personal(messages: list[str]) -> None:
    for message in messages:
        assert CLIENT_ADDRESS not in message
        assert "pathways:" not in message  # no cache keys (made from hashed addresses)


def test_the_verify_page_and_api_answer_and_a_warning_is_logged_once(
    redis_down, client, api_client, certificate
):
    code = certificate.verification_code
    for _ in range(3):
        assert (
            client.get(reverse("verify:code", args=[code]), REMOTE_ADDR=CLIENT_ADDRESS).status_code
            == 200
        )
        assert (
            client.get(
                reverse("verify:code", args=[new_verification_code()]), REMOTE_ADDR=CLIENT_ADDRESS
            ).status_code
            == 404
        )
        assert (
            api_client.get(
                reverse("api:verify", args=[code]), REMOTE_ADDR=CLIENT_ADDRESS
            ).status_code
            == 200
        )
    warnings = redis_down()
    lookups = [message for message in warnings if "certificate lookups" in message]
    assert len(lookups) == 1  # once a minute, not once a request
    assert "not counted" in lookups[0] and "ConnectionError" in lookups[0]
    assert len([message for message in warnings if "API requests" in message]) == 1
    assert_nothing_personal(warnings)


def test_the_employer_api_lists_what_is_shared(
    redis_down, api_client, employer_key, shared_certificate
):
    response = api_client.get(
        reverse("api:employer-credential-list"),
        HTTP_AUTHORIZATION=f"Bearer {employer_key[1]}",
        REMOTE_ADDR=CLIENT_ADDRESS,
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert any("API requests are not counted" in message for message in redis_down())
    assert_nothing_personal(redis_down())


def test_signing_in_works_and_wrong_passwords_still_pause_it(
    redis_down, client, participant, password
):
    answer = client.post(
        reverse("accounts:login"), {"username": participant.username, "password": password}
    )
    assert answer.status_code == 302
    assert "_auth_user_id" in client.session
    client.logout()
    # The pause after wrong passwords is counted in the database: it holds without the cache.
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": participant.username, "password": "x"})
    answer = client.post(
        reverse("accounts:login"), {"username": participant.username, "password": password}
    )
    assert answer.status_code == 429


def test_an_app_signs_in_through_the_api(redis_down, api_client, participant, password):
    response = api_client.post(
        reverse("api:auth-token"),
        {"username": participant.username, "password": password},
        format="json",
    )
    assert response.status_code in (200, 201)
    assert response.json()["token"]


def test_a_status_list_is_signed_without_the_cache(redis_down, client, certificate):
    response = client.get(
        reverse("credentials:status_list", args=[issuer_of(certificate).public_id])
    )
    assert response.status_code == 200
    assert any("status lists" in message for message in redis_down())


def test_with_the_fail_open_cache_every_page_is_served(
    settings, warnings_logged, client, participant, enrolled, first_lesson
):
    """Wagtail works out page addresses through the cache: the standalone site's Redis cache
    (``FailOpenRedisCache``) turns an outage into misses, so lessons and the dashboard work."""
    settings.CACHES = unreachable_redis("pathways.lms.core.shared_cache.FailOpenRedisCache")
    Profile.objects.filter(user=participant).update(safety_notice_seen_at=timezone.now())
    client.force_login(participant)
    for url in (reverse("courses:dashboard"), enrolled.course.url, first_lesson.url):
        assert client.get(url, follow=True).status_code == 200, url
    assert any("worked out again" in message for message in warnings_logged())
