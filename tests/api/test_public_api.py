"""The public verification API: what the verification page shows, nothing more, rate limited."""

import json
from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.certificates.issuance.codes import format_code, new_verification_code
from pathways.certificates.issuance.models import Certificate
from pathways.lms.accounts.profiles import profile_update
from tests.factories.certificates import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(participant):
    profile_update(participant, legal_name="Maria Quintero")
    return CertificateFactory(
        user=participant,
        printed_data={"hours": "37", "skills": ["Food safety"]},
        expires_at=timezone.now() + timedelta(days=365),
    )


def url(code: str) -> str:
    return reverse("api:verify", args=[code])


def test_verify_shows_what_the_page_shows(api_client, certificate):
    response = api_client.get(url(format_code(certificate.verification_code)))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "code",
        "status",
        "name",
        "title",
        "achievement",
        "issuer",
        "issued_at",
        "expires_at",
    }
    assert body["code"] == format_code(certificate.verification_code)
    assert body["status"] == "valid"
    assert body["name"] == "Maya"
    assert body["title"] == certificate.printed_title
    assert body["achievement"] == certificate.printed_achievement
    assert body["issuer"] == certificate.printed_issuer_name
    assert body["issued_at"] and body["expires_at"]
    text = response.content.decode()
    for private in ("Maria Quintero", "Food safety", '"37"', certificate.user.username):
        assert private not in text
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_verify_tolerates_case_dashes_and_spaces(api_client, certificate):
    code = format_code(certificate.verification_code)
    for variant in (certificate.verification_code, code.lower(), code.replace("-", " ")):
        assert api_client.get(url(variant)).status_code == 200


@pytest.mark.parametrize("status", ["expired", "revoked"])
def test_verify_says_when_a_certificate_is_expired_or_revoked(api_client, certificate, status):
    if status == "expired":
        certificate.expires_at = timezone.now() - timedelta(days=1)
    else:
        certificate.revoked_at = timezone.now()
    certificate.save()
    assert api_client.get(url(certificate.verification_code)).json()["status"] == status


def test_verify_says_a_replaced_certificate_was_replaced_and_shows_nothing_it_printed(
    api_client, certificate
):
    key = certificate.achievement_key
    Certificate.objects.filter(pk=certificate.pk).update(achievement_key=f"{key}~old")
    newer = CertificateFactory(
        user=certificate.user, course=certificate.course, template=certificate.template
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        superseded_by=newer, superseded_at=timezone.now(), achievement_key=key
    )
    response = api_client.get(url(certificate.verification_code))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "replaced"
    assert body["code"] == format_code(certificate.verification_code)
    assert {name for name, value in body.items() if value is not None} == {"code", "status"}
    text = response.content.decode()
    assert "Maya" not in text and certificate.printed_title not in text
    assert api_client.get(url(newer.verification_code)).json()["status"] == "valid"


def test_unknown_and_malformed_codes_get_the_same_404(api_client, certificate):
    unknown = api_client.get(url(new_verification_code()))
    typo = certificate.verification_code[:-2] + (
        "0" if certificate.verification_code[-2] != "0" else "1"
    )
    responses = [unknown, api_client.get(url("not-a-code")), api_client.get(url(typo))]
    assert {r.status_code for r in responses} == {404}
    bodies = {json.dumps(r.json(), sort_keys=True) for r in responses}
    assert len(bodies) == 1
    assert json.loads(bodies.pop())["error"]["code"] == "not_found"


def test_verify_needs_no_authentication_and_ignores_bad_credentials(api_client, certificate):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-key")
    assert api_client.get(url(certificate.verification_code)).status_code == 200


def test_too_many_lookups_get_429_with_retry_after_in_the_error_format(
    api_client, certificate, settings
):
    settings.PATHWAYS_VERIFY_RATE = "3/600"
    for _ in range(3):
        assert api_client.get(url(new_verification_code())).status_code == 404
    response = api_client.get(url(certificate.verification_code))
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["status"] == 429 and error["code"] == "throttled" and error["message"]
    assert 0 < int(response["Retry-After"]) <= 600
    assert "Maya" not in response.content.decode()


def test_the_page_and_the_api_share_one_lookup_budget(api_client, client, certificate, settings):
    settings.PATHWAYS_VERIFY_RATE = "2/600"
    assert client.get(reverse("verify:code", args=[new_verification_code()])).status_code == 404
    assert client.get(reverse("verify:code", args=[new_verification_code()])).status_code == 404
    assert api_client.get(url(certificate.verification_code)).status_code == 429
