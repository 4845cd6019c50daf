"""The Bearer scheme employers' API clients use."""

import pytest
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from api.authentication import EmployerKeyAuthentication
from certificates.employer_keys import employer_key_create, employer_key_revoke
from certificates.models import EmployerOrganisation

pytestmark = pytest.mark.django_db


def _request(header: str | None):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    return APIRequestFactory().get("/api/v1/credentials/", **extra)


def test_a_valid_key_authenticates_as_its_employer(staff):
    employer = EmployerOrganisation.objects.create(name="Harbour Hotels")
    key, raw = employer_key_create(employer=employer, name="HR", actor=staff)
    user, auth = EmployerKeyAuthentication().authenticate(_request(f"Bearer {raw}"))
    assert auth == key and auth.employer == employer
    assert not user.is_authenticated


def test_no_bearer_header_leaves_it_to_other_schemes():
    assert EmployerKeyAuthentication().authenticate(_request(None)) is None
    assert EmployerKeyAuthentication().authenticate(_request("Basic abc")) is None


def test_revoked_wrong_and_malformed_keys_get_the_same_clear_401(staff):
    employer = EmployerOrganisation.objects.create(name="Harbour Hotels")
    key, raw = employer_key_create(employer=employer, name="HR", actor=staff)
    employer_key_revoke(key=key, actor=staff)
    messages = set()
    for header in (f"Bearer {raw}", "Bearer pwk_nope_nope", "Bearer not-a-key"):
        with pytest.raises(AuthenticationFailed) as failure:
            EmployerKeyAuthentication().authenticate(_request(header))
        messages.add(str(failure.value.detail))
    assert len(messages) == 1
    with pytest.raises(AuthenticationFailed, match="Authorization: Bearer"):
        EmployerKeyAuthentication().authenticate(_request("Bearer two parts"))
    assert EmployerKeyAuthentication().authenticate_header(_request(None)) == "Bearer"
