"""Certificate titles in her language: a template's translations, and the course's.

A participant whose preferred language has a translation of the certificate template gets her
certificate printed in it (title, wording, signatory title, dates, and the course title where the
course is translated); anyone else gets the template's own language. What was printed stays: a
translation added or changed later changes no certificate already issued.
"""

import datetime
from decimal import Decimal

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

import pytest
import time_machine

from pathways.certificates.issuance import services
from pathways.certificates.issuance.models import (
    CertificateTemplate,
    CertificateTemplateTranslation,
    NameChoice,
)
from pathways.certificates.issuance.rendering import render_certificate_pdf
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.lms.accounts.profiles import profile_update
from tests.certificates.test_spanish_certificates import _pdf_text
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.courses import build_course
from tests.factories.translations import translate_page

pytestmark = pytest.mark.django_db

ISSUED_ON = datetime.datetime(2026, 3, 14, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def rosa(db):
    return ParticipantFactory(chosen_name="Rosa", preferred_language="es")


@pytest.fixture
def course(db):
    course = build_course(title="Customer Service Fundamentals", modules=1, lessons_per_module=1)
    course.estimated_hours = Decimal("4")
    course.save(update_fields=["estimated_hours"])
    return course


@pytest.fixture
def template(course):
    """An English template with a Spanish translation."""
    template = CertificateTemplateFactory(courses=[course], language="en", validity_days=365)
    CertificateTemplateTranslation.objects.create(
        template=template,
        language="es",
        title="Certificado de finalización",
        wording="completó con éxito",
        signatory_title="Dirección del programa",
    )
    return template


def _completed(user, course):
    return Enrolment.objects.create(
        user=user,
        course=course,
        status=EnrolmentStatus.COMPLETED,
        completed_at=ISSUED_ON,
    )


def _issue(user, course):
    _completed(user, course)
    with time_machine.travel(ISSUED_ON, tick=False), translation.override("en"):
        return services.certificate_issue(user=user, course=course)


def test_her_certificate_is_printed_in_her_language(rosa, course, template):
    translate_page(course, "es", title="Fundamentos de atención al cliente")

    certificate = _issue(rosa, course)

    assert certificate.printed_title == "Certificado de finalización"
    assert certificate.printed_achievement == "Fundamentos de atención al cliente"
    assert certificate.printed_data["wording"] == "completó con éxito"
    assert certificate.printed_data["signatory_title"] == "Dirección del programa"
    assert certificate.printed_data["language"] == "es"
    assert certificate.printed_data["courses"] == ["Fundamentos de atención al cliente"]
    assert certificate.credential["name"] == "Certificado de finalización"
    # Printed while staff (or anyone) read English: the certificate's language wins.
    with translation.override("en"):
        text = _pdf_text(render_certificate_pdf(certificate))
    for words in (
        "Certificado de finalización",
        "completó con éxito",
        "Fundamentos de atención al cliente",
        "Dirección del programa",
        "Válido hasta",
    ):
        assert words in text, f"{words!r} not in {text!r}"
    assert "Certificate of Completion" not in text
    assert "Customer Service" not in text


def test_an_untranslated_course_keeps_its_title_on_a_spanish_certificate(rosa, course, template):
    certificate = _issue(rosa, course)
    assert certificate.printed_title == "Certificado de finalización"
    assert certificate.printed_achievement == "Customer Service Fundamentals"


def test_someone_reading_english_gets_the_template_as_written(participant, course, template):
    translate_page(course, "es", title="Fundamentos de atención al cliente")
    certificate = _issue(participant, course)
    assert certificate.printed_title == "Certificate of Completion"
    assert certificate.printed_achievement == "Customer Service Fundamentals"
    assert certificate.printed_data["signatory_title"] == "Programme Director"
    assert certificate.printed_data["language"] == "en"


def test_without_a_translation_in_her_language_the_template_language_is_printed(rosa, course):
    CertificateTemplateFactory(courses=[course], language="en")
    certificate = _issue(rosa, course)
    assert certificate.printed_title == "Certificate of Completion"
    assert certificate.printed_data["language"] == "en"


def test_a_translation_left_with_the_default_title_prints_it_in_spanish(rosa, course):
    template = CertificateTemplateFactory(courses=[course], language="en")
    # Saved by someone using the admin in English, who only changed the wording.
    CertificateTemplateTranslation.objects.create(
        template=template, language="es", title="Certificate of Completion", wording="terminó"
    )
    certificate = _issue(rosa, course)
    assert certificate.printed_title == "Certificado de finalización"
    assert certificate.printed_data["wording"] == "terminó"
    # An empty signatory title in the translation prints the template's own.
    assert certificate.printed_data["signatory_title"] == "Programme Director"


def test_issued_certificates_keep_what_they_printed(rosa, participant, course, template):
    english = _issue(participant, course)
    spanish = _issue(rosa, course)

    template.translations.update(title="Constancia")
    CertificateTemplateTranslation.objects.create(
        template=template, language="fr", title="Certificat", wording="a terminé"
    )
    profile_update(participant, preferred_language="fr")
    for certificate in (english, spanish):
        printed = (certificate.printed_title, certificate.printed_data)
        certificate.refresh_from_db()
        assert (certificate.printed_title, certificate.printed_data) == printed

    # Choosing another name to print keeps everything else as printed.
    profile_update(rosa, legal_name="Rosa María Pérez")
    renamed = services.certificate_set_name_choice(
        certificate=spanish, user=rosa, name_choice=NameChoice.LEGAL
    )
    assert renamed.printed_title == "Certificado de finalización"


def test_a_certificate_for_a_courses_translation_is_the_courses(rosa, course, template, staff):
    spanish = translate_page(course, "es", title="Fundamentos de atención al cliente")
    _completed(rosa, course)

    certificate = services.certificate_issue(user=rosa, course=spanish)

    assert certificate.course_id == course.pk
    assert certificate.achievement_key == f"course:{course.pk}"
    assert services.certificate_issue(user=rosa, course=course) == certificate


@override_settings(WAGTAIL_I18N_ENABLED=False)
def test_without_content_translation_the_template_is_still_printed_in_her_language(
    rosa, course, template
):
    translate_page(course, "es", title="Fundamentos de atención al cliente")
    certificate = _issue(rosa, course)
    assert certificate.printed_title == "Certificado de finalización"
    # Course pages stand for themselves: the course's own title.
    assert certificate.printed_achievement == "Customer Service Fundamentals"


# In the admin ---------------------------------------------------------------------------------


def _template_form(**overrides):
    data = {
        "name": "Course certificate",
        "title": "Certificate of Completion",
        "wording": "has successfully completed",
        "language": "en",
        "validity_days": "",
        "issuer_name": "Northstar Skills Institute",
        "signatory_name": "Jordan Ellis",
        "signatory_title": "Programme Director",
        "primary_colour": "#1d4f7a",
        "accent_colour": "#b08d2b",
        "paper_size": "a4",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        "translations-0-id": "",
        "translations-0-language": "es",
        "translations-0-title": "Certificado de finalización",
        "translations-0-wording": "completó con éxito",
        "translations-0-signatory_title": "",
    }
    data.update(overrides)
    return data


def test_staff_translate_a_template_in_the_admin(signed_in, staff, course):
    admin = signed_in(staff)
    add = reverse("wagtailsnippets_pathways_certificates_certificatetemplate:add")
    page = admin.get(add).content.decode()
    assert "translations-TOTAL_FORMS" in page
    # Each course once, whatever its translations.
    translate_page(course, "es", title="Fundamentos de atención al cliente")
    page = admin.get(add).content.decode()
    assert "Fundamentos de atención al cliente" not in page

    response = admin.post(add, _template_form(courses=[course.pk]))

    assert response.status_code == 302, response.content.decode()[:3000]
    template = CertificateTemplate.objects.get(name="Course certificate")
    assert list(template.translations.values_list("language", "title")) == [
        ("es", "Certificado de finalización")
    ]
    # The revision keeps the translations as they were saved.
    assert "Certificado de finalización" in str(template.latest_revision.content)


def test_a_template_has_one_translation_per_language(signed_in, staff):
    admin = signed_in(staff)
    data = _template_form(
        **{
            "translations-TOTAL_FORMS": "2",
            "translations-1-id": "",
            "translations-1-language": "es",
            "translations-1-title": "Otro título",
            "translations-1-wording": "terminó",
            "translations-1-signatory_title": "",
        }
    )
    response = admin.post(
        reverse("wagtailsnippets_pathways_certificates_certificatetemplate:add"), data
    )
    assert response.status_code == 200
    assert not CertificateTemplate.objects.exists()
