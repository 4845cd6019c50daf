"""Public JSON-LD documents a verifier needs to check a credential with no other help: each
issuer's profile (with every public key), each key as a Multikey document, and each issuer's
revocation status list.

All are public by design, so any site may fetch them (CORS). The status list is read from the
database on every request: a revocation shows at once. Responses carry an ETag and ask caches
to revalidate each time. An unknown issuer or key answers a plain 404.

The legacy status list (one list for every issuer, indexed by database id) is gone for good
(410): publishing it would keep showing the issuing order. Copies of credentials that name it
fail a standard verifier's status check, which is the safe way to fail, and still check out on
this site's verification page, which reads the certificate's status directly.
"""

import hashlib
import json

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from pathways.certificates.credentials.openbadges import (
    find_issuer,
    find_key,
    issuer_profile,
    key_document,
    legacy_issuer_profile,
    status_list_credential,
)

JSON_LD = "application/ld+json"


def _json_ld_response(request: HttpRequest, document: dict) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    conditional = get_conditional_response(request, etag=etag)
    response = conditional or HttpResponse(body, content_type=f"{JSON_LD}; charset=utf-8")
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, no_cache=True)
    return response


def _issuer_or_404(public_id: str):
    issuer = find_issuer(public_id)
    if issuer is None:
        raise Http404
    return issuer


@require_safe
def issuer(request: HttpRequest, public_id: str) -> HttpResponse:
    return _json_ld_response(request, issuer_profile(_issuer_or_404(public_id)))


@require_safe
def key(request: HttpRequest, public_id: str, multibase: str) -> HttpResponse:
    found = find_key(multibase)
    if found is None:
        raise Http404
    return _json_ld_response(request, key_document(_issuer_or_404(public_id), found))


@require_safe
def status_list(request: HttpRequest, public_id: str) -> HttpResponse:
    return _json_ld_response(request, status_list_credential(_issuer_or_404(public_id)))


@require_safe
def legacy_issuer(request: HttpRequest) -> HttpResponse:
    return _json_ld_response(request, legacy_issuer_profile())


@require_safe
def legacy_status_list(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=410)
    response["Access-Control-Allow-Origin"] = "*"
    return response
