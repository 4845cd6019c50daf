"""WCAG 2.2 AA: axe-core finds nothing on any page of any role, with the demo data loaded.

axe-core comes from the npm package pinned in package.json (``make test`` runs ``npm ci``);
without it these tests are skipped, saying so, except in CI (``CI`` set), where they fail. The
pages are visited once, one browser context per person, and each page is then its own test, so a
failure names the page and lists what axe found there. The contexts bypass the Content Security
Policy only so that axe's own script can be injected; the pages themselves are unchanged.

The staff admin's screens that Pathways adds to Wagtail are visited the same way, in English and
in Spanish (below, "The staff admin").
"""

import os
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.template import engines
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from wagtail.users.models import UserProfile

import pytest
from axes.models import AccessAttempt

from demo_site.management.commands.seed_demo import DEMO_PASSWORD
from pathways.certificates.employers.models import EmployerApiKey
from pathways.certificates.issuance.models import (
    BatchStatus,
    CertificateBatch,
    CertificateTemplate,
)
from pathways.certificates.sharing.models import CredentialAccess, CredentialRelease
from pathways.cohorts.models import Attendance, CohortMembership
from pathways.courses.models import CoursePage, Enrolment, Skill
from pathways.lms.accounts.permissions import grant_role_permissions
from pathways.lms.core.admin import NotEditableView
from pathways.lms.privacy.models import ErasureRecord
from pathways.lms.security import sign_in_limits
from pathways.mentoring.models import MenteePreferences, MentorProfile
from pathways.mentoring.services import mentee_preferences_save
from tests.browser.demo_site import (
    AXE_SCRIPT,
    PAGES,
    ROOT,
    Demo,
    DemoPage,
    checked,
    crawl,
)
from tests.factories.accounts import (
    TEST_PASSWORD,
    EmployerUserFactory,
    StaffFactory,
    UserFactory,
)
from tests.security.support import current_code, enrol_authenticator

# The templates and their accessibility do not depend on the database engine: CI runs this
# module once, with SQLite (`.ci/run` leaves out `engine_independent` on PostgreSQL).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.engine_independent,
    pytest.mark.django_db(transaction=True),
]

# WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """
async ([tags, leftOut]) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
    elementRef: true,
  });
  // What a rule finds in an element matching one of its left-out selectors is not reported.
  const kept = (violation, node) => !leftOut.some(
    ([rule, selector]) => rule === violation.id && node.element && node.element.matches(selector)
  );
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.filter((node) => kept(violation, node)).map((node) => ({
      target: node.target.join(" "),
      html: node.html,
      summary: node.failureSummary,
    })),
  })).filter((violation) => violation.nodes.length);
}
"""

# Page templates no demo page can show, and why.
NOT_VISITED = {
    "credentials/verify_rate_limited.html": "has its own test, below",
    "security/sign_in_paused.html": "has its own test, below",
    "sharing/employer/not_linked.html": "has its own test, below (no demo account is unlinked)",
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


def run_axe(page, source: str, left_out: tuple[tuple[str, str], ...] = ()) -> list[dict]:
    """What axe finds on the page, except a rule's findings in the elements ``left_out`` names
    as (rule, CSS selector) pairs."""
    page.add_script_tag(content=source)
    return page.evaluate(RUN_AXE, [AXE_TAGS, [list(pair) for pair in left_out]])


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


def page_templates() -> dict[str, bool]:
    """The project's templates that are whole pages, each with whether it is the staff admin's
    (Wagtail's own, or ours that extend or override them)."""
    pages = {}
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
                staff_only = "admin" in name.split("/") or any(
                    parent.startswith("wagtail") for parent in [name, *chain]
                )
                if whole_page and not partial and "/pdf/" not in f"/{name}":
                    pages[name] = staff_only
    return pages


def test_the_run_covers_every_page_template(axe_run):
    """Every project template that is a whole page was checked, except the staff admin's."""
    pages = {name for name, staff_only in page_templates().items() if not staff_only}
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


@pytest.mark.parametrize("language", ["en", "es"])
def test_unlinked_employer_page_has_no_accessibility_violations(browser, live_server, language):
    """An employer account no organisation lists yet lands on a page that says so."""
    with transaction.atomic():
        person = EmployerUserFactory(username=f"unlinked-{language}", preferred_language=language)
    source = axe_source()
    context = browser.new_context(bypass_csp=True, locale=language)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.locator("#id_username").fill(person.username)
        page.locator("#id_password").fill(TEST_PASSWORD)
        with page.expect_navigation():
            page.locator("form button[type=submit]").last.click()
        response = page.goto(f"{live_server.url}/employer/")
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("#not-linked, main h1").first.is_visible()
        violations = run_axe(page, source)
    finally:
        context.close()
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


def test_what_is_left_out_is_only_that_rule_on_those_elements(browser):
    """A (rule, selector) left out hides that rule's findings in matching elements, no more."""
    source = axe_source()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><body><main><button class="theirs"></button><button></button>'
            '<img class="theirs" src="data:,"></main></body></html>'
        )
        violations = run_axe(page, source, (("button-name", "button.theirs"),))
    finally:
        context.close()
    found = {violation["id"]: violation["nodes"] for violation in violations}
    assert [node["target"] for node in found["button-name"]] == ["button:nth-child(2)"]
    assert len(found["image-alt"]) == 1  # another rule on a matching element: still reported


