"""Who may reach what: every sharing and API endpoint and page against every role, from one table.

Each row names an endpoint, how to call it, and the status each role gets. A role missing from a
row gets the row's ``default``. Anything a caller may not see answers 404 (not 403) where it is an
object, so that existence does not leak; 401/403 mean "this kind of caller never gets here".
The world: Maya (participant) holds a certificate shared with Harbour Hotels by an active release;
Jo is another participant; one mentor is actively paired with Maya and one is not; a facilitator
runs Maya's cohort; Harbour's web user and API key see the release; Riverside's do not; a revoked
Harbour key sees nothing.
"""

from dataclasses import dataclass, field

from django.urls import reverse

import pytest
from rest_framework.test import APIClient

from certificates.employer_keys import employer_key_create, employer_key_revoke
from certificates.factories import (
    CertificateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)
from cohorts.factories import CohortFactory, CohortMembershipFactory
from cohorts.mentorship_factories import MentorshipPairingFactory
from lms.accounts.factories import (
    EmployerUserFactory,
    FacilitatorFactory,
    MentorFactory,
    ParticipantFactory,
    StaffFactory,
)
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "participant",
    "other_participant",
    "mentor_paired",
    "mentor_unpaired",
    "facilitator",
    "staff",
    "employer_user",
    "employer_user_no_release",
    "key",
    "key_no_release",
    "key_revoked",
]
PEOPLE = [r for r in ROLES if r not in ("anonymous", "key", "key_no_release", "key_revoked")]
KEYS = ["key", "key_no_release", "key_revoked"]


def each(roles, status):
    return dict.fromkeys(roles, status)


# Web pages do not read API keys: a key's caller is anonymous there, sent to sign in.
PAGE_ANON = {"anonymous": 302, **each(KEYS, 302)}


@dataclass(frozen=True)
class Row:
    name: str
    path: "Route"
    expected: dict
    default: int
    method: str = "get"
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    name: str
    args: tuple

    def __call__(self, world) -> str:
        return reverse(self.name, args=[a(world) if callable(a) else a for a in self.args])


def api(name, *args):
    return Route(f"api:{name}", args)


def page(name, *args):
    return Route(name, args)


CODE = lambda w: w["certificate"].verification_code  # noqa: E731
RELEASE = lambda w: w["release"].pk  # noqa: E731
PAIRING = lambda w: w["pairing"].pk  # noqa: E731
COHORT = lambda w: w["cohort"].pk  # noqa: E731
CERT_ID = lambda w: w["certificate"].pk  # noqa: E731

# Employer API: keys only.
# A session is not an employer credential at all, so people get 401 like anonymous callers.
EMPLOYER_API_NOT_KEYS = {"anonymous": 401, "key_revoked": 401, **each(PEOPLE, 401)}
# Person API: people by session or token; keys are not people (401), anonymous 401.
PERSON_ANON = {"anonymous": 401, **each(KEYS, 401)}

