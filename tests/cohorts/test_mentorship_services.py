"""Mentorship rules: the pairing lifecycle, capacity, goals, check-ins and overdue flags.

Every refusal is checked to change nothing.
"""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

import pytest
import time_machine

from pathways.lms.accounts.roles import Role
from pathways.mentoring import services
from pathways.mentoring.models import (
    CheckInMode,
    GoalStatus,
    MentorProfile,
    MentorProfileStatus,
    MentorshipCheckIn,
    MentorshipGoal,
    MentorshipPairing,
    PairingOrigin,
    PairingStatus,
)
from pathways.mentoring.tasks import flag_overdue_pairings
from tests.factories.accounts import MentorFactory, ParticipantFactory, UserFactory
from tests.factories.courses import SkillFactory
from tests.factories.mentoring import (
    MentorProfileFactory,
    MentorshipCheckInFactory,
    MentorshipGoalFactory,
    MentorshipPairingFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor, capacity=2)


@pytest.fixture
def proposed(profile, participant, staff):
    return services.pairing_propose(mentor=profile.user, mentee=participant, actor=staff)


@pytest.fixture
def active(proposed, participant):
    return services.pairing_accept(pairing=proposed, actor=participant)


def _snapshot(pairing):
    pairing.refresh_from_db()
    return (
        pairing.status,
        pairing.started_at,
        pairing.responded_at,
        pairing.ended_at,
        pairing.ended_by_id,
        pairing.end_reason_private,
    )


def _refused(call, message: str | None = None):
    with pytest.raises(ValidationError) as caught:
        call()
    if message is not None:
        assert message in " ".join(caught.value.messages)
    return caught.value


# The transition table ----------------------------------------------------------------------

ACTIONS = {
    services.ACCEPT: services.pairing_accept,
    services.DECLINE: services.pairing_decline,
    services.PAUSE: services.pairing_pause,
    services.RESUME: services.pairing_resume,
    services.COMPLETE: services.pairing_complete,
    services.END: services.pairing_end,
}
PARTIES = ["mentor", "mentee", "staff", "stranger"]

# What the product allows, written out by hand: (action, status) -> parties allowed.
EXPECTED_ALLOWED = {
    ("accept", "proposed"): {"mentee"},
    ("accept", "requested"): {"mentor", "staff"},
    ("decline", "proposed"): {"mentee", "staff"},
    ("decline", "requested"): {"mentor", "mentee", "staff"},
    ("pause", "active"): {"mentor", "mentee", "staff"},
    ("resume", "paused"): {"mentor", "mentee", "staff"},
    ("complete", "active"): {"mentor", "mentee", "staff"},
    ("complete", "paused"): {"mentor", "mentee", "staff"},
    ("end", "active"): {"mentor", "mentee", "staff"},
    ("end", "paused"): {"mentor", "mentee", "staff"},
}
EXPECTED_RESULT = {
    "accept": "active",
    "decline": "declined",
    "pause": "paused",
    "resume": "active",
    "complete": "completed",
    "end": "ended",
}


def test_the_transition_table_is_the_one_the_product_describes():
    table = {
        (action, str(status)): {party for party in allowed}
        for (action, status), (_new, allowed) in services.PAIRING_TRANSITIONS.items()
    }
    assert table == EXPECTED_ALLOWED
    for (action, _status), (new_status, _allowed) in services.PAIRING_TRANSITIONS.items():
        assert new_status == EXPECTED_RESULT[action]


@pytest.mark.parametrize("party", PARTIES)
@pytest.mark.parametrize("status", PairingStatus.values)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition_is_allowed_or_refused_as_the_table_says(
    action, status, party, mentor, participant, staff, other_participant
):
    MentorProfileFactory(user=mentor, capacity=2)
    started = timezone.now() - 3 * DAY
    pairing = MentorshipPairingFactory(
        mentor=mentor,
        mentee=participant,
        status=status,
        started_at=started if status not in ("proposed", "requested", "declined") else None,
    )
    actor = {
        "mentor": mentor,
        "mentee": participant,
        "staff": staff,
        "stranger": other_participant,
    }[party]
    before = _snapshot(pairing)
    if party in EXPECTED_ALLOWED.get((action, status), set()):
        result = ACTIONS[action](pairing=pairing, actor=actor)
        result.refresh_from_db()
        assert result.status == EXPECTED_RESULT[action]
    else:
        _refused(lambda: ACTIONS[action](pairing=pairing, actor=actor))
        assert _snapshot(pairing) == before