# The staff admin: Pathways' own screens in Wagtail ------------------------------------------
#
# Programme staff (and a superuser, for what only superusers may open), in English and in Spanish,
# sign in with their second factor and visit every screen Pathways adds to the Wagtail admin: its
# menus' lists, forms (as sent with mistakes too), record pages and steps, and Wagtail's own views
# of Pathways' records. What Wagtail draws around them (menus, header, footer) is checked too; a
# finding there that is Wagtail's own, not Pathways', is left out below by rule and element,
# saying which. Two more tests check the whole admin is covered: every view Pathways registers
# and every admin page template of its own.

#: Who visits the admin, and in which language: programme staff and a superuser (for what only
#: superusers may do). Sam and Admin are the demo's; Inés and Alba are made like them, with
#: Spanish as their language (for Pathways' pages and, in their Wagtail account, for the admin).
STAFF = {"sam": "en", "ines": "es", "admin": "en", "alba": "es"}
SPANISH_COLLEAGUES = {"ines": ("sam", "Inés"), "alba": ("admin", "Alba")}

#: Findings that come from Wagtail's own admin, not from Pathways: (rule, CSS selector) -> why.
WAGTAIL_OWN: dict[tuple[str, str], str] = {
    (
        "target-size",
        '.nice-padding > ul > li > a[target="_blank"][href*="/users/edit/"]',
    ): (
        "Wagtail's user bulk action confirmations (wagtailusers/bulk_actions/confirm_bulk_*.html) "
        "list the chosen users as a bare list of links, one per line, closer than 24px apart"
    ),
    (
        "aria-required-parent",
        '#tab-account a.button[href="#tab-roles"][role="tab"]',
    ): (
        "Wagtail's new-user form (wagtailusers/users/create.html, outside the fields block that "
        'Pathways\' template replaces) ends its Account tab with a "Roles" button marked '
        "role=tab but outside the tablist"
    ),
}


@dataclass(frozen=True)
class AdminPage(DemoPage):
    language: str = ""  # the language the page is in; the staff member's when ""


def _pk(model, **filters) -> int:
    """The first record of ``model`` (by id) matching ``filters``: the demo has it."""
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[0]


def _user(username: str) -> int:
    return _pk(get_user_model(), username=username)


def _cohort(demo: Demo) -> int:
    return demo.cohort


def _url(name: str, *args: Callable[[Demo], int], **query) -> Callable[[Demo], str]:
    """The admin address of ``name`` with ids worked out from the demo when visited."""

    def address(demo: Demo) -> str:
        url = reverse(name, args=[arg(demo) for arg in args])
        values = {key: value(demo) if callable(value) else value for key, value in query.items()}
        return f"{url}?{urlencode(values)}" if values else url

    address.view = name
    return address


