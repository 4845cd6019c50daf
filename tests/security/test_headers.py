"""Security headers: a strict Content Security Policy on our pages (and the looser, documented
ones for the Wagtail admin and the API documentation), no-referrer, and templates with no
inline script or style for the policy to block."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse

import pytest

from pathways.lms.security.checks import check_csrf_cookie_secure, check_security_middleware

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    policy = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}


@pytest.mark.parametrize(
    "url_name", ["accounts:login", "verify:index", "courses:dashboard", "employer:credentials"]
)
def test_our_pages_send_the_strict_policy(client, participant, url_name):
    if url_name == "courses:dashboard":
        client.force_login(participant)
    response = client.get(reverse(url_name), follow=True)
    policy = _policy(response)
    for directive, sources in STRICT.items():
        assert policy[directive] == sources, directive
    assert policy["form-action"][0] == "'self'"
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_the_other_headers(client):
    response = client.get(reverse("accounts:login"))
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert '<meta name="referrer" content="no-referrer">' in response.content.decode()


def test_a_form_may_leave_only_for_the_exit_site(client, settings):
    settings.PATHWAYS_EXIT_URL = "https://weather.example.org/today?x=1"
    policy = _policy(client.get(reverse("accounts:login")))
    assert policy["form-action"] == ["'self'", "https://weather.example.org"]


def test_the_admin_has_its_own_looser_policy_and_nothing_from_other_sites(client, staff):
    client.force_login(staff)
    policy = _policy(client.get(reverse("wagtailadmin_home")))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    # The only other site named is the exit destination, which a form may lead to.
    sources = {
        source
        for directive, values in policy.items()
        if directive != "form-action"
        for source in values
    }
    assert not any(source.startswith(("http:", "https:")) or "*" in source for source in sources)


def test_a_view_that_allows_its_own_site_to_frame_it_gets_frame_ancestors_self(rf):
    # Wagtail's preview views are served with X-Frame-Options: SAMEORIGIN for the editor's
    # preview panel; frame-ancestors must say the same, as browsers obey it over the header.
    from django.http import HttpResponse
    from django.views.decorators.clickjacking import xframe_options_sameorigin

    from pathways.lms.security.middleware import ContentSecurityPolicyMiddleware

    framed = ContentSecurityPolicyMiddleware(xframe_options_sameorigin(lambda r: HttpResponse()))
    plain = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    assert _policy(framed(rf.get("/admin/pages/3/edit/preview/")))["frame-ancestors"] == ["'self'"]
    assert _policy(plain(rf.get("/learn/")))["frame-ancestors"] == ["'none'"]


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


@pytest.mark.parametrize("url_name", ["api:docs", "api:redoc"])
def test_the_api_docs_start_up_script_carries_the_nonce_and_nothing_comes_from_elsewhere(
    client, url_name
):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    nonce = _nonce(response)
    inline = re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", html)
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline)
    assert re.search(r"<script[^>]*\ssrc=", html)
    assert "<style" not in html and " style=" not in html
    assert "googleapis" not in html and "https://" not in html.split("<body")[0]
    assert _nonce(client.get(reverse(url_name))) != nonce
    policy = _policy(response)
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    # Only Redoc, which adds its own <style> elements as it draws, may use inline styles.
    expected_styles = ["'self'", "'unsafe-inline'"] if url_name == "api:redoc" else ["'self'"]
    assert policy["style-src"] == expected_styles


def test_pdfs_are_sent_without_a_policy(client, participant):
    from django.core.files.base import ContentFile

    from tests.factories.certificates import CertificateFactory

    certificate = CertificateFactory(user=participant)
    certificate.pdf.save("c.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    client.force_login(participant)
    response = client.get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in response


# Templates: nothing inline for the policy to block -------------------------------------------

TEMPLATE_ROOTS = ["lms", "courses", "cohorts", "certificates", "api", "frontend_templates"]
# Rendered to PDF by WeasyPrint on the server, never served to a browser.
PDF_TEMPLATES = {"certificates/issuance/templates/certificates/pdf/certificate.html"}
# Swagger UI and Redoc: their start-up script carries the request's nonce.
NONCE_TEMPLATES = {
    "lms/security/templates/drf_spectacular/swagger_ui.html",
    "lms/security/templates/drf_spectacular/redoc.html",
}


class _InlineFinder(HTMLParser):
    """Finds what a strict policy blocks: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if (
            tag == "script"
            and not attributes.get("src")
            and attributes.get("type") != "application/json"
            and "nonce" not in attributes
        ):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if name.startswith("on") and len(name) > 2:
                self.found.append(f"{name}= on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def _served_templates():
    for root in TEMPLATE_ROOTS:
        for path in sorted((ROOT / root).rglob("*.html")):
            relative = path.relative_to(ROOT).as_posix()
            if "/build/" in relative or relative.startswith("build/"):
                continue
            if relative not in PDF_TEMPLATES:
                yield relative


def _inline_problems(text: str) -> list[str]:
    # Template tags can sit inside a tag ({% if %} checked{% endif %}); drop them first.
    text = re.sub(r"{%.*?%}", " ", text, flags=re.S)
    text = re.sub(r"{{.*?}}", "x", text, flags=re.S)
    finder = _InlineFinder()
    finder.feed(text)
    return finder.found


@pytest.mark.parametrize("relative", list(_served_templates()))
def test_no_template_has_inline_script_or_style(relative):
    text = (ROOT / relative).read_text(encoding="utf-8")
    problems = _inline_problems(text)
    if relative in NONCE_TEMPLATES:
        assert "nonce=" in text
    assert problems == [], f"{relative}: {problems}"


def test_the_finder_catches_what_the_policy_blocks():
    assert _inline_problems('<p style="color: red">') == ["style= on <p>"]
    assert _inline_problems("<script>alert(1)</script>") == ["<script> without src"]
    assert _inline_problems('<button onclick="x()">') == ["onclick= on <button>"]
    assert _inline_problems('<a href="javascript:void(0)">') == ["javascript: URL on <a>"]
    assert _inline_problems("<style>p {}</style>") == ["<style> element"]
    assert _inline_problems('<script src="/static/x.js"></script>') == []
    assert _inline_problems('<script type="application/json" id="d">{}</script>') == []


@pytest.mark.parametrize(
    "url_name, role",
    [
        ("accounts:login", None),
        ("courses:dashboard", "participant"),
        ("courses:catalogue", "participant"),
        ("certificates:mine", "participant"),
        ("verify:index", None),
        ("employer:credentials", "employer_user"),
    ],
)
def test_rendered_pages_have_nothing_inline(client, request, course, url_name, role):
    if role:
        client.force_login(request.getfixturevalue(role))
    if role == "employer_user":
        request.getfixturevalue("shared_certificate")
    response = client.get(reverse(url_name), follow=True)
    assert response.status_code == 200
    assert _inline_problems(response.content.decode()) == []


def test_a_lesson_with_a_quiz_has_nothing_inline(client, participant, course):
    from pathways.courses.selectors import course_lessons
    from pathways.courses.services import enrolment_start

    enrolment_start(user=participant, course=course)
    lesson = next(
        lesson
        for lesson in course_lessons(course).specific()
        if any(block.block_type == "quiz" for block in lesson.body)
    )
    client.force_login(participant)
    response = client.get(lesson.url, follow=True)
    assert response.status_code == 200
    assert 'type="radio"' in response.content.decode() or "checkbox" in response.content.decode()
    assert _inline_problems(response.content.decode()) == []


def test_the_error_page_has_no_inline_style(client, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert _inline_problems(html) == []
    assert "pathways/site.css" in html


# Checks and production settings --------------------------------------------------------------


def test_the_security_checks_pass_with_the_settings():
    assert check_security_middleware(None) == []


def test_the_checks_notice_missing_middleware(settings):
    settings.MIDDLEWARE = [
        m
        for m in settings.MIDDLEWARE
        if m.startswith("django.") and not m.endswith("CsrfViewMiddleware")
    ]
    ids = {error.id for error in check_security_middleware(None)}
    assert ids == {
        "pathways_security.E001",
        "pathways_security.E002",
        "pathways_security.E003",
    }


@override_settings(CSRF_COOKIE_SECURE=False)
def test_the_deploy_check_notices_an_insecure_csrf_cookie():
    assert [w.id for w in check_csrf_cookie_secure(None)] == ["pathways_security.W001"]
    assert "pathways_security.W001" in {m.id for m in run_checks(include_deployment_checks=True)}


def _deploy_check(**env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith("SECURE_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="demo_site.settings.production",
        SECRET_KEY="k8Jq2vX9pL4mZ7rT1wY6nB3cF5hD0sG8aE2uI9oP4lK7jH1gV6xQ",
        ALLOWED_HOSTS="learn.example.org",
        PATHWAYS_TRUSTED_PROXY_COUNT="1",
        **env_overrides,
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_deploy_check_passes_without_warnings():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_deploy_check_fails_on_a_warning():
    result = _deploy_check(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_settings_are_safe():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; import django; django.setup(); "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
            "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
            "s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, "
            "s.SECURE_SSL_REDIRECT)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("SECURE_")},
            "DJANGO_SETTINGS_MODULE": "demo_site.settings.production",
            "SECRET_KEY": "k8Jq2vX9pL4mZ7rT1wY6nB3cF5hD0sG8aE2uI9oP4lK7jH1gV6xQ",
            "ALLOWED_HOSTS": "learn.example.org",
            "PATHWAYS_TRUSTED_PROXY_COUNT": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "DENY",
        "no-referrer",
        "True",
    ]
