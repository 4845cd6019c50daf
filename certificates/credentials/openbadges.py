"""Open Badges 3.0 credentials: building, signing and checking them, the issuer profiles with
their public keys, and the revocation status lists.

Every certificate is also an ``OpenBadgeCredential`` (Open Badges 3.0.3, W3C VC 2.0 data model)
secured with a ``DataIntegrityProof`` using the ``eddsa-rdfc-2022`` cryptosuite, so that anyone
can check it with what this site publishes. JSON-LD contexts come only from local copies (pyld's
bundled W3C contexts and the vendored OB 3.0.3 context): any other context is refused, so that
neither signing nor checking ever touches the network, and a pasted credential cannot make this
server fetch anything.

What a standard verifier dereferences (Digital Bazaar's ``@digitalbazaar/vc`` stack is checked
in the tests). The credential's ``issuer.id`` is the profile of its discreet issuer
(:class:`~certificates.models.CredentialIssuer`, one per issuer name printed), carrying the same
name. The proof's ``verificationMethod`` is an address of its own per key and issuer,
``<profile>keys/<publicKeyMultibase>/``, which answers a ``Multikey`` document whose
``controller`` is that profile, and the profile lists it under ``assertionMethod``. A fragment
of the profile (``<profile>#<key>``, as this site once signed) cannot work: a fragment is never
sent to the server, so a verifier receives the whole profile instead of a key. ``did:key`` would
need no address at all, but a key that names no issuer lets anyone claim the issuer's name, and
``did:web`` ties every credential to the site's domain and path layout; an address per key keeps
the issuer's profile as the one place that says which keys are the issuer's, with retired keys
still listed so that what they signed keeps verifying. The status list of each issuer is at
``<profile>status/revocation/`` and signed as that issuer, since verifiers require a status list
issued by the credential's own issuer.

What a credential says about its holder is only the name as printed on the certificate: never an
e-mail address, a postal address, or a legal name the participant did not choose to print.
"""

import base64
import functools
import gzip
import hashlib
import json
import logging
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld
from pyld.documentloader.frozen import BUNDLED_CONTEXTS, FrozenDocumentLoader

from pathways.certificates.credentials import status_list as status_list_indexes
from pathways.certificates.credentials.models import CredentialIssuer, IssuerKey
from pathways.certificates.issuance.codes import normalize_code, verification_url
from pathways.certificates.issuance.models import Certificate, CertificateStatus
from pathways.lms.core import app_settings, shared_cache

logger = logging.getLogger(__name__)

VC_CONTEXT_URL = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_CONTEXT_FILE = Path(__file__).resolve().parent / "jsonld" / "context-3.0.3.json"
CREDENTIAL_CONTEXT = (VC_CONTEXT_URL, OB_CONTEXT_URL)
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
PROOF_PURPOSE = "assertionMethod"
MULTIKEY_CONTEXT_URL = "https://w3id.org/security/multikey/v1"
# Multicodec prefix of an Ed25519 public key (varint of 0xed).
ED25519_PUB_PREFIX = b"\xed\x01"
# The W3C Bitstring Status List's minimum length (16 KB), for group privacy.
STATUS_LIST_MIN_BITS = status_list_indexes.MIN_SIZE
STATUS_LIST_CACHE_SECONDS = 24 * 60 * 60
STATUS_LIST_CACHE_PURPOSE = "status lists are signed again on every request"

# Limits on a credential handed to verify(): far above what this site issues, far below what
# could make canonicalisation slow (identical blank nodes are hashed over their permutations).
MAX_OBJECTS = 100
MAX_BLANK_NODES = 6
MAX_DEPTH = 20

# Terms of the controller-document vocabulary the issuer profile uses, with the IRIs of the W3C
# Controlled Identifiers and Multikey contexts. Written inline so that a verifier needs no other
# context than the two every credential already uses.
_PROFILE_KEY_TERMS = {
    "Multikey": "https://w3id.org/security#Multikey",
    "verificationMethod": {"@id": "https://w3id.org/security#verificationMethod", "@type": "@id"},
    "assertionMethod": {
        "@id": "https://w3id.org/security#assertionMethod",
        "@type": "@id",
        "@container": "@set",
    },
    "controller": {"@id": "https://w3id.org/security#controller", "@type": "@id"},
    "publicKeyMultibase": {
        "@id": "https://w3id.org/security#publicKeyMultibase",
        "@type": "https://w3id.org/security#multibase",
    },
}