def _bulk(action: str) -> Callable[[Demo], str]:
    """A bulk action's confirmation for Maya and Amara, from the user listing."""

    def address(demo: Demo) -> str:
        meta = get_user_model()._meta
        url = reverse("wagtail_bulk_action", args=[meta.app_label, meta.model_name, action])
        return f"{url}?id={_user('maya')}&id={_user('amara')}"

    address.view = "wagtail_bulk_action"
    return address


def _translated_course(language: str) -> Callable[[Demo], int]:
    """The demo course that has a translation, in ``language``: the source or the translation."""

    def course(demo: Demo) -> int:
        key = CoursePage.objects.get(pk=demo.courses["customer-service-fundamentals"])
        return _pk(CoursePage, translation_key=key.translation_key, locale__language_code=language)

    return course


def _with_its_translations(page) -> None:
    """The certificate template's form shows its translations (the demo's is in Spanish)."""
    page.locator("#id_translations-0-language").wait_for(state="attached", timeout=5000)


def _submit_form(page) -> int:
    """Press the main button of the admin form (Wagtail's footer), in any language."""
    with page.expect_navigation() as navigation:
        page.locator("#w-editor-form footer button[type=submit]").first.click()
    return navigation.value.status if navigation.value else 0


def _check_batch(page) -> int:
    """Choose the demo cohort and its certificate template, give a reason and continue: the
    "check before you start" page, where nothing is issued yet."""
    page.locator("#id_cohort").select_option(index=1)
    page.locator("#id_template").select_option(index=1)
    page.locator("#id_reason").fill("The programme finished.")
    status = _submit_form(page)
    page.locator("#batch-receiving").wait_for(timeout=5000)
    return status


def _make_a_key(page) -> int:
    """A new API key for Harbour Hotels: shown once, on the page the form leads to."""
    page.locator("#id_employer").select_option(label="Harbour Hotels")
    page.locator("#id_name").fill("Harbour Hotels HR system")
    return _submit_form(page)


def _make_codes(page) -> int:
    """New backup codes, shown once."""
    with page.expect_navigation() as navigation:
        page.locator("main form[method=post] button[type=submit]").click()
    return navigation.value.status


def _send_empty_form(page) -> int:
    """Send the form as it is: it comes back saying what to correct."""
    status = _submit_form(page)
    page.locator(".w-field__errors, .error-message, .help-critical").first.wait_for(timeout=5000)
    return status


def _records_the_demo_lacks(demo: Demo) -> None:
    """A cohort batch, Rosa's hopes for a mentor, an erasure record and Maya's sign-in paused
    (idempotent)."""
    # The role groups' permissions on the page tree, lost when an earlier browser test emptied
    # the database (the tree is seeded after the groups); in a migrated database they are there.
    grant_role_permissions()
    staff = get_user_model().objects.get(username="sam")
    if not MenteePreferences.objects.exists():
        with transaction.atomic():
            mentee_preferences_save(
                user=get_user_model().objects.get(username="rosa"),
                actor=staff,
                skills_wanted=Skill.objects.order_by("pk")[:2],
                languages=["es"],
            )
    if not CertificateBatch.objects.exists():
        template = CertificateTemplate.objects.order_by("pk").first()
        template.cohorts.add(demo.cohort)
        CertificateBatch.objects.create(
            cohort_id=demo.cohort,
            template=template,
            reason="The programme finished.",
            status=BatchStatus.FAILED,
            total=2,
            issued=1,
            error="The connection to the database was lost.",
            requested_by=staff,
        )
    ErasureRecord.objects.get_or_create(
        subject_id=999_999,
        defaults={"subject_roles": ["participant"], "erased_by": staff, "counts": {"notes": 3}},
    )
    key = sign_in_limits.key_for("maya")
    if not AccessAttempt.objects.filter(username=key).exists():
        AccessAttempt.objects.create(
            username=key,
            ip_address="192.0.2.7",
            user_agent="",
            http_accept="",
            path_info="/accounts/sign-in/",
            get_data="",
            post_data="",
            failures_since_start=sign_in_limits.account_failure_limit(),
        )


