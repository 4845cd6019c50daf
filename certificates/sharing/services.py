"""Writes for sharing certificates with employers: grant, renew (supersede) and revoke.

A release is informed (she reads a versioned consent text), written (she types her name),
specific (one employer, the exact certificates and details), time-limited (90 days by default,
at most 365) and revocable at once. Staff may record a release or a revocation given on paper or
orally; it is marked as such, and written to the release's history here. Disclosures are
recorded by ``access_record``.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from pathways.certificates.employers.models import EmployerApiKey, EmployerOrganisation
from pathways.certificates.issuance.models import Certificate
from pathways.certificates.sharing.consent import (
    CONSENT_VERSION,
    consent_language,
    consent_languages,
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
from pathways.lms.accounts.names import (
    chosen_name_of,
    legal_name_of,
    normalise_name,
    validate_person_name,
)
from pathways.lms.accounts.roles import is_programme_staff

User = get_user_model()

# History entries of consent, or a request to stop, that staff recorded (registered in
# ``wagtail_hooks``). What she does online herself is in her own sharing pages instead.
RECORD_RELEASE_ACTION = "pathways.release.record"
RECORD_REVOCATION_ACTION = "pathways.release.record_revocation"
DEFAULT_RELEASE_DAYS = 90
MAX_RELEASE_DAYS = 365
ALWAYS_DISCLOSED = ["name", "title", "achievement", "issuer", "status"]
# What a list of releases shows of each certificate in it.
RELEASE_SUMMARY_SHOWN = ["name", "title"]


def default_end_date(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=DEFAULT_RELEASE_DAYS)


def latest_end_date(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=MAX_RELEASE_DAYS)


def _end_of(day: date) -> datetime:
    """A release ending on ``day`` lasts through that whole day, in the site's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _normalise(name: str) -> str:
    return normalise_name(" ".join((name or "").split())).casefold()


def _check_actor(*, participant, actor, method: str) -> None:
    if method == ReleaseMethod.ONLINE:
        if actor is None or actor.pk != participant.pk:
            raise ValidationError(_("Only the participant can sign a release online."))
    elif method in (ReleaseMethod.PAPER, ReleaseMethod.ORAL):
        if actor is None or not is_programme_staff(actor):
            raise ValidationError(
                _("Only programme staff can record consent given on paper or orally.")
            )
    else:
        raise ValidationError(_("Choose how consent was given."))


