"""``manage.py purge_expired`` deletes what has passed its retention period, per kind, in
batches; a dry run counts and deletes nothing; running it again deletes nothing more; a kind
set to None is kept for good."""

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

from pathways.certificates.sharing.models import AccessChannel, CredentialAccess, CredentialRelease
from pathways.certificates.sharing.services import access_record
from pathways.lms.privacy.models import ErasureRecord
from pathways.lms.privacy.retention import KINDS, check_retention_settings, purge_expired
from pathways.lms.security.models import LegalNameRead
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import CertificateFactory, CredentialReleaseFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAYS = 30
POLICY = {kind: DAYS for kind in KINDS}


def days_ago(days: int):
    return NOW - timedelta(days=days)


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def thirty_days_each():
    with override_settings(PATHWAYS_RETENTION_DAYS=POLICY), time_machine.travel(NOW, tick=False):
        yield


# One test per kind: an old record goes, a recent one stays ------------------------------------


def _release(participant, **kwargs):
    certificate = CertificateFactory(user=participant)
    return CredentialReleaseFactory(participant=participant, certificates=[certificate], **kwargs)


def _access(release, when):
    with time_machine.travel(when, tick=False):
        (row,) = access_record(
            shared=list(release.released_certificates.select_related("release")),
            channel=AccessChannel.API,
        )
    return row