TABLE = [
    # --- employer API -------------------------------------------------------------------
    Row(
        "employer credential list",
        api("employer-credential-list"),
        {"key": 200, "key_no_release": 200, **EMPLOYER_API_NOT_KEYS},
        0,
    ),
    Row(
        "employer credential detail",
        api("employer-credential-detail", CODE),
        {"key": 200, "key_no_release": 404, **EMPLOYER_API_NOT_KEYS},
        0,
    ),
    Row(
        "employer credential pdf",
        api("employer-credential-pdf", CODE),
        {"key": 200, "key_no_release": 404, **EMPLOYER_API_NOT_KEYS},
        0,
    ),
    Row(
        "employer credential badge",
        api("employer-credential-badge", CODE),
        {"key": 200, "key_no_release": 404, **EMPLOYER_API_NOT_KEYS},
        0,
    ),
    Row(
        "employer release list",
        api("employer-release-list"),
        {"key": 200, "key_no_release": 200, **EMPLOYER_API_NOT_KEYS},
        0,
    ),
    # --- public -------------------------------------------------------------------------
    Row("verify a code", api("verify", CODE), {}, 200),
    # --- person API ---------------------------------------------------------------------
    Row("me", api("me"), {**PERSON_ANON}, 200),
    Row(
        "my enrolments",
        api("my-enrolments"),
        {"participant": 200, "other_participant": 200, **PERSON_ANON},
        403,
    ),
    Row(
        "my certificates",
        api("my-certificates"),
        {"participant": 200, "other_participant": 200, **PERSON_ANON},
        403,
    ),
    Row(
        "employers to share with",
        api("employers"),
        {"participant": 200, "other_participant": 200, **PERSON_ANON},
        403,
    ),
    Row(
        "consent text",
        api("consent-text"),
        {"participant": 400, "other_participant": 400, **PERSON_ANON},
        403,
    ),
    Row("sign an app in", api("auth-token"), {}, 400, method="post", data={"username": "x"}),
    Row(
        "my releases",
        api("my-release-list"),
        {"participant": 200, "other_participant": 200, **PERSON_ANON},
        403,
    ),
    Row(
        "my release",
        api("my-release-detail", RELEASE),
        {"participant": 200, "other_participant": 404, **PERSON_ANON},
        403,
    ),
    Row(
        "revoke my release",
        api("my-release-revoke", RELEASE),
        {"participant": 200, "other_participant": 404, **PERSON_ANON},
        403,
        method="post",
    ),
    Row(
        "my access log",
        api("my-access-log"),
        {"participant": 200, "other_participant": 200, **PERSON_ANON},
        403,
    ),
    Row(
        "my mentees",
        api("mentor-mentees"),
        {"mentor_paired": 200, "mentor_unpaired": 200, **PERSON_ANON},
        403,
    ),
    Row(
        "one mentee",
        api("mentor-mentee-detail", PAIRING),
        {"mentor_paired": 200, "mentor_unpaired": 404, **PERSON_ANON},
        403,
    ),
    # --- staff API ----------------------------------------------------------------------
    Row(
        "staff cohorts",
        api("staff-cohort-list"),
        {"staff": 200, "facilitator": 200, **PERSON_ANON},
        403,
    ),
    Row(
        "staff cohort",
        api("staff-cohort-detail", COHORT),
        {"staff": 200, "facilitator": 200, **PERSON_ANON},
        403,
    ),
    Row(
        "staff cohort memberships",
        api("staff-cohort-memberships", COHORT),
        {"staff": 200, "facilitator": 200, **PERSON_ANON},
        403,
    ),
    Row("staff pairings", api("staff-pairing-list"), {"staff": 200, **PERSON_ANON}, 403),
    Row(
        "staff issue a certificate",
        api("staff-certificate-issue"),
        {"staff": 400, **PERSON_ANON},
        403,
        method="post",
        data={"reason": "Paper records"},
    ),
    Row(
        "staff revoke a certificate",
        api("staff-certificate-revoke", CERT_ID),
        {"staff": 200, **PERSON_ANON},
        403,
        method="post",
        data={"reason": "Issued in error"},
    ),
    # --- participant pages --------------------------------------------------------------
    Row(
        "sharing page",
        page("certificates:sharing"),
        {"participant": 200, "other_participant": 200, **PAGE_ANON},
        404,
    ),
    Row(
        "share form",
        page("certificates:share"),
        {"participant": 200, "other_participant": 200, **PAGE_ANON},
        404,
    ),
    Row(
        "stop sharing",
        page("certificates:sharing_stop", RELEASE),
        {"participant": 302, **PAGE_ANON},
        404,
        method="post",
    ),
    Row(
        "who has seen my certificates",
        page("certificates:seen"),
        {"participant": 200, "other_participant": 200, **PAGE_ANON},
        404,
    ),
    # --- employer portal ----------------------------------------------------------------
    Row(
        "portal list",
        page("employer:credentials"),
        {"employer_user": 200, "employer_user_no_release": 200, **PAGE_ANON},
        404,
    ),
    Row(
        "portal what is shared",
        page("employer:releases"),
        {"employer_user": 200, "employer_user_no_release": 200, **PAGE_ANON},
        404,
    ),
    Row(
        "portal credential",
        page("employer:credential", CODE),
        {"employer_user": 200, **PAGE_ANON},
        404,
    ),
    Row("portal pdf", page("employer:pdf", CODE), {"employer_user": 200, **PAGE_ANON}, 404),
    Row("portal badge", page("employer:badge", CODE), {"employer_user": 200, **PAGE_ANON}, 404),
    # --- staff admin --------------------------------------------------------------------
    Row("admin partner employers", page("partner_employers:index"), {"staff": 200}, 302),
    Row("admin API keys", page("employer_api_keys:index"), {"staff": 200}, 302),
    Row("admin releases", page("credential_releases:index"), {"staff": 200}, 302),
    Row("admin record paper consent", page("credential_releases:add"), {"staff": 200}, 302),
    Row("admin access records", page("credential_accesses:index"), {"staff": 200}, 302),
]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    maya = ParticipantFactory(chosen_name="Maya")
    harbour_user = EmployerUserFactory()
    riverside_user = EmployerUserFactory()
    harbour = EmployerOrganisationFactory(name="Harbour Hotels", users=[harbour_user])
    riverside = EmployerOrganisationFactory(name="Riverside Care", users=[riverside_user])
    certificate = CertificateFactory(user=maya, credential={"type": ["OpenBadgeCredential"]})
    release = CredentialReleaseFactory(
        participant=maya, employer=harbour, certificates=[certificate]
    )
    staff = with_second_factor(StaffFactory())
    _key, raw = employer_key_create(employer=harbour, name="HR", actor=staff)
    _none, raw_none = employer_key_create(employer=riverside, name="HR", actor=staff)
    revoked, raw_revoked = employer_key_create(employer=harbour, name="Old", actor=staff)
    employer_key_revoke(key=revoked, actor=staff)
    paired = MentorFactory()
    pairing = MentorshipPairingFactory(mentor=paired, mentee=maya)
    facilitator = with_second_factor(FacilitatorFactory())
    cohort = CohortFactory(facilitators=[facilitator])
    CohortMembershipFactory(cohort=cohort, user=maya)
    return {
        "certificate": certificate,
        "release": release,
        "pairing": pairing,
        "cohort": cohort,
        "people": {
            "participant": maya,
            "other_participant": ParticipantFactory(chosen_name="Jo"),
            "mentor_paired": paired,
            "mentor_unpaired": MentorFactory(),
            "facilitator": facilitator,
            "staff": staff,
            "employer_user": harbour_user,
            "employer_user_no_release": riverside_user,
        },
        "keys": {"key": raw, "key_no_release": raw_none, "key_revoked": raw_revoked},
    }


