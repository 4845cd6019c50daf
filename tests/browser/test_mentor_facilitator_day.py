"""A mentor's and a facilitator's day on a 390 px phone: each lands where their work is, and what
happens after each form is where their eyes are.

The mentor lands on her mentees, sees a new request and each mentee's next check-in, sends a
check-in with mistakes (the error summary is on screen and focused) and then correctly (the
message is on screen and focused). The facilitator lands on her cohorts with a sign-off flagged,
finds no attendance form for a session that has not started, marks everyone present and corrects
one person, and returns a practical activity "not yet" with a note, which the participant then
reads on her dashboard.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

import pytest
from playwright.sync_api import Page, expect

from pathways.cohorts.models import Attendance
from pathways.courses import services as course_services
from pathways.courses.models import ActivitySignoff, ActivityStatus
from pathways.courses.selectors import course_lessons
from pathways.lms.accounts.roles import Role
from pathways.mentoring import services as mentoring_services
from pathways.mentoring.models import MentorshipCheckIn
from tests.browser.feedback import PHONE, expect_seen_and_focused
from tests.factories.accounts import FacilitatorFactory, MentorFactory, ParticipantFactory
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory, CohortSessionFactory
from tests.factories.courses import build_course
from tests.factories.mentoring import MentorProfileFactory, MentorshipPairingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_mentor_day_on_a_phone(page: Page, live_server, password):
    mentor = MentorFactory(username="amara", chosen_name="Amara", peer_alias="Oak")
    MentorProfileFactory(user=mentor, capacity=3)
    mentee = ParticipantFactory(chosen_name="Maya", legal_name="Maria Lopez", peer_alias="Sunrise")
    MentorshipPairingFactory(
        mentor=mentor, mentee=mentee, started_at=timezone.now() - datetime.timedelta(days=5)
    )
    mentoring_services.pairing_request(
        mentor=mentor, mentee=ParticipantFactory(chosen_name="Jo"), peer_alias="Heron"
    )

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "amara", password)

    # She lands on her mentees: the new request first, then each mentee's next check-in.
    expect(page.get_by_role("heading", name="My mentees", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="New request", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Accept Heron")).to_be_visible()
    due = timezone.localdate() - datetime.timedelta(days=5) + datetime.timedelta(days=14)
    card = page.locator(".mentee-card", has_text="Sunrise")
    expect(card.get_by_text("Next check-in")).to_be_visible()
    expect(card).to_contain_text(f"Due by {date_format(due, 'DATE_FORMAT')}")
    body = page.content()
    for private in ("Maya", "Maria Lopez", "Jo<"):
        assert private not in body
    fits_the_phone(page)

    # A check-in sent with mistakes: what to correct is on screen and focused.
    page.get_by_role("link", name="Log a check-in with Sunrise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring Sunrise")
    form = page.locator("#log-check-in")
    form.get_by_label("Date").fill("")
    form.get_by_label("Length (minutes)").fill("0")
    form.get_by_role("button", name="Save check-in").click()
    expect_seen_and_focused(page, "#error-summary")
    expect(page.locator("#error-summary")).to_contain_text("Date")
    assert not MentorshipCheckIn.objects.exists()
    fits_the_phone(page)

    # Corrected: the message says it is saved, on screen and focused.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    form = page.locator("#log-check-in")
    form.get_by_label("Date").fill(yesterday.isoformat())
    form.get_by_label("How you met").select_option("phone")
    form.get_by_label("Length (minutes)").fill("40")
    form.get_by_label("Notes").fill("Talked through the mock interview.")
    form.get_by_role("button", name="Save check-in").click()
    expect_seen_and_focused(page, "#pathways-messages")
    expect(page.locator("#pathways-messages")).to_contain_text("Check-in saved.")
    expect(page.get_by_text("Talked through the mock interview.")).to_be_visible()
    check_in = MentorshipCheckIn.objects.get()
    assert (check_in.date, check_in.duration_minutes, check_in.recorded_by) == (
        yesterday,
        40,
        mentor,
    )


def test_facilitator_day_on_a_phone(page: Page, browser, live_server, password):
    facilitator = FacilitatorFactory(username="dana", chosen_name="Dana")
    course = build_course(
        title="Customer Service", modules=1, lessons_per_module=2, with_activity=True
    )
    cohort = CohortFactory(name="Spring Cohort", facilitators=[facilitator], courses=[course])
    maya = ParticipantFactory(username="maya", chosen_name="Maya", roles=[Role.PARTICIPANT])
    jo = ParticipantFactory(chosen_name="Jo")
    maya_place = CohortMembershipFactory(cohort=cohort, user=maya)
    jo_place = CohortMembershipFactory(cohort=cohort, user=jo)
    CohortSessionFactory(cohort=cohort, title="Interview practice", duration_minutes=120)
    CohortSessionFactory(
        cohort=cohort,
        title="Mock interviews",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="Room 4, Eastside Library",
    )
    enrolment = course_services.enrolment_start(user=maya, course=course)
    lesson = course_lessons(course).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    course_services.activity_request_signoff(enrolment=enrolment, lesson=lesson, block_id=block_id)

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "dana", password)

    # She lands on her cohorts, with the sign-off waiting flagged.
    expect(page.get_by_role("heading", name="Cohorts I run", level=1)).to_be_visible()
    expect(page.get_by_text("1 sign-off waiting")).to_be_visible()
    page.get_by_role("link", name="Spring Cohort", exact=True).click()

    # The roster comes first; the session that has not started offers no attendance yet.
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Members") < headings.index("Sessions")
    future = page.locator(".session-card", has_text="Mock interviews")
    expect(future.get_by_text("Attendance opens when the session starts")).to_be_visible()
    expect(future.get_by_role("link")).to_have_count(0)
    fits_the_phone(page)

    # Mark everyone present, then correct Jo, who came late.
    page.get_by_role("link", name="Take attendance (Interview practice)").click()
    page.get_by_role("button", name="Mark everyone present").click()
    expect_seen_and_focused(page, "#pathways-messages")
    expect(page.locator("#pathways-messages")).to_contain_text(
        "2 people marked present for the whole session"
    )
    expect(page.locator(f"#status-{maya_place.pk}-present")).to_be_checked()
    jo_row = page.get_by_role("group", name="Jo")
    jo_row.get_by_text("Late", exact=True).click()
    jo_row.get_by_label("Minutes attended, if late (optional)").fill("45")
    page.get_by_role("button", name="Save attendance").click()
    expect_seen_and_focused(page, "#pathways-messages")
    expect(page.locator("#pathways-messages")).to_contain_text("Attendance saved for 2 people.")
    recorded = {row.membership_id: row.minutes_attended for row in Attendance.objects.all()}
    assert recorded == {maya_place.pk: 120, jo_place.pk: 45}
    fits_the_phone(page)

    # "Not yet" needs a note: the error summary says so, on screen and focused.
    page.get_by_role("link", name="Sign-offs").click()
    page.get_by_role("button", name="Not yet: return with the note (Maya)").click()
    expect_seen_and_focused(page, "#error-summary")
    expect(page.locator("#error-summary")).to_contain_text("Please write a note")
    page.locator("#error-summary").get_by_role("link").click()
    note_box = page.get_by_label("Note for Maya")
    expect(note_box).to_be_focused()
    note_box.fill("Please add how you greeted the customer, then ask again.")
    page.get_by_role("button", name="Not yet: return with the note (Maya)").click()
    expect_seen_and_focused(page, "#pathways-messages")
    expect(page.locator("#pathways-messages")).to_contain_text("Returned to Maya with your note.")
    assert ActivitySignoff.objects.get().status == ActivityStatus.RETURNED
    fits_the_phone(page)

    # The participant reads the note on her dashboard.
    context = browser.new_context(viewport=PHONE)
    participant_page = context.new_page()
    sign_in(participant_page, live_server.url, "maya", password)
    expect(participant_page.get_by_role("heading", name="What comes next")).to_be_visible()
    expect(
        participant_page.get_by_text("Please add how you greeted the customer, then ask again.")
    ).to_be_visible()
    expect(
        participant_page.get_by_text("Not yet: your facilitator returned it with a note")
    ).to_be_visible()
    expect(participant_page.get_by_text("Room 4, Eastside Library")).to_be_visible()
    context.close()
