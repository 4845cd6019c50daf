"""Production: safe defaults, everything from the environment, refuses to run without a secret."""

from whitenoise.compress import Compressor

from demo_site import database_settings, task_settings
from demo_site.error_reporting import configure_error_reporting
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
# Load balancers and supervisors ask the web processes directly, over plain HTTP: the health
# probes (/health/live/, /health/ready/) answer them instead of redirecting.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
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
# Plain http on this machine, for `make serve` only (it sets PATHWAYS_SERVE_HTTP=1): no redirect
# to HTTPS, no HSTS, cookies sent without TLS. Refused unless every allowed host is this machine.
if env_bool("PATHWAYS_SERVE_HTTP", False):
    if not set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]"}:
        raise ImproperlyConfigured(
            "PATHWAYS_SERVE_HTTP is for `make serve` on this machine only: ALLOWED_HOSTS may then "
            "name only 127.0.0.1, localhost and [::1]."
        )
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    SECURE_HSTS_PRELOAD = False

# Static files: `manage.py collectstatic` copies them into STATIC_ROOT under content-hashed names,
# with gzip copies (and Brotli ones when the brotli package is installed), and WhiteNoise serves
# them from each web process, straight after the security middleware, with a year's caching.
# Source maps are read only by browsers' developer tools, so they are not compressed.
_AFTER_SECURITY = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [
    *MIDDLEWARE[:_AFTER_SECURITY],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_AFTER_SECURITY:],
]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Database connections kept open between requests, or pooled (demo_site/database_settings.py).
DATABASES = {
    **DATABASES,
    "default": database_settings.production_database(DATABASES["default"], os.environ),
}

# Tasks queued in the database and run by `make worker`, unless TASKS_BACKEND says otherwise.
_TASKS_BACKEND = task_settings.backend(os.environ, default=task_settings.DATABASE_BACKEND)
TASKS = task_settings.tasks(_TASKS_BACKEND)
INSTALLED_APPS = task_settings.installed_apps(INSTALLED_APPS, _TASKS_BACKEND)

# Logs: one JSON object a line, with one line per request (LOG_FORMAT=text, LOG_REQUESTS=false
# to change). No personal data in either: see logging_config in base.py.
LOGGING = logging_config(
    log_format=os.environ.get("LOG_FORMAT", "json"), requests=env_bool("LOG_REQUESTS", True)
)
# Error reporting to Sentry when SENTRY_DSN is set, with personal data taken out
# (demo_site/error_reporting.py).
SENTRY_ENABLED = configure_error_reporting(os.environ)
