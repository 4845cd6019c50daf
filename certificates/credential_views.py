"""Public JSON-LD documents a verifier needs to check a credential with no other help: the
issuer profile (with every public key) and the revocation status list.

Both are public by design, so any site may fetch them (CORS). The status list is read from the
database on every request: a revocation shows at once. Responses carry an ETag and ask caches
to revalidate each time.
"""

import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from .openbadges import issuer_profile, status_list_credential

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


@require_safe
def issuer(request: HttpRequest) -> HttpResponse:
    return _json_ld_response(request, issuer_profile())


@require_safe
def status_list(request: HttpRequest) -> HttpResponse:
    return _json_ld_response(request, status_list_credential())
