"""Who may reach what: every sharing and API endpoint and page against every role, from one table.

Each row names an endpoint, how to call it, and the status each role gets. A role missing from a
row gets the row's ``default``. Anything a caller may not see answers 404 (not 403) where it is an
object, so that existence does not leak; 401/403 mean "this kind of caller never gets here".
The world: Maya (participant) holds a certificate shared with Harbour Hotels by an active release;
Jo is another participant; one mentor is actively paired with Maya and one is not; a facilitator
runs Maya's cohort; Harbour's web user and API key see the release; Riverside's do not; a revoked
Harbour key sees nothing; an employer account that no organisation lists yet gets a page
saying so on the portal's two lists, and nothing else. Programme staff who signed in with the
password only, on the site (``staff_no_second_factor``) or in an app
(``staff_token_no_second_factor``), reach neither the admin nor the staff API: both ask for the
second factor. In the admin, staff reach only the
accounts whose roles they may grant: never a superuser's or another staff member's, and posting
"Administrator", a higher role or a password changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pathways.certificates.employers.services import employer_key_create, employer_key_revoke
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.accounts.roles import Role
from tests.factories.accounts import (
    TEST_PASSWORD,
    EmployerUserFactory,
    FacilitatorFactory,
    MentorFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)
from tests.factories.certificates import (
    CertificateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory
from tests.factories.mentoring import MentorshipPairingFactory
from tests.security.support import enrol_authenticator, with_second_factor

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "participant",
    "other_participant",
    "mentor_paired",
    "mentor_unpaired",
    "facilitator",
    "staff",
    "staff_no_second_factor",
    "staff_token_no_second_factor",
    "employer_user",
    "employer_user_no_release",
    "employer_user_no_organisation",
    "key",
    "key_no_release",
    "key_revoked",
]
PEOPLE = [r for r in ROLES if r not in ("anonymous", "key", "key_no_release", "key_revoked")]
KEYS = ["key", "key_no_release", "key_revoked"]
# Signed in by an app's token: web pages do not read it.
TOKENS = ["staff_token_no_second_factor"]


def each(roles, status):
    return dict.fromkeys(roles, status)


# Web pages do not read API keys: a key's caller is anonymous there, sent to sign in.
PAGE_ANON = {"anonymous": 302, **each(KEYS, 302), **each(TOKENS, 302)}
# A partner employer's account has no learner pages: they send her to her portal.
EMPLOYER_TO_PORTAL = {
    "employer_user": 302,
    "employer_user_no_release": 302,
    "employer_user_no_organisation": 302,
}
# An account in the employer role that no organisation lists yet: her portal's list pages say so.
EMPLOYER_NOT_LINKED = {"employer_user_no_organisation": 200}


@dataclass(frozen=True)
class Row:
    name: str
    path: "Route"
    expected: dict
    default: int
    method: str = "get"
    data: dict | Callable = field(default_factory=dict)  # or a function of the world
    # "json" for the API; "multipart" for an admin form.
    format: str = "json"
    # Checked after the request: what must not have changed, whatever the answer.
    unchanged: Callable | None = None


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
MAYA = lambda w: w["people"]["participant"].pk  # noqa: E731
SUPERUSER = lambda w: w["superuser"].pk  # noqa: E731
OTHER_STAFF = lambda w: w["other_staff"].pk  # noqa: E731


def escalation(whose: str):
    """An edit of the account ``whose`` in the world, adding "Administrator", the programme staff
    role and a new password to the account as it is."""

    def data(world) -> dict:
        person = world[whose] if whose in world else world["people"][whose]
        return {
            "username": person.username,
            "chosen_name": chosen_name_of(person),
            "preferred_language": "en",
            "is_active": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=Role.PROGRAMME_STAFF).pk],
            "password1": "quiet-harbour-58",
            "password2": "quiet-harbour-58",
        }

    return data


def no_escalation(whose: str, *, roles: set[str]):
    """After the request, ``whose`` still has the roles the world gave her (``roles``), the same
    superuser status and her own password."""

    def check(world) -> None:
        before = world[whose] if whose in world else world["people"][whose]
        after = get_user_model().objects.get(pk=before.pk)
        assert after.is_superuser == before.is_superuser
        assert set(after.groups.values_list("name", flat=True)) == roles
        assert after.check_password(TEST_PASSWORD)

    return check


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
        page("sharing:list"),
        {"participant": 200, "other_participant": 200, **PAGE_ANON, **EMPLOYER_TO_PORTAL},
        404,
    ),
    Row(
        "share form",
        page("sharing:share"),
        {"participant": 200, "other_participant": 200, **PAGE_ANON, **EMPLOYER_TO_PORTAL},
        404,
    ),
    Row(
        "stop sharing",
        page("sharing:stop", RELEASE),
        {"participant": 302, **PAGE_ANON, **EMPLOYER_TO_PORTAL},
        404,
        method="post",
    ),
    Row(
        "who has seen my certificates",
        page("sharing:seen"),
        {"participant": 200, "other_participant": 200, **PAGE_ANON, **EMPLOYER_TO_PORTAL},
        404,
    ),
    # --- employer portal ----------------------------------------------------------------
    Row(
        "portal list",
        page("employer:credentials"),
        {"employer_user": 200, "employer_user_no_release": 200, **EMPLOYER_NOT_LINKED, **PAGE_ANON},
        404,
    ),
    Row(
        "portal what is shared",
        page("employer:releases"),
        {"employer_user": 200, "employer_user_no_release": 200, **EMPLOYER_NOT_LINKED, **PAGE_ANON},
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
    Row("admin paused sign-ins", page("security_admin:sign_in_pauses"), {"staff": 200}, 302),
    # --- staff and people's accounts in the admin -----------------------------------------
    Row(
        "admin edit a participant",
        page("wagtailusers_users:edit", MAYA),
        {"staff": 200},
        302,
    ),
    Row(
        "admin edit a superuser",
        page("wagtailusers_users:edit", SUPERUSER),
        {"staff": 404, "facilitator": 404},
        302,
    ),
    Row(
        "admin edit another staff member",
        page("wagtailusers_users:edit", OTHER_STAFF),
        {"staff": 404, "facilitator": 404},
        302,
    ),
    Row(
        "admin make a participant superuser and staff, set her password",
        page("wagtailusers_users:edit", MAYA),
        # Staff may edit her, but the programme staff role is not among the choices (refused,
        # the form again) and the other fields are not on the form at all.
        {"staff": 200},
        302,
        method="post",
        data=escalation("participant"),
        format="multipart",
        unchanged=no_escalation("participant", roles={Role.PARTICIPANT}),
    ),
    Row(
        "admin make a superuser staff, set her password",
        page("wagtailusers_users:edit", SUPERUSER),
        {"staff": 404, "facilitator": 404},
        302,
        method="post",
        data=escalation("superuser"),
        format="multipart",
        unchanged=no_escalation("superuser", roles=set()),
    ),
    Row(
        "admin set another staff member's password",
        page("wagtailusers_users:edit", OTHER_STAFF),
        {"staff": 404, "facilitator": 404},
        302,
        method="post",
        data=escalation("other_staff"),
        format="multipart",
        unchanged=no_escalation("other_staff", roles={Role.PROGRAMME_STAFF}),
    ),
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
    # Staff who set up the authenticator app but signed in with the password alone.
    password_only = StaffFactory()
    enrol_authenticator(password_only)
    password_only_app = StaffFactory()
    enrol_authenticator(password_only_app)
    return {
        "certificate": certificate,
        "release": release,
        "pairing": pairing,
        "cohort": cohort,
        "superuser": with_second_factor(UserFactory(is_superuser=True, is_staff=True)),
        "other_staff": with_second_factor(StaffFactory()),
        "tokens": {"staff_token_no_second_factor": Token.objects.create(user=password_only_app)},
        "people": {
            "participant": maya,
            "other_participant": ParticipantFactory(chosen_name="Jo"),
            "mentor_paired": paired,
            "mentor_unpaired": MentorFactory(),
            "facilitator": facilitator,
            "staff": staff,
            "staff_no_second_factor": password_only,
            "employer_user": harbour_user,
            "employer_user_no_release": riverside_user,
            # In the employer role, but no partner organisation lists her yet.
            "employer_user_no_organisation": EmployerUserFactory(),
        },
        "keys": {"key": raw, "key_no_release": raw_none, "key_revoked": raw_revoked},
    }


def _client(world, role) -> APIClient:
    client = APIClient()
    if role in world["tokens"]:
        client.credentials(HTTP_AUTHORIZATION=f"Token {world['tokens'][role].key}")
    elif role in world["people"]:
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
        data = row.data(world) if callable(row.data) else row.data
        response = client.post(path, data, format=row.format)
    else:
        response = client.get(path)
    assert response.status_code == expected, (
        f"{row.name} as {role}: got {response.status_code}, expected {expected}"
    )
    if row.unchanged is not None:
        row.unchanged(world)
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
