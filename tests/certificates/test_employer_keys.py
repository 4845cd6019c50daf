"""Partner employers' API keys: shown once, stored hashed, revoked at once."""

import hashlib
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from wagtail.models import ModelLogEntry

import pytest
import time_machine

from pathways.certificates.employers.models import EmployerApiKey, EmployerOrganisation
from pathways.certificates.employers.services import (
    KEY_REVOKE_ACTION,
    employer_key_authenticate,
    employer_key_create,
    employer_key_revoke,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer():
    return EmployerOrganisation.objects.create(name="Harbour Hotels")


def test_key_is_returned_once_and_only_its_hash_is_stored(employer, staff):
    key, raw = employer_key_create(employer=employer, name="HR system", actor=staff)
    prefix, secret = raw.split("_")[1:]
    assert raw.startswith("pwk_") and prefix == key.prefix and len(secret) == 43
    assert secret not in str(EmployerApiKey.objects.filter(pk=key.pk).values().get())
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert key.scopes == ["credentials:read"]
    assert employer_key_authenticate(raw) == key


@pytest.mark.parametrize(
    "presented",
    ["", "nonsense", "pwk_only", "pwk__secret", "Bearer pwk_a_b", "pwk_{prefix}_wrongsecret"],
)
def test_malformed_unknown_or_wrong_keys_do_not_authenticate(employer, staff, presented):
    key, _raw = employer_key_create(employer=employer, name="HR system", actor=staff)
    assert employer_key_authenticate(presented.format(prefix=key.prefix)) is None


def test_revoked_key_stops_working_at_once_and_the_record_stays(employer, staff):
    key, raw = employer_key_create(employer=employer, name="HR system", actor=staff)
    employer_key_revoke(key=key, actor=staff)
    assert employer_key_authenticate(raw) is None
    assert EmployerApiKey.objects.get(pk=key.pk).revoked_at is not None


def test_making_and_revoking_a_key_is_written_to_its_history_once(employer, staff):
    key, raw = employer_key_create(employer=employer, name="HR system", actor=staff)
    employer_key_revoke(key=key, actor=staff)
    employer_key_revoke(key=key, actor=staff)  # twice changes nothing
    entries = ModelLogEntry.objects.filter(object_id=str(key.pk))
    assert [(entry.action, entry.user) for entry in entries.order_by("pk")] == [
        ("wagtail.create", staff),
        (KEY_REVOKE_ACTION, staff),
    ]
    assert not [entry for entry in entries if raw.split("_")[2] in str(entry.data) + entry.label]


def test_a_key_revoked_from_the_command_line_is_written_to_its_history(employer, staff):
    key, _raw = employer_key_create(employer=employer, name="HR system", actor=staff)
    call_command("employer_key", "revoke", key.prefix, stdout=StringIO())
    entry = ModelLogEntry.objects.get(action=KEY_REVOKE_ACTION, object_id=str(key.pk))
    assert entry.user is None


def test_only_staff_create_or_revoke_keys(employer, staff, participant, employer_user):
    for someone in (participant, employer_user):
        with pytest.raises(ValidationError):
            employer_key_create(employer=employer, name="Mine", actor=someone)
    key, _raw = employer_key_create(employer=employer, name="HR system", actor=staff)
    with pytest.raises(ValidationError):
        employer_key_revoke(key=key, actor=employer_user)
    assert EmployerApiKey.objects.get(pk=key.pk).revoked_at is None
    assert EmployerApiKey.objects.count() == 1


@pytest.mark.parametrize("name, scopes", [("", None), ("HR", ["admin:everything"]), ("HR", [])])
def test_bad_key_requests_are_refused_and_change_nothing(employer, staff, name, scopes):
    with pytest.raises(ValidationError):
        employer_key_create(employer=employer, name=name, actor=staff, scopes=scopes)
    assert not EmployerApiKey.objects.exists()


def test_last_used_is_recorded_at_most_once_a_minute(employer, staff):
    key, raw = employer_key_create(employer=employer, name="HR system", actor=staff)
    with time_machine.travel("2026-12-01 10:00:00Z", tick=False):
        employer_key_authenticate(raw)
        first = EmployerApiKey.objects.get(pk=key.pk).last_used_at
    with time_machine.travel("2026-12-01 10:00:30Z", tick=False):
        employer_key_authenticate(raw)
        assert EmployerApiKey.objects.get(pk=key.pk).last_used_at == first
    with time_machine.travel("2026-12-01 10:02:00Z", tick=False):
        employer_key_authenticate(raw)
        assert EmployerApiKey.objects.get(pk=key.pk).last_used_at > first


def test_management_command_creates_lists_and_revokes_without_printing_secrets(employer, capsys):
    call_command("employer_key", "create", "--employer", "Harbour Hotels", "--name", "HR system")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    key = employer_key_authenticate(raw)
    assert key is not None
    call_command("employer_key", "list")
    listing = capsys.readouterr().out
    assert key.prefix in listing and "active" in listing and raw.split("_")[2] not in listing
    call_command("employer_key", "revoke", key.prefix)
    assert employer_key_authenticate(raw) is None
    with pytest.raises(CommandError):
        call_command("employer_key", "create", "--employer", "Nobody Ltd", "--name", "x")
    with pytest.raises(CommandError):
        call_command("employer_key", "revoke", "unknownprefix")
