"""All of Pathways mounts under one include at a prefix the host site chooses.

The host here (tests/host_urls.py) has its own pages and API, and mounts Pathways under
``learning/`` in front of Wagtail's catch-all. It sets none of Django's sign-in settings, so they
keep Django's defaults (``/accounts/login/``, which is not Pathways'). Every page, link, redirect,
API path and credential id must then sit under ``/learning/``. The standalone site mounts the same
include at the root, which the rest of the suite covers.
"""

import re
from urllib.parse import urlsplit

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

import pytest

from pathways.certificates.credentials.openbadges import build_credential
from pathways.certificates.issuance.codes import format_code, verification_url
from pathways.lms.core.middleware import is_api_request
from tests.certificates.openbadges_support import make_certificate
from tests.factories.accounts import ParticipantFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.host_urls")]

PREFIX = "/learning/"
BASE_URL = "https://learn.example.org"
# Attributes that hold an address a browser follows or a page's script calls.
LINK = re.compile(r'\s(?:href|src|action|data-[\w-]*url)="([^"]*)"')


@pytest.fixture(autouse=True)
def host_settings(settings):
    """What a host site has: Django's own sign-in settings (none names Pathways' pages), and
    Pathways' policies on Pathways' pages only."""
    del settings.LOGIN_URL
    del settings.LOGIN_REDIRECT_URL
    del settings.LOGOUT_REDIRECT_URL
    settings.PATHWAYS_POLICIES_SITE_WIDE = False
    settings.PATHWAYS_BASE_URL = BASE_URL
    cache.clear()
    yield settings
    cache.clear()


def local_links(html: str, settings) -> list[str]:
    """The site's own addresses a page links to or calls, less its static and media files."""
    own_files = (settings.STATIC_URL, settings.MEDIA_URL)
    parts = [urlsplit(value) for value in LINK.findall(html)]
    links = [part.path for part in parts if not part.netloc and part.path.startswith("/")]
    return [link for link in links if not link.startswith(own_files)]


def assert_links_under_the_prefix(response, settings):
    assert response.status_code == 200
    links = local_links(response.content.decode(), settings)
    assert links, "the page links to nothing of its own"
    assert [link for link in links if not link.startswith(PREFIX)] == []


def test_the_sign_in_page_answers_under_the_prefix_and_links_only_below_it(client, settings):
    url = reverse("accounts:login")
    assert url == "/learning/accounts/sign-in/"
    response = client.get(url)
    assert_links_under_the_prefix(response, settings)
    # The brand is Pathways' own front door, not a URL named "home" that the host may lack.
    assert 'class="brand" href="/learning/accounts/sign-in/"' in response.content.decode()


def test_a_signed_out_visitor_is_sent_to_pathways_sign_in_not_the_hosts_login_url(client):
    response = client.get("/learning/learn/")
    assert response.status_code == 302
    assert response["Location"] == "/learning/accounts/sign-in/?next=/learning/learn/"


