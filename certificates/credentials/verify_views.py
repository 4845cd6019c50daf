"""The public verification pages: look a certificate up by its code, or check a credential file.

A verifier learns whether that certificate is genuine and current, and what it says, nothing
more: status, name as printed, title, achievement, the wording, hours and skills printed on it,
dates and issuer. A revoked certificate shows no expiry date: it is no longer valid at all. An
unknown code and a malformed one get the very same page and status code (404). A replaced
(superseded) certificate says only that it was replaced: it is no longer valid, and what it
printed (a name she may have stopped using) is not shown. Lookups are rate limited per client
(:mod:`certificates.ratelimit`).

These pages carry no "Exit this page" or "Staying safe online" (``show_safety_controls``): shown
to whoever holds the certificate, they would hint at its holder's history.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render as django_render
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from pathways.certificates.credentials.forms import MAX_CREDENTIAL_BYTES, CodeForm, CredentialForm
from pathways.certificates.credentials.openbadges import verify_json
from pathways.certificates.credentials.ratelimit import RateDecision, check_rate
from pathways.certificates.issuance import rendering, selectors
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import CertificateStatus
from pathways.lms.security.middleware import SameOriginCsrfViewMiddleware

# A pasted or uploaded credential, plus room for the form's other fields and multipart framing.
MAX_REQUEST_BYTES = MAX_CREDENTIAL_BYTES + 16 * 1024


def render(request: HttpRequest, template_name: str, context: dict, status: int = 200):
    """A public verification page: without the safety controls, which are for participants."""
    return django_render(
        request, template_name, {**context, "show_safety_controls": False}, status=status
    )


def _rate_limited(request: HttpRequest, decision: RateDecision) -> HttpResponse:
    response = render(
        request,
        "credentials/verify_rate_limited.html",
        {"page_title": _("Please wait a moment")},
        status=429,
    )
    response["Retry-After"] = str(max(decision.retry_after, 1))
    return response


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _index_page(
    request: HttpRequest,
    *,
    code_form: CodeForm | None = None,
    credential_form: CredentialForm | None = None,
    check=None,
    credential_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "credentials/verify.html",
        {
            "page_title": _("Check a certificate"),
            "code_form": code_form or CodeForm(),
            "credential_form": credential_form or CredentialForm(),
            "check": check,
            "credential_errors": credential_errors or [],
        },
        status=status,
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """The form to type a code, and the form to paste or upload a credential."""
    # Refuse an oversized body before anything (the CSRF check included) reads it.
    if request.method == "POST" and _content_length(request) > MAX_REQUEST_BYTES:
        return _index_page(
            request, credential_errors=[CredentialForm.too_large_message()], status=413
        )
    return _index(request)


# The site's own CSRF check (same-origin by Sec-Fetch-Site, for Referrer-Policy: no-referrer),
# not Django's stock one, which refuses the "Origin: null" such pages send.
@decorator_from_middleware(SameOriginCsrfViewMiddleware)
def _index(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _index_page(request)
    if request.POST.get("form") == "credential":
        decision = check_rate(request)
        if not decision.allowed:
            return _rate_limited(request, decision)
        credential_form = CredentialForm(request.POST, request.FILES)
        if not credential_form.is_valid():
            return _index_page(request, credential_form=credential_form)
        check = verify_json(credential_form.cleaned_data["data"])
        return _index_page(request, check=check)
    code_form = CodeForm(request.POST)
    if code_form.is_valid():
        return redirect("verify:code", code=code_form.cleaned_data["code"])
    return _index_page(request, code_form=code_form)


@never_cache
@require_safe
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code's target: what the certificate says, and whether it is still valid."""
    decision = check_rate(request)
    if not decision.allowed:
        return _rate_limited(request, decision)
    found = selectors.verifiable_certificate(code)
    if found is None:
        # The same page, status and headers for an unknown code and a malformed one; the code
        # is not echoed, so the two cannot be told apart.
        return render(
            request,
            "credentials/verify_not_found.html",
            {"page_title": _("Certificate not found")},
            status=404,
        )
    status = found.status
    if status == CertificateStatus.REPLACED:
        return render(
            request,
            "credentials/verify_certificate.html",
            {
                "page_title": _("Certificate check"),
                "result": {
                    "status": status,
                    "status_label": CertificateStatus(status).label,
                    "code": format_code(found.verification_code),
                },
            },
        )
    printed = found.printed_data or {}
    return render(
        request,
        "credentials/verify_certificate.html",
        {
            "page_title": _("Certificate check"),
            "result": {
                "status": status,
                "status_label": CertificateStatus(status).label,
                "name": found.printed_name,
                "title": found.printed_title,
                "achievement": found.printed_achievement,
                "issuer": found.printed_issuer_name,
                # What the certificate itself says was done, in its own words and language.
                "wording": printed.get("wording") or "",
                # Read as the PDF reads them, so the page says what the paper says.
                "hours": rendering._hours_text(printed.get("hours")),
                "skills": rendering._skills(printed.get("skills")),
                "completed_on": found.completed_on,
                "issued_at": found.issued_at,
                # A revoked certificate is not valid until any date: no expiry is shown.
                "expires_at": found.expires_at if status != CertificateStatus.REVOKED else None,
                "code": format_code(found.verification_code),
            },
        },
    )
