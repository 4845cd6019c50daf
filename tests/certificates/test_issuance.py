"""The rules of issuing certificates, as the services enforce them.

Issued automatically on completion (or by staff with a reason), exactly once per participant and
achievement; printed as issued, whatever happens to the template later; the participant's chosen
name unless she asks for her legal one; revoked with a private reason, the record kept; expired
when the template's validity runs out; and issued to a whole cohort in a resumable batch.
"""

import json
import shutil
import subprocess  # noqa: S404
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest
import time_machine

from pathways.certificates.credentials import openbadges
from pathways.certificates.credentials.openbadges import issuer_of
from pathways.certificates.issuance import eligibility as issuance_selectors
from pathways.certificates.issuance import services
from pathways.certificates.issuance.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateStatus,
    NameChoice,
)
from pathways.certificates.issuance.rendering import certificate_html
from pathways.cohorts import services as cohort_services
from pathways.cohorts.models import CohortStatus, MembershipStatus
from pathways.courses import services as course_services
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.courses.selectors import course_lessons
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.profiles import profile_update
from tests.certificates.openbadges_support import decode_status_list, status_bit
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import CertificateFactory, CertificateTemplateFactory
from tests.factories.cohorts import (
    AttendanceFactory,
    CohortFactory,
    CohortMembershipFactory,
    CohortSessionFactory,
)
from tests.factories.courses import SkillFactory, build_course, quiz_answer_ids

pytestmark = pytest.mark.django_db


def finish_course(enrolment):
    """Pass every quiz and mark every lesson done, through the services."""
    for lesson in course_lessons(enrolment.course).specific():
        if lesson.interactive_blocks("quiz"):
            block_id, answers = quiz_answer_ids(lesson)
            course_services.quiz_submit(
                enrolment=enrolment, lesson=lesson, block_id=block_id, answers=answers
            )
        course_services.lesson_complete(enrolment=enrolment, lesson=lesson)


def completed(user, course) -> Enrolment:
    """A completed enrolment, written directly (the completion flow is tested once, below)."""
    return Enrolment.objects.create(
        user=user, course=course, status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
    )


@pytest.fixture
def small_course(db):
    return build_course(title="Customer Service Fundamentals", modules=1, lessons_per_module=1)


@pytest.fixture
def template(small_course):
    return CertificateTemplateFactory(courses=[small_course])


def current_certificates(user):
    return Certificate.objects.filter(user=user, superseded_by__isnull=True)


# Automatic issuance ---------------------------------------------------------------------------


def test_completing_a_course_issues_its_certificate_automatically(
    participant, small_course, template, django_capture_on_commit_callbacks
):
    enrolment = course_services.enrolment_start(user=participant, course=small_course)
    with django_capture_on_commit_callbacks(execute=True):
        finish_course(enrolment)

    certificate = Certificate.objects.get(user=participant)
    assert certificate.achievement_key == f"course:{small_course.pk}"
    assert certificate.status == CertificateStatus.VALID
    assert certificate.issued_by is None
    assert certificate.printed_name == "Maya"
    assert certificate.printed_title == template.title
    assert certificate.printed_achievement == "Customer Service Fundamentals"
    assert certificate.printed_issuer_name == "Northstar Skills Institute"
    assert certificate.completed_on == timezone.localdate()
    assert len(certificate.verification_code) == 17
    assert certificate.status_list_index is not None
    assert issuer_of(certificate).name == certificate.printed_issuer_name
    assert certificate.template_revision is not None
    # Signed as an Open Badges credential, and rendered to PDF once the issue committed.
    assert certificate.credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert openbadges.verify(certificate.credential).ok
    assert certificate.pdf
    assert certificate.pdf_rendered_at is not None


