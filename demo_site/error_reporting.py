"""Optional error reporting with Sentry's SDK, with personal data taken out before it leaves.

Off unless ``SENTRY_DSN`` is set. The SDK is told not to send personal data
(``send_default_pii=False``), request bodies or local variables; :func:`scrub_event` then removes
whatever could still name someone or open an account: request bodies, cookies, headers (the
Authorization header with its API key or token among them), query strings, the address's path
(it may hold a verification code; the URL pattern is the event's transaction), user fields other
than the id, frame variables, breadcrumbs' messages and data, log messages' arguments and
anything that looks like an e-mail address in an error's text.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from pathways.lms.core.request_log import current_request_id, without_email_addresses

# Headers an event keeps: none of them carries a key, a cookie or who someone is.
SAFE_HEADERS = frozenset({"accept", "content-length", "content-type", "host", "x-request-id"})
BREADCRUMB_FIELDS = ("type", "category", "level", "timestamp")


def _scrub_request(request: dict) -> dict:
    url = request.get("url")
    kept: dict = {"method": request.get("method")} if request.get("method") else {}
    if isinstance(url, str) and url:
        parts = urlsplit(url)
        kept["url"] = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else ""
    headers = request.get("headers")
    if isinstance(headers, Mapping):
        kept["headers"] = {
            name: value for name, value in headers.items() if name.lower() in SAFE_HEADERS
        }
    return kept


def _scrub_frames(container) -> None:
    stacktrace = container.get("stacktrace") if isinstance(container, dict) else None
    for frame in (stacktrace or {}).get("frames") or ():
        if isinstance(frame, dict):
            frame.pop("vars", None)


def _scrub_exceptions(event: dict) -> None:
    exception = event.get("exception")
    values = exception.get("values") if isinstance(exception, dict) else exception
    for value in values or ():
        if isinstance(value, dict):
            value["value"] = without_email_addresses(value.get("value"))
            _scrub_frames(value)
    threads = event.get("threads")
    for thread in (threads.get("values") if isinstance(threads, dict) else threads) or ():
        _scrub_frames(thread)


def scrub_breadcrumb(crumb: dict, hint=None) -> dict:
    """What a breadcrumb keeps: its kind and time, not its message or data (an SQL statement's
    values, a logged line, an address)."""
    return {name: crumb[name] for name in BREADCRUMB_FIELDS if name in crumb}


def scrub_event(event: dict, hint=None) -> dict:
    """Sentry's ``before_send`` (and ``before_send_transaction``): the event without personal
    data (see the module docstring), tagged with the request id of the log line."""
    if "request" in event:
        event["request"] = _scrub_request(event.get("request") or {})
    user = event.get("user")
    if isinstance(user, dict) and user.get("id") is not None:
        event["user"] = {"id": user["id"]}
    else:
        event.pop("user", None)
    _scrub_exceptions(event)
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    if crumbs:
        cleaned = [scrub_breadcrumb(crumb) for crumb in crumbs if isinstance(crumb, dict)]
        event["breadcrumbs"] = {"values": cleaned}
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        event["logentry"] = {"message": without_email_addresses(logentry.get("message"))}
    if "message" in event:
        event["message"] = without_email_addresses(event["message"])
    event.pop("extra", None)
    for span in event.get("spans") or ():
        if isinstance(span, dict):
            span.pop("data", None)
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def _sample_rate(value: str) -> float:
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise ImproperlyConfigured(
            f"SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, not {value!r}"
        )
    return rate


def configure_error_reporting(environ: Mapping[str, str]) -> bool:
    """Start Sentry's SDK when ``SENTRY_DSN`` is set; whether it was started."""
    dsn = (environ.get("SENTRY_DSN") or "").strip()
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environ.get("SENTRY_ENVIRONMENT") or "production",
        release=environ.get("SENTRY_RELEASE") or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=_sample_rate(environ.get("SENTRY_TRACES_SAMPLE_RATE") or "0"),
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        # Transactions are named by URL pattern ("/verify/{code}/"), never by address.
        integrations=[DjangoIntegration(transaction_style="url")],
    )
    return True
