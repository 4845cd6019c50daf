"""What mentors, mentees and staff read: match suggestions, the dashboard, one pairing."""

import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.cohorts.models import Cohort, CohortMembership, MembershipStatus
from pathways.courses import services as course_services
from pathways.courses.selectors import (
    course_lessons,
    enrolment_summaries_for_users,
    participant_enrolment_summaries,
)
from pathways.lms.accounts.names import alias_of
from pathways.lms.accounts.profiles import profile_update
from pathways.mentoring import selectors, services
from pathways.mentoring.models import GoalStatus, MentorProfileStatus, PairingStatus
from tests.factories.accounts import MentorFactory, ParticipantFactory
from tests.factories.courses import SkillFactory, build_course, quiz_answer_ids
from tests.factories.mentoring import (
    MenteePreferencesFactory,
    MentorProfileFactory,
    MentorshipCheckInFactory,
    MentorshipGoalFactory,
    MentorshipPairingFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


# Match suggestions ---------------------------------------------------------------------------


def _cohort(name: str) -> Cohort:
    today = timezone.localdate()
    return Cohort.objects.create(
        name=name, start_date=today - 60 * DAY, end_date=today + 30 * DAY, capacity=12
    )


def _mentor(name: str, **profile):
    user = MentorFactory(chosen_name=name)
    MentorProfileFactory(user=user, **profile)
    return user


@pytest.fixture
def matching_world(staff):
    interviewing = SkillFactory(name="Interviewing")
    budgeting = SkillFactory(name="Budgeting")
    welding = SkillFactory(name="Welding")
    mentee = ParticipantFactory(chosen_name="Lena", preferred_language="es")
    MenteePreferencesFactory(user=mentee, languages=["es"], skills_wanted=[interviewing, budgeting])
    spring = _cohort("Spring cohort")
    CohortMembership.objects.create(cohort=spring, user=mentee, status=MembershipStatus.ACTIVE)

    world = {
        # language 3 + two skills 4 + two free places 2 = 9
        "best": _mentor(
            "Best", languages=["es", "en"], skills=[interviewing, budgeting], capacity=2
        ),
        # one skill 2 + three free places (of 5) 3 + same cohort 2 = 7
        "cohort": _mentor("Cohort", languages=["fr"], skills=[interviewing, welding], capacity=5),
        # one free place 1 = 1, created before "tie_later"
        "tie_first": _mentor("Tie first", languages=["fr"], capacity=1),
        "tie_later": _mentor("Tie later", languages=["fr"], capacity=1),
        # excluded
        "paused": _mentor("Paused", languages=["es"], status=MentorProfileStatus.PAUSED),
        "untrained": _mentor("Untrained", languages=["es"], training_completed=False),
        "full": _mentor("Full", languages=["es"], capacity=1),
        "already": _mentor("Already", languages=["es"]),
    }
    CohortMembership.objects.create(
        cohort=spring, user=world["cohort"], status=MembershipStatus.COMPLETED
    )
    withdrawn_cohort = _cohort("Old cohort")
    CohortMembership.objects.create(
        cohort=withdrawn_cohort, user=mentee, status=MembershipStatus.WITHDRAWN
    )
    CohortMembership.objects.create(
        cohort=withdrawn_cohort, user=world["tie_first"], status=MembershipStatus.ACTIVE
    )
    MentorshipPairingFactory(mentor=world["full"])
    services.pairing_propose(mentor=world["already"], mentee=mentee, actor=staff)
    MentorProfileFactory(user=mentee, languages=["es"])  # she mentors too, but not herself
    return mentee, world


def test_mentors_are_ranked_by_language_skills_places_and_cohort(matching_world):
    mentee, world = matching_world
    suggestions = selectors.mentor_suggestions(mentee)
    assert [s.mentor for s in suggestions] == [
        world["best"],
        world["cohort"],
        world["tie_first"],
        world["tie_later"],
    ]
    assert [s.score for s in suggestions] == [9, 7, 1, 1]


def test_each_suggestion_says_why(matching_world):
    mentee, world = matching_world
    best, cohort, tie, _later = selectors.mentor_suggestions(mentee)
    assert best.reasons == [
        "Speaks the same language: Spanish",
        "Offers 2 skills the participant wants: Budgeting, Interviewing",
        "Has 2 free places",
    ]
    assert cohort.reasons == [
        "Offers a skill the participant wants: Interviewing",
        "Has 5 free places",
        "Was in the same cohort: Spring cohort",
    ]
    assert tie.reasons == ["Has 1 free place"]


def test_suggestions_exclude_paused_untrained_full_already_paired_and_herself(matching_world):
    mentee, world = matching_world
    suggested = {s.mentor for s in selectors.mentor_suggestions(mentee)}
    for excluded in ("paused", "untrained", "full", "already"):
        assert world[excluded] not in suggested
    assert mentee not in suggested


def test_suggestions_are_limited(matching_world):
    mentee, world = matching_world
    assert [s.mentor for s in selectors.mentor_suggestions(mentee, limit=1)] == [world["best"]]


def test_the_mentees_preferred_language_counts_without_preferences():
    mentee = ParticipantFactory(preferred_language="es")
    speaker = _mentor("Speaker", languages=["es"], capacity=1)
    other = _mentor("Other", languages=["en"], capacity=3)
    suggestions = selectors.mentor_suggestions(mentee)
    assert [s.mentor for s in suggestions] == [speaker, other]


def test_suggestions_take_a_fixed_number_of_queries(matching_world, django_assert_num_queries):
    mentee, world = matching_world
    with django_assert_num_queries(6):
        selectors.mentor_suggestions(mentee)
    for number in range(5):
        _mentor(f"More {number}", languages=["es"], skills=[SkillFactory(name=f"S{number}")])
    with django_assert_num_queries(6):
        selectors.mentor_suggestions(mentee)


# The mentor's dashboard ----------------------------------------------------------------------


@pytest.fixture
def mentee_with_progress(participant, course):
    profile_update(participant, peer_alias="Sunflower", legal_name="Maya Legalname")
    participant.email = "maya@example.org"
    participant.save()
    enrolment = course_services.enrolment_start(user=participant, course=course)
    lessons = list(course_lessons(course).specific())
    block_id = lessons[0].interactive_blocks("reflection")[0].id
    course_services.reflection_save(
        enrolment=enrolment, lesson=lessons[0], block_id=block_id, text="My secret reflection"
    )
    course_services.lesson_complete(enrolment=enrolment, lesson=lessons[0])
    quiz_block, answers = quiz_answer_ids(lessons[1], correct=False)
    course_services.quiz_submit(
        enrolment=enrolment, lesson=lessons[1], block_id=quiz_block, answers=answers
    )
    return participant


def test_dashboard_shows_alias_progress_goals_and_last_activity(mentor, mentee_with_progress):
    pairing = MentorshipPairingFactory(mentor=mentor, mentee=mentee_with_progress)
    MentorshipGoalFactory(pairing=pairing, title="Open goal")
    MentorshipGoalFactory(pairing=pairing, title="Done goal", status=GoalStatus.DONE)
    MentorshipCheckInFactory(pairing=pairing, date=timezone.localdate())

    [row] = selectors.mentor_dashboard(mentor)
    assert row.alias == "Sunflower"
    assert [goal.title for goal in row.open_goals] == ["Open goal"]
    assert row.last_checkin == timezone.localdate()
    assert row.last_activity_at is not None
    assert not row.checkin_overdue
    [course] = row.progress
    assert (course.title, course.lessons_done, course.lessons_total, course.percent) == (
        "Workplace Readiness",
        1,
        4,
        25,
    )
    assert not hasattr(row, "mentee")


def test_rendered_dashboard_never_shows_private_things(
    signed_in, mentor, mentee_with_progress, course
):
    MentorshipPairingFactory(mentor=mentor, mentee=mentee_with_progress)
    html = signed_in(mentor).get(reverse("mentoring:mentor_dashboard")).content.decode()
    assert "Sunflower" in html
    assert "Workplace Readiness" in html
    for private in (
        "Maya",
        "Legalname",
        "maya@example.org",
        "My secret reflection",
        "Say nothing and make up the time later",  # a quiz answer she chose
        "Tell your supervisor as early as you can",
    ):
        assert private not in html, private


def test_overdue_check_ins_come_first(mentor):
    fresh = MentorshipPairingFactory(mentor=mentor)
    late = MentorshipPairingFactory(mentor=mentor, started_at=timezone.now() - 20 * DAY)
    MentorProfileFactory(user=mentor, capacity=2)
    rows = selectors.mentor_dashboard(mentor)
    assert [row.pairing_id for row in rows] == [late.pk, fresh.pk]
    assert [row.checkin_overdue for row in rows] == [True, False]


def test_paused_pairings_show_without_progress_and_finished_ones_not_at_all(
    mentor, mentee_with_progress
):
    pairing = MentorshipPairingFactory(mentor=mentor, mentee=mentee_with_progress)
    services.pairing_pause(pairing=pairing, actor=mentor)
    [row] = selectors.mentor_dashboard(mentor)
    assert row.paused
    assert row.progress == []
    assert not row.checkin_overdue
    services.pairing_end(pairing=pairing, actor=mentor)
    assert selectors.mentor_dashboard(mentor) == []


def test_batch_summaries_match_the_participants_own(participant, other_participant, course):
    course_services.enrolment_start(user=participant, course=course)
    other = build_course(title="Other", modules=1, lessons_per_module=1, with_quiz=False)
    enrolment = course_services.enrolment_start(user=other_participant, course=other)
    course_services.lesson_complete(enrolment=enrolment, lesson=course_lessons(other).first())
    nobody = ParticipantFactory()
    batch = enrolment_summaries_for_users([participant.pk, other_participant.pk, nobody.pk])
    for user in (participant, other_participant):
        own = participant_enrolment_summaries(user)
        assert [(s.enrolment.pk, s.percent) for s in batch[user.pk]] == [
            (s.enrolment.pk, s.percent) for s in own
        ]
    assert batch[nobody.pk] == []
    assert enrolment_summaries_for_users([]) == {}


# One pairing -----------------------------------------------------------------------------------


def test_a_pairing_is_visible_only_to_its_two_people_while_it_lasts(
    mentor, participant, other_participant, staff
):
    pairing = MentorshipPairingFactory(mentor=mentor, mentee=participant)
    assert selectors.pairing_for_member(mentor, pairing.pk) == pairing
    assert selectors.pairing_for_member(participant, pairing.pk) == pairing
    for outsider in (other_participant, staff):
        with pytest.raises(Http404):
            selectors.pairing_for_member(outsider, pairing.pk)
    services.pairing_complete(pairing=pairing, actor=mentor)
    for person in (mentor, participant):
        with pytest.raises(Http404):
            selectors.pairing_for_member(person, pairing.pk)


def test_a_mentor_does_not_see_a_proposal_before_the_mentee_accepts(mentor, participant, staff):
    MentorProfileFactory(user=mentor)
    pairing = services.pairing_propose(mentor=mentor, mentee=participant, actor=staff)
    with pytest.raises(Http404):
        selectors.pending_pairing_for_member(mentor, pairing.pk)
    with pytest.raises(Http404):
        selectors.pairing_for_member(mentor, pairing.pk)
    assert selectors.pending_pairing_for_member(participant, pairing.pk) == pairing


def test_pairing_detail_shows_progress_to_the_mentor_only(mentor, mentee_with_progress):
    pairing = MentorshipPairingFactory(mentor=mentor, mentee=mentee_with_progress)
    for_mentor = selectors.pairing_detail(pairing, mentor)
    assert for_mentor.other_alias == "Sunflower"
    assert len(for_mentor.progress) == 1
    for_mentee = selectors.pairing_detail(pairing, mentee_with_progress)
    assert for_mentee.other_alias == alias_of(mentor) == mentor.pathways_profile.chosen_name
    assert for_mentee.progress == []


def test_staff_do_not_read_notes_the_mentee_kept_private(mentor, participant):
    pairing = MentorshipPairingFactory(mentor=mentor, mentee=participant)
    MentorshipCheckInFactory(pairing=pairing, notes="Shared notes")
    MentorshipCheckInFactory(
        pairing=pairing, notes="Private notes", private_from_staff=True, recorded_by=participant
    )
    _goals, check_ins = selectors.staff_pairing_records(pairing)
    assert sorted(str(c.notes) for c in check_ins) == ["None", "Shared notes"]


def test_mentee_overview_sorts_proposals_requests_and_current(participant, staff):
    proposing = _mentor("Proposing", capacity=1)
    asked = _mentor("Asked", capacity=1)
    current = _mentor("Current", capacity=1)
    ended = _mentor("Ended", capacity=1)
    services.pairing_propose(mentor=proposing, mentee=participant, actor=staff)
    services.pairing_request(mentor=asked, mentee=participant)
    MentorshipPairingFactory(mentor=current, mentee=participant)
    MentorshipPairingFactory(mentor=ended, mentee=participant, status=PairingStatus.ENDED)
    overview = selectors.mentee_overview(participant)
    assert [p.mentor for p in overview.proposals] == [proposing]
    assert [p.mentor for p in overview.requests] == [asked]
    assert [p.mentor for p in overview.current] == [current]
