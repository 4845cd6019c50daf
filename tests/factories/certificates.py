"""Test data for certificates: templates, and certificates written as the service would.

``CertificateTemplateFactory(courses=[course], cohorts=[cohort])`` sets which achievements use a
template. ``CertificateFactory`` writes a certificate row directly, with sensible printed fields,
its status-list index (drawn at random) and issuer, and no credential or PDF: use
``certificates.services`` to test the rules.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

import factory
from factory.django import DjangoModelFactory

from pathways.certificates.credentials.models import StatusListAllocation
from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.issuance.codes import new_verification_code
from pathways.certificates.issuance.models import (
    Certificate,
    CertificateTemplate,
    NameChoice,
    PaperSize,
)
from pathways.certificates.sharing.consent import CONSENT_VERSION, consent_text
from pathways.certificates.sharing.models import (
    CredentialRelease,
    ReleasedCertificate,
    ReleaseMethod,
)
from pathways.lms.accounts.names import chosen_name_of
from tests.factories.accounts import ParticipantFactory
from tests.factories.courses import CoursePageFactory


class CertificateTemplateFactory(DjangoModelFactory):
    """A plain template with a neutral issuer; ``courses=[...]``, ``cohorts=[...]`` use it."""

    name = factory.Sequence(lambda n: f"Certificate template {n}")
    title = "Certificate of Completion"
    issuer_name = "Northstar Skills Institute"
    signatory_name = "Jordan Ellis"
    signatory_title = "Programme Director"
    wording = "has successfully completed"
    paper_size = PaperSize.LETTER
    language = "en"
    validity_days = None

    class Meta:
        model = CertificateTemplate
        skip_postgeneration_save = True

    @factory.post_generation
    def courses(self, create: bool, extracted: Iterable | None, **kwargs) -> None:
        if create and extracted:
            self.courses.add(*extracted)

    @factory.post_generation
    def cohorts(self, create: bool, extracted: Iterable | None, **kwargs) -> None:
        if create and extracted:
            self.cohorts.add(*extracted)


class CertificateFactory(DjangoModelFactory):
    """A current, valid certificate for a course, written directly (no credential, no PDF)."""

    user = factory.SubFactory(ParticipantFactory)
    course = factory.SubFactory(CoursePageFactory)
    cohort = None
    achievement_key = factory.LazyAttribute(
        lambda obj: f"course:{obj.course.pk}" if obj.course else f"cohort:{obj.cohort.pk}"
    )
    template = factory.SubFactory(CertificateTemplateFactory)
    verification_code = factory.LazyFunction(new_verification_code)
    name_choice = NameChoice.CHOSEN
    printed_name = factory.LazyAttribute(lambda obj: chosen_name_of(obj.user))
    printed_title = factory.LazyAttribute(lambda obj: obj.template.title)
    printed_achievement = factory.LazyAttribute(
        lambda obj: obj.course.title if obj.course else obj.template.title
    )
    printed_issuer_name = factory.LazyAttribute(lambda obj: obj.template.issuer_name)
    printed_data = factory.LazyAttribute(
        lambda obj: {
            "wording": obj.template.wording,
            "signatory_name": obj.template.signatory_name,
            "signatory_title": obj.template.signatory_title,
            "hours": "2",
            "skills": [],
            "courses": [obj.course.title] if obj.course else [],
            "primary_colour": obj.template.primary_colour,
            "accent_colour": obj.template.accent_colour,
            "paper_size": obj.template.paper_size,
            "language": obj.template.language,
            "issuer_logo_id": None,
        }
    )
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    issued_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Certificate
        skip_postgeneration_save = True

    @factory.post_generation
    def status_list_index(self, create: bool, extracted, **kwargs) -> None:
        """A random index and the issuer of its printed name, as issuing gives them."""
        if create and self.status_list_index is None:
            from pathways.certificates.credentials.services import credential_issuer
            from pathways.certificates.credentials.status_list import allocate_index

            if extracted is not None:
                StatusListAllocation.objects.get_or_create(index=extracted)
            self.status_list_index = extracted if extracted is not None else allocate_index()
            credential_issuer(self.printed_issuer_name)
            Certificate.objects.filter(pk=self.pk).update(status_list_index=self.status_list_index)


class EmployerOrganisationFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Partner Employer {n}")

    class Meta:
        model = EmployerOrganisation
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    @factory.post_generation
    def users(self, create: bool, extracted: Iterable | None, **kwargs) -> None:
        if create and extracted:
            self.users.add(*extracted)


class CredentialReleaseFactory(DjangoModelFactory):
    """A release written directly, active for 90 days; ``certificates=[...]`` names what it
    shares (each must belong to ``participant``). Use ``release_services`` to test the rules."""

    participant = factory.SubFactory(ParticipantFactory)
    employer = factory.SubFactory(EmployerOrganisationFactory)
    disclosed_fields = factory.LazyFunction(lambda: ["dates", "hours", "skills", "document"])
    purpose = "Job application"
    consent_version = CONSENT_VERSION
    consent_text = factory.LazyAttribute(lambda obj: consent_text(employer_name=obj.employer.name))
    consent_language = "en"
    signature = factory.LazyAttribute(lambda obj: chosen_name_of(obj.participant))
    method = ReleaseMethod.ONLINE
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda obj: obj.created_at + timedelta(days=90))

    class Meta:
        model = CredentialRelease
        skip_postgeneration_save = True

    @factory.post_generation
    def certificates(self, create: bool, extracted: Iterable | None, **kwargs) -> None:
        if create and extracted:
            ReleasedCertificate.objects.bulk_create(
                [ReleasedCertificate(release=self, certificate=c) for c in extracted]
            )
