"""A partner employer's day on a 390 px phone: she signs in and lands on her portal, where the
shared certificates come first, each headed by the person, the course and the issuer; she opens
the folded filter and narrows the list; a mistake in it is shown where her eyes are. Learning
pages send her back to her portal, and neither the portal nor the public verify page carries
"Exit this page" or "Staying safe online"."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.feedback import PHONE
from tests.browser.test_participant_journey import sign_in
from tests.factories.accounts import EmployerUserFactory, ParticipantFactory
from tests.factories.certificates import (
    CertificateFactory,
    CredentialReleaseFactory,
    EmployerOrganisationFactory,
)
from tests.factories.courses import CoursePageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def expect_no_safety_controls(page: Page) -> None:
    expect(page.locator("[data-exit-this-page]")).to_have_count(0)
    expect(page.locator(".js-exit-this-page")).to_have_count(0)
    expect(page.get_by_role("link", name="Staying safe online")).to_have_count(0)


def test_employer_day_on_a_phone(page: Page, live_server, password):
    lee = EmployerUserFactory(username="lee", chosen_name="Lee")
    harbour = EmployerOrganisationFactory(name="Harbour Hotels", users=[lee])
    rosa = ParticipantFactory(chosen_name="Rosa")
    front_desk = CertificateFactory(
        user=rosa,
        course=CoursePageFactory(title="Front Desk Basics"),
        printed_data={"hours": "6", "skills": ["Customer service"], "language": "en"},
    )
    kitchen = CertificateFactory(
        user=rosa,
        course=CoursePageFactory(title="Kitchen Hygiene"),
        printed_data={"hours": "4", "skills": ["Food safety"], "language": "en"},
    )
    CredentialReleaseFactory(
        participant=rosa,
        employer=harbour,
        certificates=[front_desk, kitchen],
        disclosed_fields=["dates", "hours", "skills", "document"],
        purpose="Front desk job",
    )

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "lee", password)

    # She lands on her portal, with the certificates first.
    expect(page).to_have_url(f"{live_server.url}/employer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared credentials")
    cards = page.get_by_role("heading", level=3)
    expect(cards).to_have_count(2)
    card = page.get_by_role("heading", level=3).filter(has_text="Front Desk Basics")
    expect(card).to_contain_text("Rosa")
    expect(card).to_be_visible()
    expect(page.get_by_text(f"Issued by {front_desk.printed_issuer_name}").first).to_be_visible()
    for heading in cards.all_inner_texts():
        assert "Certificate of Completion" not in heading
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    expect_no_safety_controls(page)
    # Her navigation is her portal's: no learning pages.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Shared credentials")).to_be_visible()
    expect(nav.get_by_role("link", name="My learning")).to_have_count(0)
    expect(nav.get_by_role("link", name="Courses")).to_have_count(0)

    # The filter is folded away until she opens it; its words are plain.
    skill = page.get_by_label("Skill")
    expect(skill).to_be_hidden()
    page.locator("details.filters > summary").click()
    expect(skill).to_be_visible()
    expect(page.get_by_label("Sort by")).to_be_visible()
    skill.fill("Food safety")
    page.get_by_role("button", name="Show credentials").click()
    expect(page.get_by_role("heading", level=3)).to_have_count(1)
    expect(page.get_by_role("heading", level=3)).to_contain_text("Kitchen Hygiene")
    expect(page.get_by_label("Skill")).to_be_visible()  # still open, showing what she chose

    # A date she typed wrong (by hand in the address): the problem is on screen and focused.
    page.goto(f"{live_server.url}/employer/?issued_after=not-a-date")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("Issued on or after")
    expect(page.get_by_label("Issued on or after")).to_be_visible()

    # Her card leads to the certificate; that page has no exit control either.
    page.goto(f"{live_server.url}/employer/")
    card.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rosa")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Front Desk Basics")
    expect_no_safety_controls(page)

    # Learning pages are not hers: she is back on her portal.
    page.goto(f"{live_server.url}/learn/courses/")
    expect(page).to_have_url(f"{live_server.url}/employer/")

    # The public verify page, as anyone holding the certificate sees it.
    page.goto(f"{live_server.url}/verify/{front_desk.verification_code}/")
    expect(page.get_by_text("This certificate is genuine and valid.")).to_be_visible()
    expect(page.get_by_text("Customer service")).to_be_visible()
    expect_no_safety_controls(page)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a certificate")
    expect_no_safety_controls(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
