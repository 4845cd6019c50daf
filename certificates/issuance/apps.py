from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificates: templates, issuing, replacing and revoking them, PDFs and cohort batches."""

    name = "pathways.certificates.issuance"
    label = "pathways_certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pathways.certificates.issuance.permissions import register as register_permissions

        register_permissions()
        from pathways.certificates.issuance import receivers
        from pathways.certificates.issuance.signals import certificate_issued
        from pathways.cohorts.signals import cohort_programme_completed
        from pathways.courses.signals import course_completed

        course_completed.connect(
            receivers.issue_for_completed_course, dispatch_uid="certificates_course_completed"
        )
        cohort_programme_completed.connect(
            receivers.issue_for_completed_membership,
            dispatch_uid="certificates_cohort_programme_completed",
        )
        certificate_issued.connect(
            receivers.tell_holder_certificate_ready, dispatch_uid="certificates_ready_notice"
        )
