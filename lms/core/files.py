"""Sending a stored file to someone a view has already allowed to have it.

A view checks who may have the file first; only then does it call :func:`stored_file_response`.
Kept on the local disk (the default), the file is streamed through the view. Kept in private
object storage that signs its addresses (django-storages' S3 storage with ``querystring_auth``,
as the standalone site configures it), the browser is redirected to a signed address of that one
object, which expires within :data:`SIGNED_URL_SECONDS` and asks the storage to send it as an
attachment under the neutral name the view chose. A storage that cannot sign (a public bucket,
or a custom domain without a signer) is never redirected to: the file is streamed instead, so a
stored file's address is never a public one.

Nothing here imports django-storages: whether a storage signs its addresses is read from the
storage itself, so a host site without object storage needs nothing more.
"""

from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

#: How long a signed download address works, in seconds: long enough for the browser to follow
#: the redirect, too short for a copied or logged address to be useful later.
SIGNED_URL_SECONDS = 60


def signs_urls(storage: Storage) -> bool:
    """Whether ``storage`` is remote and gives out only signed, expiring addresses."""
    if not getattr(storage, "querystring_auth", False):
        return False
    # django-storages leaves addresses on a custom domain unsigned unless a CloudFront key signs
    # them.
    if getattr(storage, "custom_domain", None) and not getattr(storage, "cloudfront_signer", None):
        return False
    try:
        storage.path("probe")
    except NotImplementedError:
        return True
    return False


def signed_download_url(
    storage: Storage, name: str, *, filename: str, content_type: str
) -> str | None:
    """A signed address of the stored file ``name`` that expires in :data:`SIGNED_URL_SECONDS`
    and makes the storage send it as an attachment called ``filename``; None when the storage
    does not sign its addresses."""
    if not signs_urls(storage):
        return None
    parameters = {
        "ResponseContentDisposition": content_disposition_header(True, filename),
        "ResponseContentType": content_type,
        # A shared device keeps no copy in the browser's cache.
        "ResponseCacheControl": "private, no-store",
    }
    return storage.url(name, parameters=parameters, expire=SIGNED_URL_SECONDS)


def stored_file_response(file: FieldFile, *, filename: str, content_type: str):
    """The stored ``file`` for someone already allowed to have it, as an attachment called
    ``filename``: a redirect to a short-lived signed address when the storage signs them, the
    file streamed through this response otherwise. Never kept by a browser or proxy cache."""
    url = signed_download_url(file.storage, file.name, filename=filename, content_type=content_type)
    if url is None:
        return FileResponse(
            file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    response = HttpResponseRedirect(url)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response
