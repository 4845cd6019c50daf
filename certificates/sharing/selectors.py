"""Reads for sharing: what an employer may see now, and what a participant has shared.

Every employer read starts from ``shared_credentials``, which holds the whole rule: a certificate
is visible to an employer only through a release to that employer that is neither revoked,
superseded nor past its end, and only while the certificate is current. Anything else answers
404, exactly like a certificate that does not exist.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.issuance.models import Certificate, certificate_status
from pathways.certificates.sharing.models import (
    CredentialAccess,
    CredentialRelease,
    DisclosedField,
    ReleasedCertificate,
)


def active_release_q(prefix: str = "", *, now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(
        **{
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}superseded_at__isnull": True,
            f"{prefix}expires_at__gt": now,
        }
    )


def last_day(ends: datetime) -> date:
    """The last day sharing lasts through, in the site's time zone (a release ends at midnight
    after it)."""
    return (timezone.localtime(ends) - timedelta(microseconds=1)).date()


def shared_credentials(*, employer: EmployerOrganisation) -> QuerySet[ReleasedCertificate]:
    """The certificates shared with ``employer`` right now, newest first, in one query."""
    return (
        ReleasedCertificate.objects.filter(
            active_release_q("release__"),
            release__employer_id=employer.pk,
            # superseded_at, not superseded_by: SQLite's planner takes "IS NULL" on the unique
            # superseded_by index for a near-unique match and walks every certificate.
            certificate__superseded_at__isnull=True,
        )
        .select_related("release", "certificate")
        .defer("certificate__credential")
        .order_by("-certificate__issued_at", "-certificate__pk")
    )


def shared_credential(*, employer: EmployerOrganisation, code: str) -> ReleasedCertificate:
    """One certificate shared with ``employer`` now, by its verification code, or 404."""
    code = (code or "").replace("-", "").upper()
    shared = (
        shared_credentials(employer=employer)
        .filter(certificate__verification_code=code)
        .select_related(None)
        .select_related("release", "certificate")
        .first()
    )
    if shared is None:
        raise Http404
    return shared


def shared_document(*, employer: EmployerOrganisation, code: str) -> ReleasedCertificate:
    """A shared certificate whose document (PDF, badge) she chose to share, and that is still
    valid to hand out (not revoked), or 404."""
    shared = shared_credential(employer=employer, code=code)
    if not shared.release.discloses(DisclosedField.DOCUMENT) or (
        shared.certificate.revoked_at is not None
    ):
        raise Http404
    return shared


@dataclass(frozen=True)
class SharedView:
    """A shared certificate as the employer may see it: only the details she chose."""

    code: str
    name: str
    title: str
    achievement: str
    issuer: str
    status: str
    shared_until: datetime
    completed_on: date | None
    issued_at: datetime | None
    expires_at: datetime | None
    hours: str | None
    skills: list[str] | None
    document_shared: bool
    disclosed: list[str]


#: What a read of shared certificates needs of each, as plain columns: an API list page reads
#: these (``shared_credential_rows``) rather than building a release and a certificate per row.
SHARED_ROW_FIELDS = (
    "release_id",
    "certificate_id",
    "release__participant_id",
    "release__employer_id",
    "release__expires_at",
    "release__disclosed_fields",
    "certificate__verification_code",
    "certificate__printed_name",
    "certificate__printed_title",
    "certificate__printed_achievement",
    "certificate__printed_issuer_name",
    "certificate__printed_data",
    "certificate__completed_on",
    "certificate__issued_at",
    "certificate__expires_at",
    "certificate__revoked_at",
    "certificate__superseded_at",
    "certificate__superseded_by_id",
)


def shared_credential_rows(queryset: QuerySet[ReleasedCertificate]) -> QuerySet[dict]:
    """``queryset`` (``shared_credentials``, filtered and ordered as it is) as dicts of
    :data:`SHARED_ROW_FIELDS`, for ``shared_view_values``."""
    return queryset.values(*SHARED_ROW_FIELDS)


def shared_row(shared: ReleasedCertificate) -> dict:
    """The row ``shared_credential_rows`` gives, from a shared certificate already loaded."""
    cert, release = shared.certificate, shared.release
    return {
        "release_id": shared.release_id,
        "certificate_id": shared.certificate_id,
        "release__participant_id": release.participant_id,
        "release__employer_id": release.employer_id,
        "release__expires_at": release.expires_at,
        "release__disclosed_fields": release.disclosed_fields,
        "certificate__verification_code": cert.verification_code,
        "certificate__printed_name": cert.printed_name,
        "certificate__printed_title": cert.printed_title,
        "certificate__printed_achievement": cert.printed_achievement,
        "certificate__printed_issuer_name": cert.printed_issuer_name,
        "certificate__printed_data": cert.printed_data,
        "certificate__completed_on": cert.completed_on,
        "certificate__issued_at": cert.issued_at,
        "certificate__expires_at": cert.expires_at,
        "certificate__revoked_at": cert.revoked_at,
        "certificate__superseded_at": cert.superseded_at,
        "certificate__superseded_by_id": cert.superseded_by_id,
    }


_DISCLOSABLE = tuple(DisclosedField.values)


def shared_view_values(row: dict, *, now: datetime | None = None) -> dict:
    """The disclosure rule: what of a shared certificate (a row of ``SHARED_ROW_FIELDS``) the
    employer may see, as the fields of :class:`SharedView`. Whatever she did not share is None;
    ``disclosed`` lists the optional details her release shares."""
    chosen = row["release__disclosed_fields"] or []
    disclosed = [field for field in _DISCLOSABLE if field in chosen]
    dates = DisclosedField.DATES in disclosed
    data = row["certificate__printed_data"] or {}
    revoked_at = row["certificate__revoked_at"]
    return {
        "code": row["certificate__verification_code"],
        "name": row["certificate__printed_name"],
        "title": row["certificate__printed_title"],
        "achievement": row["certificate__printed_achievement"],
        "issuer": row["certificate__printed_issuer_name"],
        "status": str(
            certificate_status(
                superseded_at=row["certificate__superseded_at"],
                superseded_by_id=row["certificate__superseded_by_id"],
                revoked_at=revoked_at,
                expires_at=row["certificate__expires_at"],
                now=now,
            )
        ),
        "shared_until": row["release__expires_at"],
        "completed_on": row["certificate__completed_on"] if dates else None,
        "issued_at": row["certificate__issued_at"] if dates else None,
        "expires_at": row["certificate__expires_at"] if dates else None,
        "hours": (data.get("hours") or None) if DisclosedField.HOURS in disclosed else None,
        "skills": list(data.get("skills") or []) if DisclosedField.SKILLS in disclosed else None,
        "document_shared": DisclosedField.DOCUMENT in disclosed and revoked_at is None,
        "disclosed": disclosed,
    }


def shared_view(shared: ReleasedCertificate) -> SharedView:
    return SharedView(**shared_view_values(shared_row(shared)))


def employer_active_releases(*, employer: EmployerOrganisation) -> QuerySet[CredentialRelease]:
    """The releases to ``employer`` in force now, with their current certificates, in two
    queries whatever their number."""
    return (
        CredentialRelease.objects.filter(active_release_q(), employer_id=employer.pk)
        .prefetch_related(
            Prefetch(
                "released_certificates",
                queryset=ReleasedCertificate.objects.filter(certificate__superseded_at__isnull=True)
                .select_related("certificate")
                .defer("certificate__credential", "certificate__printed_data")
                .order_by("certificate__pk"),
            )
        )
        .order_by("expires_at", "pk")
    )


def releasable_certificates(user) -> QuerySet[Certificate]:
    """Her certificates she can share: current and not revoked."""
    return (
        Certificate.objects.filter(
            user_id=user.pk, superseded_by__isnull=True, revoked_at__isnull=True
        )
        .defer("credential")
        .order_by("-issued_at", "-pk")
    )


def participant_releases(user) -> QuerySet[CredentialRelease]:
    """Everything she has shared, current first, with employers and certificates, in a fixed
    number of queries."""
    return (
        CredentialRelease.objects.filter(participant_id=user.pk)
        .select_related("employer")
        .prefetch_related(
            Prefetch(
                "released_certificates",
                queryset=ReleasedCertificate.objects.select_related("certificate")
                .defer("certificate__credential", "certificate__printed_data")
                .order_by("certificate__pk"),
            )
        )
        .order_by("-created_at", "-pk")
    )


def participant_release(user, release_id) -> CredentialRelease:
    """One of her releases, or 404 (someone else's looks like one that does not exist)."""
    try:
        release_id = int(release_id)
    except (TypeError, ValueError):
        raise Http404 from None
    release = participant_releases(user).filter(pk=release_id).first()
    if release is None:
        raise Http404
    return release


def participant_access_log(user) -> QuerySet[CredentialAccess]:
    """Every time an employer saw one of her certificates, newest first, in one query."""
    return (
        CredentialAccess.objects.filter(participant_id=user.pk)
        .select_related("employer", "certificate", "api_key", "employer_user__pathways_profile")
        .only(
            "id",
            "channel",
            "disclosed_fields",
            "accessed_at",
            "release_id",
            "employer__name",
            "certificate__printed_title",
            "certificate__printed_achievement",
            "certificate__verification_code",
            "api_key__name",
            "api_key__prefix",
            f"employer_user__{get_user_model().USERNAME_FIELD}",
            "employer_user__pathways_profile__chosen_name",
        )
        .order_by("-accessed_at", "-pk")
    )


def employers_for_sharing() -> QuerySet[EmployerOrganisation]:
    return EmployerOrganisation.objects.order_by("name")


#: Sharing that ends within this many days shows under "What comes next" on her dashboard.
ENDS_SOON_DAYS = 14


def participant_sharing_ending_soon(
    user, *, now: datetime | None = None
) -> list[CredentialRelease]:
    """Her sharing in force that ends within :data:`ENDS_SOON_DAYS` days, soonest first, each
    with ``ends_on`` (its last day), for her dashboard (one query)."""
    now = now or timezone.now()
    releases = list(
        CredentialRelease.objects.filter(
            active_release_q(now=now),
            participant_id=user.pk,
            expires_at__lte=now + timedelta(days=ENDS_SOON_DAYS),
        )
        .select_related("employer")
        .order_by("expires_at", "pk")
    )
    for release in releases:
        release.ends_on = last_day(release.expires_at)
    return releases
