"""The partner employer's web pages: shared credentials only, while shared, each view logged.

Only an employer web user of a partner organisation reaches them; anyone else signed in gets 404
on every page, and someone signed out is sent to sign in. An account in the employer role that
no organisation lists yet is told so, kindly, where her portal would be.
"""

import json
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from pathways.certificates.issuance.codes import format_code
from pathways.certificates.sharing.models import AccessChannel, CredentialAccess
from pathways.certificates.sharing.services import release_revoke
from tests.factories.accounts import EmployerUserFactory, ParticipantFactory
from tests.factories.certificates import (
    CertificateFactory,
    CertificateTemplateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)
from tests.factories.courses import CoursePageFactory

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% a stored test PDF\n"
CREDENTIAL = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "proof": {}}
ALL = ["dates", "hours", "skills", "document"]


def make_certificate(user, **values):
    values.setdefault("printed_data", {"hours": "37", "skills": ["Food safety"]})
    values.setdefault("issued_at", timezone.make_aware(datetime(2025, 1, 10, 12)))
    certificate = CertificateFactory(user=user, **values)
    certificate.pdf.save("stored-test.pdf", ContentFile(FAKE_PDF), save=False)
    certificate.credential = CREDENTIAL
    certificate.save(update_fields=["pdf", "credential"])
    return certificate


def share(participant, employer, certificates, fields=ALL, **values):
    return CredentialReleaseFactory(
        participant=participant,
        employer=employer,
        certificates=certificates,
        disclosed_fields=list(fields),
        purpose="Housekeeping job",
        **values,
    )


def page_urls(certificate) -> dict[str, str]:
    code = format_code(certificate.verification_code)
    return {
        "list": reverse("employer:credentials"),
        "releases": reverse("employer:releases"),
        "detail": reverse("employer:credential", args=[code]),
        "pdf": reverse("employer:pdf", args=[code]),
        "badge": reverse("employer:badge", args=[code]),
    }


@pytest.fixture
def certificate(participant):
    return make_certificate(participant)


@pytest.fixture
def shared(participant, employer_org, certificate):
    return share(participant, employer_org, [certificate]).released_certificates.get()


@pytest.fixture
def employer_client(signed_in, employer_user, employer_org):
    return signed_in(employer_user)


# Who may reach what ---------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client, shared):
    for url in page_urls(shared.certificate).values():
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]
    assert not CredentialAccess.objects.exists()


@pytest.mark.parametrize("role", ["participant", "mentor", "facilitator", "staff"])
def test_anyone_but_a_partner_employer_user_gets_404_on_every_page(
    request, signed_in, shared, role
):
    client = signed_in(request.getfixturevalue(role))
    for url in page_urls(shared.certificate).values():
        assert client.get(url).status_code == 404
    assert not CredentialAccess.objects.exists()


# An employer account not linked to an organisation yet -----------------------------------------

NOT_LINKED = "Your account is not linked to an organisation yet"


def test_an_employer_account_without_an_organisation_lands_on_a_page_saying_so(
    client, password, shared, certificate
):
    lee = EmployerUserFactory(chosen_name="Lee")
    response = client.post(
        reverse("accounts:login"), {"username": lee.username, "password": password}
    )
    assert response["Location"] == reverse("employer:credentials")
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    html = landing.content.decode()
    assert NOT_LINKED in html
    assert "Please contact the programme you work with" in html
    # Nothing anyone shared, no learner pages, no exit control or safety link.
    assert format_code(certificate.verification_code) not in html
    assert "Maya" not in html and certificate.printed_title not in html
    for url_name in ("courses:dashboard", "courses:catalogue", "cohorts:mine"):
        assert f'href="{reverse(url_name)}"' not in html
    assert "/safety/exit/" not in html and "Staying safe online" not in html
    # Learner pages send her to the same page; it is not a 404 anywhere she is sent.
    sent = client.get(reverse("courses:dashboard"), follow=True)
    assert sent.status_code == 200 and NOT_LINKED in sent.content.decode()
    assert not CredentialAccess.objects.exists()


