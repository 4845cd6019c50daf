"""Automatic issuance: a certificate follows a completed course or cohort programme.

Both receivers run after the completion has committed and call ``certificate_issue``, which is
idempotent, so a repeated announcement never makes a second certificate. A failure here is logged
and never reaches the participant who just completed: the completion stands, and staff can issue
the certificate from the admin (or a cohort batch).
"""

import logging

from django.core.exceptions import ValidationError

from pathways.certificates.issuance import services
from pathways.certificates.issuance.models import CertificateTemplate

logger = logging.getLogger(__name__)


def _issue_quietly(**kwargs) -> None:
    try:
        services.certificate_issue(**kwargs)
    except ValidationError as error:
        logger.warning("No certificate issued automatically: %s", " ".join(error.messages))
    except Exception:
        logger.exception("Issuing a certificate automatically failed.")


def issue_for_completed_course(sender, enrolment, **kwargs) -> None:
    """``courses.signals.course_completed``: sent once the completion has committed."""
    _issue_quietly(user=enrolment.user, course=enrolment.course)


def issue_for_completed_membership(sender, membership, **kwargs) -> None:
    """``cohorts.signals.cohort_programme_completed``: sent once the completion has committed."""
    if not CertificateTemplate.objects.filter(cohorts=membership.cohort_id).exists():
        return
    _issue_quietly(user=membership.user, cohort=membership.cohort)
