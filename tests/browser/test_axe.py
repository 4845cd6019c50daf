"""WCAG 2.2 AA: axe-core finds nothing on any page of any role, with the demo data loaded.

axe-core comes from the npm package pinned in package.json (``make test`` runs ``npm ci``);
without it these tests are skipped, saying so, except in CI (``CI`` set), where they fail. The
pages are visited once, one browser context per person, and each page is then its own test, so a
failure names the page and lists what axe found there. The contexts bypass the Content Security
Policy only so that axe's own script can be injected; the pages themselves are unchanged.
"""

import os
import re
import textwrap
from pathlib import Path

from django.core.cache import cache
from django.template import engines

import pytest

from tests.browser.demo_site import AXE_SCRIPT, PAGES, ROOT, checked, crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      html: node.html,
      summary: node.failureSummary,
    })),
  }));
}
"""

# Page templates no demo page can show, and why.
NOT_VISITED = {
    "credentials/verify_rate_limited.html": "has its own test, below",
    "security/sign_in_paused.html": "has its own test, below",
    # /api/v1/docs/ and /api/v1/redoc/: drf-spectacular's Swagger UI and ReDoc, third-party pages
    # for the developers of partner employers' systems.
    "drf_spectacular/swagger_ui.html": "third-party API documentation",
    "drf_spectacular/redoc.html": "third-party API documentation",
}
EXTENDS = re.compile(r"""{%\s*extends\s+["']([^"']+)["']""")


def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        message = (
            f"axe-core is not installed ({AXE_SCRIPT.relative_to(AXE_SCRIPT.parents[2])} is "
            "missing): run `npm ci` (make test does it when npm is available)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_SCRIPT.read_text(encoding="utf-8")


def run_axe(page, source: str) -> list[dict]:
    page.add_script_tag(content=source)
    return page.evaluate(RUN_AXE, AXE_TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:6]:
            lines.append(f"    at {node['target']}: {textwrap.shorten(node['html'], 160)}")
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"      {textwrap.shorten(summary, 300)}")
        if len(violation["nodes"]) > 6:
            lines.append(f"    ... and {len(violation['nodes']) - 6} more")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe_run(browser, live_server, django_db_setup, django_db_blocker):
    """Every demo page visited once, with what axe found on it."""
    source = axe_source()
    return crawl(
        browser,
        live_server.url,
        django_db_blocker,
        lambda page, entry: run_axe(page, source),
        bypass_csp=True,  # only so that axe's script can be injected
    )


@pytest.mark.parametrize("entry", PAGES, ids=[entry.key for entry in PAGES])
def test_page_has_no_accessibility_violations(entry, axe_run):
    violations = checked(axe_run, entry)
    assert not violations, f"axe found problems on {entry.key}:\n{describe(violations)}"


def _extends_chain(text: str) -> list[str]:
    """The templates a template extends, nearest first."""
    chain = []
    while (match := EXTENDS.search(text)) and len(chain) < 10:
        chain.append(match.group(1))
        text = engines["django"].engine.find_template(match.group(1))[0].source
    return chain


def test_the_run_covers_every_page_template(axe_run):
    """Every project template that is a whole page was checked, except the staff admin's."""
    pages = set()
    for loader in engines["django"].engine.template_loaders:
        for directory in loader.get_dirs():
            directory = Path(directory).resolve()
            if not directory.is_relative_to(ROOT) or directory.is_relative_to(ROOT / ".venv"):
                continue
            for path in directory.rglob("*.html"):
                name = path.relative_to(directory).as_posix()
                text = path.read_text(encoding="utf-8")
                chain = _extends_chain(text)
                whole_page = bool(chain) or "<html" in text
                partial = path.name in ("base.html", "skeleton.html") or path.name.startswith("_")
                # The staff admin's pages: Wagtail's own, and ours that extend or override them.
                staff_only = "admin" in name.split("/") or any(
                    parent.startswith("wagtail") for parent in [name, *chain]
                )
                if whole_page and not partial and not staff_only and "/pdf/" not in f"/{name}":
                    pages.add(name)
    assert len(pages) > 20  # the search found the project's templates
    missing = pages - axe_run.templates - set(NOT_VISITED)
    assert not missing, f"pages no axe test visits: {sorted(missing)}"


def test_rate_limited_verification_page_has_no_accessibility_violations(
    browser, live_server, settings
):
    settings.PATHWAYS_VERIFY_RATE = "1/600"
    source = axe_source()
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/verify/ABCDEFGHJKMNPQRST/")
        response = page.goto(f"{live_server.url}/verify/ABCDEFGHJKMNPQRST/")
        assert response.status == 429
        violations = run_axe(page, source)
    finally:
        context.close()
        cache.clear()
    assert not violations, describe(violations)


def test_paused_sign_in_page_has_no_accessibility_violations(browser, live_server, settings):
    settings.PATHWAYS_SIGN_IN_ACCOUNT_FAILURES = 1
    source = axe_source()
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.get_by_label("Username or e-mail").fill("nobody")
        page.get_by_label("Password").fill("not the password")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Sign in").click()
        assert navigation.value.status == 429
        assert page.get_by_role("heading", name="Signing in is paused").is_visible()
        violations = run_axe(page, source)
    finally:
        context.close()
    assert not violations, describe(violations)


def test_axe_reports_what_it_finds(browser):
    """The run can fail: on a page with known problems, axe names them."""
    source = axe_source()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content('<html><body><img src="data:,"><button></button></body></html>')
        found = {violation["id"] for violation in run_axe(page, source)}
    finally:
        context.close()
    assert {"html-has-lang", "image-alt", "button-name"} <= found