def test_completing_a_course_no_template_covers_issues_nothing(
    participant, small_course, django_capture_on_commit_callbacks
):
    CertificateTemplateFactory()  # a template, but for other achievements
    enrolment = course_services.enrolment_start(user=participant, course=small_course)
    with django_capture_on_commit_callbacks(execute=True):
        finish_course(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert not Certificate.objects.exists()
    assert services.certificate_issue(user=participant, course=small_course) is None


def test_automatic_issuance_needs_the_course_completed(participant, small_course, template):
    course_services.enrolment_start(user=participant, course=small_course)
    with pytest.raises(ValidationError, match="not completed yet"):
        services.certificate_issue(user=participant, course=small_course)
    assert not Certificate.objects.exists()
    template.refresh_from_db()
    assert template.latest_revision is None


def test_issuing_again_returns_the_certificate_she_already_holds(
    participant, small_course, template
):
    completed(participant, small_course)
    first = services.certificate_issue(user=participant, course=small_course)
    second = services.certificate_issue(user=participant, course=small_course)
    assert first.pk == second.pk
    assert Certificate.objects.count() == 1


def test_an_issue_that_loses_a_race_at_insert_returns_the_winners_certificate(
    participant, small_course, template, monkeypatch
):
    """The lock normally queues a second issuance; the unique constraint backs it up."""
    completed(participant, small_course)
    winner = services.certificate_issue(user=participant, course=small_course)
    real_current = services._current
    calls = []

    def blind_first_look(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real_current(**kwargs)

    monkeypatch.setattr(services, "_current", blind_first_look)
    loser = services.certificate_issue(user=participant, course=small_course)
    assert loser.pk == winner.pk
    assert Certificate.objects.count() == 1


def test_only_one_of_course_or_cohort_is_accepted(participant, small_course):
    with pytest.raises(ValidationError, match="either a course or a cohort"):
        services.certificate_issue(user=participant)
    with pytest.raises(ValidationError, match="either a course or a cohort"):
        services.certificate_issue(user=participant, course=small_course, cohort=CohortFactory())


def test_the_oldest_template_covering_a_course_is_used(participant, small_course, template):
    CertificateTemplateFactory(courses=[small_course], title="Another certificate")
    completed(participant, small_course)
    certificate = services.certificate_issue(user=participant, course=small_course)
    assert certificate.template == template


# Staff issuance -------------------------------------------------------------------------------


def test_staff_issue_to_someone_who_completed_with_a_reason(
    participant, staff, small_course, template
):
    enrolment = completed(participant, small_course)
    certificate = services.certificate_issue(
        user=participant, course=small_course, issued_by=staff, reason="Missed by the automatic run"
    )
    assert certificate.issued_by == staff
    assert certificate.issue_reason == "Missed by the automatic run"
    assert certificate.completed_on == timezone.localdate(enrolment.completed_at)
    assert certificate.status == CertificateStatus.VALID
    assert not certificate.issued_without_completion
    assert not ModelLogEntry.objects.filter(action=services.ISSUE_OVERRIDE_ACTION).exists()


def test_staff_issue_to_someone_who_has_not_completed_is_refused_saying_what_is_missing(
    participant, staff, small_course, template
):
    course_services.enrolment_start(user=participant, course=small_course)
    with pytest.raises(services.NotCompleted, match="Lessons done: 0 of 1") as refused:
        services.certificate_issue(
            user=participant, course=small_course, issued_by=staff, reason="Prior learning"
        )
    assert "Lessons done: 0 of 1" in refused.value.missing
    assert not Certificate.objects.exists()


def test_staff_issue_although_the_rules_are_not_met_is_marked_and_logged_with_the_reason(
    participant, staff, small_course, template
):
    certificate = services.certificate_issue(
        user=participant,
        course=small_course,
        issued_by=staff,
        reason="Recognised prior learning",
        override_completion=True,
    )
    assert certificate.issued_by == staff
    assert certificate.issue_reason == "Recognised prior learning"
    assert certificate.completed_on == timezone.localdate()
    assert certificate.status == CertificateStatus.VALID
    assert certificate.issued_without_completion
    entry = ModelLogEntry.objects.get(
        action=services.ISSUE_OVERRIDE_ACTION, object_id=str(certificate.pk)
    )
    assert entry.user == staff
    assert entry.data["reason"] == "Recognised prior learning"
    assert entry.data["missing"] == ["Not enrolled in the course"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_issuing_although_the_rules_are_not_met_needs_staff_and_a_reason(
    participant, staff, facilitator, small_course, template, reason
):
    with pytest.raises(ValidationError, match="give a reason"):
        services.certificate_issue(
            user=participant,
            course=small_course,
            issued_by=staff,
            reason=reason,
            override_completion=True,
        )
    with pytest.raises(ValidationError, match="Only programme staff"):
        services.certificate_issue(
            user=participant,
            course=small_course,
            issued_by=facilitator,
            reason="Prior learning",
            override_completion=True,
        )
    with pytest.raises(ValidationError, match="Only programme staff"):
        services.certificate_issue(user=participant, course=small_course, override_completion=True)
    assert not Certificate.objects.exists()


def test_a_reissue_keeps_the_mark_of_a_certificate_issued_without_completion(
    participant, staff, small_course, template
):
    certificate = services.certificate_issue(
        user=participant,
        course=small_course,
        issued_by=staff,
        reason="Recognised prior learning",
        override_completion=True,
    )
    new = services.certificate_reissue(
        certificate=certificate, actor=staff, reason="Wording corrected"
    )
    assert new.issued_without_completion


def test_staff_issue_of_what_she_already_holds_is_refused_and_changes_nothing(
    participant, staff, small_course, template
):
    completed(participant, small_course)
    held = services.certificate_issue(user=participant, course=small_course)
    with pytest.raises(ValidationError, match="already holds this certificate"):
        services.certificate_issue(
            user=participant, course=small_course, issued_by=staff, reason="Again"
        )
    assert list(current_certificates(participant)) == [held]
    assert not ModelLogEntry.objects.filter(user=staff).exists()


def test_a_staff_issue_is_written_to_the_certificate_history_once(
    participant, staff, small_course, template
):
    completed(participant, small_course)
    certificate = services.certificate_issue(
        user=participant, course=small_course, issued_by=staff, reason="Missed by the run"
    )
    entry = ModelLogEntry.objects.get(object_id=str(certificate.pk))
    assert (entry.action, entry.user) == ("wagtail.create", staff)
    assert entry.label == f"{certificate.printed_title} – Maya"


@pytest.mark.parametrize("reason", ["", "   "])
def test_staff_issue_needs_a_reason(participant, staff, small_course, template, reason):
    with pytest.raises(ValidationError, match="give a reason"):
        services.certificate_issue(
            user=participant, course=small_course, issued_by=staff, reason=reason
        )
    assert not Certificate.objects.exists()


def test_only_programme_staff_can_issue_by_hand(
    participant, other_participant, facilitator, small_course, template
):
    for someone in (other_participant, facilitator, participant):
        with pytest.raises(ValidationError, match="Only programme staff"):
            services.certificate_issue(
                user=participant, course=small_course, issued_by=someone, reason="Because"
            )
    assert not Certificate.objects.exists()


def test_staff_issue_is_refused_when_no_template_covers_the_course(
    participant, staff, small_course
):
    with pytest.raises(ValidationError, match="No certificate template is set up"):
        services.certificate_issue(
            user=participant, course=small_course, issued_by=staff, reason="Prior learning"
        )
    assert not Certificate.objects.exists()


def test_a_chosen_template_must_cover_the_achievement(participant, staff, small_course):
    other = CertificateTemplateFactory(name="Leadership")
    with pytest.raises(ValidationError, match="not set up for this"):
        services.certificate_issue(
            user=participant,
            course=small_course,
            issued_by=staff,
            reason="Prior learning",
            template=other,
        )
    assert not Certificate.objects.exists()


# What is printed -----------------------------------------------------------------------------


def test_a_later_template_edit_never_changes_an_issued_certificate(participant, staff):
    skills = [SkillFactory(name="Communication"), SkillFactory(name="Active listening")]
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    course.skills.add(*skills)
    course.estimated_hours = Decimal("6.5")
    course.save()
    template = CertificateTemplateFactory(
        courses=[course],
        title="Certificate of Achievement",
        wording="has completed with distinction",
        primary_colour="#112233",
        validity_days=365,
    )
    template.save_revision(user=staff)
    completed(participant, course)
    certificate = services.certificate_issue(user=participant, course=course)
    printed = {
        field: getattr(certificate, field)
        for field in (
            "printed_name",
            "printed_title",
            "printed_achievement",
            "printed_issuer_name",
            "printed_data",
            "completed_on",
            "expires_at",
            "template_revision_id",
        )
    }
    assert printed["printed_data"]["hours"] == "6.5"
    assert printed["printed_data"]["skills"] == ["Active listening", "Communication"]
    assert printed["printed_data"]["wording"] == "has completed with distinction"
    assert printed["printed_data"]["primary_colour"] == "#112233"
    assert printed["printed_data"]["paper_size"] == "letter"
    assert printed["printed_data"]["language"] == "en"
    assert printed["template_revision_id"] == template.latest_revision_id

    template.title = "Certificate of Participation"
    template.wording = "took part in"
    template.issuer_name = "Another Name"
    template.primary_colour = "#000000"
    template.validity_days = 1
    template.save()
    template.save_revision(user=staff)
    course.title = "Workplace Readiness (2027 edition)"
    course.estimated_hours = Decimal("10")
    course.save()
    course.skills.clear()
    course.save()
    profile_update(participant, chosen_name="Maia")

    certificate.refresh_from_db()
    assert {field: getattr(certificate, field) for field in printed} == printed
    # The revision it was printed from still says what it was.
    revision = certificate.template_revision.as_object()
    assert revision.title == "Certificate of Achievement"


def test_a_template_never_saved_in_the_admin_gets_a_first_revision(
    participant, small_course, template
):
    assert template.latest_revision is None
    completed(participant, small_course)
    certificate = services.certificate_issue(user=participant, course=small_course)
    template.refresh_from_db()
    assert template.latest_revision is not None
    assert certificate.template_revision == template.latest_revision


def test_expiry_comes_from_the_template_validity(participant, small_course):
    CertificateTemplateFactory(courses=[small_course], validity_days=30)
    completed(participant, small_course)
    certificate = services.certificate_issue(user=participant, course=small_course)
    assert certificate.expires_at == certificate.issued_at + timedelta(days=30)
    assert certificate.credential["validUntil"]
    with time_machine.travel(certificate.issued_at + timedelta(days=29), tick=False):
        assert certificate.status == CertificateStatus.VALID
    with time_machine.travel(certificate.issued_at + timedelta(days=30, seconds=1), tick=False):
        assert certificate.status == CertificateStatus.EXPIRED
        assert openbadges.verify(certificate.credential).status == CertificateStatus.EXPIRED


def test_a_template_without_validity_never_expires(participant, small_course, template):
    completed(participant, small_course)
    certificate = services.certificate_issue(user=participant, course=small_course)
    assert certificate.expires_at is None
    with time_machine.travel(timezone.now() + timedelta(days=3650), tick=False):
        assert certificate.status == CertificateStatus.VALID


# Cohort programmes ----------------------------------------------------------------------------


@pytest.fixture
def programme(staff):
    first = build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    second = build_course(title="Interview Practice", modules=1, lessons_per_module=1)
    first.skills.add(SkillFactory(name="Interviewing"))
    first.save()
    cohort = CohortFactory(
        name="Safe House Tuesday Group",
        courses=[first, second],
        status=CohortStatus.RUNNING,
    )
    template = CertificateTemplateFactory(cohorts=[cohort], title="Programme Certificate")
    return cohort, template


def test_a_cohort_programme_prints_its_courses_never_the_cohort_name(participant, staff, programme):
    cohort, template = programme
    membership = CohortMembershipFactory(cohort=cohort, user=participant)
    session = CohortSessionFactory(cohort=cohort, duration_minutes=90)
    AttendanceFactory(session=session, membership=membership)
    complete_programme(membership)
    cohort_services.membership_complete(membership=membership, actor=staff)

    certificate = services.certificate_issue(user=participant, cohort=cohort)
    assert certificate.achievement_key == f"cohort:{cohort.pk}"
    assert certificate.printed_title == "Programme Certificate"
    assert certificate.printed_achievement == "Workplace Readiness, Interview Practice"
    assert certificate.printed_data["courses"] == ["Workplace Readiness", "Interview Practice"]
    assert certificate.printed_data["hours"] == "1.5"
    assert certificate.printed_data["skills"] == ["Interviewing"]
    everything = " ".join(
        [
            certificate.printed_title,
            certificate.printed_achievement,
            str(certificate.printed_data),
            str(certificate.credential),
        ]
    )
    assert "Safe House" not in everything
    assert "Tuesday" not in everything


def test_automatic_programme_certificate_needs_a_completed_membership(participant, programme):
    cohort, _template = programme
    CohortMembershipFactory(cohort=cohort, user=participant, status=MembershipStatus.ACTIVE)
    with pytest.raises(ValidationError, match="not completed yet"):
        services.certificate_issue(user=participant, cohort=cohort)
    assert not Certificate.objects.exists()


def test_completing_a_cohort_issues_its_programme_certificate_automatically(
    participant, staff, programme, django_capture_on_commit_callbacks
):
    cohort, _template = programme
    membership = CohortMembershipFactory(cohort=cohort, user=participant)
    complete_programme(membership)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_services.membership_complete(membership=membership, actor=staff)
    certificate = Certificate.objects.get(user=participant)
    assert certificate.cohort == cohort
    assert certificate.issued_by is None


def test_staff_marking_a_member_completed_does_not_stand_in_for_the_programmes_rules(
    participant, staff, programme, django_capture_on_commit_callbacks
):
    cohort, template = programme
    membership = CohortMembershipFactory(cohort=cohort, user=participant)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_services.membership_complete(membership=membership, actor=staff)
    assert not Certificate.objects.exists()
    with pytest.raises(ValidationError, match="not completed"):
        services.certificate_issue(user=participant, cohort=cohort)
    preview = issuance_selectors.cohort_batch_preview(cohort=cohort, template=template)
    assert preview.receiving == []
    assert [member.membership for member, _reasons in preview.not_receiving] == [membership]
    with pytest.raises(ValidationError):
        services.cohort_certificates_start(
            cohort=cohort, template=template, actor=staff, reason="Programme finished"
        )
    assert not Certificate.objects.exists()


def test_completing_a_cohort_no_template_covers_issues_nothing(
    participant, staff, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(status=CohortStatus.RUNNING)
    membership = CohortMembershipFactory(cohort=cohort, user=participant)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_services.membership_complete(membership=membership, actor=staff)
    assert not Certificate.objects.exists()


# The name printed -----------------------------------------------------------------------------


@pytest.fixture
def certificate(participant, small_course, template):
    completed(participant, small_course)
    return services.certificate_issue(user=participant, course=small_course)


def test_the_chosen_name_is_printed_unless_she_asks_for_her_legal_name(
    participant, small_course, template
):
    profile_update(participant, legal_name="Maya Rodríguez Acosta")
    completed(participant, small_course)
    certificate = services.certificate_issue(user=participant, course=small_course)
    assert certificate.name_choice == NameChoice.CHOSEN
    assert certificate.printed_name == "Maya"
    assert "Rodríguez" not in str(certificate.credential)


def test_the_legal_name_cannot_be_printed_when_she_has_none(participant, certificate):
    assert participant.pathways_profile.legal_name == ""
    with pytest.raises(ValidationError, match="no legal name on file"):
        services.certificate_set_name_choice(
            certificate=certificate, user=participant, name_choice=NameChoice.LEGAL
        )
    certificate.refresh_from_db()
    assert certificate.printed_name == "Maya"
    assert certificate.name_choice == NameChoice.CHOSEN


def test_someone_with_no_profile_is_printed_by_her_username_never_her_first_and_last_names(
    client, small_course, template, django_capture_on_commit_callbacks
):
    """A host site's account, made without Pathways: no profile, so no chosen name yet. Her
    certificate, its PDF and its public page name her by her username, never by the user
    model's first and last names, which may be a legal name she never chose to print."""
    user = get_user_model().objects.create_user(
        username="rosa.m", password="unused-password-8273", first_name="Legal", last_name="Person"
    )
    completed(user, small_course)
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.certificate_issue(user=user, course=small_course)
    certificate = Certificate.objects.get(pk=issued.pk)

    assert certificate.name_choice == NameChoice.CHOSEN
    assert certificate.printed_name == "rosa.m"
    assert "Legal" not in certificate.printed_name and "Person" not in certificate.printed_name
    assert certificate.credential["credentialSubject"]["identifier"][0]["identityHash"] == "rosa.m"
    assert "Legal Person" not in json.dumps(certificate.credential)
    assert openbadges.verify(certificate.credential).ok
    # Reading her name made no profile for her.
    assert not Profile.objects.filter(user=user).exists()

    html = client.get(reverse("verify:code", args=[certificate.verification_code]))
    assert html.status_code == 200
    page = html.content.decode()
    assert "rosa.m" in page
    assert "Legal Person" not in page

    pdf_html = certificate_html(certificate)
    assert "rosa.m" in pdf_html and "Legal Person" not in pdf_html
    assert certificate.pdf
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (Debian package poppler-utils)")
    with certificate.pdf.open("rb") as stored:
        text = subprocess.run(  # noqa: S603
            [pdftotext, "-enc", "UTF-8", "-", "-"],
            input=stored.read(),
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
    assert "rosa.m" in text
    assert "Legal Person" not in text

    # She has no legal name on file, so it cannot be printed either.
    with pytest.raises(ValidationError, match="no legal name on file"):
        services.certificate_set_name_choice(
            certificate=certificate, user=user, name_choice=NameChoice.LEGAL
        )


def test_choosing_the_legal_name_before_the_pdf_still_replaces_the_certificate(
    participant, certificate
):
    """A copy of the credential downloaded before the change must stop verifying as valid."""
    profile_update(participant, legal_name="Maya Rodríguez Acosta")
    assert not certificate.pdf
    copy_with_chosen_name = certificate.credential
    updated = services.certificate_set_name_choice(
        certificate=certificate, user=participant, name_choice=NameChoice.LEGAL
    )
    assert updated.pk != certificate.pk
    assert updated.verification_code != certificate.verification_code
    assert updated.printed_name == "Maya Rodríguez Acosta"
    identifier = updated.credential["credentialSubject"]["identifier"][0]
    assert identifier["identityHash"] == "Maya Rodríguez Acosta"
    assert openbadges.verify(updated.credential).ok
    certificate.refresh_from_db()
    assert certificate.superseded_by == updated
    check = openbadges.verify(copy_with_chosen_name)
    assert not check.ok
    assert check.status == CertificateStatus.REPLACED


def test_choosing_the_name_after_the_pdf_reissues_with_a_new_code(participant, certificate):
    profile_update(participant, legal_name="Maya Rodríguez Acosta")
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf="certificates/already-rendered.pdf", pdf_rendered_at=timezone.now()
    )
    certificate.refresh_from_db()

    new = services.certificate_set_name_choice(
        certificate=certificate, user=participant, name_choice=NameChoice.LEGAL
    )
    certificate.refresh_from_db()
    assert new.pk != certificate.pk
    assert new.verification_code != certificate.verification_code
    assert new.printed_name == "Maya Rodríguez Acosta"
    assert new.printed_title == certificate.printed_title
    assert new.printed_data == certificate.printed_data
    assert new.completed_on == certificate.completed_on
    assert new.expires_at == certificate.expires_at
    assert new.issued_by == participant
    assert new.status_list_index not in (None, certificate.status_list_index)
    # The old one is kept as printed, but verifies as replaced, and its bit is set.
    assert certificate.superseded_by == new
    assert certificate.superseded_at is not None
    assert certificate.printed_name == "Maya"
    assert certificate.status == CertificateStatus.REPLACED
    check = openbadges.verify(certificate.credential)
    assert check.signature_valid and check.status == CertificateStatus.REPLACED
    assert not check.ok and check.name == ""
    status_list = openbadges.status_list_credential(issuer_of(certificate))
    bits = decode_status_list(status_list["credentialSubject"]["encodedList"])
    assert status_bit(bits, certificate.status_list_index)
    assert not status_bit(bits, new.status_list_index)
    assert openbadges.verify(new.credential).ok
    assert list(current_certificates(participant)) == [new]


def test_choosing_the_name_already_printed_changes_nothing(participant, certificate):
    same = services.certificate_set_name_choice(
        certificate=certificate, user=participant, name_choice=NameChoice.CHOSEN
    )
    assert same.pk == certificate.pk
    assert same.credential == certificate.credential


def test_only_she_can_choose_the_name_on_her_certificate(
    participant, other_participant, staff, certificate
):
    for someone in (other_participant, staff):
        with pytest.raises(ValidationError, match="Only the person"):
            services.certificate_set_name_choice(
                certificate=certificate, user=someone, name_choice=NameChoice.CHOSEN
            )


def test_an_unknown_name_choice_is_refused(participant, certificate):
    with pytest.raises(ValidationError, match="chosen name or your legal name"):
        services.certificate_set_name_choice(
            certificate=certificate, user=participant, name_choice="nickname"
        )


# Reissue --------------------------------------------------------------------------------------


def test_staff_reissue_supersedes_and_prints_the_template_as_it_is_now(
    participant, staff, certificate, template
):
    template.wording = "has completed, with thanks,"
    template.save()
    new = services.certificate_reissue(
        certificate=certificate, actor=staff, reason="Wording corrected"
    )
    certificate.refresh_from_db()
    assert certificate.superseded_by == new
    assert new.printed_data["wording"] == "has completed, with thanks,"
    assert certificate.printed_data["wording"] == "has successfully completed"
    assert new.completed_on == certificate.completed_on
    assert new.issue_reason == "Wording corrected"
    assert new.issued_by == staff
    assert new.achievement_key == certificate.achievement_key
    assert list(current_certificates(participant)) == [new]


def test_staff_reissue_needs_a_reason(staff, certificate):
    with pytest.raises(ValidationError, match="give a reason"):
        services.certificate_reissue(certificate=certificate, actor=staff, reason=" ")
    assert Certificate.objects.count() == 1


def test_a_replaced_certificate_cannot_be_reissued_again(staff, certificate):
    services.certificate_reissue(certificate=certificate, actor=staff, reason="Corrected")
    with pytest.raises(ValidationError, match="already been replaced"):
        services.certificate_reissue(certificate=certificate, actor=staff, reason="Again")
    assert Certificate.objects.count() == 2


def test_a_participant_reissues_only_to_change_her_name(
    participant, other_participant, certificate
):
    with pytest.raises(ValidationError, match="Only programme staff"):
        services.certificate_reissue(certificate=certificate, actor=participant, reason="Please")
    with pytest.raises(ValidationError, match="Only programme staff"):
        services.certificate_reissue(
            certificate=certificate,
            actor=other_participant,
            reason="",
            name_choice=NameChoice.CHOSEN,
        )
    assert Certificate.objects.count() == 1


def test_staff_can_reissue_a_certificate_revoked_by_mistake(staff, certificate):
    services.certificate_revoke(certificate=certificate, actor=staff, reason="Wrong person")
    new = services.certificate_reissue(
        certificate=certificate, actor=staff, reason="Revoked by mistake"
    )
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.status == CertificateStatus.REPLACED
    assert new.status == CertificateStatus.VALID


# Revocation -----------------------------------------------------------------------------------


def test_staff_revoke_with_a_private_reason_and_the_record_is_kept(staff, certificate):
    services.certificate_revoke(certificate=certificate, actor=staff, reason="Issued in error")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_by == staff
    assert certificate.revocation_reason == "Issued in error"
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    # The status list says so at once, and so does checking the credential.
    status_list = openbadges.status_list_credential(issuer_of(certificate))
    bits = decode_status_list(status_list["credentialSubject"]["encodedList"])
    assert status_bit(bits, certificate.status_list_index)
    assert openbadges.verify(certificate.credential).status == CertificateStatus.REVOKED


def test_revoking_needs_staff_and_a_reason(participant, facilitator, staff, certificate):
    for someone in (participant, facilitator):
        with pytest.raises(ValidationError, match="Only programme staff"):
            services.certificate_revoke(certificate=certificate, actor=someone, reason="No")
    with pytest.raises(ValidationError, match="reason for revoking"):
        services.certificate_revoke(certificate=certificate, actor=staff, reason="")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_revoking_and_reissuing_are_written_to_the_history_once_each(staff, certificate):
    services.certificate_revoke(certificate=certificate, actor=staff, reason="Wrong person")
    new = services.certificate_reissue(
        certificate=certificate, actor=staff, reason="Revoked by mistake"
    )
    old_history = ModelLogEntry.objects.filter(object_id=str(certificate.pk)).order_by("pk")
    assert [(entry.action, entry.user) for entry in old_history] == [
        (services.REVOKE_ACTION, staff),
        (services.REISSUE_ACTION, staff),
    ]
    new_history = ModelLogEntry.objects.filter(object_id=str(new.pk))
    assert [(entry.action, entry.user) for entry in new_history] == [("wagtail.create", staff)]


def test_revoking_twice_is_refused(staff, certificate):
    services.certificate_revoke(certificate=certificate, actor=staff, reason="Issued in error")
    with pytest.raises(ValidationError, match="already revoked"):
        services.certificate_revoke(certificate=certificate, actor=staff, reason="Again")
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Issued in error"


def test_a_revoked_certificate_is_not_issued_again_automatically(
    participant, staff, small_course, certificate
):
    services.certificate_revoke(certificate=certificate, actor=staff, reason="Issued in error")
    again = services.certificate_issue(user=participant, course=small_course)
    assert again.pk == certificate.pk
    assert again.status == CertificateStatus.REVOKED


def test_a_revoked_certificate_keeps_its_name(participant, staff, certificate):
    profile_update(participant, legal_name="Maya Rodríguez Acosta")
    services.certificate_revoke(certificate=certificate, actor=staff, reason="Issued in error")
    with pytest.raises(ValidationError, match="withdrawn"):
        services.certificate_set_name_choice(
            certificate=certificate, user=participant, name_choice=NameChoice.LEGAL
        )


# A whole cohort -------------------------------------------------------------------------------


def complete_programme(membership):
    """Every course of the member's cohort completed (each course's rules were met)."""
    for run in membership.cohort.cohort_courses.select_related("course"):
        completed(membership.user, run.course)


@pytest.fixture
def cohort_members(programme):
    """Four members who completed the programme: each finished every course, and staff have
    also recorded one as completed. A withdrawn and a waitlisted person have no place."""
    cohort, _template = programme
    members = [
        CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE),
        CohortMembershipFactory(
            cohort=cohort, status=MembershipStatus.COMPLETED, completed_at=timezone.now()
        ),
        CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE),
        CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE),
    ]
    for member in members:
        complete_programme(member)
    CohortMembershipFactory(cohort=cohort, status=MembershipStatus.WITHDRAWN)
    CohortMembershipFactory(cohort=cohort, status=MembershipStatus.WAITLISTED)
    return members


def test_issuing_for_a_cohort_gives_every_member_who_completed_one_certificate(
    staff, programme, cohort_members, django_capture_on_commit_callbacks
):
    cohort, template = programme
    already = services.certificate_issue(user=cohort_members[1].user, cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.cohort_certificates_start(
            cohort=cohort, template=template, actor=staff, reason="Programme finished"
        )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert (batch.total, batch.issued, batch.skipped, batch.not_completed) == (4, 3, 1, 0)
    assert batch.started_at is not None
    assert batch.finished_at is not None
    holders = Certificate.objects.filter(cohort=cohort)
    assert sorted(holders.values_list("user_id", flat=True)) == sorted(
        member.user_id for member in cohort_members
    )
    assert holders.filter(issue_reason="Programme finished", issued_by=staff).count() == 3
    assert Certificate.objects.get(pk=already.pk).superseded_by is None

    # Running it again finds nothing missing and counts the same.
    batch = services.cohort_certificates_issue(batch=batch)
    assert (batch.status, batch.total, batch.issued, batch.skipped) == (BatchStatus.DONE, 4, 3, 1)
    assert holders.count() == 4


def test_an_interrupted_batch_resumes_issuing_only_what_is_missing(
    staff, programme, cohort_members, monkeypatch
):
    cohort, template = programme
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services.transaction, "on_commit", lambda *args, **kwargs: None)
        batch = services.cohort_certificates_start(
            cohort=cohort, template=template, actor=staff, reason="Programme finished"
        )
    assert batch.status == BatchStatus.QUEUED
    assert batch.total == 4

    real_issue = services._issue
    issued = []

    def crash_on_the_third(**kwargs):
        if len(issued) == 2:
            raise ConnectionError("worker lost its database")
        issued.append(kwargs["user"].pk)
        return real_issue(**kwargs)

    monkeypatch.setattr(services, "_issue", crash_on_the_third)
    with pytest.raises(ConnectionError):
        services.cohort_certificates_issue(batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert "safe to run it again" in batch.error
    assert (batch.total, batch.issued, batch.skipped) == (4, 2, 0)
    assert Certificate.objects.filter(cohort=cohort).count() == 2

    monkeypatch.setattr(services, "_issue", real_issue)
    batch = services.cohort_certificates_issue(batch=batch)
    assert batch.status == BatchStatus.DONE
    assert batch.error == ""
    assert (batch.total, batch.issued, batch.skipped) == (4, 4, 0)
    assert Certificate.objects.filter(cohort=cohort).count() == 4
    assert Certificate.objects.filter(cohort=cohort).values("user_id").distinct().count() == 4


def test_a_batch_never_issues_to_a_member_who_joined_a_minute_ago_with_nothing_done(
    staff, programme, cohort_members, django_capture_on_commit_callbacks
):
    cohort, template = programme
    newcomer = CohortMembershipFactory(
        cohort=cohort, status=MembershipStatus.ACTIVE, joined_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.cohort_certificates_start(
            cohort=cohort, template=template, actor=staff, reason="Programme finished"
        )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert (batch.total, batch.issued, batch.skipped, batch.not_completed) == (5, 4, 0, 1)
    assert not Certificate.objects.filter(user=newcomer.user).exists()
    assert Certificate.objects.filter(cohort=cohort).count() == 4
    note = batch.error
    assert newcomer.user.pathways_profile.chosen_name in note
    assert "Workplace Readiness: not enrolled" in note
    assert "Interview Practice: not enrolled" in note


def test_a_batch_decides_who_completed_when_it_runs_not_when_it_was_started(
    staff, programme, cohort_members
):
    cohort, template = programme
    late = CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE)
    gave_up = cohort_members[0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services.transaction, "on_commit", lambda *args, **kwargs: None)
        batch = services.cohort_certificates_start(
            cohort=cohort, template=template, actor=staff, reason="Programme finished"
        )
    # Before it runs, one finishes and another's completion is taken back.
    complete_programme(late)
    Enrolment.objects.filter(user=gave_up.user).update(
        status=EnrolmentStatus.ACTIVE, completed_at=None
    )
    batch = services.cohort_certificates_issue(batch=batch)
    assert Certificate.objects.filter(user=late.user, cohort=cohort).exists()
    assert not Certificate.objects.filter(user=gave_up.user).exists()
    assert (batch.issued, batch.not_completed) == (4, 1)


def test_a_cohorts_attended_hours_rule_holds_in_a_batch(staff, programme, cohort_members):
    cohort, template = programme
    cohort.cohort_courses.update(min_attended_hours=Decimal("2"))
    attended = cohort_members[0]
    session = CohortSessionFactory(cohort=cohort, duration_minutes=150)
    AttendanceFactory(session=session, membership=attended, minutes_attended=150)
    recorded = cohort_members[1]
    AttendanceFactory(session=session, membership=recorded, minutes_attended=150)
    short = cohort_members[2]
    AttendanceFactory(session=session, membership=short, minutes_attended=60, status="late")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services.transaction, "on_commit", lambda *args, **kwargs: None)
        batch = services.cohort_certificates_start(
            cohort=cohort, template=template, actor=staff, reason="Programme finished"
        )
    batch = services.cohort_certificates_issue(batch=batch)
    holders = set(Certificate.objects.filter(cohort=cohort).values_list("user_id", flat=True))
    # Finished every course and attended enough (one also recorded as completed by staff): issued.
    assert {recorded.user_id, attended.user_id} <= holders
    assert short.user_id not in holders
    assert cohort_members[3].user_id not in holders
    assert batch.not_completed == 2
    assert f"Attended hours in {cohort.name}: 1 hour (2 needed)" in batch.error


def test_starting_a_batch_nobody_would_receive_is_refused(staff, programme):
    cohort, template = programme
    CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE)
    with pytest.raises(ValidationError, match="Nobody in this cohort would receive"):
        services.cohort_certificates_start(
            cohort=cohort, template=template, actor=staff, reason="Programme finished"
        )
    assert not CertificateBatch.objects.exists()


