"""Keeping records no longer than needed: each kind of record has a retention period in days.

``PATHWAYS_RETENTION_DAYS`` maps each kind below to a number of days, or to ``None`` to keep
that kind for good; a kind it leaves out keeps its default (``lms/core/app_settings.py``).
``manage.py purge_expired`` deletes what has passed its period, in batches, each batch in its own
transaction; running it again deletes nothing more.

Kinds, in the order they are purged:

- ``access_records``: employers' views of certificates (``CredentialAccess``), by when they
  happened. She sees them on "Who has seen my certificates" until then.
- ``ended_releases``: sharing that ended (stopped, replaced or past its end date) that many days
  ago. A release is kept while an access record that is still within its own period points at
  it, so that her log never loses a line by a side effect.
- ``legal_name_reads``: the audit of staff reading a legal name (``lms.security``).
- ``task_results``: finished background-task records (``django_tasks_db``).
- ``sessions``: sign-in sessions that expired that many days ago (a database session engine; any
  other engine clears its own, so the count is not known).
- ``api_tokens``: app sign-in keys that stopped working (``PATHWAYS_API_TOKEN_HOURS``) that many
  days ago.
- ``sign_in_failures``: wrong-password records of the sign-in limits (django-axes: the name
  typed, the client's address and browser), that many days after their pause could last.
- ``erasure_records``: the records of erasures. Kept for good by default: they prove an erasure
  happened, and hold no personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from pathways.lms.core import app_settings

BATCH_SIZE = 1000


@dataclass(frozen=True)
class PurgeResult:
    kind: str
    days: int | None
    count: int | None  # None: the kind is off, or its backend does not say
    deleted: bool
    note: str = ""


def retention_policy() -> dict[str, int | None]:
    """Days to keep each kind: the site's setting over the defaults."""
    policy = {**app_settings.DEFAULTS["PATHWAYS_RETENTION_DAYS"]}
    configured = app_settings.PATHWAYS_RETENTION_DAYS
    if isinstance(configured, dict):
        policy.update(configured)
    return {kind: policy.get(kind) for kind in KINDS}


def _cutoff(days: int, now: datetime) -> datetime:
    return now - timedelta(days=days)


# What has expired, per kind -----------------------------------------------------------------


def expired_access_records(days: int, now: datetime) -> QuerySet:
    from pathways.certificates.sharing.models import CredentialAccess

    return CredentialAccess.objects.filter(accessed_at__lt=_cutoff(days, now))


def expired_releases(days: int, now: datetime) -> QuerySet:
    from pathways.certificates.sharing.models import CredentialAccess, CredentialRelease

    ended_at = Least(
        Coalesce("revoked_at", "expires_at"),
        Coalesce("superseded_at", "expires_at"),
        "expires_at",
    )
    kept_accesses = CredentialAccess.objects.filter(release=OuterRef("pk"))
    access_days = retention_policy()["access_records"]
    if access_days is not None:
        kept_accesses = kept_accesses.filter(accessed_at__gte=_cutoff(access_days, now))
    return (
        CredentialRelease.objects.annotate(ended_at=ended_at)
        .filter(ended_at__lt=_cutoff(days, now))
        .exclude(Exists(kept_accesses))
    )


def expired_legal_name_reads(days: int, now: datetime) -> QuerySet | None:
    """The audit of staff reading legal names (``lms.security``), when that app is installed."""
    if not apps.is_installed("pathways.lms.security"):
        return None
    model = apps.get_model("pathways_security", "LegalNameRead")
    return model.objects.filter(read_at__lt=_cutoff(days, now))


def expired_task_results(days: int, now: datetime) -> QuerySet | None:
    if not apps.is_installed("django_tasks_db"):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.finished().filter(finished_at__lt=_cutoff(days, now))


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def expired_sessions(days: int, now: datetime) -> QuerySet | None:
    store = _session_store()
    if not hasattr(store, "get_model_class"):
        return None
    return store.get_model_class().objects.filter(expire_date__lt=_cutoff(days, now))


