"""Showing a service's refusal to the person: as page messages, on the form they sent, or as the
one JSON error body the API and the site's own JSON answers share."""

from django.contrib import messages
from django.core.exceptions import ValidationError


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
