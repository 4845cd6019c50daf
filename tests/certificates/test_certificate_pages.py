"""A participant's "My certificates" pages: who reaches them, what they show, what they serve.

Only the owner reaches her certificate's files and name choice; for anyone else, whatever their
role, it does not exist (404), and someone signed out is sent to sign in.
"""

import json

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.certificates.issuance import services
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import Certificate, NameChoice
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.lms.accounts.profiles import profile_update
from tests.factories.certificates import CertificateFactory, CertificateTemplateFactory
from tests.factories.courses import build_course

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% a stored test PDF\n"


def issue(user, *, title="Customer Service Fundamentals", rendered=True) -> Certificate:
    course = build_course(title=title, modules=1, lessons_per_module=1)
    CertificateTemplateFactory(courses=[course])
    Enrolment.objects.create(
        user=user, course=course, status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
    )
    certificate = services.certificate_issue(user=user, course=course)
    if rendered:
        certificate.pdf.save("stored-test.pdf", ContentFile(FAKE_PDF), save=False)
        certificate.pdf_rendered_at = timezone.now()
        certificate.save(update_fields=["pdf", "pdf_rendered_at"])
    return certificate


@pytest.fixture
def certificate(participant):
    return issue(participant)


# Who may reach what ---------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "owner",
    "other_participant",
    "mentor",
    "facilitator",
    "staff",
    "employer_user",
]
# page -> (method, the owner's status); everyone else signed in gets 404, anonymous 302.
PAGES = {
    "pdf": ("get", 200),
    "credential": ("get", 200),
    "name": ("post", 302),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_reaches_her_certificate(client, request, certificate, role, page):
    method, owner_status = PAGES[page]
    if role == "owner":
        client.force_login(certificate.user)
        expected = owner_status
    elif role in ("anonymous", "employer_user"):
        # Signed out: sign in. An employer's account has no learner pages: to her portal.
        if role == "employer_user":
            client.force_login(request.getfixturevalue(role))
        expected = 302
    else:
        client.force_login(request.getfixturevalue(role))
        expected = 404
    url = reverse(f"certificates:{page}", args=[certificate.pk])
    data = {"name_choice": NameChoice.CHOSEN} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    if role == "employer_user":
        assert response["Location"] == reverse("employer:credentials")
    certificate.refresh_from_db()
    assert certificate.superseded_by is None


@pytest.mark.parametrize("role", ROLES)
def test_my_certificates_lists_only_her_own(client, request, certificate, role):
    url = reverse("certificates:mine")
    if role == "anonymous":
        response = client.get(url)
        assert response.status_code == 302
        return
    user = certificate.user if role == "owner" else request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(url)
    if role == "employer_user":  # an employer's account has no learner pages: her portal
        assert response.status_code == 302
        assert response["Location"] == reverse("employer:credentials")
        return
    assert response.status_code == 200
    page = response.content.decode()
    shown = format_code(certificate.verification_code) in page
    assert shown == (role == "owner")


# The list -------------------------------------------------------------------------------------


def test_my_certificates_shows_title_date_status_code_and_downloads(signed_in, certificate):
    response = signed_in(certificate.user).get(reverse("certificates:mine"))
    page = response.content.decode()
    assert "My certificates" in page
    assert certificate.printed_title in page
    assert "Customer Service Fundamentals" in page
    assert "Valid" in page
    assert format_code(certificate.verification_code) in page
    assert reverse("certificates:pdf", args=[certificate.pk]) in page
    assert reverse("certificates:credential", args=[certificate.pk]) in page
    assert reverse("verify:code", args=[certificate.verification_code]) in page
    assert "My chosen name" in page
    assert "being prepared" not in page
    assert 'aria-current="page">My certificates' in page


def test_a_pdf_not_made_yet_is_announced_kindly(signed_in, participant):
    issue(participant, rendered=False)
    page = signed_in(participant).get(reverse("certificates:mine")).content.decode()
    assert "Your PDF is being prepared" in page


def test_a_revoked_certificate_is_listed_without_its_files(signed_in, staff, certificate):
    services.certificate_revoke(certificate=certificate, actor=staff, reason="Issued in error")
    client = signed_in(certificate.user)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert "Withdrawn" in page
    assert "Issued in error" not in page
    assert reverse("certificates:pdf", args=[certificate.pk]) not in page
    assert client.get(reverse("certificates:pdf", args=[certificate.pk])).status_code == 404
    assert client.get(reverse("certificates:credential", args=[certificate.pk])).status_code == 404


def test_an_expired_certificate_says_so(signed_in, participant):
    certificate = issue(participant)
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - timezone.timedelta(days=2)
    )
    page = signed_in(participant).get(reverse("certificates:mine")).content.decode()
    assert "Expired on" in page


