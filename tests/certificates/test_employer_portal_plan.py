"""The employer portal's list stays flat as other employers' shares grow: on PostgreSQL, with
realistic statistics, its count and its page both find the employer's releases in force through
the ``sharing_release_in_force`` index rather than walking the releases table (or the unique
index led by the participant), and a small employer's list reads no sharing table end to end.
(For an employer with many shares in a small database a hash join over the certificates in
releases can be cheaper, and PostgreSQL rightly picks it; it stops as that table grows.)

PostgreSQL only (the plan is PostgreSQL's; SQLite's planner has no statistics here to weigh).
"""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from bench.data import build_bench_data
from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.issuance.models import Certificate
from pathways.certificates.sharing.models import CredentialAccess
from pathways.certificates.sharing.selectors import shared_credentials
from tests.factories.accounts import EmployerUserFactory
from tests.factories.certificates import CredentialReleaseFactory, EmployerOrganisationFactory

pytestmark = pytest.mark.django_db

INDEX = "sharing_release_in_force"
RELEASE_TABLES = ("pathways_sharing_credentialrelease", "pathways_sharing_credentialaccess")
SHARING_TABLES = (*RELEASE_TABLES, "pathways_sharing_releasedcertificate")


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _plan(sql: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")  # noqa: S608  (SQL Django just ran)
        (document,) = cursor.fetchone()
    if isinstance(document, str):
        document = json.loads(document)
    return list(_plan_nodes(document[0]["Plan"]))


def _portal_reads(client) -> list[str]:
    """The SQL of the portal list's reads of shared certificates: its count and its page."""
    before = CredentialAccess.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("employer:credentials"))
    assert response.status_code == 200
    assert CredentialAccess.objects.count() > before  # what it showed is in the access log
    reads = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT")
        and '"pathways_sharing_releasedcertificate"' in query["sql"]
    ]
    assert len(reads) == 2, reads
    return reads


def _scanned(nodes: list[dict], tables) -> list[str]:
    return [
        node["Relation Name"]
        for node in nodes
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in tables
    ]


def test_the_portal_list_reads_only_its_employers_releases_through_the_in_force_index(
    signed_in, employer_user
):
    if connection.vendor != "postgresql":
        pytest.skip("The query plan checked here is PostgreSQL's.")
    # A few thousand rows: 30 employers, some 1,500 releases (in force, ended, stopped and
    # replaced) of about 3,000 certificates; one ordinary employer with a few dozen shares...
    data = build_bench_data(participants=600, certificates=1500, employers=30, seed=3)
    ordinary = EmployerOrganisation.objects.exclude(pk=data.employer.pk).order_by("pk").last()
    ordinary.users.add(employer_user)
    # ...and a small one, with four, whose list must not read the others' at all.
    small = EmployerOrganisationFactory(name="Corner Bakery")
    small_user = EmployerUserFactory()
    small.users.add(small_user)
    for certificate in Certificate.objects.filter(
        revoked_at__isnull=True, superseded_at__isnull=True
    ).order_by("pk")[:4]:
        CredentialReleaseFactory(
            participant=certificate.user, employer=small, certificates=[certificate]
        )
    assert shared_credentials(employer=small).count() == 4
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    for sql in _portal_reads(signed_in(employer_user)):
        nodes = _plan(sql)
        assert any(node.get("Index Name") == INDEX for node in nodes), sql
        assert not _scanned(nodes, RELEASE_TABLES), sql
    for sql in _portal_reads(signed_in(small_user)):
        nodes = _plan(sql)
        assert any(node.get("Index Name") == INDEX for node in nodes), sql
        assert not _scanned(nodes, SHARING_TABLES), sql