class CanonicalizationError(ValueError):
    """The document is not JSON-LD this site can canonicalise faithfully."""


class IssuerKeyError(Exception):
    """A signing-key operation that is not allowed in the current state."""


# Contexts and canonicalisation --------------------------------------------------------------


@functools.cache
def document_loader() -> FrozenDocumentLoader:
    """The only way JSON-LD processing gets a context: local copies, nothing else."""
    documents: dict[str, dict] = {
        url: json.loads(path.read_text(encoding="utf-8")) for url, path in BUNDLED_CONTEXTS.items()
    }
    documents[OB_CONTEXT_URL] = json.loads(OB_CONTEXT_FILE.read_text(encoding="utf-8"))
    return FrozenDocumentLoader(documents=documents)


def _check_types(node: Any) -> None:
    """Refuse ``type`` values the contexts do not define: RDF would drop them silently."""
    if isinstance(node, list):
        for item in node:
            _check_types(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@type" and "@value" not in node:
                for type_iri in value if isinstance(value, list) else [value]:
                    if not isinstance(type_iri, str) or ":" not in type_iri:
                        raise CanonicalizationError(f"Undefined type: {type_iri!r}")
            else:
                _check_types(value)


def canonicalize(document: dict) -> str:
    """RDF Dataset Canonicalization (URDNA2015 / RDFC-1.0) of a JSON-LD document, as N-Quads.

    Strict: a property or type the contexts do not define would be dropped from the canonical
    form, and so from what a signature covers, so it is an error here rather than silently
    unsigned content.
    """
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    loader = document_loader()
    try:
        expanded = processor.expand(document, {"documentLoader": loader})
        if dropped:
            raise CanonicalizationError(
                f"Terms not defined by the contexts: {sorted(map(str, dropped))}"
            )
        _check_types(expanded)
        return processor.normalize(
            expanded,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader,
            },
        )
    except jsonld.JsonLdError as exc:
        raise CanonicalizationError(str(exc)) from exc
    except RecursionError as exc:
        raise CanonicalizationError("The document is nested too deeply.") from exc


# Data Integrity proofs (eddsa-rdfc-2022) ---------------------------------------------------


def xsd_datetime(value: datetime) -> str:
    """A moment as an XML Schema dateTime in UTC, to the second: ``2010-01-01T19:23:24Z``."""
    if timezone.is_naive(value):
        raise ValueError("A timezone-aware datetime is needed.")
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    """An Ed25519 public key as Multikey writes it: ``z`` + base58btc(0xed01 + 32 bytes)."""
    return "z" + base58.b58encode(ED25519_PUB_PREFIX + public_key.public_bytes_raw()).decode()


def public_key_from_multibase(value: str) -> Ed25519PublicKey | None:
    if not isinstance(value, str) or not value.startswith("z"):
        return None
    try:
        raw = base58.b58decode(value[1:])
    except ValueError:
        return None
    if len(raw) != 34 or not raw.startswith(ED25519_PUB_PREFIX):
        return None
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def hash_data(document: dict, proof_options: dict) -> bytes:
    """What eddsa-rdfc-2022 signs: SHA-256 of the canonical proof options, then of the document.

    ``document`` is the credential without its proof; ``proof_options`` the proof without its
    ``proofValue``. The proof options are canonicalised with the document's ``@context``.
    """
    options = {key: value for key, value in proof_options.items() if key != "proofValue"}
    options["@context"] = document["@context"]
    proof_hash = hashlib.sha256(canonicalize(options).encode()).digest()
    document_hash = hashlib.sha256(canonicalize(document).encode()).digest()
    return proof_hash + document_hash


