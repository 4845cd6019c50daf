"""Automatic issuance: a certificate follows a completed course or cohort programme.

Both receivers run after the completion has committed and call ``certificate_issue``, which is
idempotent, so a repeated announcement never makes a second certificate. A failure here is logged
and never reaches the participant who just completed: the completion stands, and staff can issue
the certificate from the admin (or a cohort batch).
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from pathways.certificates import services
from pathways.certificates.models import CertificateTemplate
from pathways.cohorts.models import Cohort, MembershipStatus

logger = logging.getLogger(__name__)


def _issue_quietly(**kwargs) -> None:
    try:
        services.certificate_issue(**kwargs)
    except ValidationError as error:
        logger.warning("No certificate issued automatically: %s", " ".join(error.messages))
    except Exception:
        logger.exception("Issuing a certificate automatically failed.")


def issue_for_completed_course(sender, enrollment, **kwargs) -> None:
    """``courses.signals.course_completed``: sent once the completion has committed."""
    _issue_quietly(user=enrollment.user, course=enrollment.course)


def issue_for_completed_membership(sender, instance, created, update_fields=None, **kwargs) -> None:
    """``post_save`` of a cohort membership: a completed one may earn the programme certificate.

    Cohorts announce no completion signal; a membership only becomes completed through
    ``cohorts.services.membership_complete`` and never leaves that state, so reacting to the saved
    status is enough. Issuing waits for the commit, like the course hook.
    """
    if instance.status != MembershipStatus.COMPLETED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    user_id, cohort_id = instance.user_id, instance.cohort_id

    def issue() -> None:
        if not CertificateTemplate.objects.filter(cohorts=cohort_id).exists():
            return
        _issue_quietly(
            user=get_user_model().objects.get(pk=user_id), cohort=Cohort.objects.get(pk=cohort_id)
        )

    transaction.on_commit(issue)