def _clean_fields(fields: Iterable[str]) -> list[str]:
    fields = list(dict.fromkeys(fields or []))
    unknown = [f for f in fields if f not in DisclosedField.values]
    if unknown:
        raise ValidationError(
            _("These details cannot be shared: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    return [f for f in DisclosedField.values if f in fields]


def _clean_end(ends_on: date | None) -> datetime:
    today = timezone.localdate()
    ends_on = ends_on or default_end_date(today)
    if not isinstance(ends_on, date) or isinstance(ends_on, datetime):
        raise ValidationError(_("Give the end date as a date, like 2027-03-01."))
    if ends_on < today:
        raise ValidationError(_("The end date has passed. Choose today or a later date."))
    if ends_on > latest_end_date(today):
        raise ValidationError(
            _("Sharing can last up to %(days)s days. Choose an end date on or before %(date)s.")
            % {"days": MAX_RELEASE_DAYS, "date": latest_end_date(today).isoformat()}
        )
    return _end_of(ends_on)


def _clean_signature(*, participant, signature: str, method: str) -> str:
    # Names are kept in Unicode normal form C (lms.accounts.names): a signature typed on a
    # keyboard that sends "a" + accent must match, and is kept, in the same form.
    signature = normalise_name(" ".join((signature or "").split()))
    if not signature:
        raise ValidationError(_("Type your name to sign."))
    if len(signature) > 200:
        raise ValidationError(_("The signature is too long (200 characters at most)."))
    validate_person_name(signature)
    if method == ReleaseMethod.ONLINE:
        chosen = chosen_name_of(participant)
        names = {_normalise(chosen), _normalise(legal_name_of(participant))}
        if _normalise(signature) not in names - {""}:
            raise ValidationError(
                _("To sign, type your name as it is on your account: %(name)s.") % {"name": chosen}
            )
    return signature


def _clean_certificates(*, participant, certificates: Iterable) -> list[Certificate]:
    ids = sorted({getattr(c, "pk", c) for c in certificates or []})
    if not ids:
        raise ValidationError(_("Choose at least one certificate to share."))
    owned = list(
        Certificate.objects.filter(
            pk__in=ids, user_id=participant.pk, superseded_by__isnull=True, revoked_at__isnull=True
        ).order_by("pk")
    )
    if len(owned) != len(ids):
        raise ValidationError(_("You can only share your own current certificates."))
    return owned


@transaction.atomic
def release_create(
    *,
    participant: User,
    employer: EmployerOrganisation,
    certificates: Iterable,
    disclosed_fields: Iterable[str],
    purpose: str,
    ends_on: date | None,
    signature: str,
    actor: User,
    method: str = ReleaseMethod.ONLINE,
    consent_version: str = CONSENT_VERSION,
    staff_note: str = "",
    language: str | None = None,
) -> CredentialRelease:
    """Share certificates with one employer until ``ends_on``; supersedes her current release
    for that employer, if any (renewing is creating a new release).

    The release keeps the consent text in the language she read it in: ``language``, or online
    the language of her page (the active one), on paper or orally her preferred language (the
    paper form is printed in it).
    """
    _check_actor(participant=participant, actor=actor, method=method)
    if language is not None and language not in {code for code, _name in consent_languages()}:
        raise ValidationError(_("Choose the language she read the consent text in."))
    if language is None and method != ReleaseMethod.ONLINE:
        language = participant_language(participant)
    if not isinstance(employer, EmployerOrganisation) or employer.pk is None:
        raise ValidationError(_("Choose an employer."))
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise ValidationError(_("Say why you are sharing, for example: a job application."))
    if len(purpose) > 500:
        raise ValidationError(_("The purpose is too long (500 characters at most)."))
    if consent_version != CONSENT_VERSION:
        raise ValidationError(_("The consent text has changed. Please read it again."))
    if len(staff_note or "") > 2000:
        raise ValidationError(_("The note is too long (2000 characters at most)."))
    fields = _clean_fields(disclosed_fields)
    expires_at = _clean_end(ends_on)
    signature = _clean_signature(participant=participant, signature=signature, method=method)
    # One current release per employer: serialise her sharing changes on her row.
    User.objects.select_for_update().filter(pk=participant.pk).first()
    owned = _clean_certificates(participant=participant, certificates=certificates)
    now = timezone.now()
    current = list(
        CredentialRelease.objects.select_for_update().filter(
            participant=participant,
            employer=employer,
            superseded_at__isnull=True,
            revoked_at__isnull=True,
        )
    )
    for old in current:
        old.superseded_at = now
        old.save(update_fields=["superseded_at"])
    release = CredentialRelease.objects.create(
        participant=participant,
        employer=employer,
        disclosed_fields=fields,
        purpose=purpose,
        consent_version=consent_version,
        consent_text=consent_text(
            employer_name=employer.name, version=consent_version, language=language
        ),
        consent_language=consent_language(language),
        signature=signature,
        method=method,
        recorded_by=actor if method != ReleaseMethod.ONLINE else None,
        staff_note=staff_note or "",
        created_at=now,
        expires_at=expires_at,
    )
    ReleasedCertificate.objects.bulk_create(
        [ReleasedCertificate(release=release, certificate=c) for c in owned]
    )
    for old in current:
        old.superseded_by = release
        old.save(update_fields=["superseded_by"])
    if method != ReleaseMethod.ONLINE:
        log(instance=release, action=RECORD_RELEASE_ACTION, user=actor)
    return release


@transaction.atomic
def release_revoke(
    *,
    release: CredentialRelease,
    actor: User,
    method: str = ReleaseMethod.ONLINE,
    note: str = "",
) -> CredentialRelease:
    """Stop sharing, from the employer's very next request. Stopping twice changes nothing."""
    _check_actor(participant=release.participant, actor=actor, method=method)
    if method != ReleaseMethod.ONLINE and not (note or "").strip():
        raise ValidationError(_("Say how and when the participant asked to stop sharing."))
    release = CredentialRelease.objects.select_for_update().get(pk=release.pk)
    if release.revoked_at is None:
        release.revoked_at = timezone.now()
        release.revoked_by = actor
        release.revocation_method = method
        release.revocation_note = (note or "").strip()[:2000]
        release.save(
            update_fields=["revoked_at", "revoked_by", "revocation_method", "revocation_note"]
        )
        if method != ReleaseMethod.ONLINE:
            log(instance=release, action=RECORD_REVOCATION_ACTION, user=actor)
    return release


def access_record(
    *,
    shared: Iterable[ReleasedCertificate],
    channel: str,
    employer_user: User | None = None,
    api_key: EmployerApiKey | None = None,
    shown: list[str] | None = None,
) -> list[CredentialAccess]:
    """Log one disclosure per shared certificate, in one query, for the participant to see.

    ``shown`` names what was shown when it is less than the release allows (a list of what is
    shared shows names and titles only); by default, everything the release discloses."""
    return access_record_rows(
        rows=(
            {
                "release_id": item.release_id,
                "certificate_id": item.certificate_id,
                "release__participant_id": item.release.participant_id,
                "release__employer_id": item.release.employer_id,
                "release__disclosed_fields": item.release.disclosed_fields,
            }
            for item in shared
        ),
        channel=channel,
        employer_user=employer_user,
        api_key=api_key,
        shown=shown,
    )


def access_record_rows(
    *,
    rows: Iterable[dict],
    channel: str,
    employer_user: User | None = None,
    api_key: EmployerApiKey | None = None,
    shown: list[str] | None = None,
) -> list[CredentialAccess]:
    """``access_record`` for shared certificates read as rows (``selectors.SHARED_ROW_FIELDS``,
    of which it needs the release's and certificate's ids, the participant, the employer and the
    details disclosed), so that a list page need not load them as model instances."""
    if channel not in AccessChannel.values:
        raise ValueError(channel)
    now = timezone.now()
    user = employer_user if employer_user and employer_user.pk else None
    records = [
        CredentialAccess(
            participant_id=row["release__participant_id"],
            release_id=row["release_id"],
            certificate_id=row["certificate_id"],
            employer_id=row["release__employer_id"],
            employer_user=user,
            api_key=api_key,
            channel=channel,
            disclosed_fields=(
                list(shown)
                if shown is not None
                else _disclosed_by(row["release__disclosed_fields"], channel=channel)
            ),
            accessed_at=now,
        )
        for row in rows
    ]
    return CredentialAccess.objects.bulk_create(records) if records else []


def disclosed_fields_of(release: CredentialRelease, *, channel: str) -> list[str]:
    """What a disclosure through ``channel`` showed: the whole document for a download."""
    return _disclosed_by(release.disclosed_fields, channel=channel)


def _disclosed_by(fields: list[str], *, channel: str) -> list[str]:
    if channel in (AccessChannel.PDF, AccessChannel.BADGE):
        return [DisclosedField.DOCUMENT.value]
    return ALWAYS_DISCLOSED + [f for f in fields if f != DisclosedField.DOCUMENT]
