"""The API for programme staff and facilitators: cohorts, memberships, pairings, certificates.

A facilitator reaches only the cohorts she is assigned to; programme staff reach everything the
admin's model permissions let them; anyone else signed in gets 403, and an object outside
someone's reach answers 404.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest
from rest_framework.test import APIClient

from pathways.certificates.issuance.models import Certificate, NameChoice
from pathways.certificates.issuance.services import ISSUE_OVERRIDE_ACTION, REVOKE_ACTION
from pathways.cohorts.models import MembershipStatus
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.lms.accounts.roles import Role
from pathways.mentoring.models import PairingStatus
from tests.factories.accounts import TEST_PASSWORD, ParticipantFactory, role_group
from tests.factories.certificates import CertificateFactory, CertificateTemplateFactory
from tests.factories.cohorts import (
    AttendanceFactory,
    CohortFactory,
    CohortMembershipFactory,
    CohortSessionFactory,
)
from tests.factories.courses import CoursePageFactory
from tests.factories.mentoring import MentorshipPairingFactory
from tests.security.support import verified_token

pytestmark = pytest.mark.django_db

LIST_NAMES = ["staff-cohort-list", "staff-pairing-list"]


def url(name, *args, query=""):
    return reverse(f"api:{name}", args=args) + (f"?{query}" if query else "")


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def with_token(user) -> APIClient:
    """An app signed in with a token given after the second factor (tests/security/support)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {verified_token(user).key}")
    return client


def assert_error(response, status_code: int, code: str | None = None) -> dict:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert body["error"]["status"] == status_code
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def host_user(username: str, *roles: Role):
    """An account made by the host site: no Pathways profile yet."""
    user = get_user_model().objects.create_user(username=username, password=TEST_PASSWORD)
    user.groups.add(*(role_group(role=role) for role in roles))
    return user


def next_host_participant():
    return host_user(f"host{get_user_model().objects.count()}", Role.PARTICIPANT)


def take_permission(role: Role, codename: str) -> None:
    """Remove one model permission from a role's group (rolled back after the test)."""
    Group.objects.get(name=role).permissions.remove(Permission.objects.get(codename=codename))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def assigned(facilitator, course):
    return CohortFactory(name="Tuesday group", facilitators=[facilitator], courses=[course])


@pytest.fixture
def unassigned(db):
    return CohortFactory(name="Thursday group")


# Who gets in -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIST_NAMES)
def test_staff_endpoints_need_a_signed_in_person(api_client, name):
    assert_error(api_client.get(url(name)), 401, "not_authenticated")


@pytest.mark.parametrize("role", ["participant", "mentor", "employer_user"])
def test_participants_mentors_and_employers_get_403_everywhere(request, role, assigned):
    client = as_user(request.getfixturevalue(role))
    certificate = CertificateFactory()
    for response in (
        client.get(url("staff-cohort-list")),
        client.get(url("staff-cohort-detail", assigned.pk)),
        client.get(url("staff-cohort-memberships", assigned.pk)),
        client.get(url("staff-pairing-list")),
        client.post(url("staff-certificate-issue"), {}, format="json"),
        client.post(url("staff-certificate-revoke", certificate.pk), {}, format="json"),
    ):
        assert_error(response, 403, "permission_denied")


