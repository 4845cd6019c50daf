"""Open Badges 3.0 credentials: the 1EdTech test vector, signing, checking, keys, status list."""

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pathways.certificates.credentials import openbadges
from pathways.certificates.credentials.models import IssuerKey
from pathways.certificates.credentials.openbadges import (
    CanonicalizationError,
    IssuerKeyError,
    active_issuer_key,
    build_credential,
    canonicalize,
    create_proof,
    document_loader,
    hash_data,
    issue_credential,
    issuer_of,
    issuer_profile,
    public_key_from_multibase,
    public_key_multibase,
    sign,
    status_list_credential,
    verify,
    verify_json,
    verify_proof,
)
from pathways.certificates.credentials.services import issuer_key_create, issuer_key_rotate
from pathways.certificates.issuance.codes import verification_url
from tests.certificates.openbadges_support import (
    ISSUER_NAME,
    decode_status_list,
    make_certificate,
    status_bit,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "openbadges"
VENDORED_CONTEXT = Path(openbadges.__file__).resolve().parent / "jsonld" / "context-3.0.3.json"
# A copy of 1EdTech's test vector kept with the tests, so the signing test never skips; when the
# shared folder is there (as in CI), the copies are checked against it.
VECTOR = SHARED if SHARED.is_dir() else Path(__file__).resolve().parent / "data"

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="the shared Open Badges test data is not present"
)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def base_url(settings):
    settings.PATHWAYS_BASE_URL = "https://learn.example.org"
    settings.PATHWAYS_BRAND_NAME = "Pathways Learning"
    return settings.PATHWAYS_BASE_URL


@pytest.fixture
def certificate(db, base_url):
    return make_certificate()


# The 1EdTech test vector ------------------------------------------------------------------


@pytest.fixture(scope="module")
def vector():
    return json.loads((VECTOR / "testvector-eddsa-rdfc-2022.json").read_text())


@needs_shared
def test_vendored_context_is_identical_to_the_shared_copy():
    assert VENDORED_CONTEXT.read_bytes() == (SHARED / "context-3.0.3.json").read_bytes()


@needs_shared
def test_test_vector_copy_kept_with_the_tests_is_identical_to_the_shared_one():
    kept = Path(__file__).resolve().parent / "data"
    for name in (
        "testvector-eddsa-rdfc-2022.json",
        "testvector-document-canon.nq",
        "testvector-proof-canon.nq",
    ):
        assert (kept / name).read_bytes() == (SHARED / name).read_bytes()


def test_test_vector_canonical_forms_are_byte_identical(vector):
    document = vector["unsignedCredential"]
    proof_options = {**vector["proofOptions"], "@context": document["@context"]}
    assert canonicalize(document) == (VECTOR / "testvector-document-canon.nq").read_text()
    assert canonicalize(proof_options) == (VECTOR / "testvector-proof-canon.nq").read_text()


def test_test_vector_hashes_signature_and_proof_value_are_reproduced(vector):
    expected = vector["expected"]
    document = vector["unsignedCredential"]
    data = hash_data(document, vector["proofOptions"])
    assert data[:32].hex() == expected["proofHashHex"]
    assert data[32:].hex() == expected["documentHashHex"]

    seed = bytes.fromhex(vector["keypair"]["privateKeyHex"])[:32]
    private_key = Ed25519PrivateKey.from_private_bytes(seed)
    assert private_key.sign(data).hex() == expected["signatureHex"]
    assert public_key_multibase(private_key.public_key()) == vector["keypair"]["publicKeyMultibase"]
    assert private_key.public_key().public_bytes_raw().hex() == vector["keypair"]["publicKeyHex"]

    proof = create_proof(
        document,
        private_key=private_key,
        verification_method=vector["proofOptions"]["verificationMethod"],
        created=datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC),
    )
    assert {k: v for k, v in proof.items() if k != "proofValue"} == vector["proofOptions"]
    assert proof["proofValue"] == expected["proofValue"]

    public_key = public_key_from_multibase(vector["keypair"]["publicKeyMultibase"])
    assert verify_proof(document, proof, public_key)
    tampered = copy.deepcopy(document)
    tampered["name"] = "Leadership Badge"
    assert not verify_proof(tampered, proof, public_key)


# No network ---------------------------------------------------------------------------------


def test_loader_refuses_a_context_it_does_not_hold():
    with pytest.raises(Exception, match="outside the allowed set"):
        document_loader()("https://example.com/contexts/evil.jsonld", {})


