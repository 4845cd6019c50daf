"""Each event that reaches someone makes one notice for her, once, and none for anyone else."""

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.certificates.issuance import services as issuance_services
from pathways.certificates.issuance.models import NameChoice
from pathways.courses import services as course_services
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.courses.selectors import course_lessons
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.notices.models import Notice, NoticeKind
from pathways.mentoring import services as mentoring_services
from tests.factories.accounts import MentorFactory
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.courses import build_course
from tests.factories.mentoring import MentorProfileFactory

pytestmark = pytest.mark.django_db


def notices_of(user, kind=None):
    found = Notice.objects.filter(user=user)
    return found.filter(kind=kind) if kind else found


@pytest.fixture
def mentor_with_places(db):
    return MentorProfileFactory(user=MentorFactory(chosen_name="Beatriz"), capacity=3).user


# Mentoring ------------------------------------------------------------------------------------


def test_a_request_for_a_mentor_tells_the_mentor(participant, mentor_with_places):
    pairing = mentoring_services.pairing_request(mentor=mentor_with_places, mentee=participant)

    (notice,) = notices_of(mentor_with_places)
    assert notice.kind == NoticeKind.MENTOR_REQUEST_NEW
    assert notice.url == reverse("mentoring:mentor_dashboard")
    assert notice.dedupe_key == f"mentor_request_new:{pairing.pk}"
    assert not notices_of(participant).exists()


def test_the_mentor_accepting_tells_the_mentee_once(participant, mentor_with_places):
    pairing = mentoring_services.pairing_request(mentor=mentor_with_places, mentee=participant)

    mentoring_services.pairing_accept(pairing=pairing, actor=mentor_with_places)

    (notice,) = notices_of(participant)
    assert notice.kind == NoticeKind.MENTOR_REQUEST_ANSWERED
    assert notice.url == reverse("mentoring:my_mentor")
    # An answered request cannot be answered again; the event stays one notice.
    with pytest.raises(Exception):  # noqa: B017
        mentoring_services.pairing_accept(pairing=pairing, actor=mentor_with_places)
    assert notices_of(participant).count() == 1


def test_the_mentor_declining_tells_the_mentee(participant, mentor_with_places):
    pairing = mentoring_services.pairing_request(mentor=mentor_with_places, mentee=participant)

    mentoring_services.pairing_decline(pairing=pairing, actor=mentor_with_places)

    assert notices_of(participant, NoticeKind.MENTOR_REQUEST_ANSWERED).count() == 1


def test_staff_answering_for_the_mentor_tells_the_mentee(participant, mentor_with_places, staff):
    pairing = mentoring_services.pairing_request(mentor=mentor_with_places, mentee=participant)

    mentoring_services.pairing_accept(pairing=pairing, actor=staff)

    assert notices_of(participant, NoticeKind.MENTOR_REQUEST_ANSWERED).count() == 1


def test_withdrawing_her_own_request_tells_her_nothing(participant, mentor_with_places):
    pairing = mentoring_services.pairing_request(mentor=mentor_with_places, mentee=participant)

    mentoring_services.pairing_decline(pairing=pairing, actor=participant)

    assert not notices_of(participant).exists()


def test_answering_a_staff_proposal_herself_tells_her_nothing(
    participant, mentor_with_places, staff
):
    pairing = mentoring_services.pairing_propose(
        mentor=mentor_with_places, mentee=participant, actor=staff
    )

    mentoring_services.pairing_accept(pairing=pairing, actor=participant)

    assert not notices_of(participant).exists()
    assert not notices_of(mentor_with_places).exists()


# Sign-offs ------------------------------------------------------------------------------------


