"""What a partner employer's API client reads: shared credentials, and what is shared with it.

Every key is always present. A detail the participant did not share is ``null`` (never left out,
never a guess), and ``disclosed`` says which optional details her release shares, so that a
``null`` ``expires_at`` under a release sharing dates means "does not expire". The disclosure
rule lives in ``release_selectors.shared_view_values``; this module only shapes its result.

A shared credential is written by a plain function, ``shared_credential_data``, from a row of
columns (``release_selectors.shared_credential_rows``): a list page of 50 builds no model
instances and runs no serializer fields, and its links are made from one ``reverse()`` per link
kind per request. ``SharedCredentialSerializer`` describes that shape for the API schema (and
writes it through the same function if called).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import CURRENT_STATUS_CHOICES
from pathways.certificates.sharing.models import DisclosedField, ReleasedCertificate
from pathways.certificates.sharing.selectors import shared_row, shared_view_values

_CODE = "PATHWAYSCODE"  # stands for a code in a link's pattern; no code contains it


def _absolute(request, name: str, code: str) -> str:
    path = reverse(name, args=[format_code(code)])
    return request.build_absolute_uri(path) if request is not None else path


def _link_pattern(request, name: str) -> tuple[str, str]:
    """The link to ``name`` for any code, as the text before and after the code."""
    path = reverse(name, args=[_CODE])
    link = request.build_absolute_uri(path) if request is not None else path
    before, _found, after = link.rpartition(_CODE)
    return before, after


@dataclass(frozen=True)
class CredentialLinks:
    """A request's links to a shared credential, its PDF and its badge, for any code: made once
    per request instead of a ``reverse()`` and ``build_absolute_uri()`` per link."""

    detail: tuple[str, str]
    pdf: tuple[str, str]
    badge: tuple[str, str]

    @classmethod
    def for_request(cls, request) -> "CredentialLinks":
        return cls(
            detail=_link_pattern(request, "api:employer-credential-detail"),
            pdf=_link_pattern(request, "api:employer-credential-pdf"),
            badge=_link_pattern(request, "api:employer-credential-badge"),
        )


def _moment(value: datetime | None, zone: tzinfo | None) -> str | None:
    """A date and time as DRF's ``DateTimeField`` writes it: ISO 8601 in the current time zone
    (``zone``; naive UTC without ``USE_TZ``), UTC as ``Z``."""
    if value is None:
        return None
    aware = value.utcoffset() is not None
    if zone is not None:
        value = value.astimezone(zone) if aware else timezone.make_aware(value, zone)
    elif aware:
        value = timezone.make_naive(value, UTC)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _text(value) -> str | None:
    return None if value is None else str(value)


def shared_credential_data(
    row: dict, *, links: CredentialLinks, now: datetime | None = None, zone=None
) -> dict:
    """One shared credential as the API writes it, from a row of ``SHARED_ROW_FIELDS``: exactly
    what ``SharedCredentialSerializer`` documents, key for key."""
    view = shared_view_values(row, now=now)
    code = format_code(view["code"])
    document = view["document_shared"]
    skills = view["skills"]
    completed_on = view["completed_on"]
    return {
        "code": code,
        "name": _text(view["name"]),
        "title": _text(view["title"]),
        "achievement": _text(view["achievement"]),
        "issuer": _text(view["issuer"]),
        "status": view["status"],
        "shared_until": _moment(view["shared_until"], zone),
        "disclosed": view["disclosed"],
        "completed_on": completed_on.isoformat() if completed_on else None,
        "issued_at": _moment(view["issued_at"], zone),
        "expires_at": _moment(view["expires_at"], zone),
        "hours": _text(view["hours"]),
        "skills": None if skills is None else [_text(skill) for skill in skills],
        "url": code.join(links.detail),
        "pdf_url": code.join(links.pdf) if document else None,
        "credential_url": code.join(links.badge) if document else None,
    }


def current_zone() -> tzinfo | None:
    """The time zone DRF's date fields write in: the active one, or none without USE_TZ."""
    return timezone.get_current_timezone() if settings.USE_TZ else None