def expired_api_tokens(days: int, now: datetime) -> QuerySet | None:
    if not apps.is_installed("rest_framework.authtoken"):
        return None
    from rest_framework.authtoken.models import Token

    hours = int(app_settings.PATHWAYS_API_TOKEN_HOURS)
    return Token.objects.filter(created__lt=_cutoff(days, now) - timedelta(hours=hours))


def expired_sign_in_failures(days: int, now: datetime) -> QuerySet | None:
    """Wrong-password records (``lms.security.sign_in_limits``) that no pause counts any more."""
    if not apps.is_installed("axes"):
        return None
    from axes.models import AccessAttempt

    from pathways.lms.security.sign_in_limits import pause

    return AccessAttempt.objects.filter(attempt_time__lt=_cutoff(days, now) - pause())


def expired_erasure_records(days: int, now: datetime) -> QuerySet:
    from pathways.lms.privacy.models import ErasureRecord

    return ErasureRecord.objects.filter(erased_at__lt=_cutoff(days, now))


#: Each kind and how to find what has expired; purged in this order (access records before the
#: releases they point at).
KINDS: dict[str, Callable[[int, datetime], QuerySet | None]] = {
    "access_records": expired_access_records,
    "ended_releases": expired_releases,
    "legal_name_reads": expired_legal_name_reads,
    "task_results": expired_task_results,
    "sessions": expired_sessions,
    "api_tokens": expired_api_tokens,
    "sign_in_failures": expired_sign_in_failures,
    "erasure_records": expired_erasure_records,
}


# Purging ----------------------------------------------------------------------------------------


def _delete_in_batches(queryset: QuerySet, batch_size: int) -> int:
    model = queryset.model
    deleted = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            _total, per_model = model.objects.filter(pk__in=ids).delete()
        deleted += per_model.get(model._meta.label, 0)


def purge_kind(
    kind: str,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> PurgeResult:
    """Delete (or, with ``dry_run``, count) what of ``kind`` has passed its retention period."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of record: {kind}")
    days = retention_policy()[kind]
    if days is None:
        return PurgeResult(kind=kind, days=None, count=None, deleted=False, note="kept for good")
    now = now or timezone.now()
    queryset = KINDS[kind](days, now)
    if queryset is None:
        if kind == "sessions" and not dry_run:
            _session_store().clear_expired()
            return PurgeResult(
                kind, days, None, True, note="expired sessions cleared by the session engine"
            )
        return PurgeResult(kind, days, None, False, note="not stored in the database here")
    if dry_run:
        return PurgeResult(kind=kind, days=days, count=queryset.count(), deleted=False)
    return PurgeResult(
        kind=kind, days=days, count=_delete_in_batches(queryset, batch_size), deleted=True
    )


def purge_expired(
    *,
    kinds: list[str] | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[PurgeResult]:
    now = now or timezone.now()
    return [
        purge_kind(kind, dry_run=dry_run, now=now, batch_size=batch_size)
        for kind in KINDS
        if kinds is None or kind in kinds
    ]


# Checking the settings ---------------------------------------------------------------------------


def check_retention_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    configured = app_settings.PATHWAYS_RETENTION_DAYS
    if not isinstance(configured, dict):
        return [
            checks.Error(
                "PATHWAYS_RETENTION_DAYS must be a mapping of kinds to days.",
                hint='For example {"access_records": 730}.',
                id="pathways_privacy.E001",
            )
        ]
    for kind, days in configured.items():
        if kind not in KINDS:
            errors.append(
                checks.Error(
                    f"PATHWAYS_RETENTION_DAYS names an unknown kind of record: {kind!r}.",
                    hint="Known kinds: " + ", ".join(KINDS) + ".",
                    id="pathways_privacy.E002",
                )
            )
        elif days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
            errors.append(
                checks.Error(
                    f"PATHWAYS_RETENTION_DAYS[{kind!r}] must be a whole number of days (0 or "
                    f"more) or null, not {days!r}.",
                    id="pathways_privacy.E003",
                )
            )
    return errors