def test_the_batch_preview_says_who_receives_the_certificate_and_why_others_do_not(
    programme, cohort_members
):
    cohort, template = programme
    first, second = [run.course for run in cohort.cohort_courses.order_by("pk")]
    holder = cohort_members[3]
    services.certificate_issue(user=holder.user, cohort=cohort)
    newcomer = CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE)
    halfway = CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE)
    completed(halfway.user, first)
    course_services.enrolment_start(user=halfway.user, course=second)

    preview = issuance_selectors.cohort_batch_preview(cohort=cohort, template=template)

    receiving = {member.membership.user_id for member in preview.receiving}
    assert receiving == {member.user_id for member in cohort_members[:3]}
    reasons = {member.membership.user_id: why for member, why in preview.not_receiving}
    assert reasons[holder.user_id] == ["Already holds this certificate"]
    assert reasons[newcomer.user_id] == [
        "Workplace Readiness: not enrolled",
        "Interview Practice: not enrolled",
    ]
    assert reasons[halfway.user_id] == [
        "Interview Practice: Lessons done: 0 of 1",
        "Interview Practice: Quiz passed: Quiz: module 1",
    ]
    assert not CertificateBatch.objects.exists()


def test_issuing_for_a_cohort_needs_staff_a_reason_and_a_template_for_it(
    facilitator, staff, programme
):
    cohort, template = programme
    with pytest.raises(ValidationError, match="Only programme staff"):
        services.cohort_certificates_start(
            cohort=cohort, template=template, actor=facilitator, reason="Done"
        )
    with pytest.raises(ValidationError, match="give a reason"):
        services.cohort_certificates_start(cohort=cohort, template=template, actor=staff, reason="")
    with pytest.raises(ValidationError, match="not set up for this cohort"):
        services.cohort_certificates_start(
            cohort=cohort, template=CertificateTemplateFactory(), actor=staff, reason="Done"
        )
    assert not CertificateBatch.objects.exists()


