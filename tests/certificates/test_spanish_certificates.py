"""Certificates issued from a Spanish template print in Spanish, whoever issues or renders them.

The PDF is read back with pdftotext (poppler-utils, which ``make test`` installs). A template that
still has the default title and wording (saved in whatever language staff had on) prints them in
its own language; the signed Open Badges credential names the same title.
"""

import datetime
import shutil
import subprocess  # noqa: S404
from decimal import Decimal

from django.utils import translation

import pytest
import time_machine

from pathways.certificates.issuance import services
from pathways.certificates.issuance.rendering import render_certificate_pdf
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.courses import SkillFactory, build_course

ISSUED_ON = datetime.datetime(2026, 3, 14, 12, 0, tzinfo=datetime.UTC)


def _pdf_text(pdf: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (Debian package poppler-utils)")
    result = subprocess.run(  # noqa: S603
        [pdftotext, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    # One line per run of words, whatever the layout.
    return " ".join(result.stdout.decode().split())


def _pdf_title(pdf: bytes) -> str:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.skip("pdfinfo is not installed (Debian package poppler-utils)")
    result = subprocess.run(  # noqa: S603
        [pdfinfo, "-enc", "UTF-8", "-"], input=pdf, capture_output=True, check=True
    )
    for line in result.stdout.decode().splitlines():
        if line.startswith("Title:"):
            return line.removeprefix("Title:").strip()
    return ""


@pytest.fixture
def skilled_course(db):
    course = build_course(
        title="Atención al cliente",
        modules=1,
        lessons_per_module=1,
        skills=[SkillFactory(name="Trabajo en equipo")],
    )
    course.estimated_hours = Decimal("12.5")
    course.save(update_fields=["estimated_hours"])
    return course


def _issue(*, participant, staff, course, language: str, **template_fields):
    # The factory's title and wording are the English defaults, as an English admin saves them.
    CertificateTemplateFactory(
        courses=[course], language=language, validity_days=365, **template_fields
    )
    with time_machine.travel(ISSUED_ON, tick=False), translation.override("en"):
        return services.certificate_issue(
            user=participant,
            course=course,
            issued_by=staff,
            reason="Prior learning",
            override_completion=True,
        )


@pytest.mark.django_db
def test_spanish_template_prints_a_spanish_pdf(participant, staff, skilled_course):
    certificate = _issue(participant=participant, staff=staff, course=skilled_course, language="es")

    # Rendered while the person asking for it uses English: the certificate's language wins.
    with translation.override("en"):
        pdf = render_certificate_pdf(certificate)
    text = _pdf_text(pdf)

    for words in (
        "Certificado de finalización",
        "Se certifica que",
        "Maya",
        "completó con éxito",
        "Atención al cliente",
        "Completado el 14 de marzo de 2026",
        "12,5 horas de aprendizaje",
        "Válido hasta el 14 de marzo de 2027",
        "Habilidades: Trabajo en equipo",
        "CÓDIGO DE VERIFICACIÓN",  # the stylesheet prints it in capitals
        "Verifica este certificado en",
    ):
        assert words in text, f"{words!r} not in {text!r}"
    for english in (
        "Certificate",
        "certifies",
        "ompleted",
        "hours",
        "Verification",
        "Check",
        "March",
    ):
        assert english not in text
    assert _pdf_title(pdf) == "Certificado de finalización"


@pytest.mark.django_db
def test_spanish_credential_names_the_same_title_in_spanish(participant, staff, skilled_course):
    certificate = _issue(participant=participant, staff=staff, course=skilled_course, language="es")

    assert certificate.printed_title == "Certificado de finalización"
    assert certificate.printed_data["wording"] == "completó con éxito"
    assert certificate.printed_data["language"] == "es"
    credential = certificate.credential
    assert credential["name"] == "Certificado de finalización"
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["description"] == "Otorgado por completar Atención al cliente."
    assert achievement["criteria"]["narrative"].startswith("Completó Atención al cliente")


@pytest.mark.django_db
def test_english_template_stays_english_when_spanish_is_active(participant, staff, skilled_course):
    certificate = _issue(participant=participant, staff=staff, course=skilled_course, language="en")

    with translation.override("es"):
        pdf = render_certificate_pdf(certificate)
    text = _pdf_text(pdf)

    for words in (
        "Certificate of Completion",
        "This certifies that",
        "has successfully completed",
        "Completed on 14 March 2026",
        "12.5 hours of learning",
        "Valid until 14 March 2027",
        "Skills: Trabajo en equipo",
        "VERIFICATION CODE",
        "Check this certificate at",
    ):
        assert words in text, f"{words!r} not in {text!r}"
    for spanish in ("Certificado", "Se certifica", "marzo", "horas", "CÓDIGO", "Verifica este"):
        assert spanish not in text
    assert certificate.credential["name"] == "Certificate of Completion"


@pytest.mark.django_db
def test_a_title_staff_wrote_is_printed_as_written(participant, staff, skilled_course):
    certificate = _issue(
        participant=participant,
        staff=staff,
        course=skilled_course,
        language="es",
        title="Constancia de participación",
        wording="participó con dedicación en",
    )

    text = _pdf_text(render_certificate_pdf(certificate))

    assert "Constancia de participación" in text
    assert "participó con dedicación en" in text
    assert "Certificado de finalización" not in text


@pytest.mark.django_db
def test_spanish_defaults_on_an_english_template_print_in_english(
    participant, staff, skilled_course
):
    # Saved by someone using the admin in Spanish, then set to English.
    certificate = _issue(
        participant=participant,
        staff=staff,
        course=skilled_course,
        language="en",
        title="Certificado de finalización",
        wording="completó con éxito",
    )

    assert certificate.printed_title == "Certificate of Completion"
    assert certificate.printed_data["wording"] == "has successfully completed"
