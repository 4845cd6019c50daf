"""Certificate PDFs: every script prints as text, the QR code leads to the verification page, the
file is PDF/A-3 with the signed credential attached, its metadata is neutral, nothing is fetched
from the network, and the task renders and stores each certificate once.

Reads the PDFs back with poppler-utils (pdftotext, pdfinfo, pdffonts, pdfdetach, pdfimages,
pdftoppm) and zbar-tools (zbarimg), which ``make test`` installs.
"""

import datetime
import json
import shutil
import socket
import subprocess  # noqa: S404
import threading
import time
import unicodedata
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.urls import reverse

import pytest
import time_machine
from django_tasks import TaskResultStatus
from wagtail_factories import ImageFactory
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from pathways.certificates.issuance import tasks
from pathways.certificates.issuance.codes import format_code, new_verification_code
from pathways.certificates.issuance.models import Certificate, CertificateTemplate
from pathways.certificates.issuance.rendering import (
    ExternalResourceRefused,
    LocalOnlyURLFetcher,
    _serialise_once,
    certificate_context,
    certificate_html,
    certificate_stylesheets,
    render_certificate_pdf,
    verification_url,
)
from pathways.certificates.issuance.tasks import ensure_certificate_pdf, render_certificate_pdf_task
from tests.factories.accounts import ParticipantFactory
from tests.factories.courses import build_course

NAMES = {
    "latin-diacritics": "Zoë Ñúñez-Łukasiewicz",
    "vietnamese": "Nguyễn Thị Thu Hương",
    "amharic": "ሰላማዊት ተስፋዬ",
    "chinese": "王秀英",
}
ISSUER = "Northside Skills Collective"
TITLE = "Certificate of Completion"
CREDENTIAL = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"type": ["Profile"], "name": ISSUER},
    "credentialSubject": {"type": ["AchievementSubject"], "name": "Nguyễn Thị Thu Hương"},
    "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z3x"},
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        package = "zbar-tools" if name == "zbarimg" else "poppler-utils"
        pytest.skip(f"{name} is not installed (Debian package {package}; make test installs it)")
    return path