def test_canonicalising_a_document_with_an_unknown_context_fails_without_fetching(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(CanonicalizationError):
        canonicalize({"@context": "https://example.com/contexts/evil.jsonld", "name": "x"})


def test_loader_serves_the_vendored_open_badges_context():
    remote = document_loader()(openbadges.OB_CONTEXT_URL, {})
    assert remote["document"] == json.loads(VENDORED_CONTEXT.read_text())


def test_canonicalisation_refuses_terms_the_contexts_do_not_define(certificate):
    credential = build_credential(certificate)
    credential["secretNote"] = "not covered by any context"
    with pytest.raises(CanonicalizationError):
        canonicalize(credential)


# Building, signing and checking -----------------------------------------------------------


def test_credential_is_an_open_badge_saying_only_what_was_printed(certificate, base_url):
    credential = build_credential(certificate)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == verification_url(certificate.verification_code)
    issuer = issuer_of(certificate)
    assert credential["issuer"] == {
        "id": base_url + reverse("credentials:issuer", args=[issuer.public_id]),
        "type": ["Profile"],
        "name": ISSUER_NAME,
    }
    assert credential["name"] == "Certificate of Completion"
    subject = credential["credentialSubject"]
    assert subject["identifier"] == [
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Maya"}
    ]
    assert subject["achievement"]["name"] == "Workplace Readiness"
    assert subject["achievement"]["creator"]["name"] == ISSUER_NAME
    assert subject["achievement"]["id"].startswith("urn:uuid:")
    assert credential["validFrom"].endswith("Z")
    assert "validUntil" not in credential
    list_url = base_url + reverse("credentials:status_list", args=[issuer.public_id])
    assert credential["credentialStatus"] == {
        "id": f"{list_url}#{certificate.status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(certificate.status_list_index),
        "statusListCredential": list_url,
    }
    # Every term is defined by the two contexts: nothing would be dropped unsigned.
    canonicalize(credential)


def test_credential_carries_no_email_address_or_unprinted_legal_name(certificate):
    text = json.dumps(issue_credential(certificate))
    assert "@example.org" not in text
    assert "Maria Quintero" not in text
    assert "Maya" in text
    assert "@" not in text.replace('"@context"', "")


def test_credential_carries_the_legal_name_when_it_was_printed(db, base_url):
    certificate = make_certificate(name_choice="legal", printed_name="Maria Quintero")
    text = json.dumps(issue_credential(certificate))
    assert "Maria Quintero" in text
    assert "@example.org" not in text


def test_achievement_id_is_the_same_for_every_holder(certificate):
    other = make_certificate(course=certificate.course, template=certificate.template)
    assert (
        build_credential(certificate)["credentialSubject"]["achievement"]["id"]
        == build_credential(other)["credentialSubject"]["achievement"]["id"]
    )


def test_signed_credential_verifies(certificate):
    credential = issue_credential(certificate)
    proof = credential["proof"]
    key = IssuerKey.objects.get()
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == "https://learn.example.org" + reverse(
        "credentials:key", args=[issuer_of(certificate).public_id, key.public_key_multibase]
    )
    assert proof["proofValue"].startswith("z")

    check = verify(credential)
    assert check.signature_valid
    assert check.issuer_known
    assert check.status == "valid"
    assert check.ok
    assert check.name == "Maya"
    assert check.title == "Certificate of Completion"
    assert check.achievement == "Workplace Readiness"
    assert check.issuer_name == ISSUER_NAME


def test_a_credential_survives_storage_as_json(certificate):
    certificate.credential = issue_credential(certificate)
    certificate.save(update_fields=["credential"])
    certificate.refresh_from_db()
    assert verify(certificate.credential).ok
    assert verify_json(json.dumps(certificate.credential, indent=4)).ok


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Someone Else"),
        lambda c: c.update(name="Certificate of Excellence"),
        lambda c: c["credentialSubject"]["achievement"].update(name="Advanced Welding"),
        lambda c: c["issuer"].update(name="Another Issuer"),
        lambda c: c.update(validFrom="2001-01-01T00:00:00Z"),
        lambda c: c["credentialStatus"].update(statusListIndex="999999"),
        lambda c: c["proof"].update(created="2001-01-01T00:00:00Z"),
        lambda c: c.update(secretNote="added after signing"),
        lambda c: c["proof"].update(proofValue="z" + "1" * 80),
    ],
)
def test_tampering_is_detected(certificate, tamper):
    credential = issue_credential(certificate)
    tamper(credential)
    check = verify(credential)
    assert not check.signature_valid
    assert check.status == "unknown"
    assert not check.ok
    assert check.name == ""
    assert check.messages


