"""A standard verifier can check our credentials with nothing but HTTP.

Digital Bazaar's reference stack (``@digitalbazaar/vc`` with the ``eddsa-rdfc-2022``
cryptosuite and the Bitstring Status List checker, pinned in package.json) checks credentials
taken from the employer API, dereferencing the issuer profile, the proof's key and the status
list from the running test server (``verify_credential.mjs``). The standard contexts come from
the npm packages and the Open Badges context from the vendored copy: nothing leaves 127.0.0.1.

Without node or the npm packages these tests are skipped, saying so, except in CI (``CI`` set),
where they fail.
"""

import copy
import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.certificates.credentials import openbadges
from pathways.certificates.issuance import services
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import NameChoice
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.lms.accounts.profiles import profile_update
from tests.factories.certificates import CertificateTemplateFactory, CredentialReleaseFactory
from tests.factories.courses import build_course

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "verify_credential.mjs"
OB_CONTEXT = Path(openbadges.__file__).resolve().parent / "jsonld" / "context-3.0.3.json"
PACKAGES = ("vc", "eddsa-rdfc-2022-cryptosuite", "data-integrity", "vc-bitstring-status-list")


def node(root: Path = ROOT) -> str:
    executable = shutil.which("node")
    missing = [
        name for name in PACKAGES if not (root / "node_modules" / "@digitalbazaar" / name).is_dir()
    ]
    message = None
    if executable is None:
        message = "node is not installed: the reference verifier cannot run"
    elif missing:
        message = (
            f"the reference verifier's npm packages are not installed (missing "
            f"@digitalbazaar/{', @digitalbazaar/'.join(missing)}): run `npm ci` (make test does "
            "it when npm is available)"
        )
    if message:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return executable


def reference_check(origin: str, credential: dict) -> dict:
    result = subprocess.run(  # noqa: S603 (our own script, no shell)
        [node(), str(SCRIPT), "--origin", origin, "--ob-context", str(OB_CONTEXT)],
        input=json.dumps(credential).encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


@pytest.fixture
def site(transactional_db, live_server, settings):
    settings.PATHWAYS_BASE_URL = live_server.url
    cache.clear()
    yield live_server.url
    cache.clear()


@pytest.fixture
def course():
    return build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)


@pytest.fixture
def template(course):
    return CertificateTemplateFactory(courses=[course], issuer_name="Northside Skills Collective")


def issued(user, course):
    """A certificate issued as completing the course issues it (a completed enrolment)."""
    Enrolment.objects.get_or_create(
        user=user,
        course=course,
        defaults={"status": EnrolmentStatus.COMPLETED, "completed_at": timezone.now()},
    )
    return services.certificate_issue(user=user, course=course)


def from_employer_api(site: str, raw_key: str, certificate) -> dict:
    """The signed credential as a partner employer's system downloads it."""
    path = reverse(
        "api:employer-credential-badge", args=[format_code(certificate.verification_code)]
    )
    request = urllib.request.Request(  # noqa: S310 (the live test server)
        site + path, headers={"Authorization": f"Bearer {raw_key}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200
        return json.load(response)


@pytest.fixture
def shared(site, participant, employer_org, employer_key, template, course):
    """A certificate issued to ``participant`` and shared with ``employer_org``; with the
    credential the employer API hands out."""
    certificate = issued(participant, course)
    CredentialReleaseFactory(
        participant=participant, employer=employer_org, certificates=[certificate]
    )
    _key, raw = employer_key
    return certificate, from_employer_api(site, raw, certificate)


def test_reference_verifier_accepts_a_credential_from_the_employer_api(site, shared):
    certificate, credential = shared
    assert credential["issuer"]["id"].startswith(site)
    result = reference_check(site, credential)
    assert result == {
        "verified": True,
        "signatureVerified": True,
        "statusChecked": True,
        "revoked": False,
        "errors": [],
    }


def test_issuer_profile_the_reference_verifier_reads_carries_the_credentials_issuer_name(
    site, shared
):
    _certificate, credential = shared
    with urllib.request.urlopen(credential["issuer"]["id"], timeout=30) as response:  # noqa: S310
        profile = json.load(response)
    assert profile["name"] == credential["issuer"]["name"] == "Northside Skills Collective"
    method = credential["proof"]["verificationMethod"]
    assert "#" not in method
    assert method in profile["assertionMethod"]
    with urllib.request.urlopen(method, timeout=30) as response:  # noqa: S310
        key = json.load(response)
    assert key["@context"] == "https://w3id.org/security/multikey/v1"
    assert key["type"] == "Multikey"
    assert key["id"] == method
    assert key["controller"] == profile["id"]


def test_reference_verifier_refuses_a_tampered_copy(site, shared):
    _certificate, credential = shared
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    result = reference_check(site, tampered)
    assert not result["verified"]
    assert not result["signatureVerified"]


def test_reference_verifier_reports_a_revoked_credential_as_revoked(site, shared, staff):
    certificate, credential = shared
    services.certificate_revoke(certificate=certificate, actor=staff, reason="Issued by mistake")
    result = reference_check(site, credential)
    assert result["signatureVerified"]
    assert result["statusChecked"]
    assert result["revoked"]
    assert not result["verified"]


def test_reference_verifier_reports_a_replaced_credential_as_no_longer_valid(
    site, shared, participant
):
    certificate, old_credential = shared
    profile_update(participant, legal_name="Maria Quintero")
    # Once its PDF is made, changing the name printed replaces the certificate.
    certificate.pdf.save("made.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    newer = services.certificate_set_name_choice(
        certificate=certificate, user=participant, name_choice=NameChoice.LEGAL
    )
    assert newer.pk != certificate.pk

    old = reference_check(site, old_credential)
    assert old["signatureVerified"]
    assert old["revoked"]
    assert not old["verified"]
    current = reference_check(site, newer.credential)
    assert current["verified"], current


def test_without_the_npm_packages_the_checks_skip_saying_why_except_in_ci(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="npm ci"):
        node(tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="npm ci"):
        node(tmp_path)
