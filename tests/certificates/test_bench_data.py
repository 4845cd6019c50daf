"""manage.py bench_data: the benchmark's data set, checked at a tiny size."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.employers.services import employer_key_authenticate
from pathways.certificates.issuance.models import Certificate
from pathways.certificates.sharing.models import CredentialRelease
from pathways.certificates.sharing.selectors import shared_credentials
from pathways.lms.accounts.roles import Role, has_role

pytestmark = pytest.mark.django_db


def _run(**options) -> str:
    out = io.StringIO()
    call_command(
        "bench_data",
        participants=30,
        certificates=70,
        employers=4,
        allow_without_debug=True,
        stdout=out,
        **options,
    )
    return out.getvalue()


def test_bench_data_makes_the_numbers_asked_for_and_shares_with_the_benchmarked_employer():
    output = _run()

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

    raw_key = next(line.strip() for line in output.splitlines() if "pwk_" in line)
    key = employer_key_authenticate(raw_key)
    assert key is not None
    shared = shared_credentials(employer=key.employer)
    assert shared.exists()
    assert f"{shared.count()} certificates shared" in output
    # Only what is in force is shared, and only her own certificates.
    for item in shared:
        assert item.release.is_active
        assert item.certificate.user_id == item.release.participant_id


def test_bench_data_refuses_a_database_that_already_has_it():
    _run()
    with pytest.raises(CommandError, match="already"):
        _run()
    assert Certificate.objects.count() == 70


def test_bench_data_refuses_to_run_without_debug():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("bench_data", participants=2, certificates=2, employers=1)
    assert not Certificate.objects.exists()
