"""A mentor's capacity holds when many mentees accept at the same moment (PostgreSQL only).

SQLite runs one writer at a time, so only a database with row locks can show the guarantee.
"""

import threading

from django.core.exceptions import ValidationError
from django.db import connection

import pytest

from pathways.mentoring import services
from pathways.mentoring.models import MentorshipPairing, PairingStatus
from tests.factories.accounts import ParticipantFactory
from tests.factories.mentoring import MentorProfileFactory, MentorshipPairingFactory

pytestmark = pytest.mark.django_db(transaction=True)

MENTEES = 10
CAPACITY = 2


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; set DATABASE_URL to run this test.")


def test_concurrent_acceptances_never_exceed_the_mentors_capacity():
    profile = MentorProfileFactory(capacity=CAPACITY)
    pairings = [
        MentorshipPairingFactory(
            mentor=profile.user,
            mentee=ParticipantFactory(),
            status=PairingStatus.PROPOSED,
            started_at=None,
            responded_at=None,
        )
        for _ in range(MENTEES)
    ]
    barrier = threading.Barrier(MENTEES)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(pairing):
        try:
            barrier.wait()
            services.pairing_accept(pairing=pairing, actor=pairing.mentee)
            outcome = "accepted"
        except ValidationError:
            outcome = "refused"
        except Exception as error:  # reported by the assertion below
            outcome = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=accept, args=(pairing,)) for pairing in pairings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted"] * CAPACITY + ["refused"] * (MENTEES - CAPACITY)
    statuses = list(
        MentorshipPairing.objects.filter(mentor=profile.user).values_list("status", flat=True)
    )
    assert statuses.count(PairingStatus.ACTIVE) == CAPACITY
    assert statuses.count(PairingStatus.PROPOSED) == MENTEES - CAPACITY
    refused = MentorshipPairing.objects.filter(mentor=profile.user, status=PairingStatus.PROPOSED)
    assert not refused.filter(started_at__isnull=False).exists()
    assert not refused.filter(responded_at__isnull=False).exists()
