"""Error reporting (Sentry's SDK): off without ``SENTRY_DSN``; with it, started without personal
data, and every event scrubbed before it leaves: no request body, cookie, Authorization or API
key header, query string, address path, user field but the id, or frame variables.
"""

import json
import subprocess  # noqa: S404
import sys

import pytest
import sentry_sdk

from demo_site import error_reporting
from demo_site.error_reporting import configure_error_reporting, scrub_breadcrumb, scrub_event
from pathways.lms.core import request_log
from tests.production.support import ROOT, collected_static, database_url, production_env

EMAIL = "zephyrine.private@example.org"
CODE = "7KQ2M9XA4BTW8CRN5"
API_KEY = "pwk_live_9f8e7d6c5b4a39281706"
SESSION = "s3ss10nc00k1e0f4p4rt1c1p4ntXYZ12"  # 32 letters, as a CSRF cookie
DSN = "http://publickey@127.0.0.1:9/1"  # nothing listens there; events never leave


def realistic_event() -> dict:
    """An event as Sentry's Django integration builds it for a failed request, before scrubbing
    (with everything the SDK would add if personal data were allowed)."""
    return {
        "event_id": "a" * 32,
        "level": "error",
        "platform": "python",
        "transaction": "/verify/{code}/",
        "server_name": "web-1",
        "message": f"Could not send to {EMAIL}",
        "logentry": {"message": "Internal Server Error: %s", "params": [f"/verify/{CODE}/"]},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": f"duplicate key: Key (email)=({EMAIL}) already exists.",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "certificates/credentials/verify_views.py",
                                "function": "certificate",
                                "lineno": 130,
                                "context_line": "found = selectors.verifiable_certificate(code)",
                                "vars": {"code": CODE, "request": "<WSGIRequest>"},
                            },
                            {
                                "filename": "lms/accounts/services.py",
                                "function": "profile_update",
                                "vars": {"legal_name": "Quillonia Hartwell-Abara"},
                            },
                        ]
                    },
                }
            ]
        },
        "threads": {"values": [{"stacktrace": {"frames": [{"vars": {"password": "hunter2"}}]}}]},
        "request": {
            "url": f"https://learn.example.org/verify/{CODE}/",
            "method": "POST",
            "query_string": f"email={EMAIL}&code={CODE}",
            "data": {"username": "zq-private", "password": "hunter2", "signature": "Quillonia"},
            "cookies": {"sessionid": SESSION, "csrftoken": "csrf-secret"},
            "headers": {
                "Authorization": f"Bearer {API_KEY}",
                "Cookie": f"sessionid={SESSION}",
                "X-Api-Key": API_KEY,
                "User-Agent": "Mozilla/5.0 (her phone)",
                "X-Forwarded-For": "203.0.113.9",
                "Referer": f"https://learn.example.org/verify/{CODE}/",
                "Content-Type": "application/x-www-form-urlencoded",
                "Host": "learn.example.org",
            },
            "env": {"REMOTE_ADDR": "203.0.113.9", "SERVER_NAME": "learn.example.org"},
        },
        "user": {
            "id": 42,
            "email": EMAIL,
            "username": "zq-private",
            "ip_address": "203.0.113.9",
            "name": "Zephyrine",
        },
        "breadcrumbs": {
            "values": [
                {
                    "type": "default",
                    "category": "query",
                    "level": "info",
                    "timestamp": "2026-01-01T00:00:00Z",
                    "message": f"SELECT ... WHERE email = '{EMAIL}'",
                    "data": {"params": [EMAIL]},
                },
                {
                    "category": "django.request",
                    "message": f"Not Found: /verify/{CODE}/",
                    "level": "warning",
                },
            ]
        },
        "extra": {"sys.argv": ["gunicorn"], "legal_name": "Quillonia Hartwell-Abara"},
        "spans": [{"op": "db", "description": "SELECT 1", "data": {"db.params": [EMAIL]}}],
        "tags": {"url": "/verify/{code}/"},
        "contexts": {"runtime": {"name": "CPython"}},
    }


