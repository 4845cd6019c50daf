"""Demo certificates and sharing, made through the services (used by ``seed_demo``).

Who gets which certificate, and who shares with whom, is data in ``demo_data/certificates.json``:
a certificate template covering the demo courses, and three certificates that show each status
(one valid, issued on completion; one staff issued by mistake and revoked; one given for earlier
training, long enough ago that it has expired). The participant with certificates she can share
shares with three partner employers, one release in each state: in force (with the employer
whose web user can look, and which has an API key), ended, and stopped. The employer with the
release in force has looked at what she shared a few times. This module checks the data and
tells that story with dates relative to today.

Idempotent: what is already there is left as it is, except the demo API key, whose full value is
shown only once: every run revokes the previous demo key and prints a new one.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from demo_site.demo_data import DemoDataError, at, choice, fields, items, known, read
from pathways.certificates.credentials import openbadges
from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.employers.services import employer_key_create, employer_key_revoke
from pathways.certificates.issuance import services
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import (
    Certificate,
    CertificateStatus,
    CertificateTemplate,
    CertificateTemplateTranslation,
)
from pathways.certificates.sharing.consent import (
    CONSENT_VERSION,
    consent_language,
    consent_text,
    participant_language,
)
from pathways.certificates.sharing.models import (
    AccessChannel,
    CredentialAccess,
    CredentialRelease,
    DisclosedField,
    ReleasedCertificate,
    ReleaseMethod,
)
from pathways.certificates.sharing.services import access_record, release_create, release_revoke
from pathways.lms.accounts.names import chosen_name_of

CERTIFICATES_FILE = "certificates"
# How far back the demo dates go: the release in force was signed this many days ago, the ended
# one this many days ago (for this long), and the expired certificate is this much past its end.
IN_FORCE_SIGNED_DAYS_AGO = 5
ENDED_SIGNED_DAYS_AGO = 200
ENDED_RELEASE_DAYS = 90
EXPIRED_DAYS_AGO = 60
EMPLOYER_CREDENTIALS_PATH = "/api/v1/employer/credentials/"


@dataclass(frozen=True)
class DemoCertificates:
    """``certificates.json``, checked."""

    template: dict[str, Any]
    valid: dict[str, str]
    revoked: dict[str, str]
    expired: dict[str, str]
    sharing: dict[str, Any]


def _release(value: Any, where: str, *, usernames, extra: dict[str, type]) -> dict[str, Any]:
    release = fields(
        value,
        where,
        required={"employer": str, "purpose": str, "disclosed_fields": list, **extra},
    )
    release["disclosed_fields"] = [
        choice(name, DisclosedField, place)
        for place, name in items(release["disclosed_fields"], at(where, "disclosed_fields"), str)
    ]
    if "employer_users" in release:
        users_at = at(where, "employer_users")
        for place, username in items(release["employer_users"], users_at, str):
            known(username, usernames, place)
        if not release["employer_users"]:
            raise DemoDataError(f"{users_at}: name at least one, who looks at what is shared.")
    return release


def load_certificates(*, usernames: Collection[str], courses: Collection[str]) -> DemoCertificates:
    """``certificates.json``, checked against the demo people and courses."""
    where = f"{CERTIFICATES_FILE}.json"
    data = fields(
        read(CERTIFICATES_FILE),
        where,
        required={"template": dict, "certificates": dict, "sharing": dict},
    )
    template = fields(
        data["template"],
        at(where, "template"),
        required={
            "name": str,
            "title": str,
            "issuer_name": str,
            "signatory_name": str,
            "signatory_title": str,
            "wording": str,
            "validity_days": int,
        },
        optional={"translations": (dict, {})},
    )
    # The title and wording in other languages: a participant who prefers one gets hers in it.
    languages = {code for code, _name in settings.LANGUAGES}
    for code, words in template["translations"].items():
        place = at(at(where, "template"), f"translations.{code}")
        known(code, languages, place)
        template["translations"][code] = fields(
            words,
            place,
            required={"title": str, "wording": str},
            optional={"signatory_title": (str, "")},
        )
    certificates_at = at(where, "certificates")
    certificates = fields(
        data["certificates"],
        certificates_at,
        required={"valid": dict, "revoked": dict, "expired": dict},
    )
    # Beside its holder and course: who issued it and why, when staff did rather than completion.
    by_staff = {"issued_by": str, "reason": str}
    kinds = {
        "valid": {},
        "revoked": {**by_staff, "revocation_reason": str},
        "expired": by_staff,
    }
    for kind, extra in kinds.items():
        place = at(certificates_at, kind)
        spec = fields(certificates[kind], place, required={"user": str, "course": str, **extra})
        for key in ("user", "issued_by"):
            if key in spec:
                known(spec[key], usernames, at(place, key))
        known(spec["course"], courses, at(place, "course"))
        certificates[kind] = spec
    sharing_at = at(where, "sharing")
    sharing = fields(
        data["sharing"],
        sharing_at,
        required={
            "participant": str,
            "staff": str,
            "in_force": dict,
            "ended": dict,
            "stopped": dict,
        },
    )
    for key in ("participant", "staff"):
        known(sharing[key], usernames, at(sharing_at, key))
    sharing["in_force"] = _release(
        sharing["in_force"],
        at(sharing_at, "in_force"),
        usernames=usernames,
        extra={"employer_users": list, "api_key_name": str},
    )
    for state in ("ended", "stopped"):
        sharing[state] = _release(
            sharing[state], at(sharing_at, state), usernames=usernames, extra={}
        )
    return DemoCertificates(template=template, sharing=sharing, **certificates)


def _template(spec: dict[str, Any], courses: dict, created: list[str]) -> CertificateTemplate:
    spec = dict(spec)
    words = spec.pop("translations", {})
    template = CertificateTemplate.objects.filter(name=spec["name"]).first()
    if template is None:
        template = CertificateTemplate.objects.create(**spec)
        created.append(f"certificate template {spec['name']}")
    for language, translated in words.items():
        _words, made = CertificateTemplateTranslation.objects.get_or_create(
            template=template, language=language, defaults=translated
        )
        if made:
            created.append(f"certificate template {spec['name']} in {language}")
    # Staff edit templates in the admin, where every save keeps a revision: do the same here.
    template.courses.add(*courses.values())
    if template.latest_revision_id is None:
        template.save_revision(clean=False)
    return template


def _existing(user, course) -> Certificate | None:
    """Any certificate she ever had for the course, current or replaced."""
    key = services.achievement_key(course=course)
    return Certificate.objects.filter(user=user, achievement_key=key).order_by("pk").first()


def _backdate(certificate: Certificate, *, days: int, validity_days: int) -> Certificate:
    """Demo only: move an issue into the past, as if made ``days`` ago, and sign it again.

    The product never does this; it lets the demo show an expired certificate today.
    """
    issued_at = timezone.now() - timedelta(days=days)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=issued_at,
        completed_on=timezone.localdate(issued_at),
        expires_at=issued_at + timedelta(days=validity_days),
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


def seed_certificates(
    *, plan: DemoCertificates, users: dict, courses: dict, created: list[str]
) -> list[str]:
    """The demo template and certificates; returns lines naming each certificate and its code."""
    _template(plan.template, courses, created)

    # The valid one is the certificate issued on completing the course.
    spec = plan.valid
    user, course = users[spec["user"]], courses[spec["course"]]
    valid = _existing(user, course)
    if valid is None:
        valid = services.certificate_issue(user=user, course=course)
        created.append(f"certificate for {spec['user']}: {course.title} (valid)")

    spec = plan.revoked
    user, course, staff = users[spec["user"]], courses[spec["course"]], users[spec["issued_by"]]
    revoked = _existing(user, course)
    if revoked is None:
        revoked = services.certificate_issue(
            user=user,
            course=course,
            issued_by=staff,
            reason=spec["reason"],
            override_completion=True,
        )
        revoked = services.certificate_revoke(
            certificate=revoked, actor=staff, reason=spec["revocation_reason"]
        )
        created.append(f"certificate for {spec['user']}: {course.title} (revoked)")

    spec = plan.expired
    user, course, staff = users[spec["user"]], courses[spec["course"]], users[spec["issued_by"]]
    expired = _existing(user, course)
    if expired is None:
        expired = services.certificate_issue(
            user=user,
            course=course,
            issued_by=staff,
            reason=spec["reason"],
            override_completion=True,
        )
        validity_days = plan.template["validity_days"]
        expired = _backdate(
            expired, days=validity_days + EXPIRED_DAYS_AGO, validity_days=validity_days
        )
        created.append(f"certificate for {spec['user']}: {course.title} (expired)")

    return [
        "Demo certificates (codes can be checked on the verification page):",
        _line(plan.valid["user"], valid),
        _line(plan.revoked["user"], revoked),
        _line(plan.expired["user"], expired),
    ]


# Sharing with employers --------------------------------------------------------------------


def _employer(name: str, created: list[str]) -> EmployerOrganisation:
    employer, made = EmployerOrganisation.objects.get_or_create(name=name)
    if made:
        created.append(f"partner employer {name}")
    return employer


def _shares_with(participant, employer: EmployerOrganisation) -> bool:
    return CredentialRelease.objects.filter(participant=participant, employer=employer).exists()


def _ended_release(*, participant, employer: EmployerOrganisation, certificate, spec) -> None:
    """Demo only: a release signed months ago whose end date has passed. The service refuses
    end dates in the past, so the row is written directly, as the service would have then."""
    signed = timezone.now() - timedelta(days=ENDED_SIGNED_DAYS_AGO)
    release = CredentialRelease.objects.create(
        participant=participant,
        employer=employer,
        disclosed_fields=spec["disclosed_fields"],
        purpose=spec["purpose"],
        consent_version=CONSENT_VERSION,
        # In the language she read it in: her own.
        consent_text=consent_text(
            employer_name=employer.name, language=participant_language(participant)
        ),
        consent_language=consent_language(participant_language(participant)),
        signature=chosen_name_of(participant),
        method=ReleaseMethod.ONLINE,
        created_at=signed,
        expires_at=signed + timedelta(days=ENDED_RELEASE_DAYS),
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


def _fresh_key(*, employer: EmployerOrganisation, name: str, staff):
    """Revoke the earlier demo keys (their full value was shown once) and make a new one."""
    for old in employer.api_keys.filter(name=name, revoked_at__isnull=True):
        employer_key_revoke(key=old, actor=staff)
    return employer_key_create(employer=employer, name=name, actor=staff)


def seed_sharing(*, plan: DemoCertificates, users: dict, created: list[str]) -> list[str]:
    """The participant's three releases, the employer's looks and a fresh demo API key; returns
    the lines to print, with the key and a curl command that uses it."""
    spec = plan.sharing
    in_force, ended, stopped = spec["in_force"], spec["ended"], spec["stopped"]
    participant, staff = users[spec["participant"]], users[spec["staff"]]
    username = participant.username
    employer = _employer(in_force["employer"], created)
    employer_users = [users[name] for name in in_force["employer_users"]]
    employer.users.add(*employer_users)
    ended_employer = _employer(ended["employer"], created)
    stopped_employer = _employer(stopped["employer"], created)
    current = list(
        Certificate.objects.filter(
            user=participant, superseded_by__isnull=True, revoked_at__isnull=True
        )
        .exclude(course=None)
        .order_by("pk")
    )
    if not current:
        return []
    valid = [c for c in current if c.status == CertificateStatus.VALID][:1] or current[:1]

    key = raw_key = None
    if not _shares_with(participant, employer):
        release = release_create(
            participant=participant,
            employer=employer,
            certificates=current,
            disclosed_fields=in_force["disclosed_fields"],
            purpose=in_force["purpose"],
            ends_on=None,
            signature=chosen_name_of(participant),
            actor=participant,
            # Signed online with her pages in her language.
            language=participant_language(participant),
        )
        CredentialRelease.objects.filter(pk=release.pk).update(
            created_at=release.created_at - timedelta(days=IN_FORCE_SIGNED_DAYS_AGO)
        )
        key, raw_key = _fresh_key(employer=employer, name=in_force["api_key_name"], staff=staff)
        _looks(release=release, key=key, employer_user=employer_users[0])
        created.append(
            f"release: {username} shares {len(current)} certificates with {employer.name}"
        )
    if not _shares_with(participant, ended_employer):
        _ended_release(
            participant=participant, employer=ended_employer, certificate=valid[0], spec=ended
        )
        created.append(f"release: {username} shared with {ended_employer.name} (ended)")
    if not _shares_with(participant, stopped_employer):
        release = release_create(
            participant=participant,
            employer=stopped_employer,
            certificates=valid,
            disclosed_fields=stopped["disclosed_fields"],
            purpose=stopped["purpose"],
            ends_on=None,
            signature=chosen_name_of(participant),
            actor=participant,
            # Signed online with her pages in her language.
            language=participant_language(participant),
        )
        release_revoke(release=release, actor=participant)
        created.append(f"release: {username} shared with {stopped_employer.name} (stopped)")
    if raw_key is None:
        key, raw_key = _fresh_key(employer=employer, name=in_force["api_key_name"], staff=staff)

    try:
        path = reverse("api:employer-credential-list")
    except NoReverseMatch:
        path = EMPLOYER_CREDENTIALS_PATH
    return [
        f"Demo API key of {employer.name} ({key.prefix}; a new one each run, the previous one "
        "is revoked):",
        f"  {raw_key}",
        f"List the credentials {chosen_name_of(participant)} shared with it:",
        f'  curl -H "Authorization: Bearer {raw_key}" {settings.PATHWAYS_BASE_URL}{path}',
    ]
