"""The partner employer API: the credentials participants chose to share with the caller.

Only an employer key (``Authorization: Bearer <key>``) reaches these views; a signed-in person
or a person's token gets 401. What the caller sees comes from ``release_selectors`` alone, so a
credential not shared with it, or no longer shared (consent revoked, ended or replaced,
certificate replaced), answers 404 like one that does not exist. Every credential in a response
writes one access record for the participant's "who has seen my certificates" log, in one query
whatever the page size: list pages record only the items on the page returned.
"""

import json

from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from pathways.api.authentication import EmployerKeyAuthentication
from pathways.api.base_views import JSONRenderer, PathwaysGenericAPIView
from pathways.api.employer_serializers import (
    CredentialLinks,
    EmployerReleaseSerializer,
    SharedCredentialSerializer,
    current_zone,
    shared_credential_data,
)
from pathways.api.openbadges_schema import OpenBadgeCredentialSerializer
from pathways.api.pagination import PagePagination
from pathways.api.permissions import IsEmployerClient
from pathways.api.schema import ErrorSerializer, extend_schema
from pathways.certificates.issuance import tasks
from pathways.certificates.issuance.codes import format_code, normalize_code
from pathways.certificates.sharing.filters import (
    DEFAULT_ORDERING,
    SharedCredentialFilter,
    order_shared,
)
from pathways.certificates.sharing.models import (
    AccessChannel,
    CredentialRelease,
    ReleasedCertificate,
)
from pathways.certificates.sharing.selectors import (
    employer_active_releases,
    shared_credential,
    shared_credential_rows,
    shared_credentials,
    shared_document,
    shared_row,
)
from pathways.certificates.sharing.services import (
    RELEASE_SUMMARY_SHOWN,
    access_record,
    access_record_rows,
)

TAG = "Employer"
#: The list's query parameters that the filter set reads.
FILTER_PARAMETERS = frozenset(SharedCredentialFilter.base_filters)
PDF_RETRY_SECONDS = 60

CODE_PARAMETER = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=(
        "The certificate's verification code, as printed (ABCD-EFGH-JKMN-PQRST); dashes, "
        "spaces and case do not matter."
    ),
)


