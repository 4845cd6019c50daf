"""One error format for the whole API, with messages a person can act on:

    {"error": {"status": 404, "code": "not_found", "message": "...", "fields": {...}}}

``fields`` appears for invalid input and maps each field to its messages. Refusals of something
the caller may not see are 404, worded exactly like a thing that does not exist. An exception
nobody expected (a bug, the database gone) answers 500 with the code ``server_error`` and a
message that says nothing about it; Django logs it and tells error reporting, as for a page.
Errors raised before an API view runs (in the middleware) get the same shape from
``lms.core.middleware.APIErrorMiddleware``.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, JsonResponse
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from pathways.lms.core.errors import error_body, status_error_body

MESSAGES = {
    "not_found": lambda: _("Not found."),
    "invalid": lambda: _("Some of what you sent is not valid. See the fields for details."),
    "parse_error": lambda: _("The request body could not be read."),
    "not_authenticated": lambda: _("Sign in, or send a valid API key or token."),
    "permission_denied": lambda: _("You cannot do this."),
    "throttled": lambda: _("Too many requests. Please wait and try again."),
}


def _messages(detail, prefix: str = "") -> list[str]:
    """Any nested error detail as a flat list of messages, each saying where it applies."""
    if isinstance(detail, dict):
        messages = []
        for key, value in detail.items():
            where = _("Item %(number)s") % {"number": key + 1} if isinstance(key, int) else key
            messages += _messages(value, f"{prefix}{where}: ")
        return messages
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item, prefix)]
    return [f"{prefix}{detail}"]


def _flatten(detail):
    """DRF's error detail as {field: [message, ...]}, whatever the nesting."""
    if isinstance(detail, dict):
        return {str(k): _messages(v) for k, v in detail.items()}
    return _messages(detail)


def _from_django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {
                field: [m for e in errors for m in e.messages]
                for field, errors in exc.error_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _from_django_validation(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return server_error(exc, context)
    code = "error"
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        fields = _flatten(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields}
        elif api_settings.NON_FIELD_ERRORS_KEY in fields:
            # DRF names them after the site's NON_FIELD_ERRORS_KEY; the API always says this.
            fields = {
                ("non_field_errors" if name == api_settings.NON_FIELD_ERRORS_KEY else name): value
                for name, value in fields.items()
            }
        non_field = fields.get("non_field_errors")
        message = MESSAGES["invalid"]()
        if non_field and len(fields) == 1 and isinstance(non_field[0], str):
            message = non_field[0]
        body = error_body(
            status_code=response.status_code, code=code, message=message, fields=fields
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else None
        message = str(detail) if isinstance(detail, str) else MESSAGES.get(code, str)()
        if isinstance(exc, exceptions.NotFound):
            message = MESSAGES["not_found"]()
        body = error_body(status_code=response.status_code, code=code, message=message)
    response.data = body
    set_rollback()
    return response


def server_error(exc, context) -> Response:
    """An exception DRF does not know: 500 in the API's format, never the site's HTML error page,
    and nothing about the exception in it. Django's request log gets the traceback and
    ``got_request_exception`` is sent (error reporting listens to it), as Django does for an
    error it answers itself; the request's transaction, if any, is rolled back."""
    request = context.get("request")
    http_request = getattr(request, "_request", request)
    set_rollback()
    response = Response(status_error_body(500), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    got_request_exception.send(sender=None, request=http_request)
    log_response(
        "%s: %s",
        response.reason_phrase,
        getattr(http_request, "path", ""),
        response=response,
        request=http_request,
        exception=exc,
    )
    return response


@csrf_exempt
def not_found_view(request, *args, **kwargs):
    """Unknown paths under /api/ answer in the API's format too."""
    return JsonResponse(
        error_body(status_code=404, code="not_found", message=MESSAGES["not_found"]()),
        status=status.HTTP_404_NOT_FOUND,
    )
