"""The partner employer API: only what participants share, only while they share it, logged.

Every endpoint answers only an employer key; anything not shared with the caller now answers 404
like something that does not exist; every credential returned writes exactly one access record.
"""

import json
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from rest_framework.authtoken.models import Token

from pathways.certificates.employers.services import employer_key_create, employer_key_revoke
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.sharing.models import AccessChannel, CredentialAccess
from pathways.certificates.sharing.services import ALWAYS_DISCLOSED, release_create, release_revoke
from pathways.courses.models import SkillTranslation
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import (
    CertificateFactory,
    CertificateTemplateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)
from tests.factories.courses import CoursePageFactory, SkillFactory

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% a stored test PDF\n"
CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
}
ALL = ["dates", "hours", "skills", "document"]
ERROR_KEYS = {"status", "code", "message"}


def list_url(**params) -> str:
    url = reverse("api:employer-credential-list")
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def detail_url(certificate, name="employer-credential-detail") -> str:
    return reverse(f"api:{name}", args=[format_code(certificate.verification_code)])


def all_urls(certificate) -> list[str]:
    return [
        list_url(),
        reverse("api:employer-release-list"),
        detail_url(certificate),
        detail_url(certificate, "employer-credential-pdf"),
        detail_url(certificate, "employer-credential-badge"),
    ]


def with_files(certificate):
    certificate.pdf.save("stored-test.pdf", ContentFile(FAKE_PDF), save=False)
    certificate.credential = CREDENTIAL
    certificate.save(update_fields=["pdf", "credential"])
    return certificate


def certificate_for(user, **values):
    values.setdefault(
        "printed_data",
        {"hours": "37", "skills": ["Food safety", "Cuidado de niños"], "wording": "completed"},
    )
    return with_files(CertificateFactory(user=user, **values))


def share(participant, employer, certificates, fields=ALL, **values):
    return CredentialReleaseFactory(
        participant=participant,
        employer=employer,
        certificates=certificates,
        disclosed_fields=list(fields),
        **values,
    )


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) >= ERROR_KEYS and error["status"] == status
    if code:
        assert error["code"] == code
    return error


@pytest.fixture
def bearer(api_client, employer_key):
    _key, raw = employer_key
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api_client


@pytest.fixture
def certificate(participant):
    return certificate_for(
        participant,
        issued_at=timezone.make_aware(datetime(2025, 1, 10, 12)),
        completed_on=datetime(2025, 1, 9).date(),
        expires_at=timezone.make_aware(datetime(2035, 1, 10, 12)),
    )


@pytest.fixture
def shared(participant, employer_org, certificate):
    return share(participant, employer_org, [certificate]).released_certificates.get()


@pytest.fixture
def course():
    """One course for many certificates: they differ by achievement key."""
    return CoursePageFactory()


@pytest.fixture
def template():
    return CertificateTemplateFactory()


def many_certificates(user, n, *, course, template, **values):
    return [
        CertificateFactory(
            user=user,
            course=course,
            template=template,
            achievement_key=f"course:{course.pk}:{index}",
            **values,
        )
        for index in range(n)
    ]


# Who may call ---------------------------------------------------------------------------------


def test_no_credentials_get_401_on_every_endpoint(api_client, shared):
    for url in all_urls(shared.certificate):
        assert_error(api_client.get(url), 401, "not_authenticated")
    assert not CredentialAccess.objects.exists()


def test_signed_in_people_and_person_tokens_get_401_never_data(
    api_client, shared, employer_user, participant
):
    api_client.force_login(employer_user)  # even the employer's own web user
    for url in all_urls(shared.certificate):
        assert_error(api_client.get(url), 401)
    api_client.logout()
    token = Token.objects.create(user=participant)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for url in all_urls(shared.certificate):
        response = api_client.get(url)
        assert_error(response, 401)
        assert "Maya" not in response.content.decode()
    assert not CredentialAccess.objects.exists()