class SharedCredentialSerializer(serializers.Serializer):
    """One credential shared with the caller: always the name as printed, title, achievement,
    issuer, status and the end of sharing; dates, hours and skills only where shared (otherwise
    null); download links only while the certificate itself is shared and not revoked."""

    code = serializers.CharField(
        help_text=_("The verification code, grouped with dashes (ABCD-EFGH-JKMN-PQRST).")
    )
    name = serializers.CharField(help_text=_("The name as printed on the certificate."))
    title = serializers.CharField(help_text=_("The credential's title as printed."))
    achievement = serializers.CharField(help_text=_("What was achieved (the course or programme)."))
    issuer = serializers.CharField(help_text=_("The issuer's name as printed."))
    status = serializers.ChoiceField(choices=CURRENT_STATUS_CHOICES)
    shared_until = serializers.DateTimeField(
        help_text=_("When the participant's consent ends; after that this answers 404.")
    )
    disclosed = serializers.ListField(
        child=serializers.ChoiceField(choices=DisclosedField.choices),
        help_text=_(
            "The optional details the participant chose to share. Any detail not listed here "
            "is null."
        ),
    )
    completed_on = serializers.DateField(
        allow_null=True, help_text=_("Null unless dates are shared.")
    )
    issued_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Null unless dates are shared.")
    )
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("Null unless dates are shared; null with dates shared: does not expire."),
    )
    hours = serializers.CharField(
        allow_null=True, help_text=_("Hours of training as printed. Null unless hours are shared.")
    )
    skills = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text=_("Skill names. Null unless skills are shared."),
    )
    url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    credential_url = serializers.SerializerMethodField()

    def to_representation(self, instance: ReleasedCertificate) -> dict:
        links = CredentialLinks.for_request(self.context.get("request"))
        return shared_credential_data(shared_row(instance), links=links, zone=current_zone())

    # The link fields below are written by ``shared_credential_data``; these methods only give
    # their types to the schema.
    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, view: dict) -> str:  # pragma: no cover
        raise NotImplementedError

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf_url(self, view: dict) -> str | None:  # pragma: no cover
        raise NotImplementedError

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_credential_url(self, view: dict) -> str | None:  # pragma: no cover
        raise NotImplementedError


class ReleasedCredentialSerializer(serializers.Serializer):
    """A credential named in a release: enough to recognise it, and where to read it."""

    code = serializers.SerializerMethodField()
    name = serializers.CharField(
        source="certificate.printed_name", help_text=_("The name as printed.")
    )
    title = serializers.CharField(source="certificate.printed_title")
    achievement = serializers.CharField(source="certificate.printed_achievement")
    url = serializers.SerializerMethodField()

    def get_code(self, shared: ReleasedCertificate) -> str:
        return format_code(shared.certificate.verification_code)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, shared: ReleasedCertificate) -> str:
        return _absolute(
            self.context.get("request"),
            "api:employer-credential-detail",
            shared.certificate.verification_code,
        )


class EmployerReleaseSerializer(serializers.Serializer):
    """A participant's consent in force for the caller: since and until when, why, which optional
    details, and which credentials. Nothing about the participant beyond the names printed."""

    id = serializers.IntegerField(read_only=True)
    shared_at = serializers.DateTimeField(source="created_at")
    shared_until = serializers.DateTimeField(source="expires_at")
    purpose = serializers.CharField(help_text=_("Why she shares, in her words or from a list."))
    disclosed = serializers.ListField(
        child=serializers.ChoiceField(choices=DisclosedField.choices),
        source="disclosed_fields",
        help_text=_("The optional details shared, beyond name, title, issuer and status."),
    )
    credentials = ReleasedCredentialSerializer(source="released_certificates", many=True)
