"""Pathways' settings have defaults in one module, so a host site sets only what it changes.

A host that sets none of them starts, passes its system checks and serves Pathways' pages; a bad
value is explained by a system check; and the README's settings reference lists every one.
"""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.urls import reverse

import pytest
from rest_framework.test import APIClient

from pathways.certificates.credentials.openbadges import issuer_of
from pathways.lms.accounts.password_reset import reset_by_email_enabled
from pathways.lms.core import app_settings
from pathways.lms.privacy.retention import KINDS, retention_policy
from pathways.lms.security.addresses import trusted_proxy_count
from pathways.lms.security.sign_in_limits import account_failure_limit, pause_minutes
from pathways.mentoring.services import _private_notes_allowed
from tests.certificates.openbadges_support import make_certificate
from tests.factories.accounts import TEST_PASSWORD, ParticipantFactory

ROOT = Path(__file__).resolve().parents[1]
APP_FOLDERS = ("lms", "courses", "cohorts", "mentoring", "certificates", "api")
HOST_SETTINGS = "tests.host_settings_without_pathways"


def _app_files(*suffixes: str):
    for folder in APP_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in suffixes and "migrations" not in path.parts:
                yield path


def _pathways_names() -> list[str]:
    return [name for name in dir(django_settings) if name.startswith("PATHWAYS_")]


@pytest.fixture
def host_without_pathways_settings(settings):
    """The test settings less every ``PATHWAYS_*`` name, restored afterwards."""
    names = _pathways_names()
    assert names  # the standalone site sets them: this fixture takes them away
    for name in names:
        delattr(settings, name)
    assert _pathways_names() == []
    return settings


# The module ------------------------------------------------------------------------------------


def test_a_setting_the_site_leaves_out_falls_back_to_its_default(settings):
    del settings.PATHWAYS_EXIT_URL
    del settings.PATHWAYS_CSP

    assert app_settings.PATHWAYS_EXIT_URL == "https://www.bbc.co.uk/weather"
    assert app_settings.PATHWAYS_CSP["script-src"] == ["'self'"]


def test_a_default_cannot_be_changed_by_whoever_reads_it(settings):
    del settings.PATHWAYS_CSP
    app_settings.PATHWAYS_CSP["script-src"].append("'unsafe-inline'")
    assert app_settings.PATHWAYS_CSP["script-src"] == ["'self'"]


def test_the_sites_own_value_wins_and_is_read_each_time(settings):
    settings.PATHWAYS_BASE_URL = "https://learn.example.org"
    assert app_settings.PATHWAYS_BASE_URL == "https://learn.example.org"

    settings.PATHWAYS_BASE_URL = "https://other.example.org"
    assert app_settings.PATHWAYS_BASE_URL == "https://other.example.org"


def test_an_unknown_name_is_an_error():
    with pytest.raises(AttributeError):
        app_settings.PATHWAYS_NO_SUCH_SETTING  # noqa: B018


def test_the_apps_read_pathways_settings_only_through_the_app_settings_module():
    direct = re.compile(
        r"(?<![`\w.])settings\.PATHWAYS_\w+|getattr\(\s*settings\s*,\s*[\"']PATHWAYS_\w+"
    )
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _app_files(".py")
        for match in direct.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found


def test_every_pathways_setting_the_apps_name_has_a_default_and_a_description():
    read = re.compile(r"app_settings\.(PATHWAYS_\w+)|[\"'](PATHWAYS_[A-Z0-9_]+)[\"']")
    named = {
        match.group(1) or match.group(2)
        for path in _app_files(".py")
        for match in read.finditer(path.read_text(encoding="utf-8"))
    }
    assert "PATHWAYS_EXIT_URL" in named
    assert named - set(app_settings.DEFAULTS) == set()
    assert all(setting.doc.strip() for setting in app_settings.SETTINGS.values())


def test_the_retention_default_names_every_kind_and_a_partial_setting_keeps_the_rest(settings):
    assert set(app_settings.DEFAULTS["PATHWAYS_RETENTION_DAYS"]) == set(KINDS)

    settings.PATHWAYS_RETENTION_DAYS = {"access_records": 365}
    policy = retention_policy()
    assert policy["access_records"] == 365
    assert (
        policy["ended_releases"]
        == app_settings.DEFAULTS["PATHWAYS_RETENTION_DAYS"]["ended_releases"]
    )
    assert policy["erasure_records"] is None