def create_proof(
    document: dict,
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
) -> dict:
    """A ``DataIntegrityProof`` over ``document`` (which must not carry a proof already)."""
    proof = {
        "type": PROOF_TYPE,
        "created": xsd_datetime(created),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = private_key.sign(hash_data(document, proof))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode()
    return proof


def verify_proof(document: dict, proof: dict, public_key: Ed25519PublicKey) -> bool:
    """Whether ``proof`` is a valid eddsa-rdfc-2022 signature of ``document`` (without proof).

    Raises :class:`CanonicalizationError` if the document cannot be canonicalised faithfully.
    """
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        return False
    try:
        signature = base58.b58decode(proof_value[1:])
    except ValueError:
        return False
    if len(signature) != 64:
        return False
    try:
        public_key.verify(signature, hash_data(document, proof))
    except InvalidSignature:
        return False
    return True


# Addresses ----------------------------------------------------------------------------------


def issuer_url(issuer: CredentialIssuer) -> str:
    """The issuer's profile: the ``issuer.id`` of what it issues, and its keys' controller."""
    return app_settings.PATHWAYS_BASE_URL + reverse("credentials:issuer", args=[issuer.public_id])


def key_url(issuer: CredentialIssuer, key: IssuerKey) -> str:
    """A key's ``verificationMethod`` as ``issuer``: an address answering a Multikey document."""
    return app_settings.PATHWAYS_BASE_URL + reverse(
        "credentials:key", args=[issuer.public_id, key.public_key_multibase]
    )


def status_list_url(issuer: CredentialIssuer) -> str:
    return app_settings.PATHWAYS_BASE_URL + reverse(
        "credentials:status_list", args=[issuer.public_id]
    )


def legacy_profile_url() -> str:
    """The one issuer profile credentials named before there was one per issuer name. Copies of
    those (in PDFs already made, in downloads) still name it; :func:`verify` still reads them."""
    return app_settings.PATHWAYS_BASE_URL + reverse("credentials:legacy_issuer")


def legacy_status_list_url() -> str:
    return app_settings.PATHWAYS_BASE_URL + reverse("credentials:legacy_status_list")


def sign(
    document: dict, *, key: IssuerKey, issuer: CredentialIssuer, created: datetime | None = None
) -> dict:
    """``document`` with a ``DataIntegrityProof`` by ``key`` as ``issuer`` (replacing any proof
    it had)."""
    if not key.private_key_seed_hex or key.retired_at is not None:
        raise IssuerKeyError("A retired key can no longer sign.")
    private_key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key.private_key_seed_hex))
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    proof = create_proof(
        unsecured,
        private_key=private_key,
        verification_method=key_url(issuer, key),
        created=created or timezone.now(),
    )
    return {**unsecured, "proof": proof}


# Issuer keys ------------------------------------------------------------------------------


def new_key_fields() -> dict[str, str]:
    """The fields of a fresh Ed25519 signing key."""
    private_key = Ed25519PrivateKey.generate()
    return {
        "key_id": f"key-{timezone.now():%Y%m%d}-{secrets.token_hex(4)}",
        "public_key_multibase": public_key_multibase(private_key.public_key()),
        "private_key_seed_hex": private_key.private_bytes_raw().hex(),
    }


def new_issuer_key() -> IssuerKey:
    return IssuerKey.objects.create(**new_key_fields())


def active_issuer_key() -> IssuerKey:
    """The key new credentials are signed with.

    A site that has none yet gets one on first use (logged), so that issuing never fails for
    want of a key; ``manage.py issuer_key create`` makes it ahead of time. Two processes racing
    on a brand-new site may both create one: both are then in the issuer profiles, both verify,
    the newest signs, and the next rotation retires both.
    """
    key = IssuerKey.objects.filter(retired_at__isnull=True).order_by("-created_at", "-pk").first()
    if key is None:
        key = new_issuer_key()
        logger.warning("Created issuer signing key %s: the site had no active key.", key.key_id)
    return key


# Documents ------------------------------------------------------------------------------


def issuer_of(certificate: Certificate) -> CredentialIssuer:
    """The issuer a certificate's credential names: the one carrying the issuer name it printed
    (made when the certificate was issued, see :func:`.services.credential_issuer`)."""
    return CredentialIssuer.objects.get(name=certificate.printed_issuer_name)