# Proposing, requesting, accepting, declining -------------------------------------------------


def test_staff_propose_and_the_mentee_accepts(profile, participant, staff):
    pairing = services.pairing_propose(mentor=profile.user, mentee=participant, actor=staff)
    assert pairing.status == PairingStatus.PROPOSED
    assert pairing.origin == PairingOrigin.STAFF
    assert pairing.proposed_by == staff
    assert pairing.started_at is None

    pairing = services.pairing_accept(pairing=pairing, actor=participant)
    assert pairing.status == PairingStatus.ACTIVE
    assert pairing.started_at is not None
    assert pairing.responded_at is not None


def test_nobody_is_paired_without_saying_yes(proposed, mentor, staff):
    before = _snapshot(proposed)
    _refused(lambda: services.pairing_accept(pairing=proposed, actor=mentor), "saying yes")
    _refused(lambda: services.pairing_accept(pairing=proposed, actor=staff), "saying yes")
    assert _snapshot(proposed) == before


def test_only_staff_can_propose(profile, participant, other_participant, mentor):
    for actor in (other_participant, mentor, participant):
        _refused(
            lambda actor=actor: services.pairing_propose(
                mentor=profile.user, mentee=participant, actor=actor
            ),
            "Only programme staff",
        )
    assert not MentorshipPairing.objects.exists()


def test_a_participant_requests_a_mentor_who_accepts(profile, participant, mentor):
    pairing = services.pairing_request(mentor=mentor, mentee=participant)
    assert pairing.status == PairingStatus.REQUESTED
    assert pairing.origin == PairingOrigin.PARTICIPANT
    _refused(lambda: services.pairing_accept(pairing=pairing, actor=participant), "waiting")
    pairing = services.pairing_accept(pairing=pairing, actor=mentor)
    assert pairing.status == PairingStatus.ACTIVE


def test_staff_can_approve_a_request_for_the_mentor(profile, participant, staff, mentor):
    pairing = services.pairing_request(mentor=mentor, mentee=participant)
    assert services.pairing_accept(pairing=pairing, actor=staff).status == PairingStatus.ACTIVE


def test_nobody_can_be_their_own_mentor(staff):
    both = UserFactory(roles=[Role.MENTOR, Role.PARTICIPANT])
    MentorProfileFactory(user=both)
    _refused(
        lambda: services.pairing_propose(mentor=both, mentee=both, actor=staff),
        "Nobody can be their own mentor.",
    )
    _refused(
        lambda: services.pairing_request(mentor=both, mentee=both),
        "Nobody can be their own mentor.",
    )
    assert not MentorshipPairing.objects.exists()


def test_only_a_participant_can_have_a_mentor(profile, staff, facilitator):
    _refused(
        lambda: services.pairing_propose(mentor=profile.user, mentee=facilitator, actor=staff),
        "Only a participant",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": MentorProfileStatus.PAUSED}, "not taking on new mentees"),
        ({"training_completed": False}, "has not finished mentor training"),
    ],
)
def test_a_paused_or_untrained_mentor_cannot_be_proposed_or_accepted(
    profile, participant, staff, changes, message
):
    pairing = services.pairing_propose(mentor=profile.user, mentee=participant, actor=staff)
    MentorProfile.objects.filter(pk=profile.pk).update(**changes)
    other = ParticipantFactory()
    _refused(
        lambda: services.pairing_propose(mentor=profile.user, mentee=other, actor=staff), message
    )
    before = _snapshot(pairing)
    _refused(lambda: services.pairing_accept(pairing=pairing, actor=participant), message)
    assert _snapshot(pairing) == before


def test_someone_without_a_mentor_profile_cannot_mentor(participant, staff):
    not_a_mentor = MentorFactory()
    _refused(
        lambda: services.pairing_propose(mentor=not_a_mentor, mentee=participant, actor=staff),
        "not set up as a mentor",
    )


def test_the_same_two_people_cannot_be_paired_twice_at_once(proposed, profile, participant, staff):
    _refused(
        lambda: services.pairing_propose(mentor=profile.user, mentee=participant, actor=staff),
        "already paired",
    )
    services.pairing_decline(pairing=proposed, actor=participant)
    again = services.pairing_propose(mentor=profile.user, mentee=participant, actor=staff)
    assert again.status == PairingStatus.PROPOSED


