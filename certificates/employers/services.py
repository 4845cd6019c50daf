"""API keys for partner employers: shown once, stored as a hash, revocable at once.

A key reads ``pwk_<prefix>_<secret>``: the prefix finds the row (and is safe to show in lists and
logs), the secret is 256 random bits of which only the SHA-256 is kept. A plain hash is enough
for a secret that long, and leaves keys valid if the site's SECRET_KEY is rotated.

Making and revoking a key are written to the key's history here, whoever asks (the admin or
``manage.py employer_key``); the secret never is.
"""

import hashlib
import hmac
import secrets
import string
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from pathways.certificates.employers.models import EmployerApiKey, EmployerOrganisation
from pathways.lms.accounts.roles import is_programme_staff

# The history entry of a revoked key (registered in ``wagtail_hooks``).
KEY_REVOKE_ACTION = "pathways.employer_key.revoke"
KEY_PREFIX = "pwk"
SCOPES = {"credentials:read": "Read the credentials shared with the employer"}
DEFAULT_SCOPES = ["credentials:read"]
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 43
# Recording every use would write on every request; once a minute is enough to show staff.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(raw: str) -> tuple[str, str] | None:
    parts = (raw or "").strip().split("_")
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


@transaction.atomic
def employer_key_create(
    *, employer: EmployerOrganisation, name: str, actor, scopes: list[str] | None = None
) -> tuple[EmployerApiKey, str]:
    """Make a key for an employer's API client. The full key is returned once, never stored."""
    if actor is not None and not is_programme_staff(actor):
        raise ValidationError(_("Only programme staff can create API keys."))
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Please give the key a name, such as the system that will use it."))
    scopes = list(DEFAULT_SCOPES if scopes is None else scopes)
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValidationError(
            _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown) or "—"}
        )
    while True:
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(10))
        if not EmployerApiKey.objects.filter(prefix=prefix).exists():
            break
    # 43 characters of 62 give 256 bits, with no "_" or "-" to confuse the key's format.
    secret = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
    key = EmployerApiKey.objects.create(
        employer=employer,
        name=name[:200],
        prefix=prefix,
        secret_hash=_hash(secret),
        scopes=scopes,
        created_by=actor,
    )
    log(instance=key, action="wagtail.create", user=actor)
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def employer_key_revoke(*, key: EmployerApiKey, actor) -> EmployerApiKey:
    """Stop a key working, from the very next request. The record stays; revoking twice changes
    nothing (and is written to the history once)."""
    if actor is not None and not is_programme_staff(actor):
        raise ValidationError(_("Only programme staff can revoke API keys."))
    key = EmployerApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        log(instance=key, action=KEY_REVOKE_ACTION, user=actor)
    return key


def employer_key_authenticate(raw: str) -> EmployerApiKey | None:
    """The live key a presented value stands for, or None (malformed, unknown, wrong or revoked)."""
    parts = _split(raw)
    if parts is None:
        return None
    prefix, secret = parts
    key = (
        EmployerApiKey.objects.select_related("employer")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        EmployerApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