def test_the_standalone_site_differs_from_the_defaults_only_where_it_turns_an_option_on():
    """Its values come from the environment; without any, they are the defaults, so that the
    defaults a host gets are the ones the suite runs on."""
    code = (
        "import json; from demo_site.settings import base; "
        "from pathways.lms.core.app_settings import DEFAULTS; "
        "print(json.dumps(sorted(name for name, default in DEFAULTS.items() "
        "if getattr(base, name, default) != default)))"
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith("PATHWAYS_")}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert json.loads(result.stdout) == [
        "PATHWAYS_ADMIN_SECOND_FACTOR",
        "PATHWAYS_POLICIES_SITE_WIDE",
    ]


# A host with none of the settings --------------------------------------------------------------


def test_a_host_without_pathways_settings_starts_and_passes_its_checks():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": HOST_SETTINGS,
            "DATABASE_URL": "sqlite://:memory:",
        },
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_host_settings_module_really_has_no_pathways_settings():
    code = (
        f"import importlib; module = importlib.import_module({HOST_SETTINGS!r}); "
        "print([name for name in vars(module) if name.startswith('PATHWAYS_')])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_defaults_pass_every_system_check(host_without_pathways_settings):
    messages = [message for message in run_checks() if message.id.startswith("pathways_")]
    assert messages == []


@pytest.mark.django_db
def test_a_host_without_pathways_settings_serves_pathways_pages(
    host_without_pathways_settings, client
):
    exit_url = app_settings.DEFAULTS["PATHWAYS_EXIT_URL"]

    sign_in = client.get(reverse("accounts:login"))
    assert sign_in.status_code == 200
    assert "form-action 'self' https://www.bbc.co.uk" in sign_in["Content-Security-Policy"]
    notice = client.get(reverse("safety:notice"))
    assert "we sign you out after 30 minutes without activity" in notice.content.decode()
    assert client.get(reverse("safety:exit"))["Location"] == exit_url

    person = ParticipantFactory(username="rosa", safety_notice_seen_at=None)
    wrong = client.post(reverse("accounts:login"), {"username": "rosa", "password": "nope"})
    assert wrong.status_code == 200
    signed_in = client.post(
        reverse("accounts:login"), {"username": "rosa", "password": TEST_PASSWORD}
    )
    assert signed_in.status_code == 302
    held = client.get(reverse("courses:dashboard"))
    assert held["Location"].startswith(reverse("safety:notice"))
    client.post(reverse("safety:notice"), {"next": reverse("courses:dashboard")})
    assert client.get(reverse("courses:dashboard")).status_code == 200
    status = client.get(reverse("safety:session_status")).json()
    assert status["warning_seconds"] == 60

    certificate = make_certificate(user=person)
    verify = client.get(reverse("verify:code", args=[certificate.verification_code]))
    assert verify.status_code == 200
    issuer = client.get(reverse("credentials:issuer", args=[issuer_of(certificate).public_id]))
    assert issuer.json()["id"].startswith("http://127.0.0.1:8000/")

    api = APIClient()
    assert api.get(reverse("api:schema")).status_code == 200
    token = api.post(
        reverse("api:auth-token"), {"username": "rosa", "password": TEST_PASSWORD}, format="json"
    )
    assert token.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.get(reverse("api:me")).status_code == 200


@pytest.mark.django_db
def test_a_host_without_pathways_settings_gets_the_documented_behaviour(
    host_without_pathways_settings,
):
    assert not reset_by_email_enabled()
    assert not _private_notes_allowed()
    assert trusted_proxy_count() == 0
    assert account_failure_limit() == 5
    assert pause_minutes() == 15
    assert retention_policy() == app_settings.DEFAULTS["PATHWAYS_RETENTION_DAYS"]
    out = StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert "erasure_records: kept for good" in out.getvalue()


# Bad values are explained -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("PATHWAYS_BRAND_NAME", " ", "pathways_core.E001"),
        ("PATHWAYS_EMAIL_ADDRESS", "no-reply", "pathways_core.E002"),
        ("PATHWAYS_BASE_URL", "learn.example.org", "pathways_core.E003"),
        ("PATHWAYS_BASE_URL", "https://learn.example.org/", "pathways_core.E003"),
        ("PATHWAYS_SESION_IDLE_MINUTES", 10, "pathways_core.W001"),
        ("PATHWAYS_EXIT_URL", "www.bbc.co.uk", "pathways_safety.E001"),
        ("PATHWAYS_SESSION_IDLE_MINUTES", 0, "pathways_safety.E002"),
        ("PATHWAYS_SAFETY_NOTICE_FILE_VIEWS", "documents:serve", "pathways_safety.E005"),
        ("PATHWAYS_TRUSTED_PROXY_COUNT", -1, "pathways_security.E010"),
        ("PATHWAYS_TRUSTED_PROXY_COUNT", "1", "pathways_security.E010"),
        ("PATHWAYS_SIGN_IN_ACCOUNT_FAILURES", 0, "pathways_security.E011"),
        ("PATHWAYS_SIGN_IN_ADDRESS_FAILURES", "20", "pathways_security.E012"),
        ("PATHWAYS_SIGN_IN_PAUSE_MINUTES", 1.5, "pathways_security.E013"),
        ("PATHWAYS_PASSWORD_RESET_BY_EMAIL", "false", "pathways_security.E014"),
        ("PATHWAYS_CSP", {"default-src": "'self'"}, "pathways_security.E015"),
        ("PATHWAYS_CSP_ADMIN", ["default-src 'self'"], "pathways_security.E016"),
        ("PATHWAYS_CSP_VIEWS", {"api:docs": "default-src 'self'"}, "pathways_security.E017"),
        ("PATHWAYS_ADMIN_SECOND_FACTOR", "yes", "pathways_security.E018"),
        ("PATHWAYS_POLICIES_SITE_WIDE", 1, "pathways_security.E019"),
        ("PATHWAYS_RETENTION_DAYS", 365, "pathways_privacy.E001"),
        ("PATHWAYS_RETENTION_DAYS", {"photos": 3}, "pathways_privacy.E002"),
        ("PATHWAYS_RETENTION_DAYS", {"sessions": -1}, "pathways_privacy.E003"),
        ("PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED", "no", "pathways_mentoring.E001"),
        ("PATHWAYS_STATUS_LIST_SIZE", 1000, "pathways_credentials.E001"),
        ("PATHWAYS_VERIFY_RATE", "30 per 600", "pathways_credentials.E002"),
        ("PATHWAYS_VERIFY_RATE", "0/600", "pathways_credentials.E002"),
        ("PATHWAYS_API_TOKEN_HOURS", 0, "pathways_api.E001"),
        ("PATHWAYS_API_MAX_BODY", "64k", "pathways_api.E002"),
        ("PATHWAYS_API_THROTTLE_RATES", {"anon": "60 a minute"}, "pathways_api.E003"),
        ("PATHWAYS_API_THROTTLE_RATES", {"robots": "1/day"}, "pathways_api.E003"),
    ],
)
def test_a_bad_value_is_explained_by_a_system_check(settings, name, value, check_id):
    setattr(settings, name, value)
    messages = [message for message in run_checks() if message.id.startswith("pathways_")]
    assert [message.id for message in messages] == [check_id]
    assert name in messages[0].msg or name in (messages[0].hint or "")


def test_a_misspelt_setting_is_pointed_at_the_right_name(settings):
    settings.PATHWAYS_SESION_IDLE_MINUTES = 10
    (warning,) = [message for message in run_checks() if message.id == "pathways_core.W001"]
    assert warning.hint == "Did you mean PATHWAYS_SESSION_IDLE_MINUTES?"


# The README's settings reference ----------------------------------------------------------------


def _configuration_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_lists_every_setting_with_its_default():
    """Made by ``python -m pathways.lms.core.app_settings``: paste its output when this fails."""
    section = _configuration_section()
    assert app_settings.reference_table() in section
    for name in app_settings.DEFAULTS:
        assert f"| `{name}` |" in section
