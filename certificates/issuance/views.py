"""A participant's certificates: the list, the PDF, the signed credential, the name printed.

Only the participant herself reaches her certificates here; for anyone else, whatever their role,
they do not exist (404). Files are served from storage as stored, under a neutral name: streamed
from the local disk, or by a redirect to a short-lived signed address in private object storage
(``lms/core/files.py``).
"""

import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pathways.certificates.issuance import selectors, services
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import Certificate, CertificateStatus, NameChoice
from pathways.lms.accounts.names import legal_name_of
from pathways.lms.accounts.sign_in import login_required
from pathways.lms.core.files import stored_file_response


@dataclass
class MyCertificate:
    certificate: Certificate
    code: str
    verify_url: str

    @property
    def status(self) -> str:
        return self.certificate.status

    @property
    def downloadable(self) -> bool:
        return self.certificate.revoked_at is None


def _verify_url(code: str) -> str:
    try:
        return reverse("verify:code", args=[code])
    except NoReverseMatch:
        return ""


def _file_stem(certificate: Certificate) -> str:
    return f"certificate-{format_code(certificate.verification_code)}"


@login_required
@require_safe
def my_certificates(request):
    items = [
        MyCertificate(
            certificate=certificate,
            code=format_code(certificate.verification_code),
            verify_url=_verify_url(certificate.verification_code),
        )
        for certificate in selectors.participant_certificates(request.user)
    ]
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "page_title": _("My certificates"),
            "items": items,
            "has_legal_name": bool(legal_name_of(request.user).strip()),
            "statuses": CertificateStatus,
            "name_choices": NameChoice,
        },
    )


@login_required
@require_safe
def certificate_pdf(request, certificate_id: int):
    certificate = selectors.participant_certificate(request.user, certificate_id, downloadable=True)
    if not certificate.pdf:
        from pathways.certificates.issuance.tasks import ensure_certificate_pdf

        # With an immediate task backend the PDF is made right here; with a worker, shortly.
        ensure_certificate_pdf(certificate)
        certificate.refresh_from_db(fields=["pdf"])
    if not certificate.pdf:
        return render(
            request,
            "certificates/pdf_preparing.html",
            {"page_title": _("Your certificate is being prepared"), "certificate": certificate},
            status=202,
        )
    return stored_file_response(
        certificate.pdf, filename=f"{_file_stem(certificate)}.pdf", content_type="application/pdf"
    )


@login_required
@require_safe
def certificate_credential(request, certificate_id: int):
    certificate = selectors.participant_certificate(request.user, certificate_id, downloadable=True)
    if not certificate.credential:
        raise Http404
    response = HttpResponse(
        json.dumps(certificate.credential, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(certificate)}.json"'
    return response


@login_required
@require_POST
def certificate_name(request, certificate_id: int):
    certificate = selectors.participant_certificate(request.user, certificate_id)
    choice = request.POST.get("name_choice", "")
    try:
        current = services.certificate_set_name_choice(
            certificate=certificate, user=request.user, name_choice=choice
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{reverse('certificates:mine')}#certificate-{certificate.pk}")
    if current.pk != certificate.pk:
        messages.success(
            request,
            _(
                "Done. Your certificate was made again with the name you chose, so it has a new "
                "code: %(code)s. The old code now shows that it was replaced."
            )
            % {"code": format_code(current.verification_code)},
        )
    elif current.name_choice == NameChoice.LEGAL:
        messages.success(request, _("Done. Your certificate will show your legal name."))
    else:
        messages.success(request, _("Done. Your certificate will show your chosen name."))
    return redirect(f"{reverse('certificates:mine')}#certificate-{current.pk}")
