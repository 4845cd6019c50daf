"""Logs an operator can read without reading about the people who use the site.

- :class:`RequestLogMiddleware` writes one line per request to the ``pathways.request`` logger:
  method, the URL pattern that answered (``verify/<str:code>/``, never the address itself, which
  may hold a verification code, an e-mail address typed into a search or a query string), the
  view's name, the status, how long it took, the response's size, a request id, and who asked as
  an id only (the user's id or ``"anonymous"``). Nothing else of the request is read: no names,
  no e-mail addresses, no form fields, no headers, no API keys.
- :class:`JsonFormatter` writes every log record as one line of JSON (the standalone site's
  production profile uses it; development keeps plain text).
- :class:`WithoutAddresses` takes the address out of Django's own request warnings ("Not Found:
  /verify/7KQ2-.../") and puts the URL pattern in its place.

A host site opts in: the middleware first in ``MIDDLEWARE``, and the formatter and filter in its
``LOGGING`` (see the README's deployment guide). The request id comes from the ``X-Request-ID``
header a proxy sets, when it looks like one, or is made here; it goes back in the response's
``X-Request-ID`` and on every log line written while the request is answered.
"""

import contextlib
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.conf import settings

from pathways.lms.core.middleware import resolved

logger = logging.getLogger("pathways.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's request id looks like (a UUID, a hex or base64url token); anything else is
# replaced, so that a client cannot write what it likes into the logs.
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})

_request_id: ContextVar[str | None] = ContextVar("pathways_request_id", default=None)

#: Something that looks like an e-mail address, in an error's text ("Key (email)=(...) already
#: exists"): the JSON formatter and the standalone site's error reporting hide it.
EMAIL_ADDRESS = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[A-Za-z]{2,}")
HIDDEN = "[hidden]"


def without_email_addresses(text):
    """``text`` with anything that looks like an e-mail address replaced; other values as they
    are."""
    return EMAIL_ADDRESS.sub(HIDDEN, text) if isinstance(text, str) else text


def current_request_id() -> str | None:
    """The id of the request being answered in this thread or task, if any."""
    return _request_id.get()


def request_id_for(request) -> str:
    """The proxy's ``X-Request-ID`` if it looks like a request id, otherwise a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if _REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def route_of(request) -> tuple[str | None, str | None]:
    """The URL pattern and view name that answer this request, or ``(None, None)`` for an
    address nothing answers. Never the address: its variable parts may be codes or names."""
    match = resolved(request)
    if match is None:
        # Static files (served by WhiteNoise before any URL is resolved) name no one.
        static = settings.STATIC_URL or ""
        if static.startswith("/") and request.path.startswith(static):
            return f"{static}<path>", None
        return None, None
    return match.route or None, match.view_name or None


def _user_id(request):
    user = getattr(request, "user", None)
    try:
        if user is not None and user.is_authenticated:
            return user.pk
    except Exception:  # noqa: BLE001  (a database outage must not stop the log line)
        return None
    return "anonymous"


def _response_bytes(response) -> int | None:
    if response is None:
        return None
    if not getattr(response, "streaming", False):
        return len(response.content)
    length = response.get("Content-Length")
    return int(length) if length and length.isdigit() else None


class RequestLogMiddleware:
    """One ``pathways.request`` line per request; put it first in ``MIDDLEWARE``, so that its
    time covers every other middleware and its status is the one the client gets."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request)
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        response = None
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            try:
                if logger.isEnabledFor(logging.INFO):
                    self._log(request, response, started)
            finally:
                _request_id.reset(token)

    @staticmethod
    def _log(request, response, started) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        method = request.method if request.method in _METHODS else "OTHER"
        route, view = route_of(request)
        status = response.status_code if response is not None else 500
        fields = {
            "event": "request",
            "request_id": request.request_id,
            "method": method,
            "route": route,
            "view": view,
            "status": status,
            "duration_ms": duration_ms,
            "response_bytes": _response_bytes(response),
            "user": _user_id(request),
        }
        logger.info(
            "%s %s %s %.1fms",
            method,
            route if route is not None else "(no route)",
            status,
            duration_ms,
            extra={"log_fields": fields},
        )


class WithoutAddresses(logging.Filter):
    """Replaces the address in a log record about a request (Django's "Not Found: /path",
    "Forbidden (CSRF ...): /path", "Internal Server Error: /path") with its URL pattern.

    Put it on the handlers, and on the ``django.request`` and ``django.security.csrf`` loggers so
    that error reporting that hooks into logging sees the same.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        args = record.args
        if request is None or not isinstance(args, tuple) or not args:
            return True
        addresses = set()
        for attribute in ("path", "path_info"):
            value = getattr(request, attribute, None)
            if isinstance(value, str):
                addresses.add(value)
        with contextlib.suppress(AttributeError):  # not an HttpRequest: nothing to hide
            addresses.add(request.get_full_path())
        if not any(isinstance(arg, str) and arg in addresses for arg in args):
            return True
        try:
            route, _view = route_of(request)
        except Exception:  # noqa: BLE001
            route = None
        shown = route if route is not None else "(no route)"
        record.args = tuple(
            shown if isinstance(arg, str) and arg in addresses else arg for arg in args
        )
        return True


# What a LogRecord carries anyway; anything else given in ``extra`` is not written (it may be a
# request object), except the fields in ``log_fields``.
_BASE = ("time", "level", "logger", "message")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request id while a
    request is answered, the fields a record carries in ``extra={"log_fields": {...}}``, and the
    exception's traceback if any, with e-mail addresses in the message and the traceback hidden.
    Only the standard library: no dependency."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": without_email_addresses(record.getMessage()),
        }
        request_id = current_request_id() or getattr(
            getattr(record, "request", None), "request_id", None
        )
        if request_id:
            entry["request_id"] = request_id
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        fields = getattr(record, "log_fields", None)
        if isinstance(fields, dict):
            entry.update({key: value for key, value in fields.items() if key not in _BASE})
        if record.exc_info:
            entry["exception"] = without_email_addresses(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = without_email_addresses(self.formatStack(record.stack_info))
        return json.dumps(entry, default=str, separators=(",", ":"))
