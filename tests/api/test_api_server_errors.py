"""Every error of the API is in its JSON format, 500s included, wherever they are raised, and
says nothing about what went wrong; the site's HTML pages keep their own error pages."""

import json
import logging

from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

import pytest

from pathways.certificates.issuance.codes import new_verification_code

pytestmark = pytest.mark.django_db

SECRET_DETAIL = 'relation "sharing_release" does not exist at db.internal'


def failing(*args, **kwargs):
    raise DatabaseError(SECRET_DETAIL)


def quiet_client() -> Client:
    """A client that returns the 500 answer instead of raising the exception behind it."""
    return Client(raise_request_exception=False)


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert set(body["error"]) == {"status", "code", "message"}
    return body["error"]


def assert_says_nothing_about_it(response) -> None:
    text = response.content.decode()
    for detail in ("sharing_release", "db.internal", "Traceback", "DatabaseError", "File "):
        assert detail not in text


def test_an_exception_in_an_employer_api_view_answers_a_json_500(employer_key, monkeypatch, caplog):
    monkeypatch.setattr("pathways.api.employer_views.shared_credentials", failing)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = quiet_client().get(
            reverse("api:employer-credential-list"),
            HTTP_AUTHORIZATION=f"Bearer {employer_key[1]}",
        )
    assert_json_error(response, 500, "server_error")
    assert_says_nothing_about_it(response)
    assert "no-store" in response["Cache-Control"]
    # The operator still gets the traceback, once, as for any page.
    errors = [record for record in caplog.records if record.name == "django.request"]
    assert len(errors) == 1
    assert errors[0].exc_info and errors[0].exc_info[0] is DatabaseError


def test_an_exception_in_the_public_api_answers_a_json_500(monkeypatch):
    monkeypatch.setattr("pathways.api.public_views.verifiable_certificate", failing)
    response = quiet_client().get(reverse("api:verify", args=[new_verification_code()]))
    assert_json_error(response, 500, "server_error")
    assert_says_nothing_about_it(response)


def test_an_api_500_still_reaches_error_reporting(monkeypatch):
    """Django's test client raises the exceptions that ``got_request_exception`` reports, the
    signal error reporting (Sentry) listens to."""
    monkeypatch.setattr("pathways.api.public_views.verifiable_certificate", failing)
    with pytest.raises(DatabaseError):
        Client().get(reverse("api:verify", args=[new_verification_code()]))


def test_a_failure_in_the_middleware_answers_an_api_request_in_json(
    participant, monkeypatch, client
):
    """The session middleware's database gone: raised before any API view runs."""
    client.force_login(participant)
    monkeypatch.setattr("pathways.lms.safety.middleware.sessions.has_expired", failing)
    client.raise_request_exception = False
    response = client.get(reverse("api:me"))
    assert_json_error(response, 500, "server_error")
    assert_says_nothing_about_it(response)


def test_the_same_failure_on_a_page_keeps_the_sites_html_error_page(
    participant, monkeypatch, client
):
    client.force_login(participant)
    monkeypatch.setattr("pathways.lms.safety.middleware.sessions.has_expired", failing)
    client.raise_request_exception = False
    response = client.get(reverse("courses:dashboard"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/v1/", "/api/", "/api/v2/credentials/"]
)
def test_unknown_addresses_under_api_answer_a_json_404(path):
    response = Client().get(path)
    assert_json_error(response, 404, "not_found")


def test_an_unknown_page_keeps_the_sites_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
