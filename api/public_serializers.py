"""What anyone holding a certificate code learns from the API: what the verification page shows."""

from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from certificates.codes import format_code
from certificates.models import CertificateStatus


class VerificationSerializer(serializers.Serializer):
    """Status, name as printed, title, achievement, issuer and dates: nothing more."""

    code = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    name = serializers.CharField(source="printed_name", help_text=_("The name as printed."))
    title = serializers.CharField(source="printed_title")
    achievement = serializers.CharField(source="printed_achievement")
    issuer = serializers.CharField(source="printed_issuer_name")
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Null: it does not expire.")
    )

    def get_code(self, certificate) -> str:
        return format_code(certificate.verification_code)