def test_the_mentee_declines_with_a_reason_for_staff(proposed, participant):
    pairing = services.pairing_decline(
        pairing=proposed, actor=participant, reason_private="  Not the right time  "
    )
    assert pairing.status == PairingStatus.DECLINED
    assert pairing.ended_by == participant
    assert pairing.end_reason_private == "Not the right time"
    _refused(lambda: services.pairing_accept(pairing=pairing, actor=participant), "no longer")


def test_a_mentor_declines_a_request_and_a_mentee_withdraws_hers(profile, mentor):
    first, second = ParticipantFactory(), ParticipantFactory()
    asked = services.pairing_request(mentor=mentor, mentee=first)
    assert services.pairing_decline(pairing=asked, actor=mentor).status == "declined"
    withdrawn = services.pairing_request(mentor=mentor, mentee=second)
    assert services.pairing_decline(pairing=withdrawn, actor=second).ended_by == second


# Capacity ------------------------------------------------------------------------------------


def test_a_mentor_never_exceeds_her_capacity(staff):
    profile = MentorProfileFactory(capacity=1)
    first, second = ParticipantFactory(), ParticipantFactory()
    one = services.pairing_propose(mentor=profile.user, mentee=first, actor=staff)
    two = services.pairing_propose(mentor=profile.user, mentee=second, actor=staff)
    services.pairing_accept(pairing=one, actor=first)
    before = _snapshot(two)
    _refused(lambda: services.pairing_accept(pairing=two, actor=second), "no free place")
    assert _snapshot(two) == before
    assert two.status == PairingStatus.PROPOSED


def test_a_full_mentor_cannot_be_proposed(staff):
    profile = MentorProfileFactory(capacity=1)
    MentorshipPairingFactory(mentor=profile.user)
    _refused(
        lambda: services.pairing_propose(
            mentor=profile.user, mentee=ParticipantFactory(), actor=staff
        ),
        "no free place",
    )


def test_a_paused_pairing_keeps_its_place_and_resumes_even_when_full(staff):
    profile = MentorProfileFactory(capacity=1)
    mentee, waiting = ParticipantFactory(), ParticipantFactory()
    pairing = MentorshipPairingFactory(mentor=profile.user, mentee=mentee)
    pending = MentorshipPairingFactory(
        mentor=profile.user, mentee=waiting, status=PairingStatus.PROPOSED, started_at=None
    )
    paused = services.pairing_pause(pairing=pairing, actor=mentee)
    _refused(lambda: services.pairing_accept(pairing=pending, actor=waiting), "no free place")
    assert services.pairing_resume(pairing=paused, actor=profile.user).status == "active"


def test_completing_a_pairing_frees_the_place(staff):
    profile = MentorProfileFactory(capacity=1)
    mentee, waiting = ParticipantFactory(), ParticipantFactory()
    pairing = MentorshipPairingFactory(mentor=profile.user, mentee=mentee)
    pending = MentorshipPairingFactory(
        mentor=profile.user, mentee=waiting, status=PairingStatus.PROPOSED, started_at=None
    )
    services.pairing_complete(pairing=pairing, actor=profile.user)
    assert services.pairing_accept(pairing=pending, actor=waiting).status == "active"


# Pausing, completing, ending ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentor", "mentee", "staff"])
def test_either_person_or_staff_ends_early_with_a_private_reason(
    active, who, mentor, participant, staff
):
    actor = {"mentor": mentor, "mentee": participant, "staff": staff}[who]
    pairing = services.pairing_end(
        pairing=active, actor=actor, reason_private="Moved to another programme"
    )
    assert pairing.status == PairingStatus.ENDED
    assert pairing.ended_by == actor
    assert pairing.ended_at is not None
    assert pairing.end_reason_private == "Moved to another programme"


def test_an_overlong_reason_is_refused(active, mentor):
    before = _snapshot(active)
    _refused(
        lambda: services.pairing_end(pairing=active, actor=mentor, reason_private="x" * 2001),
        "2,000",
    )
    assert _snapshot(active) == before


def test_a_finished_pairing_cannot_be_resumed_or_ended_again(active, mentor):
    services.pairing_complete(pairing=active, actor=mentor)
    _refused(lambda: services.pairing_end(pairing=active, actor=mentor), "already finished")
    _refused(lambda: services.pairing_resume(pairing=active, actor=mentor), "paused")


