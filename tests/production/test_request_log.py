"""The request log: one JSON line per request, with the URL pattern, status, time, size, request
id and a user id, and nothing that names a person or opens an account: no verification code, API
key, username, password, e-mail address, chosen or legal name, consent wording or query string.

The logging is the production profile's own (``logging_config(log_format="json", ...)`` in
demo_site/settings/base.py), written into a buffer instead of standard output.
"""

import io
import json
import logging
import logging.config
import sys
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from demo_site.settings.base import logging_config
from pathways.certificates.issuance.codes import format_code, new_verification_code
from pathways.certificates.sharing.consent import CONSENT_VERSION
from pathways.certificates.sharing.models import CredentialRelease
from pathways.lms.core.request_log import JsonFormatter, RequestLogMiddleware, WithoutAddresses
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import (
    CertificateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)

pytestmark = pytest.mark.django_db

USERNAME = "zq-private-login"
PASSWORD = "Correct-Horse-Battery-91"
EMAIL = "zephyrine.private@example.org"
CHOSEN = "Zephyrine"
LEGAL = "Quillonia Hartwell-Abara"
PURPOSE_TEXT = "Night shift at the Larkspur shelter kitchen"
REQUEST_FIELDS = {
    "event",
    "request_id",
    "method",
    "route",
    "view",
    "status",
    "duration_ms",
    "response_bytes",
    "user",
}


@pytest.fixture
def log_lines(settings):
    """The production profile's logging for the test, into a buffer; a function returning the
    lines written so far. The test settings' logging comes back afterwards."""
    buffer = io.StringIO()
    config = logging_config(log_format="json", requests=True)
    config["handlers"]["console"]["stream"] = buffer
    config["root"]["level"] = "WARNING"
    logging.config.dictConfig(config)
    try:
        yield lambda: [line for line in buffer.getvalue().splitlines() if line.strip()]
    finally:
        logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def person(db):
    user = ParticipantFactory(
        username=USERNAME, email=EMAIL, chosen_name=CHOSEN, legal_name=LEGAL, password=PASSWORD
    )
    return user


def parsed(lines: list[str]) -> list[dict]:
    entries = []
    for line in lines:
        entry = json.loads(line)  # every line is one JSON object
        assert isinstance(entry, dict)
        assert {"time", "level", "logger", "message"} <= set(entry)
        entries.append(entry)
    return entries


def request_entries(lines: list[str]) -> list[dict]:
    entries = [entry for entry in parsed(lines) if entry["logger"] == "pathways.request"]
    for entry in entries:
        assert set(entry) >= REQUEST_FIELDS, entry
        assert isinstance(entry["duration_ms"], int | float) and entry["duration_ms"] >= 0
    return entries


def assert_nothing_personal(lines: list[str], secrets: list[str]) -> None:
    text = "\n".join(lines)
    for secret in secrets:
        assert secret, "an empty secret would match anything"
        assert secret.lower() not in text.lower(), f"{secret!r} was logged"
        # json.dumps escapes some characters; check the escaped form too.
        assert json.dumps(secret)[1:-1].lower() not in text.lower(), f"{secret!r} was logged"


def test_verification_pages_log_the_pattern_never_the_code(client, log_lines):
    certificate = CertificateFactory(printed_name=LEGAL)
    code = format_code(certificate.verification_code)
    unknown = format_code(new_verification_code())

    assert client.get(reverse("verify:code", args=[code])).status_code == 200
    assert client.get(reverse("verify:code", args=[unknown])).status_code == 404
    assert client.get(f"/verify/?code={certificate.verification_code}").status_code == 200

    lines = log_lines()
    entries = request_entries(lines)
    assert [(e["method"], e["route"], e["view"], e["status"]) for e in entries] == [
        ("GET", "verify/<str:code>/", "verify:code", 200),
        ("GET", "verify/<str:code>/", "verify:code", 404),
        ("GET", "verify/", "verify:index", 200),
    ]
    assert all(e["user"] == "anonymous" and e["response_bytes"] > 0 for e in entries)
    # Django's own "Not Found: <address>" warning is written, with the pattern in its place.
    (not_found,) = [e for e in parsed(lines) if e["logger"] == "django.request"]
    assert not_found["message"] == "Not Found: verify/<str:code>/"
    assert not_found["request_id"] == entries[1]["request_id"]
    assert_nothing_personal(
        lines,
        [
            code,
            certificate.verification_code,
            unknown,
            unknown.replace("-", ""),
            LEGAL,
            certificate.user.username,
        ],
    )


def test_employer_api_calls_log_neither_the_key_nor_the_code(
    api_client, log_lines, employer_key, employer_org
):
    _key, raw = employer_key
    participant = ParticipantFactory(
        username=USERNAME, email=EMAIL, chosen_name=CHOSEN, legal_name=LEGAL
    )
    certificate = CertificateFactory(user=participant, printed_name=LEGAL)
    CredentialReleaseFactory(
        participant=participant,
        employer=employer_org,
        certificates=[certificate],
        purpose=PURPOSE_TEXT,
        signature=LEGAL,
    )
    code = format_code(certificate.verification_code)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    listing = api_client.get(reverse("api:employer-credential-list"), {"search": EMAIL})
    detail = api_client.get(reverse("api:employer-credential-detail", args=[code]))
    assert listing.status_code == 200 and detail.status_code == 200
    assert LEGAL in detail.content.decode()  # the response names her; the log must not
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}x")
    refused = api_client.get(reverse("api:employer-credential-detail", args=[code]))
    assert refused.status_code == 401

    lines = log_lines()
    entries = request_entries(lines)
    assert [(e["route"], e["status"]) for e in entries] == [
        ("api/v1/employer/credentials/", 200),
        ("api/v1/employer/credentials/<str:code>/", 200),
        ("api/v1/employer/credentials/<str:code>/", 401),
    ]
    assert {e["view"] for e in entries} >= {"api:employer-credential-detail"}
    # A key is an organisation, not a person: the request is anonymous.
    assert {e["user"] for e in entries} == {"anonymous"}
    assert_nothing_personal(
        lines,
        [
            raw,
            raw.split("_")[-1],
            f"{raw}x",
            code,
            certificate.verification_code,
            EMAIL,
            CHOSEN,
            LEGAL,
            PURPOSE_TEXT,
            USERNAME,
        ],
    )


