"""Security middleware: the Content Security Policy and the other headers of Pathways' pages,
CSRF that works with ``no-referrer``, and the Wagtail admin's second factor.

The headers and the CSRF rule for ``no-referrer`` apply where Pathways' policies cover the
request (``pathways.lms.core.middleware.policies_cover``): Pathways' own pages, or every page when
``PATHWAYS_POLICIES_SITE_WIDE`` is true, as on the standalone site. The second factor has its own
setting, ``PATHWAYS_ADMIN_SECOND_FACTOR``, and covers the whole Wagtail admin when on.
"""

import secrets
from urllib.parse import urlencode, urlsplit

from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import reverse

from pathways.lms.core import app_settings
from pathways.lms.core.middleware import in_wagtail_admin, policies_cover
from pathways.lms.security.two_factor import (
    admin_prefix,
    confirmed_authenticator,
    needs_second_factor,
)

NONCE = "'nonce'"
_NO_CSP_CONTENT_TYPES = ("application/pdf",)
# No address of ours leaves with a click, not even which page someone was on.
REFERRER_POLICY = "no-referrer"


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def _serialise(policy: dict[str, list[str]], *, nonce: str) -> str:
    directives = []
    for directive, sources in policy.items():
        values = [f"'nonce-{nonce}'" if source == NONCE else source for source in sources]
        directives.append(" ".join([directive, *values]).strip())
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Sends Pathways' headers with every response Pathways' policies cover (its own pages, or
    every page when ``PATHWAYS_POLICIES_SITE_WIDE`` is true); the host's own pages get none of
    them, and keep the host's ``SECURE_REFERRER_POLICY`` and ``X_FRAME_OPTIONS``.

    ``Referrer-Policy: no-referrer`` and ``X-Frame-Options: DENY``, whatever the host's
    SecurityMiddleware and XFrameOptionsMiddleware said: no Pathways page is ever framed. In the
    Wagtail admin (covered only site-wide) a view's own X-Frame-Options stays, for Wagtail's
    preview; a view exempt from X-Frame-Options gets none. Then a Content-Security-Policy, on
    every one of those responses but PDFs:

    - Pages: ``PATHWAYS_CSP``, which allows no inline script or style.
    - The Wagtail admin (everything under its URL, which only a site-wide setting covers) and
      the two-step pages: ``PATHWAYS_CSP_ADMIN``, looser, because Wagtail's own templates use
      inline scripts and styles.
    - Pages named in ``PATHWAYS_CSP_VIEWS`` (the API documentation: Swagger UI and
      Redoc) get their own; their start-up script carries a per-request nonce
      (``request.csp_nonce``).

    ``frame-ancestors`` follows X-Frame-Options: ``'none'`` unless the view allowed its own site
    to frame it (Wagtail's preview), because browsers obey ``frame-ancestors`` over
    X-Frame-Options. The origin of ``PATHWAYS_EXIT_URL`` is added to ``form-action`` so that a
    form may leave for the neutral site ("Exit this page" answers a POST with a redirect there).
    A response that already has a policy keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        if not policies_cover(request):
            return response
        response["Referrer-Policy"] = REFERRER_POLICY
        if not getattr(response, "xframe_options_exempt", False) and (
            "X-Frame-Options" not in response or not in_wagtail_admin(request)
        ):
            response["X-Frame-Options"] = "DENY"
        content_type = response.get("Content-Type", "")
        if "Content-Security-Policy" in response or content_type.startswith(_NO_CSP_CONTENT_TYPES):
            return response
        policy = {key: list(value) for key, value in self.policy_for(request).items()}
        framing = response.get("X-Frame-Options", "DENY").upper()
        policy["frame-ancestors"] = ["'self'"] if framing == "SAMEORIGIN" else ["'none'"]
        exit_origin = _origin(app_settings.PATHWAYS_EXIT_URL)
        if exit_origin and "form-action" in policy:
            policy["form-action"].append(exit_origin)
        response["Content-Security-Policy"] = _serialise(policy, nonce=request.csp_nonce)
        return response

    @staticmethod
    def policy_for(request) -> dict[str, list[str]]:
        match = getattr(request, "resolver_match", None)
        # The second factor's pages are admin pages too, even where a host site mounted
        # Pathways' URLs (and so them) outside the admin's address.
        two_step = match is not None and match.namespaces[:1] == ["security"]
        if two_step or request.path.startswith(admin_prefix()):
            return app_settings.PATHWAYS_CSP_ADMIN
        if match is not None and match.view_name in app_settings.PATHWAYS_CSP_VIEWS:
            return app_settings.PATHWAYS_CSP_VIEWS[match.view_name]
        return app_settings.PATHWAYS_CSP


# Views that are not Pathways' but that forms on its no-referrer pages post to: the language
# switcher in the base template, and "Sign out" on the two-step pages. By the URL names those
# templates reverse.
POSTED_TO_FROM_PATHWAYS_PAGES = {"set_language", "wagtailadmin_logout"}


class SameOriginCsrfViewMiddleware(CsrfViewMiddleware):
    """Django's CSRF protection, made to work with ``Referrer-Policy: no-referrer``.

    Under no-referrer a browser sends ``Origin: null`` (and no Referer) with a form posted to
    the very site that served it, which Django's origin check refuses. Browsers also send
    ``Sec-Fetch-Site``, which a page's scripts cannot set; when it says ``same-origin`` and the
    Origin is ``null`` or missing, the request came from one of our own pages and the origin
    and referer checks pass. Everything else takes Django's checks unchanged, and the CSRF token
    is always checked.

    That exception is made only for the requests Pathways' policies cover (``policies_cover``:
    Pathways' own views, or every view when ``PATHWAYS_POLICIES_SITE_WIDE`` is true), and for
    the few views of Django and Wagtail that forms on Pathways' pages post to
    (``POSTED_TO_FROM_PATHWAYS_PAGES``). Every other view of the host gets Django's own checks,
    exactly: the same class, settings and failure view. A host keeps Django's
    ``CsrfViewMiddleware`` and puts this one just before it; this one checks first and marks the
    request as checked, so Django's passes it on. (The standalone site has this one in its place,
    with Django's check for it by name, ``security.W003``, silenced: see checks.py.)
    """

    @staticmethod
    def _same_origin_allowed(request) -> bool:
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in POSTED_TO_FROM_PATHWAYS_PAGES:
            return True
        return policies_cover(request)

    @staticmethod
    def _fetched_from_same_origin(request) -> bool:
        return request.META.get("HTTP_SEC_FETCH_SITE", "").lower() == "same-origin"

    def _origin_verified(self, request):
        if (
            request.META.get("HTTP_ORIGIN") == "null"
            and self._fetched_from_same_origin(request)
            and self._same_origin_allowed(request)
        ):
            return True
        return super()._origin_verified(request)

    def _check_referer(self, request):
        if (
            "HTTP_REFERER" not in request.META
            and self._fetched_from_same_origin(request)
            and self._same_origin_allowed(request)
        ):
            return
        super()._check_referer(request)


# Admin pages anyone signed in may open before the second factor: signing in and out, the
# second factor's own pages, and what those pages load (translations, icons).
SECOND_FACTOR_EXEMPT_VIEWS = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "security:two_factor_setup",
    "security:two_factor_verify",
}


class AdminSecondFactorMiddleware:
    """Nobody who needs a second factor reaches a Wagtail admin page without passing it in this
    session: first the authenticator app is set up (and confirmed with a code), then a code is
    asked for once per session. Sits after django-otp's OTPMiddleware.

    Only the admin is covered. The site's own pages, facilitators' included, need the password
    only: they show no legal names or contact details.

    Only when ``PATHWAYS_ADMIN_SECOND_FACTOR`` is true (the standalone site). A host leaves it
    off until its editors are ready; ``pathways_security.W003`` warns at deploy time while staff
    with Pathways roles reach the admin with a password alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not app_settings.PATHWAYS_ADMIN_SECOND_FACTOR:
            return None
        if not request.path.startswith(admin_prefix()):
            return None
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in SECOND_FACTOR_EXEMPT_VIEWS or view_name.startswith(
            "wagtailadmin_password_reset"
        ):
            return None
        user = request.user
        # Verified first: one query for the session's device, and the roles are not needed.
        if user.is_verified() or not needs_second_factor(user):
            return None
        if confirmed_authenticator(user) is None:
            target = reverse("security:two_factor_setup")
        else:
            target = reverse("security:two_factor_verify")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