def test_signing_in_and_out_stays_under_the_prefix(client, password):
    person = ParticipantFactory()
    response = client.post(
        "/learning/accounts/sign-in/", {"username": person.username, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/learning/learn/"
    assert client.session[SESSION_KEY] == str(person.pk)

    response = client.post("/learning/accounts/sign-out/")
    assert response.status_code == 302
    assert response["Location"] == "/learning/accounts/sign-in/"


def test_a_course_page_answers_under_the_prefix_and_links_only_below_it(
    client, participant, course, settings
):
    client.force_login(participant)
    url = reverse("courses:course", args=[course.pk])
    assert url == f"/learning/learn/courses/{course.pk}/"
    response = client.get(url)
    assert_links_under_the_prefix(response, settings)
    assert 'class="brand" href="/learning/learn/"' in response.content.decode()
    # The course's Wagtail page, in the host's page tree, sends her there too.
    assert client.get(course.url)["Location"] == url


def test_the_safety_notice_comes_first_under_the_prefix(client, course):
    newcomer = ParticipantFactory(safety_notice_seen_at=None)
    client.force_login(newcomer)
    response = client.get("/learning/learn/")
    assert response.status_code == 302
    assert response["Location"] == "/learning/safety/?next=%2Flearning%2Flearn%2F"


def test_the_verify_pages_answer_under_the_prefix_and_link_only_below_it(client, settings):
    certificate = make_certificate()
    index = client.get("/learning/verify/")
    assert_links_under_the_prefix(index, settings)

    url = reverse("verify:code", args=[certificate.verification_code])
    assert url == f"/learning/verify/{certificate.verification_code}/"
    page = client.get(url)
    assert_links_under_the_prefix(page, settings)
    assert verification_url(certificate.verification_code) == BASE_URL + url


def test_the_employer_portal_answers_under_the_prefix_and_links_only_below_it(
    client, employer_user, shared_certificate, settings
):
    client.force_login(employer_user)
    response = client.get("/learning/employer/")
    assert_links_under_the_prefix(response, settings)
    code = format_code(shared_certificate.certificate.verification_code)
    assert f'href="/learning/employer/credentials/{code}/"' in response.content.decode()


def test_the_api_answers_an_employer_key_under_the_prefix(
    api_client, employer_key, shared_certificate
):
    _, raw_key = employer_key
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    response = api_client.get("/learning/api/v1/employer/credentials/")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    code = format_code(shared_certificate.certificate.verification_code)
    assert item["url"] == f"http://testserver/learning/api/v1/employer/credentials/{code}/"
    assert "no-store" in response["Cache-Control"]
    # Anything else below the API's root is the API's own 404, in its error format.
    missing = api_client.get("/learning/api/v1/no/such/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def _schema(client) -> dict:
    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_api_schema_lists_every_operation_under_the_prefix(client, settings):
    document = _schema(client)
    paths = document["paths"]
    assert paths and all(path.startswith("/learning/api/v1/") for path in paths)
    assert "/learning/api/v1/employer/credentials/" in paths

    # The same operations, with the same ids, as the standalone site's schema at the root.
    settings.ROOT_URLCONF = "demo_site.urls"
    standalone = _schema(client)

    def operations(doc, prefix):
        return {
            (path.removeprefix(prefix), method): operation["operationId"]
            for path, methods in doc["paths"].items()
            for method, operation in methods.items()
        }

    assert operations(document, "/learning") == operations(standalone, "")
    assert "/learning/api/v1/auth/token/" in str(document["components"]["securitySchemes"])


def test_the_api_docs_load_the_schema_from_under_the_prefix(client):
    response = client.get("/learning/api/v1/docs/")
    assert response.status_code == 200
    assert "/learning/api/v1/schema/" in response.content.decode()


def test_a_credentials_ids_are_under_the_prefix(client):
    certificate = make_certificate()
    credential = build_credential(certificate)
    base = BASE_URL + PREFIX
    assert credential["id"].startswith(base + "verify/")
    assert credential["issuer"]["id"].startswith(base + "credentials/issuers/")
    assert (
        credential["credentialSubject"]["achievement"]["creator"]["id"]
        == (credential["issuer"]["id"])
    )
    assert credential["credentialStatus"]["statusListCredential"].startswith(
        base + "credentials/issuers/"
    )
    # And those addresses answer.
    for url in (credential["issuer"]["id"], credential["credentialStatus"]["statusListCredential"]):
        assert client.get(url.removeprefix(BASE_URL)).status_code == 200


def test_only_pathways_api_counts_as_the_api_not_the_hosts_own():
    requests = RequestFactory()
    assert is_api_request(requests.get("/learning/api/v1/me/"))
    assert is_api_request(requests.get("/learning/api/v1/no/such/"))
    assert not is_api_request(requests.get("/api/v2/pages/"))
    assert not is_api_request(requests.get("/learning/learn/"))
    assert not is_api_request(requests.get("/about/"))


def test_the_two_step_pages_keep_the_admins_policy_outside_the_admins_address(client):
    client.force_login(StaffFactory())  # who has not set up an authenticator app yet
    url = reverse("security:two_factor_setup")
    assert url == "/learning/admin/two-step/set-up/"
    response = client.get(url)
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_the_hosts_own_pages_still_answer(client):
    assert client.get("/about/").content == b"The host's own page."
    assert client.get("/api/v2/pages/").json() == {"host": True}
