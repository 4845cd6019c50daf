"""Certificate PDFs: one landscape page rendered by WeasyPrint from a Django template.

Rendering never reaches the network: the stylesheet is the static file
``certificates/pdf/certificate.css`` (a host site may override it), the QR code and the issuer's
logo (read through Django's storage API) are ``data:`` URIs, and the URL fetcher refuses anything
that is not a ``data:`` URI or a static file (never uploads). The PDF is PDF/A-3b with the
signed Open Badges credential attached as ``credential.json``, and its metadata names only the
printed title and the discreet issuer.

What is read from ``Certificate.printed_data`` (all optional): ``wording``, ``signatory_name``,
``signatory_title``, ``hours``, ``skills`` (strings, or objects with a ``name``),
``primary_colour``, ``accent_colour``, ``paper_size`` (``letter`` or ``a4``), ``language`` and
``issuer_logo_id`` (a Wagtail image id; without it, the template's current logo is used).
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext

import segno
from PIL import Image
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from pathways.certificates.issuance import codes
from pathways.certificates.issuance.models import CertificateTemplate, PaperSize

if TYPE_CHECKING:
    from pathways.certificates.issuance.models import Certificate

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "certificates/pdf/certificate.html"
STYLESHEET = "certificates/pdf/certificate.css"
PDF_VARIANT = "pdf/a-3b"
CREDENTIAL_ATTACHMENT_NAME = "credential.json"
# A logo larger than this is left out rather than slowing every render down.
MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_RENDITION = "max-600x240"
QR_PIXELS_PER_MODULE = 4
# The QR code's data mask, fixed. Any of the eight masks makes a valid code that every reader
# decodes (the mask in use is written in the code itself); letting segno score all eight in
# pure Python took over 3 ms, about a tenth of a render. Pattern 4 is the one segno picks most
# often for verification addresses, with the lowest average and worst penalty scores among them.
QR_MASK = 4

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LOGO_MIME_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


class ExternalResourceRefused(Exception):
    """A certificate tried to load something that is not a local file."""


class LocalOnlyURLFetcher(URLFetcher):
    """Serves ``data:`` URIs and files inside the static folders; refuses everything else.

    Uploaded files are refused too: the one upload a certificate shows, the issuer's logo, is read
    through the storage API (which may be remote object storage) and passed as a ``data:`` URI.

    A refusal stops the render (``fail_on_errors``): a certificate that would otherwise be
    printed without a resource, or after telling a third party about it, is not printed at all.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=True)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and urlsplit(url).netloc in ("", "localhost"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in local_roots()) and path.is_file():
                return URLFetcherResponse(path.as_uri(), path.read_bytes())
        raise ExternalResourceRefused(f"Certificates only load local files, not {url[:200]!r}")


def local_roots() -> list[Path]:
    """Folders a certificate may load files from: the static files, collected or in the apps."""
    roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []  # None by default
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    return [root.resolve() for root in roots]


def verification_url(certificate: Certificate) -> str:
    """The public address printed on the certificate and encoded in its QR code."""
    return codes.verification_url(certificate.verification_code)


def qr_code_data_uri(url: str) -> str:
    """The QR code as a small greyscale PNG ``data:`` URI, four pixels to a module.

    A bitmap rather than SVG because WeasyPrint draws it in a fraction of the time a path of the
    same code takes; greyscale because WeasyPrint embeds that without converting it. The
    stylesheet turns smoothing off (``image-rendering``), so every module prints crisp; it
    decodes from 72 dpi up. The page around it gives the quiet zone.
    """
    qr = segno.make(url, error="m", micro=False, mask=QR_MASK)
    size = len(qr.matrix)
    modules = bytes(0 if dark else 255 for row in qr.matrix for dark in row)
    image = Image.frombytes("L", (size, size), modules).resize(
        (size * QR_PIXELS_PER_MODULE,) * 2, Image.Resampling.NEAREST
    )
    png = io.BytesIO()
    image.save(png, format="PNG")
    return f"data:image/png;base64,{base64.b64encode(png.getvalue()).decode('ascii')}"


def _colour(value: Any, default: str) -> str:
    return value if isinstance(value, str) and _COLOUR.match(value) else default


def _hours_text(hours: Any) -> str:
    if hours in (None, "", 0):
        return ""
    try:
        number = Decimal(str(hours))
    except InvalidOperation:
        return ""
    if number <= 0:
        return ""
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    count = int(number.to_integral_value(rounding="ROUND_CEILING"))
    return ngettext("%(hours)s hour of learning", "%(hours)s hours of learning", count) % {
        "hours": formats.number_format(number, use_l10n=True)
    }