def test_sign_in_logs_neither_username_nor_password(client, log_lines, person):
    sign_in = reverse("accounts:login")
    wrong = client.post(sign_in, {"username": USERNAME, "password": "Not-" + PASSWORD})
    right = client.post(sign_in, {"username": EMAIL, "password": PASSWORD})
    assert wrong.status_code == 200 and right.status_code == 302

    lines = log_lines()
    entries = request_entries(lines)
    assert [(e["method"], e["route"], e["status"]) for e in entries] == [
        ("POST", "accounts/sign-in/", 200),
        ("POST", "accounts/sign-in/", 302),
    ]
    # Signed in by the end of the second request: her id, nothing else.
    assert [e["user"] for e in entries] == ["anonymous", person.pk]
    assert_nothing_personal(lines, [USERNAME, EMAIL, PASSWORD, CHOSEN, LEGAL])


def test_her_own_pages_and_her_consent_log_her_id_only(client, log_lines, person):
    certificate = CertificateFactory(user=person, printed_name=LEGAL)
    employer = EmployerOrganisationFactory(name="Larkspur Catering")
    client.force_login(person)
    pages = [
        reverse("courses:dashboard"),
        reverse("accounts:settings"),
        reverse("privacy:your_data"),
        reverse("certificates:mine"),
        reverse("sharing:list"),
    ]
    for page in pages:
        response = client.get(page, {"q": EMAIL, "name": LEGAL})
        assert response.status_code == 200, page
    share = f"{reverse('sharing:share')}?employer={employer.pk}"
    consent = client.post(
        share,
        {
            "certificates": [certificate.pk],
            "disclosed_fields": ["dates"],
            "purpose": "other",
            "purpose_other": PURPOSE_TEXT,
            "ends_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "signature": CHOSEN,
            "consent_version": CONSENT_VERSION,
        },
    )
    assert consent.status_code == 302, consent.content.decode()[:2000]
    release = CredentialRelease.objects.get(participant=person)
    assert release.purpose == PURPOSE_TEXT  # what she wrote was kept, and not logged
    assert LEGAL in client.get(reverse("certificates:mine")).content.decode()

    lines = log_lines()
    entries = request_entries(lines)
    assert len(entries) == len(pages) + 2
    assert {e["user"] for e in entries} == {person.pk}
    assert ("POST", "certificates/sharing/new/", 302) in [
        (e["method"], e["route"], e["status"]) for e in entries
    ]
    assert_nothing_personal(
        lines,
        [USERNAME, EMAIL, CHOSEN, LEGAL, PURPOSE_TEXT, release.consent_text[:60], "zephyrine"],
    )


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client, log_lines):
    given = "3f2c9a7e-5b1d-4c8e-9a0f-1e2d3c4b5a69"
    first = client.get(reverse("verify:index"), headers={"X-Request-ID": given})
    second = client.get(reverse("verify:index"), headers={"X-Request-ID": f"bad id {EMAIL}"})

    entries = request_entries(log_lines())
    assert first["X-Request-ID"] == entries[0]["request_id"] == given
    assert second["X-Request-ID"] == entries[1]["request_id"] != given
    assert len(entries[1]["request_id"]) == 32
    assert_nothing_personal(log_lines(), [EMAIL])


def test_an_address_nothing_answers_is_not_logged(client, log_lines):
    response = client.get(f"/no-such-place/{EMAIL}/")
    assert response.status_code == 404

    lines = log_lines()
    entries = request_entries(lines)
    assert entries[-1]["status"] == 404
    assert_nothing_personal(lines, [EMAIL, "no-such-place"])


def test_the_json_formatter_writes_one_line_with_the_traceback():
    record = logging.LogRecord(
        "pathways.test", logging.ERROR, __file__, 1, "went wrong\nhere", None, None
    )
    try:
        raise ValueError(f"Key (email)=({EMAIL}) already exists\non two lines")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "went wrong\nhere"
    # An error's text may quote what was typed: e-mail addresses are hidden.
    assert "ValueError: Key (email)=([hidden]) already exists\non two lines" in entry["exception"]
    assert EMAIL not in line


def test_static_files_are_logged_by_their_prefix(log_lines, settings, tmp_path):
    from django.http import HttpResponse
    from django.test import RequestFactory

    request = RequestFactory().get(f"{settings.STATIC_URL}pathways/site.0123abcd.css")
    RequestLogMiddleware(lambda request: HttpResponse(b"body{}"))(request)
    (entry,) = request_entries(log_lines())
    assert (entry["route"], entry["view"], entry["status"]) == ("/static/<path>", None, 200)
    assert entry["response_bytes"] == 6


def test_without_addresses_leaves_other_records_alone():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "%s items", (3,), None)
    assert WithoutAddresses().filter(record) and record.getMessage() == "3 items"


def test_the_middleware_is_first_on_the_standalone_site(settings):
    assert settings.MIDDLEWARE[0] == (
        f"{RequestLogMiddleware.__module__}.{RequestLogMiddleware.__qualname__}"
    )