def test_a_replaced_certificate_is_gone_from_her_pages(signed_in, staff, certificate):
    new = services.certificate_reissue(certificate=certificate, actor=staff, reason="Corrected")
    client = signed_in(certificate.user)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert format_code(new.verification_code) in page
    assert format_code(certificate.verification_code) not in page
    assert client.get(reverse("certificates:pdf", args=[certificate.pk])).status_code == 404


def test_my_certificates_page_runs_the_same_queries_for_one_or_many(signed_in, participant):
    client = signed_in(participant)
    issue(participant, title="One")
    client.get(reverse("certificates:mine"))  # warm up the session and caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("certificates:mine")).status_code == 200
    for number in range(4):
        CertificateFactory(user=participant, printed_title=f"Certificate {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("certificates:mine"))
    assert response.content.decode().count('class="card certificate-card"') == 5
    assert len(many) == len(one)


# The files ------------------------------------------------------------------------------------


def test_the_stored_pdf_is_served_under_a_neutral_name(signed_in, certificate):
    response = signed_in(certificate.user).get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    code = format_code(certificate.verification_code)
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{code}.pdf"'
    assert b"".join(response.streaming_content) == FAKE_PDF
    assert "no-store" in response["Cache-Control"]


def test_a_pdf_not_made_yet_is_made_on_download_with_an_immediate_backend(signed_in, participant):
    certificate = issue(participant, rendered=False)
    response = signed_in(participant).get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    certificate.refresh_from_db()
    assert certificate.pdf_rendered_at is not None


def test_a_pdf_still_queued_gets_a_kind_please_wait_page(signed_in, participant, monkeypatch):
    from pathways.certificates.issuance import tasks

    certificate = issue(participant, rendered=False)
    queued = []
    monkeypatch.setattr(tasks, "ensure_certificate_pdf", lambda certificate: queued.append(1))
    response = signed_in(participant).get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response.status_code == 202
    assert "being prepared" in response.content.decode()
    assert queued == [1]


def test_the_credential_downloads_as_signed(signed_in, certificate):
    response = signed_in(certificate.user).get(
        reverse("certificates:credential", args=[certificate.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="certificate-')
    assert json.loads(response.content) == certificate.credential


# The name printed -----------------------------------------------------------------------------


def test_choosing_her_legal_name_before_the_pdf_is_made_also_makes_a_new_certificate(
    signed_in, participant
):
    profile_update(participant, legal_name="Maya Rodríguez Acosta")
    certificate = issue(participant, rendered=False)
    client = signed_in(participant)
    response = client.post(
        reverse("certificates:name", args=[certificate.pk]), {"name_choice": NameChoice.LEGAL}
    )
    assert response.status_code == 302
    new = Certificate.objects.get(user=participant, superseded_by__isnull=True)
    assert new.pk != certificate.pk
    assert new.printed_name == "Maya Rodríguez Acosta"
    page = client.get(response["Location"]).content.decode()
    assert "The old code now shows that it was replaced" in page


def test_choosing_the_name_after_the_pdf_makes_a_new_certificate(signed_in, participant):
    profile_update(participant, legal_name="Maya Rodríguez Acosta")
    certificate = issue(participant)
    client = signed_in(participant)
    response = client.post(
        reverse("certificates:name", args=[certificate.pk]), {"name_choice": NameChoice.LEGAL}
    )
    new = Certificate.objects.get(user=participant, superseded_by__isnull=True)
    assert new.pk != certificate.pk
    assert response["Location"].endswith(f"#certificate-{new.pk}")
    page = client.get(response["Location"]).content.decode()
    assert format_code(new.verification_code) in page
    assert "new code" in page


def test_the_legal_name_is_refused_kindly_when_she_has_none(signed_in, certificate):
    client = signed_in(certificate.user)
    response = client.post(
        reverse("certificates:name", args=[certificate.pk]),
        {"name_choice": NameChoice.LEGAL},
        follow=True,
    )
    assert "no legal name on file" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.name_choice == NameChoice.CHOSEN
    assert certificate.superseded_by is None


def test_the_name_choice_only_accepts_post(signed_in, certificate):
    response = signed_in(certificate.user).get(reverse("certificates:name", args=[certificate.pk]))
    assert response.status_code == 405
