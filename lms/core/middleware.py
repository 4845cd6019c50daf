"""Request handling every app shares: which requests Pathways' policies cover, the user's
language and time zone, never caching private pages, and the API's error format for errors
raised outside its views.

Pathways' policies (the Content Security Policy and the other headers of lms/security, the
session limits and the safety notice of lms/safety, ``no-store`` here) cover **Pathways' own
pages** unless ``PATHWAYS_POLICIES_SITE_WIDE`` is true, as it is on the standalone site. A request
is Pathways' when, resolved against the site's URLconf:

- its view was written in a ``pathways.`` module (``request.resolver_match.func.__module__``:
  function views, class-based views and API viewsets alike, wherever the host mounts them);
- or its URL sits in a namespace declared by one of Pathways' URLconfs, for the views Pathways
  mounts from other packages (the API schema and its documentation are drf-spectacular's);
- or it is a Wagtail page whose model is Pathways' (``CourseIndexPage``, ``CoursePage``,
  ``ModulePage``, ``LessonPage``: the page's specific class lives in a ``pathways.`` module),
  found with Wagtail's own ``Page.route_for_request``, which caches the route on the request so
  that Wagtail's ``serve`` view does not look it up twice. (So the middleware that asks sits
  after ``UserLanguageMiddleware``: the route is cached in the language the page is served in.)

Everything else is the host's: its own views and pages, Django's and Wagtail's views (the
language switch, even where Pathways' include mounts it; Wagtail's front-end login), addresses
nothing answers (404), and the whole Wagtail admin, Pathways' screens inside it included. The
admin is one application with Wagtail's own scripts and forms, which post to Wagtail's views;
Pathways' headers on some of its screens would break those (see
``SameOriginCsrfViewMiddleware``). The admin is protected by its second factor instead, which has
a setting of its own (``PATHWAYS_ADMIN_SECOND_FACTOR``).
"""

import json

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import check_for_language

from pathways.lms.core import app_settings
from pathways.lms.core.errors import status_error_body
from pathways.lms.core.time_zones import is_time_zone

PATHWAYS_PACKAGE = "pathways."
PATHWAYS_API_PACKAGE = "pathways.api."
WAGTAIL_SERVE = "wagtail_serve"


def resolved(request):
    """The request's resolver match: Django's once it has resolved the URL, otherwise resolved
    here, once per request, for middleware that runs before the view. None if nothing answers."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match
    if not hasattr(request, "_pathways_resolver_match"):
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        request._pathways_resolver_match = match
    return request._pathways_resolver_match


def _module_name(value) -> str:
    return value if isinstance(value, str) else getattr(value, "__name__", "")


def _namespace_owner(request, match) -> str:
    """The innermost of Pathways' URLconfs that declares one of the match's namespaces, or ""."""
    resolver = get_resolver(getattr(request, "urlconf", None))
    owner = ""
    for namespace in match.namespaces:
        try:
            _prefix, resolver = resolver.namespace_dict[namespace]
        except KeyError:
            break
        name = _module_name(resolver.urlconf_name)
        if name.startswith(PATHWAYS_PACKAGE):
            owner = name
    return owner


def _page_module(request, match) -> str:
    """The module of the Wagtail page model that serves this address, or ""."""
    import swapper

    page_model = swapper.load_model("wagtailcore", "Page")
    path = match.args[0] if match.args else match.kwargs.get("path", "")
    route = page_model.route_for_request(request, path)
    if route is None:
        return ""
    page = route[0]
    return (getattr(page, "specific_class", None) or type(page)).__module__


def _answering_module(request) -> str:
    match = resolved(request)
    if match is None:
        return ""
    module = getattr(match.func, "__module__", None) or ""
    if module.startswith(PATHWAYS_PACKAGE):
        return module
    if owner := _namespace_owner(request, match):
        return owner
    if match.url_name == WAGTAIL_SERVE:
        module = _page_module(request, match)
        if module.startswith(PATHWAYS_PACKAGE):
            return module
    return ""


def pathways_module(request) -> str:
    """The module of Pathways' code that answers this request (its view, the URLconf that mounts
    it, or its page model), or "" when it is not Pathways'. Worked out once per request."""
    if not hasattr(request, "_pathways_module"):
        request._pathways_module = _answering_module(request)
    return request._pathways_module


