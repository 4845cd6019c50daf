"""The demo data: realistic, consistent with the rules, and safe to load twice."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

from courses.models import CoursePage, Enrollment, EnrollmentStatus, QuizAttempt
from lms.accounts.roles import Role, has_role

pytestmark = pytest.mark.django_db


def _counts():
    from wagtail.models import Page

    from cohorts.models import Attendance, CohortSession, MentorshipCheckIn

    return {
        "users": get_user_model().objects.count(),
        "pages": Page.objects.count(),
        "enrollments": Enrollment.objects.count(),
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

    maya = Enrollment.objects.get(user__username="maya", course__title="Workplace Readiness")
    assert maya.status == EnrollmentStatus.ACTIVE
    assert maya.lesson_progress.filter(completed_at__isnull=False).exists()
    rosa = Enrollment.objects.get(
        user__username="rosa", course__title="Customer Service Fundamentals"
    )
    assert rosa.status == EnrollmentStatus.COMPLETED
    assert rosa.completed_at is not None

    from cohorts.models import Attendance, Cohort, CohortStatus, MentorshipPairing, PairingStatus

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
