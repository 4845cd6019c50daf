"""Run against a restored site, in a process of its own (``python -m
tests.production.restored_site_check`` with the restored site's ``DATABASE_URL`` and ``MEDIA_ROOT``
or bucket): prints, as JSON, what each certificate's verification and PDF download say there.

Used by test_backups.py, so that the test's own database connection is never swapped.
"""

import hashlib
import json
import urllib.request


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _downloaded(response) -> bytes:
    if response.status_code == 302:
        # A signed address on the object storage (127.0.0.1 in the tests), fetched as a browser
        # would, without the site's cookies.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(response["Location"], timeout=30) as fetched:  # noqa: S310
            return fetched.read()
    if response.status_code != 200:
        return b""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def check() -> dict:
    from django.test import Client
    from django.urls import reverse

    from pathways.certificates.credentials.openbadges import verify
    from pathways.certificates.issuance.codes import format_code
    from pathways.certificates.issuance.models import Certificate

    results = []
    visitor = Client(raise_request_exception=False)
    for certificate in Certificate.objects.select_related("user").order_by("pk"):
        code = format_code(certificate.verification_code)
        page = visitor.get(reverse("verify:code", args=[code]))
        credential = verify(certificate.credential) if certificate.credential else None
        name = certificate.pdf.name
        stored = bool(name) and certificate.pdf.storage.exists(name)
        body = b""
        if stored:
            with certificate.pdf.storage.open(name, "rb") as source:
                body = source.read()
        holder = Client(raise_request_exception=False)
        holder.force_login(certificate.user)
        download = holder.get(reverse("certificates:pdf", args=[certificate.pk]))
        downloaded = _downloaded(download)
        results.append(
            {
                "pk": certificate.pk,
                "code": certificate.verification_code,
                "status": certificate.status,
                "page_status_code": page.status_code,
                "page_result_status": (page.context or {}).get("result", {}).get("status"),
                "credential_ok": credential.ok if credential else None,
                "credential_status": credential.status if credential else None,
                "credential_signature_valid": credential.signature_valid if credential else None,
                "pdf_name": name,
                "pdf_stored": stored,
                "pdf_sha256": _sha256(body),
                "pdf_head": body[:5].decode("latin-1"),
                "download_status_code": download.status_code,
                "download_sha256": _sha256(downloaded),
            }
        )
    return {"certificates": results}


def main() -> None:
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    # Lets the test client keep each response's template context (the verification result).
    setup_test_environment()
    print(json.dumps(check()))


if __name__ == "__main__":
    main()
