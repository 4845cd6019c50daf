"""Session limits for everyone signed in, and the safety page before a participant's first use.

Both sit after the authentication and message middleware: they need ``request.user``, and the
sign-out message must survive the session it ends. Both act only where Pathways' policies cover
the request (``pathways.lms.core.middleware.policies_cover``): on Pathways' own pages, or on
every page when ``PATHWAYS_POLICIES_SITE_WIDE`` is true.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from pathways.lms.accounts.names import stored_profile
from pathways.lms.accounts.roles import Role, has_role
from pathways.lms.accounts.sign_in import sign_in_url
from pathways.lms.core import app_settings
from pathways.lms.core.errors import error_body
from pathways.lms.core.health import is_health_check
from pathways.lms.core.middleware import is_api_request, policies_cover, resolved
from pathways.lms.safety import sessions

# Requests a page makes by itself, which must not keep an unattended session alive.
BACKGROUND_HEADER = "X-Pathways-Background"
BACKGROUND_VIEWS = {
    "safety:session_status",
    # Wagtail's editor reports every few seconds that the page is still open.
    "wagtailadmin_editing_sessions:ping",
    "wagtailadmin_editing_sessions:release",
}
JSON_VIEWS = {"safety:session_status", "safety:session_extend"}
# Views that send a file rather than a page. Files are never held back by the safety page: she
# gets her certificate (or a course document) straight away, and the page follows on her next
# page view. A host site's own file views can be added with PATHWAYS_SAFETY_NOTICE_FILE_VIEWS.
FILE_VIEWS = {
    "certificates:pdf",
    "certificates:credential",
    "wagtaildocs_serve",
}


def _view_name(request) -> str | None:
    match = resolved(request)
    return match.view_name if match is not None else None


def wants_json(request, view_name: str | None = None) -> bool:
    """API calls and the page's own scripts get JSON; anything a browser navigates to gets HTML."""
    if view_name in JSON_VIEWS or is_api_request(request):
        return True
    return request.accepts("application/json") and not request.accepts("text/html")


def _login_url(path: str) -> str:
    try:
        admin_home = reverse("wagtailadmin_home")
    except NoReverseMatch:  # a host site may not mount the Wagtail admin
        admin_home = None
    if admin_home and path.startswith(admin_home):
        return reverse("wagtailadmin_login")
    return sign_in_url()


class SessionTimeoutMiddleware:
    """Sign out anyone idle for ``PATHWAYS_SESSION_IDLE_MINUTES`` or signed in for longer than
    ``PATHWAYS_SESSION_ABSOLUTE_HOURS``.

    Every request by the person counts as activity except background ones (the session status
    check, Wagtail's editor ping, or anything sent with ``X-Pathways-Background``). The page's
    own clock is put on ``request.pathways_session`` for the warning in the base template.

    The limits are enforced only where Pathways' policies cover the request. On the host's own
    pages (``PATHWAYS_POLICIES_SITE_WIDE`` off) nobody is signed out, but a request there still
    counts as activity, so an editor busy in the Wagtail admin is not signed out by the first
    Pathways page she opens. A session already past a limit is left as it is there: the host's
    pages do not revive it, and the next Pathways page signs it out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_health_check(request):  # a probe is not activity, and must not touch the session
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            view_name = _view_name(request)
            covered = policies_cover(request)
            if sessions.has_expired(request.session, now=now):
                if covered:
                    return self._signed_out(request, view_name)
                return self.get_response(request)
            sessions.start(request.session, now=now)
            background = BACKGROUND_HEADER in request.headers or view_name in BACKGROUND_VIEWS
            if not background:
                sessions.record_activity(request.session, now=now)
            if covered:
                request.pathways_session = sessions.clock(request.session, now=now)
        # Signing in starts the clocks (sessions.start_on_sign_in); a session from before they
        # existed gets them on its first request.
        return self.get_response(request)

    def _signed_out(self, request, view_name):
        path = request.get_full_path()
        json = wants_json(request, view_name)
        logout(request)
        # Shown on the next page: the sign-in page, where session.js also goes.
        messages.info(
            request,
            _("You were signed out to keep your account safe. You can sign in again below."),
        )
        if json:
            response = JsonResponse(
                error_body(
                    status_code=401,
                    code="session_expired",
                    message=_("You were signed out to keep your account safe. Please sign in."),
                ),
                status=401,
            )
        else:
            login_url = _login_url(request.path)
            if request.method in ("GET", "HEAD"):
                response = redirect_to_login(path, login_url)
            else:  # a form sent too late: its address may not answer GET
                response = redirect(login_url)
        add_never_cache_headers(response)
        return response


class SafetyNoticeMiddleware:
    """A participant reads "Staying safe online" once, before anything else.

    Until her profile's ``safety_notice_seen_at`` is set (or while she has no profile yet), her
    page views (never API calls, files, the safety pages, signing out or the health probes) go to
    the safety page, which brings her back afterwards. Files are told apart by their view
    (``FILE_VIEWS``), not by what the browser accepts: a browser following a download link asks
    for HTML just as it does for a page. Only Pathways' own pages hold her back, unless
    ``PATHWAYS_POLICIES_SITE_WIDE`` is true: a host's home page does not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_read_first(request):
            notice = reverse("safety:notice")
            return redirect(f"{notice}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _must_read_first(request) -> bool:
        user = getattr(request, "user", None)
        if request.method not in ("GET", "HEAD") or user is None or not user.is_authenticated:
            return False
        if is_health_check(request):
            return False
        profile = stored_profile(user)
        if profile is not None and profile.safety_notice_seen_at is not None:
            return False
        exempt = (
            reverse("safety:notice"),
            reverse("accounts:logout"),
            settings.STATIC_URL,
            settings.MEDIA_URL,
        )
        if request.path.startswith(tuple(prefix for prefix in exempt if prefix)):
            return False
        if is_api_request(request):
            return False
        if not request.accepts("text/html"):
            return False
        file_views = FILE_VIEWS | set(app_settings.PATHWAYS_SAFETY_NOTICE_FILE_VIEWS)
        if _view_name(request) in file_views:
            return False
        return has_role(user, Role.PARTICIPANT) and policies_cover(request)
