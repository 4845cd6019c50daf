"""A mentor, on her phone, sees how her mentee is doing and logs a check-in."""

import datetime

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from pathways.courses import services
from pathways.courses.selectors import course_lessons
from pathways.mentoring.models import MentorshipCheckIn
from tests.factories.accounts import MentorFactory, ParticipantFactory
from tests.factories.courses import build_course
from tests.factories.mentoring import MentorshipPairingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_mentor_sees_mentee_progress_and_logs_a_check_in(page: Page, live_server, password):
    mentor = MentorFactory(username="amara", chosen_name="Amara")
    mentee = ParticipantFactory(
        chosen_name="Maya", legal_name="Maria Lopez", peer_alias="Sunrise", email="m@example.org"
    )
    course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=2)
    enrolment = services.enrolment_start(user=mentee, course=course)
    first = course_lessons(course).specific().first()
    services.lesson_complete(enrolment=enrolment, lesson=first)
    block_id = first.interactive_blocks("reflection")[0].id
    services.reflection_save(
        enrolment=enrolment, lesson=first, block_id=block_id, text="Something only I know"
    )
    MentorshipPairingFactory(
        mentor=mentor, mentee=mentee, started_at=timezone.now() - datetime.timedelta(days=20)
    )

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username or e-mail").fill("amara")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="My mentees").first.click()
    expect(page.get_by_role("heading", name="My mentees", level=1)).to_be_visible()
    page.get_by_role("link", name="Log a check-in with Sunrise").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring Sunrise")
    expect(page.get_by_text("Workplace Readiness")).to_be_visible()
    expect(page.get_by_text("1 of 2 lessons done (50%)")).to_be_visible()
    body = page.content()
    for private in ("Maria Lopez", "m@example.org", "Something only I know", "Maya"):
        assert private not in body

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    form = page.locator("#log-check-in")
    form.get_by_label("Date").fill(yesterday.isoformat())
    form.get_by_label("How you met").select_option("phone")
    form.get_by_label("Length (minutes)").fill("40")
    form.get_by_label("Notes").fill("Talked through the mock interview.")
    form.get_by_role("button", name="Save check-in").click()

    expect(page.get_by_text("Talked through the mock interview.")).to_be_visible()
    check_in = MentorshipCheckIn.objects.get()
    assert (check_in.date, check_in.mode, check_in.duration_minutes) == (yesterday, "phone", 40)
    assert check_in.recorded_by == mentor
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
