"""The demo data: realistic, consistent with the rules, and safe to load twice."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

from pathways.courses.models import CoursePage, Enrolment, EnrolmentStatus, QuizAttempt
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.roles import Role, has_role

pytestmark = pytest.mark.django_db


def _counts():
    from wagtail.models import Page

    from pathways.cohorts.models import Attendance, CohortSession
    from pathways.mentoring.models import MentorshipCheckIn

    return {
        "users": get_user_model().objects.count(),
        "pages": Page.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "attempts": QuizAttempt.objects.count(),
        "sessions": CohortSession.objects.count(),
        "attendance": Attendance.objects.count(),
        "check_ins": MentorshipCheckIn.objects.count(),
    }


def test_seed_demo_builds_the_demo_site_and_is_safe_to_run_twice(capsys):
    call_command("seed_demo", allow_without_debug=True)
    first = _counts()
    output = capsys.readouterr().out
    for username in ["maya", "rosa", "amara", "dana", "sam", "lee", "admin"]:
        assert username in output

    titles = set(CoursePage.objects.live().values_list("title", flat=True))
    assert {
        "Workplace Readiness",
        "Customer Service Fundamentals",
        "Leading Peer Support Groups",
    } <= titles

    users = {user.username: user for user in get_user_model().objects.all()}
    assert has_role(users["maya"], Role.PARTICIPANT)
    assert has_role(users["amara"], Role.MENTOR)
    assert has_role(users["dana"], Role.FACILITATOR)
    assert has_role(users["sam"], Role.PROGRAMME_STAFF)
    assert has_role(users["lee"], Role.EMPLOYER)
    # What Pathways keeps about each person is in her profile; the account's own fields on the
    # user model.
    profiles = {p.user.username: p for p in Profile.objects.select_related("user")}
    assert set(profiles) == set(users)
    assert profiles["maya"].chosen_name == "Maya"
    assert profiles["maya"].peer_alias == "Sunrise"
    assert profiles["maya"].safe_contact_channels == ["in_person"]
    assert profiles["maya"].safety_notice_seen_at is not None
    assert profiles["rosa"].legal_name == "Rosa María Pérez"
    assert profiles["rosa"].preferred_language == "es"
    assert profiles["rosa"].safety_notice_seen_at is None
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["sam"].is_staff and not users["sam"].is_superuser

    maya = Enrolment.objects.get(user__username="maya", course__title="Workplace Readiness")
    assert maya.status == EnrolmentStatus.ACTIVE
    assert maya.lesson_progress.filter(completed_at__isnull=False).exists()
    rosa = Enrolment.objects.get(
        user__username="rosa", course__title="Customer Service Fundamentals"
    )
    assert rosa.status == EnrolmentStatus.COMPLETED
    assert rosa.completed_at is not None

    from pathways.cohorts.models import Attendance, Cohort, CohortStatus
    from pathways.mentoring.models import MentorshipPairing, PairingStatus

    cohort = Cohort.objects.get()
    assert cohort.status == CohortStatus.RUNNING
    assert cohort.sessions.count() >= 4
    assert Attendance.objects.filter(session__cohort=cohort).exists()
    assert list(cohort.facilitators.values_list("username", flat=True)) == ["dana"]
    assert MentorshipPairing.objects.filter(status=PairingStatus.ACTIVE).count() == 2

    call_command("seed_demo", allow_without_debug=True)
    assert _counts() == first
    assert Attendance.objects.count() == Attendance.objects.filter(session__cohort=cohort).count()
    assert MentorshipPairing.objects.count() == 2


def test_seed_demo_refuses_to_run_in_production_mode():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="admin").exists()


def test_seed_demo_rebuilds_a_missing_default_site():
    from wagtail.models import Site

    Site.objects.all().delete()
    call_command("seed_demo", allow_without_debug=True)
    site = Site.objects.get(is_default_site=True)
    assert CoursePage.objects.descendant_of(site.root_page).count() >= 3


def _printed_key(output: str) -> str:
    keys = [word for word in output.split() if word.startswith("pwk_")]
    assert keys, "seed_demo should print the demo API key"
    return keys[0]


def test_seed_demo_shares_rosas_certificates_in_every_state_and_prints_a_working_key(
    capsys, client
):
    from pathways.certificates.employers.models import EmployerApiKey
    from pathways.certificates.employers.services import employer_key_authenticate
    from pathways.certificates.sharing.models import CredentialAccess, CredentialRelease
    from pathways.certificates.sharing.selectors import participant_access_log, shared_credentials

    call_command("seed_demo", allow_without_debug=True)
    output = capsys.readouterr().out

    releases = {
        release.employer.name: release
        for release in CredentialRelease.objects.select_related("employer", "participant")
    }
    assert {name: release.status for name, release in releases.items()} == {
        "Harbour Hotels": "active",
        "Northgate Logistics": "expired",
        "Riverside Care": "revoked",
    }
    assert {release.participant.username for release in releases.values()} == {"rosa"}
    harbour = releases["Harbour Hotels"].employer
    assert list(harbour.users.values_list("username", flat=True)) == ["lee"]
    rosa = releases["Harbour Hotels"].participant
    assert participant_access_log(rosa).filter(employer=harbour).count() >= 3

    raw_key = _printed_key(output)
    key = employer_key_authenticate(raw_key)
    assert key is not None and key.employer == harbour
    assert shared_credentials(employer=harbour).count() == 2
    curl = next(line for line in output.splitlines() if line.strip().startswith("curl "))
    assert f"Authorization: Bearer {raw_key}" in curl
    assert "/api/v1/employer/credentials/" in curl
    response = client.get("/api/v1/employer/credentials/", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 200
    assert {item["achievement"] for item in response.json()["results"]} == {
        "Customer Service Fundamentals",
        "Leading Peer Support Groups",
    }

    counts = (CredentialRelease.objects.count(), CredentialAccess.objects.count())
    call_command("seed_demo", allow_without_debug=True)
    second_key = _printed_key(capsys.readouterr().out)
    assert (CredentialRelease.objects.count(), CredentialAccess.objects.count()) == counts
    # The key is shown once: each run revokes the previous demo key and prints a new one.
    assert second_key != raw_key
    assert employer_key_authenticate(raw_key) is None
    assert employer_key_authenticate(second_key).employer == harbour
    assert EmployerApiKey.objects.filter(employer=harbour, revoked_at__isnull=True).count() == 1