def test_a_sign_off_tells_the_participant_once(participant, facilitator, course_with_activity):
    enrolment = course_services.enrolment_start(user=participant, course=course_with_activity)
    lesson = course_lessons(course_with_activity).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    course_services.activity_request_signoff(enrolment=enrolment, lesson=lesson, block_id=block_id)

    for _twice in range(2):
        course_services.activity_sign_off(
            enrolment=enrolment, lesson=lesson, block_id=block_id, signed_off_by=facilitator
        )

    (notice,) = notices_of(participant)
    assert notice.kind == NoticeKind.SIGNOFF_GIVEN
    assert notice.url == reverse("courses:lesson", args=[lesson.pk]) + f"#activity-{block_id}"
    assert not notices_of(facilitator).exists()


# Certificates ---------------------------------------------------------------------------------


@pytest.fixture
def small_course(db):
    return build_course(title="Customer Service Fundamentals", modules=1, lessons_per_module=1)


def _completed(user, course):
    return Enrolment.objects.create(
        user=user, course=course, status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
    )


def test_a_new_certificate_tells_its_holder_once(participant, small_course):
    CertificateTemplateFactory(courses=[small_course])
    _completed(participant, small_course)

    certificate = issuance_services.certificate_issue(user=participant, course=small_course)
    issuance_services.certificate_issue(user=participant, course=small_course)

    (notice,) = notices_of(participant)
    assert notice.kind == NoticeKind.CERTIFICATE_READY
    assert notice.url == reverse("certificates:mine") + f"#certificate-{certificate.pk}"


def test_a_replacement_certificate_is_not_a_new_notice(participant, small_course):
    CertificateTemplateFactory(courses=[small_course])
    _completed(participant, small_course)
    profile_update(participant, legal_name="Maya Legal")
    certificate = issuance_services.certificate_issue(user=participant, course=small_course)

    replacement = issuance_services.certificate_set_name_choice(
        certificate=certificate, user=participant, name_choice=NameChoice.LEGAL
    )

    assert replacement.pk != certificate.pk
    assert notices_of(participant).count() == 1


# What the e-mails say ----------------------------------------------------------------------------


def test_no_e_mail_from_any_event_names_a_course_cohort_mentor_or_employer(
    participant,
    facilitator,
    course_with_activity,
    small_course,
    django_capture_on_commit_callbacks,
):
    """Every event above, for people who allow e-mail: the e-mails are all the same words."""
    profile_update(participant, safe_contact_channels=["email"], peer_alias="Mayita")
    participant.email = "maya@example.org"
    participant.save(update_fields=["email"])
    mentor = MentorProfileFactory(
        user=MentorFactory(
            chosen_name="Beatriz",
            peer_alias="Bea",
            email="bea@example.org",
            safe_contact_channels=["email"],
        ),
        capacity=3,
    ).user
    CertificateTemplateFactory(courses=[small_course], title="Hospitality Certificate")
    _completed(participant, small_course)
    enrolment = course_services.enrolment_start(user=participant, course=course_with_activity)
    lesson = course_lessons(course_with_activity).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id

    with django_capture_on_commit_callbacks(execute=True):
        pairing = mentoring_services.pairing_request(mentor=mentor, mentee=participant)
    with django_capture_on_commit_callbacks(execute=True):
        mentoring_services.pairing_accept(pairing=pairing, actor=mentor)
    # Read, so that the next events are e-mailed too (one unread e-mail holds back the next).
    Notice.objects.update(read_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        course_services.activity_sign_off(
            enrolment=enrolment, lesson=lesson, block_id=block_id, signed_off_by=facilitator
        )
    Notice.objects.update(read_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        issuance_services.certificate_issue(user=participant, course=small_course)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "bea@example.org",
        "maya@example.org",
        "maya@example.org",
        "maya@example.org",
    ]
    forbidden = [
        course_with_activity.title,
        small_course.title,
        lesson.title,
        "Hospitality Certificate",
        "Beatriz",
        "Bea",
        "Maya",
        "Mayita",
        "mentor",
        "certificate",
        "course",
    ]
    subjects = {message.subject for message in mail.outbox}
    bodies = {message.body for message in mail.outbox}
    assert len(subjects) == 1
    assert len(bodies) == 1
    for message in mail.outbox:
        for text in forbidden:
            assert text.lower() not in message.subject.lower()
            assert text.lower() not in message.body.lower()
