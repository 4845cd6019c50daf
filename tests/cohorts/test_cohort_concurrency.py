"""A cohort is never overfilled, even by many people joining at the same moment.

Runs real threads, each with its own database connection, against PostgreSQL: the guarantee
rests on the cohort's row lock (``SELECT ... FOR UPDATE``). SQLite serialises every write
transaction anyway (``BEGIN IMMEDIATE``), and its in-memory test database cannot be shared
between threads, so the test is skipped there.
"""

import threading

from django.db import connection

import pytest

from pathways.cohorts import services
from pathways.cohorts.models import CohortMembership, MembershipStatus
from tests.factories.accounts import ParticipantFactory
from tests.factories.cohorts import CohortFactory

PEOPLE = 30
PLACES = 10


@pytest.mark.django_db(transaction=True)
def test_thirty_people_joining_a_ten_place_cohort_at_once_fill_exactly_ten_places():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the guarantee under test is its row lock, and SQLite's test "
            "database cannot be shared between threads (set DATABASE_URL to a PostgreSQL server)"
        )
    cohort = CohortFactory(capacity=PLACES)
    people = [ParticipantFactory() for _ in range(PEOPLE)]
    barrier = threading.Barrier(PEOPLE)
    errors: list[BaseException] = []

    def join(user):
        try:
            barrier.wait(timeout=30)
            services.membership_enrol(cohort=cohort, user=user)
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    memberships = CohortMembership.objects.filter(cohort=cohort)
    assert memberships.filter(status=MembershipStatus.ACTIVE).count() == PLACES
    assert memberships.filter(status=MembershipStatus.WAITLISTED).count() == PEOPLE - PLACES
    assert memberships.filter(waitlisted_at__isnull=True).count() == PLACES