def _skills(skills: Any) -> list[str]:
    if not isinstance(skills, list | tuple):
        return []
    names = []
    for skill in skills:
        name = skill.get("name") if isinstance(skill, dict) else skill
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def _size_class(text: str, steps: tuple[int, ...]) -> str:
    """A smaller type size for longer text, so every certificate fits on one page."""
    for index, limit in enumerate(steps):
        if len(text) <= limit:
            return f"size-{index}"
    return f"size-{len(steps)}"


def _logo_data_uri(certificate: Certificate) -> str:
    """The issuer's logo read through the storage API, as a ``data:`` URI, or ``""``."""
    from wagtail.images import get_image_model

    data = certificate.printed_data or {}
    if "issuer_logo_id" in data:
        image_id = data["issuer_logo_id"]
        image = get_image_model().objects.filter(pk=image_id).first() if image_id else None
    else:
        image = certificate.template.issuer_logo
    if image is None:
        return ""
    try:
        file = image.file if image.is_svg() else image.get_rendition(LOGO_RENDITION).file
        mime_type = _LOGO_MIME_TYPES.get(Path(file.name).suffix.lower())
        if mime_type is None or file.size > MAX_LOGO_BYTES:
            return ""
        with file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        logger.warning("The logo of certificate %s could not be read; printed without it.", image)
        return ""
    return f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}"


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    """Everything the template prints. Call it with the certificate's language active."""
    data = certificate.printed_data or {}
    defaults = CertificateTemplate._meta
    url = verification_url(certificate)
    paper_size = data.get("paper_size")
    if paper_size not in (PaperSize.LETTER, PaperSize.A4):
        paper_size = certificate.template.printed_paper_size()
    expires_at = timezone.localtime(certificate.expires_at) if certificate.expires_at else None
    return {
        "certificate": certificate,
        "language": translation.get_language(),
        "title": certificate.printed_title,
        "title_size": _size_class(certificate.printed_title, (45, 90, 160)),
        "name": certificate.printed_name,
        "name_size": _size_class(certificate.printed_name, (28, 44, 70)),
        "wording": data.get("wording") or gettext("has successfully completed"),
        "wording_size": _size_class(data.get("wording") or "", (120, 300, 600)),
        "achievement": certificate.printed_achievement,
        "achievement_size": _size_class(certificate.printed_achievement, (60, 120, 200)),
        "issuer_name": certificate.printed_issuer_name,
        "issuer_size": _size_class(certificate.printed_issuer_name, (80,)),
        "logo_src": _logo_data_uri(certificate),
        "signatory_name": data.get("signatory_name") or "",
        "signatory_title": data.get("signatory_title") or "",
        "completed_on": formats.date_format(certificate.completed_on, "DATE_FORMAT"),
        "expires_on": formats.date_format(expires_at, "DATE_FORMAT") if expires_at else "",
        "hours": _hours_text(data.get("hours")),
        "skills": _skills(data.get("skills")),
        "primary_colour": _colour(
            data.get("primary_colour"), defaults.get_field("primary_colour").default
        ),
        "accent_colour": _colour(
            data.get("accent_colour"), defaults.get_field("accent_colour").default
        ),
        "paper_size": "A4" if paper_size == PaperSize.A4 else "letter",
        "code": codes.format_code(certificate.verification_code),
        "verification_url": url,
        "qr_src": qr_code_data_uri(url),
    }


# A certificate's own page size and colours, after the static stylesheet (same specificity, so
# these win). The custom properties stay for host stylesheets written with var().
CERTIFICATE_CSS = """
@page {{ size: {paper_size} landscape; border-color: {primary}; }}
:root {{ --primary: {primary}; --accent: {accent}; }}
.issuer-name, .verification small, .title, .achievement {{ color: {primary}; }}
body {{ border-color: {accent}; }}
.name {{ border-bottom-color: {accent}; }}
"""
# Certificates share a few templates, so a few combinations of size and colours cover them all.
MAX_CERTIFICATE_STYLESHEETS = 64


