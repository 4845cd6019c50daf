"""Two web processes, one Redis: a limit holds across them.

Two separate gunicorns of one worker each, with the production settings, share the test database
and a Redis database of their own. Requests alternate between them; the refusal comes after the
limit's number of requests in all, not after that many on each process.
"""

import json
import uuid

import pytest

from pathways.certificates.issuance.codes import new_verification_code
from tests.production.support import (
    database_url,
    empty_redis_database,
    post_json,
    production_env,
    serve_apart,
)

# The test database must exist (migrated) for the web processes to share it, and no transaction
# of this process may hold it (SQLite's copy waits for one to end).
pytestmark = pytest.mark.django_db(transaction=True)

LOOKUPS = 4  # certificate lookups per client (PATHWAYS_VERIFY_RATE)
API_REQUESTS = 6  # API requests per anonymous client (PATHWAYS_API_RATE_ANON)


@pytest.fixture
def two_web_processes(django_db_setup, django_db_blocker, tmp_path):
    with empty_redis_database() as redis_url:
        env = production_env(
            DATABASE_URL=database_url(django_db_blocker, tmp_path),
            CACHE_URL=redis_url,
            PATHWAYS_VERIFY_RATE=f"{LOOKUPS}/86400",
            PATHWAYS_API_RATE_ANON=f"{API_REQUESTS}/day",
            # Clients are told apart by the address a (pretend) proxy puts in X-Forwarded-For.
            PATHWAYS_TRUSTED_PROXY_COUNT="1",
            TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        )
        with serve_apart(env, ready_path="/health/live/") as servers:
            yield servers


def client_address() -> dict:
    """A client of its own (documentation addresses, 198.51.100.0/24)."""
    return {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}


def error_code(response) -> str:
    return json.loads(response.body)["error"]["code"]


def test_the_certificate_lookup_limit_holds_across_two_web_processes(two_web_processes):
    first, second = two_web_processes
    client = client_address()
    answers = []
    for turn in range(LOOKUPS + 2):
        server = (first, second)[turn % 2]
        answers.append(server.get(f"/api/v1/verify/{new_verification_code()}/", client))
    # Each process alone would allow LOOKUPS; together they allow LOOKUPS in all.
    assert [answer.status for answer in answers] == [404] * LOOKUPS + [429, 429]
    assert {error_code(answer) for answer in answers[LOOKUPS:]} == {"throttled"}
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in answers[LOOKUPS:])
    # Another client still has its whole budget, on either process.
    assert second.get(f"/api/v1/verify/{new_verification_code()}/", client_address()).status == 404


def test_the_api_request_budget_holds_across_two_web_processes(two_web_processes):
    first, second = two_web_processes
    client = client_address()
    answers = [
        post_json((first, second)[turn % 2], "/api/v1/auth/token/", {}, client)
        for turn in range(API_REQUESTS + 2)
    ]
    assert [answer.status for answer in answers] == [400] * API_REQUESTS + [429, 429]
    assert {error_code(answer) for answer in answers[API_REQUESTS:]} == {"throttled"}


def test_both_processes_are_ready(two_web_processes):
    for server in two_web_processes:
        answer = server.get("/health/ready/")
        assert (answer.status, json.loads(answer.body)) == (200, {"status": "ok"})
