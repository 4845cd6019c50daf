"""Consent to share, in her language: online, on the paper form staff print, and as recorded.

Online she reads the consent text in the language of her pages (her preferred one) and the
release keeps those words. Staff print a paper consent form in her preferred language from the
sharing admin, whatever language they use the admin in; consent she gave on paper is recorded with
the text in the language of the form she signed. Only programme staff reach the paper form.
"""

from django.urls import reverse

import pytest

from pathways.certificates.sharing.consent import CONSENT_VERSION, consent_text
from pathways.certificates.sharing.models import CredentialRelease, ReleaseMethod
from pathways.certificates.sharing.services import default_end_date
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import CertificateFactory

pytestmark = pytest.mark.django_db

# The first words of the consent text, in Spanish (certificates/sharing/locale/es).
SPANISH_CONSENT = "Elijo permitir que Harbour Hotels vea los certificados"
ENGLISH_CONSENT = "I choose to let Harbour Hotels see the certificates I picked"


@pytest.fixture
def rosa(db):
    return ParticipantFactory(chosen_name="Rosa", preferred_language="es")


@pytest.fixture
def certificate(rosa):
    return CertificateFactory(user=rosa, printed_achievement="Fundamentos de atención al cliente")


def _share_url(employer) -> str:
    return f"{reverse('sharing:share')}?employer={employer.pk}"


def _paper_url(participant, employer, language="") -> str:
    url = reverse("credential_releases:paper_consent_form")
    url += f"?participant={participant.pk}&employer={employer.pk}"
    return f"{url}&language={language}" if language else url


# Online ----------------------------------------------------------------------------------------


def test_she_reads_and_signs_the_consent_text_in_her_language(
    signed_in, rosa, certificate, employer_org
):
    client = signed_in(rosa)
    page = client.get(_share_url(employer_org)).content.decode()
    assert SPANISH_CONSENT in page
    assert ENGLISH_CONSENT not in page

    response = client.post(
        _share_url(employer_org),
        {
            "certificates": [certificate.pk],
            "disclosed_fields": ["dates"],
            "purpose": "job_application",
            "purpose_other": "",
            "ends_on": default_end_date().isoformat(),
            "signature": "Rosa",
            "consent_version": CONSENT_VERSION,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    release = CredentialRelease.objects.get()
    assert release.consent_language == "es"
    assert release.consent_text.startswith(SPANISH_CONSENT)
    assert release.consent_text == consent_text(employer_name="Harbour Hotels", language="es")


# Recorded by staff from paper ----------------------------------------------------------------


def _record_data(certificates, **overrides) -> dict:
    data = {
        "certificates": [c.pk for c in certificates],
        "disclosed_fields": ["dates"],
        "purpose": "A job application",
        "ends_on": default_end_date().isoformat(),
        "method": "paper",
        "signature": "Rosa P.",
        "staff_note": "Signed form in her file",
    }
    data.update(overrides)
    return data


def _record_url(participant, employer) -> str:
    return (
        f"{reverse('credential_releases:add')}?participant={participant.pk}&employer={employer.pk}"
    )


def test_consent_recorded_from_paper_keeps_the_text_in_her_language(
    signed_in, staff, rosa, certificate, employer_org
):
    admin = signed_in(staff)  # who uses the admin in English
    page = admin.get(_record_url(rosa, employer_org)).content.decode()
    assert SPANISH_CONSENT in page
    assert 'lang="es"' in page
    assert _paper_url(rosa, employer_org).replace("&", "&amp;") in page

    response = admin.post(_record_url(rosa, employer_org), _record_data([certificate]))

    assert response.status_code == 302, response.content.decode()[:2000]
    release = CredentialRelease.objects.get()
    assert release.method == ReleaseMethod.PAPER
    assert release.consent_language == "es"
    assert release.consent_text.startswith(SPANISH_CONSENT)


def test_staff_say_when_she_read_the_consent_text_in_another_language(
    signed_in, staff, rosa, certificate, employer_org
):
    admin = signed_in(staff)
    admin.post(
        _record_url(rosa, employer_org),
        _record_data([certificate], method="oral", signature="Oral", language="en"),
    )
    release = CredentialRelease.objects.get()
    assert release.consent_language == "en"
    assert release.consent_text.startswith(ENGLISH_CONSENT)


# The paper consent form ------------------------------------------------------------------------


def test_staff_print_a_paper_consent_form_in_her_language(
    signed_in, staff, rosa, certificate, employer_org
):
    admin = signed_in(staff)
    index = admin.get(reverse("credential_releases:index")).content.decode()
    assert reverse("credential_releases:paper_consent_form") in index
    assert "Print a paper consent form" in index

    response = admin.get(_paper_url(rosa, employer_org))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert SPANISH_CONSENT in page
    assert ENGLISH_CONSENT not in page
    # What she can tick: her certificates and what else can be shown, in Spanish.
    assert "Fundamentos de atención al cliente" in page
    assert "<h1>Compartir con Harbour Hotels</h1>" in page
    assert "¿Qué certificados?" in page
    assert "Lee esto antes de firmar, por favor" in page
    assert CONSENT_VERSION in page
    # The notes for staff, on screen only, in the admin's language, with the way to record it.
    assert "Print this page" in page
    assert reverse("credential_releases:add") in page
    assert "Rosa" in page

    english = admin.get(_paper_url(rosa, employer_org, language="en")).content.decode()
    assert '<html lang="en">' in english
    assert ENGLISH_CONSENT in english
    # A language the site does not offer falls back to hers.
    other = admin.get(_paper_url(rosa, employer_org, language="xx")).content.decode()
    assert SPANISH_CONSENT in other


def test_the_paper_form_starts_by_choosing_her_and_the_employer(
    signed_in, staff, rosa, employer_org
):
    admin = signed_in(staff)
    page = admin.get(reverse("credential_releases:paper_consent_form")).content.decode()
    assert 'method="get"' in page
    assert 'name="participant"' in page and 'name="employer"' in page
    assert SPANISH_CONSENT not in page and ENGLISH_CONSENT not in page
    # Someone who is not a participant cannot be chosen.
    response = admin.get(_paper_url(staff, employer_org))
    assert response.status_code == 200
    assert ENGLISH_CONSENT not in response.content.decode()


@pytest.mark.parametrize("role", ["participant", "mentor", "employer_user", "facilitator"])
def test_only_programme_staff_reach_the_paper_consent_form(
    client, request, rosa, certificate, employer_org, role
):
    client.force_login(request.getfixturevalue(role))
    response = client.get(_paper_url(rosa, employer_org))
    # Refused before anything is shown: sent away from the admin, or forbidden.
    assert response.status_code in (302, 403, 404)
    page = response.content.decode()
    assert SPANISH_CONSENT not in page and ENGLISH_CONSENT not in page
    assert "Fundamentos de atención al cliente" not in page
