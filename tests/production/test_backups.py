"""Backups: ``pathways_backup`` then ``pathways_restore`` into a fresh database and fresh storage,
and every certificate still verifies and every PDF still downloads, byte for byte.

The data is made here (real certificates, signed credentials and rendered PDFs, committed), backed
up from the test database, and restored by ``manage.py`` in another process pointed at a new
database (SQLite: a new file; PostgreSQL, when the tests run on it: a new database made here and
dropped afterwards) and new storage (a new folder, or a new bucket on the S3-compatible server).
A third process, pointed the same way, checks the restored site
(tests/production/restored_site_check.py); the test's own connection is never swapped.
"""

import hashlib
import json
import os
import subprocess  # noqa: S404
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

import pytest

from pathways.certificates.credentials.openbadges import verify
from pathways.certificates.issuance import services
from pathways.certificates.issuance.models import Certificate, CertificateStatus
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.lms.core.backups import BackupError, read_manifest
from tests.factories.accounts import ParticipantFactory, StaffFactory
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.courses import build_course
from tests.production.s3_support import (  # noqa: F401 (fixtures)
    S3_REGION,
    s3_bucket_fixture,
    s3_endpoint_fixture,
)

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
SUBPROCESS_SECONDS = 300
# Settings the restored site's processes must not inherit from this one's environment.
NOT_INHERITED = ("DATABASE_", "CACHE_", "TASKS_", "AWS_", "SENTRY_", "LOG_", "MEDIA_", "DJANGO_")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as source:
        return source.read()


def issue_certificates(names: list[str], *, revoke: int = 0) -> list[Certificate]:
    """Certificates as the site issues them, committed: signed credential, status-list bit and
    rendered PDF (the immediate task backend renders it when the issue commits)."""
    course = build_course(title="Food Safety Basics", modules=1, lessons_per_module=1)
    CertificateTemplateFactory(courses=[course])
    issued = []
    for name in names:
        user = ParticipantFactory(chosen_name=name)
        Enrolment.objects.create(
            user=user, course=course, status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
        )
        issued.append(services.certificate_issue(user=user, course=course))
    staff = StaffFactory()
    for certificate in issued[:revoke]:
        services.certificate_revoke(certificate=certificate, actor=staff, reason="Issued in error")
    certificates = list(Certificate.objects.order_by("pk"))
    assert len(certificates) == len(names)
    for certificate in certificates:
        assert certificate.pdf and certificate.credential, "issued without its PDF or credential"
    return certificates


def expected(certificates: list[Certificate]) -> dict[int, dict]:
    """What the restored site must say about each certificate: what this site says now."""
    found = {}
    for certificate in certificates:
        body = _stored(certificate.pdf.name)
        assert body.startswith(b"%PDF")
        check = verify(certificate.credential)
        assert check.signature_valid
        found[certificate.pk] = {
            "code": certificate.verification_code,
            "status": certificate.status,
            "credential_status": check.status,
            "pdf_name": certificate.pdf.name,
            "pdf_sha256": _sha256(body),
        }
    return found


def _environment(**values: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(NOT_INHERITED)}
    env.update(
        DJANGO_SETTINGS_MODULE="demo_site.settings.dev",
        # Credential ids and key addresses are made from the site's address: the same site.
        PATHWAYS_BASE_URL=settings.PATHWAYS_BASE_URL,
        PATHWAYS_VERIFY_RATE="1000/600",
        **values,
    )
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_SECONDS,
        check=False,
    )


