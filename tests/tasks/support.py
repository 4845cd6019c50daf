"""What the background-work tests share: the task backends, and a cohort whose members have
completed its programme, ready for a certificate batch."""

from django.utils import timezone

from pathways.certificates.issuance import services
from pathways.cohorts.models import CohortStatus, MembershipStatus
from pathways.courses.models import Enrolment, EnrolmentStatus
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory
from tests.factories.courses import build_course

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}
}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def completed_programme(members: int):
    """A running cohort of ``members`` active members who each completed its one course, and the
    certificate template for its programme."""
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    cohort = CohortFactory(courses=[course], status=CohortStatus.RUNNING)
    template = CertificateTemplateFactory(cohorts=[cohort], title="Programme Certificate")
    memberships = [
        CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE)
        for _ in range(members)
    ]
    for membership in memberships:
        Enrolment.objects.create(
            user=membership.user,
            course=course,
            status=EnrolmentStatus.COMPLETED,
            completed_at=timezone.now(),
        )
    return cohort, template, memberships


def start_batch(cohort, template, staff):
    return services.cohort_certificates_start(
        cohort=cohort, template=template, actor=staff, reason="Programme finished"
    )
