from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificates: templates, issuance, PDFs, Open Badges credentials and verification."""

    name = "pathways.certificates"
    label = "pathways_certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from pathways.certificates import receivers
        from pathways.cohorts.models import CohortMembership
        from pathways.courses.signals import course_completed

        course_completed.connect(
            receivers.issue_for_completed_course, dispatch_uid="certificates_course_completed"
        )
        post_save.connect(
            receivers.issue_for_completed_membership,
            sender=CohortMembership,
            dispatch_uid="certificates_membership_completed",
        )