def test_staff_change_the_checkin_interval(active, staff, mentor):
    assert (
        services.pairing_set_checkin_interval(
            pairing=active, actor=staff, checkin_every_days=7
        ).checkin_every_days
        == 7
    )
    _refused(
        lambda: services.pairing_set_checkin_interval(
            pairing=active, actor=mentor, checkin_every_days=30
        )
    )
    _refused(
        lambda: services.pairing_set_checkin_interval(
            pairing=active, actor=staff, checkin_every_days=0
        )
    )


# Mentor profiles -----------------------------------------------------------------------------


def test_staff_create_a_mentor_profile_and_the_person_becomes_a_mentor(staff):
    person = ParticipantFactory()
    skill = SkillFactory(name="Interviewing")
    profile = services.mentor_profile_save(
        user=person,
        actor=staff,
        capacity=3,
        languages=[" EN", "es", "en"],
        skills=[skill],
        availability="Tuesdays",
        training_completed=True,
    )
    assert profile.languages == ["en", "es"]
    assert list(profile.skills.all()) == [skill]
    assert person.groups.filter(name=Role.MENTOR.value).exists()


def test_only_staff_change_mentor_profiles(mentor):
    _refused(
        lambda: services.mentor_profile_save(user=mentor, actor=mentor, capacity=2),
        "Only programme staff",
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"capacity": 0}, "between 1 and"),
        ({"capacity": 2, "languages": ["english!"]}, "is not a language code"),
        ({"capacity": 2, "status": "gone"}, "active or paused"),
    ],
)
def test_bad_mentor_profile_input_is_refused(staff, mentor, kwargs, message):
    _refused(lambda: services.mentor_profile_save(user=mentor, actor=staff, **kwargs), message)
    assert not MentorProfile.objects.exists()


def test_capacity_cannot_drop_below_current_mentees(staff):
    profile = MentorProfileFactory(capacity=2)
    MentorshipPairingFactory(mentor=profile.user)
    MentorshipPairingFactory(mentor=profile.user, status=PairingStatus.PAUSED)
    _refused(
        lambda: services.mentor_profile_save(user=profile.user, actor=staff, capacity=1),
        "before lowering the capacity",
    )
    profile.refresh_from_db()
    assert profile.capacity == 2


def test_mentee_preferences_by_herself_or_staff_only(participant, other_participant, staff):
    skill = SkillFactory(name="Budgeting")
    prefs = services.mentee_preferences_save(
        user=participant, actor=participant, skills_wanted=[skill], languages=["es"]
    )
    assert prefs.languages == ["es"]
    services.mentee_preferences_save(user=participant, actor=staff, languages=["en"])
    _refused(
        lambda: services.mentee_preferences_save(
            user=participant, actor=other_participant, languages=["fr"]
        )
    )
    prefs.refresh_from_db()
    assert prefs.languages == ["en"]


def test_mentors_group_exists_after_saving(staff):
    Group.objects.filter(name=Role.MENTOR.value).delete()
    services.mentor_profile_save(user=ParticipantFactory(), actor=staff, capacity=1)
    assert Group.objects.filter(name=Role.MENTOR.value).exists()


# Goals ---------------------------------------------------------------------------------------


def test_mentor_and_mentee_keep_goals(active, mentor, participant):
    goal = services.goal_add(
        pairing=active,
        actor=participant,
        title="Finish my CV",
        due_date=timezone.localdate() + 7 * DAY,
    )
    assert goal.created_by == participant
    goal = services.goal_update(goal=goal, actor=mentor, status=GoalStatus.IN_PROGRESS)
    assert goal.status == GoalStatus.IN_PROGRESS
    goal = services.goal_update(goal=goal, actor=participant, due_date=None, title="Finish CV")
    goal.refresh_from_db()
    assert (goal.title, goal.due_date, goal.status) == ("Finish CV", None, "in_progress")


