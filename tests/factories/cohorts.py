"""Test data for cohorts: cohorts with facilitators and courses, memberships and sessions.

Factories write rows directly; use ``cohorts.services`` to test the rules. A cohort made here is
open for sign-up, started a week ago, runs for two months and has ten places; a session started
two hours ago, so its attendance can be taken.
"""

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

import factory
from factory.django import DjangoModelFactory

from pathways.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortCourse,
    CohortMembership,
    CohortMode,
    CohortSession,
    CohortStatus,
    MembershipStatus,
)
from tests.factories.accounts import ParticipantFactory


class CohortFactory(DjangoModelFactory):
    """``CohortFactory(facilitators=[user], courses=[course, (course, hours)])``."""

    name = factory.Sequence(lambda n: f"Cohort {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    end_date = factory.LazyAttribute(lambda obj: obj.start_date + timedelta(days=60))
    time_zone = "UTC"
    capacity = 10
    mode = CohortMode.IN_PERSON
    status = CohortStatus.OPEN

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    @factory.post_generation
    def facilitators(self, create: bool, extracted: Iterable | None, **kwargs) -> None:
        if create and extracted:
            self.facilitators.add(*extracted)

    @factory.post_generation
    def courses(self, create: bool, extracted: Iterable | None, **kwargs) -> None:
        """Each item is a course, or ``(course, minimum attended hours)``."""
        if not (create and extracted):
            return
        for item in extracted:
            course, hours = item if isinstance(item, tuple) else (item, 0)
            CohortCourse.objects.create(
                cohort=self, course=course, min_attended_hours=Decimal(str(hours))
            )


class CohortCourseFactory(DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    course = factory.SubFactory("tests.factories.courses.CoursePageFactory")
    min_attended_hours = Decimal("0")

    class Meta:
        model = CohortCourse


class CohortMembershipFactory(DjangoModelFactory):
    """An active member, written directly (no course enrolment is made)."""

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(ParticipantFactory)
    status = MembershipStatus.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = CohortMembership


class CohortSessionFactory(DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    duration_minutes = 120

    class Meta:
        model = CohortSession


class AttendanceFactory(DjangoModelFactory):
    session = factory.SubFactory(CohortSessionFactory)
    membership = factory.SubFactory(
        CohortMembershipFactory, cohort=factory.SelfAttribute("..session.cohort")
    )
    status = AttendanceStatus.PRESENT
    minutes_attended = factory.LazyAttribute(lambda obj: obj.session.duration_minutes)

    class Meta:
        model = Attendance
