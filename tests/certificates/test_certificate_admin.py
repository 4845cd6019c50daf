"""Certificates in the Wagtail admin: templates with revisions, issuing, revoking, reissuing and
cohort batches, each through the services; only programme staff get in."""

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from pathways.certificates.issuance import services
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateStatus,
    CertificateTemplate,
    NameChoice,
)
from pathways.certificates.issuance.services import REISSUE_ACTION, REVOKE_ACTION
from pathways.cohorts.models import CohortMembership, MembershipStatus
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.lms.accounts.profiles import profile_update
from tests.factories.accounts import ParticipantFactory, UserFactory
from tests.factories.certificates import CertificateFactory, CertificateTemplateFactory
from tests.factories.cohorts import (
    AttendanceFactory,
    CohortFactory,
    CohortMembershipFactory,
    CohortSessionFactory,
)
from tests.factories.courses import build_course
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db

TEMPLATES_INDEX = "wagtailsnippets_pathways_certificates_certificatetemplate:list"


@pytest.fixture
def course(db):
    return build_course(title="Customer Service Fundamentals", modules=1, lessons_per_module=1)


@pytest.fixture
def template(course):
    return CertificateTemplateFactory(courses=[course], name="Course certificate")


@pytest.fixture
def certificate(participant, course, template):
    Enrolment.objects.create(
        user=participant,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    return services.certificate_issue(user=participant, course=course)


@pytest.fixture
def admin(signed_in, staff):
    return signed_in(staff)


# Who gets in ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "certificates_admin:index",
        "certificates_admin:add",
        "certificate_batches:index",
        "certificate_batches:add",
        TEMPLATES_INDEX,
    ],
)
@pytest.mark.parametrize("role", ["participant", "mentor", "facilitator", "employer_user", "staff"])
def test_only_programme_staff_reach_the_certificate_admin(
    client, request, certificate, role, url_name
):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(url_name))
    if role == "staff":
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)


def test_staff_cannot_reach_revoke_or_reissue_without_the_permission(
    client, facilitator, certificate
):
    client.force_login(facilitator)
    for name in ("revoke", "reissue", "inspect"):
        response = client.post(
            reverse(f"certificates_admin:{name}", args=[certificate.pk]), {"reason": "x"}
        )
        assert response.status_code in (302, 403)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


# Templates ------------------------------------------------------------------------------------