class PdfPreparing(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "pdf_preparing"
    default_detail = _("The PDF is being prepared. Please try again in a minute.")
    wait = PDF_RETRY_SECONDS  # sent as Retry-After


class EmployerAPIView(PathwaysGenericAPIView):
    """Bearer key only; the key's organisation is the caller. Responses are never cached."""

    authentication_classes = [EmployerKeyAuthentication]
    permission_classes = [IsEmployerClient]
    filter_backends: list = []
    pagination_class = None

    @property
    def employer(self):
        return self.request.auth.employer

    def record(self, shared, *, channel: str = AccessChannel.API, shown=None) -> None:
        access_record(shared=shared, channel=channel, api_key=self.request.auth, shown=shown)

    def shared(self, code: str, *, document: bool = False) -> ReleasedCertificate:
        normalized = normalize_code(code)
        if normalized is None:
            raise Http404
        find = shared_document if document else shared_credential
        return find(employer=self.employer, code=normalized)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


class EmployerFileView(EmployerAPIView):
    """A download: the body is the file, but refusals still answer in JSON whatever the
    client's Accept header says."""

    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        return JSONRenderer(), JSONRenderer.media_type


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="employer_credentials_list",
        summary="Credentials shared with you",
        description=(
            "The credentials participants currently share with your organisation, 20 a "
            "page (`page_size` up to 50; larger values are capped at 50). Each item shows "
            "only what its participant chose: undisclosed details are `null`, and `disclosed` "
            "lists the optional details shared. Filters on dates or skills only match "
            "credentials whose dates or skills were shared; sorting by issue date puts "
            "credentials without shared dates last, newest shared first. Invalid filter "
            "values answer 400 with the field's message. Each credential returned is "
            "recorded in its participant's access log."
        ),
    )
)
class CredentialListView(EmployerAPIView, generics.ListAPIView):
    """A page of shared credentials in three queries (key, page with its total, access records),
    as columns: no model instances, no serializer fields, one ``reverse()`` per link kind, and
    the filter form only when a filter is asked for. ``SharedCredentialSerializer`` and the
    filter set still describe the page and its parameters in the schema."""

    serializer_class = SharedCredentialSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SharedCredentialFilter
    pagination_class = PagePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no key
            return ReleasedCertificate.objects.none()
        return shared_credentials(employer=self.employer)

    def filter_queryset(self, queryset):
        if not FILTER_PARAMETERS.intersection(self.request.query_params):
            # No filter asked for: the filter set would validate an empty form to sort by default.
            return order_shared(queryset, DEFAULT_ORDERING)
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        rows = self.paginator.paginate_counted(
            shared_credential_rows(self.filter_queryset(self.get_queryset())), request, view=self
        )
        links, now, zone = CredentialLinks.for_request(request), timezone.now(), current_zone()
        data = [shared_credential_data(row, links=links, now=now, zone=zone) for row in rows]
        access_record_rows(rows=rows, channel=AccessChannel.API, api_key=request.auth)
        return self.get_paginated_response(data)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="employer_credentials_retrieve",
        summary="One credential shared with you",
        description=(
            "A credential shared with your organisation now, by its verification code; 404 if it "
            "is not (or no longer) shared with you. Recorded in the participant's access log."
        ),
        parameters=[CODE_PARAMETER],
    )
)
class CredentialDetailView(EmployerAPIView):
    serializer_class = SharedCredentialSerializer

    def get(self, request, code: str):
        shared = self.shared(code)
        links = CredentialLinks.for_request(request)
        data = shared_credential_data(shared_row(shared), links=links, zone=current_zone())
        self.record([shared])
        return Response(data)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="employer_credentials_pdf",
        summary="The certificate's PDF",
        description=(
            "The certificate as stored, if the participant shared the certificate itself and it is "
            "not revoked; 404 otherwise. 503 with Retry-After while the PDF is first being made. "
            "Recorded in the participant's access log."
        ),
        parameters=[CODE_PARAMETER],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            (503, "application/json"): OpenApiResponse(
                ErrorSerializer,
                description="The PDF is being made; retry after Retry-After seconds.",
            ),
        },
    )
)
class CredentialPdfView(EmployerFileView):
    def get(self, request, code: str):
        shared = self.shared(code, document=True)
        certificate = shared.certificate
        if not certificate.pdf:
            # With an immediate task backend the PDF is made right here; with a worker, shortly.
            tasks.ensure_certificate_pdf(certificate)
            certificate.refresh_from_db(fields=["pdf"])
        if not certificate.pdf:
            raise PdfPreparing
        response = FileResponse(
            certificate.pdf.open("rb"),
            as_attachment=True,
            filename=f"certificate-{format_code(certificate.verification_code)}.pdf",
            content_type="application/pdf",
        )
        self.record([shared], channel=AccessChannel.PDF)
        return response


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="employer_credentials_badge",
        summary="The signed Open Badges credential",
        description=(
            "The certificate's signed Open Badges 3.0 credential (JSON-LD, verifiable offline), if "
            "the participant shared the certificate itself and it is not revoked; 404 otherwise. "
            "Recorded in the participant's access log."
        ),
        parameters=[CODE_PARAMETER],
        responses={
            (200, "application/ld+json"): OpenApiResponse(
                OpenBadgeCredentialSerializer,
                description="An OpenBadgeCredential with a DataIntegrityProof.",
            )
        },
    )
)
class CredentialBadgeView(EmployerFileView):
    def get(self, request, code: str):
        shared = self.shared(code, document=True)
        certificate = shared.certificate
        if not certificate.credential:
            raise Http404
        response = HttpResponse(
            json.dumps(certificate.credential, ensure_ascii=False, indent=2),
            content_type="application/ld+json",
        )
        stem = f"certificate-{format_code(certificate.verification_code)}"
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        self.record([shared], channel=AccessChannel.BADGE)
        return response


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        operation_id="employer_releases_list",
        summary="What is shared with you",
        description=(
            "The participants' consents in force for your organisation, soonest ending first, 20 a "
            "page (`page_size` up to 50): since and until when, the purpose, the optional details "
            "shared, and each credential's code, title and name as printed. Because this shows "
            "names as printed, each credential listed is recorded in its participant's access log."
        ),
    )
)
class ReleaseListView(EmployerAPIView, generics.ListAPIView):
    """Listing names as printed is a disclosure of each credential, so it is recorded (channel
    "api") like any other read; the record's details are those of the release."""

    serializer_class = EmployerReleaseSerializer
    pagination_class = PagePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CredentialRelease.objects.none()
        return employer_active_releases(employer=self.employer)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = self.get_serializer(page, many=True).data
        self.record(
            [shared for release in page for shared in release.released_certificates.all()],
            shown=RELEASE_SUMMARY_SHOWN,
        )
        return self.get_paginated_response(data)