SKILLS = "wagtailsnippets_pathways_courses_skill"
TEMPLATES = "wagtailsnippets_pathways_certificates_certificatetemplate"


def _staff_pages(role: str, username: str) -> list[AdminPage]:
    other = "maya" if STAFF[username] == "es" else "rosa"  # a paper form in the other language
    pages = [
        ("home", _url("wagtailadmin_home"), {}),
        ("account", _url("wagtailadmin_account"), {}),
        # Courses.
        ("courses", _url("courses_admin:index"), {}),
        ("course", _url("courses_admin:course", lambda d: d.courses["workplace-readiness"]), {}),
        ("course-translated", _url("courses_admin:course", _translated_course("en")), {}),
        ("course-translation", _url("courses_admin:course", _translated_course("es")), {}),
        ("enrolments", _url("enrolments:index"), {}),
        ("enrolment-add", _url("enrolments:add"), {}),
        ("enrolment-add-mistakes", _url("enrolments:add"), {"before": _send_empty_form}),
        ("enrolment", _url("enrolments:inspect", lambda d: _pk(Enrolment)), {}),
        ("skills", _url(f"{SKILLS}:list"), {}),
        *(
            (f"skill-{view}", _url(f"{SKILLS}:{view}", lambda d: _pk(Skill)), {})
            for view in ("edit", "copy", "delete", "usage", "history")
        ),
        ("skill-add", _url(f"{SKILLS}:add"), {}),
        # Cohorts.
        ("cohorts", _url("cohorts_admin:index"), {}),
        ("cohort-add", _url("cohorts_admin:add"), {}),
        ("cohort-add-mistakes", _url("cohorts_admin:add"), {"before": _send_empty_form}),
        ("cohort-edit", _url("cohorts_admin:edit", _cohort), {}),
        ("cohort", _url("cohorts_admin:inspect", _cohort), {}),
        ("memberships", _url("cohort_memberships:index"), {}),
        ("membership-add", _url("cohort_memberships:add"), {}),
        ("memberships-add-many", _url("cohort_memberships:add_many"), {}),
        (
            "membership-edit",
            _url("cohort_memberships:edit", lambda d: _pk(CohortMembership, cohort_id=d.cohort)),
            {},
        ),
        (
            "membership",
            _url("cohort_memberships:inspect", lambda d: _pk(CohortMembership, cohort_id=d.cohort)),
            {},
        ),
        ("sessions", _url("cohort_sessions:index"), {}),
        ("session-add", _url("cohort_sessions:add"), {}),
        ("session-edit", _url("cohort_sessions:edit", lambda d: d.session), {}),
        ("session-delete", _url("cohort_sessions:delete", lambda d: d.session), {}),
        ("attendance", _url("cohort_attendance:index"), {}),
        ("attendance-add", _url("cohort_attendance:add"), {}),
        ("attendance-edit", _url("cohort_attendance:edit", lambda d: _pk(Attendance)), {}),
        # Mentoring.
        ("pairings", _url("mentorship_pairings:index"), {}),
        ("pairing-add", _url("mentorship_pairings:add"), {}),
        ("pairing-edit", _url("mentorship_pairings:edit", lambda d: d.pairing), {}),
        ("pairing", _url("mentorship_pairings:inspect", lambda d: d.pairing), {}),
        ("pairing-suggest", _url("mentorship_pairings:suggest"), {}),
        (
            "pairing-suggestions",
            _url("mentorship_pairings:suggest", mentee=lambda d: _user("rosa")),
            {},
        ),
        ("mentor-profiles", _url("mentor_profiles:index"), {}),
        ("mentor-profile-add", _url("mentor_profiles:add"), {}),
        ("mentor-profile-edit", _url("mentor_profiles:edit", lambda d: _pk(MentorProfile)), {}),
        ("mentor-profile", _url("mentor_profiles:inspect", lambda d: _pk(MentorProfile)), {}),
        ("mentee-preferences", _url("mentee_preferences:index"), {}),
        ("mentee-preferences-add", _url("mentee_preferences:add"), {}),
        (
            "mentee-preferences-edit",
            _url("mentee_preferences:edit", lambda d: _pk(MenteePreferences)),
            {},
        ),
        # Certificates.
        ("certificates", _url("certificates_admin:index"), {}),
        ("certificate-issue", _url("certificates_admin:add"), {}),
        (
            "certificate-issue-mistakes",
            _url("certificates_admin:add"),
            {"before": _send_empty_form},
        ),
        (
            "certificate",
            _url("certificates_admin:inspect", lambda d: d.certificates["rosa-valid"]),
            {},
        ),
        (
            "certificate-history",
            _url("certificates_admin:history", lambda d: d.certificates["rosa-valid"]),
            {},
        ),
        (
            "certificate-revoke",
            _url("certificates_admin:revoke", lambda d: d.certificates["rosa-valid"]),
            {},
        ),
        (
            "certificate-reissue",
            _url("certificates_admin:reissue", lambda d: d.certificates["rosa-valid"]),
            {},
        ),
        ("batches", _url("certificate_batches:index"), {}),
        ("batch-start", _url("certificate_batches:add"), {}),
        ("batch-check", _url("certificate_batches:add"), {"before": _check_batch}),
        ("batch", _url("certificate_batches:inspect", lambda d: _pk(CertificateBatch)), {}),
        (
            "batch-run-again",
            _url("certificate_batches:run_again", lambda d: _pk(CertificateBatch)),
            {},
        ),
        (
            "certificate-templates",
            _url(f"{TEMPLATES}:list"),
            {},
        ),
        (
            "certificate-template-add",
            _url(f"{TEMPLATES}:add"),
            {},
        ),
        (
            "certificate-template-edit",
            _url(f"{TEMPLATES}:edit", lambda d: _pk(CertificateTemplate)),
            {"before": _with_its_translations},
        ),
        *(
            (
                f"certificate-template-{view}",
                _url(f"{TEMPLATES}:{view}", lambda d: _pk(CertificateTemplate)),
                {},
            )
            for view in ("copy", "usage", "history")
        ),
        # Sharing with partner employers.
        ("employers", _url("partner_employers:index"), {}),
        ("employer-add", _url("partner_employers:add"), {}),
        *(
            (f"employer-{view}", _url(f"partner_employers:{view}", lambda d: d.harbour), {})
            for view in ("edit", "usage", "history")
        ),
        ("api-keys", _url("employer_api_keys:index"), {}),
        ("api-key-add", _url("employer_api_keys:add"), {}),
        ("api-key-made", _url("employer_api_keys:add"), {"before": _make_a_key}),
        ("api-key-revoke", _url("employer_api_keys:revoke", lambda d: _pk(EmployerApiKey)), {}),
        ("releases", _url("credential_releases:index"), {}),
        ("release-record", _url("credential_releases:add"), {}),
        ("release", _url("credential_releases:inspect", lambda d: _pk(CredentialRelease)), {}),
        (
            "release-stop",
            _url("credential_releases:record_revocation", lambda d: _pk(CredentialRelease)),
            {},
        ),
        ("paper-consent-choose", _url("credential_releases:paper_consent_form"), {}),
        (
            "paper-consent-form",
            _url(
                "credential_releases:paper_consent_form",
                participant=lambda d: _user(other),
                employer=lambda d: d.harbour,
            ),
            {"language": "es" if other == "rosa" else "en"},
        ),
        ("accesses", _url("credential_accesses:index"), {}),
        # People, privacy and security.
        ("users", _url("wagtailusers_users:index"), {}),
        ("user-edit", _url("wagtailusers_users:edit", lambda d: _user("maya")), {}),
        ("users-assign-role", _bulk("assign_role"), {}),
        ("users-set-active-state", _bulk("set_active_state"), {}),
        (
            "temporary-password",
            _url("security_admin:temporary_password", lambda d: _user("maya")),
            {},
        ),
        (
            "temporary-password-made",
            _url("security_admin:temporary_password", lambda d: _user("maya")),
            {"before": _submit_form},
        ),
        ("backup-codes", _url("security_admin:backup_codes"), {}),
        ("backup-codes-made", _url("security_admin:backup_codes"), {"before": _make_codes}),
        ("sign-in-pauses", _url("security_admin:sign_in_pauses"), {}),
        ("legal-name-reads", _url("legal_name_reads:index"), {}),
        ("erasure-records", _url("erasure_records:index"), {}),
        ("erasure-record", _url("erasure_records:inspect", lambda d: _pk(ErasureRecord)), {}),
        ("erase-find", _url("erasure_records:erase_find"), {}),
        ("erase", _url("erasure_records:erase", lambda d: _user("maya")), {}),
    ]
    return _admin_pages(role, username, pages)