def test_an_employer_api_key_cannot_reach_staff_endpoints(api_client, employer_key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {employer_key[1]}")
    assert_error(api_client.get(url("staff-cohort-list")), 401)


# Cohorts ---------------------------------------------------------------------------------------


def test_programme_staff_see_every_cohort_with_counts_and_courses(staff, assigned, unassigned):
    CohortMembershipFactory(cohort=assigned)
    CohortMembershipFactory(cohort=assigned, status=MembershipStatus.WAITLISTED)
    body = with_token(staff).get(url("staff-cohort-list")).json()
    by_name = {cohort["name"]: cohort for cohort in body["results"]}
    assert set(by_name) == {"Tuesday group", "Thursday group"}
    tuesday = by_name["Tuesday group"]
    assert (tuesday["places_taken"], tuesday["waitlisted"]) == (1, 1)
    assert [course["title"] for course in tuesday["courses"]] == ["Workplace Readiness"]


def test_a_facilitator_sees_only_the_cohorts_she_is_assigned_to(facilitator, assigned, unassigned):
    client = as_user(facilitator)
    body = client.get(url("staff-cohort-list")).json()
    assert [cohort["id"] for cohort in body["results"]] == [assigned.pk]
    assert client.get(url("staff-cohort-detail", assigned.pk)).status_code == 200
    hidden = assert_error(client.get(url("staff-cohort-detail", unassigned.pk)), 404)
    missing = assert_error(client.get(url("staff-cohort-detail", 999999)), 404)
    assert hidden == missing
    assert_error(client.get(url("staff-cohort-memberships", unassigned.pk)), 404)


def test_a_facilitator_loses_a_cohort_when_unassigned(facilitator, assigned):
    assigned.facilitators.remove(facilitator)
    assert_error(as_user(facilitator).get(url("staff-cohort-detail", assigned.pk)), 404)


def test_staff_without_the_admins_view_permission_cannot_list_cohorts(staff, assigned):
    take_permission(Role.PROGRAMME_STAFF, "view_cohort")
    assert_error(as_user(staff).get(url("staff-cohort-list")), 403)


def test_memberships_show_chosen_names_status_and_hours_never_private_details(
    facilitator, assigned
):
    member = ParticipantFactory(
        chosen_name="Maya", legal_name="Maria Private", email="maya@example.org"
    )
    membership = CohortMembershipFactory(cohort=assigned, user=member)
    session = CohortSessionFactory(cohort=assigned, duration_minutes=90)
    AttendanceFactory(session=session, membership=membership, minutes_attended=90)
    response = as_user(facilitator).get(url("staff-cohort-memberships", assigned.pk))
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["participant"] == {"id": member.pk, "chosen_name": "Maya"}
    assert item["status"] == "active"
    assert item["attended_hours"] == "1.5"
    text = response.content.decode()
    assert "Maria Private" not in text and "maya@example.org" not in text


def test_members_with_no_profile_are_named_and_sorted_by_username(facilitator, assigned):
    CohortMembershipFactory(cohort=assigned, user=ParticipantFactory(chosen_name="Maya"))
    CohortMembershipFactory(cohort=assigned, user=host_user("Lena", Role.PARTICIPANT))
    CohortMembershipFactory(cohort=assigned, user=ParticipantFactory(chosen_name="Ana"))
    response = as_user(facilitator).get(url("staff-cohort-memberships", assigned.pk))
    names = [item["participant"]["chosen_name"] for item in response.json()["results"]]
    assert names == ["Ana", "Lena", "Maya"]


def test_a_facilitator_sees_current_members_staff_also_see_withdrawn_ones(
    facilitator, staff, assigned
):
    current = CohortMembershipFactory(cohort=assigned)
    withdrawn = CohortMembershipFactory(cohort=assigned, status=MembershipStatus.WITHDRAWN)
    facilitator_view = as_user(facilitator).get(url("staff-cohort-memberships", assigned.pk))
    assert [item["id"] for item in facilitator_view.json()["results"]] == [current.pk]
    staff_view = as_user(staff).get(url("staff-cohort-memberships", assigned.pk))
    assert {item["id"] for item in staff_view.json()["results"]} == {current.pk, withdrawn.pk}
    filtered = as_user(staff).get(
        url("staff-cohort-memberships", assigned.pk, query="status=withdrawn")
    )
    assert [item["id"] for item in filtered.json()["results"]] == [withdrawn.pk]


def test_an_unknown_status_filter_is_a_clear_400(staff, assigned):
    response = as_user(staff).get(url("staff-cohort-memberships", assigned.pk, query="status=x"))
    assert "status" in assert_error(response, 400, "invalid")["fields"]


# Pairings --------------------------------------------------------------------------------------


def test_programme_staff_list_pairings_with_chosen_names(staff):
    pairing = MentorshipPairingFactory(
        mentee=ParticipantFactory(chosen_name="Rosa", legal_name="Rosalind Private")
    )
    MentorshipPairingFactory(status=PairingStatus.ENDED)
    response = as_user(staff).get(url("staff-pairing-list", query="status=active"))
    [item] = response.json()["results"]
    assert item["id"] == pairing.pk
    assert item["mentee"]["chosen_name"] == "Rosa"
    assert "Rosalind" not in response.content.decode()


def test_pairings_name_people_with_no_profile_by_username(staff):
    pairing = MentorshipPairingFactory(
        mentor=host_user("mo.host", Role.MENTOR), mentee=host_user("rosa.host", Role.PARTICIPANT)
    )
    [item] = as_user(staff).get(url("staff-pairing-list")).json()["results"]
    assert item["mentor"] == {"id": pairing.mentor_id, "chosen_name": "mo.host"}
    assert item["mentee"] == {"id": pairing.mentee_id, "chosen_name": "rosa.host"}


def test_facilitators_cannot_list_pairings(facilitator):
    assert_error(as_user(facilitator).get(url("staff-pairing-list")), 403)


def test_staff_without_the_admins_pairing_permission_cannot_list_pairings(staff):
    take_permission(Role.PROGRAMME_STAFF, "view_mentorshippairing")
    assert_error(as_user(staff).get(url("staff-pairing-list")), 403)


# Fixed number of queries -----------------------------------------------------------------------


def _add_cohorts(course, n):
    for _ in range(n):
        cohort = CohortFactory(courses=[course])
        CohortMembershipFactory(cohort=cohort)


def _add_members(cohort, n):
    # Members with a Pathways profile and without one cost the same queries.
    for i in range(n):
        user = next_host_participant() if i % 2 else ParticipantFactory()
        membership = CohortMembershipFactory(cohort=cohort, user=user)
        AttendanceFactory(session=CohortSessionFactory(cohort=cohort), membership=membership)


def _add_pairings(n):
    for i in range(n):
        if i % 2:
            MentorshipPairingFactory(mentee=next_host_participant())
        else:
            MentorshipPairingFactory()


def test_cohort_list_runs_the_same_queries_for_1_and_50(
    staff, course, django_assert_max_num_queries
):
    client = with_token(staff)
    _add_cohorts(course, 1)
    # One of these loads the device her token's second factor passed with, as for a session.
    with django_assert_max_num_queries(8):
        assert (
            len(client.get(url("staff-cohort-list", query="page_size=50")).json()["results"]) == 1
        )
    _add_cohorts(course, 49)
    with django_assert_max_num_queries(8):
        body = client.get(url("staff-cohort-list", query="page_size=50")).json()
    assert len(body["results"]) == 50


def test_membership_list_runs_the_same_queries_for_1_and_50(
    staff, assigned, django_assert_max_num_queries
):
    client = with_token(staff)
    target = url("staff-cohort-memberships", assigned.pk, query="page_size=50")
    _add_members(assigned, 1)
    with django_assert_max_num_queries(8):
        assert len(client.get(target).json()["results"]) == 1
    _add_members(assigned, 49)
    with django_assert_max_num_queries(8):
        assert len(client.get(target).json()["results"]) == 50


def test_pairing_list_runs_the_same_queries_for_1_and_50(staff, django_assert_max_num_queries):
    client = with_token(staff)
    _add_pairings(1)
    with django_assert_max_num_queries(7):
        assert (
            len(client.get(url("staff-pairing-list", query="page_size=50")).json()["results"]) == 1
        )
    _add_pairings(49)
    with django_assert_max_num_queries(7):
        assert (
            len(client.get(url("staff-pairing-list", query="page_size=50")).json()["results"]) == 50
        )


# Issuing certificates --------------------------------------------------------------------------


@pytest.fixture
def template(course):
    return CertificateTemplateFactory(courses=[course])


def test_staff_issue_a_certificate_with_a_reason(staff, participant, course, template):
    Enrolment.objects.create(
        user=participant,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    response = with_token(staff).post(
        url("staff-certificate-issue"),
        {"participant": participant.pk, "course": course.pk, "reason": "Prior learning"},
        format="json",
    )
    assert response.status_code == 201, response.content
    certificate = Certificate.objects.get(user=participant)
    body = response.json()
    assert body["id"] == certificate.pk
    assert body["participant"] == {"id": participant.pk, "chosen_name": "Maya"}
    assert body["status"] == "valid"
    assert body["issued_without_completion"] is False
    assert certificate.issued_by == staff
    assert certificate.issue_reason == "Prior learning"
    assert ModelLogEntry.objects.filter(object_id=str(certificate.pk), user=staff).exists()


def test_an_issue_through_the_api_is_written_to_the_history_once_as_in_the_admin(
    staff, participant, course, template
):
    payload = {
        "participant": participant.pk,
        "course": course.pk,
        "reason": "Recognised prior learning",
        "override_completion": True,
    }
    response = with_token(staff).post(url("staff-certificate-issue"), payload, format="json")
    assert response.status_code == 201, response.content
    history = ModelLogEntry.objects.filter(object_id=str(response.json()["id"])).order_by("pk")
    assert sorted((entry.action, entry.user) for entry in history) == sorted(
        [(ISSUE_OVERRIDE_ACTION, staff), ("wagtail.create", staff)]
    )


def test_issuing_to_someone_who_has_not_completed_is_refused_without_the_override(
    staff, participant, course, template
):
    payload = {"participant": participant.pk, "course": course.pk, "reason": "Prior learning"}
    for refused in (payload, {**payload, "override_completion": False}):
        response = with_token(staff).post(url("staff-certificate-issue"), refused, format="json")
        error = assert_error(response, 400, "invalid")
        assert "Not enrolled in the course" in error["fields"]["override_completion"][0]
    assert not Certificate.objects.exists()


def test_staff_issue_although_the_rules_are_not_met_with_the_override_and_a_reason(
    staff, participant, course, template
):
    payload = {
        "participant": participant.pk,
        "course": course.pk,
        "reason": "Recognised prior learning",
        "override_completion": True,
    }
    response = with_token(staff).post(url("staff-certificate-issue"), payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["issued_without_completion"] is True
    certificate = Certificate.objects.get(user=participant)
    assert certificate.issued_without_completion
    entry = ModelLogEntry.objects.get(
        action=ISSUE_OVERRIDE_ACTION, object_id=str(certificate.pk), user=staff
    )
    assert entry.data["reason"] == "Recognised prior learning"
    blank = with_token(staff).post(
        url("staff-certificate-issue"),
        {**payload, "participant": ParticipantFactory().pk, "reason": " "},
        format="json",
    )
    assert_error(blank, 400, "invalid")
    assert Certificate.objects.count() == 1


BAD_ISSUES = {
    "no reason": {"reason": None},
    "blank reason": {"reason": "   "},
    "both a course and a cohort": {"cohort": "cohort"},
    "neither course nor cohort": {"course": None},
    "unknown participant": {"participant": 999999},
    "unknown field": {"name_choice": "legal"},
}


@pytest.mark.parametrize("case", list(BAD_ISSUES))
def test_a_bad_issue_is_refused_and_issues_nothing(staff, participant, course, template, case):
    payload = {"participant": participant.pk, "course": course.pk, "reason": "Prior learning"}
    for key, value in BAD_ISSUES[case].items():
        if value == "cohort":
            value = CohortFactory(courses=[course]).pk
        payload[key] = value
    payload = {key: value for key, value in payload.items() if value is not None}
    response = as_user(staff).post(url("staff-certificate-issue"), payload, format="json")
    error = assert_error(response, 400, "invalid")
    if case == "unknown field":
        assert error["fields"] == {"name_choice": ["Unknown field."]}
    assert not Certificate.objects.exists()


def test_issuing_what_she_already_holds_is_refused(staff, participant, course, template):
    CertificateFactory(user=participant, course=course, template=template)
    response = as_user(staff).post(
        url("staff-certificate-issue"),
        {"participant": participant.pk, "course": course.pk, "reason": "Again"},
        format="json",
    )
    assert "already holds" in assert_error(response, 400)["message"]
    assert Certificate.objects.count() == 1


def test_issuing_without_a_template_is_refused(staff, participant):
    response = as_user(staff).post(
        url("staff-certificate-issue"),
        {"participant": participant.pk, "course": CoursePageFactory().pk, "reason": "Prior"},
        format="json",
    )
    assert_error(response, 400)
    assert not Certificate.objects.exists()


def test_facilitators_cannot_issue_or_revoke(facilitator, participant, course, template):
    client = as_user(facilitator)
    issue = client.post(
        url("staff-certificate-issue"),
        {"participant": participant.pk, "course": course.pk, "reason": "Prior learning"},
        format="json",
    )
    assert_error(issue, 403)
    certificate = CertificateFactory()
    assert_error(
        client.post(
            url("staff-certificate-revoke", certificate.pk), {"reason": "x"}, format="json"
        ),
        403,
    )
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_staff_without_the_admins_add_permission_cannot_issue(staff, participant, course, template):
    take_permission(Role.PROGRAMME_STAFF, "add_certificate")
    response = as_user(staff).post(
        url("staff-certificate-issue"),
        {"participant": participant.pk, "course": course.pk, "reason": "Prior learning"},
        format="json",
    )
    assert_error(response, 403)
    assert not Certificate.objects.exists()


def test_a_session_post_without_the_csrf_token_is_refused(staff, participant, course, template):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(
        url("staff-certificate-issue"),
        {"participant": participant.pk, "course": course.pk, "reason": "Prior learning"},
        format="json",
    )
    assert "CSRF" in assert_error(response, 403)["message"]
    assert not Certificate.objects.exists()


# Revoking certificates -------------------------------------------------------------------------


def test_staff_revoke_a_certificate_with_a_reason(staff, participant):
    certificate = CertificateFactory(user=participant)
    response = with_token(staff).post(
        url("staff-certificate-revoke", certificate.pk),
        {"reason": "Issued by mistake"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked"
    certificate.refresh_from_db()
    assert certificate.revoked_by == staff
    assert certificate.revocation_reason == "Issued by mistake"


def test_a_revocation_through_the_api_is_written_to_the_history_once_as_in_the_admin(staff):
    holder = ParticipantFactory(chosen_name="Maya", legal_name="Maria Private")
    certificate = CertificateFactory(
        user=holder, name_choice=NameChoice.LEGAL, printed_name="Maria Private"
    )
    response = with_token(staff).post(
        url("staff-certificate-revoke", certificate.pk), {"reason": "Mistake"}, format="json"
    )
    assert response.status_code == 200, response.content
    entry = ModelLogEntry.objects.get(object_id=str(certificate.pk))
    assert (entry.action, entry.user) == (REVOKE_ACTION, staff)
    assert entry.label == f"{certificate.printed_title} – Maya"


def test_the_staff_view_of_a_certificate_never_shows_the_printed_legal_name(staff):
    holder = ParticipantFactory(chosen_name="Maya", legal_name="Maria Private")
    certificate = CertificateFactory(
        user=holder, name_choice=NameChoice.LEGAL, printed_name="Maria Private"
    )
    response = as_user(staff).post(
        url("staff-certificate-revoke", certificate.pk), {"reason": "Mistake"}, format="json"
    )
    assert response.status_code == 200
    assert "Maria Private" not in response.content.decode()


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "x", "notify": True}])
def test_revoking_needs_a_reason_and_nothing_else(staff, payload):
    certificate = CertificateFactory()
    response = as_user(staff).post(
        url("staff-certificate-revoke", certificate.pk), payload, format="json"
    )
    assert_error(response, 400, "invalid")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoking_twice_is_refused_and_keeps_the_first_revocation(staff):
    first = timezone.now()
    certificate = CertificateFactory(revoked_at=first, revocation_reason="First")
    response = as_user(staff).post(
        url("staff-certificate-revoke", certificate.pk), {"reason": "Second"}, format="json"
    )
    assert "already revoked" in assert_error(response, 400)["message"]
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "First"


def test_revoking_an_unknown_certificate_is_404(staff):
    response = as_user(staff).post(
        url("staff-certificate-revoke", 999999), {"reason": "x"}, format="json"
    )
    assert_error(response, 404, "not_found")


def test_a_course_is_named_by_its_source_page_not_a_translation(
    staff, participant, course, template
):
    from tests.factories.translations import translate_page

    spanish = translate_page(course, "es", title="Curso")
    response = with_token(staff).post(
        url("staff-certificate-issue"),
        {"participant": participant.pk, "course": spanish.pk, "reason": "Prior learning"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert not Certificate.objects.filter(user=participant).exists()