def find_issuer(public_id: str) -> CredentialIssuer | None:
    """The issuer at a profile address, or None."""
    return CredentialIssuer.objects.filter(public_id=public_id).first()


def find_key(public_key_multibase: str) -> IssuerKey | None:
    """One of this site's signing keys, active or retired, or None."""
    return IssuerKey.objects.filter(public_key_multibase=public_key_multibase).first()


def _verification_methods(issuer: CredentialIssuer) -> list[dict]:
    profile_id = issuer_url(issuer)
    return [
        {
            "id": key_url(issuer, key),
            "type": "Multikey",
            "controller": profile_id,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in IssuerKey.objects.order_by("created_at", "pk")
    ]


def issuer_profile(issuer: CredentialIssuer) -> dict:
    """An issuer's public profile: the name its credentials carry, and every signing key, active
    and retired, as its ``assertionMethod``, so that what a retired key signed still verifies."""
    methods = _verification_methods(issuer)
    return {
        "@context": [*CREDENTIAL_CONTEXT, _PROFILE_KEY_TERMS],
        "id": issuer_url(issuer),
        "type": ["Profile"],
        "name": issuer.name,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def key_document(issuer: CredentialIssuer, key: IssuerKey) -> dict:
    """What a proof's ``verificationMethod`` address answers: the key, as a Multikey.

    A retired key is not marked ``revoked``: it was not compromised, and what it signed before it
    was retired stays valid (:func:`verify` refuses its proofs made after).
    """
    return {
        "@context": MULTIKEY_CONTEXT_URL,
        "id": key_url(issuer, key),
        "type": "Multikey",
        "controller": issuer_url(issuer),
        "publicKeyMultibase": key.public_key_multibase,
    }


def legacy_issuer_profile() -> dict:
    """The single profile credentials named before there was one per issuer name, keys as
    fragments of it, kept so that copies of those credentials can still be checked by hand."""
    profile_id = legacy_profile_url()
    methods = [
        {
            "id": f"{profile_id}#{key.public_key_multibase}",
            "type": "Multikey",
            "controller": profile_id,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in IssuerKey.objects.order_by("created_at", "pk")
    ]
    return {
        "@context": [*CREDENTIAL_CONTEXT, _PROFILE_KEY_TERMS],
        "id": profile_id,
        "type": ["Profile"],
        "name": app_settings.PATHWAYS_BRAND_NAME,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def achievement_id(certificate: Certificate) -> str:
    """A stable identifier for what was achieved, the same on every certificate for it.

    A name-based UUID rather than an address on this site: there is no page listing
    achievements to browse, and no database id is exposed. Named after the site's first profile
    address, so that it never changes.
    """
    name = f"{legacy_profile_url()}achievements/{certificate.achievement_key}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _credential_language(certificate: Certificate) -> str:
    language = (certificate.printed_data or {}).get("language") or certificate.template.language
    return language or settings.LANGUAGE_CODE


def build_credential(certificate: Certificate) -> dict:
    """The unsigned ``OpenBadgeCredential`` for a certificate, saying only what it printed."""
    if certificate.status_list_index is None:
        raise ValueError("The certificate needs its status list index first.")
    issuer = {
        "id": issuer_url(issuer_of(certificate)),
        "type": ["Profile"],
        "name": certificate.printed_issuer_name,
    }
    with translation.override(_credential_language(certificate)):
        description = gettext("Awarded for completing %(achievement)s.") % {
            "achievement": certificate.printed_achievement
        }
        narrative = gettext(
            "Completed %(achievement)s and met every requirement %(issuer)s sets for it."
        ) % {
            "achievement": certificate.printed_achievement,
            "issuer": certificate.printed_issuer_name,
        }
    list_url = status_list_url(issuer_of(certificate))
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": verification_url(certificate.verification_code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": xsd_datetime(certificate.issued_at),
    }
    if certificate.expires_at is not None:
        credential["validUntil"] = xsd_datetime(certificate.expires_at)
    credential.update(
        {
            "name": certificate.printed_title,
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityType": "name",
                        "hashed": False,
                        "identityHash": certificate.printed_name,
                    }
                ],
                "achievement": {
                    "id": achievement_id(certificate),
                    "type": ["Achievement"],
                    "name": certificate.printed_achievement,
                    "description": description,
                    "criteria": {"narrative": narrative},
                    "creator": dict(issuer),
                },
            },
            "credentialStatus": {
                "id": f"{list_url}#{certificate.status_list_index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(certificate.status_list_index),
                "statusListCredential": list_url,
            },
        }
    )
    return credential


