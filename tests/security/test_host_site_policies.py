"""Pathways' policies cover Pathways' pages: on a host site, its own pages keep their own rules.

The host here has what ``wagtail start`` gives (Django's CSRF middleware kept, Django's default
``SECURE_REFERRER_POLICY``, its own ``X_FRAME_OPTIONS``), Pathways' middleware added as the README
says, none of Pathways' opt-in settings (``PATHWAYS_POLICIES_SITE_WIDE`` and
``PATHWAYS_ADMIN_SECOND_FACTOR`` off), its own page, form and API, Wagtail pages of its own, and
Pathways under ``/learning/`` (tests/security/host_site_urls.py). The standalone site turns both
settings on, so the rest of the suite covers the site-wide behaviour; the last tests here check
that it still holds for a page that is not Pathways'.
"""

import datetime as dt

from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

import pytest
import time_machine

from pathways.courses.site_tree import default_site_root
from pathways.lms.security.checks import (
    check_admin_second_factor,
    check_security_middleware,
    staff_without_second_factor,
)
from tests.factories.accounts import FacilitatorFactory, ParticipantFactory, StaffFactory
from tests.security.support import enrol_authenticator

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
CSRF = "pathways.lms.security.middleware.SameOriginCsrfViewMiddleware"
DJANGO_CSRF = "django.middleware.csrf.CsrfViewMiddleware"
# `wagtail start`'s MIDDLEWARE, with Pathways' added where the README says.
HOST_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    CSRF,
    DJANGO_CSRF,
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pathways.lms.security.middleware.AdminSecondFactorMiddleware",
    "pathways.lms.security.middleware.ContentSecurityPolicyMiddleware",
    "pathways.lms.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pathways.lms.safety.middleware.SessionTimeoutMiddleware",
    "pathways.lms.safety.middleware.SafetyNoticeMiddleware",
    "pathways.lms.core.middleware.PrivatePageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]
PATHWAYS_HEADERS = ("Content-Security-Policy",)


@pytest.fixture
def host(settings):
    """A host site's settings: none of Pathways' opt-ins, Django's defaults for the rest."""
    settings.ROOT_URLCONF = "tests.security.host_site_urls"
    settings.MIDDLEWARE = HOST_MIDDLEWARE
    settings.PATHWAYS_POLICIES_SITE_WIDE = False
    settings.PATHWAYS_ADMIN_SECOND_FACTOR = False
    settings.SECURE_REFERRER_POLICY = "same-origin"  # Django's default
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"  # the host's own choice
    settings.SILENCED_SYSTEM_CHECKS = []
    return settings


@pytest.fixture
def host_page(db):
    """A plain Wagtail page of the host's, next to Pathways' course pages."""
    from wagtail.models import Page

    return default_site_root().add_child(instance=Page(title="About us", slug="about-us"))


@pytest.fixture
def newcomer(db):
    """A participant who has not read the safety notice yet."""
    return ParticipantFactory(safety_notice_seen_at=None)


def assert_hosts_own(response, *, cached=True):
    """None of Pathways' headers: the host's own rules, as Django applies them. (The Wagtail
    admin's own views say never_cache themselves, so ``cached`` is False for them.)"""
    for header in PATHWAYS_HEADERS:
        assert header not in response, header
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    if cached:
        assert "no-store" not in response.get("Cache-Control", "")


def assert_pathways(response):
    assert "Content-Security-Policy" in response
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Frame-Options"] == "DENY"


# Headers and caching -------------------------------------------------------------------------