@pytest.mark.parametrize("who", ["other_participant", "staff", "facilitator"])
def test_people_outside_the_pairing_cannot_touch_goals_or_check_ins(active, request, who):
    outsider = request.getfixturevalue(who)
    _refused(lambda: services.goal_add(pairing=active, actor=outsider, title="Sneaky"))
    goal = MentorshipGoalFactory(pairing=active)
    _refused(lambda: services.goal_update(goal=goal, actor=outsider, status=GoalStatus.DONE))
    _refused(
        lambda: services.checkin_log(
            pairing=active,
            actor=outsider,
            date=timezone.localdate(),
            mode=CheckInMode.PHONE,
            duration_minutes=30,
        )
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.NOT_STARTED
    assert MentorshipGoal.objects.count() == 1
    assert not MentorshipCheckIn.objects.exists()


def test_goals_and_check_ins_need_an_active_pairing(mentor, participant):
    pairing = MentorshipPairingFactory(mentor=mentor, mentee=participant)
    goal = MentorshipGoalFactory(pairing=pairing)
    services.pairing_pause(pairing=pairing, actor=mentor)
    _refused(lambda: services.goal_add(pairing=pairing, actor=mentor, title="x"), "not active")
    _refused(lambda: services.goal_update(goal=goal, actor=mentor, status="done"), "not active")
    services.pairing_end(pairing=pairing, actor=mentor)
    _refused(
        lambda: services.checkin_log(
            pairing=pairing,
            actor=participant,
            date=timezone.localdate(),
            mode=CheckInMode.PHONE,
            duration_minutes=30,
        ),
        "not active",
    )


def test_goal_dates_in_the_wrong_order_are_refused(mentor, participant):
    pairing = MentorshipPairingFactory(
        mentor=mentor, mentee=participant, started_at=timezone.now() - 10 * DAY
    )
    goal = MentorshipGoalFactory(pairing=pairing)
    before_start = timezone.localdate() - 20 * DAY
    _refused(
        lambda: services.goal_add(pairing=pairing, actor=mentor, title="x", due_date=before_start),
        "before the mentorship started",
    )
    _refused(
        lambda: services.goal_update(goal=goal, actor=mentor, due_date=before_start),
        "before the mentorship started",
    )
    _refused(
        lambda: services.goal_add(
            pairing=pairing, actor=mentor, title="x", due_date=timezone.localdate() - DAY
        ),
        "from today onwards",
    )
    _refused(
        lambda: services.goal_add(pairing=pairing, actor=mentor, title="x", due_date="2030-01-01"),
        "day, month and year",
    )
    # An existing goal may be moved to a past date after the start (it is simply late).
    services.goal_update(goal=goal, actor=mentor, due_date=timezone.localdate() - DAY)
    assert MentorshipGoal.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "   "}, "Please write what the goal is."),
        ({"title": "x" * 301}, "300"),
    ],
)
def test_bad_goal_input_is_refused(active, mentor, kwargs, message):
    _refused(lambda: services.goal_add(pairing=active, actor=mentor, **kwargs), message)
    assert not MentorshipGoal.objects.exists()


def test_an_unknown_goal_status_is_refused(active, mentor):
    goal = MentorshipGoalFactory(pairing=active)
    _refused(lambda: services.goal_update(goal=goal, actor=mentor, status="finished"))
    goal.refresh_from_db()
    assert goal.status == GoalStatus.NOT_STARTED


# Check-ins -----------------------------------------------------------------------------------


def _log(pairing, actor, **overrides):
    kwargs = {
        "pairing": pairing,
        "actor": actor,
        "date": timezone.localdate(),
        "mode": CheckInMode.VIDEO,
        "duration_minutes": 45,
        "notes": "Talked about interviews.",
    }
    kwargs.update(overrides)
    return services.checkin_log(**kwargs)


@pytest.mark.parametrize("who", ["mentor", "participant"])
def test_either_person_logs_a_check_in(active, request, who):
    actor = request.getfixturevalue(who)
    check_in = _log(active, actor)
    assert check_in.recorded_by == actor
    assert check_in.notes == "Talked about interviews."
    assert not check_in.private_from_staff


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": "today"}, "day, month and year"),
        ({"mode": "pigeon"}, "how you met"),
        ({"duration_minutes": 0}, "between 1 and"),
        ({"duration_minutes": 601}, "between 1 and"),
        ({"notes": "x" * 5001}, "5,000"),
    ],
)
def test_bad_check_in_input_is_refused(active, mentor, overrides, message):
    _refused(lambda: _log(active, mentor, **overrides), message)
    assert not MentorshipCheckIn.objects.exists()


