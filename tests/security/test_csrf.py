"""CSRF with Referrer-Policy: no-referrer: our own forms post with "Origin: null", which is
accepted only when the browser says the form came from this site; everything else gets Django's
checks, and the token is always checked."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

import pytest

from pathways.lms.security.middleware import SameOriginCsrfViewMiddleware
from tests.factories.accounts import ParticipantFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "accounts:login"


@pytest.fixture
def csrf_client():
    """A client that enforces CSRF like a browser, with the CSRF cookie already set."""
    client = Client(enforce_csrf_checks=True)
    response = client.get(reverse(SIGN_IN))
    assert response.status_code == 200
    return client


@pytest.fixture(autouse=True)
def rosa(db):
    return ParticipantFactory(username="rosa")


def _sign_in(client, password, *, token=True, secure=False, **headers):
    data = {"username": "rosa", "password": password}
    if token:
        data["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(reverse(SIGN_IN), data, secure=secure, headers=headers)


def test_csrf_middleware_is_the_same_origin_aware_subclass():
    assert "pathways.lms.security.middleware.SameOriginCsrfViewMiddleware" in settings.MIDDLEWARE
    assert "django.middleware.csrf.CsrfViewMiddleware" not in settings.MIDDLEWARE
    assert settings.SECURE_REFERRER_POLICY == "no-referrer"


def test_our_own_form_posted_under_no_referrer_is_accepted(csrf_client, password):
    response = _sign_in(csrf_client, password, origin="null", sec_fetch_site="same-origin")
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:dashboard")


def test_origin_null_without_the_browser_saying_same_origin_is_refused(csrf_client, password):
    assert _sign_in(csrf_client, password, origin="null").status_code == 403


def test_origin_null_from_another_site_is_refused(csrf_client, password):
    response = _sign_in(csrf_client, password, origin="null", sec_fetch_site="cross-site")
    assert response.status_code == 403


def test_a_cross_site_post_with_a_valid_token_is_still_refused(csrf_client, password):
    response = _sign_in(
        csrf_client, password, origin="https://evil.example", sec_fetch_site="cross-site"
    )
    assert response.status_code == 403


def test_a_foreign_origin_is_refused_even_if_it_claims_same_origin(csrf_client, password):
    # Sec-Fetch-Site counts only where the Origin says nothing (null or missing).
    response = _sign_in(
        csrf_client, password, origin="https://evil.example", sec_fetch_site="same-origin"
    )
    assert response.status_code == 403


def test_the_token_is_still_checked_for_our_own_forms(csrf_client, password):
    response = _sign_in(
        csrf_client, password, token=False, origin="null", sec_fetch_site="same-origin"
    )
    assert response.status_code == 403


def test_a_matching_origin_passes_as_with_django(csrf_client, password):
    response = _sign_in(csrf_client, password, origin="http://testserver")
    assert response.status_code == 302


def test_over_https_a_post_without_referer_is_accepted_only_from_this_site(password):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse(SIGN_IN), secure=True)
    assert _sign_in(client, password, secure=True).status_code == 403
    response = _sign_in(client, password, secure=True, sec_fetch_site="same-origin")
    assert response.status_code == 302


def test_the_override_only_relaxes_origin_and_referer():
    # The token check is Django's own, untouched.
    assert "_check_token" not in SameOriginCsrfViewMiddleware.__dict__
    assert "process_view" not in SameOriginCsrfViewMiddleware.__dict__