def _postgres_url(name: str) -> str:
    values = connection.settings_dict
    user = quote(values.get("USER") or "", safe="")
    password = quote(values.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = values.get("HOST") or "127.0.0.1"
    port = values.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{name}"


@contextmanager
def fresh_database(tmp_path: Path):
    """The address of a new, empty database of the kind the tests run on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    values = connection.settings_dict
    name = f"pathways_restore_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(
        dbname="postgres",
        user=values.get("USER") or None,
        password=values.get("PASSWORD") or None,
        host=values.get("HOST") or None,
        port=values.get("PORT") or None,
        autocommit=True,
    )
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _postgres_url(name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


def back_up(directory: Path) -> dict:
    call_command("pathways_backup", str(directory), timeout=SUBPROCESS_SECONDS, verbosity=0)
    return read_manifest(directory)


def assert_manifest_lists(manifest: dict, wanted: dict[int, dict]) -> None:
    files = {entry["name"]: entry for entry in manifest["storages"]["default"]["files"]}
    for certificate in wanted.values():
        entry = files[certificate["pdf_name"]]
        assert entry["sha256"] == certificate["pdf_sha256"]
    assert manifest["storages"]["default"]["count"] == len(files) >= len(wanted)
    assert "staticfiles" not in manifest["storages"]
    tables = manifest["database"]["tables"]
    assert tables[Certificate._meta.db_table] == len(wanted)
    assert manifest["database"]["vendor"] == connection.vendor


def restore_and_check(backup: Path, env: dict[str, str]) -> dict[int, dict]:
    restored = _run(env, "manage.py", "pathways_restore", "--timeout=240", str(backup))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "counts checked" in restored.stdout

    checked = _run(env, "-m", "tests.production.restored_site_check")
    assert checked.returncode == 0, checked.stderr
    return {entry["pk"]: entry for entry in json.loads(checked.stdout)["certificates"]}


def assert_restored(found: dict[int, dict], wanted: dict[int, dict]) -> None:
    assert set(found) == set(wanted)
    for pk, certificate in wanted.items():
        entry = found[pk]
        assert entry["code"] == certificate["code"]
        # The verification page and the signed credential say what they said before.
        assert entry["status"] == certificate["status"]
        assert entry["page_status_code"] == 200
        assert entry["page_result_status"] == certificate["status"]
        assert entry["credential_signature_valid"] is True
        assert entry["credential_status"] == certificate["credential_status"]
        assert entry["credential_ok"] is (certificate["status"] == CertificateStatus.VALID)
        # The PDF is stored under the name the database gives, unchanged.
        assert entry["pdf_name"] == certificate["pdf_name"]
        assert entry["pdf_stored"] is True
        assert entry["pdf_head"] == "%PDF-"
        assert entry["pdf_sha256"] == certificate["pdf_sha256"]
        if certificate["status"] == CertificateStatus.VALID:
            # Its holder downloads it, byte for byte (streamed, or from a signed address).
            assert entry["download_status_code"] in {200, 302}
            assert entry["download_sha256"] == certificate["pdf_sha256"]


def test_a_backup_restored_into_a_fresh_database_verifies_every_certificate_and_pdf(
    tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    certificates = issue_certificates(["Amara", "Bích", "Carmen"], revoke=1)
    wanted = expected(certificates)
    assert sorted(c["status"] for c in wanted.values()) == ["revoked", "valid", "valid"]

    backup = tmp_path / "backup"
    manifest = back_up(backup)
    assert_manifest_lists(manifest, wanted)
    assert oct(backup.stat().st_mode & 0o777) == oct(0o700)

    media = tmp_path / "restored-media"
    with fresh_database(tmp_path) as database_url:
        env = _environment(DATABASE_URL=database_url, MEDIA_ROOT=str(media))
        assert_restored(restore_and_check(backup, env), wanted)

        # A second restore onto what is now there is refused, then allowed with --force (the
        # files are already there, unchanged; the row counts are checked again).
        again = _run(env, "manage.py", "pathways_restore", str(backup))
        assert again.returncode != 0 and "already has" in again.stderr
        forced = _run(env, "manage.py", "pathways_restore", "--force", str(backup))
        assert forced.returncode == 0, forced.stderr
        assert "counts checked" in forced.stdout
        assert f"{manifest['storages']['default']['count']} were already there" in forced.stdout


def test_a_backup_from_object_storage_restores_into_a_new_bucket(tmp_path, s3_bucket):
    certificates = issue_certificates(["Esi", "Farah"])
    wanted = expected(certificates)
    # The PDFs are in the bucket, not on the disk.
    assert set(s3_bucket.keys()) >= {c["pdf_name"] for c in wanted.values()}

    backup = tmp_path / "backup"
    assert_manifest_lists(back_up(backup), wanted)

    restored_bucket = f"pathways-restore-{uuid.uuid4().hex[:12]}"
    s3_bucket.client.create_bucket(Bucket=restored_bucket)
    try:
        with fresh_database(tmp_path) as database_url:
            env = _environment(
                DATABASE_URL=database_url,
                MEDIA_ROOT=str(tmp_path / "unused-media"),
                AWS_STORAGE_BUCKET_NAME=restored_bucket,
                AWS_S3_ENDPOINT_URL=s3_bucket.endpoint,
                AWS_S3_REGION_NAME=S3_REGION,
                AWS_ACCESS_KEY_ID=os.environ.get("PATHWAYS_TEST_S3_ACCESS_KEY_ID", "testing"),
                AWS_SECRET_ACCESS_KEY=os.environ.get(
                    "PATHWAYS_TEST_S3_SECRET_ACCESS_KEY", "testing"
                ),
            )
            found = restore_and_check(backup, env)
        assert_restored(found, wanted)
        for certificate in wanted.values():
            body = s3_bucket.client.get_object(Bucket=restored_bucket, Key=certificate["pdf_name"])
            assert _sha256(body["Body"].read()) == certificate["pdf_sha256"]
        assert not (tmp_path / "unused-media").exists()
    finally:
        listing = s3_bucket.client.list_objects_v2(Bucket=restored_bucket)
        for item in listing.get("Contents", []):
            s3_bucket.client.delete_object(Bucket=restored_bucket, Key=item["Key"])
        s3_bucket.client.delete_bucket(Bucket=restored_bucket)


def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    default_storage.save("certificates/example.pdf", ContentFile(b"%PDF-1.7 example"))
    backup = tmp_path / "backup"
    manifest = back_up(backup)
    (entry,) = manifest["storages"]["default"]["files"]
    (backup / "files" / "default" / entry["name"]).write_bytes(b"%PDF-1.7 changed")

    with pytest.raises(BackupError, match="damaged"):
        read_manifest(backup)
    env = _environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'never.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "restored-media"),
    )
    refused = _run(env, "manage.py", "pathways_restore", str(backup))
    assert refused.returncode != 0 and "damaged" in refused.stderr
    assert not (tmp_path / "restored-media").exists()


def test_a_backup_goes_only_into_a_new_or_empty_directory(tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "something.txt").write_text("already here")
    with pytest.raises(Exception, match="not empty"):
        call_command("pathways_backup", str(backup), verbosity=0)