def _superuser_pages(role: str, username: str) -> list[AdminPage]:
    """What only superusers may do: add and delete accounts, change an enrolment, delete a
    certificate template; and Wagtail's own views of Pathways' records."""
    pages = [
        ("user-add", _url("wagtailusers_users:add"), {}),
        ("user-add-mistakes", _url("wagtailusers_users:add"), {"before": _send_empty_form}),
        ("user-edit", _url("wagtailusers_users:edit", lambda d: _user("maya")), {}),
        ("user-delete", _url("wagtailusers_users:delete", lambda d: _user("maya")), {}),
        ("users-delete", _bulk("delete"), {}),
        ("enrolment-edit", _url("enrolments:edit", lambda d: _pk(Enrolment)), {}),
        (
            "certificate-template-delete",
            _url(f"{TEMPLATES}:delete", lambda d: _pk(CertificateTemplate)),
            {},
        ),
        # Wagtail's own views of Pathways' records, which only a superuser may all open.
        *(
            (f"{namespace}-{view}", _url(f"{namespace}:{view}", record), {})
            for namespace, record in RECORDS.items()
            for view in ("history", "usage", "delete")
            if f"{namespace}:{view}" not in PAGES_OF_THEIR_OWN
        ),
    ]
    return _admin_pages(role, username, pages)


