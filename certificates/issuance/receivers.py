"""Automatic issuance: a certificate follows a completed course or cohort programme.

Both receivers run after the completion has committed and call ``certificate_issue``, which is
idempotent, so a repeated announcement never makes a second certificate. A failure here is logged
and never reaches the participant who just completed: the completion stands, and staff can issue
the certificate from the admin (or a cohort batch).

A certificate issued (``certificate_issued``) is also a notice to its holder that it is ready.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from pathways.certificates.issuance import services
from pathways.certificates.issuance.models import Certificate, CertificateTemplate
from pathways.lms.notices.services import NoticeKind, notify

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


def tell_holder_certificate_ready(sender, certificate, **kwargs) -> None:
    """``certificate_issued``, inside the issuing transaction: her notice that it is ready. A
    replacement (a reissue, another name printed) is the same achievement, so no new notice. A
    failure here is logged and never undoes the certificate."""
    try:
        with transaction.atomic():
            if Certificate.objects.filter(superseded_by=certificate).exists():
                return
            notify(
                certificate.user,
                NoticeKind.CERTIFICATE_READY,
                url=reverse("certificates:mine") + f"#certificate-{certificate.pk}",
                dedupe_key=f"certificate_ready:{certificate.pk}",
            )
    except Exception:
        logger.exception("The notice of a new certificate could not be made.")
