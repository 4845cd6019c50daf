"""Practical activities: signed off, or "not yet" with a note that reaches the participant, who can
then ask again. Scoped to the facilitators of her cohorts."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from pathways.courses import services
from pathways.courses.models import ActivitySignoff, ActivityStatus
from pathways.courses.selectors import course_lessons
from pathways.lms.notices.models import Notice, NoticeKind
from tests.factories.accounts import FacilitatorFactory
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory

pytestmark = pytest.mark.django_db

NOTE = "Please add how you greeted the customer, then ask again."


@pytest.fixture
def activity(participant, facilitator, course_with_activity):
    """(enrolment, lesson, block id) of the participant's practical activity, in a cohort the
    facilitator runs."""
    cohort = CohortFactory(facilitators=[facilitator], courses=[course_with_activity])
    CohortMembershipFactory(cohort=cohort, user=participant)
    enrolment = services.enrolment_start(user=participant, course=course_with_activity)
    lesson = course_lessons(course_with_activity).specific().last()
    return enrolment, lesson, lesson.interactive_blocks("activity")[0].id


@pytest.fixture
def requested(activity):
    enrolment, lesson, block_id = activity
    return services.activity_request_signoff(enrolment=enrolment, lesson=lesson, block_id=block_id)


def _return(client, signoff, note=NOTE):
    return client.post(reverse("courses:signoff_return", args=[signoff.pk]), {"note": note})


def test_facilitator_returns_a_sign_off_with_a_note(signed_in, facilitator, requested):
    response = _return(signed_in(facilitator), requested)
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:signoffs")
    requested.refresh_from_db()
    assert requested.status == ActivityStatus.RETURNED
    assert requested.return_note == NOTE
    assert requested.returned_by == facilitator
    assert requested.returned_at is not None
    assert requested.signed_off_at is None
    # In the admin's history, and no longer waiting on the sign-off list.
    entry = ModelLogEntry.objects.get(object_id=str(requested.pk))
    assert (entry.action, entry.user_id) == (services.SIGNOFF_RETURN_ACTION, facilitator.pk)
    page = signed_in(facilitator).get(reverse("courses:signoffs"), follow=True)
    assert "Nothing is waiting for sign-off." in page.content.decode()


def test_the_note_reaches_the_participant_as_a_notice(signed_in, facilitator, requested):
    _return(signed_in(facilitator), requested)
    notice = Notice.objects.get(user=requested.enrolment.user)
    assert notice.kind == NoticeKind.SIGNOFF_RETURNED
    assert notice.url.startswith(reverse("courses:lesson", args=[requested.lesson_id]))


def test_not_yet_needs_a_note_shown_in_the_error_summary(signed_in, facilitator, requested):
    response = _return(signed_in(facilitator), requested, note="   ")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html
    assert f'href="#signoff-{requested.pk}-note"' in html
    assert f'id="signoff-{requested.pk}-note"' in html
    assert "Please write a note saying what to change" in html
    assert "<title>Error:" in html
    requested.refresh_from_db()
    assert requested.status == ActivityStatus.REQUESTED
    assert not Notice.objects.exists()


def test_participant_sees_the_note_and_asks_again(
    signed_in, participant, facilitator, requested, activity
):
    enrolment, lesson, block_id = activity
    _return(signed_in(facilitator), requested)
    client = signed_in(participant)

    dashboard = client.get(reverse("courses:dashboard")).content.decode()
    assert "Not yet: your facilitator returned it with a note" in dashboard
    assert NOTE in dashboard
    # The lesson carries the note in its context for the activity's status area.
    response = client.get(reverse("courses:lesson", args=[lesson.pk]))
    states = [item["state"] for item in response.context["items"] if item["state"].get("signoff")]
    assert states[0]["signoff"].is_returned
    assert states[0]["signoff"].return_note == NOTE
    # ...and shows it there, with the way to ask again, instead of "waiting".
    lesson_page = response.content.decode()
    assert NOTE in lesson_page
    assert "I have changed it: ask again" in lesson_page
    assert "Waiting for your facilitator to confirm." not in lesson_page

    first_request = requested.requested_at
    client.post(reverse("courses:activity", args=[lesson.pk, block_id]))
    requested.refresh_from_db()
    assert requested.status == ActivityStatus.REQUESTED
    assert requested.requested_at > first_request
    # The facilitator sees it again, with the note she left.
    page = signed_in(facilitator).get(reverse("courses:signoffs")).content.decode()
    assert "asked again since" in page
    assert NOTE in page
    dashboard = signed_in(participant).get(reverse("courses:dashboard")).content.decode()
    assert "Waiting for your facilitator to confirm." in dashboard


def test_a_returned_activity_can_be_signed_off_after_she_asks_again(
    signed_in, facilitator, requested, activity
):
    enrolment, lesson, block_id = activity
    _return(signed_in(facilitator), requested)
    services.activity_request_signoff(enrolment=enrolment, lesson=lesson, block_id=block_id)
    signed_in(facilitator).post(reverse("courses:signoff_confirm", args=[requested.pk]))
    requested.refresh_from_db()
    assert requested.status == ActivityStatus.SIGNED_OFF


@pytest.mark.parametrize("who", ["unassigned", "participant", "other_participant"])
def test_only_her_cohorts_facilitators_can_return_it(client, request, requested, who):
    user = FacilitatorFactory() if who == "unassigned" else request.getfixturevalue(who)
    client.force_login(user)
    assert _return(client, requested).status_code == 404
    requested.refresh_from_db()
    assert requested.status == ActivityStatus.REQUESTED


def test_staff_can_return_any(signed_in, staff, requested):
    assert _return(signed_in(staff), requested).status_code == 302
    requested.refresh_from_db()
    assert requested.status == ActivityStatus.RETURNED


def test_returning_a_sign_off_that_is_not_waiting_is_refused(facilitator, requested, activity):
    enrolment, lesson, block_id = activity
    services.activity_sign_off(
        enrolment=enrolment, lesson=lesson, block_id=block_id, signed_off_by=facilitator
    )
    with pytest.raises(ValidationError, match="Only an activity waiting for sign-off"):
        services.activity_return(
            enrolment=enrolment,
            lesson=lesson,
            block_id=block_id,
            returned_by=facilitator,
            note=NOTE,
        )
    assert ActivitySignoff.objects.get().status == ActivityStatus.SIGNED_OFF


def test_nobody_returns_their_own_activity_and_only_facilitators_return(
    participant, requested, activity
):
    enrolment, lesson, block_id = activity
    with pytest.raises(ValidationError):
        services.activity_return(
            enrolment=enrolment,
            lesson=lesson,
            block_id=block_id,
            returned_by=participant,
            note=NOTE,
        )
    assert ActivitySignoff.objects.get().status == ActivityStatus.REQUESTED


def test_a_note_over_2000_characters_is_refused(facilitator, requested, activity):
    enrolment, lesson, block_id = activity
    with pytest.raises(ValidationError) as caught:
        services.activity_return(
            enrolment=enrolment,
            lesson=lesson,
            block_id=block_id,
            returned_by=facilitator,
            note="x" * 2001,
        )
    assert "note" in caught.value.message_dict


def test_the_status_area_shows_the_note_and_offers_to_ask_again(
    rf, participant, facilitator, requested, activity
):
    """courses/includes/signoff_status.html, which the lesson's activity includes."""
    from django.template.loader import render_to_string

    enrolment, lesson, block_id = activity
    services.activity_return(
        enrolment=enrolment, lesson=lesson, block_id=block_id, returned_by=facilitator, note=NOTE
    )
    request = rf.get("/")
    request.user = participant
    html = render_to_string(
        "courses/includes/signoff_status.html",
        {"signoff": ActivitySignoff.objects.get(), "ask_again": True},
        request=request,
    )
    assert "Not yet: your facilitator returned it with a note" in html
    assert NOTE in html
    assert f'action="{reverse("courses:activity", args=[lesson.pk, block_id])}"' in html
    assert "I have changed it: ask again" in html
