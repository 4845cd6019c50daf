"""Where uploaded and generated files are kept, from the environment.

Unset, files stay on the local disk (``MEDIA_ROOT``), as ``make run`` has always kept them. With
``AWS_STORAGE_BUCKET_NAME`` set, certificate PDFs, Wagtail's images and documents (and avatars)
go to that S3-compatible bucket instead, through django-storages, privately:

- no object is public: nothing asks for a public ACL, so objects get the bucket's own (private)
  one, and every address handed out is signed and expires;
- object names cannot be guessed (``demo_site.storage.PrivateS3Storage`` puts each in a random
  folder) and an upload never replaces another object of the same name;
- downloads stay behind Pathways' permission checks: a certificate view checks first, then
  redirects to an address signed for one minute (``pathways.lms.core.files``); a Wagtail document
  is streamed through Wagtail's serve view after its privacy checks (``WAGTAILDOCS_SERVE_METHOD``).

Read by ``demo_site/settings/base.py``; django-storages itself is imported only when a bucket is
set. Credentials are not settings: django-storages reads ``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY`` from the environment, or boto3 finds the machine's role.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKEND = "demo_site.storage.PrivateS3Storage"
#: How long an address on a page (a lesson's image) stays valid: the idle sign-out's 30 minutes,
#: so a page open that long still shows its images. Downloads use their own, one minute.
DEFAULT_PAGE_URL_SECONDS = 1800


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = (environ.get(name) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc
    if number < 1:
        raise ImproperlyConfigured(f"{name} must be 1 or more.")
    return number


def s3_options(environ: Mapping[str, str]) -> dict | None:
    """django-storages' options for the bucket named in ``environ``, or None without one."""
    bucket = (environ.get("AWS_STORAGE_BUCKET_NAME") or "").strip()
    if not bucket:
        return None
    endpoint = (environ.get("AWS_S3_ENDPOINT_URL") or "").strip() or None
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ImproperlyConfigured(
            f"AWS_S3_ENDPOINT_URL must be an http:// or https:// address, not {endpoint!r}"
        )
    # Path-style addresses (endpoint/bucket/key) for MinIO, Ceph, moto and the like, which do not
    # answer on bucket.endpoint; Amazon S3 itself takes either.
    addressing = (environ.get("AWS_S3_ADDRESSING_STYLE") or "").strip() or (
        "path" if endpoint else None
    )
    if addressing not in (None, "path", "virtual", "auto"):
        raise ImproperlyConfigured("AWS_S3_ADDRESSING_STYLE must be path, virtual or auto.")
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": (environ.get("AWS_S3_REGION_NAME") or "").strip() or None,
        "addressing_style": addressing,
        "signature_version": "s3v4",
        # Private: no ACL is sent, so each object has the bucket's own (private) one.
        "default_acl": None,
        # Every address is signed and expires; none is ever public.
        "querystring_auth": True,
        "querystring_expire": _int(environ, "AWS_QUERYSTRING_EXPIRE", DEFAULT_PAGE_URL_SECONDS),
        # An upload never replaces an object that has the same name.
        "file_overwrite": False,
    }


def storages(environ: Mapping[str, str], local: dict) -> dict:
    """``STORAGES``: ``local`` (the settings' own, on disk) with the bucket as the default
    storage when ``environ`` names one."""
    options = s3_options(environ)
    if options is None:
        return local
    return {**local, "default": {"BACKEND": BACKEND, "OPTIONS": options}}


def image_origins(environ: Mapping[str, str]) -> list[str]:
    """Where pages load stored images from, for the Content Security Policy's ``img-src``:
    lessons show their images (Wagtail renditions) by signed addresses on the storage."""
    options = s3_options(environ)
    if options is None:
        return []
    if options["endpoint_url"]:
        parts = urlsplit(options["endpoint_url"])
        origin = f"{parts.scheme}://{parts.netloc}"
        if options["addressing_style"] in (None, "path"):
            return [origin]
        return [origin, f"{parts.scheme}://{options['bucket_name']}.{parts.netloc}"]
    # Amazon S3: the addresses boto3 signs, by addressing style (global, or in the region).
    bucket = options["bucket_name"]
    region = options["region_name"]
    regional = f"s3.{region}.amazonaws.com" if region and region != "us-east-1" else None
    if options["addressing_style"] == "path":
        return [f"https://{regional or 's3.amazonaws.com'}"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if regional:
        origins.append(f"https://{bucket}.{regional}")
    return origins
