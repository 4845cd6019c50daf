"""The employer API benchmark's data set: a large, realistic one, written straight to the database.

Participants with several certificates each, partner employers, and releases in every state
(in force, ended, stopped, replaced), so that the employer API filters the way it does in real
life; the benchmarked employer ends up with several hundred shared credentials and one API key,
returned once. Rows are written with ``bulk_create`` in batches, inside one transaction, so the
full set (10,000 people, 50,000 certificates) loads in seconds on SQLite.

The accounts cannot sign in (unusable passwords) and the certificates carry no signed credential
or PDF (rendering 50,000 would measure WeasyPrint, not the API). ``bench/api_bench.py`` calls
``build_bench_data`` on a throw-away database it made; nothing in the site or the apps imports
this module, so bench data never reaches a real site. Django must be set up before importing it.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from pathways.certificates.credentials.models import StatusListAllocation
from pathways.certificates.credentials.services import credential_issuer
from pathways.certificates.credentials.status_list import configured_size, draw_indexes
from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.employers.services import employer_key_create
from pathways.certificates.issuance.codes import new_verification_code
from pathways.certificates.issuance.models import Certificate, CertificateTemplate, NameChoice
from pathways.certificates.sharing.consent import CONSENT_VERSION, consent_text
from pathways.certificates.sharing.models import (
    AccessChannel,
    CredentialAccess,
    CredentialRelease,
    DisclosedField,
    ReleasedCertificate,
    ReleaseMethod,
)
from pathways.certificates.sharing.selectors import shared_credentials
from pathways.certificates.sharing.services import disclosed_fields_of
from pathways.courses.models import CourseIndexPage, CoursePage, Track
from pathways.courses.site_tree import default_site_root
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.names import chosen_name_of, legal_name_of
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.roles import Role

USERNAME_PREFIX = "bench-"
BATCH = 1000
# How many participants share with the benchmarked employer, and with each of the others.
BENCHMARKED_SHARERS = 300
OTHER_SHARERS = 40

CHOSEN_NAMES = [
    "Maya", "Rosa", "Amara", "Lena", "Zoë", "Nguyễn Thị Lan", "Aisha", "Fatima", "Chloé",
    "Destiny", "Mariana", "Jasmine", "Hana", "Selam", "Tigist", "Li Na", "Wei", "Priya",
    "Ngozi", "Olivia", "Camila", "Sofía", "Keisha", "Leila", "Yasmin", "Ana", "Grace", "Joy",
    "Marisol", "Daniela", "Hye-jin", "Mei", "Tatiana", "Ewa", "Łucja", "Ayşe", "Nadia", "Rukia",
]  # fmt: skip
FAMILY_NAMES = [
    "Pérez", "Johnson", "Nguyễn", "Okafor", "Tesfaye", "Wang", "Hernández", "Kowalska",
    "Smith", "Haile", "Kim", "Ali", "García", "Brown", "Yılmaz", "Santos", "Chen", "Williams",
]  # fmt: skip
COURSES = [
    ("Workplace Readiness", "6", ["Communication", "Interviewing", "Time management"]),
    ("Customer Service Fundamentals", "8", ["Customer service", "Active listening"]),
    ("Leading Peer Support Groups", "12", ["Facilitation", "Conflict resolution"]),
    ("Food Safety Level 2", "7", ["Food hygiene", "Allergen awareness"]),
    ("Introduction to Bookkeeping", "15", ["Bookkeeping", "Spreadsheets"]),
    ("Hospitality Front Desk", "10", ["Customer service", "Reservations systems"]),
    ("Digital Skills for Work", "9", ["Email", "Spreadsheets", "Online safety"]),
    ("Warehouse and Logistics Basics", "11", ["Stock control", "Health and safety"]),
    ("Leadership Foundations", "14", ["Leadership", "Coaching", "Public speaking"]),
    ("Retail Operations", "8", ["Cash handling", "Visual merchandising"]),
]
EMPLOYER_WORDS = (
    ["Harbourside", "Northgate", "Riverside", "Summit", "Cedar", "Bluebird", "Maple", "Lakeview",
     "Evergreen", "Granite", "Juniper", "Meridian", "Orchard", "Pioneer", "Willow", "Beacon"],
    ["Hotels", "Logistics", "Health", "Foods", "Retail", "Care", "Bakery", "Print", "Cleaning",
     "Catering", "Transport", "Pharmacy", "Supermarkets", "Call Centre"],
)  # fmt: skip
PURPOSES = ["Job application", "Interview next week", "Promotion review", "Work placement"]


class BenchDataError(RuntimeError):
    """The bench data cannot be written: the numbers asked for, or the database, do not fit."""


@dataclass
class BenchData:
    """What was made, and the benchmarked employer's key (shown once, never stored)."""

    employer: EmployerOrganisation
    raw_key: str
    counts: dict[str, int] = field(default_factory=dict)
    shared_with_employer: int = 0