def test_an_employer_account_without_an_organisation_sees_no_credential(signed_in, shared):
    client = signed_in(EmployerUserFactory())
    urls = page_urls(shared.certificate)
    releases = client.get(urls["releases"])
    assert releases.status_code == 200 and NOT_LINKED in releases.content.decode()
    for name in ("detail", "pdf", "badge"):
        assert client.get(urls[name]).status_code == 404
    assert not CredentialAccess.objects.exists()


def test_once_linked_she_sees_her_organisations_portal(signed_in, shared, employer_org):
    lee = EmployerUserFactory()
    client = signed_in(lee)
    assert NOT_LINKED in client.get(reverse("employer:credentials")).content.decode()
    employer_org.users.add(lee)
    html = signed_in(lee).get(reverse("employer:credentials")).content.decode()
    assert NOT_LINKED not in html and "Maya" in html


def test_pages_refuse_writes(employer_client, shared):
    for url in page_urls(shared.certificate).values():
        assert employer_client.post(url).status_code == 405


def test_nav_link_shows_for_partner_employer_users_only(employer_client, signed_in, participant):
    link = reverse("employer:credentials")
    assert f'href="{link}"' in employer_client.get(reverse("employer:releases")).content.decode()
    employer_client.logout()
    other = signed_in(participant)
    assert f'href="{link}"' not in other.get(reverse("certificates:mine")).content.decode()


# What the employer sees -----------------------------------------------------------------------