def test_a_batch_whose_requester_is_no_longer_staff_stops(staff, programme, cohort_members):
    cohort, template = programme
    batch = CertificateBatch.objects.create(
        cohort=cohort, template=template, requested_by=ParticipantFactory(), reason="Done"
    )
    batch = services.cohort_certificates_issue(batch=batch)
    assert batch.status == BatchStatus.FAILED
    assert "no longer programme staff" in batch.error
    assert not Certificate.objects.exists()


def test_factory_certificates_look_issued(participant):
    certificate = CertificateFactory(user=participant)
    assert certificate.status == CertificateStatus.VALID
    assert certificate.status_list_index is not None
    assert issuer_of(certificate).name == certificate.printed_issuer_name
    assert certificate.printed_name == "Maya"


# The demo -------------------------------------------------------------------------------------


def test_seed_demo_includes_a_valid_a_revoked_and_an_expired_certificate(capsys):
    from django.core.management import call_command

    from pathways.certificates.issuance.codes import format_code

    call_command("seed_demo", allow_without_debug=True)
    output = capsys.readouterr().out
    by_status = {
        certificate.status: certificate
        for certificate in Certificate.objects.select_related("user", "course")
    }
    assert set(by_status) == {
        CertificateStatus.VALID,
        CertificateStatus.REVOKED,
        CertificateStatus.EXPIRED,
    }
    valid = by_status[CertificateStatus.VALID]
    assert (valid.user.username, valid.course.title) == ("rosa", "Customer Service Fundamentals")
    assert valid.issued_by is None  # issued as completing the course issues it
    assert by_status[CertificateStatus.REVOKED].user.username == "maya"
    assert by_status[CertificateStatus.REVOKED].revocation_reason == "Issued in error"
    expired = by_status[CertificateStatus.EXPIRED]
    assert expired.credential["validUntil"] < timezone.now().isoformat()
    assert openbadges.verify(expired.credential).status == CertificateStatus.EXPIRED
    for certificate in by_status.values():
        assert format_code(certificate.verification_code) in output
        assert certificate.printed_issuer_name == "Northstar Skills Institute"

    call_command("seed_demo", allow_without_debug=True)
    assert Certificate.objects.count() == 3