def test_a_credential_signed_by_another_key_is_not_vouched_for(certificate):
    credential = build_credential(certificate)
    stranger = Ed25519PrivateKey.generate()
    fingerprint = public_key_multibase(stranger.public_key())
    unsecured = dict(credential)
    proof = create_proof(
        unsecured,
        private_key=stranger,
        verification_method=f"{credential['issuer']['id']}keys/{fingerprint}/",
        created=timezone.now(),
    )
    check = verify({**unsecured, "proof": proof})
    assert not check.issuer_known
    assert not check.signature_valid
    assert check.status == "unknown"


def test_a_credential_claiming_another_issuer_is_not_vouched_for(certificate):
    credential = build_credential(certificate)
    credential["issuer"]["id"] = "https://elsewhere.example.com/issuer"
    check = verify(sign(credential, key=active_issuer_key(), issuer=issuer_of(certificate)))
    assert not check.issuer_known
    assert not check.ok


@pytest.mark.parametrize(
    "document",
    [None, [], "text", 42, {}, {"proof": {}}, {"@context": ["https://example.com/x"], "proof": {}}],
)
def test_things_that_are_not_credentials_are_not_readable(db, base_url, document):
    check = verify(document)
    assert not check.signature_valid
    assert not check.issuer_known
    assert check.status == "unknown"
    assert check.messages


def test_revoked_credential_is_reported_revoked_and_its_bit_is_set(certificate):
    credential = issue_credential(certificate)
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])

    check = verify(credential)
    assert check.signature_valid
    assert check.status == "revoked"
    assert not check.ok

    bits = decode_status_list(
        status_list_credential(issuer_of(certificate))["credentialSubject"]["encodedList"]
    )
    assert status_bit(bits, certificate.status_list_index)


def test_expired_credential_is_reported_expired(db, base_url):
    certificate = make_certificate(
        issued_at=timezone.now() - timedelta(days=400),
        expires_at=timezone.now() - timedelta(days=35),
    )
    credential = issue_credential(certificate)
    assert credential["validUntil"].endswith("Z")
    check = verify(credential)
    assert check.signature_valid
    assert check.status == "expired"
    assert check.valid_until is not None


def test_credential_still_within_its_validity_is_valid(db, base_url):
    certificate = make_certificate(expires_at=timezone.now() + timedelta(days=30))
    assert verify(issue_credential(certificate)).status == "valid"


def test_revocation_wins_over_expiry(db, base_url):
    certificate = make_certificate(
        issued_at=timezone.now() - timedelta(days=400),
        expires_at=timezone.now() - timedelta(days=35),
    )
    credential = issue_credential(certificate)
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])
    assert verify(credential).status == "revoked"


def test_a_credential_whose_certificate_is_gone_has_unknown_status(certificate):
    credential = issue_credential(certificate)
    certificate.status_list_index = None
    certificate.save(update_fields=["status_list_index"])
    check = verify(credential)
    assert check.signature_valid
    assert check.status == "unknown"


def test_building_needs_the_status_list_index(certificate):
    certificate.status_list_index = None
    with pytest.raises(ValueError):
        build_credential(certificate)


# Keys -----------------------------------------------------------------------------------


def test_first_use_creates_a_key(db, base_url, caplog):
    assert not IssuerKey.objects.exists()
    key = active_issuer_key()
    assert key.retired_at is None
    assert len(key.private_key_seed_hex) == 64
    assert active_issuer_key() == key
    assert IssuerKey.objects.count() == 1


def test_create_is_refused_when_an_active_key_exists(db):
    issuer_key_create()
    with pytest.raises(IssuerKeyError):
        issuer_key_create()


def test_rotation_keeps_old_credentials_verifying(certificate):
    old_credential = issue_credential(certificate)
    old_key = IssuerKey.objects.get()

    new_key = issuer_key_rotate()
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    assert old_key.private_key_seed_hex == ""  # it never signs again
    assert active_issuer_key() == new_key

    assert verify(old_credential).ok
    new_credential = issue_credential(certificate)
    assert new_credential["proof"]["verificationMethod"].endswith(
        f"/keys/{new_key.public_key_multibase}/"
    )
    assert verify(new_credential).ok
    with pytest.raises(IssuerKeyError):
        sign(build_credential(certificate), key=old_key, issuer=issuer_of(certificate))