def _template_form(**overrides):
    data = {
        "name": "Leadership certificate",
        "title": "Certificate of Completion",
        "wording": "has successfully completed",
        "language": "en",
        "validity_days": "",
        "issuer_name": "Northstar Skills Institute",
        "signatory_name": "Jordan Ellis",
        "signatory_title": "Programme Director",
        "primary_colour": "#1d4f7a",
        "accent_colour": "#b08d2b",
        "paper_size": "a4",
        # The translations' inline forms (title and wording in other languages): none.
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_staff_create_and_edit_a_template_and_each_save_keeps_a_revision(admin, course):
    response = admin.post(
        reverse("wagtailsnippets_pathways_certificates_certificatetemplate:add"),
        _template_form(courses=[course.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = CertificateTemplate.objects.get(name="Leadership certificate")
    assert list(template.courses.all()) == [course]
    assert template.revisions.count() == 1

    response = admin.post(
        reverse(
            "wagtailsnippets_pathways_certificates_certificatetemplate:edit", args=[template.pk]
        ),
        _template_form(title="Certificate of Achievement", courses=[course.pk]),
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.title == "Certificate of Achievement"
    assert template.revisions.count() == 2
    history = admin.get(
        reverse(
            "wagtailsnippets_pathways_certificates_certificatetemplate:history", args=[template.pk]
        )
    )
    assert history.status_code == 200


def test_a_template_colour_must_be_a_colour(admin):
    response = admin.post(
        reverse("wagtailsnippets_pathways_certificates_certificatetemplate:add"),
        _template_form(primary_colour="blue"),
    )
    assert response.status_code == 200
    assert not CertificateTemplate.objects.exists()


# The certificates listing ---------------------------------------------------------------------


def test_the_listing_names_the_participant_by_her_chosen_name_never_the_printed_one(
    admin, participant, certificate
):
    profile_update(participant, legal_name="Maya Rodríguez Acosta")
    services.certificate_set_name_choice(
        certificate=certificate, user=participant, name_choice=NameChoice.LEGAL
    )
    for url in (
        reverse("certificates_admin:index"),
        reverse("certificates_admin:inspect", args=[certificate.pk]),
        reverse("certificates_admin:revoke", args=[certificate.pk]),
        reverse("certificates_admin:history", args=[certificate.pk]),
    ):
        page = admin.get(url).content.decode()
        assert "Maya" in page
        assert "Rodríguez" not in page, url
    listing = admin.get(reverse("certificates_admin:index")).content.decode()
    assert format_code(certificate.verification_code) in listing
    assert "Valid" in listing


def test_someone_with_no_profile_is_named_by_her_username_never_her_first_and_last_names(
    admin, staff, course, template
):
    """A host site's account without a Pathways profile: staff pages name her by her username,
    never by the user model's first and last names (maybe a legal name)."""
    user = get_user_model().objects.create_user(
        username="rosa.m", first_name="Legal", last_name="Person"
    )
    Enrolment.objects.create(
        user=user, course=course, status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
    )
    certificate = services.certificate_issue(
        user=user, course=course, issued_by=staff, reason="Recognised prior learning"
    )
    assert certificate.printed_name == "rosa.m"
    for url in (
        reverse("certificates_admin:index"),
        reverse("certificates_admin:inspect", args=[certificate.pk]),
        reverse("certificates_admin:revoke", args=[certificate.pk]),
        reverse("certificates_admin:history", args=[certificate.pk]),
    ):
        page = admin.get(url).content.decode()
        assert "rosa.m" in page, url
        assert "Legal Person" not in page, url
    found = admin.get(reverse("certificates_admin:index"), {"q": "rosa"}).context["object_list"]
    assert [c.pk for c in found] == [certificate.pk]


def test_the_listing_runs_a_fixed_number_of_queries(admin, course, template):
    def listing_queries() -> int:
        url = reverse("certificates_admin:index")
        admin.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = admin.get(url)
        assert response.status_code == 200
        return len(captured)

    CertificateFactory(course=course, template=template)
    CertificateFactory(course=course, template=template, user=UserFactory())
    few = listing_queries()
    for index in range(10):
        if index % 2:
            user = get_user_model().objects.create_user(username=f"host-user-{index}")
        else:
            user = ParticipantFactory()
        CertificateFactory(course=course, template=template, user=user)
    assert listing_queries() == few


def test_staff_find_a_certificate_by_its_code_typed_any_way_or_by_name(
    admin, participant, other_participant, certificate, course, staff
):
    other = services.certificate_issue(
        user=other_participant,
        course=course,
        issued_by=staff,
        reason="Prior learning",
        override_completion=True,
    )
    code = certificate.verification_code
    for query in (format_code(code), code.lower(), code[:6], "maya"):
        listing = admin.get(reverse("certificates_admin:index"), {"q": query}).content.decode()
        assert format_code(code) in listing, query
        assert format_code(other.verification_code) not in listing, query


def test_staff_filter_certificates_by_status(admin, staff, certificate, other_participant, course):
    other = services.certificate_issue(
        user=other_participant,
        course=course,
        issued_by=staff,
        reason="Prior learning",
        override_completion=True,
    )
    services.certificate_revoke(certificate=other, actor=staff, reason="Issued in error")
    revoked = admin.get(
        reverse("certificates_admin:index"), {"status": CertificateStatus.REVOKED}
    ).content.decode()
    assert format_code(other.verification_code) in revoked
    assert format_code(certificate.verification_code) not in revoked
    valid = admin.get(
        reverse("certificates_admin:index"), {"status": CertificateStatus.VALID}
    ).content.decode()
    assert format_code(certificate.verification_code) in valid
    assert format_code(other.verification_code) not in valid


def test_the_certificate_page_never_links_to_a_public_page_showing_a_printed_legal_name(
    admin, participant, certificate
):
    verify_url = reverse("verify:code", args=[certificate.verification_code])
    inspect_url = reverse("certificates_admin:inspect", args=[certificate.pk])
    assert verify_url in admin.get(inspect_url).content.decode()  # chosen name printed

    profile_update(participant, legal_name="Maya Rodríguez Acosta")
    current = services.certificate_set_name_choice(
        certificate=certificate, user=participant, name_choice=NameChoice.LEGAL
    )
    page = admin.get(reverse("certificates_admin:inspect", args=[current.pk])).content.decode()
    assert reverse("verify:code", args=[current.verification_code]) not in page
    assert "Rodríguez" not in page


def test_certificates_are_never_edited_or_deleted_in_the_admin(client, certificate):
    superuser = with_second_factor(UserFactory(is_superuser=True, is_staff=True))
    client.force_login(superuser)
    edit = client.get(reverse("certificates_admin:edit", args=[certificate.pk]))
    assert edit.status_code == 302
    assert edit["Location"] == reverse("certificates_admin:inspect", args=[certificate.pk])
    delete = client.post(reverse("certificates_admin:delete", args=[certificate.pk]))
    assert delete.status_code == 302
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    listing = client.get(reverse("certificates_admin:index")).content.decode()
    assert reverse("certificates_admin:delete", args=[certificate.pk]) not in listing


# Issuing, revoking, reissuing -----------------------------------------------------------------


def test_staff_issue_a_certificate_with_a_reason(admin, staff, other_participant, course, template):
    Enrolment.objects.create(
        user=other_participant,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    response = admin.post(
        reverse("certificates_admin:add"),
        {
            "user": other_participant.pk,
            "course": course.pk,
            "reason": "Missed by the automatic run",
        },
    )
    certificate = Certificate.objects.get(user=other_participant)
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates_admin:inspect", args=[certificate.pk])
    assert certificate.issued_by == staff
    assert certificate.issue_reason == "Missed by the automatic run"
    assert not certificate.issued_without_completion
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=certificate.pk).exists()


def test_issuing_to_someone_who_has_not_completed_needs_the_explicit_choice(
    admin, staff, other_participant, course, template
):
    url = reverse("certificates_admin:add")
    payload = {"user": other_participant.pk, "course": course.pk, "reason": "Prior learning"}
    refused = admin.post(url, payload)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "has not met the completion rules" in page
    assert "Not enrolled in the course" in page
    assert not Certificate.objects.exists()

    response = admin.post(url, {**payload, "override_completion": "on"})
    assert response.status_code == 302
    certificate = Certificate.objects.get(user=other_participant)
    assert certificate.issued_without_completion
    entry = ModelLogEntry.objects.get(
        action=services.ISSUE_OVERRIDE_ACTION, object_id=str(certificate.pk)
    )
    assert entry.user == staff
    assert entry.data["reason"] == "Prior learning"

    record = admin.get(reverse("certificates_admin:inspect", args=[certificate.pk]))
    record = record.content.decode()
    assert "issued although the completion rules were not met" in record
    assert "Not enrolled in the course" in record
    assert "Prior learning" in record
    history = admin.get(reverse("certificates_admin:history", args=[certificate.pk]))
    assert "Prior learning" in history.content.decode()


def test_staff_issue_is_refused_without_a_reason_or_twice(admin, participant, course, certificate):
    response = admin.post(
        reverse("certificates_admin:add"), {"user": participant.pk, "course": course.pk}
    )
    assert response.status_code == 200
    response = admin.post(
        reverse("certificates_admin:add"),
        {"user": participant.pk, "course": course.pk, "reason": "Again"},
    )
    assert response.status_code == 200
    assert "already holds this certificate" in response.content.decode()
    assert Certificate.objects.count() == 1


def test_staff_issue_needs_a_course_or_a_cohort(admin, other_participant, template):
    response = admin.post(
        reverse("certificates_admin:add"),
        {"user": other_participant.pk, "reason": "Prior learning"},
    )
    assert response.status_code == 200
    assert "either a course or a cohort" in response.content.decode()
    assert not Certificate.objects.exists()


def test_staff_revoke_with_a_private_reason(admin, staff, certificate):
    url = reverse("certificates_admin:revoke", args=[certificate.pk])
    assert admin.post(url, {"reason": ""}).status_code == 200
    response = admin.post(url, {"reason": "Issued in error"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revocation_reason == "Issued in error"
    assert ModelLogEntry.objects.filter(action=REVOKE_ACTION, object_id=certificate.pk).exists()
    inspect = admin.get(reverse("certificates_admin:inspect", args=[certificate.pk]))
    assert "Issued in error" in inspect.content.decode()
    assert reverse("certificates_admin:revoke", args=[certificate.pk]) not in (
        inspect.content.decode()
    )


def test_staff_reissue_from_the_certificate_page(admin, staff, certificate):
    inspect = admin.get(reverse("certificates_admin:inspect", args=[certificate.pk]))
    assert reverse("certificates_admin:reissue", args=[certificate.pk]) in inspect.content.decode()
    response = admin.post(
        reverse("certificates_admin:reissue", args=[certificate.pk]),
        {"reason": "Wording corrected"},
    )
    certificate.refresh_from_db()
    new = certificate.superseded_by
    assert new is not None
    assert response["Location"] == reverse("certificates_admin:inspect", args=[new.pk])
    assert ModelLogEntry.objects.filter(action=REISSUE_ACTION, object_id=certificate.pk).exists()
    assert (
        "Replaced"
        in admin.get(reverse("certificates_admin:inspect", args=[certificate.pk])).content.decode()
    )


# Cohort batches -------------------------------------------------------------------------------


def finished(course, membership):
    Enrolment.objects.create(
        user=membership.user,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    return membership


@pytest.fixture
def cohort(course):
    """Three members who completed the course (one also recorded as completed by staff), and one
    who joined a minute ago with nothing done."""
    cohort = CohortFactory(name="Tuesday group", courses=[course])
    for _index in range(2):
        finished(course, CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE))
    finished(
        course,
        CohortMembershipFactory(
            cohort=cohort, status=MembershipStatus.COMPLETED, completed_at=timezone.now()
        ),
    )
    newcomer = ParticipantFactory(chosen_name="Newcomer")
    CohortMembershipFactory(cohort=cohort, user=newcomer, status=MembershipStatus.ACTIVE)
    return cohort


def test_staff_check_then_issue_for_a_whole_cohort_and_see_the_progress(
    admin, staff, cohort, django_capture_on_commit_callbacks, monkeypatch
):
    from pathways.certificates.issuance import tasks

    monkeypatch.setattr(tasks, "ensure_certificate_pdf", lambda certificate: None)
    template = CertificateTemplateFactory(name="Programme", cohorts=[cohort])
    answers = {"cohort": cohort.pk, "template": template.pk, "reason": "Programme finished"}
    with django_capture_on_commit_callbacks(execute=True):
        check = admin.post(reverse("certificate_batches:add"), answers)
    assert check.status_code == 200
    assert not CertificateBatch.objects.exists()
    assert not Certificate.objects.exists()
    page = check.content.decode()
    assert "3 will receive the certificate" in page
    assert "1 will not receive it" in page
    assert "Newcomer" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("certificate_batches:add"), {**answers, "confirm": "1"})
    assert response.status_code == 302
    batch = CertificateBatch.objects.get()
    assert batch.status == BatchStatus.DONE
    assert (batch.total, batch.issued, batch.skipped, batch.not_completed) == (4, 3, 0, 1)
    assert Certificate.objects.filter(cohort=cohort).count() == 3
    assert not Certificate.objects.filter(user__pathways_profile__chosen_name="Newcomer").exists()
    listing = admin.get(reverse("certificate_batches:index")).content.decode()
    assert "3 of 4 issued, 1 not completed, 0 skipped" in listing
    assert "Done" in listing
    notes = admin.get(reverse("certificate_batches:inspect", args=[batch.pk])).content.decode()
    assert "Newcomer: not issued, the completion rules are not met" in notes


def test_the_check_page_lists_who_will_and_will_not_receive_it_and_why(admin, cohort):
    template = CertificateTemplateFactory(
        name="Programme", title="Programme Certificate", cohorts=[cohort]
    )
    response = admin.post(
        reverse("certificate_batches:add"),
        {"cohort": cohort.pk, "template": template.pk, "reason": "Programme finished"},
    )
    page = response.content.decode()
    assert "Programme Certificate" in page
    assert template.issuer_name in page
    assert "Programme finished" in page
    assert '<th scope="col">Why not</th>' in page
    assert "Customer Service Fundamentals: not enrolled" in page
    assert 'name="confirm"' in page
    assert 'name="change"' in page
    assert not CertificateBatch.objects.exists()


def test_changing_the_answers_from_the_check_page_starts_nothing(admin, cohort):
    template = CertificateTemplateFactory(name="Programme", cohorts=[cohort])
    response = admin.post(
        reverse("certificate_batches:add"),
        {
            "cohort": cohort.pk,
            "template": template.pk,
            "reason": "Programme finished",
            "confirm": "1",
            "change": "1",
        },
    )
    assert response.status_code == 200
    assert "Programme finished" in response.content.decode()
    assert 'name="reason"' in response.content.decode()
    assert not CertificateBatch.objects.exists()


def _cohort_of(course, members: int):
    """A cohort asking for an hour of attendance, whose members are at every stage: finished,
    half-way with some attendance, recorded as completed, and holding the certificate."""
    cohort = CohortFactory(courses=[course])
    cohort.cohort_courses.update(min_attended_hours=1)
    template = CertificateTemplateFactory(cohorts=[cohort])
    session = CohortSessionFactory(cohort=cohort)
    for index in range(members):
        membership = CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE)
        stage = index % 4
        if stage == 0:
            finished(course, membership)
            AttendanceFactory(session=session, membership=membership, minutes_attended=60)
        elif stage == 1:
            Enrolment.objects.create(user=membership.user, course=course)
            AttendanceFactory(session=session, membership=membership, minutes_attended=30)
        elif stage == 2:
            CohortMembership.objects.filter(pk=membership.pk).update(
                status=MembershipStatus.COMPLETED, completed_at=timezone.now()
            )
        else:
            CertificateFactory(user=membership.user, cohort=cohort, template=template)
    return cohort, template


def test_the_check_page_runs_a_fixed_number_of_queries_for_1_or_10_members(
    admin, course, django_assert_max_num_queries
):
    counts = []
    # 4: one member at each stage, so that every query the page can make is made.
    for members in (1, 4, 10):
        cohort, template = _cohort_of(course, members)
        answers = {"cohort": cohort.pk, "template": template.pk, "reason": "Programme finished"}
        with django_assert_max_num_queries(30) as captured:
            response = admin.post(reverse("certificate_batches:add"), answers)
        assert response.status_code == 200
        assert "will not receive it" in response.content.decode()
        counts.append(len(captured))
    assert counts[1] == counts[2]


def test_a_batch_for_a_template_not_set_up_for_the_cohort_is_refused(admin, cohort, template):
    response = admin.post(
        reverse("certificate_batches:add"),
        {"cohort": cohort.pk, "template": template.pk, "reason": "Programme finished"},
    )
    assert response.status_code == 200
    assert not CertificateBatch.objects.exists()


def test_staff_run_a_stopped_batch_again(
    admin, staff, cohort, django_capture_on_commit_callbacks, monkeypatch
):
    from pathways.certificates.issuance import tasks

    monkeypatch.setattr(tasks, "ensure_certificate_pdf", lambda certificate: None)
    template = CertificateTemplateFactory(name="Programme", cohorts=[cohort])
    batch = CertificateBatch.objects.create(
        cohort=cohort,
        template=template,
        requested_by=staff,
        reason="Programme finished",
        status=BatchStatus.FAILED,
        error="Stopped by an unexpected error (ConnectionError). It is safe to run it again.",
    )
    listing = admin.get(reverse("certificate_batches:index")).content.decode()
    run_again = reverse("certificate_batches:run_again", args=[batch.pk])
    assert run_again in listing
    assert admin.get(run_again).status_code == 200
    admin.post(run_again)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert batch.issued == 3
    assert admin.post(run_again).status_code == 404  # a finished batch is not run again


def test_the_stored_pdf_is_not_served_in_the_admin_inspect(admin, certificate):
    certificate.pdf.save("stored.pdf", ContentFile(b"%PDF-1.7"), save=True)
    page = admin.get(reverse("certificates_admin:inspect", args=[certificate.pk])).content.decode()
    assert certificate.pdf.url not in page


# What the list and the record pages show ------------------------------------------------------


def _main_text(response) -> str:
    from bs4 import BeautifulSoup

    assert response.status_code == 200
    return (
        BeautifulSoup(response.content.decode(), "html.parser")
        .select_one("main")
        .get_text(" ", strip=True)
    )


def _inspect_values(response) -> dict[str, str]:
    """The record page's fields: label -> value as shown."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return {
        " ".join(term.get_text(" ", strip=True).split()): " ".join(
            term.find_next_sibling("dd").get_text(" ", strip=True).split()
        )
        for term in soup.select("main dl dt")
    }


def test_the_listing_shows_the_course_or_the_cohort_of_each_certificate(admin, course, template):
    cohort = CohortFactory(name="Tuesday group", courses=[course])
    CertificateFactory(course=course, template=template)
    CertificateFactory(course=None, cohort=cohort, template=template)
    response = admin.get(reverse("certificates_admin:index"))
    text = _main_text(response)
    assert "Course or cohort" in text
    assert "Customer Service Fundamentals" in text
    assert "Tuesday group (cohort)" in text


def test_the_listing_with_courses_and_cohorts_runs_a_fixed_number_of_queries(
    admin, course, template
):
    def listing_queries() -> int:
        url = reverse("certificates_admin:index")
        admin.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(url).status_code == 200
        return len(captured)

    CertificateFactory(course=course, template=template)
    CertificateFactory(course=None, cohort=CohortFactory(), template=template)
    few = listing_queries()
    for index in range(6):
        if index % 2:
            CertificateFactory(course=None, cohort=CohortFactory(), template=template)
        else:
            CertificateFactory(template=template)
    assert listing_queries() == few


def test_a_certificate_page_never_shows_none_and_names_its_course(admin, certificate):
    response = admin.get(reverse("certificates_admin:inspect", args=[certificate.pk]))
    values = _inspect_values(response)
    assert values["Course"] == "Customer Service Fundamentals"
    assert "Cohort programme" not in values  # a course certificate: the cohort is left out
    assert values["Revoked"] == "—"
    assert values["Replaced"] == "—"
    assert values["Reason for revoking (staff only)"] == "—"
    assert "None" not in _main_text(response)
    assert all(value for value in values.values()), values


def test_a_cohort_certificate_page_names_its_cohort_and_never_shows_none(admin, course, template):
    cohort = CohortFactory(name="Tuesday group", courses=[course])
    certificate = CertificateFactory(course=None, cohort=cohort, template=template)
    response = admin.get(reverse("certificates_admin:inspect", args=[certificate.pk]))
    values = _inspect_values(response)
    assert values["Cohort programme"] == "Tuesday group"
    assert "Course" not in values
    assert "None" not in _main_text(response)
    assert all(value for value in values.values()), values


def test_a_queued_batch_page_never_shows_none(admin, staff, course):
    cohort = CohortFactory(name="Tuesday group", courses=[course])
    template = CertificateTemplateFactory(name="Programme", cohorts=[cohort])
    batch = CertificateBatch.objects.create(
        cohort=cohort, template=template, requested_by=None, reason="Programme finished"
    )
    response = admin.get(reverse("certificate_batches:inspect", args=[batch.pk]))
    values = _inspect_values(response)
    assert "None" not in _main_text(response)
    assert values["Notes"] == "—"
    assert all(value for value in values.values()), values


# What a certificate prints by default ---------------------------------------------------------


def test_staff_issue_prints_the_full_chosen_name_by_default(admin, staff, course, template):
    from pathways.certificates.issuance.rendering import certificate_context

    long_name = "María José Rodríguez-Acosta de la Cruz Villanueva"
    person = ParticipantFactory(chosen_name=long_name, legal_name="Legal Name On File")
    Enrolment.objects.create(
        user=person, course=course, status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
    )
    response = admin.post(
        reverse("certificates_admin:add"),
        {"user": person.pk, "course": course.pk, "reason": "Finished on paper"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certificate = Certificate.objects.get(user=person)
    assert certificate.name_choice == NameChoice.CHOSEN
    assert certificate.printed_name == long_name
    assert certificate_context(certificate)["name"] == long_name


def test_automatic_issue_prints_the_full_chosen_name(participant, course, template):
    profile_update(participant, chosen_name="Maya Alejandra Fernández Quintero")
    Enrolment.objects.create(
        user=participant,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    certificate = services.certificate_issue(user=participant, course=course)
    assert certificate.name_choice == NameChoice.CHOSEN
    assert certificate.printed_name == "Maya Alejandra Fernández Quintero"


@pytest.mark.parametrize(
    ("site_language", "template_language", "paper"),
    [
        ("en", "en", "a4"),
        ("en", "es", "a4"),
        ("en-us", "en", "letter"),
        ("en-us", "es", "a4"),
        ("en-gb", "en", "a4"),
        ("es", "en-us", "letter"),
        ("en-us", "en-gb", "a4"),
    ],
)
def test_the_paper_size_follows_the_template_language_a4_outside_the_us(
    settings, site_language, template_language, paper
):
    from pathways.certificates.issuance.models import paper_size_for_language

    settings.LANGUAGE_CODE = site_language
    assert paper_size_for_language(template_language) == paper


def test_a_new_template_prints_by_its_language_and_a_chosen_size_stays(settings):
    from pathways.certificates.issuance.models import PaperSize

    settings.LANGUAGE_CODE = "en-us"
    english = CertificateTemplate(name="English", issuer_name="Northstar", language="en")
    spanish = CertificateTemplate(name="Spanish", issuer_name="Northstar", language="es")
    assert english.paper_size == spanish.paper_size == PaperSize.BY_LANGUAGE
    assert english.printed_paper_size() == PaperSize.LETTER
    assert spanish.printed_paper_size() == PaperSize.A4
    spanish.paper_size = PaperSize.LETTER
    assert spanish.printed_paper_size() == PaperSize.LETTER


def test_the_template_form_offers_the_size_by_language_first_and_saves_it(admin, course):
    from pathways.certificates.issuance.models import PaperSize

    add = reverse("wagtailsnippets_pathways_certificates_certificatetemplate:add")
    page = admin.get(add).content.decode()
    assert '<option value="auto" selected>' in page
    response = admin.post(add, _template_form(name="By language", language="es", paper_size="auto"))
    assert response.status_code == 302, response.content.decode()[:2000]
    template = CertificateTemplate.objects.get(name="By language")
    assert template.paper_size == PaperSize.BY_LANGUAGE
    listing = admin.get(reverse(TEMPLATES_INDEX)).content.decode()
    assert "A4, landscape (by its language)" in listing


def test_a_certificate_keeps_the_paper_it_was_printed_on(settings, participant, course):
    from pathways.certificates.issuance.rendering import certificate_context

    settings.LANGUAGE_CODE = "en-us"
    CertificateTemplateFactory(courses=[course], language="es", paper_size="auto")
    Enrolment.objects.create(
        user=participant,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    certificate = services.certificate_issue(user=participant, course=course)
    assert certificate.printed_data["paper_size"] == "a4"
    assert certificate_context(certificate)["paper_size"] == "A4"
    # Changing the template later does not change what was printed.
    certificate.template.paper_size = "letter"
    certificate.template.save()
    certificate.refresh_from_db()
    assert certificate_context(certificate)["paper_size"] == "A4"


def test_a_certificate_printed_before_by_language_existed_reads_the_template(
    settings, participant, course
):
    """Printed data written with "auto" (as the benchmark data does) is resolved when read."""
    from pathways.certificates.issuance.rendering import certificate_context

    settings.LANGUAGE_CODE = "en-us"
    template = CertificateTemplateFactory(courses=[course], language="en", paper_size="auto")
    certificate = CertificateFactory(user=participant, course=course, template=template)
    assert certificate.printed_data["paper_size"] == "auto"
    assert certificate_context(certificate)["paper_size"] == "letter"


def test_each_row_offers_details_then_the_actions_its_state_allows(admin, participant, certificate):
    inspect = reverse("certificates_admin:inspect", args=[certificate.pk])
    reissue = reverse("certificates_admin:reissue", args=[certificate.pk])
    revoke = reverse("certificates_admin:revoke", args=[certificate.pk])
    listing = admin.get(reverse("certificates_admin:index")).content.decode()
    assert listing.index(f'href="{inspect}"') < listing.index(f'href="{reissue}"')
    assert listing.index(f'href="{reissue}"') < listing.index(f'href="{revoke}"')

    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])
    listing = admin.get(reverse("certificates_admin:index")).content.decode()
    assert f'href="{reissue}"' in listing
    assert f'href="{revoke}"' not in listing


@pytest.mark.parametrize("url_name", ["certificates_admin:revoke", "certificates_admin:reissue"])
def test_a_form_about_a_certificate_that_does_not_exist_is_not_found(admin, url_name):
    assert admin.get(reverse(url_name, args=[987654])).status_code == 404
    assert admin.post(reverse(url_name, args=[987654]), {"reason": "x"}).status_code == 404
