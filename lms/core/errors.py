"""Showing a service's refusal to the person: as page messages, on the form they sent, or as the
one JSON error body the API and the site's own JSON answers share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def show_errors(request, error: ValidationError) -> None:
    """Each message of a refusal, as an error message on the next page."""
    for message in error.messages:
        messages.error(request, message)


def add_form_errors(form, error: ValidationError) -> None:
    """A refusal on the form: on its fields where the error names one, otherwise on the form."""
    if hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_body(*, status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    """The API's error format, ``{"error": {"status", "code", "message", "fields"}}``; here so
    that the safety and security middleware answer API requests in it without importing the API."""
    error = {"status": status_code, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


#: The code and message of an error answer that came with neither, by HTTP status.
_STATUS_ERRORS = {
    400: ("bad_request", lambda: _("The request could not be read.")),
    403: ("permission_denied", lambda: _("You cannot do this.")),
    404: ("not_found", lambda: _("Not found.")),
    405: ("method_not_allowed", lambda: _("This address does not answer that method.")),
    413: ("body_too_large", lambda: _("The request body is too large.")),
    429: ("throttled", lambda: _("Too many requests. Please wait and try again.")),
}
SERVER_ERROR_CODE = "server_error"


def server_error_message() -> str:
    return _("Something went wrong on our side. Please try again in a few minutes.")


def status_error_body(status_code: int) -> dict:
    """The error body for an answer that has only its status: an error raised outside the API's
    own handling (a failure in the middleware, a database outage). It never says more than the
    status does: no exception, no traceback."""
    if status_code >= 500:
        return error_body(
            status_code=status_code, code=SERVER_ERROR_CODE, message=server_error_message()
        )
    code, message = _STATUS_ERRORS.get(
        status_code, ("error", lambda: _("This request could not be answered."))
    )
    return error_body(status_code=status_code, code=code, message=message())