def _admin_prefix() -> str | None:
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:  # a site without the Wagtail admin
        return None


def in_wagtail_admin(request) -> bool:
    prefix = _admin_prefix()
    return bool(prefix) and request.path.startswith(prefix)


def serves_pathways(request) -> bool:
    """Whether this request is for one of Pathways' own pages (see the module docstring)."""
    return bool(pathways_module(request)) and not in_wagtail_admin(request)


def is_api_request(request) -> bool:
    """Whether this request is for Pathways' API, wherever the host mounts it: its views, its
    schema and documentation, and the API's answer to an unknown path below it. The host's own
    API (Wagtail's API v2, say) is not."""
    return pathways_module(request).startswith(PATHWAYS_API_PACKAGE)


def policies_cover(request) -> bool:
    """Whether Pathways' policies apply to this request: everywhere when
    ``PATHWAYS_POLICIES_SITE_WIDE`` is true, otherwise on Pathways' own pages only."""
    return bool(app_settings.PATHWAYS_POLICIES_SITE_WIDE) or serves_pathways(request)


class UserLanguageMiddleware:
    """Follow the signed-in person's preferred language unless they switched this browser, and
    show Pathways' pages in the time zone she chose.

    Sits after authentication: LocaleMiddleware has already picked a language from the cookie or
    the browser; a participant who chose Spanish in her profile gets Spanish on any device. The
    language applies on every page, the host's included, as her choice is hers rather than a
    policy; it is decided before any page is routed, so Wagtail routes pages in the language she
    reads. Her time zone (``Profile.time_zone``; the site's ``TIME_ZONE`` if she chose none) is
    active for Pathways' own pages (``serves_pathways``), for that request only; the host's pages,
    the Wagtail admin (which has its own time zone setting) and the API (whose times carry their
    offset) keep theirs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        profile = self._profile(user)
        language = (
            (profile.preferred_language or "")
            if profile is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            else ""
        )
        if language and check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        # After the language: finding whether a page is Pathways' routes it (see the module).
        zone = self._time_zone(request, profile)
        if not zone:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)

    @staticmethod
    def _profile(user):
        if user is None or not user.is_authenticated:
            return None
        # The profile, if the person has one yet (Pathways' sign-in loads it with the user).
        try:
            return user.pathways_profile
        except (ObjectDoesNotExist, AttributeError):
            return None

    @staticmethod
    def _time_zone(request, profile) -> str:
        zone = getattr(profile, "time_zone", "") if profile is not None else ""
        if not zone or not is_time_zone(zone):
            return ""
        if not serves_pathways(request) or is_api_request(request):
            return ""
        return zone


class PrivatePageCacheMiddleware:
    """Pages shown to a signed-in person, and every API response (an API key or token is not a
    session, so it is not seen here), are never stored by the browser or a proxy.

    Only where Pathways' policies cover the request (``policies_cover``): the host's own pages
    keep whatever caching it gives them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not policies_cover(request):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or is_api_request(request) or "Authorization" in request.headers:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
            patch_vary_headers(response, ["Cookie"])
        return response


def _is_api_address(request) -> bool:
    """``is_api_request`` for an answer that may have failed anywhere: an address Wagtail serves
    is a page, never the API, so it is not looked up (that needs the database)."""
    match = resolved(request)
    if match is None or match.url_name == WAGTAIL_SERVE:
        return False
    return is_api_request(request)


class APIErrorMiddleware:
    """Every error answer of Pathways' API is in its JSON format, even one made outside it.

    The API's views answer their own errors in that format, unexpected exceptions included
    (``api.errors``). This catches the rest: an exception raised by other middleware before the
    view ran (the session store's database gone), Django's own CSRF failure page, a 404 or 500
    that Django answered with the site's HTML error page. Their body is replaced by the API's
    error body for their status, saying nothing more; the status and headers stay, and Django
    has already logged and reported the exception. Only requests for Pathways' API are touched:
    the host's pages and error handlers (``handler404``, ``handler500``) are left alone.

    Put it near the top of ``MIDDLEWARE``, just after Django's ``SecurityMiddleware``, so that it
    sees what every middleware below it answers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or getattr(response, "streaming", False):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if not _is_api_address(request):
            return response
        body = status_error_body(response.status_code)
        response.content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        response["Content-Type"] = "application/json"
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
