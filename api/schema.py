"""OpenAPI description: the auth schemes, the error responses every operation can give, and the
drf-spectacular settings the API's schema is made with.

The schema is generated with :func:`schema_settings` (``schema_views.SchemaView``), never the host
site's ``SPECTACULAR_SETTINGS``, and every operation is described by :class:`PathwaysAutoSchema`,
never the host's ``DEFAULT_SCHEMA_CLASS``: decorate API views with this module's
:func:`extend_schema`. To write the schema to a file:
``manage.py spectacular --custom-settings pathways.api.schema.SCHEMA_SETTINGS``.
"""

import re
from collections.abc import Mapping

from django.urls import get_script_prefix, reverse

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.settings import SPECTACULAR_DEFAULTS
from drf_spectacular.utils import extend_schema as spectacular_extend_schema
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField()), required=False
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    "400": "Invalid input; `fields` says what to change.",
    "401": "No valid credentials (missing, malformed, unknown or revoked key or token).",
    "403": (
        "Signed in, but this operation is not for your role. Staff endpoints also answer 403, "
        "with the code `second_factor_required`, to a sign-in that did not pass two-step "
        "sign-in."
    ),
    "404": "Not found, or not visible to you (the two are indistinguishable).",
    "413": "The request body is too large.",
    "415": "The request body must be application/json.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


class PathwaysAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403", "404", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes = ["400", "413", "415", *codes]
        elif self.method == "DELETE" or (self.method == "GET" and self._is_list_view()):
            codes = ["400", *codes]
        if not [scheme for scheme in self.get_auth() if scheme]:
            # Nothing to authenticate with ({} is "anyone"): no 401, and no 403 either.
            codes = [c for c in codes if c not in ("401", "403")]
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses


class EmployerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "pathways.api.authentication.EmployerKeyAuthentication"
    name = "employerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "pwk_<prefix>_<secret>",
            "description": "A partner employer's API key, created by programme staff.",
        }


class ParticipantTokenScheme(OpenApiAuthenticationExtension):
    target_class = "pathways.api.authentication.ParticipantTokenAuthentication"
    name = "personToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                f"A person's token, as `Token <token>`, from POST {reverse('api:auth-token')}."
            ),
        }


def api_root() -> str:
    """This API's root as the schema writes its paths: ``/api/v1/`` in the standalone site,
    ``/learning/api/v1/`` where a host site mounted Pathways under ``learning/``."""
    schema = reverse("api:schema").removeprefix(get_script_prefix())
    return "/" + schema.removesuffix("schema/")


def only_this_api(endpoints):
    """The schema describes this API only, not Wagtail's internal admin API nor a host site's
    own APIs."""
    root = api_root()
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(root)]


def extend_schema(**kwargs):
    """drf-spectacular's ``extend_schema``, built on :class:`PathwaysAutoSchema`.

    On a view method (or within ``extend_schema_view``) drf-spectacular builds on the host's
    ``DEFAULT_SCHEMA_CLASS``, which may not be one of its own (DRF's default is not); this starts
    it from Pathways' own instead. On a view class it builds on the class's ``schema``
    (``base_views.PathwaysAPIMixin``).
    """
    decorate = spectacular_extend_schema(**kwargs)

    def decorator(target):
        if not isinstance(target, type) and "schema" not in getattr(target, "kwargs", {}):
            target.kwargs = {**getattr(target, "kwargs", {}), "schema": PathwaysAutoSchema}
        return decorate(target)

    return decorator


#: drf-spectacular's defaults for every setting a schema view may set for itself (not SERVE_*,
#: which the views in ``schema_views`` set as their own attributes).
_SPECTACULAR_DEFAULTS = {
    name: value
    for name, value in SPECTACULAR_DEFAULTS.items()
    if not name.startswith("SERVE_") and name != "DEFAULT_GENERATOR_CLASS"
}


def schema_settings() -> dict:
    """Every drf-spectacular setting the schema and its documentation pages are made with:
    drf-spectacular's defaults, then Pathways' own. Nothing comes from the host's
    ``SPECTACULAR_SETTINGS``."""
    return {
        **_SPECTACULAR_DEFAULTS,
        "TITLE": "Pathways API",
        "DESCRIPTION": (
            "Version 1. Partner employers read the credentials participants chose to share "
            "with them (Authorization: Bearer <key>). Participants, mentors and staff use the "
            "same API from the site (session) or an app (Authorization: Token <token>). Errors "
            'always read {"error": {"status", "code", "message", "fields"}}. Anything the '
            "caller may not see answers 404, exactly like something that does not exist."
        ),
        "VERSION": "1.0.0",
        "SCHEMA_PATH_PREFIX": re.escape(api_root().removesuffix("/")),
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "COMPONENT_SPLIT_REQUEST": True,
        "ENUM_NAME_OVERRIDES": {
            "DisclosedFieldEnum": "pathways.certificates.sharing.models.DisclosedField",
            "CertificateStatusEnum": "pathways.certificates.issuance.models.CertificateStatus",
            "CurrentCertificateStatusEnum": (
                "pathways.certificates.issuance.models.CURRENT_STATUS_CHOICES"
            ),
        },
        "DISABLE_ERRORS_AND_WARNINGS": False,
        "PREPROCESSING_HOOKS": ["pathways.api.schema.only_this_api"],
    }


class _SchemaSettings(Mapping):
    """:func:`schema_settings` as a mapping, worked out whenever it is read (the API's root comes
    from the URLconf), for ``manage.py spectacular --custom-settings``."""

    def __getitem__(self, name):
        return schema_settings()[name]

    def __iter__(self):
        return iter(schema_settings())

    def __len__(self):
        return len(schema_settings())

    def items(self):
        return schema_settings().items()


SCHEMA_SETTINGS = _SchemaSettings()