#: One record of each of Pathways' admin viewsets, for Wagtail's views of it.
RECORDS: dict[str, Callable[[Demo], int]] = {
    "enrolments": lambda d: _pk(Enrolment),
    "cohorts_admin": lambda d: d.cohort,
    "cohort_memberships": lambda d: _pk(CohortMembership, cohort_id=d.cohort),
    "cohort_sessions": lambda d: d.session,
    "cohort_attendance": lambda d: _pk(Attendance),
    "mentorship_pairings": lambda d: d.pairing,
    "mentor_profiles": lambda d: _pk(MentorProfile),
    "mentee_preferences": lambda d: _pk(MenteePreferences),
    "certificates_admin": lambda d: d.certificates["rosa-valid"],
    "certificate_batches": lambda d: _pk(CertificateBatch),
    "employer_api_keys": lambda d: _pk(EmployerApiKey),
    "credential_releases": lambda d: _pk(CredentialRelease),
    "credential_accesses": lambda d: _pk(CredentialAccess),
    "erasure_records": lambda d: _pk(ErasureRecord),
    "wagtailusers_users": lambda d: _user("maya"),
}
#: Views with a page of their own above, or none (only a way back to the record).
PAGES_OF_THEIR_OWN = {
    "cohort_sessions:delete",
    "wagtailusers_users:delete",
    "certificates_admin:delete",
    "certificate_batches:delete",
    "employer_api_keys:delete",
    "credential_releases:delete",
    "credential_accesses:delete",
    "erasure_records:delete",
    "certificates_admin:history",
}


def _admin_pages(role: str, username: str, pages: list[tuple]) -> list[AdminPage]:
    return [
        AdminPage(
            f"{role}/{key}",
            username,
            path,
            setup=_records_the_demo_lacks if index == 0 else None,
            language=extra.pop("language", STAFF[username]),
            **extra,
        )
        for index, (key, path, extra) in enumerate(pages)
    ]


ADMIN_PAGES: list[AdminPage] = [
    *_staff_pages("staff", "sam"),
    *_staff_pages("staff-es", "ines"),
    *_superuser_pages("superuser", "admin"),
    *_superuser_pages("superuser-es", "alba"),
]