def _batched_create(model, rows: list, **kwargs) -> list:
    created = []
    for start in range(0, len(rows), BATCH):
        created.extend(model.objects.bulk_create(rows[start : start + BATCH], **kwargs))
    if any(getattr(row, "pk", None) is None for row in created):
        raise BenchDataError(f"The database did not return the new {model.__name__} ids.")
    return created


def _courses(rng: random.Random, needed: int) -> list[tuple[CoursePage, str, list[str]]]:
    """At least ``needed`` live course pages under the course index (made if missing)."""
    root = default_site_root()
    index = CourseIndexPage.objects.child_of(root).first()
    if index is None:
        index = root.add_child(
            instance=CourseIndexPage(title="Courses", slug="courses", intro="<p>Courses.</p>")
        )
    courses = []
    for number in range(max(needed, len(COURSES))):
        title, hours, skills = COURSES[number % len(COURSES)]
        if number >= len(COURSES):
            title = f"{title} {number // len(COURSES) + 1}"
        page = index.add_child(
            instance=CoursePage(
                title=title,
                slug=f"bench-course-{number + 1}",
                track=rng.choice(Track.values),
                summary=f"A practical course: {title.lower()}.",
                estimated_hours=Decimal(hours),
                language="en",
                live=True,
            )
        )
        courses.append((page, hours, skills))
    return courses


def _participants(rng: random.Random, count: int) -> list:
    user_model = get_user_model()
    password = make_password(None)  # unusable: bench accounts never sign in
    now = timezone.now()
    users, names = [], []
    for number in range(count):
        chosen = rng.choice(CHOSEN_NAMES)
        legal = f"{chosen} {rng.choice(FAMILY_NAMES)}" if rng.random() < 0.4 else ""
        names.append((chosen, legal))
        users.append(
            user_model(
                username=f"{USERNAME_PREFIX}participant-{number + 1:06d}",
                password=password,
                date_joined=now - timedelta(days=rng.randint(30, 1100)),
            )
        )
    users = _batched_create(user_model, users)
    # Their Pathways profiles, in batches too; each user keeps hers, so names need no query.
    profiles = _batched_create(
        Profile,
        [
            Profile(user=user, chosen_name=chosen, legal_name=legal)
            for user, (chosen, legal) in zip(users, names, strict=True)
        ],
    )
    for user, profile in zip(users, profiles, strict=True):
        user.pathways_profile = profile
    group = Group.objects.get_or_create(name=Role.PARTICIPANT.value)[0]
    through = user_model.groups.through
    _batched_create(through, [through(user_id=user.pk, group_id=group.pk) for user in users])
    return users


