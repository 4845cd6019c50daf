"""The signed Open Badges 3.0 credential, described for the OpenAPI schema only.

The credential is served exactly as it was signed (``certificates.openbadges``); nothing here reads
or writes it. These serializers only tell a generated client the shape of what it downloads: the
main fields of an ``OpenBadgeCredential`` (a W3C Verifiable Credential 2.0) with its Bitstring
Status List entry and its Data Integrity proof. JSON-LD allows more properties than these.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.URI)
class UriField(serializers.CharField):
    pass


def _types(*examples: str, help_text: str = "") -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(),
        min_length=1,
        help_text=help_text or f"Includes {' and '.join(examples)}.",
    )


class OpenBadgeProfileSerializer(serializers.Serializer):
    """The issuer: the name printed on the certificate, and its public profile."""

    id = UriField(help_text="The issuer profile's address; it lists the public keys.")
    type = _types('"Profile"')
    name = serializers.CharField()


class OpenBadgeCriteriaSerializer(serializers.Serializer):
    narrative = serializers.CharField()


class OpenBadgeAchievementSerializer(serializers.Serializer):
    id = UriField()
    type = _types('"Achievement"')
    name = serializers.CharField()
    description = serializers.CharField()
    criteria = OpenBadgeCriteriaSerializer()
    creator = OpenBadgeProfileSerializer(required=False)


class OpenBadgeIdentityObjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["IdentityObject"])
    identityType = serializers.CharField(help_text='"name": the name printed.')  # noqa: N815
    hashed = serializers.BooleanField()
    identityHash = serializers.CharField()  # noqa: N815


class OpenBadgeSubjectSerializer(serializers.Serializer):
    """Who earned it (by the name printed) and what."""

    type = _types('"AchievementSubject"')
    identifier = OpenBadgeIdentityObjectSerializer(many=True, required=False)
    achievement = OpenBadgeAchievementSerializer()


class BitstringStatusListEntrySerializer(serializers.Serializer):
    """Where a verifier checks whether the credential was revoked (W3C Bitstring Status List)."""

    id = UriField()
    type = serializers.ChoiceField(choices=["BitstringStatusListEntry"])
    statusPurpose = serializers.ChoiceField(choices=["revocation"])  # noqa: N815
    statusListIndex = serializers.RegexField(  # noqa: N815
        r"^[0-9]+$", help_text="The credential's bit in the list, as a decimal string."
    )
    statusListCredential = UriField(  # noqa: N815
        help_text="The signed status list credential to fetch."
    )


class DataIntegrityProofSerializer(serializers.Serializer):
    """The signature: W3C Data Integrity with the ``eddsa-rdfc-2022`` cryptosuite."""

    type = serializers.ChoiceField(choices=["DataIntegrityProof"])
    cryptosuite = serializers.CharField(help_text='"eddsa-rdfc-2022".')
    created = serializers.DateTimeField()
    verificationMethod = UriField(  # noqa: N815
        help_text="The public key that verifies the signature."
    )
    proofPurpose = serializers.ChoiceField(choices=["assertionMethod"])  # noqa: N815
    proofValue = serializers.CharField(help_text="The signature, multibase (base58btc).")  # noqa: N815


class OpenBadgeCredentialSerializer(serializers.Serializer):
    """A signed Open Badges 3.0 ``OpenBadgeCredential``, verifiable offline."""

    id = UriField(help_text="The certificate's public verification address.")
    type = _types('"VerifiableCredential"', '"OpenBadgeCredential"')
    issuer = OpenBadgeProfileSerializer()
    validFrom = serializers.DateTimeField()  # noqa: N815
    validUntil = serializers.DateTimeField(  # noqa: N815
        required=False, help_text="Only when the certificate expires."
    )
    name = serializers.CharField(help_text="The credential's title.")
    credentialSubject = OpenBadgeSubjectSerializer()  # noqa: N815
    credentialStatus = BitstringStatusListEntrySerializer()  # noqa: N815
    proof = DataIntegrityProofSerializer()

    def get_fields(self):
        # "@context" is no Python name; it comes first, as in the credential.
        return {
            "@context": serializers.ListField(
                child=serializers.CharField(),
                min_length=2,
                help_text=(
                    "JSON-LD contexts: https://www.w3.org/ns/credentials/v2, then the Open "
                    "Badges 3.0 context."
                ),
            ),
            **super().get_fields(),
        }
