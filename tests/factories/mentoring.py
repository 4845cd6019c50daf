"""Test data for mentorship: mentor profiles, preferences, pairings, goals and check-ins.

Records are written directly, so a factory can build any state (an ended pairing, a check-in long
ago). To test the rules, go through ``cohorts.mentorship_services`` instead.
"""

from collections.abc import Iterable

from django.utils import timezone

import factory
from factory.django import DjangoModelFactory

from pathways.courses.models import Skill
from pathways.mentoring.models import (
    CheckInMode,
    GoalStatus,
    MenteePreferences,
    MentorProfile,
    MentorProfileStatus,
    MentorshipCheckIn,
    MentorshipGoal,
    MentorshipPairing,
    PairingOrigin,
    PairingStatus,
)
from tests.factories.accounts import MentorFactory, ParticipantFactory


class MentorProfileFactory(DjangoModelFactory):
    """A trained, active mentor with two places, speaking English. ``skills=[...]`` links skills."""

    user = factory.SubFactory(MentorFactory)
    capacity = 2
    languages = factory.LazyFunction(lambda: ["en"])
    availability = "Weekday evenings"
    training_completed = True
    status = MentorProfileStatus.ACTIVE

    class Meta:
        model = MentorProfile
        django_get_or_create = ("user",)
        skip_postgeneration_save = True

    @factory.post_generation
    def skills(self, create: bool, extracted: Iterable[Skill] | None, **kwargs) -> None:
        if create and extracted:
            self.skills.add(*extracted)


class MenteePreferencesFactory(DjangoModelFactory):
    """What a participant wants from a mentor. ``skills_wanted=[...]`` links skills."""

    user = factory.SubFactory(ParticipantFactory)
    languages = factory.LazyFunction(list)

    class Meta:
        model = MenteePreferences
        django_get_or_create = ("user",)
        skip_postgeneration_save = True

    @factory.post_generation
    def skills_wanted(self, create: bool, extracted: Iterable[Skill] | None, **kwargs) -> None:
        if create and extracted:
            self.skills_wanted.add(*extracted)


class MentorshipPairingFactory(DjangoModelFactory):
    """An active pairing that started now, proposed by staff and accepted by the mentee.

    The mentor gets a profile unless she has one. For a pending pairing pass
    ``status=PairingStatus.PROPOSED, started_at=None``.
    """

    mentor = factory.SubFactory(MentorFactory)
    mentee = factory.SubFactory(ParticipantFactory)
    status = PairingStatus.ACTIVE
    origin = PairingOrigin.STAFF
    started_at = factory.LazyFunction(timezone.now)
    responded_at = factory.LazyAttribute(lambda obj: obj.started_at)
    checkin_every_days = 14

    class Meta:
        model = MentorshipPairing
        skip_postgeneration_save = True

    @factory.post_generation
    def mentor_profile(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted is not False:
            MentorProfileFactory(user=self.mentor)


class MentorshipGoalFactory(DjangoModelFactory):
    pairing = factory.SubFactory(MentorshipPairingFactory)
    title = factory.Sequence(lambda n: f"Goal {n}: practise an interview")
    due_date = None
    status = GoalStatus.NOT_STARTED
    created_by = factory.LazyAttribute(lambda obj: obj.pairing.mentee)

    class Meta:
        model = MentorshipGoal


class MentorshipCheckInFactory(DjangoModelFactory):
    pairing = factory.SubFactory(MentorshipPairingFactory)
    date = factory.LazyFunction(timezone.localdate)
    mode = CheckInMode.PHONE
    duration_minutes = 30
    notes = "We talked about the week ahead."
    private_from_staff = False
    recorded_by = factory.LazyAttribute(lambda obj: obj.pairing.mentor)

    class Meta:
        model = MentorshipCheckIn