class _Typesetter(threading.local):
    """Fonts and parsed stylesheets, kept for the life of the thread.

    Finding and loading the Noto fonts is most of the cost of a render; WeasyPrint keeps them in
    its font configuration, so reusing one makes later renders several times faster. Parsing and
    compiling CSS is the next cost, so the static stylesheet, and each certificate's small one of
    page size and colours, are parsed once and reused. Per thread, because Pango's font maps are
    not thread-safe. A changed stylesheet is read after a restart.
    """

    font_config: FontConfiguration | None = None
    stylesheet: CSS | None = None
    own_stylesheets: dict | None = None
    url_fetcher: LocalOnlyURLFetcher | None = None

    def load(self) -> tuple[FontConfiguration, CSS]:
        if self.font_config is None or self.stylesheet is None:
            path = finders.find(STYLESHEET)
            if not path:
                raise FileNotFoundError(f"The certificate stylesheet {STYLESHEET} is missing.")
            font_config = FontConfiguration()
            self.stylesheet = CSS(
                filename=path, url_fetcher=LocalOnlyURLFetcher(), font_config=font_config
            )
            self.font_config = font_config
            self.own_stylesheets = {}
            self.url_fetcher = LocalOnlyURLFetcher()  # it builds a urllib opener: reuse it
        return self.font_config, self.stylesheet

    def own_stylesheet(self, *, paper_size: str, primary: str, accent: str) -> CSS:
        """The stylesheet of one size and pair of colours (checked values: ``#rrggbb``)."""
        font_config, _stylesheet = self.load()
        key = (paper_size, primary, accent)
        stylesheet = self.own_stylesheets.get(key)
        if stylesheet is None:
            if len(self.own_stylesheets) >= MAX_CERTIFICATE_STYLESHEETS:
                self.own_stylesheets.clear()
            stylesheet = self.own_stylesheets[key] = CSS(
                string=CERTIFICATE_CSS.format(
                    paper_size=paper_size, primary=primary, accent=accent
                ),
                url_fetcher=self.url_fetcher,
                font_config=font_config,
            )
        return stylesheet


_typesetter = _Typesetter()


def certificate_language(certificate: Certificate) -> str:
    """The language the certificate was issued in: its template's at the time."""
    return (certificate.printed_data or {}).get("language") or certificate.template.language


def certificate_html(certificate: Certificate, context: dict[str, Any] | None = None) -> str:
    """The certificate as HTML, in the language it was issued in. Its page size and colours are
    in ``certificate_stylesheets``."""
    with translation.override(certificate_language(certificate)):
        return render_to_string(TEMPLATE_NAME, context or certificate_context(certificate))


def certificate_stylesheets(context: dict[str, Any]) -> list[CSS]:
    """The static stylesheet, then the certificate's own (page size and colours), both parsed
    once per thread."""
    _font_config, stylesheet = _typesetter.load()
    own = _typesetter.own_stylesheet(
        paper_size=context["paper_size"],
        primary=context["primary_colour"],
        accent=context["accent_colour"],
    )
    return [stylesheet, own]


def _attachment_description(certificate: Certificate) -> str:
    with translation.override(certificate_language(certificate)):
        return gettext("Signed Open Badges credential")


class _SerialisedOnce:
    """Mixed into a PDF object as the file is finished: its bytes are worked out once.

    pydyf writes every object of the file, then, for the file identifier PDF/A requires, works
    all of their bytes out again (every stream compressed again) to hash them: a tenth of
    writing the file. The objects do not change between the two, so the second time reads what
    the first made; the file is the same, byte for byte.
    """

    @property
    def data(self) -> bytes:
        data = self.__dict__.get("_serialised")
        if data is None:
            data = self.__dict__["_serialised"] = super().data
        return data


_serialised_once_classes: dict[type, type] = {}


def _serialise_once(document, pdf) -> None:
    """WeasyPrint's ``finisher``: called with the finished ``pydyf.PDF`` just before it is
    written."""
    for pdf_object in pdf.objects:
        if pdf_object.free == "f" or isinstance(pdf_object, _SerialisedOnce):
            continue
        kind = type(pdf_object)
        once = _serialised_once_classes.get(kind)
        if once is None:
            once = _serialised_once_classes[kind] = type(kind.__name__, (_SerialisedOnce, kind), {})
        pdf_object.__class__ = once


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """Render the certificate to PDF/A-3b bytes, with its signed credential attached if any."""
    font_config, _stylesheet = _typesetter.load()
    fetcher = _typesetter.url_fetcher
    attachments = []
    if certificate.credential is not None:
        attachments.append(
            Attachment(
                string=json.dumps(certificate.credential, ensure_ascii=False, indent=2),
                base_url=None,
                url_fetcher=fetcher,
                name=CREDENTIAL_ATTACHMENT_NAME,
                description=_attachment_description(certificate),
                created=certificate.issued_at,
                modified=certificate.issued_at,
                relationship="Data",
            )
        )
    with translation.override(certificate_language(certificate)):
        context = certificate_context(certificate)
    html = HTML(string=certificate_html(certificate, context), base_url=None, url_fetcher=fetcher)
    return html.write_pdf(
        stylesheets=certificate_stylesheets(context),
        font_config=font_config,
        pdf_variant=PDF_VARIANT,
        attachments=attachments,
        finisher=_serialise_once,
    )
