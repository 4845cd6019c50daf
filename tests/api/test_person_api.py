"""The API for people: signing an app in, a participant's own records and sharing, a mentor's
mentees. Each person reaches only her own things; anything else answers as if it did not exist."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pathways.certificates.sharing.consent import CONSENT_VERSION
from pathways.certificates.sharing.models import CredentialRelease, ReleasedCertificate
from pathways.certificates.sharing.selectors import shared_credentials
from pathways.certificates.sharing.services import access_record
from pathways.courses.models import EnrolmentStatus, LessonProgress
from pathways.courses.selectors import course_lessons
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.roles import Role
from pathways.mentoring.models import PairingStatus
from tests.factories.accounts import (
    TEST_PASSWORD,
    EmployerUserFactory,
    MentorFactory,
    ParticipantFactory,
    role_group,
)
from tests.factories.certificates import (
    CertificateFactory,
    CertificateTemplateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)
from tests.factories.courses import CoursePageFactory, EnrolmentFactory
from tests.factories.mentoring import MentorshipGoalFactory, MentorshipPairingFactory

pytestmark = pytest.mark.django_db

PARTICIPANT_LISTS = ["my-enrolments", "my-certificates", "employers", "my-release-list"]


def url(name, *args, query=""):
    return reverse(f"api:{name}", args=args) + (f"?{query}" if query else "")


def host_user(username: str, *roles: Role):
    """An account made by the host site (its admin, its sign-up): no Pathways profile yet."""
    user = get_user_model().objects.create_user(username=username, password=TEST_PASSWORD)
    user.groups.add(*(role_group(role=role) for role in roles))
    return user


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_error(response, status_code: int, code: str | None = None) -> dict:
    """The response is an error in the API's one format; returns its body."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert error["status"] == status_code
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(participant):
    return CertificateFactory(user=participant)


@pytest.fixture
def employer(employer_org):
    return employer_org


def release_payload(certificate, to, **changes) -> dict:
    return {
        "employer": to.pk,
        "certificates": [certificate.pk],
        "disclose": ["dates", "skills"],
        "purpose": "A job application",
        "signature": "Maya",
        "consent_version": CONSENT_VERSION,
        **changes,
    }


def counts() -> tuple[int, int]:
    return CredentialRelease.objects.count(), ReleasedCertificate.objects.count()


# Signing an app in -----------------------------------------------------------------------------


