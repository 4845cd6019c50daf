"""Production: safe defaults, everything from the environment, refuses to run without a secret."""

from demo_site.settings.base import *  # noqa: F401

DEBUG = env_bool("DEBUG", False)

_INSECURE_MARKERS = ("insecure", "dev-only", "test-only", "changeme")
if (
    not SECRET_KEY
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or any(marker in SECRET_KEY.lower() for marker in _INSECURE_MARKERS)
):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random value (at least 50 characters) before running "
        "Pathways in production, for example: python -c "
        '"from django.core.management.utils import get_random_secret_key as k; print(k())"'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names this site is served on.")

# Every per-client limit (sign-in pauses, certificate lookups, the API's anonymous budget) tells
# clients apart by address (lms/security/addresses.py). Behind a reverse proxy every request
# comes from the proxy, so the count of proxies that append to X-Forwarded-For must be given:
# a wrong guess either puts every visitor in one budget or lets clients forge their address.
if not os.environ.get("PATHWAYS_TRUSTED_PROXY_COUNT", "").strip():
    raise ImproperlyConfigured(
        "Set PATHWAYS_TRUSTED_PROXY_COUNT to the number of reverse proxies in front of Pathways "
        "that append the client's address to X-Forwarded-For (usually 1), or to 0 if requests "
        "reach Pathways straight from the clients. See the README's Security section."
    )
PATHWAYS_TRUSTED_PROXY_COUNT = env_int("PATHWAYS_TRUSTED_PROXY_COUNT", 0)
if PATHWAYS_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("PATHWAYS_TRUSTED_PROXY_COUNT cannot be negative.")

# HTTPS only. The site must sit behind a proxy that sets X-Forwarded-Proto (and strips it from
# what clients send); SECURE_SSL_REDIRECT=false leaves the redirect to that proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HSTS: one year, subdomains included, and ready for the browsers' preload list. Set
# SECURE_HSTS_PRELOAD=false if the domain's subdomains cannot all be served over HTTPS.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"),
    }
}
