"""The API keeps the promises of its own OpenAPI description, checked by Schemathesis.

The schema is loaded from /api/v1/schema/ and requests go through the site's WSGI application
(every middleware), with each caller's own credentials: an employer's API key for the employer
operations, a person's token for the others (a participant's, a mentor's or staff's, by path).
For every operation Schemathesis generates requests, valid and invalid, and checks that none
answers with a server error and that every response matches the schema. The data behind them:
a participant with certificates, one shared with an employer by an active release.

Bounded (a few dozen examples per operation, derandomized) so that it runs in CI.
"""

from types import SimpleNamespace

from django.core import signals
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories.accounts import MentorFactory
from tests.factories.certificates import CertificateFactory
from tests.security.support import verified_token

SCHEMA_PATH = "/api/v1/schema/?format=json"
API_PREFIX = "/api/v1/"
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


# Stands in for the schema if it cannot be loaded, so that the failure is reported by the tests
# below instead of stopping the whole run at collection.
PLACEHOLDER = {
    "openapi": "3.0.3",
    "info": {"title": "The API schema could not be loaded", "version": "0"},
    "paths": {"/api/v1/schema/": {"get": {"responses": {"200": {"description": "-"}}}}},
}


def _load_schema():
    """The schema as the site serves it, through its WSGI application, and the error if it
    cannot be loaded. Loaded when the module is collected: Schemathesis makes one test per
    operation from it. (Its lazy loading from a fixture does not work with pytest 9.2, which
    renamed the node attribute it sets.)"""
    from demo_site.wsgi import application

    try:
        loaded = schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)
    except Exception as error:
        return schemathesis.openapi.from_dict(PLACEHOLDER), error
    return loaded.include(path_regex=r"^/api/v1/"), None


schema, SCHEMA_ERROR = _load_schema()


def _schema_loaded() -> None:
    if SCHEMA_ERROR is not None:
        pytest.fail(f"{SCHEMA_PATH} could not be loaded: {SCHEMA_ERROR!r}")


@pytest.fixture
def in_test_transaction(db):
    """Like Django's test client, keep the request signals from closing the connection, which
    would end the test's transaction (and lose its data) on PostgreSQL."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class Credentials:
    """The Authorization header each operation's caller sends. Tokens are looked up on every
    call: DELETE /auth/token/ signs the app out, and the next call signs it in again."""

    def __init__(self, *, employer_key: str, participant, mentor, staff):
        self.employer_key = employer_key
        self.people = {"participant": participant, "mentor": mentor, "staff": staff}

    def _token(self, who: str) -> str:
        person = self.people[who]
        token = Token.objects.filter(user=person).first()
        if token is None:
            # Staff endpoints take only a token given after the second factor.
            token = verified_token(person) if who == "staff" else Token.objects.create(user=person)
        return token.key

    def headers(self, case) -> dict[str, str]:
        security = case.operation.definition.raw.get("security") or []
        schemes = {name for option in security for name in option}
        path = case.operation.path
        if "employerKey" in schemes:
            return {"Authorization": f"Bearer {self.employer_key}"}
        if "personToken" in schemes:
            if path.startswith(f"{API_PREFIX}staff/"):
                who = "staff"
            elif path.startswith(f"{API_PREFIX}mentor/"):
                who = "mentor"
            else:
                who = "participant"
            return {"Authorization": f"Token {self._token(who)}"}
        return {}


@pytest.fixture
def api_data(in_test_transaction, participant, staff, employer_key, shared_certificate):
    """A participant with two certificates, one shared with an employer that has a key and has
    looked once; her cohort and her mentor; a member of staff."""
    from pathways.certificates.sharing.models import AccessChannel
    from pathways.certificates.sharing.services import access_record
    from tests.factories.cohorts import CohortFactory, CohortMembershipFactory
    from tests.factories.mentoring import MentorshipPairingFactory

    key, raw = employer_key
    CertificateFactory(user=participant)
    access_record(shared=[shared_certificate], channel=AccessChannel.API, api_key=key)
    CohortMembershipFactory(cohort=CohortFactory(), user=participant)
    pairing = MentorshipPairingFactory(mentor=MentorFactory(), mentee=participant)
    return SimpleNamespace(
        credentials=Credentials(
            employer_key=raw, participant=participant, mentor=pairing.mentor, staff=staff
        ),
        code=shared_certificate.certificate.verification_code,
        release_id=shared_certificate.release_id,
        employer_id=shared_certificate.release.employer_id,
        cohort_id=CohortMembershipFactory._meta.model.objects.get(user=participant).cohort_id,
        pairing_id=pairing.pk,
    )


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, api_data):
    _schema_loaded()
    case.call_and_validate(headers=api_data.credentials.headers(case), checks=CHECKS)


# Generated requests rarely name a real certificate or release: these do, so that the answers
# with data in them are checked against the schema too.
REAL_REQUESTS = [
    ("/api/v1/employer/credentials/", {}, {"page_size": 50}),
    ("/api/v1/employer/credentials/{code}/", {"code": "code"}, {}),
    ("/api/v1/employer/releases/", {}, {}),
    ("/api/v1/me/", {}, {}),
    ("/api/v1/me/certificates/", {}, {}),
    ("/api/v1/me/enrolments/", {}, {}),
    ("/api/v1/me/employers/", {}, {}),
    ("/api/v1/me/consent-text/", {}, {"employer": "employer_id"}),
    ("/api/v1/me/releases/", {}, {}),
    ("/api/v1/me/releases/{release_id}/", {"release_id": "release_id"}, {}),
    ("/api/v1/me/access-log/", {}, {}),
    ("/api/v1/mentor/mentees/", {}, {}),
    ("/api/v1/mentor/mentees/{pairing_id}/", {"pairing_id": "pairing_id"}, {}),
    ("/api/v1/staff/cohorts/", {}, {}),
    ("/api/v1/staff/cohorts/{cohort_id}/", {"cohort_id": "cohort_id"}, {}),
    ("/api/v1/staff/cohorts/{cohort_id}/memberships/", {"cohort_id": "cohort_id"}, {}),
    ("/api/v1/staff/pairings/", {}, {}),
    ("/api/v1/verify/{code}/", {"code": "code"}, {}),
]


def _values(api_data, parameters: dict) -> dict:
    """Names of ``api_data``'s attributes replaced by their values; other values as they are."""
    return {
        name: getattr(api_data, value) if isinstance(value, str) else value
        for name, value in parameters.items()
    }


@pytest.mark.parametrize(("path", "path_parameters", "query"), REAL_REQUESTS)
def test_answers_about_real_data_match_the_schema(api_data, path, path_parameters, query):
    _schema_loaded()
    operation = schema[path]["GET"]
    case = operation.Case(
        path_parameters=_values(api_data, path_parameters), query=_values(api_data, query)
    )
    response = case.call_and_validate(headers=api_data.credentials.headers(case), checks=CHECKS)
    assert response.status_code == 200, response.text[:500]
