"""Demo certificates and sharing, made through the services (used by ``seed_demo``).

A "Course certificate" template covering the three demo courses, under a neutral issuer name, and
three certificates that show each status: Rosa's for the course she completed (valid); one staff
issued to Maya by mistake and revoked; and one Rosa was given for earlier peer-support training,
long enough ago that it has expired.

Rosa, the participant with certificates she can share (Maya's only one is revoked), shares with
three partner employers, one release in each state: in force with Harbour Hotels (whose web user
is Lee), ended with Northgate Logistics, stopped with Riverside Care. Harbour Hotels has looked
at what she shared a few times, and has an API key.

Idempotent: what is already there is left as it is, except the demo API key, whose full value is
shown only once: every run revokes the previous demo key and prints a new one.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pathways.certificates.credentials import openbadges
from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.employers.services import employer_key_create, employer_key_revoke
from pathways.certificates.issuance import services
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import (
    Certificate,
    CertificateStatus,
    CertificateTemplate,
)
from pathways.certificates.sharing.consent import CONSENT_VERSION, consent_language, consent_text
from pathways.certificates.sharing.models import (
    AccessChannel,
    CredentialAccess,
    CredentialRelease,
    DisclosedField,
    ReleasedCertificate,
    ReleaseMethod,
)
from pathways.certificates.sharing.services import access_record, release_create, release_revoke

TEMPLATE_NAME = "Course certificate"
VALIDITY_DAYS = 730


def _template(courses: dict, created: list[str]) -> CertificateTemplate:
    template = CertificateTemplate.objects.filter(name=TEMPLATE_NAME).first()
    if template is None:
        template = CertificateTemplate.objects.create(
            name=TEMPLATE_NAME,
            title="Certificate of Completion",
            issuer_name="Northstar Skills Institute",
            signatory_name="Jordan Ellis",
            signatory_title="Programme Director",
            wording="has successfully completed",
            validity_days=VALIDITY_DAYS,
        )
        created.append(f"certificate template {TEMPLATE_NAME}")
    # Staff edit templates in the admin, where every save keeps a revision: do the same here.
    template.courses.add(*courses.values())
    if template.latest_revision_id is None:
        template.save_revision(clean=False)
    return template


def _existing(user, course) -> Certificate | None:
    """Any certificate she ever had for the course, current or replaced."""
    key = services.achievement_key(course=course)
    return Certificate.objects.filter(user=user, achievement_key=key).order_by("pk").first()


def _backdate(certificate: Certificate, *, days: int) -> Certificate:
    """Demo only: move an issue into the past, as if made ``days`` ago, and sign it again.

    The product never does this; it lets the demo show an expired certificate today.
    """
    issued_at = timezone.now() - timedelta(days=days)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=issued_at,
        completed_on=timezone.localdate(issued_at),
        expires_at=issued_at + timedelta(days=VALIDITY_DAYS),
    )
    certificate.refresh_from_db()
    certificate.credential = openbadges.issue_credential(certificate)
    certificate.save(update_fields=["credential"])
    return certificate


def _line(username: str, certificate: Certificate) -> str:
    code = format_code(certificate.verification_code)
    try:
        url = reverse("verify:code", args=[certificate.verification_code])
    except NoReverseMatch:
        url = ""
    status = str(certificate.status)
    return f"  {username:<6} {status:<8} {code}  {certificate.printed_achievement}  {url}"


def seed_certificates(*, users: dict, courses: dict, created: list[str]) -> list[str]:
    """The demo template and certificates; returns lines naming each certificate and its code."""
    staff = users["sam"]
    _template(courses, created)
    customer_service = courses["customer-service-fundamentals"]
    peer_support = courses["leading-peer-support-groups"]

    # Rosa completed Customer Service Fundamentals: her certificate is the one issued on completion.
    rosa = users["rosa"]
    valid = _existing(rosa, customer_service)
    if valid is None:
        valid = services.certificate_issue(user=rosa, course=customer_service)
        created.append(f"certificate for rosa: {customer_service.title} (valid)")

    maya = users["maya"]
    revoked = _existing(maya, peer_support)
    if revoked is None:
        revoked = services.certificate_issue(
            user=maya,
            course=peer_support,
            issued_by=staff,
            reason="Recognised prior learning",
            override_completion=True,
        )
        revoked = services.certificate_revoke(
            certificate=revoked, actor=staff, reason="Issued in error"
        )
        created.append(f"certificate for maya: {peer_support.title} (revoked)")

    expired = _existing(rosa, peer_support)
    if expired is None:
        expired = services.certificate_issue(
            user=rosa,
            course=peer_support,
            issued_by=staff,
            reason="Recognised prior learning: peer support training at a partner programme",
            override_completion=True,
        )
        expired = _backdate(expired, days=VALIDITY_DAYS + 60)
        created.append(f"certificate for rosa: {peer_support.title} (expired)")

    return [
        "Demo certificates (codes can be checked on the verification page):",
        _line("rosa", valid),
        _line("maya", revoked),
        _line("rosa", expired),
    ]


# Sharing with employers --------------------------------------------------------------------

EMPLOYER_NAME = "Harbour Hotels"
ENDED_EMPLOYER_NAME = "Northgate Logistics"
STOPPED_EMPLOYER_NAME = "Riverside Care"
DEMO_KEY_NAME = "Demo key"
EMPLOYER_CREDENTIALS_PATH = "/api/v1/employer/credentials/"


def _employer(name: str, created: list[str]) -> EmployerOrganisation:
    employer, made = EmployerOrganisation.objects.get_or_create(name=name)
    if made:
        created.append(f"partner employer {name}")
    return employer


def _shares_with(participant, employer: EmployerOrganisation) -> bool:
    return CredentialRelease.objects.filter(participant=participant, employer=employer).exists()


def _ended_release(*, participant, employer: EmployerOrganisation, certificate) -> None:
    """Demo only: a release signed months ago whose end date has passed. The service refuses
    end dates in the past, so the row is written directly, as the service would have then."""
    signed = timezone.now() - timedelta(days=200)
    release = CredentialRelease.objects.create(
        participant=participant,
        employer=employer,
        disclosed_fields=[DisclosedField.DATES, DisclosedField.SKILLS],
        purpose="Job application: warehouse team member",
        consent_version=CONSENT_VERSION,
        consent_text=consent_text(employer_name=employer.name),
        consent_language=consent_language(),
        signature=participant.chosen_name,
        method=ReleaseMethod.ONLINE,
        created_at=signed,
        expires_at=signed + timedelta(days=90),
    )
    ReleasedCertificate.objects.create(release=release, certificate=certificate)


def _looks(*, release: CredentialRelease, key, employer_user) -> None:
    """A few earlier looks by the employer (web page, API, a PDF download), spread over the days
    since she signed, for her "who has seen my certificates" page."""
    shared = list(release.released_certificates.select_related("release"))
    now = timezone.now()
    looks = [
        (access_record(shared=shared, channel=AccessChannel.WEB, employer_user=employer_user), 4),
        (access_record(shared=shared, channel=AccessChannel.API, api_key=key), 2),
        (
            access_record(
                shared=shared[:1], channel=AccessChannel.PDF, employer_user=employer_user
            ),
            1,
        ),
    ]
    for rows, days_ago in looks:
        CredentialAccess.objects.filter(pk__in=[row.pk for row in rows]).update(
            accessed_at=now - timedelta(days=days_ago)
        )


def _fresh_key(*, employer: EmployerOrganisation, staff):
    """Revoke the earlier demo keys (their full value was shown once) and make a new one."""
    for old in employer.api_keys.filter(name=DEMO_KEY_NAME, revoked_at__isnull=True):
        employer_key_revoke(key=old, actor=staff)
    return employer_key_create(employer=employer, name=DEMO_KEY_NAME, actor=staff)


def seed_sharing(*, users: dict, created: list[str]) -> list[str]:
    """Rosa's three releases, the employers' looks and a fresh demo API key; returns the lines
    to print, with the key and a curl command that uses it."""
    rosa, lee, staff = users["rosa"], users["lee"], users["sam"]
    harbour = _employer(EMPLOYER_NAME, created)
    harbour.users.add(lee)
    northgate = _employer(ENDED_EMPLOYER_NAME, created)
    riverside = _employer(STOPPED_EMPLOYER_NAME, created)
    current = list(
        Certificate.objects.filter(user=rosa, superseded_by__isnull=True, revoked_at__isnull=True)
        .exclude(course=None)
        .order_by("pk")
    )
    if not current:
        return []
    valid = [c for c in current if c.status == CertificateStatus.VALID][:1] or current[:1]

    key = raw_key = None
    if not _shares_with(rosa, harbour):
        release = release_create(
            participant=rosa,
            employer=harbour,
            certificates=current,
            disclosed_fields=DisclosedField.values,
            purpose="Job application: front desk assistant",
            ends_on=None,
            signature=rosa.chosen_name,
            actor=rosa,
        )
        CredentialRelease.objects.filter(pk=release.pk).update(
            created_at=release.created_at - timedelta(days=5)
        )
        key, raw_key = _fresh_key(employer=harbour, staff=staff)
        _looks(release=release, key=key, employer_user=lee)
        created.append(f"release: rosa shares {len(current)} certificates with {EMPLOYER_NAME}")
    if not _shares_with(rosa, northgate):
        _ended_release(participant=rosa, employer=northgate, certificate=valid[0])
        created.append(f"release: rosa shared with {ENDED_EMPLOYER_NAME} (ended)")
    if not _shares_with(rosa, riverside):
        release = release_create(
            participant=rosa,
            employer=riverside,
            certificates=valid,
            disclosed_fields=[DisclosedField.DATES],
            purpose="Volunteer application",
            ends_on=None,
            signature=rosa.chosen_name,
            actor=rosa,
        )
        release_revoke(release=release, actor=rosa)
        created.append(f"release: rosa shared with {STOPPED_EMPLOYER_NAME} (stopped)")
    if raw_key is None:
        key, raw_key = _fresh_key(employer=harbour, staff=staff)

    try:
        path = reverse("api:employer-credential-list")
    except NoReverseMatch:
        path = EMPLOYER_CREDENTIALS_PATH
    return [
        f"Demo API key of {EMPLOYER_NAME} ({key.prefix}; a new one each run, the previous one "
        "is revoked):",
        f"  {raw_key}",
        "List the credentials Rosa shared with it:",
        f'  curl -H "Authorization: Bearer {raw_key}" {settings.PATHWAYS_BASE_URL}{path}',
    ]
