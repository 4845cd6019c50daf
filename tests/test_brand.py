"""The neutral brand comes from one setting, PATHWAYS_BRAND_NAME, and nothing else is named.

Page titles outside the signed-in pages, e-mail senders and subjects follow the setting; a
certificate PDF's metadata names only its title and its discreet issuer (the software that made
it aside). Each test changes the brand and checks that the old one is gone.
"""

import json
import os
import re
import shutil
import subprocess  # noqa: S404
import sys
from email.header import decode_header, make_header
from pathlib import Path

from django.core import mail
from django.test import RequestFactory, override_settings
from django.views.defaults import server_error

import pytest

from pathways.certificates.issuance.rendering import render_certificate_pdf
from pathways.lms.core import branding
from tests.factories.certificates import CertificateFactory, CertificateTemplateFactory

BRAND = "Harbourside Learning"
ADDRESS = "hello@harbourside.example"
# What the site is called without the setting, and words that would say who it serves.
NEVER = ["Pathways", "survivor", "exploitation", "trafficking"]
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "the page has no title"
    return " ".join(match.group(1).split())


def assert_only_the_brand(text: str) -> None:
    for word in NEVER:
        assert word.lower() not in text.lower(), f"{word!r} appears in {text!r}"


@pytest.fixture
def brand():
    with override_settings(PATHWAYS_BRAND_NAME=BRAND, PATHWAYS_EMAIL_ADDRESS=ADDRESS):
        yield BRAND


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/accounts/sign-in/", 200, f"Sign in – {BRAND}"),
        ("/verify/", 200, f"Check a certificate – {BRAND}"),
        ("/verify/ABCDEFGHJKMNPQRST/", 404, f"Certificate not found – {BRAND}"),
        ("/safety/", 200, f"Staying safe online – {BRAND}"),
        ("/no-such-page/", 404, f"Page not found – {BRAND}"),
    ],
)
def test_public_page_titles_name_only_the_brand(client, brand, path, status, title):
    response = client.get(path)

    assert response.status_code == status
    assert title_of(response.content.decode()) == title


def test_the_front_door_leads_to_a_page_titled_with_the_brand(client, brand):
    response = client.get("/", follow=True)

    assert title_of(response.content.decode()) == f"Sign in – {brand}"


def test_verified_certificate_page_is_titled_with_the_brand_not_the_issuer(client, brand):
    certificate = CertificateFactory()

    response = client.get(f"/verify/{certificate.verification_code}/")

    assert response.status_code == 200
    assert title_of(response.content.decode()).endswith(f" – {brand}")
    assert certificate.printed_issuer_name not in title_of(response.content.decode())


def test_server_error_page_is_titled_with_the_brand(brand):
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert title_of(response.content.decode()) == f"Something went wrong – {brand}"


def test_signed_in_pages_name_the_brand_too(client, participant, brand):
    client.force_login(participant)

    response = client.get("/learn/")

    html = response.content.decode()
    assert title_of(html).endswith(f" – {brand}")
    assert_only_the_brand(html.replace("pathways/", ""))  # the static files' folder aside


def test_emails_come_from_the_brand_with_the_brand_in_the_subject(brand):
    with override_settings(ADMINS=[("Staff", "staff@harbourside.example")]):
        mail.send_mail(branding.email_subject("Your new password"), "Hello", None, ["p@x.org"])
        mail.mail_admins("A page failed", "Details")
        # Settings that follow the brand are read when a message is made: check it here.
        sent = [(message.message()["From"], message.subject) for message in mail.outbox]
        senders = {str(message.from_email) for message in mail.outbox}

    assert senders == {f"{brand} <{ADDRESS}>"}
    assert [subject for _from, subject in sent] == [
        f"[{brand}] Your new password",
        f"[{brand}] A page failed",
    ]
    for header, subject in sent:
        assert_only_the_brand(f"{header} {subject}")


def test_a_brand_with_accents_and_punctuation_makes_a_valid_sender():
    brand = "Aprende, Crece & Más"
    with override_settings(PATHWAYS_BRAND_NAME=brand, PATHWAYS_EMAIL_ADDRESS=ADDRESS):
        mail.send_mail("Hola", "Hola", None, ["p@x.org"])
        header = mail.outbox[0].message()["From"]
        sender = str(mail.outbox[0].from_email)

    assert sender == f'"{brand}" <{ADDRESS}>'
    assert str(make_header(decode_header(header))) == f"{brand} <{ADDRESS}>"


def test_every_email_setting_follows_the_brand_from_the_environment():
    """One environment variable names the brand everywhere, Wagtail's admin included."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({name: str(getattr(s, name)) for name in ["
        "'PATHWAYS_BRAND_NAME', 'WAGTAIL_SITE_NAME', 'DEFAULT_FROM_EMAIL', 'SERVER_EMAIL', "
        "'WAGTAILADMIN_NOTIFICATION_FROM_EMAIL', 'EMAIL_SUBJECT_PREFIX']}))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "demo_site.settings.test",
        "PATHWAYS_BRAND_NAME": BRAND,
        "PATHWAYS_EMAIL_ADDRESS": ADDRESS,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )

    assert json.loads(result.stdout) == {
        "PATHWAYS_BRAND_NAME": BRAND,
        "WAGTAIL_SITE_NAME": BRAND,
        "DEFAULT_FROM_EMAIL": f"{BRAND} <{ADDRESS}>",
        "SERVER_EMAIL": f"{BRAND} <{ADDRESS}>",
        "WAGTAILADMIN_NOTIFICATION_FROM_EMAIL": f"{BRAND} <{ADDRESS}>",
        "EMAIL_SUBJECT_PREFIX": f"[{BRAND}] ",
    }


def _pdfinfo(*args: str) -> str:
    tool = shutil.which("pdfinfo")
    if tool is None:
        pytest.skip(
            "pdfinfo is not installed (Debian package poppler-utils; make test installs it)"
        )
    result = subprocess.run(  # noqa: S603
        [tool, *args], capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


def test_certificate_pdf_metadata_names_only_its_title_and_issuer(brand, tmp_path):
    """A certificate names its discreet issuer, here the brand itself; the PDF's metadata says
    nothing else, whatever the site's brand is (the software that made it aside)."""
    template = CertificateTemplateFactory(title="Certificate of Completion", issuer_name=brand)
    certificate = CertificateFactory(template=template)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate_pdf(certificate))

    info = _pdfinfo(str(path))
    fields = {
        key.strip(): value.strip()
        for key, value in (line.split(":", 1) for line in info.splitlines() if ":" in line)
    }
    assert fields["Title"] == "Certificate of Completion"
    assert fields["Author"] == brand
    assert re.fullmatch(r"WeasyPrint [\d.]+", fields["Producer"])
    assert not {"Creator", "Subject", "Keywords"} & set(fields)
    xmp = _pdfinfo("-meta", str(path))
    named = set(re.findall(r"<rdf:li[^>]*>([^<]*)</rdf:li>", xmp))
    assert named == {"Certificate of Completion", brand}
    assert_only_the_brand(info + xmp)


def test_certificate_pdf_never_names_the_site_brand_when_its_issuer_differs(tmp_path):
    template = CertificateTemplateFactory(issuer_name="Northstar Skills Institute")
    certificate = CertificateFactory(template=template)
    path = tmp_path / "certificate.pdf"
    with override_settings(PATHWAYS_BRAND_NAME=BRAND):
        path.write_bytes(render_certificate_pdf(certificate))

    everything = _pdfinfo(str(path)) + _pdfinfo("-meta", str(path))
    assert "Northstar Skills Institute" in everything
    assert BRAND not in everything