def test_the_scrubber_leaves_nothing_that_names_someone_or_opens_an_account():
    event = scrub_event(realistic_event(), hint={})

    text = json.dumps(event)
    for secret in (
        EMAIL,
        CODE,
        API_KEY,
        SESSION,
        "csrf-secret",
        "hunter2",
        "Quillonia",
        "Zephyrine",
        "zq-private",
        "203.0.113.9",
        "her phone",
        "Bearer",
    ):
        assert secret not in text, f"{secret!r} left in the event"
    request = event["request"]
    assert request == {
        "method": "POST",
        "url": "https://learn.example.org/",
        "headers": {
            "Content-Type": "application/x-www-form-urlencoded",
            "Host": "learn.example.org",
        },
    }
    assert event["user"] == {"id": 42}
    frames = event["exception"]["values"][0]["stacktrace"]["frames"]
    assert all("vars" not in frame for frame in frames)
    assert frames[0]["context_line"]  # the code is kept: it names nobody
    assert event["exception"]["values"][0]["value"].startswith("duplicate key: Key (email)=(")
    assert event["logentry"] == {"message": "Internal Server Error: %s"}
    assert "extra" not in event and "data" not in event["spans"][0]
    assert event["breadcrumbs"]["values"][0] == {
        "type": "default",
        "category": "query",
        "level": "info",
        "timestamp": "2026-01-01T00:00:00Z",
    }
    assert event["transaction"] == "/verify/{code}/"  # the URL pattern stays: it is the route


def test_an_event_without_a_user_id_keeps_no_user_and_is_tagged_with_the_request_id():
    token = request_log._request_id.set("0123456789abcdef")
    try:
        event = scrub_event({"user": {"ip_address": "203.0.113.9"}, "tags": {}})
    finally:
        request_log._request_id.reset(token)
    assert "user" not in event
    assert event["tags"]["request_id"] == "0123456789abcdef"


def test_breadcrumbs_keep_their_kind_only():
    crumb = {"category": "query", "message": f"… {EMAIL}", "data": {"x": EMAIL}, "level": "info"}
    assert scrub_breadcrumb(crumb, {}) == {"category": "query", "level": "info"}


@pytest.fixture
def init_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: calls.append(options))
    return calls


def test_without_a_dsn_sentry_is_not_started(init_calls):
    assert configure_error_reporting({}) is False
    assert configure_error_reporting({"SENTRY_DSN": "  "}) is False
    assert init_calls == []


def test_with_a_dsn_sentry_is_started_without_personal_data(init_calls):
    assert configure_error_reporting({"SENTRY_DSN": DSN, "SENTRY_ENVIRONMENT": "staging"})
    (options,) = init_calls
    assert options["dsn"] == DSN and options["environment"] == "staging"
    assert options["send_default_pii"] is False
    assert options["include_local_variables"] is False
    assert options["max_request_body_size"] == "never"
    assert options["before_send"] is error_reporting.scrub_event
    assert options["before_send_transaction"] is error_reporting.scrub_event
    assert options["before_breadcrumb"] is error_reporting.scrub_breadcrumb
    assert options["traces_sample_rate"] == 0.0
    (django,) = options["integrations"]
    assert django.transaction_style == "url"


def test_a_wrong_sample_rate_is_refused(init_calls):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SENTRY_TRACES_SAMPLE_RATE"):
        configure_error_reporting({"SENTRY_DSN": DSN, "SENTRY_TRACES_SAMPLE_RATE": "2"})
    assert init_calls == []


# The production settings, loaded in a process of their own with sentry_sdk.init replaced.
SETTINGS_SCRIPT = """
import json, sentry_sdk
calls = []
sentry_sdk.init = lambda **options: calls.append(options)
from django.conf import settings
settings.INSTALLED_APPS  # loads the settings module
from demo_site.error_reporting import scrub_event
print(json.dumps({
    "enabled": settings.SENTRY_ENABLED,
    "calls": len(calls),
    "pii": [call["send_default_pii"] for call in calls],
    "locals": [call["include_local_variables"] for call in calls],
    "scrubbed": [call["before_send"] is scrub_event for call in calls],
}))
"""


def _production_settings_with(**env: str) -> dict:
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SETTINGS_SCRIPT],
        env=production_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)


