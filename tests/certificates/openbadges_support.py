"""Certificates made directly with the ORM, for the Open Badges and verification tests."""

import uuid
from datetime import date

from django.utils import timezone

from certificates.codes import new_verification_code
from certificates.models import Certificate, CertificateTemplate
from courses.factories import build_course
from lms.accounts.factories import ParticipantFactory

ISSUER_NAME = "Northside Skills Collective"


def make_template(**fields) -> CertificateTemplate:
    return CertificateTemplate.objects.create(
        **{
            "name": "Standard completion",
            "title": "Certificate of Completion",
            "issuer_name": ISSUER_NAME,
            **fields,
        }
    )


def make_certificate(*, user=None, course=None, template=None, **fields) -> Certificate:
    user = user or ParticipantFactory(
        chosen_name="Maya",
        legal_name="Maria Quintero",
        email=f"maria.{uuid.uuid4().hex[:8]}@example.org",
    )
    course = course or build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
    template = template or make_template()
    certificate = Certificate.objects.create(
        **{
            "user": user,
            "course": course,
            "achievement_key": f"course:{course.pk}",
            "template": template,
            "verification_code": new_verification_code(),
            "printed_name": user.chosen_name,
            "printed_title": template.title,
            "printed_achievement": course.title,
            "printed_issuer_name": template.issuer_name,
            "printed_data": {"language": "en"},
            "completed_on": date(2025, 3, 14),
            "issued_at": timezone.now(),
            **fields,
        }
    )
    certificate.status_list_index = certificate.pk
    certificate.save(update_fields=["status_list_index"])
    return certificate