def _client(world, role) -> APIClient:
    client = APIClient()
    if role in world["people"]:
        client.force_login(world["people"][role])
    elif role in world["keys"]:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {world['keys'][role]}")
    return client


CASES = [pytest.param(row, role, id=f"{row.name} | {role}") for row in TABLE for role in ROLES]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_permission_matrix(world, row, role):
    expected = row.expected.get(role, row.default)
    client = _client(world, role)
    path = row.path(world)
    if row.method == "post":
        response = client.post(path, row.data, format="json")
    else:
        response = client.get(path)
    assert response.status_code == expected, (
        f"{row.name} as {role}: got {response.status_code}, expected {expected}"
    )
    if expected == 200 and role == "key_no_release" and row.path.name.endswith("-list"):
        # An employer without a release sees an empty list, never someone else's data.
        assert response.json()["count"] == 0


def test_every_api_route_is_in_the_table():
    """A new API endpoint must be added to the matrix before it can ship."""
    from django.urls import get_resolver

    api_urls = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", "") == "api")
    names = {
        f"api:{sub.name}"
        for pattern in api_urls.url_patterns
        for sub in getattr(pattern, "url_patterns", [pattern])
        if getattr(sub, "name", None)
    }
    documentation = {"api:schema", "api:docs", "api:redoc"}
    missing = names - documentation - {row.path.name for row in TABLE}
    assert not missing, f"API routes missing from the permission matrix: {sorted(missing)}"