def issue_credential(certificate: Certificate) -> dict:
    """The signed credential for a certificate, by the active key.

    Nothing is saved: the caller stores it in ``certificate.credential``.
    """
    return sign(
        build_credential(certificate), key=active_issuer_key(), issuer=issuer_of(certificate)
    )


# Revocation status list -------------------------------------------------------------------


def encode_status_list(
    revoked_indices: Iterable[int], *, length: int = STATUS_LIST_MIN_BITS
) -> str:
    """A Bitstring Status List ``encodedList`` of ``length`` bits (more if an index needs it):
    multibase base64url (no padding) of the GZIP of the bitstring, bit 0 being the most
    significant bit of the first byte."""
    indices = sorted(set(revoked_indices))
    size = status_list_indexes.list_length(indices[-1] if indices else None, length)
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list always encodes to the same text.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def no_longer_valid(queryset):
    """The certificates whose bit is set: revoked, or replaced by a newer certificate. A replaced
    certificate is no longer the one its holder stands behind, so a verifier that reads only the
    status list must not take it as valid (``statusPurpose`` "revocation" is the only purpose
    every verifier checks)."""
    return queryset.filter(
        Q(revoked_at__isnull=False)
        | Q(superseded_at__isnull=False)
        | Q(superseded_by__isnull=False)
    )


def status_list_credential(issuer: CredentialIssuer) -> dict:
    """The signed ``BitstringStatusListCredential`` of an issuer: a bit set for each of its
    certificates revoked or replaced, at least 131,072 bits long.

    Read from the database on every call, so that a revocation shows on the very next request.
    Only the signing is cached, under a key made of everything the document contains: the same
    revocations, key and dates always give the same (deterministic) document, in any process.
    """
    rows = list(
        no_longer_valid(
            Certificate.objects.filter(
                printed_issuer_name=issuer.name, status_list_index__isnull=False
            )
        ).values_list("status_list_index", "revoked_at", "superseded_at")
    )
    encoded = encode_status_list(
        (index for index, *_ in rows), length=status_list_indexes.published_length()
    )
    key = active_issuer_key()
    changed = max(
        [key.created_at, *(moment for _, *moments in rows for moment in moments if moment)]
    )
    list_url = status_list_url(issuer)
    profile_id = issuer_url(issuer)
    fingerprint = hashlib.sha256(
        "|".join(
            [encoded, key.public_key_multibase, xsd_datetime(changed), list_url, profile_id]
        ).encode()
    ).hexdigest()
    cache_key = f"pathways:certificates:status-list:{fingerprint}"
    document = shared_cache.get(cache_key, purpose=STATUS_LIST_CACHE_PURPOSE)
    if document is None:
        unsigned = {
            "@context": [VC_CONTEXT_URL],
            "id": list_url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": profile_id,
            "validFrom": xsd_datetime(changed),
            "credentialSubject": {
                "id": f"{list_url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encoded,
            },
        }
        document = sign(unsigned, key=key, issuer=issuer, created=changed)
        shared_cache.put(
            cache_key,
            document,
            seconds=STATUS_LIST_CACHE_SECONDS,
            purpose=STATUS_LIST_CACHE_PURPOSE,
        )
    return document


# Checking a credential --------------------------------------------------------------------


@dataclass
class CredentialCheck:
    """What checking a credential found, in words a verifier can read.

    The details (name, title...) are filled in only when the signature checks out and the key is
    this site's, so that nothing a forger wrote is ever shown as if this site said it.
    """

    signature_valid: bool = False
    status: str = "unknown"  # "valid", "expired", "revoked", "replaced" or "unknown"
    issuer_known: bool = False
    messages: list[str] = field(default_factory=list)
    name: str = ""
    title: str = ""
    achievement: str = ""
    issuer_name: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.signature_valid and self.issuer_known and self.status == CertificateStatus.VALID