def test_an_app_signs_in_with_a_username_and_reads_with_the_token(api_client, participant):
    response = api_client.post(
        url("auth-token"),
        {"username": participant.username, "password": TEST_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=participant).key == key

    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = app.get(url("me"))
    assert me.status_code == 200
    assert me.json()["chosen_name"] == "Maya"
    assert "no-store" in me["Cache-Control"]


def test_an_app_signs_in_with_an_email_address_in_any_case(api_client, participant):
    participant.email = "maya@example.org"
    participant.save()
    response = api_client.post(
        url("auth-token"),
        {"username": "MAYA@example.org", "password": TEST_PASSWORD},
        format="json",
    )
    assert response.status_code == 200


def test_a_failed_sign_in_says_the_same_whatever_was_wrong(api_client, participant):
    inactive = ParticipantFactory(is_active=False)
    attempts = [
        {"username": participant.username, "password": "wrong"},
        {"username": "nobody-at-all", "password": TEST_PASSWORD},
        {"username": "nobody@example.org", "password": TEST_PASSWORD},
        {"username": inactive.username, "password": TEST_PASSWORD},
    ]
    messages = set()
    for attempt in attempts:
        error = assert_error(api_client.post(url("auth-token"), attempt, format="json"), 400)
        messages.add(error["message"])
    assert len(messages) == 1
    assert not Token.objects.exists()


def test_signing_in_again_replaces_the_old_token(api_client, participant):
    credentials = {"username": participant.username, "password": TEST_PASSWORD}
    first = api_client.post(url("auth-token"), credentials, format="json").json()["token"]
    second = api_client.post(url("auth-token"), credentials, format="json").json()["token"]
    assert first != second
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert_error(app.get(url("me")), 401, "authentication_failed")


def test_signing_out_deletes_the_token_so_it_stops_working(participant):
    token = Token.objects.create(user=participant)
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert app.delete(url("auth-token")).status_code == 204
    assert not Token.objects.filter(user=participant).exists()
    assert_error(app.get(url("me")), 401)


def test_signing_out_needs_a_signed_in_person(api_client):
    assert_error(api_client.delete(url("auth-token")), 401, "not_authenticated")


def test_the_sign_in_refuses_unknown_fields(api_client, participant):
    response = api_client.post(
        url("auth-token"),
        {"username": participant.username, "password": TEST_PASSWORD, "remember": True},
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"remember": ["Unknown field."]}
    assert not Token.objects.exists()


# Who may call the participant's endpoints ------------------------------------------------------


@pytest.mark.parametrize("name", [*PARTICIPANT_LISTS, "my-access-log"])
def test_participant_endpoints_need_a_signed_in_person(api_client, name):
    assert_error(api_client.get(url(name)), 401, "not_authenticated")


@pytest.mark.parametrize("name", [*PARTICIPANT_LISTS, "my-access-log"])
@pytest.mark.parametrize("role", ["mentor", "facilitator", "staff", "employer_user"])
def test_participant_endpoints_refuse_other_roles(request, name, role):
    assert_error(as_user(request.getfixturevalue(role)).get(url(name)), 403, "permission_denied")


def test_an_employer_api_key_is_not_a_person(api_client, employer_key):
    _key, raw = employer_key
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert_error(api_client.get(url("my-certificates")), 401)
    assert_error(api_client.get(url("me")), 401)


# Her profile -----------------------------------------------------------------------------------


def test_me_shows_her_own_names_language_and_roles(participant):
    profile_update(
        participant, legal_name="Maria Example", peer_alias="M.", preferred_language="es"
    )
    participant.groups.add(*MentorFactory().groups.all())
    body = as_user(participant).get(url("me")).json()
    assert body == {
        "id": participant.pk,
        "username": participant.username,
        "chosen_name": "Maya",
        "legal_name": "Maria Example",
        "peer_alias": "M.",
        "preferred_language": "es",
        "roles": ["participant", "mentor"],
    }


def test_me_never_shows_contact_details(participant):
    participant.email = "maya@example.org"
    participant.save()
    profile_update(participant, safe_contact_channels=["sms"])
    text = as_user(participant).get(url("me")).content.decode()
    assert "maya@example.org" not in text
    assert "sms" not in text


def test_someone_with_no_profile_signs_in_and_reads_her_username_as_her_chosen_name(api_client):
    rosa = host_user("rosa.host", Role.PARTICIPANT)
    response = api_client.post(
        url("auth-token"), {"username": "rosa.host", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = app.get(url("me"))
    assert me.status_code == 200
    assert me.json() == {
        "id": rosa.pk,
        "username": "rosa.host",
        "chosen_name": "rosa.host",
        "legal_name": "",
        "peer_alias": "rosa.host",
        "preferred_language": "",
        "roles": ["participant"],
    }
    # Reading her profile never makes one.
    assert not Profile.objects.filter(user=rosa).exists()


def test_her_profile_once_made_is_what_me_shows(db):
    rosa = host_user("rosa.host", Role.PARTICIPANT)
    profile_update(rosa, chosen_name="Rosa", preferred_language="es")
    body = as_user(get_user_model().objects.get(pk=rosa.pk)).get(url("me")).json()
    assert body["chosen_name"] == "Rosa"
    assert body["peer_alias"] == "Rosa"
    assert body["preferred_language"] == "es"
    assert Profile.objects.get(user=rosa).chosen_name == "Rosa"


# Her courses, certificates and employers -------------------------------------------------------


def test_my_enrolments_show_progress_of_her_own_courses_only(
    participant, other_participant, course
):
    enrolment = EnrolmentFactory(user=participant, course=course)
    lessons = list(course_lessons(course))
    LessonProgress.objects.create(
        enrolment=enrolment, lesson=lessons[0], completed_at=timezone.now()
    )
    EnrolmentFactory(user=other_participant, course=CoursePageFactory())
    body = as_user(participant).get(url("my-enrolments")).json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["course"] == {"id": course.pk, "title": "Workplace Readiness"}
    assert item["status"] == EnrolmentStatus.ACTIVE
    assert (item["lessons_done"], item["lessons_total"]) == (1, len(lessons))
    assert item["percent"] == round(100 / len(lessons))


def test_my_certificates_list_hers_only_with_code_and_status(participant, other_participant):
    mine = CertificateFactory(user=participant)
    revoked = CertificateFactory(user=participant, revoked_at=timezone.now())
    CertificateFactory(user=other_participant)
    body = as_user(participant).get(url("my-certificates")).json()
    assert {item["id"] for item in body["results"]} == {mine.pk, revoked.pk}
    by_id = {item["id"]: item for item in body["results"]}
    assert by_id[mine.pk]["status"] == "valid" and by_id[mine.pk]["shareable"] is True
    assert by_id[revoked.pk]["status"] == "revoked" and by_id[revoked.pk]["shareable"] is False
    assert by_id[mine.pk]["code"].replace("-", "") == mine.verification_code
    assert by_id[mine.pk]["verify_url"].endswith(f"/{mine.verification_code}/")


def test_employers_lists_partner_employers_by_name(participant, employer):
    EmployerOrganisationFactory(name="Aster Care")
    body = as_user(participant).get(url("employers")).json()
    assert body["results"] == [
        {"id": body["results"][0]["id"], "name": "Aster Care"},
        {"id": employer.pk, "name": "Harbour Hotels"},
    ]


def test_consent_text_names_the_employer_and_gives_the_version_and_limits(participant, employer):
    response = as_user(participant).get(url("consent-text", query=f"employer={employer.pk}"))
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == CONSENT_VERSION
    assert body["employer"] == {"id": employer.pk, "name": "Harbour Hotels"}
    assert "Harbour Hotels" in body["text"]
    today = timezone.localdate()
    assert body["default_ends_on"] == (today + timedelta(days=90)).isoformat()
    assert body["latest_ends_on"] == (today + timedelta(days=365)).isoformat()
    assert [choice["value"] for choice in body["disclosable"]] == [
        "dates",
        "hours",
        "skills",
        "document",
    ]


@pytest.mark.parametrize("query", ["", "employer=abc", "employer=999999", "employer=1&x=2"])
def test_consent_text_needs_a_known_employer_and_nothing_else(participant, employer, query):
    query = query.replace("employer=1", f"employer={employer.pk}")
    error = assert_error(as_user(participant).get(url("consent-text", query=query)), 400)
    assert error["fields"]


# Sharing: creating a release -------------------------------------------------------------------


def test_she_shares_certificates_and_the_employer_sees_them_at_once(
    participant, certificate, employer
):
    client = as_user(participant)
    response = client.post(
        url("my-release-list"), release_payload(certificate, employer), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    release = CredentialRelease.objects.get()
    assert body["id"] == release.pk
    assert body["status"] == "active"
    assert body["employer"] == {"id": employer.pk, "name": "Harbour Hotels"}
    assert [item["id"] for item in body["certificates"]] == [certificate.pk]
    assert body["disclose"] == ["dates", "skills"]
    assert body["signature"] == "Maya"
    assert body["ends_on"] == (timezone.localdate() + timedelta(days=90)).isoformat()
    assert "staff_note" not in body and "revocation_note" not in body
    assert release.signature == "Maya" and release.consent_version == CONSENT_VERSION
    assert [rc.certificate_id for rc in shared_credentials(employer=employer)] == [certificate.pk]


def test_she_chooses_the_end_date_up_to_365_days(participant, certificate, employer):
    last_day = timezone.localdate() + timedelta(days=365)
    response = as_user(participant).post(
        url("my-release-list"),
        release_payload(certificate, employer, ends_on=last_day.isoformat()),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["ends_on"] == last_day.isoformat()


def _other_certificate(other_participant):
    return CertificateFactory(user=other_participant).pk


BAD_RELEASES = {
    "unknown field": ({"ends_of": "2030-01-01"}, 400, "ends_of"),
    "invalid date": ({"ends_on": "2026-02-30"}, 400, "ends_on"),
    "not a date": ({"ends_on": "soon"}, 400, "ends_on"),
    "ends beyond 365 days": ({"ends_on": 366}, 400, None),
    "ended already": ({"ends_on": -1}, 400, None),
    "missing signature": ({"signature": None}, 400, "signature"),
    "blank signature": ({"signature": "  "}, 400, "signature"),
    "wrong signature": ({"signature": "Someone Else"}, 400, None),
    "old consent version": ({"consent_version": "2001-01"}, 400, None),
    "no certificates": ({"certificates": []}, 400, "certificates"),
    "certificates not a list": ({"certificates": "1,2"}, 400, "certificates"),
    "unknown detail": ({"disclose": ["dates", "address"]}, 400, "disclose"),
    "detail not a string": ({"disclose": [{}]}, 400, "disclose"),
    "certificate id out of range": ({"certificates": [2**70]}, 400, "certificates"),
    "unknown employer": ({"employer": 999999}, 400, "employer"),
    "missing purpose": ({"purpose": None}, 400, "purpose"),
}


@pytest.mark.parametrize("case", list(BAD_RELEASES))
def test_a_bad_release_is_refused_clearly_and_creates_nothing(
    participant, certificate, employer, case
):
    changes, status_code, field = BAD_RELEASES[case]
    changes = dict(changes)
    if isinstance(changes.get("ends_on"), int):
        changes["ends_on"] = (timezone.localdate() + timedelta(days=changes["ends_on"])).isoformat()
    payload = release_payload(certificate, employer, **changes)
    payload = {key: value for key, value in payload.items() if value is not None}
    before = counts()
    response = as_user(participant).post(url("my-release-list"), payload, format="json")
    error = assert_error(response, status_code, "invalid")
    if field is not None:
        assert field in error["fields"]
    # Every field's problems read as a flat list of messages.
    for messages in error.get("fields", {}).values():
        assert messages and all(isinstance(message, str) for message in messages)
    if case == "unknown field":
        assert error["fields"] == {"ends_of": ["Unknown field."]}
    if case == "unknown detail":
        assert error["fields"] == {"disclose": ['Item 2: "address" is not a valid choice.']}
    assert counts() == before


def test_sharing_someone_elses_certificate_is_refused_like_one_that_does_not_exist(
    participant, other_participant, certificate, employer
):
    theirs = CertificateFactory(user=other_participant)
    client = as_user(participant)
    errors = []
    for certificate_id in (theirs.pk, 999999):
        payload = release_payload(
            certificate, employer, certificates=[certificate.pk, certificate_id]
        )
        errors.append(
            assert_error(client.post(url("my-release-list"), payload, format="json"), 400)
        )
    assert errors[0] == errors[1]
    assert counts() == (0, 0)


def test_someone_with_no_profile_shares_signing_with_her_username(db, employer):
    rosa = host_user("rosa.host", Role.PARTICIPANT)
    certificate = CertificateFactory(user=rosa)
    client = as_user(rosa)
    assert [item["id"] for item in client.get(url("my-certificates")).json()["results"]] == [
        certificate.pk
    ]
    response = client.post(
        url("my-release-list"),
        release_payload(certificate, employer, signature="rosa.host"),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["signature"] == "rosa.host"
    assert counts() == (1, 1)


def test_a_malformed_json_body_is_refused_and_creates_nothing(participant):
    response = as_user(participant).post(
        url("my-release-list"), '{"employer": 1, "certificates": [', content_type="application/json"
    )
    assert_error(response, 400, "parse_error")
    assert counts() == (0, 0)


def test_a_json_list_instead_of_an_object_is_refused(participant, certificate, employer):
    response = as_user(participant).post(
        url("my-release-list"), [release_payload(certificate, employer)], format="json"
    )
    assert_error(response, 400, "invalid")
    assert counts() == (0, 0)


def test_a_form_encoded_body_is_refused(participant, certificate, employer):
    response = as_user(participant).post(
        url("my-release-list"), release_payload(certificate, employer), format="multipart"
    )
    assert_error(response, 415)
    assert counts() == (0, 0)


def test_an_oversized_body_is_refused_and_creates_nothing(
    participant, certificate, employer, settings
):
    settings.PATHWAYS_API_MAX_BODY = 300
    payload = release_payload(certificate, employer, purpose="x" * 400)
    response = as_user(participant).post(url("my-release-list"), payload, format="json")
    error = assert_error(response, 413, "body_too_large")
    assert "300" in error["message"]
    assert counts() == (0, 0)


def test_a_session_post_without_the_csrf_token_is_refused(participant, certificate, employer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(participant)
    response = client.post(
        url("my-release-list"), release_payload(certificate, employer), format="json"
    )
    error = assert_error(response, 403, "permission_denied")
    assert "CSRF" in error["message"]
    assert counts() == (0, 0)


def test_a_session_post_with_the_csrf_token_is_accepted(participant, certificate, employer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(participant)
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = client.post(
        url("my-release-list"),
        release_payload(certificate, employer),
        format="json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert response.status_code == 201
    assert counts() == (1, 1)


# Sharing: reading and stopping -----------------------------------------------------------------


def test_my_releases_list_only_hers_with_status(participant, other_participant, employer):
    mine = CredentialReleaseFactory(
        participant=participant,
        employer=employer,
        certificates=[CertificateFactory(user=participant)],
        revoked_at=timezone.now(),
    )
    CredentialReleaseFactory(
        participant=other_participant,
        employer=employer,
        certificates=[CertificateFactory(user=other_participant)],
    )
    body = as_user(participant).get(url("my-release-list")).json()
    assert [item["id"] for item in body["results"]] == [mine.pk]
    assert body["results"][0]["status"] == "revoked"


def test_someone_elses_release_answers_like_one_that_does_not_exist(
    participant, other_participant, employer
):
    theirs = CredentialReleaseFactory(
        participant=other_participant,
        employer=employer,
        certificates=[CertificateFactory(user=other_participant)],
    )
    client = as_user(participant)
    for name in ("my-release-detail",):
        hidden = client.get(url(name, theirs.pk))
        missing = client.get(url(name, 999999))
        assert assert_error(hidden, 404) == assert_error(missing, 404)
    revoke = client.post(url("my-release-revoke", theirs.pk), {}, format="json")
    assert_error(revoke, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_my_release_detail_shows_her_release(participant, shared_certificate):
    release = shared_certificate.release
    body = as_user(participant).get(url("my-release-detail", release.pk)).json()
    assert body["id"] == release.pk
    assert body["certificates"][0]["id"] == shared_certificate.certificate_id


def test_revoking_stops_sharing_from_the_employers_next_request(
    participant, shared_certificate, employer
):
    assert list(shared_credentials(employer=employer)) == [shared_certificate]
    release = shared_certificate.release
    response = as_user(participant).post(url("my-release-revoke", release.pk))
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["revoked_at"]
    assert not shared_credentials(employer=employer).exists()
    release.refresh_from_db()
    assert release.revoked_by == participant


def test_revoking_twice_changes_nothing(participant, shared_certificate):
    release = shared_certificate.release
    client = as_user(participant)
    first = client.post(url("my-release-revoke", release.pk)).json()["revoked_at"]
    second = client.post(url("my-release-revoke", release.pk))
    assert second.status_code == 200
    assert second.json()["revoked_at"] == first


def test_revoking_refuses_unknown_fields_and_changes_nothing(participant, shared_certificate):
    release = shared_certificate.release
    response = as_user(participant).post(
        url("my-release-revoke", release.pk), {"reason": "why not"}, format="json"
    )
    assert assert_error(response, 400, "invalid")["fields"] == {"reason": ["Unknown field."]}
    release.refresh_from_db()
    assert release.revoked_at is None


# Who has seen my certificates ------------------------------------------------------------------


def test_access_log_says_which_employer_saw_what_how_and_when(
    participant, shared_certificate, employer_key, employer_user
):
    key, _raw = employer_key
    access_record(shared=[shared_certificate], channel="api", api_key=key)
    access_record(shared=[shared_certificate], channel="web", employer_user=employer_user)
    response = as_user(participant).get(url("my-access-log"))
    body = response.json()
    assert body["count"] == 2
    by_channel = {item["channel"]: item for item in body["results"]}
    api, web = by_channel["api"], by_channel["web"]
    assert api["employer"] == {"name": "Harbour Hotels"}
    assert api["api_key_name"] == "HR system"
    assert api["channel_label"] == "Employer system (API)"
    assert api["certificate"]["title"] == shared_certificate.certificate.printed_title
    assert "dates" in api["shown"] and "name" in api["shown"]
    assert web["api_key_name"] is None
    # Who looked, as on her web page: the employer's web user, or the key's name.
    assert web["viewed_by"] == employer_user.pathways_profile.chosen_name
    assert api["viewed_by"] == "HR system"


def test_access_log_names_an_employer_user_with_no_profile_by_username(
    participant, shared_certificate
):
    hr = host_user("hr.host", Role.EMPLOYER)
    access_record(shared=[shared_certificate], channel="web", employer_user=hr)
    [item] = as_user(participant).get(url("my-access-log")).json()["results"]
    assert item["viewed_by"] == "hr.host"


def test_access_log_shows_only_her_own(participant, other_participant, employer):
    theirs = CredentialReleaseFactory(
        participant=other_participant,
        employer=employer,
        certificates=[CertificateFactory(user=other_participant)],
    )
    access_record(shared=list(theirs.released_certificates.all()), channel="web")
    assert as_user(participant).get(url("my-access-log")).json()["count"] == 0


# Fixed number of queries -----------------------------------------------------------------------


def _add_enrolments(participant, n):
    for _ in range(n):
        EnrolmentFactory(user=participant, course=CoursePageFactory())


def _add_certificates(participant, n):
    template = CertificateTemplateFactory()
    course = CoursePageFactory()
    start = participant.certificates.count()
    for i in range(n):
        CertificateFactory(
            user=participant, course=course, template=template, achievement_key=f"k:{start + i}"
        )


def _add_employers(participant, n):
    for _ in range(n):
        EmployerOrganisationFactory()


def _add_releases(participant, n):
    template = CertificateTemplateFactory()
    course = CoursePageFactory()
    start = participant.credential_releases.count()
    for i in range(n):
        certificate = CertificateFactory(
            user=participant, course=course, template=template, achievement_key=f"r:{start + i}"
        )
        CredentialReleaseFactory(
            participant=participant,
            employer=EmployerOrganisationFactory(),
            certificates=[certificate],
        )


def _add_accesses(participant, n):
    _add_releases(participant, n)
    shared = ReleasedCertificate.objects.filter(release__participant=participant).select_related(
        "release"
    )
    already = participant.credential_accesses.values_list("certificate_id", flat=True)
    new = list(shared.exclude(certificate_id__in=already))
    # Looked at by an employer's web user with a Pathways profile and by one without.
    for viewer, items in ((EmployerUserFactory(), new[::2]), (_host_viewer(), new[1::2])):
        if items:
            access_record(shared=items, channel="web", employer_user=viewer)


def _host_viewer():
    return host_user(f"hr{get_user_model().objects.count()}", Role.EMPLOYER)


# Each list's queries, whatever its length: the token, her roles, then the selector's own.
LIST_BUILDERS = {
    "my-enrolments": (_add_enrolments, 6),  # and the titles in her language
    "my-certificates": (_add_certificates, 4),
    "employers": (_add_employers, 4),
    "my-release-list": (_add_releases, 5),
    "my-access-log": (_add_accesses, 4),
}


@pytest.mark.parametrize("name", list(LIST_BUILDERS))
def test_participant_lists_run_the_same_queries_for_1_and_50_items(
    participant, name, django_assert_max_num_queries
):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=participant).key}")
    build, queries = LIST_BUILDERS[name]
    build(participant, 1)
    with django_assert_max_num_queries(queries):
        first = client.get(url(name, query="page_size=50"))
    assert first.status_code == 200
    assert len(first.json()["results"]) == 1
    build(participant, 49)
    with django_assert_max_num_queries(queries):
        full = client.get(url(name, query="page_size=50"))
    assert len(full.json()["results"]) == 50


def test_lists_are_paginated(participant):
    _add_employers(participant, 25)
    body = as_user(participant).get(url("employers")).json()
    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["next"]


# Throttling ------------------------------------------------------------------------------------


@pytest.fixture
def low_rates(settings):
    settings.PATHWAYS_API_THROTTLE_RATES = {
        "user": "2/minute",
        "anon": "2/minute",
        "employer_key": None,
    }
    cache.clear()


def test_a_person_is_throttled_on_her_own_budget(participant, other_participant, low_rates):
    client = as_user(participant)
    assert client.get(url("me")).status_code == 200
    assert client.get(url("my-certificates")).status_code == 200
    error = assert_error(client.get(url("me")), 429, "throttled")
    assert error["message"]
    assert as_user(other_participant).get(url("me")).status_code == 200


def test_signing_in_is_throttled_too(api_client, participant, low_rates):
    attempt = {"username": participant.username, "password": "wrong"}
    for _ in range(2):
        assert_error(api_client.post(url("auth-token"), attempt, format="json"), 400)
    assert_error(api_client.post(url("auth-token"), attempt, format="json"), 429, "throttled")


# Mentors ---------------------------------------------------------------------------------------


@pytest.fixture
def mentee(db):
    return ParticipantFactory(
        chosen_name="Rosa",
        peer_alias="Ro",
        legal_name="Rosalind Private",
        email="rosa@example.org",
    )


@pytest.fixture
def pairing(mentor, mentee):
    return MentorshipPairingFactory(mentor=mentor, mentee=mentee)


def test_a_mentor_sees_her_active_mentees_alias_progress_and_certificate_titles(
    mentor, mentee, pairing, course
):
    EnrolmentFactory(user=mentee, course=course)
    CertificateFactory(user=mentee, printed_title="Certificate in Kitchen Skills")
    CertificateFactory(
        user=mentee, printed_title="Withdrawn certificate", revoked_at=timezone.now()
    )
    response = as_user(mentor).get(url("mentor-mentees"))
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["pairing_id"] == pairing.pk
    assert item["alias"] == "Ro"
    assert [course["title"] for course in item["progress"]] == ["Workplace Readiness"]
    assert item["certificate_titles"] == ["Certificate in Kitchen Skills"]
    text = response.content.decode()
    for private in ("Rosa", "Rosalind", "rosa@example.org", mentee.username):
        assert private not in text.replace('"Ro"', "")


def test_a_mentee_with_no_profile_is_known_to_her_mentor_by_her_username(mentor):
    rosa = host_user("rosa.host", Role.PARTICIPANT)
    pairing = MentorshipPairingFactory(mentor=mentor, mentee=rosa)
    client = as_user(mentor)
    [item] = client.get(url("mentor-mentees")).json()["results"]
    assert item["alias"] == "rosa.host"
    assert client.get(url("mentor-mentee-detail", pairing.pk)).json()["alias"] == "rosa.host"
    assert not Profile.objects.filter(user=rosa).exists()


@pytest.mark.parametrize(
    "status", [PairingStatus.PAUSED, PairingStatus.ENDED, PairingStatus.COMPLETED]
)
def test_a_mentor_sees_nothing_of_a_pairing_that_is_not_active(mentor, mentee, status):
    pairing = MentorshipPairingFactory(mentor=mentor, mentee=mentee, status=status)
    client = as_user(mentor)
    assert client.get(url("mentor-mentees")).json()["results"] == []
    assert_error(client.get(url("mentor-mentee-detail", pairing.pk)), 404, "not_found")


def test_a_mentor_cannot_open_another_mentors_pairing(mentor, pairing):
    other = MentorFactory()
    assert_error(as_user(other).get(url("mentor-mentee-detail", pairing.pk)), 404)
    assert as_user(other).get(url("mentor-mentees")).json()["results"] == []


def test_a_mentees_detail_has_their_goals_but_no_private_details(mentor, mentee, pairing):
    MentorshipGoalFactory(pairing=pairing, title="Finish the CV")
    response = as_user(mentor).get(url("mentor-mentee-detail", pairing.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["alias"] == "Ro"
    assert [goal["title"] for goal in body["goals"]] == ["Finish the CV"]
    assert "Rosalind" not in response.content.decode()
    assert "rosa@example.org" not in response.content.decode()


@pytest.mark.parametrize("role", ["participant", "facilitator", "staff", "employer_user"])
def test_mentor_endpoints_refuse_other_roles(request, role, pairing):
    client = as_user(request.getfixturevalue(role))
    assert_error(client.get(url("mentor-mentees")), 403)
    assert_error(client.get(url("mentor-mentee-detail", pairing.pk)), 403)


def test_the_mentee_list_runs_the_same_queries_for_1_and_50_mentees(
    mentor, course, django_assert_max_num_queries
):
    template = CertificateTemplateFactory()

    def add(n):
        for i in range(n):
            # Mentees with a Pathways profile and without one cost the same queries.
            if i % 2:
                mentee = host_user(f"host{get_user_model().objects.count()}", Role.PARTICIPANT)
            else:
                mentee = ParticipantFactory()
            MentorshipPairingFactory(mentor=mentor, mentee=mentee)
            EnrolmentFactory(user=mentee, course=course)
            CertificateFactory(user=mentee, course=course, template=template)

    client = as_user(mentor)
    add(1)
    with django_assert_max_num_queries(7):
        assert len(client.get(url("mentor-mentees", query="page_size=50")).json()["results"]) == 1
    add(49)
    with django_assert_max_num_queries(7):
        assert len(client.get(url("mentor-mentees", query="page_size=50")).json()["results"]) == 50
