"""What every role's browser journey checks after sending a form: the result is where her eyes
are (on a 390 px phone, without scrolling, not under the sticky exit bar) and holds the focus."""

from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}

# How far the top of an element is below the sticky "Exit this page" bar (negative: under it).
BELOW_THE_EXIT_BAR = """
(selector) => {
  const bar = document.querySelector(".exit-this-page");
  const barBottom = bar ? bar.getBoundingClientRect().bottom : 0;
  return document.querySelector(selector).getBoundingClientRect().top - barBottom;
}
"""


def expect_seen_and_focused(page: Page, selector: str) -> None:
    """On screen without scrolling, not hidden under the exit bar, and holding the focus."""
    feedback = page.locator(selector)
    expect(feedback).to_be_focused()
    expect(feedback).to_be_in_viewport()
    assert page.evaluate(BELOW_THE_EXIT_BAR, selector) >= 0, f"{selector} is under the exit bar"