def test_access_records_past_their_period_are_deleted(participant):
    release = _release(participant)
    old = _access(release, days_ago(DAYS + 1))
    recent = _access(release, days_ago(DAYS - 1))

    assert "access_records: 1 deleted (older than 30 days)" in purge("--kind", "access_records")

    assert list(CredentialAccess.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not CredentialAccess.objects.filter(pk=old.pk).exists()


def test_releases_that_ended_long_enough_ago_are_deleted(participant, other_participant):
    stopped_long_ago = _release(
        participant, created_at=days_ago(200), expires_at=days_ago(100), revoked_at=days_ago(150)
    )
    expired_long_ago = _release(
        other_participant, created_at=days_ago(200), expires_at=days_ago(40)
    )
    expired_recently = _release(participant, created_at=days_ago(60), expires_at=days_ago(10))
    still_shared = _release(other_participant, created_at=days_ago(1))
    old_but_renewed_recently = _release(
        participant, created_at=days_ago(90), expires_at=days_ago(-10), superseded_at=days_ago(5)
    )

    assert "ended_releases: 2 deleted" in purge("--kind", "ended_releases")

    assert set(CredentialRelease.objects.values_list("pk", flat=True)) == {
        expired_recently.pk,
        still_shared.pk,
        old_but_renewed_recently.pk,
    }
    assert not CredentialRelease.objects.filter(
        pk__in=[stopped_long_ago.pk, expired_long_ago.pk]
    ).exists()


def test_a_release_stays_while_its_access_log_is_kept(participant):
    release = _release(participant, created_at=days_ago(200), expires_at=days_ago(100))
    _access(release, days_ago(DAYS - 1))  # still within the access records' period

    assert "ended_releases: 0 deleted" in purge("--kind", "ended_releases")
    assert CredentialRelease.objects.filter(pk=release.pk).exists()


def test_a_release_goes_once_its_access_log_has_gone(participant):
    release = _release(participant, created_at=days_ago(200), expires_at=days_ago(100))
    _access(release, days_ago(150))

    dry = purge("--dry-run")
    assert "access_records: 1 would be deleted" in dry
    assert "ended_releases: 1 would be deleted" in dry

    output = purge()

    assert "access_records: 1 deleted" in output and "ended_releases: 1 deleted" in output
    assert not CredentialRelease.objects.exists() and not CredentialAccess.objects.exists()


def test_releases_with_a_log_kept_for_good_are_kept_for_good(participant):
    release = _release(participant, created_at=days_ago(2000), expires_at=days_ago(1900))
    _access(release, days_ago(1950))

    with override_settings(PATHWAYS_RETENTION_DAYS={**POLICY, "access_records": None}):
        output = purge()

    assert "access_records: kept for good" in output
    assert CredentialRelease.objects.filter(pk=release.pk).exists()


def test_finished_task_results_are_deleted_and_waiting_ones_kept():
    def task(status, finished_at):
        return DBTaskResult.objects.create(
            id=uuid.uuid4(),
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="pathways.certificates.issuance.tasks.render_certificate_pdf_task",
            backend_name="default",
            run_after=days_ago(DAYS + 10),
            finished_at=finished_at,
            exception_class_path="",
            traceback="",
        )

    old_done = task("SUCCESSFUL", days_ago(DAYS + 1))
    old_failed = task("FAILED", days_ago(DAYS + 2))
    recent = task("SUCCESSFUL", days_ago(1))
    waiting = task("READY", None)

    assert "task_results: 2 deleted" in purge("--kind", "task_results")

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not DBTaskResult.objects.filter(pk__in=[old_done.pk, old_failed.pk]).exists()


def test_sessions_that_expired_long_enough_ago_are_deleted():
    def session(expires):
        store = SessionStore()
        store["anything"] = 1
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
        return store.session_key

    old = session(days_ago(DAYS + 1))
    recent = session(days_ago(1))
    live = session(NOW + timedelta(hours=1))

    assert "sessions: 1 deleted" in purge("--kind", "sessions")

    assert set(Session.objects.values_list("session_key", flat=True)) == {recent, live}
    assert old not in Session.objects.values_list("session_key", flat=True)


def test_app_sign_in_keys_that_stopped_working_long_enough_ago_are_deleted():
    hours = settings.PATHWAYS_API_TOKEN_HOURS
    with time_machine.travel(days_ago(DAYS) - timedelta(hours=hours + 1), tick=False):
        old = Token.objects.create(user=ParticipantFactory())
    with time_machine.travel(days_ago(DAYS) - timedelta(hours=hours - 1), tick=False):
        recent = Token.objects.create(user=ParticipantFactory())
    fresh = Token.objects.create(user=ParticipantFactory())

    assert "api_tokens: 1 deleted" in purge("--kind", "api_tokens")

    assert set(Token.objects.values_list("pk", flat=True)) == {recent.pk, fresh.pk}
    assert old.pk not in Token.objects.values_list("pk", flat=True)


def test_wrong_password_records_go_once_their_pause_is_long_over():
    from axes.models import AccessAttempt

    def attempt(when, name):
        with time_machine.travel(when, tick=False):  # attempt_time is set on creation
            return AccessAttempt.objects.create(
                username=name,
                ip_address="192.0.2.1",
                user_agent="",
                get_data="",
                post_data="",
                http_accept="",
                path_info="/accounts/sign-in/",
                failures_since_start=1,
            )

    pause = timedelta(minutes=settings.PATHWAYS_SIGN_IN_PAUSE_MINUTES)
    old = attempt(days_ago(DAYS) - pause - timedelta(minutes=1), "old")
    recent = attempt(days_ago(DAYS) - pause + timedelta(minutes=1), "recent")

    assert "sign_in_failures: 1 deleted" in purge("--kind", "sign_in_failures")

    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.username == "old"


def test_legal_name_reads_past_their_period_are_deleted(staff, participant):
    with time_machine.travel(days_ago(DAYS + 1), tick=False):
        old = LegalNameRead.objects.create(reader=staff, subject=participant, path="/admin/")
    recent = LegalNameRead.objects.create(reader=staff, subject=participant, path="/admin/")

    assert "legal_name_reads: 1 deleted" in purge("--kind", "legal_name_reads")

    assert list(LegalNameRead.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


def test_erasure_records_are_kept_for_good_unless_a_period_is_set(staff):
    record = ErasureRecord.objects.create(subject_id=1, erased_by=staff, erased_at=days_ago(4000))

    with override_settings(PATHWAYS_RETENTION_DAYS={**POLICY, "erasure_records": None}):
        assert "erasure_records: kept for good" in purge("--kind", "erasure_records")
    assert ErasureRecord.objects.filter(pk=record.pk).exists()

    assert "erasure_records: 1 deleted" in purge("--kind", "erasure_records")
    assert not ErasureRecord.objects.exists()


def test_the_defaults_keep_erasure_records_and_name_every_kind():
    from demo_site.settings import base

    assert set(base.PATHWAYS_RETENTION_DAYS) == set(KINDS)
    assert base.PATHWAYS_RETENTION_DAYS["erasure_records"] is None


# Dry run, batches, idempotence -------------------------------------------------------------


def _old_everything(participant):
    release = _release(participant, created_at=days_ago(200), expires_at=days_ago(100))
    for days in (DAYS + 1, DAYS + 2, DAYS + 3):
        _access(release, days_ago(days))


def _row_counts():
    return (
        CredentialAccess.objects.count(),
        CredentialRelease.objects.count(),
        Session.objects.count(),
    )


def test_a_dry_run_counts_and_changes_nothing(participant):
    _old_everything(participant)
    before = _row_counts()

    output = purge("--dry-run")

    assert _row_counts() == before
    assert "access_records: 3 would be deleted (older than 30 days)" in output
    assert "ended_releases: 1 would be deleted" in output
    assert "Dry run: nothing was deleted." in output


def test_purging_in_small_batches_deletes_everything_expired(participant):
    _old_everything(participant)

    results = purge_expired(kinds=["access_records"], batch_size=2)

    assert results[0].count == 3
    assert not CredentialAccess.objects.exists()


def test_purging_again_deletes_nothing_more(participant):
    _old_everything(participant)
    purge()

    output = purge()

    for kind in KINDS:
        assert f"{kind}: 0 deleted" in output


def test_kind_limits_the_purge(participant):
    _old_everything(participant)

    output = purge("--kind", "access_records")

    assert "ended_releases" not in output and "sessions" not in output
    assert not CredentialAccess.objects.exists()
    assert CredentialRelease.objects.count() == 1  # not this kind, not deleted


# Settings ---------------------------------------------------------------------------------


def test_unknown_kinds_and_bad_numbers_fail_the_system_check():
    with override_settings(PATHWAYS_RETENTION_DAYS={"access_records": -1, "photos": 3}):
        errors = {error.id for error in check_retention_settings()}
    assert errors == {"pathways_privacy.E002", "pathways_privacy.E003"}
    with override_settings(PATHWAYS_RETENTION_DAYS=POLICY):
        assert check_retention_settings() == []


def _settings_in_a_new_process(value: str) -> subprocess.CompletedProcess:
    code = (
        "import json; from demo_site.settings import base; "
        "print(json.dumps(base.PATHWAYS_RETENTION_DAYS))"
    )
    env = {**os.environ, "PATHWAYS_RETENTION_DAYS": value}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_the_environment_can_change_some_kinds():
    result = _settings_in_a_new_process('{"access_records": 365, "erasure_records": 3650}')

    values = json.loads(result.stdout)
    assert values["access_records"] == 365
    assert values["erasure_records"] == 3650
    assert values["ended_releases"] == 1095  # unchanged default


def test_the_environment_must_hold_a_json_object():
    result = _settings_in_a_new_process("365")

    assert result.returncode != 0
    assert "PATHWAYS_RETENTION_DAYS must be a JSON object" in result.stderr