def _run(*args: str, input: bytes | None = None) -> str:
    result = subprocess.run(  # noqa: S603
        [_tool(args[0]), *args[1:]], input=input, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


def _pdf_file(tmp_path: Path, pdf: bytes) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return str(path)


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything in Python opens a network connection while rendering."""

    def refuse(*args, **kwargs):
        raise AssertionError("a certificate render tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def certificate_template(db):
    return CertificateTemplate.objects.create(
        name="Course completion",
        title=TITLE,
        issuer_name=ISSUER,
        signatory_name="Dana Ortiz",
        signatory_title="Programme Lead",
    )


@pytest.fixture
def pdf_course(db):
    return build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)


@pytest.fixture
def make_certificate(certificate_template, pdf_course):
    """Build a certificate row as issuance would leave it, with what it printed."""

    def make(*, printed_name: str = NAMES["latin-diacritics"], **fields) -> Certificate:
        printed_data = {
            "wording": "has successfully completed",
            "signatory_name": "Dana Ortiz",
            "signatory_title": "Programme Lead",
            "hours": 6,
            "skills": ["Communication", "Teamwork"],
            "primary_colour": "#1d4f7a",
            "accent_colour": "#b08d2b",
            "paper_size": "letter",
            "language": "en",
            **fields.pop("printed_data", {}),
        }
        values = {
            "user": ParticipantFactory(),
            "course": pdf_course,
            "achievement_key": f"course:{pdf_course.pk}",
            "template": certificate_template,
            "verification_code": new_verification_code(),
            "printed_name": printed_name,
            "printed_title": TITLE,
            "printed_achievement": "Workplace Readiness",
            "printed_issuer_name": ISSUER,
            "printed_data": printed_data,
            "completed_on": datetime.date(2026, 3, 14),
            "credential": CREDENTIAL,
            **fields,
        }
        certificate = Certificate.objects.create(**values)
        certificate.status_list_index = certificate.pk
        certificate.save(update_fields=["status_list_index"])
        return certificate

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("script", NAMES)
def test_pdf_text_contains_the_printed_name_in_every_script(script, make_certificate, no_network):
    certificate = make_certificate(printed_name=NAMES[script])

    text = _run(
        "pdftotext", "-layout", "-enc", "UTF-8", "-", "-", input=render_certificate_pdf(certificate)
    )

    assert unicodedata.normalize("NFC", NAMES[script]) in unicodedata.normalize("NFC", text)
    assert "This certifies that" in text
    assert "Workplace Readiness" in text
    assert format_code(certificate.verification_code) in text


@pytest.mark.django_db
def test_qr_code_decodes_to_exactly_the_verification_url(make_certificate, tmp_path, no_network):
    certificate = make_certificate()
    pdf_path = _pdf_file(tmp_path, render_certificate_pdf(certificate))
    _run("pdftoppm", "-r", "200", "-png", "-singlefile", pdf_path, str(tmp_path / "page"))
    decoded = _run("zbarimg", "--raw", "-q", str(tmp_path / "page.png")).strip()

    url = verification_url(certificate)
    assert decoded == url
    assert url.startswith(settings.PATHWAYS_BASE_URL + "/")
    assert url.endswith(f"/{certificate.verification_code}/")


@pytest.mark.django_db
def test_pdf_is_pdf_a3_with_the_signed_credential_attached(make_certificate, tmp_path):
    certificate = make_certificate(printed_name=NAMES["vietnamese"])
    pdf = render_certificate_pdf(certificate)
    pdf_path = _pdf_file(tmp_path, pdf)

    xmp = _run("pdfinfo", "-meta", pdf_path)
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    assert b"/Interpolate true" not in pdf  # PDF/A forbids smoothed images
    assert "1: credential.json" in _run("pdfdetach", "-list", pdf_path)
    _run("pdfdetach", "-save", "1", "-o", str(tmp_path / "attached.json"), pdf_path)
    assert json.loads((tmp_path / "attached.json").read_text("utf-8")) == certificate.credential


@pytest.mark.django_db
def test_certificate_without_a_credential_has_no_attachment(make_certificate, tmp_path):
    certificate = make_certificate(credential=None)
    pdf_path = _pdf_file(tmp_path, render_certificate_pdf(certificate))

    assert _run("pdfdetach", "-list", pdf_path).startswith("0 embedded files")


@pytest.mark.django_db
def test_pdf_metadata_names_only_the_title_and_the_discreet_issuer(make_certificate, tmp_path):
    certificate = make_certificate()
    pdf_path = _pdf_file(tmp_path, render_certificate_pdf(certificate))

    info = _run("pdfinfo", pdf_path)
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Title"].strip() == TITLE
    assert fields["Author"].strip() == ISSUER
    assert not {"Creator", "Subject", "Keywords"} & set(fields)
    everything = info + _run("pdfinfo", "-meta", pdf_path) + _run("pdftotext", pdf_path, "-")
    assert settings.PATHWAYS_BRAND_NAME.lower() not in everything.lower()
    assert "survivor" not in everything.lower()


@pytest.mark.django_db
def test_every_font_is_embedded(make_certificate, tmp_path):
    certificate = make_certificate(printed_name=f"{NAMES['amharic']} {NAMES['chinese']}")
    pdf_path = _pdf_file(tmp_path, render_certificate_pdf(certificate))

    rows = _run("pdffonts", pdf_path).splitlines()[2:]
    assert rows
    # Columns: name, type (may contain spaces), encoding, emb, sub, uni, object id, generation.
    assert all(row.split()[-5] == "yes" for row in rows), rows
    families = " ".join(rows)
    assert "Noto-Serif-Ethiopic" in families
    assert "CJK" in families


@pytest.mark.django_db
def test_printed_words_and_dates_follow_the_certificate_language(make_certificate):
    spanish = make_certificate(printed_data={"language": "es"})
    english = make_certificate()

    assert 'lang="es"' in certificate_html(spanish)
    assert "14 de marzo de 2026" in certificate_html(spanish)
    # The standalone site's English is British (demo_site/formats): no US date.
    assert "14 March 2026" in certificate_html(english)
    assert "March 14, 2026" not in certificate_html(english)


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


@pytest.mark.django_db
def test_the_certificates_own_colours_and_paper_size_are_printed(make_certificate):
    """Page size and colours come from a small stylesheet parsed once per combination; they
    reach the page border, the title and the line under the name."""
    certificate = make_certificate(
        printed_data={"primary_colour": "#123456", "accent_colour": "#abcdef", "paper_size": "a4"}
    )
    context = certificate_context(certificate)
    document = HTML(string=certificate_html(certificate, context)).render(
        stylesheets=certificate_stylesheets(context)
    )
    (page,) = document.pages
    assert (round(page.width), round(page.height)) == (1123, 794)  # A4, landscape

    def rgb(colour) -> str:
        return "#" + "".join(f"{round(channel * 255):02x}" for channel in colour.to("srgb")[:3])

    assert rgb(page._page_box.style["border_top_color"]) == "#123456"
    boxes = {}  # the first (outermost) box of each element with a class
    for box in _boxes(page._page_box):
        if getattr(box, "element", None) is not None and box.element.get("class"):
            boxes.setdefault(box.element.get("class").split()[0], box)
    assert rgb(boxes["title"].style["color"]) == "#123456"
    assert rgb(boxes["name"].style["border_bottom_color"]) == "#abcdef"
    # Another certificate of the same template reuses the parsed stylesheet.
    assert (
        certificate_stylesheets(context)[1]
        is certificate_stylesheets(
            certificate_context(make_certificate(printed_data=certificate.printed_data))
        )[1]
    )


@pytest.mark.django_db
def test_working_out_each_pdf_objects_bytes_once_changes_no_byte(make_certificate):
    """The finisher that spares pydyf serialising the file twice (once to write it, once to
    hash it for the PDF/A identifier) leaves the file exactly as it was."""
    certificate = make_certificate()
    context = certificate_context(certificate)
    document = HTML(string=certificate_html(certificate, context)).render(
        stylesheets=certificate_stylesheets(context)
    )
    with time_machine.travel(datetime.datetime(2026, 3, 14, 12, tzinfo=datetime.UTC), tick=False):
        plain = document.write_pdf(pdf_variant="pdf/a-3b")
        once = document.write_pdf(pdf_variant="pdf/a-3b", finisher=_serialise_once)
    assert once == plain


@pytest.mark.django_db
def test_longest_allowed_texts_still_fit_on_one_page(make_certificate, tmp_path):
    certificate = make_certificate(
        printed_name="Ñ" * 200,
        printed_title="Certificate " * 25,
        printed_achievement="Achievement " * 25,
        printed_issuer_name="Issuer " * 28,
        printed_data={
            "wording": "has completed " * 70,
            "skills": [f"Skill {number}" for number in range(40)],
            "paper_size": "a4",
        },
    )
    info = _run("pdfinfo", _pdf_file(tmp_path, render_certificate_pdf(certificate)))

    assert "Pages:           1" in info
    assert "(A4)" in info


@pytest.mark.django_db
def test_issuer_logo_is_read_from_media_storage(make_certificate, certificate_template, tmp_path):
    certificate_template.issuer_logo = ImageFactory()
    certificate_template.save(update_fields=["issuer_logo"])
    with_logo = make_certificate()
    without_logo = make_certificate(printed_data={"issuer_logo_id": None})

    def images(certificate):
        pdf_path = _pdf_file(tmp_path, render_certificate_pdf(certificate))
        return _run("pdfimages", "-list", pdf_path).splitlines()[2:]

    # The QR code is an image too; the logo (the factory's 100 x 100 JPEG) is the other one.
    assert len(images(with_logo)) == len(images(without_logo)) + 1 == 2
    assert any(" 100   100 " in row and "jpeg" in row for row in images(with_logo))


# --- only local files are fetched --------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://example.org/fonts.css",
        "ftp://example.org/logo.png",
        "file:///etc/passwd",
        "file://example.org/static/pathways/site.css",
        "//example.org/logo.png",
    ],
)
def test_url_fetcher_refuses_anything_but_local_files(url, no_network):
    with pytest.raises(ExternalResourceRefused):
        LocalOnlyURLFetcher().fetch(url)


def test_url_fetcher_refuses_uploaded_files(no_network):
    upload = Path(settings.MEDIA_ROOT) / "original_images" / "someone-else.png"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"not for certificates")

    with pytest.raises(ExternalResourceRefused):
        LocalOnlyURLFetcher().fetch(upload.as_uri())


def test_url_fetcher_refuses_escaping_the_static_folder(no_network):
    stylesheet = Path(finders.find("pathways/site.css"))

    with pytest.raises(ExternalResourceRefused):
        LocalOnlyURLFetcher().fetch(f"{stylesheet.parent.as_uri()}/../../../../../../etc/passwd")


def test_url_fetcher_serves_data_uris_and_static_files(no_network):
    fetcher = LocalOnlyURLFetcher()
    stylesheet = Path(finders.find("pathways/site.css"))

    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.fetch(stylesheet.as_uri()).read() == stylesheet.read_bytes()


def test_a_page_pointing_at_the_network_is_not_rendered(no_network):
    html = HTML(
        string='<p>Hi</p><img src="http://example.org/logo.png">',
        base_url=None,
        url_fetcher=LocalOnlyURLFetcher(),
    )

    with pytest.raises(FatalURLFetchingError) as raised:
        html.write_pdf()
    assert isinstance(raised.value.__cause__, ExternalResourceRefused)


# --- the background task -----------------------------------------------------------------------


@pytest.mark.django_db
def test_task_stores_the_pdf_once_under_an_unguessable_name(make_certificate):
    certificate = make_certificate()
    with mock.patch.object(tasks, "render_certificate_pdf", wraps=render_certificate_pdf) as render:
        first = render_certificate_pdf_task.enqueue(certificate.pk)
        second = render_certificate_pdf_task.enqueue(certificate.pk)

    assert first.status == TaskResultStatus.SUCCESSFUL, first.errors
    assert second.status == TaskResultStatus.SUCCESSFUL, second.errors
    assert render.call_count == 1
    certificate.refresh_from_db()
    assert certificate.pdf_rendered_at is not None
    name = Path(certificate.pdf.name)
    assert name.parent == Path("certificates")
    assert name.suffix == ".pdf"
    assert len(name.stem) >= 24
    for word in (*certificate.printed_name.lower().split(), certificate.user.username):
        assert word.lower() not in name.stem.lower()


@pytest.mark.django_db
def test_a_later_download_serves_the_stored_file_without_rendering(make_certificate, client):
    certificate = make_certificate()
    rendered: list[bytes] = []

    def render(certificate):
        rendered.append(render_certificate_pdf(certificate))
        return rendered[-1]

    client.force_login(certificate.user)
    url = reverse("certificates:pdf", args=[certificate.pk])
    with mock.patch.object(tasks, "render_certificate_pdf", side_effect=render):
        ensure_certificate_pdf(certificate)
        certificate.refresh_from_db()
        ensure_certificate_pdf(certificate)
        downloads = [client.get(url) for _ in range(2)]

    assert len(rendered) == 1
    for response in downloads:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == rendered[0]
    assert certificate.pdf.read() == rendered[0]


@pytest.mark.django_db
def test_a_failed_render_leaves_no_file_and_no_timestamp(make_certificate):
    certificate = make_certificate()

    with mock.patch.object(tasks, "render_certificate_pdf", side_effect=ValueError("broken")):
        result = render_certificate_pdf_task.enqueue(certificate.pk)

    assert result.status == TaskResultStatus.FAILED
    certificate.refresh_from_db()
    assert not certificate.pdf
    assert certificate.pdf_rendered_at is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_render_a_certificate_once(make_certificate):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the guarantee under test is its row lock, and SQLite's test "
            "database cannot be shared between threads (set DATABASE_URL to a PostgreSQL server)"
        )
    certificate = make_certificate()
    runs = 4
    barrier = threading.Barrier(runs)
    errors: list[BaseException] = []
    calls: list[int] = []

    def slow_render(certificate):
        calls.append(certificate.pk)
        time.sleep(0.3)  # widen the window in which a second run could start rendering
        return b"%PDF-1.7 stand-in"

    def run():
        try:
            barrier.wait(timeout=30)
            render_certificate_pdf_task.call(certificate.pk)
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(tasks, "render_certificate_pdf", side_effect=slow_render):
        threads = [threading.Thread(target=run) for _ in range(runs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert not errors, errors
    assert calls == [certificate.pk]
    certificate.refresh_from_db()
    assert certificate.pdf.read() == b"%PDF-1.7 stand-in"