def test_list_shows_shared_details_and_records_one_web_view_each(
    employer_client, shared, certificate, employer_user
):
    response = employer_client.get(reverse("employer:credentials"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maya" in html and certificate.printed_title in html
    assert format_code(certificate.verification_code) in html
    assert "Food safety" in html and ">37<" in html
    access = CredentialAccess.objects.get()
    assert access.channel == AccessChannel.WEB
    assert access.employer_user == employer_user and access.api_key is None
    assert access.certificate == certificate


def test_undisclosed_details_are_not_on_the_pages(
    employer_client, participant, employer_org, certificate
):
    share(participant, employer_org, [certificate], fields=[])
    urls = page_urls(certificate)
    for name in ("list", "detail"):
        html = employer_client.get(urls[name]).content.decode()
        assert "Maya" in html
        for secret in ("Food safety", ">37<", "<dt>Issued on</dt>", "Jan. 10, 2025"):
            assert secret not in html
        assert urls["pdf"] not in html and urls["badge"] not in html
    for name in ("pdf", "badge"):
        assert employer_client.get(urls[name]).status_code == 404


def test_detail_records_one_web_view_and_offers_the_files(employer_client, shared, certificate):
    urls = page_urls(certificate)
    response = employer_client.get(urls["detail"])
    assert response.status_code == 200
    html = response.content.decode()
    assert urls["pdf"] in html and urls["badge"] in html
    assert "Housekeeping job" in html
    assert CredentialAccess.objects.get().channel == AccessChannel.WEB


def test_pdf_and_badge_downloads_record_one_access_each(
    employer_client, shared, certificate, employer_user
):
    urls = page_urls(certificate)
    pdf = employer_client.get(urls["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == FAKE_PDF
    badge = employer_client.get(urls["badge"])
    assert badge.status_code == 200 and json.loads(badge.content) == CREDENTIAL
    assert "attachment" in badge["Content-Disposition"]
    channels = sorted(CredentialAccess.objects.values_list("channel", flat=True))
    assert channels == [AccessChannel.BADGE, AccessChannel.PDF]
    assert set(CredentialAccess.objects.values_list("employer_user", flat=True)) == {
        employer_user.pk
    }


def test_a_pdf_still_being_made_shows_a_waiting_page_and_records_nothing(
    employer_client, participant, employer_org, monkeypatch
):
    from pathways.certificates.issuance import tasks

    certificate = CertificateFactory(user=participant)
    share(participant, employer_org, [certificate])
    monkeypatch.setattr(tasks, "ensure_certificate_pdf", lambda certificate: None)
    response = employer_client.get(page_urls(certificate)["pdf"])
    assert response.status_code == 202
    assert not CredentialAccess.objects.exists()


def test_releases_page_shows_end_dates_and_records_each_credential_listed(
    employer_client, shared, certificate
):
    response = employer_client.get(reverse("employer:releases"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Housekeeping job" in html and "Maya" in html
    assert "Shared until" in html
    access = CredentialAccess.objects.get()
    assert access.channel == AccessChannel.WEB and access.certificate == certificate
    assert access.disclosed_fields == ["name", "title"]


# What the employer does not see ---------------------------------------------------------------


def test_not_shared_or_shared_with_another_employer_is_404(
    employer_client, participant, certificate
):
    other_employer = EmployerOrganisationFactory(name="Other Co")
    share(participant, other_employer, [certificate])
    urls = page_urls(certificate)
    for name in ("detail", "pdf", "badge"):
        assert employer_client.get(urls[name]).status_code == 404
    assert certificate.printed_title not in employer_client.get(urls["list"]).content.decode()
    assert not CredentialAccess.objects.exists()


def test_after_revocation_or_expiry_the_next_request_is_404(
    employer_client, shared, participant, employer_user
):
    urls = page_urls(shared.certificate)
    end = shared.release.expires_at
    # Signing in again at each time: sessions end long before a release does.
    with time_machine.travel(end - timedelta(seconds=1), tick=False):
        employer_client.force_login(employer_user)
        assert employer_client.get(urls["detail"]).status_code == 200
    with time_machine.travel(end + timedelta(seconds=1), tick=False):
        employer_client.force_login(employer_user)
        for name in ("detail", "pdf", "badge"):
            assert employer_client.get(urls[name]).status_code == 404
    employer_client.force_login(employer_user)
    assert employer_client.get(urls["detail"]).status_code == 200
    release_revoke(release=shared.release, actor=participant)
    for name in ("detail", "pdf", "badge"):
        assert employer_client.get(urls[name]).status_code == 404
    assert "Maya" not in employer_client.get(urls["list"]).content.decode()
    assert "Maya" not in employer_client.get(urls["releases"]).content.decode()
    assert CredentialAccess.objects.count() == 2


def test_a_superseded_certificate_is_404(employer_client, shared, participant):
    replacement = make_certificate(participant, achievement_key="course:replacement")
    shared.certificate.superseded_by = replacement
    shared.certificate.superseded_at = timezone.now()
    shared.certificate.save(update_fields=["superseded_by", "superseded_at"])
    for name in ("detail", "pdf", "badge"):
        assert employer_client.get(page_urls(shared.certificate)[name]).status_code == 404


# How the portal reads -------------------------------------------------------------------------


def _headings(html: str, level: int) -> list[str]:
    import re

    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found]


def test_the_portal_leads_with_cards_headed_by_person_course_and_issuer(
    employer_client, participant, other_participant, employer_org
):
    course = CoursePageFactory(title="Front Desk Basics")
    first = make_certificate(participant, course=course, printed_achievement="Front Desk Basics")
    second = make_certificate(other_participant, printed_achievement="Kitchen Hygiene")
    share(participant, employer_org, [first])
    share(other_participant, employer_org, [second])
    html = employer_client.get(reverse("employer:credentials")).content.decode()

    cards = _headings(html, 3)
    assert len(cards) == 2
    assert any(card.startswith("Maya") and "Front Desk Basics" in card for card in cards)
    assert any(card.startswith("Jo") and "Kitchen Hygiene" in card for card in cards)
    # The template's title is a detail, not what every card is called.
    assert not any("Certificate of Completion" in card for card in cards)
    assert html.count("Issued by ") == 2 and first.printed_issuer_name in html
    # The cards come before the folded filter's fields are reached... and the filter is folded.
    assert '<details class="filters">' in html
    assert "<summary>Filter</summary>" in html


def test_the_filter_opens_when_in_use_and_speaks_plain_language(employer_client, shared):
    closed = employer_client.get(reverse("employer:credentials")).content.decode()
    assert '<details class="filters">' in closed
    opened = employer_client.get(reverse("employer:credentials"), {"skill": "First aid"})
    assert '<details class="filters" open>' in opened.content.decode()

    import re

    text = re.sub(r"<[^>]+>", " ", closed)  # what people read, not the form's field names
    for label in ("Search", "Skill", "Issued on or after", "Issued on or before", "Sort by"):
        assert f">{label}</label>" in closed
    for api_word in ("-issued_at", "issued_after", "ordering", "Same as q", "valid, expired"):
        assert api_word not in text
    # One search box: the API's second name for it is not on the form.
    assert 'name="title"' not in closed and 'name="q"' in closed


def test_a_bad_filter_value_is_explained_in_plain_words(employer_client, shared):
    response = employer_client.get(reverse("employer:credentials"), {"ordering": "participant"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html and 'href="#id_ordering"' in html
    assert "Choose an order from the list." in html
    assert '<details class="filters" open>' in html


def test_employer_pages_carry_no_exit_control_or_safety_link(employer_client, shared):
    for url in page_urls(shared.certificate).values():
        response = employer_client.get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            assert "/safety/exit/" not in html and "Staying safe online" not in html


def test_a_shared_certificate_later_revoked_shows_no_expiry(employer_client, shared):
    certificate = shared.certificate
    certificate.expires_at = timezone.now() + timedelta(days=300)
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["expires_at", "revoked_at"])
    html = employer_client.get(reverse("employer:credentials")).content.decode()
    assert "Revoked by the issuer" in html
    assert "<dt>Expires</dt>" not in html


# Filters --------------------------------------------------------------------------------------


def test_filters_do_not_match_on_undisclosed_skills_or_dates(
    employer_client, participant, other_participant, employer_org
):
    open_one = make_certificate(participant, printed_title="Open Kitchen")
    closed_one = make_certificate(other_participant, printed_title="Closed Bar")
    share(participant, employer_org, [open_one], fields=["dates", "skills"])
    share(other_participant, employer_org, [closed_one], fields=[])
    url = reverse("employer:credentials")
    for query in ({"skill": "food safety"}, {"issued_after": "2025-01-01"}, {"q": "kitchen"}):
        html = employer_client.get(url, query).content.decode()
        assert "Open Kitchen" in html and "Closed Bar" not in html


@pytest.mark.parametrize(
    "query",
    [{"issued_after": "01/02/2025"}, {"status": "lost"}, {"ordering": "participant"}],
)
def test_bad_filter_values_show_the_problem_and_disclose_nothing(employer_client, shared, query):
    response = employer_client.get(reverse("employer:credentials"), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html
    assert "Maya" not in html
    assert not CredentialAccess.objects.exists()


def test_list_pages_hold_twenty_and_keep_the_search(employer_client, participant, employer_org):
    course, template = CoursePageFactory(), CertificateTemplateFactory()
    certificates = [
        CertificateFactory(
            user=participant,
            course=course,
            template=template,
            achievement_key=f"course:{course.pk}:{index}",
            printed_title=f"Barista {index}",
        )
        for index in range(25)
    ]
    share(participant, employer_org, certificates, fields=[])
    response = employer_client.get(reverse("employer:credentials"), {"q": "barista"})
    html = response.content.decode()
    assert html.count('class="card"') == 20
    assert "q=barista&amp;page=2" in html
    assert CredentialAccess.objects.count() == 20
    second = employer_client.get(reverse("employer:credentials"), {"q": "barista", "page": 2})
    assert second.content.decode().count('class="card"') == 5


# Query counts ---------------------------------------------------------------------------------

PAGE_QUERY_BOUND = 9


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize("page", ["employer:credentials", "employer:releases"])
def test_portal_lists_use_the_same_queries_at_any_size(
    employer_client, employer_org, size, page, django_assert_max_num_queries
):
    course, template = CoursePageFactory(), CertificateTemplateFactory()
    for person in ParticipantFactory.create_batch(size):
        certificate = CertificateFactory(user=person, course=course, template=template)
        share(person, employer_org, [certificate])
    with django_assert_max_num_queries(PAGE_QUERY_BOUND):
        response = employer_client.get(reverse(page))
    assert response.status_code == 200
    assert CredentialAccess.objects.count() == min(size, 20)
