"""Skills printed in the certificate's language.

A certificate prints the skills of its course (or of its cohort's courses) in the language it
is printed in, where a skill is translated into it, else as written; the PDF and the
verification page show them as printed. What was printed stays: a skill translated later
changes no certificate already issued.
"""

import datetime

from django.urls import reverse
from django.utils import timezone, translation

import pytest
import time_machine

from pathways.certificates.issuance import services
from pathways.certificates.issuance.models import CertificateTemplateTranslation
from pathways.certificates.issuance.rendering import render_certificate_pdf
from pathways.cohorts.models import CohortStatus, MembershipStatus
from pathways.courses.models import Enrolment, EnrolmentStatus, SkillTranslation
from tests.certificates.test_spanish_certificates import _pdf_text
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory
from tests.factories.courses import SkillFactory, build_course

pytestmark = pytest.mark.django_db

ISSUED_ON = datetime.datetime(2026, 3, 14, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def rosa(db):
    return ParticipantFactory(chosen_name="Rosa", preferred_language="es")


@pytest.fixture
def course(db):
    course = build_course(title="Kitchen Basics", modules=1, lessons_per_module=1)
    food = SkillFactory(name="Food safety")
    SkillTranslation.objects.create(skill=food, language="es", name="Seguridad alimentaria")
    teamwork = SkillFactory(name="Teamwork")
    SkillTranslation.objects.create(skill=teamwork, language="es", name="Trabajo en equipo")
    course.skills.add(food, teamwork, SkillFactory(name="Knife skills"))
    course.save()
    return course


def _template(**kwargs):
    """An English template with a Spanish translation."""
    template = CertificateTemplateFactory(language="en", **kwargs)
    CertificateTemplateTranslation.objects.create(
        template=template,
        language="es",
        title="Certificado de finalización",
        wording="completó con éxito",
    )
    return template


def _issue(user, **achievement):
    with time_machine.travel(ISSUED_ON, tick=False), translation.override("en"):
        return services.certificate_issue(user=user, **achievement)


def _completed(user, course):
    Enrolment.objects.create(
        user=user, course=course, status=EnrolmentStatus.COMPLETED, completed_at=ISSUED_ON
    )


def test_a_certificate_printed_in_spanish_lists_the_skills_in_spanish(client, rosa, course):
    _template(courses=[course])
    _completed(rosa, course)

    certificate = _issue(rosa, course=course)

    assert certificate.printed_data["language"] == "es"
    # In Spanish alphabetical order; a skill with no Spanish name keeps its own.
    assert certificate.printed_data["skills"] == [
        "Knife skills",
        "Seguridad alimentaria",
        "Trabajo en equipo",
    ]
    text = _pdf_text(render_certificate_pdf(certificate))
    assert "Seguridad alimentaria" in text
    assert "Food safety" not in text
    page = client.get(reverse("verify:code", args=[certificate.verification_code]))
    html = page.content.decode()
    assert "Trabajo en equipo" in html
    assert "Teamwork" not in html


def test_a_certificate_printed_in_english_lists_the_skills_as_written(participant, course):
    _template(courses=[course])
    _completed(participant, course)

    certificate = _issue(participant, course=course)

    assert certificate.printed_data["skills"] == ["Food safety", "Knife skills", "Teamwork"]


def test_the_skills_follow_the_certificates_language_not_the_readers(rosa, course):
    # No Spanish template wording: the certificate is printed in English, skills too.
    CertificateTemplateFactory(language="en", courses=[course])
    _completed(rosa, course)
    with translation.override("es"):
        certificate = services.certificate_issue(user=rosa, course=course)
    assert certificate.printed_data["language"] == "en"
    assert certificate.printed_data["skills"] == ["Food safety", "Knife skills", "Teamwork"]


def test_a_cohort_programme_certificate_in_spanish_lists_its_skills_in_spanish(rosa, course, staff):
    other = build_course(title="Serving", modules=1, lessons_per_module=1)
    other.skills.add(SkillFactory(name="Teamwork"))  # the same skill, listed once
    other.save()
    cohort = CohortFactory(courses=[course, other], status=CohortStatus.RUNNING)
    _template(cohorts=[cohort])
    CohortMembershipFactory(
        cohort=cohort, user=rosa, status=MembershipStatus.COMPLETED, completed_at=timezone.now()
    )
    for run_course in (course, other):
        _completed(rosa, run_course)

    certificate = _issue(rosa, cohort=cohort)

    assert certificate.printed_data["skills"] == [
        "Knife skills",
        "Seguridad alimentaria",
        "Trabajo en equipo",
    ]


def test_a_skill_translated_later_changes_no_issued_certificate(rosa, course):
    _template(courses=[course])
    _completed(rosa, course)
    certificate = _issue(rosa, course=course)

    knives = course.skills.get(name="Knife skills")
    SkillTranslation.objects.create(skill=knives, language="es", name="Manejo del cuchillo")
    SkillTranslation.objects.filter(name="Trabajo en equipo").update(name="Equipo")

    certificate.refresh_from_db()
    assert certificate.printed_data["skills"] == [
        "Knife skills",
        "Seguridad alimentaria",
        "Trabajo en equipo",
    ]