def _within_limits(document: dict) -> bool:
    """Cheap shape checks before any JSON-LD work (see MAX_OBJECTS and MAX_BLANK_NODES)."""
    objects = blank_nodes = 0
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(node, dict):
            objects += 1
            if "id" not in node:
                blank_nodes += 1
            for key, value in node.items():
                # Keywords (nested contexts, @graph, @list...) never appear in what this site
                # issues, and would let a document reshape what its terms mean.
                if key.startswith("@") and not (node is document and key == "@context"):
                    return False
                if node is document and key == "@context":
                    continue
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str) and node.startswith("_:"):
            return False
    # The proof is canonicalised apart from the document, and the document itself has an id.
    return objects <= MAX_OBJECTS and blank_nodes <= MAX_BLANK_NODES


def _single_proof(document: dict) -> dict | None:
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    return proof if isinstance(proof, dict) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _issuer_id(document: dict) -> str:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        return _text(issuer.get("id"))
    return _text(issuer)


def _revocation_entry(document: dict, list_url: str) -> dict | None:
    entries = document.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries]:
        if (
            isinstance(entry, dict)
            and entry.get("type") in ("BitstringStatusListEntry", ["BitstringStatusListEntry"])
            and entry.get("statusPurpose") == "revocation"
            and entry.get("statusListCredential") == list_url
        ):
            return entry
    return None


# The end of a key's address: <issuer public id>/keys/<publicKeyMultibase>/
_KEY_ADDRESS = re.compile(r"/([0-9a-zA-Z_-]{1,32})/keys/(z[1-9A-HJ-NP-Za-km-z]{40,60})/$")


def _signing_key(
    verification_method: str, issuer_id: str
) -> tuple[IssuerKey | None, CredentialIssuer | None]:
    """The key a proof names, and the issuer it signed as (None for the legacy profile), if the
    proof's ``verificationMethod`` is one of this site's keys and ``issuer_id`` that issuer."""
    legacy = legacy_profile_url()
    profile, _, fingerprint = verification_method.partition("#")
    if fingerprint and profile == legacy and issuer_id == legacy:
        return IssuerKey.objects.filter(public_key_multibase=fingerprint).first(), None
    match = _KEY_ADDRESS.search(verification_method)
    if match is None:
        return None, None
    issuer = CredentialIssuer.objects.filter(public_id=match[1]).first()
    key = IssuerKey.objects.filter(public_key_multibase=match[2]).first()
    if (
        issuer is None
        or key is None
        or verification_method != key_url(issuer, key)
        or issuer_id != issuer_url(issuer)
    ):
        return None, None
    return key, issuer


def _fill_details(check: CredentialCheck, document: dict) -> None:
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    identifiers = subject.get("identifier")
    for identifier in identifiers if isinstance(identifiers, list) else [identifiers]:
        if isinstance(identifier, dict) and identifier.get("identityType") == "name":
            if identifier.get("hashed") is False:
                check.name = _text(identifier.get("identityHash"))
            break
    check.title = _text(document.get("name"))
    achievement = subject.get("achievement")
    if isinstance(achievement, dict):
        check.achievement = _text(achievement.get("name"))
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        check.issuer_name = _text(issuer.get("name"))
    check.valid_from = _parse_datetime(document.get("validFrom"))
    check.valid_until = _parse_datetime(document.get("validUntil"))


