"""The public verification pages and the JSON-LD documents verifiers fetch."""

import json
import re
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from pathways.certificates.credentials.models import IssuerKey
from pathways.certificates.credentials.openbadges import issue_credential, issuer_of
from pathways.certificates.credentials.services import issuer_key_create
from pathways.certificates.issuance.codes import format_code, new_verification_code
from pathways.certificates.issuance.models import Certificate, NameChoice
from pathways.certificates.issuance.services import certificate_set_name_choice
from pathways.lms.accounts.profiles import profile_update
from tests.certificates.openbadges_support import (
    ISSUER_NAME,
    decode_status_list,
    make_certificate,
    make_template,
    status_bit,
)
from tests.factories.cohorts import CohortFactory


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(db, settings):
    settings.PATHWAYS_BASE_URL = "https://learn.example.org"
    cohort = CohortFactory(name="Tuesday Evening Safe Start Group")
    return make_certificate(cohort=cohort, expires_at=timezone.now() + timedelta(days=365))


def _page_url(certificate):
    return reverse("verify:code", args=[certificate.verification_code])


def _neutral(html: str) -> str:
    """A page with what differs on every request (CSRF tokens, the echoed path) blanked out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", html)
    return re.sub(r'name="next" type="hidden" value="[^"]*"', "next", html)


# Looking a certificate up by its code ------------------------------------------------------


def test_verify_page_shows_what_was_printed_and_its_status(client, certificate):
    response = client.get(_page_url(certificate))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maya" in html
    assert "Certificate of Completion" in html
    assert "Workplace Readiness" in html
    assert ISSUER_NAME in html
    assert "Valid" in html
    assert format_code(certificate.verification_code) in html
    issued = certificate.issued_at.strftime("%Y")
    assert issued in html
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )


def test_verify_page_discloses_nothing_else(client, certificate):
    course = certificate.course.specific
    html = client.get(_page_url(certificate)).content.decode()
    assert "Maria Quintero" not in html  # legal name, not printed
    assert "@example.org" not in html
    assert "Tuesday Evening Safe Start Group" not in html  # cohort
    assert course.summary and course.summary not in html
    assert certificate.user.username not in html
    assert "/learn/" not in html
    # No participant navigation for an anonymous visitor.
    assert reverse("courses:dashboard") not in html
    assert "Sign out" not in html


def test_verify_page_shows_revocation_at_once(client, certificate):
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = "Issued to the wrong person by mistake"
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    html = client.get(_page_url(certificate)).content.decode()
    assert "Revoked" in html
    assert "wrong person" not in html


def test_verify_page_shows_what_an_employer_needs_to_trust_it(client, db):
    certificate = make_certificate(
        printed_data={
            "language": "en",
            "wording": "has successfully completed",
            "hours": "12.5",
            "skills": ["Food safety", "Customer service"],
            "signatory_name": "A. Signatory",
        },
        issued_at=timezone.make_aware(datetime(2025, 3, 20, 10)),
        expires_at=timezone.make_aware(datetime(2030, 3, 20, 10)),
    )
    response = client.get(_page_url(certificate))
    html = response.content.decode()
    details = html[html.index('<dl class="verify-details">') : html.index("</dl>")]
    # The achievement, what the certificate says was done, and the skills printed on it.
    assert "<dt>Achievement</dt><dd>Workplace Readiness</dd>" in details
    assert "has successfully completed" in details
    assert "12.5 hours of learning" in details
    assert "<li>Food safety</li>" in details and "<li>Customer service</li>" in details
    # Who issued it and when; dates as this site's (British) English writes them.
    assert ISSUER_NAME in details
    assert "<dt>Completed on</dt><dd>14 March 2025</dd>" in details
    assert "<dt>Issued on</dt><dd>20 March 2025</dd>" in details
    assert "<dt>Expires</dt><dd>20 March 2030</dd>" in details
    assert "March 14, 2025" not in html
    # Nothing else printed: not the signatory, not the paper's styling.
    assert "A. Signatory" not in html


def test_verify_page_queries_stay_few(client, certificate, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get(_page_url(certificate)).status_code == 200


def test_a_revoked_certificate_shows_no_expiry_date(client, certificate):
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])
    html = client.get(_page_url(certificate)).content.decode()
    assert "revoked by its issuer" in html
    assert "Expires" not in html and "Does not expire" not in html
    assert format_code(certificate.verification_code) in html


def test_verify_pages_carry_no_exit_control_or_safety_link(client, certificate):
    for url in (_page_url(certificate), reverse("verify:index"), "/verify/NOT-A-CODE/"):
        html = client.get(url).content.decode()
        assert "/safety/exit/" not in html
        assert "Staying safe online" not in html and "Exit this page" not in html


def test_verify_page_dates_in_spanish(client, certificate):
    html = client.get(_page_url(certificate), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "14 de marzo de 2025" in html


def test_verify_page_shows_expiry(client, db, settings):
    certificate = make_certificate(
        issued_at=timezone.now() - timedelta(days=400),
        expires_at=timezone.now() - timedelta(days=35),
    )
    html = client.get(_page_url(certificate)).content.decode()
    assert "Expired" in html


def _replace(certificate):
    """Replace ``certificate`` by a newer one, as changing the name printed after the PDF does."""
    profile_update(certificate.user, legal_name="Maria Quintero")
    Certificate.objects.filter(pk=certificate.pk).update(pdf="certificates/made.pdf")
    certificate.refresh_from_db()
    newer = certificate_set_name_choice(
        certificate=certificate, user=certificate.user, name_choice=NameChoice.LEGAL
    )
    certificate.refresh_from_db()
    return newer


def test_replaced_certificate_verifies_as_replaced_and_shows_no_name(client, certificate):
    newer = _replace(certificate)
    response = client.get(_page_url(certificate))
    assert response.status_code == 200
    html = response.content.decode()
    assert "replaced by a newer one" in html
    assert "no longer valid" in html
    assert "genuine and valid" not in html
    for printed in ("Maya", "Certificate of Completion", "Workplace Readiness", ISSUER_NAME):
        assert printed not in html
    assert "Issued on" not in html and "Awarded to" not in html
    assert newer.verification_code not in html
    assert format_code(newer.verification_code) not in html
    # The newer one is valid, under the name now printed.
    newer_html = client.get(_page_url(newer)).content.decode()
    assert "genuine and valid" in newer_html and "Maria Quintero" in newer_html


def test_pasted_copy_of_a_replaced_credential_says_replaced_without_details(client, certificate):
    credential = issue_credential(certificate)
    _replace(certificate)
    html = _check(client, credential=json.dumps(credential)).content.decode()
    assert "This credential does not check out" in html
    assert "replaced by a newer certificate" in html
    assert "Maya" not in html


def test_code_is_read_in_any_case_and_grouping(client, certificate):
    for written in (
        format_code(certificate.verification_code),
        certificate.verification_code.lower(),
    ):
        response = client.get(reverse("verify:code", args=[written]))
        assert response.status_code == 200
        assert "Maya" in response.content.decode()


def test_unknown_and_malformed_codes_get_the_same_neutral_page(client, certificate):
    unknown = new_verification_code()
    malformed = certificate.verification_code[:-1] + (
        "0" if certificate.verification_code[-1] != "0" else "1"
    )
    # The clock stands still so that never_cache's Expires (to the second) is the same for all.
    with time_machine.travel(timezone.now(), tick=False):
        responses = [
            client.get(reverse("verify:code", args=[text]))
            for text in (unknown, malformed, "hello", "x" * 300)
        ]
    assert {response.status_code for response in responses} == {404}
    bodies = {_neutral(response.content.decode()) for response in responses}
    assert len(bodies) == 1
    body = bodies.pop()
    assert "We could not find a certificate with this code" in body
    for text in (unknown, malformed, format_code(unknown)):
        assert text not in body
    headers = [
        sorted(
            (k, v)
            for k, v in response.headers.items()
            if k not in {"Set-Cookie", "Content-Length", "X-Request-ID"}
        )
        for response in responses
    ]
    assert all(h == headers[0] for h in headers)


def test_code_form_redirects_to_the_certificate_page(client, certificate):
    response = client.post(
        reverse("verify:index"),
        {"form": "code", "code": format_code(certificate.verification_code).lower()},
    )
    assert response.status_code == 302
    assert response["Location"] == _page_url(certificate)


def test_code_form_points_out_a_typing_mistake_without_looking_anything_up(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.post(reverse("verify:index"), {"form": "code", "code": "ABCD-EFGH"})
    assert response.status_code == 200
    assert "not a complete certificate code" in response.content.decode()


def test_index_page_offers_both_forms(client, db):
    html = client.get(reverse("verify:index")).content.decode()
    assert 'name="code"' in html
    assert 'name="credential"' in html
    assert 'name="credential_file"' in html
    assert 'enctype="multipart/form-data"' in html


# Rate limiting ------------------------------------------------------------------------------


def test_lookups_are_rate_limited_per_client(client, certificate, settings):
    settings.PATHWAYS_VERIFY_RATE = "3/60"
    url = _page_url(certificate)
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "wait a few minutes" in response.content.decode()
    # Guessing does not get around it, and another client is not affected.
    assert client.get(reverse("verify:code", args=[new_verification_code()])).status_code == 429
    assert client.get(url, REMOTE_ADDR="192.0.2.77").status_code == 200


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(client, certificate, settings):
    settings.PATHWAYS_VERIFY_RATE = "1/60"
    url = _page_url(certificate)
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429

    cache.clear()
    settings.PATHWAYS_TRUSTED_PROXY_COUNT = 1
    assert client.get(url, HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.1").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


def test_ipv6_clients_are_counted_per_network(client, certificate, settings):
    settings.PATHWAYS_VERIFY_RATE = "1/60"
    url = _page_url(certificate)
    assert client.get(url, REMOTE_ADDR="2001:db8:1:2::1").status_code == 200
    assert client.get(url, REMOTE_ADDR="2001:db8:1:2::ffff").status_code == 429
    assert client.get(url, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_credential_checks_count_towards_the_limit(client, certificate, settings):
    settings.PATHWAYS_VERIFY_RATE = "1/60"
    data = {"form": "credential", "credential": "{}"}
    assert client.post(reverse("verify:index"), data).status_code == 200
    assert client.post(reverse("verify:index"), data).status_code == 429


# Checking a pasted or uploaded credential ------------------------------------------------------


def _check(client, **data):
    return client.post(reverse("verify:index"), {"form": "credential", **data})


def test_pasted_credential_that_checks_out(client, certificate):
    credential = issue_credential(certificate)
    response = _check(client, credential=json.dumps(credential, indent=2))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This credential checks out" in html
    assert "The signature checks out" in html
    assert "Maya" in html and ISSUER_NAME in html


def test_uploaded_credential_that_checks_out(client, certificate):
    upload = SimpleUploadedFile(
        "badge.json", json.dumps(issue_credential(certificate)).encode(), "application/json"
    )
    html = _check(client, credential_file=upload).content.decode()
    assert "This credential checks out" in html


def test_tampered_credential_does_not_check_out(client, certificate):
    credential = issue_credential(certificate)
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    html = _check(client, credential=json.dumps(credential)).content.decode()
    assert "does not check out" in html
    assert "The signature does not check out" in html
    assert "Mallory" not in html  # nothing a forger wrote is shown


def test_revoked_credential_does_not_check_out(client, certificate):
    credential = issue_credential(certificate)
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])
    html = _check(client, credential=json.dumps(credential)).content.decode()
    assert "This credential does not check out" in html
    assert "The issuer has revoked it" in html


def test_text_that_is_not_json_is_refused_plainly(client, db):
    html = _check(client, credential="this is not a credential").content.decode()
    assert "not JSON" in html


def test_an_empty_check_asks_for_a_credential(client, db):
    html = _check(client).content.decode()
    assert "Paste the credential or choose its file" in html


def test_too_large_upload_is_refused_before_it_is_read(client, db):
    upload = SimpleUploadedFile("big.json", b"{" + b" " * (300 * 1024) + b"}", "application/json")
    response = _check(client, credential_file=upload)
    assert response.status_code == 413
    assert "at most 256 KB" in response.content.decode()


def test_upload_just_over_the_limit_is_refused(client, db):
    upload = SimpleUploadedFile("big.json", b" " * (256 * 1024 + 1), "application/json")
    response = _check(client, credential_file=upload)
    assert "at most 256 KB" in response.content.decode()
    assert IssuerKey.objects.count() == 0


def test_credential_check_needs_a_csrf_token(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(reverse("verify:index"), {"form": "credential", "credential": "{}"}).status_code
        == 403
    )


# Issuer profile and status list over HTTP --------------------------------------------------


def test_issuer_profile_is_served_as_json_ld(client, certificate):
    issuer_key_create()
    url = reverse("credentials:issuer", args=[issuer_of(certificate).public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    profile = json.loads(response.content)
    assert profile["id"] == "https://learn.example.org" + url
    assert profile["name"] == ISSUER_NAME
    assert len(profile["verificationMethod"]) == 1


def test_each_key_is_served_as_a_multikey_document_its_issuer_lists(client, certificate):
    credential = issue_credential(certificate)
    method = credential["proof"]["verificationMethod"]
    assert "#" not in method
    key = IssuerKey.objects.get()
    response = client.get(method.removeprefix("https://learn.example.org"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content) == {
        "@context": "https://w3id.org/security/multikey/v1",
        "id": method,
        "type": "Multikey",
        "controller": credential["issuer"]["id"],
        "publicKeyMultibase": key.public_key_multibase,
    }
    profile = client.get(credential["issuer"]["id"].removeprefix("https://learn.example.org"))
    assert method in json.loads(profile.content)["assertionMethod"]


def test_unknown_issuers_and_keys_answer_404(client, certificate):
    issuer_key_create()
    key = IssuerKey.objects.get()
    public_id = issuer_of(certificate).public_id
    for url in (
        reverse("credentials:issuer", args=["0" * 16]),
        reverse("credentials:status_list", args=["0" * 16]),
        reverse("credentials:key", args=["0" * 16, key.public_key_multibase]),
        reverse("credentials:key", args=[public_id, "z6MkNotAKeyOfThisSite"]),
    ):
        assert client.get(url).status_code == 404


def test_every_issuer_name_has_its_own_profile_carrying_that_name(client, certificate):
    other = make_certificate(template=make_template(issuer_name="Harbourside Training"))
    profiles = {
        json.loads(
            client.get(reverse("credentials:issuer", args=[issuer_of(item).public_id])).content
        )["name"]
        for item in (certificate, other)
    }
    assert profiles == {ISSUER_NAME, "Harbourside Training"}
    assert issue_credential(other)["issuer"]["name"] == "Harbourside Training"


def test_status_list_is_served_and_changes_at_once(client, certificate):
    url = reverse("credentials:status_list", args=[issuer_of(certificate).public_id])
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/ld+json")
    assert "no-cache" in first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    encoded = json.loads(second.content)["credentialSubject"]["encodedList"]
    assert status_bit(decode_status_list(encoded), certificate.status_list_index)


def test_code_form_posts_work_under_no_referrer(certificate):
    """Under Referrer-Policy: no-referrer browsers send "Origin: null"; the same-origin fetch
    metadata header still lets the form through, and a cross-site post is still refused."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("verify:index"))
    token = browser.cookies["csrftoken"].value
    data = {"form": "code", "code": certificate.verification_code, "csrfmiddlewaretoken": token}
    same_site = browser.post(
        reverse("verify:index"), data, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert same_site.status_code in (200, 302)
    cross_site = browser.post(
        reverse("verify:index"), data, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert cross_site.status_code == 403