def test_issuer_profile_lists_active_and_retired_keys(certificate, base_url):
    first = issuer_key_create()
    second = issuer_key_rotate()
    issuer = issuer_of(certificate)
    profile = issuer_profile(issuer)
    profile_id = base_url + reverse("credentials:issuer", args=[issuer.public_id])
    assert profile["id"] == profile_id
    assert profile["type"] == ["Profile"]
    # The very name its credentials carry as their issuer's.
    assert profile["name"] == ISSUER_NAME == build_credential(certificate)["issuer"]["name"]
    methods = {method["publicKeyMultibase"]: method for method in profile["verificationMethod"]}
    assert set(methods) == {first.public_key_multibase, second.public_key_multibase}
    for fingerprint, method in methods.items():
        assert method == {
            "id": base_url + reverse("credentials:key", args=[issuer.public_id, fingerprint]),
            "type": "Multikey",
            "controller": profile_id,
            "publicKeyMultibase": fingerprint,
        }
        assert public_key_from_multibase(fingerprint) is not None
    assert sorted(profile["assertionMethod"]) == sorted(m["id"] for m in methods.values())
    assert "private" not in json.dumps(profile).lower()
    assert first.private_key_seed_hex not in json.dumps(profile)
    # Valid JSON-LD with the local contexts alone.
    canonicalize(profile)


def test_management_command_creates_rotates_and_lists_without_private_material(db):
    out = StringIO()
    call_command("issuer_key", "create", stdout=out)
    first = IssuerKey.objects.get()
    call_command("issuer_key", "rotate", stdout=out)
    second = IssuerKey.objects.get(retired_at__isnull=True)
    call_command("issuer_key", "list", stdout=out)
    text = out.getvalue()
    assert first.key_id in text and second.key_id in text
    assert "retired" in text and "active" in text
    assert second.private_key_seed_hex not in text
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("issuer_key", "create", stdout=StringIO())


# Status list ----------------------------------------------------------------------------


def test_status_list_decodes_to_the_revoked_certificates(db, base_url):
    kept = make_certificate()
    revoked = make_certificate(course=kept.course, template=kept.template)
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])

    document = status_list_credential(issuer_of(kept))
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["id"] == base_url + reverse(
        "credentials:status_list", args=[issuer_of(kept).public_id]
    )
    assert document["issuer"] == build_credential(kept)["issuer"]["id"]
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["encodedList"].startswith("u")
    bits = decode_status_list(subject["encodedList"])
    assert len(bits) * 8 >= 131_072
    assert status_bit(bits, revoked.status_list_index)
    assert not status_bit(bits, kept.status_list_index)
    assert sum(bin(byte).count("1") for byte in bits) == 1
    # Bit 0 is the most significant bit of the first byte.
    assert decode_status_list(openbadges.encode_status_list([0]))[0] == 0x80
    assert decode_status_list(openbadges.encode_status_list([9]))[1] == 0x40


def test_status_list_is_signed_by_the_issuer(certificate):
    document = status_list_credential(issuer_of(certificate))
    key = IssuerKey.objects.get()
    assert document["proof"]["verificationMethod"] == openbadges.key_url(
        issuer_of(certificate), key
    )
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    assert verify_proof(
        unsecured, document["proof"], public_key_from_multibase(key.public_key_multibase)
    )


def test_status_list_reflects_a_revocation_at_once(certificate):
    before = status_list_credential(issuer_of(certificate))
    assert status_list_credential(issuer_of(certificate)) == before  # cached, identical
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])
    after = status_list_credential(issuer_of(certificate))
    assert after != before
    assert status_bit(
        decode_status_list(after["credentialSubject"]["encodedList"]),
        certificate.status_list_index,
    )


def test_status_list_grows_past_its_minimum_size():
    encoded = openbadges.encode_status_list([200_000])
    bits = decode_status_list(encoded)
    assert len(bits) * 8 == 2 * 131_072
    assert status_bit(bits, 200_000)


def test_signing_is_deterministic_and_hash_is_stable(certificate):
    key = active_issuer_key()
    moment = timezone.now()
    credential = build_credential(certificate)
    issuer = issuer_of(certificate)
    assert sign(credential, key=key, issuer=issuer, created=moment) == sign(
        credential, key=key, issuer=issuer, created=moment
    )
    assert hashlib.sha256(canonicalize(credential).encode()).hexdigest()
