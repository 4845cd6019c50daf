"""Certificates issued before ``issued_without_completion`` existed: which the migration marks.

A staff issue for prior learning and a batch issue to someone who had not finished cannot be told
apart afterwards, so the safe default marks every staff-issued certificate whose completion was
not on record when it was issued; certificates issued on completion are never marked.
"""

import importlib
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

import pytest

from certificates.factories import CertificateFactory
from certificates.models import Certificate
from cohorts.factories import CohortFactory, CohortMembershipFactory
from cohorts.models import MembershipStatus
from courses.models import Enrollment, EnrollmentStatus

pytestmark = pytest.mark.django_db

migration = importlib.import_module("certificates.migrations.0005_issue_override")


def test_staff_issued_certificates_without_a_recorded_completion_are_marked(staff):
    now = timezone.now()
    automatic = CertificateFactory()
    earned = CertificateFactory(issued_by=staff, issued_at=now)
    Enrollment.objects.create(
        user=earned.user,
        course=earned.course,
        status=EnrollmentStatus.COMPLETED,
        completed_at=now - timedelta(days=1),
    )
    prior_learning = CertificateFactory(issued_by=staff, issued_at=now)
    completed_later = CertificateFactory(issued_by=staff, issued_at=now - timedelta(days=2))
    Enrollment.objects.create(
        user=completed_later.user,
        course=completed_later.course,
        status=EnrollmentStatus.COMPLETED,
        completed_at=now,
    )
    cohort = CohortFactory()
    newcomer = CohortMembershipFactory(cohort=cohort, status=MembershipStatus.ACTIVE)
    batch_issued = CertificateFactory(
        user=newcomer.user,
        course=None,
        cohort=cohort,
        issued_by=staff,
        issued_at=now,
    )
    finished = CohortMembershipFactory(
        cohort=cohort, status=MembershipStatus.COMPLETED, completed_at=now - timedelta(days=1)
    )
    batch_earned = CertificateFactory(
        user=finished.user, course=None, cohort=cohort, issued_by=staff, issued_at=now
    )
    # She changed the name on the prior-learning certificate: the replacement keeps its mark.
    renamed = CertificateFactory(
        user=prior_learning.user,
        course=prior_learning.course,
        achievement_key=f"{prior_learning.achievement_key}~",
        issued_by=prior_learning.user,
        issued_at=now,
    )
    Certificate.objects.filter(pk=prior_learning.pk).update(superseded_by=renamed)

    migration.mark_staff_issued_without_recorded_completion(apps, None)

    marked = set(
        Certificate.objects.filter(issued_without_completion=True).values_list("pk", flat=True)
    )
    assert marked == {prior_learning.pk, completed_later.pk, batch_issued.pk, renamed.pk}
    assert automatic.pk not in marked
    assert earned.pk not in marked
    assert batch_earned.pk not in marked
