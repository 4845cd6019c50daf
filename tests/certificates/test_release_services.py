"""Sharing certificates with employers: informed, written, specific, time-limited, revocable."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

import pytest
import time_machine

from pathways.certificates.sharing.consent import CONSENT_VERSION, consent_text
from pathways.certificates.sharing.models import (
    AccessChannel,
    CredentialAccess,
    CredentialRelease,
    ReleaseMethod,
    ReleaseStatus,
)
from pathways.certificates.sharing.selectors import (
    employer_active_releases,
    shared_credential,
    shared_credentials,
    shared_view,
)
from pathways.certificates.sharing.services import (
    access_record,
    default_end_date,
    latest_end_date,
    release_create,
    release_revoke,
)
from pathways.lms.accounts.profiles import profile_update
from tests.factories.certificates import (
    CertificateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer():
    return EmployerOrganisationFactory(name="Harbour Hotels")


@pytest.fixture
def certificate(participant):
    return CertificateFactory(user=participant)


def _create(participant, employer, certificates, **overrides):
    values = {
        "participant": participant,
        "employer": employer,
        "certificates": certificates,
        "disclosed_fields": ["dates"],
        "purpose": "A job application",
        "ends_on": None,
        "signature": participant.pathways_profile.chosen_name,
        "actor": participant,
    }
    values.update(overrides)
    return release_create(**values)


def _shared_codes(employer):
    return {rc.certificate.verification_code for rc in shared_credentials(employer=employer)}


def test_release_records_consent_text_signature_and_default_end(participant, employer, certificate):
    release = _create(participant, employer, [certificate])
    assert release.consent_version == CONSENT_VERSION
    assert release.consent_text == consent_text(employer_name="Harbour Hotels")
    assert "Harbour Hotels" in release.consent_text
    assert release.signature == participant.pathways_profile.chosen_name
    assert release.method == ReleaseMethod.ONLINE and release.recorded_by is None
    assert timezone.localtime(release.expires_at).date() == default_end_date() + timedelta(days=1)
    assert list(release.certificates.all()) == [certificate]
    assert release.status == ReleaseStatus.ACTIVE
    assert _shared_codes(employer) == {certificate.verification_code}


def test_signature_must_be_her_name(participant, employer, certificate):
    with pytest.raises(ValidationError, match="type your name"):
        _create(participant, employer, [certificate], signature="Someone Else")
    with pytest.raises(ValidationError, match="Type your name"):
        _create(participant, employer, [certificate], signature="   ")
    profile_update(participant, legal_name="María José Pérez")
    release = _create(participant, employer, [certificate], signature="  maría josé   PÉREZ ")
    assert release.signature == "maría josé PÉREZ"


def test_end_date_is_limited_to_365_days(participant, employer, certificate):
    with pytest.raises(ValidationError, match="365 days"):
        _create(participant, employer, [certificate], ends_on=latest_end_date() + timedelta(1))
    with pytest.raises(ValidationError, match="passed"):
        _create(participant, employer, [certificate], ends_on=timezone.localdate() - timedelta(1))
    assert not CredentialRelease.objects.exists()
    release = _create(participant, employer, [certificate], ends_on=latest_end_date())
    assert timezone.localtime(release.expires_at).date() == latest_end_date() + timedelta(days=1)


def test_she_can_share_only_her_own_current_certificates(
    participant, other_participant, employer, certificate
):
    hers_revoked = CertificateFactory(user=participant, revoked_at=timezone.now())
    theirs = CertificateFactory(user=other_participant)
    for certificates in ([theirs], [certificate, theirs], [hers_revoked], []):
        with pytest.raises(ValidationError):
            _create(participant, employer, certificates)
    assert not CredentialRelease.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"disclosed_fields": ["address"]}, "cannot be shared"),
        ({"purpose": " "}, "Say why"),
        ({"purpose": "x" * 501}, "too long"),
        ({"consent_version": "1999-01"}, "changed"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    participant, employer, certificate, overrides, message
):
    with pytest.raises(ValidationError, match=message):
        _create(participant, employer, [certificate], **overrides)
    assert not CredentialRelease.objects.exists()


def test_nobody_else_can_sign_for_her(participant, other_participant, staff, employer, certificate):
    with pytest.raises(ValidationError):
        _create(participant, employer, [certificate], actor=other_participant)
    with pytest.raises(ValidationError):
        _create(participant, employer, [certificate], actor=staff)  # online needs her
    with pytest.raises(ValidationError):
        _create(participant, employer, [certificate], actor=participant, method=ReleaseMethod.PAPER)
    assert not CredentialRelease.objects.exists()


def test_staff_can_record_consent_given_on_paper(participant, staff, employer, certificate):
    release = _create(
        participant,
        employer,
        [certificate],
        actor=staff,
        method=ReleaseMethod.PAPER,
        signature="M. (signed form on file)",
        staff_note="Form scanned to case file",
    )
    assert release.method == ReleaseMethod.PAPER
    assert release.recorded_by == staff
    assert _shared_codes(employer) == {certificate.verification_code}


def test_renewing_supersedes_the_current_release(participant, employer, certificate):
    first = _create(participant, employer, [certificate])
    second_certificate = CertificateFactory(user=participant)
    second = _create(participant, employer, [second_certificate], disclosed_fields=[])
    first.refresh_from_db()
    assert first.status == ReleaseStatus.SUPERSEDED and first.superseded_by == second
    assert second.status == ReleaseStatus.ACTIVE
    assert _shared_codes(employer) == {second_certificate.verification_code}
    assert list(employer_active_releases(employer=employer)) == [second]


def test_database_allows_one_current_release_per_employer(participant, employer, certificate):
    CredentialReleaseFactory(participant=participant, employer=employer)
    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialReleaseFactory(participant=participant, employer=employer)


def test_releases_to_different_employers_are_independent(participant, employer, certificate):
    other = EmployerOrganisationFactory(name="Riverside Care")
    _create(participant, employer, [certificate])
    _create(participant, other, [certificate])
    assert _shared_codes(employer) == _shared_codes(other) == {certificate.verification_code}


def test_revoking_applies_to_the_very_next_read(participant, employer, certificate):
    release = _create(participant, employer, [certificate])
    assert _shared_codes(employer)
    release_revoke(release=release, actor=participant)
    assert _shared_codes(employer) == set()
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REVOKED and release.revoked_by == participant
    revoked_at = release.revoked_at
    release_revoke(release=release, actor=participant)  # twice changes nothing
    release.refresh_from_db()
    assert release.revoked_at == revoked_at
    # She can share again afterwards.
    assert _create(participant, employer, [certificate]).status == ReleaseStatus.ACTIVE


def test_only_she_or_staff_can_stop_sharing(participant, other_participant, staff, employer):
    release = CredentialReleaseFactory(participant=participant, employer=employer)
    with pytest.raises(ValidationError):
        release_revoke(release=release, actor=other_participant)
    with pytest.raises(ValidationError, match="Say how"):
        release_revoke(release=release, actor=staff, method=ReleaseMethod.ORAL)
    release_revoke(release=release, actor=staff, method=ReleaseMethod.ORAL, note="Phoned 3pm")
    release.refresh_from_db()
    assert release.revocation_method == ReleaseMethod.ORAL and release.revoked_by == staff


def test_expiry_applies_to_the_very_next_read(participant, employer, certificate):
    ends_on = timezone.localdate() + timedelta(days=3)
    _create(participant, employer, [certificate], ends_on=ends_on)
    end = CredentialRelease.objects.get().expires_at
    with time_machine.travel(end - timedelta(seconds=1), tick=False):
        assert _shared_codes(employer)
    with time_machine.travel(end, tick=False):
        assert _shared_codes(employer) == set()
        assert CredentialRelease.objects.get().status == ReleaseStatus.EXPIRED


def test_a_replaced_certificate_is_no_longer_shared(participant, employer, certificate):
    _create(participant, employer, [certificate])
    replacement = CertificateFactory(user=participant, achievement_key="course:other")
    certificate.superseded_by = replacement
    certificate.superseded_at = timezone.now()
    certificate.save()
    assert _shared_codes(employer) == set()
    with pytest.raises(Http404):
        shared_credential(employer=employer, code=certificate.verification_code)


def test_shared_view_shows_only_what_she_chose(participant, employer, certificate):
    release = _create(participant, employer, [certificate], disclosed_fields=["skills"])
    view = shared_view(release.released_certificates.select_related("release", "certificate")[0])
    assert view.name == certificate.printed_name and view.title == certificate.printed_title
    assert view.issued_at is None and view.completed_on is None and view.hours is None
    assert view.skills == [] and view.document_shared is False


def test_access_record_writes_one_row_per_item_in_one_query(
    participant, employer, django_assert_num_queries
):
    certificates = [CertificateFactory(user=participant) for _ in range(3)]
    _create(participant, employer, certificates, disclosed_fields=["hours"])
    shared = list(shared_credentials(employer=employer))
    with django_assert_num_queries(1):
        access_record(shared=shared, channel=AccessChannel.API)
    records = CredentialAccess.objects.all()
    assert records.count() == 3
    assert {r.certificate_id for r in records} == {c.pk for c in certificates}
    assert all(r.disclosed_fields[-1] == "hours" and r.participant == participant for r in records)
