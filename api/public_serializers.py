"""What anyone holding a certificate code learns from the API: what the verification page shows."""

from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import CertificateStatus


class VerificationSerializer(serializers.Serializer):
    """Status, name as printed, title, achievement, issuer and dates: nothing more. A replaced
    certificate answers its code and status alone (the rest null), as the page shows it."""

    code = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    name = serializers.CharField(
        source="printed_name",
        allow_null=True,
        help_text=_("The name as printed. Null when the certificate was replaced."),
    )
    title = serializers.CharField(
        source="printed_title", allow_null=True, help_text=_("Null when it was replaced.")
    )
    achievement = serializers.CharField(
        source="printed_achievement", allow_null=True, help_text=_("Null when it was replaced.")
    )
    issuer = serializers.CharField(
        source="printed_issuer_name", allow_null=True, help_text=_("Null when it was replaced.")
    )
    issued_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Null when it was replaced.")
    )
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("Null: it does not expire, or it was replaced."),
    )

    def get_code(self, certificate) -> str:
        return format_code(certificate.verification_code)

    def to_representation(self, certificate):
        data = super().to_representation(certificate)
        if data["status"] == CertificateStatus.REPLACED:
            # What a replaced certificate printed (a name she may have stopped using) is not
            # shown: only that it was replaced.
            return {
                name: (value if name in ("code", "status") else None)
                for name, value in data.items()
            }
        return data