def _status(document: dict, issuer: CredentialIssuer | None) -> tuple[str, str]:
    """The credential's status now, and a sentence saying why.

    The certificate is the one whose code the credential's ``id`` carries, and its status entry
    must be the one it was signed with: its bit in its issuer's list, or, for a copy signed
    before indexes were drawn at random (``issuer`` None, the legacy profile), its database id in
    the legacy list.
    """
    unknown = gettext("We could not confirm whether it is still valid.")
    code = normalize_code(_text(document.get("id")).rstrip("/").rpartition("/")[2])
    certificate = (
        Certificate.objects.filter(verification_code=code).first() if code is not None else None
    )
    if certificate is None:
        return "unknown", unknown
    if issuer is None:
        entry, expected_index = (
            _revocation_entry(document, legacy_status_list_url()),
            certificate.pk,
        )
    elif certificate.printed_issuer_name == issuer.name:
        entry = _revocation_entry(document, status_list_url(issuer))
        expected_index = certificate.status_list_index
    else:
        return "unknown", unknown
    index_text = _text(entry.get("statusListIndex")) if entry else ""
    if not index_text.isdigit() or len(index_text) > 18 or int(index_text) != expected_index:
        return "unknown", unknown
    if certificate.status == CertificateStatus.REPLACED:
        return CertificateStatus.REPLACED.value, gettext(
            "It has been replaced by a newer certificate, so it is no longer valid. Ask its "
            "holder for the current one."
        )
    if certificate.revoked_at is not None:
        return CertificateStatus.REVOKED.value, gettext("The issuer has revoked it.")
    now = timezone.now()
    valid_from = _parse_datetime(document.get("validFrom"))
    if valid_from is None or valid_from > now:
        return "unknown", unknown
    if "validUntil" in document:
        valid_until = _parse_datetime(document["validUntil"])
        if valid_until is None:
            return "unknown", unknown
        if valid_until <= now:
            return CertificateStatus.EXPIRED.value, gettext("It has expired.")
    return CertificateStatus.VALID.value, gettext("It has not been revoked and has not expired.")


def verify(document: Any) -> CredentialCheck:
    """Check a credential this site issued: its signature, who signed it, and its status now.

    The signing key is looked up only among this site's keys (active and retired), from a
    verification method at one of this site's key addresses for the credential's issuer (or, for
    a copy signed before keys had addresses, a fragment of the legacy profile); nothing is
    fetched. Status comes from this site's records: replaced, revoked, expired by its
    ``validUntil``, or valid.
    """
    check = CredentialCheck()
    not_readable = gettext("We could not read this as an Open Badges credential from this site.")
    proof = _single_proof(document) if isinstance(document, dict) else None
    if (
        proof is None
        or document.get("@context") != list(CREDENTIAL_CONTEXT)
        or proof.get("type") != PROOF_TYPE
        or proof.get("cryptosuite") != CRYPTOSUITE
        or proof.get("proofPurpose") != PROOF_PURPOSE
        or ("@context" in proof and proof["@context"] != document["@context"])
    ):
        check.messages.append(not_readable)
        return check
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    proof_options = {name: value for name, value in proof.items() if name != "@context"}

    key, issuer = _signing_key(_text(proof.get("verificationMethod")), _issuer_id(document))
    public_key = public_key_from_multibase(key.public_key_multibase) if key else None
    if public_key is None:
        check.messages.append(
            gettext("It was not signed by this site, so we cannot vouch for it here.")
        )
        return check
    check.issuer_known = True

    created = _parse_datetime(proof.get("created"))
    signed_in_time = created is not None and (key.retired_at is None or created <= key.retired_at)
    if not (_within_limits(unsecured) and _within_limits(proof_options)):
        check.messages.append(not_readable)
        return check
    try:
        check.signature_valid = signed_in_time and verify_proof(
            unsecured, proof_options, public_key
        )
    except (CanonicalizationError, ValueError, TypeError, KeyError):
        # Whatever a pasted document does to the JSON-LD processor, it does not verify.
        logger.info("A credential could not be canonicalised.", exc_info=True)
        check.signature_valid = False
    if not check.signature_valid:
        check.messages.append(
            gettext(
                "The signature does not check out: the credential was changed after it was "
                "issued, or it is not genuine."
            )
        )
        return check

    check.messages.append(
        gettext("The signature checks out: this site issued it and it has not been changed.")
    )
    check.status, sentence = _status(unsecured, issuer)
    check.messages.append(sentence)
    if check.status != CertificateStatus.REPLACED:
        # A replaced certificate shows no name, as on the verification page: it may carry a name
        # its holder has since stopped using.
        _fill_details(check, unsecured)
    return check


def verify_json(data: bytes | str) -> CredentialCheck:
    """:func:`verify` for a credential as a file or pasted text."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return CredentialCheck(
            messages=[gettext("This is not a credential file (it is not JSON).")]
        )
    return verify(document)
