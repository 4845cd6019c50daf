"""The API reads JSON only, and only up to ``PATHWAYS_API_MAX_BODY`` bytes."""

import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser

from pathways.lms.core import app_settings


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"
    default_detail = gettext_lazy("The request body is too large.")


def _limit() -> int:
    return int(app_settings.PATHWAYS_API_MAX_BODY)


class LimitedJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = _limit()
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            too_big = declared is not None and int(declared) > limit
        except ValueError:
            too_big = False
        if too_big:
            raise BodyTooLarge(
                _("The request body is too large (at most %(limit)s bytes).") % {"limit": limit}
            )
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge(
                _("The request body is too large (at most %(limit)s bytes).") % {"limit": limit}
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(_("The request body must be JSON encoded as UTF-8.")) from None
        if not text.strip():
            return {}
        try:
            return json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(
                _("The request body is not valid JSON: %(problem)s.") % {"problem": exc}
            ) from None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed")
