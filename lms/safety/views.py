"""Leaving the site at once, the "Staying safe online" page, and keeping a session alive."""

from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pathways.lms.accounts.names import stored_profile
from pathways.lms.accounts.profiles import profile_of, profile_update
from pathways.lms.accounts.sign_in import after_sign_in_url, sign_in_url
from pathways.lms.core import app_settings
from pathways.lms.core.errors import error_body
from pathways.lms.core.responses import clear_site_data
from pathways.lms.safety import sessions


def _safe_next(request, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


@csrf_exempt  # Must work from any page, even one whose form token has gone stale.
@require_http_methods(["GET", "POST"])
def exit_page(request):
    """ "Exit this page": end the session on the server and go to the neutral site.

    A plain link, so it works without JavaScript; exit.js hides the page first. Anyone may use
    it, signed in or not. The neutral site is not told where the person came from.
    """
    logout(request)  # flushes the session: its key is gone from the session store
    response = HttpResponseRedirect(app_settings.PATHWAYS_EXIT_URL)
    response["Referrer-Policy"] = "no-referrer"
    return clear_site_data(response)


class SafetyNoticeView(View):
    """ "Staying safe online": public, and shown once to each participant before first use."""

    template_name = "pathways/safety/staying_safe.html"

    def get(self, request):
        user = request.user
        profile = stored_profile(user)
        needs_continue = user.is_authenticated and (
            profile is None or profile.safety_notice_seen_at is None
        )
        return render(
            request,
            self.template_name,
            {
                "page_title": gettext_lazy("Staying safe online"),
                "needs_continue": needs_continue,
                "next": _safe_next(request, request.GET.get("next")) or "",
                "idle_minutes": app_settings.PATHWAYS_SESSION_IDLE_MINUTES,
            },
        )

    def post(self, request):
        """ "Continue": she has read it; take her where she was going."""
        if not request.user.is_authenticated:
            return HttpResponseRedirect(sign_in_url())
        profile = profile_of(request.user)
        if profile.safety_notice_seen_at is None:
            profile_update(request.user, safety_notice_seen_at=timezone.now())
        target = _safe_next(request, request.POST.get("next"))
        return HttpResponseRedirect(target or after_sign_in_url(request.user))


def _not_signed_in():
    response = JsonResponse(
        error_body(
            status_code=401,
            code="not_authenticated",
            message=_("You are not signed in."),
        ),
        status=401,
    )
    add_never_cache_headers(response)
    return response


@require_POST
def session_extend(request):
    """ "Stay signed in": one click restarts the idle clock (never the absolute one).

    Answers JSON with the new deadline to session.js; without JavaScript the form returns to the
    page it was sent from.
    """
    if not request.user.is_authenticated:
        return _not_signed_in()
    sessions.record_activity(request.session, now=timezone.now(), force=True)
    if request.headers.get("Accept", "").startswith("text/html"):  # a browser's form post
        target = _safe_next(request, request.POST.get("next"))
        return HttpResponseRedirect(target or after_sign_in_url(request.user))
    response = JsonResponse(sessions.clock(request.session).as_json())
    add_never_cache_headers(response)
    return response


@require_GET
def session_status(request):
    """How long this session has left, for session.js. Does not count as activity, so a page
    left open does not keep itself signed in."""
    if not request.user.is_authenticated:
        return _not_signed_in()
    response = JsonResponse(sessions.clock(request.session).as_json())
    add_never_cache_headers(response)
    return response
