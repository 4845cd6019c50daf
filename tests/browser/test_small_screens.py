"""Every demo page works on a 320 px wide screen, and every control is easy to hit.

WCAG 2.2 AA: content reflows at 320 CSS px without scrolling sideways (1.4.10), and targets are at
least 24 by 24 CSS px (2.5.8). Checked here strictly, without the spacing exception, for what
people tap: buttons (and links drawn as buttons), form fields, disclosure summaries, and links in
the header, footer, navigation and breadcrumbs. Links inside running text are exempt (the inline
exception); axe's own target-size rule (test_axe) checks them with the spacing exception.
"""

import pytest

from tests.browser.demo_site import PAGES, checked, crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}

MEASURE = """
() => {
  const selector = [
    "button", "input:not([type=hidden])", "select", "textarea", "summary", "[role=button]",
    "a.button", "nav a", "header a", "footer a", ".breadcrumb a",
  ].join(", ");
  const name = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    const id = el.id ? "#" + el.id : "";
    return `<${el.tagName.toLowerCase()}${id}> "${text.slice(0, 40)}"`;
  };
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.getClientRects().length === 0) continue;  // not shown (closed details, display none)
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    let target = el;
    const box = el.getBoundingClientRect();
    // A control hidden behind its label (big radio buttons): the label is what people tap.
    if ((style.opacity === "0" || box.width <= 1) && el.labels && el.labels.length) {
      target = el.labels[0];
    }
    const rect = target.getBoundingClientRect();
    if (rect.width < 24 || rect.height < 24) {
      small.push(`${name(el)} is ${rect.width.toFixed(1)} by ${rect.height.toFixed(1)} px`);
    }
  }
  const wide = [];
  const limit = document.documentElement.clientWidth;
  for (const el of document.body.querySelectorAll("*")) {
    const rect = el.getBoundingClientRect();
    if (rect.right > limit + 0.5 && el.getClientRects().length) {
      wide.push(`${name(el)} reaches ${rect.right.toFixed(0)} px`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    small: small,
    wide: wide.slice(0, 8),
  };
}
"""


@pytest.fixture(scope="module")
def narrow_run(browser, live_server, django_db_setup, django_db_blocker):
    """Every demo page visited once at 320 by 640, with its width and its small targets."""
    return crawl(
        browser,
        live_server.url,
        django_db_blocker,
        lambda page, entry: page.evaluate(MEASURE),
        viewport=NARROW,
    )


@pytest.mark.parametrize("entry", PAGES, ids=[entry.key for entry in PAGES])
def test_page_fits_a_320_px_screen(entry, narrow_run):
    found = checked(narrow_run, entry)
    assert found["scrollWidth"] <= NARROW["width"], (
        f"{entry.key} scrolls sideways ({found['scrollWidth']} px wide): {found['wide']}"
    )


@pytest.mark.parametrize("entry", PAGES, ids=[entry.key for entry in PAGES])
def test_every_control_is_at_least_24_by_24_px(entry, narrow_run):
    small = checked(narrow_run, entry)["small"]
    assert not small, f"small targets on {entry.key}:\n" + "\n".join(small)
