"""The partner employer's web pages: the credentials participants share with its organisation.

Only an employer web user who belongs to a partner organisation reaches them; for anyone else,
whatever their role, the pages do not exist (404), and someone signed out is sent to sign in.
An account in the employer role that no organisation lists yet lands on the portal all the same:
its two list pages tell her, plainly, that her account is not linked yet (and show nothing else).
What is shown comes from ``release_selectors`` alone, so a credential no longer shared answers
404 from the very next request. Every credential shown or downloaded writes one access record
(channel "web", "pdf" or "badge") for the participant's log, one query per page.

The pages carry no "Exit this page" or "Staying safe online": on an employer's screen they
would hint at the history of the people whose certificates are shown
(``show_safety_controls``, see :mod:`pathways.lms.safety.templatetags.pathways_safety`).
"""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render as django_render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.employers.selectors import employer_for_user, is_unlinked_employer
from pathways.certificates.issuance import tasks
from pathways.certificates.issuance.codes import format_code, normalize_code
from pathways.certificates.sharing.models import AccessChannel, ReleasedCertificate
from pathways.certificates.sharing.portal_filters import PortalCredentialFilter
from pathways.certificates.sharing.selectors import (
    employer_active_releases,
    last_day,
    shared_credential,
    shared_credentials,
    shared_document,
    shared_view,
)
from pathways.certificates.sharing.services import RELEASE_SUMMARY_SHOWN, access_record
from pathways.lms.accounts.sign_in import login_required
from pathways.lms.core.files import stored_file_response

PAGE_SIZE = 20


def render(request, template_name: str, context: dict, status: int = 200):
    """An employer page: without the safety controls, which are for participants' pages."""
    return django_render(
        request, template_name, {**context, "show_safety_controls": False}, status=status
    )


def _employer(request) -> EmployerOrganisation:
    employer = employer_for_user(request.user)
    if employer is None:
        raise Http404
    return employer


def _not_linked(request):
    """The portal of an employer account no partner organisation lists yet: what to do, instead
    of a page that does not exist."""
    return render(
        request,
        "sharing/employer/not_linked.html",
        {"page_title": _("Your account is not linked to an organisation yet")},
    )


def _shared(request, code: str, *, document: bool = False) -> ReleasedCertificate:
    employer = _employer(request)
    normalized = normalize_code(code)
    if normalized is None:
        raise Http404
    find = shared_document if document else shared_credential
    return find(employer=employer, code=normalized)


def _record(request, shared, channel: str, *, shown: list[str] | None = None) -> None:
    access_record(shared=shared, channel=channel, employer_user=request.user, shown=shown)


def _entry(view) -> dict:
    return {"view": view, "code": format_code(view.code), "last_day": last_day(view.shared_until)}


def _file_stem(shared: ReleasedCertificate) -> str:
    return f"certificate-{format_code(shared.certificate.verification_code)}"


@login_required
@require_safe
def credential_list(request):
    if is_unlinked_employer(request.user):
        return _not_linked(request)
    employer = _employer(request)
    filterset = PortalCredentialFilter(request.GET, queryset=shared_credentials(employer=employer))
    context = {
        "page_title": _("Shared credentials"),
        "employer": employer,
        "filter_form": filterset.form,
        "filtered": any(request.GET.get(name) for name in filterset.filters if name != "ordering"),
    }
    if not filterset.is_valid():
        # Show what to change, and nothing else: no list, so nothing is disclosed.
        return render(request, "sharing/employer/credential_list.html", context, status=400)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _record(request, rows, AccessChannel.WEB)
    context.update(page=page, items=[_entry(shared_view(row)) for row in rows])
    return render(request, "sharing/employer/credential_list.html", context)


@login_required
@require_safe
def credential_detail(request, code: str):
    shared = _shared(request, code)
    entry = _entry(shared_view(shared))
    _record(request, [shared], AccessChannel.WEB)
    return render(
        request,
        "sharing/employer/credential_detail.html",
        {"page_title": entry["view"].title, **entry, "purpose": shared.release.purpose},
    )


@login_required
@require_safe
def credential_pdf(request, code: str):
    shared = _shared(request, code, document=True)
    certificate = shared.certificate
    if not certificate.pdf:
        # With an immediate task backend the PDF is made right here; with a worker, shortly.
        tasks.ensure_certificate_pdf(certificate)
        certificate.refresh_from_db(fields=["pdf"])
    if not certificate.pdf:
        return render(
            request,
            "sharing/employer/pdf_preparing.html",
            {
                "page_title": _("The PDF is being prepared"),
                "code": format_code(certificate.verification_code),
            },
            status=202,
        )
    # Streamed, or a redirect to a short-lived signed address in private object storage.
    response = stored_file_response(
        certificate.pdf, filename=f"{_file_stem(shared)}.pdf", content_type="application/pdf"
    )
    _record(request, [shared], AccessChannel.PDF)
    return response


@login_required
@require_safe
def credential_badge(request, code: str):
    shared = _shared(request, code, document=True)
    credential = shared.certificate.credential
    if not credential:
        raise Http404
    response = HttpResponse(
        json.dumps(credential, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(shared)}.json"'
    _record(request, [shared], AccessChannel.BADGE)
    return response


@login_required
@require_safe
def releases(request):
    """What participants share with us, and until when. It shows names as printed, so each
    credential listed is recorded as seen (channel "web")."""
    if is_unlinked_employer(request.user):
        return _not_linked(request)
    employer = _employer(request)
    page = Paginator(employer_active_releases(employer=employer), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    _record(
        request,
        [shared for release in rows for shared in release.released_certificates.all()],
        AccessChannel.WEB,
        shown=RELEASE_SUMMARY_SHOWN,
    )
    return render(
        request,
        "sharing/employer/releases.html",
        {
            "page_title": _("What is shared with us"),
            "employer": employer,
            "page": page,
            "releases": [{"release": row, "last_day": last_day(row.expires_at)} for row in rows],
        },
    )
