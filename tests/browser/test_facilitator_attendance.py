"""A facilitator takes attendance for a session on her phone."""

import os

import pytest
from playwright.sync_api import Page, expect

from pathways.cohorts.models import Attendance
from tests.factories.accounts import FacilitatorFactory, ParticipantFactory
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory, CohortSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_facilitator_marks_attendance_with_big_buttons_and_one_submit(
    page: Page, live_server, password
):
    facilitator = FacilitatorFactory(username="dana", chosen_name="Dana")
    cohort = CohortFactory(name="Spring Cohort", facilitators=[facilitator])
    CohortSessionFactory(cohort=cohort, title="Interview practice", duration_minutes=120)
    maya = CohortMembershipFactory(cohort=cohort, user=ParticipantFactory(chosen_name="Maya"))
    jo = CohortMembershipFactory(cohort=cohort, user=ParticipantFactory(chosen_name="Jo"))

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username or e-mail").fill("dana")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Cohorts", exact=True).click()
    page.get_by_role("link", name="Spring Cohort").click()
    page.get_by_role("link", name="Take attendance (Interview practice)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance: Interview practice")

    page.get_by_role("group", name="Maya").get_by_text("Present", exact=True).click()
    jo_row = page.get_by_role("group", name="Jo")
    jo_row.get_by_text("Late", exact=True).click()
    jo_row.get_by_label("Minutes attended, if late (optional)").fill("90")
    if os.environ.get("PATHWAYS_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['PATHWAYS_SCREENSHOTS']}/attendance.png", full_page=True)
    page.get_by_role("button", name="Save attendance").click()

    expect(page.get_by_text("Attendance saved for 2 people.")).to_be_visible()
    recorded = {row.membership_id: row.minutes_attended for row in Attendance.objects.all()}
    assert recorded == {maya.pk: 120, jo.pk: 90}
