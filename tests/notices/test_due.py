"""Notices due by time, made by ``manage.py send_due_notices``: a session tomorrow, sharing that
ends within a week, a check-in due tomorrow. Each event once, however often the command runs."""

from datetime import UTC, datetime, timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail import hooks

import pytest
import time_machine

from pathways.cohorts.models import MembershipStatus
from pathways.lms.notices import services
from pathways.lms.notices.models import Notice, NoticeKind
from pathways.mentoring.models import PairingStatus
from tests.factories.accounts import MentorFactory, ParticipantFactory
from tests.factories.certificates import (
    CertificateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory, CohortSessionFactory
from tests.factories.mentoring import MentorshipCheckInFactory, MentorshipPairingFactory

pytestmark = pytest.mark.django_db

# Wednesday 4 March 2026, 09:00 UTC.
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def run() -> str:
    out = StringIO()
    call_command("send_due_notices", stdout=out)
    return out.getvalue()


def kinds_of(user) -> list[str]:
    return list(Notice.objects.filter(user=user).values_list("kind", flat=True))


# Sessions ------------------------------------------------------------------------------------


def test_active_members_hear_of_a_session_tomorrow_once(participant):
    cohort = CohortFactory(name="Riverside Evening Group")
    CohortMembershipFactory(cohort=cohort, user=participant)
    withdrawn = CohortMembershipFactory(cohort=cohort, status=MembershipStatus.WITHDRAWN).user
    waiting = CohortMembershipFactory(cohort=cohort, status=MembershipStatus.WAITLISTED).user
    session = CohortSessionFactory(cohort=cohort, starts_at=NOW + timedelta(days=1, hours=1))

    assert "Due notices created: 1." in run()
    run()

    (notice,) = Notice.objects.filter(user=participant)
    assert notice.kind == NoticeKind.SESSION_TOMORROW
    assert notice.dedupe_key == f"session_tomorrow:{session.pk}"
    assert notice.url == reverse("cohorts:mine")
    assert kinds_of(withdrawn) == kinds_of(waiting) == []


@pytest.mark.parametrize(
    "starts", [NOW + timedelta(hours=3), NOW + timedelta(days=2, hours=1), NOW - timedelta(hours=1)]
)
def test_sessions_not_tomorrow_make_no_notice(participant, starts):
    cohort = CohortFactory()
    CohortMembershipFactory(cohort=cohort, user=participant)
    CohortSessionFactory(cohort=cohort, starts_at=starts)

    run()

    assert kinds_of(participant) == []


def test_tomorrow_is_the_cohorts_own_tomorrow(participant):
    # 09:00 UTC on Wednesday is 04:00 in New York; 02:00 UTC on Thursday is still Wednesday there.
    cohort = CohortFactory(time_zone="America/New_York")
    CohortMembershipFactory(cohort=cohort, user=participant)
    CohortSessionFactory(cohort=cohort, starts_at=datetime(2026, 3, 5, 2, 0, tzinfo=UTC))

    run()

    assert kinds_of(participant) == []


# Sharing -------------------------------------------------------------------------------------


def _release(participant, *, ends_in: timedelta, created_ago=timedelta(days=85), **kwargs):
    return CredentialReleaseFactory(
        participant=participant,
        certificates=[CertificateFactory(user=participant)],
        created_at=NOW - created_ago,
        expires_at=NOW + ends_in,
        **kwargs,
    )


def test_sharing_that_ends_within_a_week_is_told_once(participant):
    release = _release(participant, ends_in=timedelta(days=6))

    run()
    run()

    (notice,) = Notice.objects.filter(user=participant)
    assert notice.kind == NoticeKind.SHARING_ENDS_SOON
    assert notice.dedupe_key == f"sharing_ends_soon:{release.pk}"
    assert notice.url == reverse("sharing:list")


def test_sharing_that_ends_later_stopped_or_ended_is_not_told(participant):
    _release(participant, ends_in=timedelta(days=30))
    _release(participant, ends_in=timedelta(days=3), revoked_at=NOW - timedelta(days=1))
    _release(participant, ends_in=timedelta(days=-1))

    run()

    assert kinds_of(participant) == []


def test_sharing_she_set_to_last_under_a_week_is_not_told(participant):
    _release(participant, ends_in=timedelta(days=5), created_ago=timedelta(hours=1))

    run()

    assert kinds_of(participant) == []


# Check-ins -----------------------------------------------------------------------------------


def test_mentor_and_mentee_hear_of_a_check_in_due_tomorrow_once(participant, mentor):
    # Every 14 days from the start 13 days ago: due tomorrow.
    pairing = MentorshipPairingFactory(
        mentor=mentor, mentee=participant, started_at=NOW - timedelta(days=13)
    )

    run()
    run()

    for person in (mentor, participant):
        (notice,) = Notice.objects.filter(user=person)
        assert notice.kind == NoticeKind.CHECKIN_DUE
        assert notice.url == reverse("mentoring:pairing", args=[pairing.pk])
        assert notice.dedupe_key == f"checkin_due:{pairing.pk}:2026-03-05"


def test_the_next_check_in_counts_from_the_last_one(participant, mentor):
    pairing = MentorshipPairingFactory(
        mentor=mentor, mentee=participant, started_at=NOW - timedelta(days=13)
    )
    MentorshipCheckInFactory(pairing=pairing, date=NOW.date() - timedelta(days=2))

    run()

    assert kinds_of(participant) == kinds_of(mentor) == []


def test_a_paused_pairing_has_no_check_in_due(participant, mentor):
    MentorshipPairingFactory(
        mentor=mentor,
        mentee=participant,
        started_at=NOW - timedelta(days=13),
        status=PairingStatus.PAUSED,
    )

    run()

    assert kinds_of(participant) == []


# The command ----------------------------------------------------------------------------------


def test_running_again_makes_nothing_new(participant, mentor):
    cohort = CohortFactory()
    CohortMembershipFactory(cohort=cohort, user=participant)
    CohortSessionFactory(cohort=cohort, starts_at=NOW + timedelta(days=1))
    _release(participant, ends_in=timedelta(days=2))
    MentorshipPairingFactory(mentor=mentor, mentee=participant, started_at=NOW - timedelta(days=13))

    assert "Due notices created: 4." in run()
    assert "Due notices created: 0." in run()
    assert sorted(kinds_of(participant)) == sorted(
        [NoticeKind.CHECKIN_DUE, NoticeKind.SESSION_TOMORROW, NoticeKind.SHARING_ENDS_SOON]
    )


def test_a_failing_finder_does_not_stop_the_others(participant):
    _release(participant, ends_in=timedelta(days=2))

    def broken(*, now):
        raise RuntimeError("broken")

    with hooks.register_temporarily(services.DUE_NOTICES_HOOK, broken):
        assert services.notices_create_due(now=timezone.now()) == 1


def test_due_e_mails_name_no_cohort_employer_or_mentor(django_capture_on_commit_callbacks):
    maya = ParticipantFactory(
        chosen_name="Maya", email="maya@example.org", safe_contact_channels=["email"]
    )
    mentor = MentorFactory(
        chosen_name="Beatriz", email="bea@example.org", safe_contact_channels=["email"]
    )
    cohort = CohortFactory(name="Riverside Evening Group")
    CohortMembershipFactory(cohort=cohort, user=maya)
    CohortSessionFactory(
        cohort=cohort, title="Interview Practice", starts_at=NOW + timedelta(days=1)
    )
    _release(
        maya,
        ends_in=timedelta(days=2),
        employer=EmployerOrganisationFactory(name="Harbour Hotels"),
    )
    MentorshipPairingFactory(mentor=mentor, mentee=maya, started_at=NOW - timedelta(days=13))

    with django_capture_on_commit_callbacks(execute=True):
        run()

    # Three notices for Maya, one e-mail (the others wait until she has read it); one for Beatriz.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "bea@example.org",
        "maya@example.org",
    ]
    for message in mail.outbox:
        words = f"{message.subject}\n{message.body}".lower()
        for name in (
            "Riverside Evening Group",
            "Interview Practice",
            "Harbour Hotels",
            "Beatriz",
            "Maya",
            "session",
            "check-in",
            "sharing",
            "employer",
        ):
            assert name.lower() not in words
