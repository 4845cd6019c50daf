"""bench/data.py: the employer API benchmark's data set, checked at a tiny size."""

from django.contrib.auth import get_user_model

import pytest

from bench.data import BenchData, BenchDataError, build_bench_data
from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.employers.services import employer_key_authenticate
from pathways.certificates.issuance.models import Certificate
from pathways.certificates.sharing.models import CredentialRelease
from pathways.certificates.sharing.selectors import shared_credentials
from pathways.lms.accounts.roles import Role, has_role

pytestmark = pytest.mark.django_db


def _build() -> BenchData:
    return build_bench_data(participants=30, certificates=70, employers=4)


def test_bench_data_makes_the_numbers_asked_for_and_shares_with_the_benchmarked_employer():
    data = _build()

    participants = get_user_model().objects.filter(username__startswith="bench-participant-")
    assert participants.count() == 30
    assert all(has_role(user, Role.PARTICIPANT) for user in participants[:5])
    assert Certificate.objects.count() == 70
    assert Certificate.objects.filter(status_list_index__isnull=True).count() == 0
    indexes = Certificate.objects.values_list("status_list_index", flat=True)
    assert len(set(indexes)) == 70
    assert EmployerOrganisation.objects.count() == 4

    statuses = {release.status for release in CredentialRelease.objects.all()}
    assert "active" in statuses
    assert statuses - {"active"}, "releases that disclose nothing should be there too"

    assert data.raw_key.startswith("pwk_")
    key = employer_key_authenticate(data.raw_key)
    assert key is not None
    assert key.employer == data.employer
    shared = shared_credentials(employer=key.employer)
    assert shared.exists()
    assert data.shared_with_employer == shared.count()
    assert data.counts["participants"] == 30
    assert data.counts["certificates"] == 70
    # Only what is in force is shared, and only her own certificates.
    for item in shared:
        assert item.release.is_active
        assert item.certificate.user_id == item.release.participant_id


def test_bench_data_refuses_a_database_that_already_has_it():
    _build()
    with pytest.raises(BenchDataError, match="already"):
        _build()
    assert Certificate.objects.count() == 70