def test_the_hosts_own_pages_get_none_of_pathways_headers(host, client, participant, host_page):
    client.force_login(participant)
    for url in ("/about/", host_page.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hosts_own(response)
    client.logout()
    assert_hosts_own(client.get(reverse("wagtailadmin_login")), cached=False)


def test_pathways_pages_still_get_them(host, client, participant, course):
    client.force_login(participant)
    dashboard = client.get(reverse("courses:dashboard"))
    assert dashboard.request["PATH_INFO"].startswith("/learning/")
    assert dashboard.status_code == 200
    assert_pathways(dashboard)
    assert "script-src 'self';" in dashboard["Content-Security-Policy"]
    assert "no-store" in dashboard["Cache-Control"]
    # A Wagtail page served by one of Pathways' page models is Pathways' too.
    assert_pathways(client.get(course.url))
    # Pages that are not signed in get the headers too.
    client.logout()
    assert_pathways(client.get(reverse("accounts:login")))


def test_the_api_docs_mounted_from_drf_spectacular_are_pathways(host, client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert "'nonce-" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_only_pathways_api_is_never_stored(host, client, participant):
    client.force_login(participant)
    assert "no-store" in client.get(reverse("api:me"))["Cache-Control"]
    client.logout()
    hosts = client.get("/api/v2/pages/", headers={"Authorization": "Bearer x"})
    assert hosts.json() == {"host": True}
    assert "no-store" not in hosts.get("Cache-Control", "")
    assert "Content-Security-Policy" not in hosts


# Sessions and the safety notice ---------------------------------------------------------------


def test_the_host_signs_nobody_out_but_pathways_pages_do(host, participant, host_page):
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        client.force_login(participant)
        clock.shift(dt.timedelta(minutes=31))
        for url in ("/about/", host_page.url):
            response = client.get(url)
            assert response.status_code == 200
            assert response.wsgi_request.user.is_authenticated
        # The host's pages did not revive a session past the limit: Pathways' next page ends it.
        response = client.get(reverse("courses:dashboard"))
        assert response.status_code == 302
        assert client.get("/about/").wsgi_request.user.is_anonymous


def test_activity_on_the_hosts_pages_keeps_the_session_for_pathways_pages(host, participant):
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        client.force_login(participant)
        for _ in range(3):
            clock.shift(dt.timedelta(minutes=20))
            assert client.get("/about/").status_code == 200
        assert client.get(reverse("courses:dashboard")).status_code == 200


def test_the_safety_notice_holds_back_pathways_pages_only(host, client, newcomer, host_page):
    client.force_login(newcomer)
    for url in ("/about/", host_page.url):
        assert client.get(url).status_code == 200, url
    response = client.get(reverse("courses:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("safety:notice"))


# The admin's second factor --------------------------------------------------------------------


@pytest.mark.parametrize("make_user", [StaffFactory, FacilitatorFactory])
def test_editors_reach_the_admin_with_a_password_when_the_second_factor_is_off(host, make_user):
    client = Client()
    client.force_login(make_user())
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert_hosts_own(response, cached=False)


def test_the_second_factor_setting_turns_the_demand_on(host, client):
    host.PATHWAYS_ADMIN_SECOND_FACTOR = True
    client.force_login(StaffFactory())
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:two_factor_setup"))


# CSRF -----------------------------------------------------------------------------------------


def _csrf_client(path):
    client = Client(enforce_csrf_checks=True)
    client.get(path)
    return client, client.cookies[django_settings.CSRF_COOKIE_NAME].value


def test_the_hosts_views_keep_djangos_csrf_check(host):
    client, token = _csrf_client("/about/")
    data = {"csrfmiddlewaretoken": token}
    null_origin = {"origin": "null", "sec_fetch_site": "same-origin"}
    assert client.post("/about/", data, headers=null_origin).status_code == 403
    assert client.post("/about/", data, headers={"origin": "http://testserver"}).status_code == 200


def test_pathways_views_accept_their_own_no_referrer_forms(host, password):
    ParticipantFactory(username="rosa")
    client, token = _csrf_client(reverse("accounts:login"))
    data = {"username": "rosa", "password": password, "csrfmiddlewaretoken": token}
    headers = {"origin": "null", "sec_fetch_site": "same-origin"}
    response = client.post(reverse("accounts:login"), data, headers=headers)
    assert response.status_code == 302
    # The language switcher in Pathways' footer posts to Django's view, from a no-referrer page.
    response = client.post(
        reverse("set_language"),
        {"language": "es", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        headers=headers,
    )
    assert response.status_code == 302


# Checks ---------------------------------------------------------------------------------------


def test_the_host_middleware_passes_the_checks(host):
    assert check_security_middleware(None) == []


def test_django_csrf_middleware_before_pathways_is_an_error(host):
    middleware = [m for m in HOST_MIDDLEWARE if m != CSRF]
    after_djangos = middleware.index(DJANGO_CSRF) + 1
    host.MIDDLEWARE = [*middleware[:after_djangos], CSRF, *middleware[after_djangos:]]
    assert [e.id for e in check_security_middleware(None)] == ["pathways_security.E005"]
    host.MIDDLEWARE = middleware
    assert [e.id for e in check_security_middleware(None)] == ["pathways_security.E005"]


def test_a_deploy_warning_while_staff_reach_the_admin_with_a_password_alone(host):
    staff, facilitator = StaffFactory(), FacilitatorFactory()
    ParticipantFactory()
    assert staff_without_second_factor() == 2
    [warning] = check_admin_second_factor(None)
    assert warning.id == "pathways_security.W003"
    assert "2 programme staff or facilitators" in warning.msg
    assert "pathways_security.W003" in {m.id for m in run_checks(include_deployment_checks=True)}
    assert "pathways_security.W003" not in {m.id for m in run_checks()}

    enrol_authenticator(staff)
    enrol_authenticator(facilitator)
    assert check_admin_second_factor(None) == []


def test_no_deploy_warning_when_the_second_factor_is_on(host):
    StaffFactory()
    host.PATHWAYS_ADMIN_SECOND_FACTOR = True
    assert check_admin_second_factor(None) == []


@pytest.mark.parametrize("name", ["PATHWAYS_POLICIES_SITE_WIDE", "PATHWAYS_ADMIN_SECOND_FACTOR"])
def test_the_opt_ins_must_be_true_or_false(settings, name):
    setattr(settings, name, "false")
    assert any(name in m.msg for m in run_checks() if m.id.startswith("pathways_security.E"))


# The standalone site: site-wide ---------------------------------------------------------------


def test_the_standalone_site_covers_every_page(client, participant, host_page):
    assert django_settings.PATHWAYS_POLICIES_SITE_WIDE is True
    assert django_settings.PATHWAYS_ADMIN_SECOND_FACTOR is True
    client.force_login(participant)
    for url in (host_page.url, reverse("wagtailadmin_login"), "/"):
        response = client.get(url)
        assert "Content-Security-Policy" in response, url
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]


def test_the_standalone_site_signs_out_on_any_page(participant, host_page):
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        client.force_login(participant)
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(host_page.url)
        assert response.status_code == 302
        assert not client.get(host_page.url).wsgi_request.user.is_authenticated
