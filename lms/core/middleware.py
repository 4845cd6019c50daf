"""Site-wide request handling: the user's language, and never caching private pages."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import check_for_language


class UserLanguageMiddleware:
    """Follow the signed-in person's preferred language unless they switched this browser.

    Sits after authentication: LocaleMiddleware has already picked a language from the cookie or
    the browser; a participant who chose Spanish in her profile gets Spanish on any device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.preferred_language
            and check_for_language(user.preferred_language)
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


API_PREFIX = "/api/"


class PrivatePageCacheMiddleware:
    """Pages shown to a signed-in person, and every API response (an API key or token is not a
    session, so it is not seen here), are never stored by the browser or a proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(API_PREFIX) or "Authorization" in request.headers:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
            patch_vary_headers(response, ["Cookie"])
        return response
