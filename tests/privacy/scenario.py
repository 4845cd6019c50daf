"""A participant with a full history, written through the services where they exist, so that the
export and the erasure are tested against the records the product really writes.

Every personal string is unusual (:data:`PERSONAL_WORDS`), so a search of the whole database for
it finds only her data.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from wagtail.admin.models import FormState
from wagtail.log_actions import log
from wagtail.users.models import UserProfile

from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

from pathways.certificates.issuance.models import CertificateBatch, NameChoice
from pathways.certificates.sharing.models import AccessChannel
from pathways.certificates.sharing.services import access_record
from pathways.cohorts.models import AttendanceStatus, CohortMembership, MembershipStatus
from pathways.cohorts.services import attendance_record
from pathways.courses import services as course_services
from pathways.courses.models import LessonPage
from tests.factories.accounts import EmployerUserFactory, MentorFactory, ParticipantFactory
from tests.factories.certificates import (
    CertificateFactory,
    CertificateTemplateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)
from tests.factories.cohorts import AttendanceFactory, CohortFactory, CohortSessionFactory
from tests.factories.courses import build_course, quiz_answer_ids
from tests.factories.mentoring import (
    MenteePreferencesFactory,
    MentorshipCheckInFactory,
    MentorshipGoalFactory,
    MentorshipPairingFactory,
)

CHOSEN = "Zephyrine"
LEGAL = "Quillon Marbleworth"
ALIAS = "Starling Ninefold"
EMAIL = "zq.private@example.org"
USERNAME = "zqparticipant"
REFLECTION = "I want to move to Blackberry Lane next spring."
GOAL = "Find a flat near Elmstreet"
MENTEE_NOTE = "We talked about Harborview and the new job."
MENTOR_NOTE = "Zephyrine was tired but hopeful."
PURPOSE = "Application at Wrenfield Bakery"
SIGN_OFF_NOTE = "Great work, Zephyrine."
#: Words that must not be found anywhere in the database once her data is erased.
PERSONAL_WORDS = [
    "Zephyrine",
    "Quillon",
    "Marbleworth",
    "Starling",
    "Ninefold",
    "zq.private",
    "zqparticipant",
    "Blackberry",
    "Elmstreet",
    "Harborview",
    "Wrenfield",
]
PDF_BYTES = b"%PDF-1.4 stored certificate"


@dataclass
class History:
    participant: object
    mentor: object
    employer_user: object
    course: object
    enrolment: object
    membership: object
    pairing: object
    certificate: object  # current, valid, with a stored PDF and a credential
    certificate_without_pdf: object
    revoked_certificate: object
    release: object


def make_participant(**kwargs):
    return ParticipantFactory(
        username=kwargs.pop("username", USERNAME),
        chosen_name=kwargs.pop("chosen_name", CHOSEN),
        legal_name=kwargs.pop("legal_name", LEGAL),
        peer_alias=kwargs.pop("peer_alias", ALIAS),
        email=kwargs.pop("email", EMAIL),
        safe_contact_channels=["sms", "in_person"],
        preferred_language="en",
        **kwargs,
    )


def build_history(*, participant, staff, facilitator) -> History:
    """Courses, a cohort, a mentor, certificates, sharing, sign-in keys and admin traces."""
    course = build_course(title="Customer Care Basics", with_activity=True)
    enrolment = course_services.enrolment_start(user=participant, course=course)
    lessons = list(LessonPage.objects.descendant_of(course).live().order_by("path"))
    first, last = lessons[0], lessons[-1]
    course_services.lesson_complete(enrolment=enrolment, lesson=first)
    reflection_id = next(b.id for b in first.body if b.block_type == "reflection")
    course_services.reflection_save(
        enrolment=enrolment, lesson=first, block_id=reflection_id, text=REFLECTION
    )
    quiz_lesson = next(lesson for lesson in lessons if lesson.interactive_blocks("quiz"))
    block_id, answers = quiz_answer_ids(quiz_lesson)
    course_services.quiz_submit(
        enrolment=enrolment, lesson=quiz_lesson, block_id=block_id, answers=answers
    )
    activity_id = next(b.id for b in last.body if b.block_type == "activity")
    course_services.activity_request_signoff(enrolment=enrolment, lesson=last, block_id=activity_id)
    course_services.activity_sign_off(
        enrolment=enrolment,
        lesson=last,
        block_id=activity_id,
        signed_off_by=facilitator,
        note=SIGN_OFF_NOTE,
    )

    cohort = CohortFactory(name="Spring group", facilitators=[facilitator], courses=[course])
    membership = CohortMembership.objects.create(
        cohort=cohort, user=participant, status=MembershipStatus.ACTIVE, joined_at=timezone.now()
    )
    AttendanceFactory(
        session=CohortSessionFactory(cohort=cohort, title="Welcome session"),
        membership=membership,
        minutes_attended=90,
    )
    # Recorded through the service too, as the facilitator's sheet does: the admin history entry
    # it writes is labelled with her name.
    attendance_record(
        session=CohortSessionFactory(
            cohort=cohort, title="Second session", starts_at=timezone.now() - timedelta(days=1)
        ),
        membership=membership,
        status=AttendanceStatus.PRESENT,
        actor=facilitator,
    )
    log(instance=membership, action="wagtail.create", user=staff)
    CertificateBatch.objects.create(
        cohort=cohort,
        template=CertificateTemplateFactory(),
        requested_by=staff,
        reason="End of the spring group",
        error=f"{CHOSEN}: This is not completed yet.",
    )

    mentor = MentorFactory(chosen_name="Amara", peer_alias="Mentor A")
    pairing = MentorshipPairingFactory(mentor=mentor, mentee=participant)
    MentorshipGoalFactory(pairing=pairing, title=GOAL)
    MentorshipCheckInFactory(
        pairing=pairing, notes=MENTEE_NOTE, private_from_staff=True, recorded_by=participant
    )
    MentorshipCheckInFactory(pairing=pairing, notes=MENTOR_NOTE, recorded_by=mentor)
    MenteePreferencesFactory(user=participant, languages=["en", "es"])

    certificate = CertificateFactory(
        user=participant,
        course=course,
        printed_name=LEGAL,
        name_choice=NameChoice.LEGAL,
        credential={"credentialSubject": {"identifier": [{"identityHash": LEGAL}]}},
    )
    certificate.pdf.save("stored-certificate.pdf", ContentFile(PDF_BYTES), save=False)
    certificate.pdf_rendered_at = timezone.now()
    certificate.save(update_fields=["pdf", "pdf_rendered_at"])
    certificate_without_pdf = CertificateFactory(user=participant, printed_name=CHOSEN)
    revoked_certificate = CertificateFactory(
        user=participant,
        printed_name=CHOSEN,
        revoked_at=timezone.now() - timedelta(days=3),
        revoked_by=staff,
        revocation_reason=f"Issued to {CHOSEN} by mistake",
    )

    employer_user = EmployerUserFactory(chosen_name="Lee Harbour")
    employer = EmployerOrganisationFactory(name="Harbour Hotels", users=[employer_user])
    release = CredentialReleaseFactory(
        participant=participant,
        employer=employer,
        certificates=[certificate],
        purpose=PURPOSE,
        signature=LEGAL,
        staff_note=f"{CHOSEN} asked us to share it.",
    )
    access_record(
        shared=list(release.released_certificates.select_related("release")),
        channel=AccessChannel.WEB,
        employer_user=employer_user,
    )

    Token.objects.create(user=participant)
    DBTaskResult.objects.create(
        status="SUCCESSFUL",
        args_kwargs={"args": [EMAIL], "kwargs": {"name": CHOSEN}},
        task_path="lms.tasks.send_mail",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    UserProfile.get_for_user(participant)
    FormState.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(type(participant)),
        object_id=str(participant.pk),
        parent_object_id="",
        last_updated_at=timezone.now(),
        data=f"legal_name={LEGAL.replace(' ', '+')}&chosen_name={CHOSEN}",
    )
    return History(
        participant=participant,
        mentor=mentor,
        employer_user=employer_user,
        course=course,
        enrolment=enrolment,
        membership=membership,
        pairing=pairing,
        certificate=certificate,
        certificate_without_pdf=certificate_without_pdf,
        revoked_certificate=revoked_certificate,
        release=release,
    )