@pytest.mark.parametrize("header", ["Bearer pwk_nope_nope", "Bearer not-a-key", "Bearer a b"])
def test_malformed_or_unknown_keys_get_401(api_client, shared, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    for url in all_urls(shared.certificate):
        response = assert_error(api_client.get(url), 401)
        assert response["message"]
    assert not CredentialAccess.objects.exists()


def test_revoked_key_gets_401_from_the_next_request(bearer, employer_key, staff, shared):
    assert bearer.get(list_url()).status_code == 200
    employer_key_revoke(key=employer_key[0], actor=staff)
    before = CredentialAccess.objects.count()
    for url in all_urls(shared.certificate):
        response = bearer.get(url)
        assert_error(response, 401)
        assert response["WWW-Authenticate"] == "Bearer"
    assert CredentialAccess.objects.count() == before


def test_a_key_without_the_read_scope_gets_403(api_client, employer_org, staff, shared):
    key, raw = employer_key_create(employer=employer_org, name="HR", actor=staff)
    key.scopes = ["something:else"]
    key.save(update_fields=["scopes"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for url in all_urls(shared.certificate):
        assert_error(api_client.get(url), 403, "permission_denied")
    assert not CredentialAccess.objects.exists()


def test_responses_are_never_cached(bearer, shared):
    response = bearer.get(detail_url(shared.certificate))
    assert "no-store" in response["Cache-Control"]


# What the caller sees --------------------------------------------------------------------------


def test_list_shows_shared_credential_with_every_detail_she_chose(bearer, shared, certificate):
    response = bearer.get(list_url())
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["results"]
    code = format_code(certificate.verification_code)
    assert item["code"] == code
    assert item["name"] == "Maya"
    assert item["title"] == certificate.printed_title
    assert item["achievement"] == certificate.printed_achievement
    assert item["issuer"] == certificate.printed_issuer_name
    assert item["status"] == "valid"
    assert item["disclosed"] == ALL
    assert item["completed_on"] == "2025-01-09"
    assert item["issued_at"].startswith("2025-01-10")
    assert item["expires_at"].startswith("2035-01-10")
    assert item["hours"] == "37"
    assert item["skills"] == ["Food safety", "Cuidado de niños"]
    assert item["shared_until"]
    assert item["url"].endswith(detail_url(certificate))
    assert item["pdf_url"].endswith(detail_url(certificate, "employer-credential-pdf"))
    assert item["credential_url"].endswith(detail_url(certificate, "employer-credential-badge"))
    # Nothing about the participant beyond the name as printed.
    assert "participant" not in item and "user" not in item
    assert str(shared.release.participant.username) not in response.content.decode()


def test_undisclosed_details_are_null_and_their_values_absent(
    bearer, participant, employer_org, certificate
):
    share(participant, employer_org, [certificate], fields=[])
    response = bearer.get(detail_url(certificate))
    assert response.status_code == 200
    item = response.json()
    for key in ("completed_on", "issued_at", "expires_at", "hours", "skills"):
        assert key in item and item[key] is None
    assert item["disclosed"] == []
    assert item["pdf_url"] is None and item["credential_url"] is None
    text = response.content.decode()
    for secret in ('"2025-01', '"2035-', '"37"', "Food safety", "Cuidado"):
        assert secret not in text
    access = CredentialAccess.objects.get()
    assert access.disclosed_fields == ALWAYS_DISCLOSED


def test_some_details_shared_show_only_those(bearer, participant, employer_org, certificate):
    share(participant, employer_org, [certificate], fields=["hours"])
    item = bearer.get(detail_url(certificate)).json()
    assert item["hours"] == "37"
    assert item["disclosed"] == ["hours"]
    assert item["skills"] is None and item["issued_at"] is None


def test_detail_tolerates_dashes_case_and_spaces(bearer, shared, certificate):
    code = format_code(certificate.verification_code)
    for variant in (certificate.verification_code, code.lower(), code.replace("-", " ")):
        url = reverse("api:employer-credential-detail", args=[variant])
        assert bearer.get(url).status_code == 200


def test_releases_list_shows_consents_and_names_as_printed_only(
    bearer, shared, certificate, participant
):
    response = bearer.get(reverse("api:employer-release-list"))
    assert response.status_code == 200
    (release,) = response.json()["results"]
    assert release["id"] == shared.release.pk
    assert release["purpose"] == "Job application"
    assert release["disclosed"] == ALL
    assert release["shared_at"] and release["shared_until"]
    (credential,) = release["credentials"]
    assert credential["code"] == format_code(certificate.verification_code)
    assert credential["name"] == "Maya"
    assert credential["title"] == certificate.printed_title
    assert set(credential) == {"code", "name", "title", "achievement", "url"}
    assert "participant" not in release
    text = response.content.decode()
    assert participant.username not in text and str(participant.pk) not in release.values()


# What the caller does not see -----------------------------------------------------------------


def test_a_credential_not_shared_answers_404_like_an_unknown_one(bearer, participant, certificate):
    unknown = reverse("api:employer-credential-detail", args=["0000-0000-0000-00000"])
    refusals = [bearer.get(unknown)]
    for url in all_urls(certificate)[2:]:
        refusals.append(bearer.get(url))
    bodies = {json.dumps(r.json(), sort_keys=True) for r in refusals}
    assert {r.status_code for r in refusals} == {404} and len(bodies) == 1
    assert bearer.get(list_url()).json()["count"] == 0
    assert not CredentialAccess.objects.exists()


def test_a_credential_shared_with_another_employer_is_404(bearer, participant, certificate):
    other = EmployerOrganisationFactory(name="Other Co")
    share(participant, other, [certificate])
    for url in all_urls(certificate)[2:]:
        assert_error(bearer.get(url), 404, "not_found")
    assert bearer.get(list_url()).json()["count"] == 0
    assert bearer.get(reverse("api:employer-release-list")).json()["count"] == 0
    assert not CredentialAccess.objects.exists()


def test_after_revocation_the_next_request_is_404(bearer, shared, participant):
    url = detail_url(shared.certificate)
    assert bearer.get(url).status_code == 200
    release_revoke(release=shared.release, actor=participant)
    for each in all_urls(shared.certificate)[2:]:
        assert_error(bearer.get(each), 404)
    assert bearer.get(list_url()).json()["count"] == 0
    assert bearer.get(reverse("api:employer-release-list")).json()["count"] == 0
    assert CredentialAccess.objects.count() == 1


def test_after_expiry_the_next_request_is_404(bearer, shared):
    end = shared.release.expires_at
    url = detail_url(shared.certificate)
    with time_machine.travel(end - timedelta(seconds=1), tick=False):
        assert bearer.get(url).status_code == 200
    with time_machine.travel(end + timedelta(seconds=1), tick=False):
        for each in all_urls(shared.certificate)[2:]:
            assert_error(bearer.get(each), 404)
        assert bearer.get(list_url()).json()["count"] == 0
        assert bearer.get(reverse("api:employer-release-list")).json()["count"] == 0
    assert CredentialAccess.objects.count() == 1


def test_a_superseded_release_discloses_nothing_of_what_it_alone_named(
    bearer, shared, participant, employer_org
):
    other = certificate_for(participant)
    release_create(
        participant=participant,
        employer=employer_org,
        certificates=[other],
        disclosed_fields=[],
        purpose="A new application",
        ends_on=None,
        signature="Maya",
        actor=participant,
    )
    assert_error(bearer.get(detail_url(shared.certificate)), 404)
    item = bearer.get(detail_url(other)).json()
    assert item["hours"] is None  # the new release's choices, not the old one's
    codes = [i["code"] for i in bearer.get(list_url()).json()["results"]]
    assert codes == [format_code(other.verification_code)]


def test_a_superseded_certificate_is_404(bearer, shared, participant):
    replacement = certificate_for(participant, achievement_key="course:replacement")
    shared.certificate.superseded_by = replacement
    shared.certificate.superseded_at = timezone.now()
    shared.certificate.save(update_fields=["superseded_by", "superseded_at"])
    for url in all_urls(shared.certificate)[2:]:
        assert_error(bearer.get(url), 404)
    # The replacement was never shared.
    assert_error(bearer.get(detail_url(replacement)), 404)
    assert bearer.get(list_url()).json()["count"] == 0


# Files ----------------------------------------------------------------------------------------


def test_pdf_is_the_stored_file_and_writes_one_pdf_record(bearer, shared, employer_key):
    response = bearer.get(detail_url(shared.certificate, "employer-credential-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == FAKE_PDF
    access = CredentialAccess.objects.get()
    assert access.channel == AccessChannel.PDF and access.api_key == employer_key[0]
    assert access.disclosed_fields == ["document"]


def test_pdf_still_being_made_answers_503_with_retry_after_and_records_nothing(
    bearer, participant, employer_org, monkeypatch
):
    from pathways.certificates.issuance import tasks

    certificate = CertificateFactory(user=participant)
    share(participant, employer_org, [certificate])
    monkeypatch.setattr(tasks, "ensure_certificate_pdf", lambda certificate: None)
    response = bearer.get(detail_url(certificate, "employer-credential-pdf"))
    assert_error(response, 503, "pdf_preparing")
    assert int(response["Retry-After"]) > 0
    assert not CredentialAccess.objects.exists()


def test_badge_is_the_signed_credential_and_writes_one_badge_record(bearer, shared):
    response = bearer.get(detail_url(shared.certificate, "employer-credential-badge"))
    assert response.status_code == 200
    assert response["Content-Type"] in ("application/ld+json", "application/json")
    assert json.loads(response.content) == CREDENTIAL
    access = CredentialAccess.objects.get()
    assert access.channel == AccessChannel.BADGE and access.disclosed_fields == ["document"]


def test_files_are_404_unless_the_document_is_shared(bearer, participant, employer_org):
    certificate = certificate_for(participant)
    share(participant, employer_org, [certificate], fields=["dates", "hours", "skills"])
    for name in ("employer-credential-pdf", "employer-credential-badge"):
        assert_error(bearer.get(detail_url(certificate, name)), 404)
    assert not CredentialAccess.objects.exists()


def test_files_of_a_revoked_certificate_are_404_though_it_is_listed_as_revoked(
    bearer, shared, staff
):
    from pathways.certificates.issuance.services import certificate_revoke

    certificate_revoke(certificate=shared.certificate, actor=staff, reason="Issued in error")
    for name in ("employer-credential-pdf", "employer-credential-badge"):
        assert_error(bearer.get(detail_url(shared.certificate, name)), 404)
    item = bearer.get(detail_url(shared.certificate)).json()
    assert item["status"] == "revoked"
    assert item["pdf_url"] is None and item["credential_url"] is None


def test_file_refusals_answer_json_whatever_the_accept_header(bearer, participant, certificate):
    response = bearer.get(
        detail_url(certificate, "employer-credential-pdf"), HTTP_ACCEPT="application/pdf"
    )
    assert_error(response, 404)


# Access records -------------------------------------------------------------------------------


def test_a_list_page_records_exactly_its_items(
    bearer, participant, employer_org, employer_key, course, template
):
    certificates = many_certificates(participant, 5, course=course, template=template)
    share(participant, employer_org, certificates)
    response = bearer.get(list_url(page_size=2, page=2, ordering="title"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5 and len(body["results"]) == 2
    returned = {item["code"] for item in body["results"]}
    accesses = list(CredentialAccess.objects.select_related("certificate"))
    assert len(accesses) == 2
    assert {format_code(a.certificate.verification_code) for a in accesses} == returned
    for access in accesses:
        assert access.channel == AccessChannel.API
        assert access.api_key == employer_key[0]
        assert access.employer == employer_org and access.participant == participant
        assert access.employer_user is None


def test_detail_records_exactly_one_access(bearer, shared, employer_key):
    bearer.get(detail_url(shared.certificate))
    access = CredentialAccess.objects.get()
    assert access.certificate == shared.certificate and access.release == shared.release
    assert access.channel == AccessChannel.API and access.api_key == employer_key[0]
    assert access.disclosed_fields == ALWAYS_DISCLOSED + ["dates", "hours", "skills"]


def test_releases_list_records_each_credential_listed(
    bearer, participant, employer_org, course, template
):
    certificates = many_certificates(participant, 3, course=course, template=template)
    share(participant, employer_org, certificates)
    bearer.get(reverse("api:employer-release-list"))
    accesses = CredentialAccess.objects.all()
    assert sorted(a.certificate_id for a in accesses) == sorted(c.pk for c in certificates)
    assert {a.channel for a in accesses} == {AccessChannel.API}
    assert all(a.disclosed_fields == ["name", "title"] for a in accesses)


# Filters and ordering -------------------------------------------------------------------------


@pytest.fixture
def two_skilled(participant, other_participant, employer_org):
    """Two certificates listing the same skills and dates: only the first shares them."""
    issued = timezone.make_aware(datetime(2025, 1, 10, 12))
    open_one = certificate_for(participant, issued_at=issued, printed_title="Open Kitchen")
    closed_one = certificate_for(other_participant, issued_at=issued, printed_title="Closed Bar")
    share(participant, employer_org, [open_one], fields=["dates", "skills"])
    share(other_participant, employer_org, [closed_one], fields=["hours"])
    return open_one, closed_one


def codes_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


def test_skill_filter_matches_whole_names_only_where_skills_are_shared(bearer, two_skilled):
    open_one, _closed = two_skilled
    expected = [format_code(open_one.verification_code)]
    assert codes_of(bearer.get(list_url(skill="food safety"))) == expected
    assert codes_of(bearer.get(list_url(skill="Cuidado de niños"))) == expected
    assert codes_of(bearer.get(list_url(skill="Food"))) == []  # not a whole name
    assert codes_of(bearer.get(list_url(skill="Forklift"))) == []


def test_skill_filter_finds_a_skill_printed_in_another_language(bearer, two_skilled):
    """The open certificate prints "Cuidado de niños"; the taxonomy's skill is "Childcare" with
    that Spanish name, so an employer searching in English finds it, and the other way round."""
    open_one, _closed = two_skilled
    expected = [format_code(open_one.verification_code)]
    childcare = SkillFactory(name="Childcare")
    SkillTranslation.objects.create(skill=childcare, language="es", name="Cuidado de niños")
    assert codes_of(bearer.get(list_url(skill="childcare"))) == expected
    SkillTranslation.objects.create(
        skill=SkillFactory(name="Food Safety Level 2"), language="es", name="Seguridad alimentaria"
    )
    assert codes_of(bearer.get(list_url(skill="Seguridad alimentaria"))) == []


def test_date_filters_match_only_where_dates_are_shared(bearer, two_skilled):
    open_one, _closed = two_skilled
    expected = [format_code(open_one.verification_code)]
    assert codes_of(bearer.get(list_url(issued_after="2025-01-10"))) == expected
    assert codes_of(bearer.get(list_url(issued_before="2025-01-10"))) == expected
    both = list_url(issued_after="2025-01-01", issued_before="2025-02-01")
    assert codes_of(bearer.get(both)) == expected
    assert codes_of(bearer.get(list_url(issued_after="2025-01-11"))) == []
    assert codes_of(bearer.get(list_url(issued_before="2025-01-09"))) == []


def test_title_search_matches_title_or_achievement_in_any_case(bearer, two_skilled):
    open_one, closed_one = two_skilled
    assert codes_of(bearer.get(list_url(q="kitchen"))) == [format_code(open_one.verification_code)]
    assert codes_of(bearer.get(list_url(title="CLOSED bar"))) == [
        format_code(closed_one.verification_code)
    ]
    achievement = open_one.printed_achievement.split()[0].lower()
    assert format_code(open_one.verification_code) in codes_of(bearer.get(list_url(q=achievement)))


def test_status_filter(bearer, participant, employer_org, staff, course, template):
    from pathways.certificates.issuance.services import certificate_revoke

    valid, expired, revoked = many_certificates(participant, 3, course=course, template=template)
    expired.expires_at = timezone.now() - timedelta(days=1)
    expired.save(update_fields=["expires_at"])
    certificate_revoke(certificate=revoked, actor=staff, reason="Issued in error")
    share(participant, employer_org, [valid, expired, revoked], fields=[])
    for status, certificate in (("valid", valid), ("expired", expired), ("revoked", revoked)):
        response = bearer.get(list_url(status=status))
        assert codes_of(response) == [format_code(certificate.verification_code)]
        assert response.json()["results"][0]["status"] == status


def test_issue_date_order_never_reveals_undisclosed_dates(bearer, employer_org, course, template):
    """Undisclosed items come last, newest shared first, whatever their real issue dates."""
    now = timezone.now()
    people = ParticipantFactory.create_batch(4)
    issued = [now - timedelta(days=days) for days in (40, 30, 20, 10)]
    certificates = [
        CertificateFactory(user=person, course=course, template=template, issued_at=when)
        for person, when in zip(people, issued, strict=True)
    ]
    dated_old, hidden_older, dated_new, hidden_newer = certificates
    share(people[0], employer_org, [dated_old], fields=["dates"], created_at=now - timedelta(2))
    # The hidden ones: the one issued earlier was shared later.
    share(people[1], employer_org, [hidden_older], fields=[], created_at=now - timedelta(hours=1))
    share(people[2], employer_org, [dated_new], fields=["dates"], created_at=now - timedelta(3))
    share(people[3], employer_org, [hidden_newer], fields=[], created_at=now - timedelta(days=5))

    def code(c):
        return format_code(c.verification_code)

    hidden = [code(hidden_older), code(hidden_newer)]  # by share date, newest first
    newest = codes_of(bearer.get(list_url(ordering="-issued_at")))
    assert newest == [code(dated_new), code(dated_old), *hidden]
    assert codes_of(bearer.get(list_url())) == newest  # the default
    assert codes_of(bearer.get(list_url(ordering="issued_at"))) == [
        code(dated_old),
        code(dated_new),
        *hidden,
    ]


def test_title_and_shared_until_ordering(bearer, employer_org, course, template):
    now = timezone.now()
    people = ParticipantFactory.create_batch(3)
    titles = ["Barista", "accounting", "Carpentry"]
    ends = [now + timedelta(days=days) for days in (30, 90, 10)]
    certificates = []
    for person, title, end in zip(people, titles, ends, strict=True):
        certificate = CertificateFactory(
            user=person, course=course, template=template, printed_title=title
        )
        share(person, employer_org, [certificate], fields=[], expires_at=end)
        certificates.append(format_code(certificate.verification_code))
    barista, accounting, carpentry = certificates
    assert codes_of(bearer.get(list_url(ordering="title"))) == [accounting, barista, carpentry]
    assert codes_of(bearer.get(list_url(ordering="-title"))) == [carpentry, barista, accounting]
    assert codes_of(bearer.get(list_url(ordering="shared_until"))) == [
        carpentry,
        barista,
        accounting,
    ]
    assert codes_of(bearer.get(list_url(ordering="-shared_until"))) == [
        accounting,
        barista,
        carpentry,
    ]


# Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"issued_after": "2025-13-01"}, "issued_after"),
        ({"issued_after": "yesterday"}, "issued_after"),
        ({"issued_before": "10/01/2025"}, "issued_before"),
        ({"status": "lost"}, "status"),
        ({"ordering": "participant"}, "ordering"),
        ({"ordering": "certificate__issued_at"}, "ordering"),
        ({"issued_after": "2025-02-01", "issued_before": "2025-01-01"}, "issued_before"),
        ({"q": "x" * 201}, "q"),
        ({"skill": "x" * 101}, "skill"),
    ],
)
def test_bad_filter_values_are_refused_with_a_field_message_and_record_nothing(
    bearer, shared, params, field
):
    response = bearer.get(list_url(**params))
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == [field]
    assert all(isinstance(m, str) and m for m in error["fields"][field])
    assert not CredentialAccess.objects.exists()


def test_unknown_status_message_names_the_choices(bearer, shared):
    error = assert_error(bearer.get(list_url(status="lost")), 400)
    assert "valid, expired, revoked" in error["fields"]["status"][0]


def test_page_size_is_capped_at_50(bearer, participant, employer_org, course, template):
    certificates = many_certificates(participant, 51, course=course, template=template)
    share(participant, employer_org, certificates, fields=[])
    body = bearer.get(list_url(page_size=500)).json()
    assert body["count"] == 51 and len(body["results"]) == 50
    assert CredentialAccess.objects.count() == 50


def test_a_page_past_the_end_is_404_in_the_error_format(bearer, shared):
    assert_error(bearer.get(list_url(page=9)), 404, "not_found")
    assert_error(bearer.get(list_url(page="abc")), 404, "not_found")
    assert not CredentialAccess.objects.exists()


def test_list_pages_answer_as_drf_paginates(bearer, participant, employer_org, course, template):
    """The list counts and cuts its page in one query; the count, the links, the last page and
    the 404s are those of DRF's page-number pagination all the same."""
    certificates = many_certificates(participant, 5, course=course, template=template)
    share(participant, employer_org, certificates)
    base = "http://testserver" + list_url()

    first = bearer.get(list_url(page_size=2)).json()
    assert (first["count"], len(first["results"])) == (5, 2)
    assert first["next"] == base + "?page=2&page_size=2" and first["previous"] is None
    second = bearer.get(list_url(page_size=2, page=2)).json()
    assert second["next"] == base + "?page=3&page_size=2"
    assert second["previous"] == base + "?page_size=2"
    third = bearer.get(list_url(page_size=2, page=3)).json()
    assert (third["count"], len(third["results"])) == (5, 1)
    assert third["next"] is None and third["previous"] == base + "?page=2&page_size=2"
    assert bearer.get(list_url(page_size=2, page="last")).json()["results"] == third["results"]
    codes = [item["code"] for body in (first, second, third) for item in body["results"]]
    assert sorted(codes) == sorted(format_code(c.verification_code) for c in certificates)
    assert CredentialAccess.objects.count() == 5 + 1  # each page its items; "last" its one
    for page in (0, -1, 4, "2.5", "99999999999999999999999"):
        assert_error(bearer.get(list_url(page_size=2, page=page)), 404, "not_found")
    assert CredentialAccess.objects.count() == 6


def test_an_empty_list_is_a_page_of_nothing(bearer, employer_org):
    body = bearer.get(list_url()).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert_error(bearer.get(list_url(page=2)), 404, "not_found")


@pytest.mark.parametrize(
    "fields", [[], ["dates"], ["hours", "skills"], ["document"], ALL], ids=lambda f: "+".join(f)
)
def test_each_list_item_is_exactly_its_credentials_detail(
    bearer, participant, employer_org, course, template, fields, settings
):
    """The list reads columns, the detail a loaded certificate: they write the same item, in
    the site's time zone as DRF's date fields would, whatever the status."""
    from rest_framework import serializers

    settings.TIME_ZONE = "America/Los_Angeles"
    valid, expired, revoked, numeric = many_certificates(
        participant, 4, course=course, template=template
    )
    expired.expires_at = timezone.now() - timedelta(days=1)
    expired.save(update_fields=["expires_at"])
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    numeric.printed_data = {"hours": 12.5, "skills": ["Cuisine", "Ñandú", 7]}
    numeric.save(update_fields=["printed_data"])
    release = share(participant, employer_org, [valid, expired, revoked, numeric], fields=fields)

    listed = bearer.get(list_url(page_size=50)).json()["results"]
    assert len(listed) == 4
    for item in listed:
        assert (
            item
            == bearer.get(reverse("api:employer-credential-detail", args=[item["code"]])).json()
        )
    statuses = {item["code"]: item["status"] for item in listed}
    assert statuses[format_code(expired.verification_code)] == "expired"
    assert statuses[format_code(revoked.verification_code)] == "revoked"
    assert statuses[format_code(valid.verification_code)] == "valid"
    ends = serializers.DateTimeField().to_representation(release.expires_at)
    assert {item["shared_until"] for item in listed} == {ends}
    assert ends.endswith(("-07:00", "-08:00"))
    by_code = {item["code"]: item for item in listed}
    odd = by_code[format_code(numeric.verification_code)]
    assert odd["hours"] == ("12.5" if "hours" in fields else None)
    assert odd["skills"] == (["Cuisine", "Ñandú", "7"] if "skills" in fields else None)
    if "dates" in fields:
        assert odd["issued_at"] == serializers.DateTimeField().to_representation(numeric.issued_at)


# Query counts ---------------------------------------------------------------------------------

LIST_QUERY_BOUND = 6


@pytest.mark.parametrize("size", [1, 50])
def test_credential_list_queries_do_not_grow_with_size(
    bearer, employer_org, course, template, size, django_assert_max_num_queries
):
    # One participant per certificate, as in life: different releases, different people.
    for person in ParticipantFactory.create_batch(size):
        certificate = CertificateFactory(user=person, course=course, template=template)
        share(person, employer_org, [certificate], fields=["dates", "skills"])
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = bearer.get(list_url(page_size=50, skill="nothing", q="a"))
    assert response.status_code == 200
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = bearer.get(list_url(page_size=50))
    assert len(response.json()["results"]) == size
    assert CredentialAccess.objects.count() == size


@pytest.mark.parametrize("size", [1, 50])
def test_release_list_queries_do_not_grow_with_size(
    bearer, employer_org, course, template, size, django_assert_max_num_queries
):
    for person in ParticipantFactory.create_batch(size):
        certificates = many_certificates(person, 2, course=course, template=template)
        share(person, employer_org, certificates)
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = bearer.get(reverse("api:employer-release-list") + "?page_size=50")
    assert len(response.json()["results"]) == size
    assert CredentialAccess.objects.count() == 2 * size


# Schema ---------------------------------------------------------------------------------------


def test_schema_describes_the_employer_endpoints(client):
    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    listing = paths["/api/v1/employer/credentials/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"skill", "q", "title", "issued_after", "issued_before", "status", "ordering"} <= names
    assert {"page", "page_size"} <= names
    assert "400" in listing["responses"]
    pdf = paths["/api/v1/employer/credentials/{code}/pdf/"]["get"]["responses"]["200"]
    assert "application/pdf" in pdf["content"]
    assert "/api/v1/employer/releases/" in paths
    assert "/api/v1/verify/{code}/" in paths