def test_the_production_settings_start_sentry_only_with_a_dsn():
    assert _production_settings_with() == {
        "enabled": False,
        "calls": 0,
        "pii": [],
        "locals": [],
        "scrubbed": [],
    }
    assert _production_settings_with(SENTRY_DSN=DSN) == {
        "enabled": True,
        "calls": 1,
        "pii": [False],
        "locals": [False],
        "scrubbed": [True],
    }


# Failing requests through the production settings' WSGI application, as gunicorn calls it, with
# the real SDK; its transport is replaced by one that keeps the events here.
FAILING_REQUEST_SCRIPT = """
import io, json, sys
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import django
import sentry_sdk
from sentry_sdk.transport import Transport

events = []


class Keep(Transport):
    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type in ("event", "transaction"):
                events.append(item.payload.json)


django.setup()
sentry_sdk.get_client().transport = Keep()

from django.core.wsgi import get_wsgi_application

from pathways.certificates.credentials import verify_views
from pathways.certificates.issuance import selectors

EMAIL, CODE, API_KEY, SESSION = sys.argv[1:5]


def failing(*args, **kwargs):
    raise RuntimeError(f"lookup failed for {EMAIL}")


selectors.verifiable_certificate = failing
verify_views.verify_json = failing
application = get_wsgi_application()


def call(method, path, body=b"", content_type=""):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": urlencode({"email": EMAIL, "code": CODE}),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "HTTP_AUTHORIZATION": f"Bearer {API_KEY}",
        "HTTP_X_API_KEY": API_KEY,
        "HTTP_COOKIE": f"csrftoken={SESSION}; sessionid={SESSION}",
        "HTTP_USER_AGENT": "her phone",
        "HTTP_SEC_FETCH_SITE": "same-origin",
        "HTTP_ORIGIN": "http://localhost",
        "REMOTE_ADDR": "203.0.113.9",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    started = []
    chunks = application(environ, lambda status, headers, exc_info=None: started.append(
        (int(status.split()[0]), dict(headers))
    ))
    b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return started[0]


lookup = call("GET", f"/verify/{CODE}/")
pasted = call(
    "POST",
    "/verify/",
    urlencode({
        "form": "credential",
        "csrfmiddlewaretoken": SESSION,
        "credential": json.dumps({"name": "Quillonia", "email": EMAIL}),
    }).encode(),
    "application/x-www-form-urlencoded",
)
sentry_sdk.flush(timeout=5)
print(json.dumps({
    "statuses": [lookup[0], pasted[0]],
    "request_ids": [lookup[1]["X-Request-ID"], pasted[1]["X-Request-ID"]],
    "events": events,
}))
"""


@pytest.mark.django_db(transaction=True)  # another process reads the database
def test_a_failing_request_reaches_sentry_without_personal_data(tmp_path, django_db_blocker):
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FAILING_REQUEST_SCRIPT, EMAIL, CODE, API_KEY, SESSION],
        env=production_env(
            SENTRY_DSN=DSN,
            DATABASE_URL=database_url(django_db_blocker, tmp_path),
            # The error page needs the static files' manifest.
            STATIC_ROOT=str(collected_static()),
            LOG_LEVEL="CRITICAL",
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout)
    assert result["statuses"] == [500, 500]
    events = [event for event in result["events"] if event.get("exception")]
    assert events, "no error event was sent"
    text = json.dumps(result["events"])
    for secret in (
        EMAIL,
        CODE,
        API_KEY,
        SESSION,
        "Quillonia",
        "Bearer",
        "email=",
        "her phone",
        "203.0.113.9",
    ):
        assert secret not in text, f"{secret!r} reached Sentry"
    assert len(events) == 2
    for event in events:
        (exception,) = event["exception"]["values"]  # hers only: the session lookup worked
        assert exception["type"] == "RuntimeError"
        assert exception["value"] == "lookup failed for [hidden]"
        assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
        request = event["request"]
        assert set(request) == {"method", "url", "headers"}
        assert request["url"] == "http://localhost/"
        assert request["headers"]["Host"] == "localhost"
        assert {name.lower() for name in request.get("headers", {})} <= {
            "accept",
            "content-length",
            "content-type",
            "host",
            "x-request-id",
        }
        assert event["tags"]["request_id"] in result["request_ids"]
    assert {event["transaction"] for event in events} <= {"/verify/{code}/", "/verify/"}
