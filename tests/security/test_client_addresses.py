"""One answer to "who is asking?" for every per-client limit: certificate lookups, the API's
anonymous budget and sign-in pauses. Behind a trusted proxy, clients are told apart by the
address the proxy saw; without one, a forged X-Forwarded-For changes nothing."""

from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

import pytest
from rest_framework.test import APIClient

from pathways.certificates.credentials import ratelimit
from pathways.certificates.issuance.codes import new_verification_code
from pathways.lms.security import addresses
from tests.factories.accounts import ParticipantFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # every request reaches the site from the proxy
ALICE, BOB = "198.51.100.1", "198.51.100.2"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_one_proxy(settings):
    settings.PATHWAYS_TRUSTED_PROXY_COUNT = 1
    return settings


def _from(client_class, forwarded: str | None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_class(**extra)


def _request(forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# The function ---------------------------------------------------------------------------------


def test_without_a_trusted_proxy_the_connection_address_counts(settings):
    settings.PATHWAYS_TRUSTED_PROXY_COUNT = 0
    assert addresses.client_address(_request(forwarded=ALICE)) == PROXY


def test_behind_a_proxy_the_address_it_saw_counts(behind_one_proxy):
    assert addresses.client_address(_request(forwarded=ALICE)) == ALICE
    # The client may write anything to the left; the proxy's own entry is the last one.
    assert addresses.client_address(_request(forwarded=f"{BOB}, {ALICE}")) == ALICE


def test_two_proxies_count_from_the_right(settings):
    settings.PATHWAYS_TRUSTED_PROXY_COUNT = 2
    assert addresses.client_address(_request(forwarded=f"6.6.6.6, {ALICE}, 10.0.0.9")) == ALICE


def test_ipv6_clients_are_stored_as_their_network(behind_one_proxy):
    request = _request(forwarded="2001:db8:1:2::77")
    assert addresses.client_address(request) == "2001:db8:1:2::/64"
    assert addresses.client_address_for_storage(request) == "2001:db8:1:2::"
    assert addresses.client_address_for_storage(_request(remote="not an address")) is None


def test_every_limit_uses_the_one_function(settings):
    from pathways.api import throttling

    assert ratelimit.client_address is addresses.client_address
    assert throttling.client_address is addresses.client_address
    assert (
        settings.AXES_CLIENT_IP_CALLABLE
        == "pathways.lms.security.addresses.client_address_for_storage"
    )


# Certificate lookups --------------------------------------------------------------------------


def _lookup(client) -> int:
    return client.get(reverse("verify:code", args=[new_verification_code()])).status_code


def test_lookups_of_two_clients_behind_the_proxy_are_counted_apart(behind_one_proxy):
    behind_one_proxy.PATHWAYS_VERIFY_RATE = "2/600"
    alice, bob = _from(Client, ALICE), _from(Client, BOB)
    assert [_lookup(alice) for _ in range(3)] == [404, 404, 429]
    assert _lookup(bob) == 404


def test_a_forged_header_without_a_trusted_proxy_does_not_split_the_lookup_budget(settings):
    settings.PATHWAYS_TRUSTED_PROXY_COUNT = 0
    settings.PATHWAYS_VERIFY_RATE = "2/600"
    assert _lookup(_from(Client, ALICE)) == 404
    assert _lookup(_from(Client, BOB)) == 404
    assert _lookup(_from(Client, "203.0.113.3")) == 429


# The API's anonymous budget -------------------------------------------------------------------


@pytest.fixture
def low_anonymous_rate(settings):
    settings.PATHWAYS_API_THROTTLE_RATES = {"user": None, "anon": "2/minute", "employer_key": None}


def _anonymous_call(client) -> int:
    return client.post(reverse("api:auth-token"), {}, format="json").status_code


def test_anonymous_api_calls_behind_the_proxy_are_counted_apart(
    behind_one_proxy, low_anonymous_rate
):
    alice, bob = _from(APIClient, ALICE), _from(APIClient, BOB)
    assert [_anonymous_call(alice) for _ in range(3)] == [400, 400, 429]
    assert _anonymous_call(bob) == 400


def test_a_forged_header_without_a_trusted_proxy_does_not_split_the_api_budget(
    settings, low_anonymous_rate
):
    settings.PATHWAYS_TRUSTED_PROXY_COUNT = 0
    assert _anonymous_call(_from(APIClient, ALICE)) == 400
    assert _anonymous_call(_from(APIClient, BOB)) == 400
    assert _anonymous_call(_from(APIClient, "203.0.113.3")) == 429


# Sign-in pauses -------------------------------------------------------------------------------


def _wrong_passwords(client, count: int) -> None:
    for number in range(count):
        client.post(reverse("accounts:login"), {"username": f"guess{number}", "password": "wrong"})


def _signs_in(client, password) -> int:
    return client.post(
        reverse("accounts:login"), {"username": "rosa", "password": password}
    ).status_code


def test_sign_in_pauses_behind_the_proxy_are_per_client(behind_one_proxy, password):
    behind_one_proxy.PATHWAYS_SIGN_IN_ADDRESS_FAILURES = 5
    ParticipantFactory(username="rosa")
    _wrong_passwords(_from(Client, ALICE), 5)
    assert _signs_in(_from(Client, ALICE), password) == 429
    assert _signs_in(_from(Client, BOB), password) == 302


def test_a_forged_header_without_a_trusted_proxy_does_not_escape_a_sign_in_pause(
    settings, password
):
    settings.PATHWAYS_TRUSTED_PROXY_COUNT = 0
    settings.PATHWAYS_SIGN_IN_ADDRESS_FAILURES = 5
    ParticipantFactory(username="rosa")
    for number in range(5):
        _wrong_passwords(_from(Client, f"203.0.113.{number}"), 1)
    assert _signs_in(_from(Client, BOB), password) == 429
