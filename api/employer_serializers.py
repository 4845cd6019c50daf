"""What a partner employer's API client reads: shared credentials, and what is shared with it.

Every key is always present. A detail the participant did not share is ``null`` (never left out,
never a guess), and ``disclosed`` says which optional details her release shares, so that a
``null`` ``expires_at`` under a release sharing dates means "does not expire". The disclosure
rule lives in ``release_selectors.shared_view``; these serializers only shape its result.
"""

from dataclasses import fields

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import CURRENT_STATUS_CHOICES
from pathways.certificates.sharing.models import DisclosedField, ReleasedCertificate
from pathways.certificates.sharing.selectors import shared_view


def _absolute(request, name: str, code: str) -> str:
    path = reverse(name, args=[format_code(code)])
    return request.build_absolute_uri(path) if request is not None else path


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
        view = shared_view(instance)
        view = {f.name: getattr(view, f.name) for f in fields(view)}  # shallow, unlike asdict
        view["raw_code"] = view["code"]
        view["code"] = format_code(view["code"])
        view["disclosed"] = [
            field for field in DisclosedField.values if instance.release.discloses(field)
        ]
        return super().to_representation(view)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, view: dict) -> str:
        return _absolute(
            self.context.get("request"), "api:employer-credential-detail", view["raw_code"]
        )

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf_url(self, view: dict) -> str | None:
        if not view["document_shared"]:
            return None
        return _absolute(
            self.context.get("request"), "api:employer-credential-pdf", view["raw_code"]
        )

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_credential_url(self, view: dict) -> str | None:
        if not view["document_shared"]:
            return None
        return _absolute(
            self.context.get("request"), "api:employer-credential-badge", view["raw_code"]
        )


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
