"""The public verification API: what the verification page shows, as JSON, for anyone.

It follows the page's rules (``certificates.verify_views``): status, name as printed, title,
achievement, issuer and dates, nothing more; an unknown code and a malformed one answer the very
same 404; a replaced certificate answers its code and status "replaced" and nothing else. Lookups
share the page's per-client budget (``certificates.ratelimit``, scope "verify"), so switching from
the page to the API gains a code-guesser nothing.
"""

from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_view
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from pathways.api.base_views import PathwaysAPIView
from pathways.api.public_serializers import VerificationSerializer
from pathways.api.schema import extend_schema
from pathways.certificates.credentials.ratelimit import check_rate
from pathways.certificates.issuance.selectors import verifiable_certificate


@extend_schema_view(
    get=extend_schema(
        tags=["Verification"],
        operation_id="verify_retrieve",
        summary="Check a certificate",
        description=(
            "Whether the certificate with this code is genuine and current: its status, the name "
            "as printed, title, achievement, issuer and dates, exactly as the public verification "
            "page shows them. No authentication. An unknown or malformed code answers 404. Lookups "
            "are limited per client, shared with the verification page; over the limit: 429 with "
            "Retry-After."
        ),
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The code printed on the certificate; dashes, spaces and case ignored.",
            )
        ],
        responses={200: VerificationSerializer},
    )
)
class VerifyView(PathwaysAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request, code: str):
        decision = check_rate(request)
        if not decision.allowed:
            raise Throttled(
                wait=max(decision.retry_after, 1),
                detail=_("Too many certificate checks from your connection. Please wait."),
            )
        certificate = verifiable_certificate(code)
        if certificate is None:
            raise NotFound
        return Response(VerificationSerializer(certificate).data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response
