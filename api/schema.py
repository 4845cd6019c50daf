"""OpenAPI description: the auth schemes, and the error responses every operation can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
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
            "description": "A person's token, as `Token <token>`, from POST /api/v1/auth/token/.",
        }


def only_this_api(endpoints):
    """The schema describes /api/v1/ only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