def _staff_member(username: str):
    """Someone of ``STAFF``: from the demo, or made like her demo colleague but Spanish."""
    users = get_user_model().objects
    if username not in SPANISH_COLLEAGUES:
        return users.get(username=username)
    like, chosen_name = SPANISH_COLLEAGUES[username]
    colleague = users.get(username=like)
    member = users.filter(username=username).first() or UserFactory(
        username=username,
        chosen_name=chosen_name,
        preferred_language="es",  # Pathways' pages, the second factor's among them
        is_staff=colleague.is_staff,
        is_superuser=colleague.is_superuser,
    )
    member.groups.set(colleague.groups.all())
    profile = UserProfile.get_for_user(member)
    profile.preferred_language = "es"  # her admin language, in her Wagtail account
    profile.save(update_fields=["preferred_language"])
    return member


def _sign_in_to_the_admin(page, base_url: str, username: str) -> None:
    """Staff sign in to the admin with their password and their app's code (second factor)."""
    staff = _staff_member(username)
    device = enrol_authenticator(staff)
    password = TEST_PASSWORD if username in SPANISH_COLLEAGUES else DEMO_PASSWORD
    page.goto(f"{base_url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    page.locator("input[name=code]").fill(current_code(device))
    with page.expect_navigation():
        page.locator("form.login-form button[type=submit]").click()
    page.locator("#main").wait_for()
    assert urlsplit(page.url).path == reverse("wagtailadmin_home"), page.url


# Wagtail's admin fades some things in (the banner saying a form has mistakes, say): axe is run once
# those short transitions have ended, so that it sees the colours staff see. (Longer ones, such as
# the 25-second "ping" of the badge on Wagtail's "What's new" menu item, are not waited for.)
SETTLE = """
async () => {
  const fading = document.getAnimations().filter(
    (animation) => animation.effect?.getComputedTiming().endTime <= 1000
  );
  await Promise.race([
    Promise.all(fading.map((animation) => animation.finished.catch(() => null))),
    new Promise((resolve) => setTimeout(resolve, 1500)),
  ]);
}
"""


def _admin_check(source: str):
    def check(page, entry) -> dict:
        page.evaluate(SETTLE)
        return {
            "violations": run_axe(page, source, tuple(WAGTAIL_OWN)),
            "language": page.evaluate("document.documentElement.lang"),
            "view": resolve(urlsplit(page.url).path).view_name,
        }

    return check


@pytest.fixture(scope="module")
def admin_axe_run(browser, live_server, django_db_setup, django_db_blocker):
    """Every Pathways admin screen visited once, as English- and Spanish-speaking staff."""
    source = axe_source()
    return crawl(
        browser,
        live_server.url,
        django_db_blocker,
        _admin_check(source),
        pages=ADMIN_PAGES,
        sign_in=_sign_in_to_the_admin,
        bypass_csp=True,  # only so that axe's script can be injected
        viewport={"width": 1280, "height": 900},  # the admin is desktop-first
    )


@pytest.mark.parametrize("entry", ADMIN_PAGES, ids=[entry.key for entry in ADMIN_PAGES])
def test_admin_page_has_no_accessibility_violations(entry, admin_axe_run):
    found = checked(admin_axe_run, entry)
    # The page asked for, not one it sent her on to (the dashboard, when refused).
    assert found["view"] == entry.path.view, f"{entry.key} showed {found['view']}"
    assert found["language"] == entry.language, f"{entry.key} is in {found['language']!r}"
    violations = found["violations"]
    assert not violations, f"axe found problems on {entry.key}:\n{describe(violations)}"


#: Pathways' admin views the run above does not visit, and why.
ADMIN_NOT_VISITED = {
    "security:two_factor_verify": "has its own test, below",
    "security:two_factor_setup": "has its own test, below",
    f"{TEMPLATES}:revisions_revert": "Wagtail's own, for a revision the demo does not have",
    f"{TEMPLATES}:revisions_compare": "Wagtail's own, for a revision the demo does not have",
}


#: Pathways' admin page templates the run above does not show, and why.
ADMIN_TEMPLATES_NOT_VISITED = {
    "security/two_factor_verify.html": "has its own test, below",
    "security/two_factor_setup.html": "has its own test, below",
}


def _admin_views(patterns, prefix: str = "", namespace: str = ""):
    """(address, view name, view class) of every view in ``patterns``, the admin's included."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from _admin_views(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                f"{namespace}{inner}:" if inner else namespace,
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            view_class = getattr(pattern.callback, "view_class", None)
            module = getattr(view_class or pattern.callback, "__module__", "")
            yield prefix + str(pattern.pattern), namespace + pattern.name, view_class, module


def pathways_admin_views() -> set[str]:
    """Every page Pathways adds to the Wagtail admin: its own views, the other views of its
    viewsets and of its snippets (not their choosers, which are parts of a page), less the parts
    of a list that only reload it (``_results``) and what is only a way back
    (``NotEditableView``)."""
    admin = reverse("wagtailadmin_home").lstrip("/")
    everything = _admin_views(get_resolver().url_patterns)
    views = [view for view in everything if view[0].startswith(admin)]
    ours = {
        name.rpartition(":")[0]
        for _path, name, _class, module in views
        if module.startswith("pathways.") or name.startswith("wagtailsnippets_pathways_")
    }
    return {
        name
        for _path, name, view_class, _module in views
        if name.rpartition(":")[0] in ours
        and not name.endswith("_results")
        and not (view_class and issubclass(view_class, NotEditableView))
    }


def test_the_admin_run_covers_every_pathways_admin_view(admin_axe_run):
    """A view added to Pathways' admin is checked too, in English and Spanish, or says why not."""
    visited = {
        result["found"]["view"] for result in admin_axe_run.results.values() if "found" in result
    }
    views = pathways_admin_views()
    assert {"courses_admin:index", "cohorts_admin:edit", f"{TEMPLATES}:edit"} <= views
    missing = views - visited - set(ADMIN_NOT_VISITED)
    assert not missing, f"admin pages no axe test visits: {sorted(missing)}"
    for language in ("en", "es"):
        seen = {entry.path.view for entry in ADMIN_PAGES if entry.language == language}
        assert not views - seen - set(ADMIN_NOT_VISITED), f"not all checked in {language}"


def test_the_admin_run_covers_every_admin_page_template(admin_axe_run):
    """Every page template of Pathways' own in the staff admin was checked."""
    pages = {name for name, staff_only in page_templates().items() if staff_only}
    assert {"courses/admin/course_list.html", "sharing/admin/paper_consent.html"} <= pages
    missing = pages - admin_axe_run.templates - set(NOT_VISITED) - set(ADMIN_TEMPLATES_NOT_VISITED)
    assert not missing, f"admin pages no axe test visits: {sorted(missing)}"


def _password_step(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("step", ["verify", "set-up"])
def test_two_step_sign_in_with_a_wrong_code_has_no_accessibility_violations(
    browser, live_server, step, language
):
    """The second factor's pages, refusing a wrong code: for staff with their authenticator app,
    and for staff setting one up. In Spanish for staff whose language it is."""
    source = axe_source()
    staff = StaffFactory(preferred_language="es" if language == "es" else "")
    device = enrol_authenticator(staff, confirmed=step == "verify")
    wrong = str((int(current_code(device)) + 1) % 1_000_000).zfill(6)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        _password_step(page, live_server.url, staff.username)
        expected = "security:two_factor_verify" if step == "verify" else "security:two_factor_setup"
        assert resolve(urlsplit(page.url).path).view_name == expected
        page.locator("input[name=code]").fill(wrong)
        with page.expect_navigation():
            page.locator("form.login-form button[type=submit]").click()
        page.locator("#code-errors").wait_for()
        page.evaluate(SETTLE)
        shown_in = page.evaluate("document.documentElement.lang")
        violations = run_axe(page, source, tuple(WAGTAIL_OWN))
    finally:
        context.close()
    assert shown_in == language
    assert not violations, describe(violations)