def test_check_in_dates_must_be_between_the_start_and_today(mentor, participant):
    pairing = MentorshipPairingFactory(
        mentor=mentor, mentee=participant, started_at=timezone.now() - 5 * DAY
    )
    _refused(lambda: _log(pairing, mentor, date=timezone.localdate() + DAY), "future")
    _refused(
        lambda: _log(pairing, mentor, date=timezone.localdate() - 6 * DAY),
        "before the mentorship started",
    )
    assert _log(pairing, mentor, date=timezone.localdate() - 5 * DAY)


def test_private_notes_are_refused_when_the_programme_does_not_allow_them(
    active, participant, settings
):
    settings.PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED = False
    _refused(lambda: _log(active, participant, private_from_staff=True), "cannot be private")
    assert not MentorshipCheckIn.objects.exists()


def test_only_the_mentee_keeps_notes_private_when_the_programme_allows_it(
    active, participant, mentor, settings
):
    settings.PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED = True
    _refused(lambda: _log(active, mentor, private_from_staff=True), "Only the mentee")
    check_in = _log(active, participant, private_from_staff=True)
    assert check_in.private_from_staff


def test_private_notes_are_off_unless_the_setting_is_present(active, participant, settings):
    del settings.PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED
    _refused(lambda: _log(active, participant, private_from_staff=True), "cannot be private")


# Overdue check-ins ---------------------------------------------------------------------------


def test_pairings_without_a_recent_check_in_are_flagged_and_cleared(mentor, participant):
    start = timezone.now() - 20 * DAY
    late = MentorshipPairingFactory(mentor=mentor, mentee=participant, started_at=start)
    recent = MentorshipPairingFactory(started_at=start)
    MentorshipCheckInFactory(pairing=recent, date=timezone.localdate() - 3 * DAY)
    fresh = MentorshipPairingFactory()

    assert services.pairings_flag_overdue() == 1
    late.refresh_from_db()
    recent.refresh_from_db()
    fresh.refresh_from_db()
    assert late.overdue_flagged_at is not None
    assert recent.overdue_flagged_at is None
    assert fresh.overdue_flagged_at is None
    # Already flagged: not counted again.
    assert services.pairings_flag_overdue() == 0

    # A check-in clears the flag at once.
    _log(late, participant)
    late.refresh_from_db()
    assert late.overdue_flagged_at is None


def test_overdue_means_more_than_the_interval_since_the_last_check_in(active, mentor):
    MentorshipCheckInFactory(pairing=active, date=timezone.localdate())
    with time_machine.travel(timezone.now() + 14 * DAY, tick=False):
        assert services.pairings_flag_overdue() == 0
    with time_machine.travel(timezone.now() + 15 * DAY, tick=False):
        assert services.pairings_flag_overdue() == 1
    active.refresh_from_db()
    assert active.overdue_flagged_at is not None


def test_explicit_now_is_used(active):
    assert services.pairings_flag_overdue(now=timezone.now() + 30 * DAY) == 1
    # Looking from today again, the flag no longer applies and is cleared.
    assert services.pairings_flag_overdue(now=timezone.now()) == 0
    active.refresh_from_db()
    assert active.overdue_flagged_at is None


def test_paused_and_finished_pairings_are_not_overdue(mentor, participant):
    pairing = MentorshipPairingFactory(
        mentor=mentor, mentee=participant, started_at=timezone.now() - 40 * DAY
    )
    assert services.pairings_flag_overdue() == 1
    services.pairing_pause(pairing=pairing, actor=mentor)
    pairing.refresh_from_db()
    assert pairing.overdue_flagged_at is None
    assert services.pairings_flag_overdue() == 0
    MentorshipPairing.objects.filter(pk=pairing.pk).update(overdue_flagged_at=timezone.now())
    services.pairings_flag_overdue()
    pairing.refresh_from_db()
    assert pairing.overdue_flagged_at is None


def test_the_daily_task_and_command_flag_overdue_pairings(mentor, participant):
    late = MentorshipPairingFactory(
        mentor=mentor, mentee=participant, started_at=timezone.now() - 30 * DAY
    )
    result = flag_overdue_pairings.enqueue()
    assert result.return_value == 1
    late.refresh_from_db()
    assert late.overdue_flagged_at is not None

    MentorshipPairing.objects.filter(pk=late.pk).update(overdue_flagged_at=None)
    call_command("flag_overdue_pairings")
    late.refresh_from_db()
    assert late.overdue_flagged_at is not None