def _certificates(rng, *, users, courses, templates, count: int) -> list[Certificate]:
    """Certificate ``i`` goes to participant ``i % P`` for course ``i // P``: one current
    certificate per person and course, as the database requires."""
    now = timezone.now()
    codes: set[str] = set()
    rows = []
    for number in range(count):
        user = users[number % len(users)]
        course, hours, skills = courses[number // len(users)]
        template = templates[number % len(templates)]
        issued_at = now - timedelta(days=rng.randint(1, 1000), minutes=rng.randint(0, 1440))
        code = new_verification_code()
        while code in codes:
            code = new_verification_code()
        codes.add(code)
        legal = bool(legal_name_of(user)) and rng.random() < 0.3
        roll = rng.random()
        expires_at = issued_at + timedelta(days=730)
        revoked_at = None
        if roll < 0.02:
            revoked_at = issued_at + timedelta(days=rng.randint(1, 30))
        elif roll < 0.08:
            expires_at = now - timedelta(days=rng.randint(1, 200))
        rows.append(
            Certificate(
                user=user,
                course=course,
                achievement_key=f"course:{course.pk}",
                template=template,
                verification_code=code,
                name_choice=NameChoice.LEGAL if legal else NameChoice.CHOSEN,
                printed_name=legal_name_of(user) if legal else chosen_name_of(user),
                printed_title=str(template.title),
                printed_achievement=course.title,
                printed_issuer_name=template.issuer_name,
                printed_data={
                    "wording": str(template.wording),
                    "signatory_name": template.signatory_name,
                    "signatory_title": template.signatory_title,
                    "hours": hours,
                    "skills": skills,
                    "courses": [course.title],
                    "primary_colour": template.primary_colour,
                    "accent_colour": template.accent_colour,
                    "paper_size": template.paper_size,
                    "language": template.language,
                    "issuer_logo_id": None,
                },
                completed_on=timezone.localdate(issued_at),
                issued_at=issued_at,
                expires_at=expires_at,
                revoked_at=revoked_at,
                revocation_reason="Issued in error" if revoked_at else "",
            )
        )
    certificates = _batched_create(Certificate, rows)
    _give_status_list_bits(templates)
    return certificates


def _give_status_list_bits(templates) -> None:
    """A random bit in the status list and the issuer of its issuer name for each new
    certificate, as ``certificates.services`` gives them, in a few queries."""
    pending = list(
        Certificate.objects.filter(template__in=templates, status_list_index__isnull=True).only(
            "pk", "printed_issuer_name"
        )
    )
    indexes = draw_indexes(
        len(pending),
        taken=StatusListAllocation.objects.values_list("index", flat=True),
        size=configured_size(),
    )
    StatusListAllocation.objects.bulk_create(
        [StatusListAllocation(index=index) for index in indexes], batch_size=BATCH
    )
    for name in {c.printed_issuer_name for c in pending}:
        credential_issuer(name)
    for certificate, index in zip(pending, indexes, strict=True):
        certificate.status_list_index = index
    Certificate.objects.bulk_update(pending, ["status_list_index"], batch_size=BATCH)


def _fields(rng: random.Random) -> list[str]:
    chosen = [f for f in DisclosedField.values if rng.random() < 0.7]
    return chosen or [DisclosedField.DATES]


def _release(rng, *, participant, employer, text: str, created_at, expires_at, **extra):
    return CredentialRelease(
        participant=participant,
        employer=employer,
        disclosed_fields=_fields(rng),
        purpose=rng.choice(PURPOSES),
        consent_version=CONSENT_VERSION,
        consent_text=text,
        consent_language="en",
        signature=chosen_name_of(participant),
        method=ReleaseMethod.ONLINE,
        created_at=created_at,
        expires_at=expires_at,
        **extra,
    )


def _releases(rng, *, users, certificates, employers) -> dict[str, int]:
    """Releases from many participants to every employer: most in force, some ended, stopped
    or replaced by a newer one; each names one to three of her certificates."""
    now = timezone.now()
    by_user: dict[int, list[Certificate]] = {}
    for certificate in certificates:
        if certificate.revoked_at is None:
            by_user.setdefault(certificate.user_id, []).append(certificate)
    sharers = [user for user in users if user.pk in by_user]
    current, replaced = [], []  # replaced: (old release, index of its successor in current)
    for number, employer in enumerate(employers):
        text = consent_text(employer_name=employer.name)
        wanted = BENCHMARKED_SHARERS if number == 0 else OTHER_SHARERS
        for position, user in enumerate(rng.sample(sharers, min(wanted, len(sharers)))):
            roll = 1.0 if position == 0 else rng.random()  # the first is always in force
            created_at = now - timedelta(days=rng.randint(0, 80), minutes=rng.randint(1, 1440))
            extra = {}
            if roll < 0.08:  # ended: signed long ago, its end date passed
                created_at = now - timedelta(days=rng.randint(120, 500))
                expires_at = created_at + timedelta(days=90)
            else:
                expires_at = created_at + timedelta(days=rng.choice([90, 90, 180, 365]))
                if roll < 0.15:
                    extra = {
                        "revoked_at": created_at + (now - created_at) / 2,
                        "revoked_by": user,
                        "revocation_method": ReleaseMethod.ONLINE,
                    }
            release = _release(
                rng,
                participant=user,
                employer=employer,
                text=text,
                created_at=created_at,
                expires_at=expires_at,
                **extra,
            )
            release.bench_certificates = rng.sample(
                by_user[user.pk], min(len(by_user[user.pk]), rng.randint(1, 3))
            )
            current.append(release)
            if 0.15 <= roll < 0.25:  # renewed: an older release it replaced
                signed = created_at - timedelta(days=rng.randint(100, 300))
                old = _release(
                    rng,
                    participant=user,
                    employer=employer,
                    text=text,
                    created_at=signed,
                    expires_at=signed + timedelta(days=90),
                    superseded_at=created_at,
                )
                old.bench_certificates = release.bench_certificates[:1]
                replaced.append((old, len(current) - 1))
    current = _batched_create(CredentialRelease, current)
    for old, successor in replaced:
        old.superseded_by = current[successor]
    old_rows = _batched_create(CredentialRelease, [old for old, _successor in replaced])
    releases = current + old_rows
    released = _batched_create(
        ReleasedCertificate,
        [
            ReleasedCertificate(release=release, certificate=certificate)
            for release in releases
            for certificate in release.bench_certificates
        ],
    )
    # Earlier looks by employers, for the participants' "who has seen" pages.
    accesses = []
    for item in released:
        release = item.release
        for _look in range(rng.randint(0, 2)):
            channel = rng.choice([AccessChannel.API, AccessChannel.WEB, AccessChannel.PDF])
            accesses.append(
                CredentialAccess(
                    participant_id=release.participant_id,
                    release_id=release.pk,
                    certificate_id=item.certificate_id,
                    employer_id=release.employer_id,
                    channel=channel,
                    disclosed_fields=disclosed_fields_of(release, channel=channel),
                    accessed_at=release.created_at + timedelta(hours=rng.randint(1, 48)),
                )
            )
    _batched_create(CredentialAccess, accesses)
    return {
        "releases": len(releases),
        "shared certificates": len(released),
        "accesses": len(accesses),
    }


def _employers(count: int) -> list[EmployerOrganisation]:
    first, second = EMPLOYER_WORDS
    names = [
        f"{first[n % len(first)]} {second[(n // len(first)) % len(second)]} {n + 1:03d}"
        for n in range(count)
    ]
    if EmployerOrganisation.objects.filter(name__in=names).exists():
        raise BenchDataError("Some bench employers are already there: use a fresh database.")
    return _batched_create(EmployerOrganisation, [EmployerOrganisation(name=n) for n in names])


@transaction.atomic
def build_bench_data(
    *, participants: int, certificates: int, employers: int, seed: int = 1
) -> BenchData:
    """Write the bench data set and return the benchmarked employer (the first) with its key."""
    if min(participants, certificates, employers) < 1:
        raise BenchDataError("Ask for at least one participant, certificate and employer.")
    user_model = get_user_model()
    if user_model.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        raise BenchDataError("This database already holds bench data: use a fresh database.")
    rng = random.Random(seed)  # noqa: S311  (repeatable test data, not secrets)
    courses = _courses(rng, needed=math.ceil(certificates / participants))
    templates = [
        CertificateTemplate.objects.create(
            name=f"Bench template {number}",
            title=title,
            issuer_name=issuer,
            signatory_name="Jordan Ellis",
            signatory_title="Programme Director",
            wording="has successfully completed",
            validity_days=730,
        )
        for number, (title, issuer) in enumerate(
            [
                ("Certificate of Completion", "Northstar Skills Institute"),
                ("Certificate of Achievement", "Harbourview Training Collective"),
            ],
            start=1,
        )
    ]
    users = _participants(rng, participants)
    issued = _certificates(
        rng, users=users, courses=courses, templates=templates, count=certificates
    )
    organisations = _employers(employers)
    counts = _releases(rng, users=users, certificates=issued, employers=organisations)
    benchmarked = organisations[0]
    employer_user = user_model.objects.create(
        username=f"{USERNAME_PREFIX}employer-001", password=make_password(None)
    )
    profile_update(employer_user, chosen_name="Jordan Reyes")
    employer_user.groups.add(Group.objects.get_or_create(name=Role.EMPLOYER.value)[0])
    benchmarked.users.add(employer_user)
    _key, raw = employer_key_create(employer=benchmarked, name="Bench key", actor=None)
    return BenchData(
        employer=benchmarked,
        raw_key=raw,
        counts={
            "participants": len(users),
            "courses": len(courses),
            "certificates": len(issued),
            "employers": len(organisations),
            **counts,
        },
        shared_with_employer=shared_credentials(employer=benchmarked).count(),
    )
