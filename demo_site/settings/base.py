"""Settings shared by every environment.

Everything that differs between machines comes from the environment, so the same code runs on a
laptop with SQLite and on a cluster with PostgreSQL, Redis workers and object storage.
"""

import json
import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import dj_database_url

from demo_site import storage_settings, task_settings
from pathways.lms.core import branding
from pathways.lms.core.app_settings import DEFAULTS as _PATHWAYS_DEFAULTS

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "pathways.lms.accounts",
    "pathways.lms.core",
    "pathways.lms.safety",
    "pathways.lms.security",
    "pathways.lms.notices",
    "pathways.lms.privacy",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "pathways.courses",
    "pathways.cohorts",
    "pathways.mentoring",
    "pathways.certificates.issuance",
    "pathways.certificates.credentials",
    "pathways.certificates.employers",
    "pathways.certificates.sharing",
    "pathways.api",
    "demo_site",
    # Translating pages in the admin ("Translate this page"); its locales app replaces
    # wagtail.locales. Course content translation is the host's choice (WAGTAIL_I18N_ENABLED).
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "pathways.lms.accounts.wagtail_users.PathwaysUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: one log line per request (lms/core/request_log.py), timing all the rest.
    "pathways.lms.core.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The API's JSON error format for errors raised outside its views (lms/core/middleware.py).
    "pathways.lms.core.middleware.APIErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # In place of Django's CsrfViewMiddleware: every page here is Pathways' (a host puts it just
    # before Django's instead; see lms/security/middleware.py).
    "pathways.lms.security.middleware.SameOriginCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pathways.lms.security.middleware.AdminSecondFactorMiddleware",
    "pathways.lms.security.middleware.ContentSecurityPolicyMiddleware",
    "pathways.lms.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pathways.lms.safety.middleware.SessionTimeoutMiddleware",
    "pathways.lms.safety.middleware.SafetyNoticeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pathways.lms.core.middleware.PrivatePageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a paused sign-in into its page (lms/security/sign_in_limits).
    "axes.middleware.AxesMiddleware",
]
# The standalone site is a host with every option on: Pathways' policies (its headers, session
# limits, safety notice and no-store; lms/core/middleware.py) cover every page, not only
# Pathways' own, and the Wagtail admin asks for two-step sign-in. A host's default is off.
PATHWAYS_POLICIES_SITE_WIDE = True
PATHWAYS_ADMIN_SECOND_FACTOR = True

ROOT_URLCONF = "demo_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pathways.lms.core.context_processors.pathways",
                "pathways.lms.accounts.context_processors.roles",
                "pathways.certificates.employers.context_processors.employer",
                "pathways.lms.notices.context_processors.notices",
            ],
        },
    },
]

WSGI_APPLICATION = "demo_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and a task worker share one SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# No AUTH_USER_MODEL: Django's own user model. Pathways keeps what it knows about a person in
# its own profile (pathways.lms.accounts.models.Profile), beside whatever user model a site has.

# django-axes first: it refuses a paused sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "pathways.lms.accounts.backends.UsernameOrEmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id, tuned to cost about 20 ms a sign-in (demo_site/hashers.py). Passwords stored by the
# others (PBKDF2 before Pathways chose Argon2) still work, and are hashed again with Argon2 when
# their owner next signs in.
PASSWORD_HASHERS = [
    "demo_site.hashers.PathwaysArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Dates as each language writes them; this site's English is British (demo_site/formats).
FORMAT_MODULE_PATH = ["demo_site.formats"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded and generated files (certificate PDFs, Wagtail images and documents) go to a private
# S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set, the local disk otherwise; see
# demo_site/storage_settings.py. Documents are streamed through Wagtail's serve view, after its
# privacy checks, never linked or redirected to the bucket.
STORAGES = storage_settings.storages(os.environ, STORAGES)
WAGTAILDOCS_SERVE_METHOD = "serve_view"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Security: headers, cookies, CSRF, the admin's second factor (lms/security) -------------------
# production.py adds HTTPS-only cookies, HSTS and the redirect to HTTPS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No address of ours ever leaves with a click: not even which page someone was on. Browsers then
# send "Origin: null" on our own form posts; SameOriginCsrfViewMiddleware accepts those when
# the browser says (Sec-Fetch-Site) that the form came from this site. Django's check for its
# own CSRF middleware looks for it by name, so lms/security/checks.py checks the subclass.
SECURE_REFERRER_POLICY = "no-referrer"
SILENCED_SYSTEM_CHECKS = ["security.W003"]
# Content Security Policy (lms.security.middleware.ContentSecurityPolicyMiddleware): Pathways'
# own defaults (pathways.lms.core.app_settings: no inline script or style on our pages; a looser,
# still same-origin policy for the Wagtail admin; the API documentation's nonce), with the
# embeds this site allows added to frame-src from the environment.
_FRAME_SRC = ["'self'", *env_list("PATHWAYS_CSP_FRAME_SRC")]
PATHWAYS_CSP = {**_PATHWAYS_DEFAULTS["PATHWAYS_CSP"], "frame-src": _FRAME_SRC}
PATHWAYS_CSP_ADMIN = {**_PATHWAYS_DEFAULTS["PATHWAYS_CSP_ADMIN"], "frame-src": _FRAME_SRC}
# Lessons show their images by signed addresses on the object storage, when there is one.
for _policy in (PATHWAYS_CSP, PATHWAYS_CSP_ADMIN):
    _policy["img-src"] = [*_policy["img-src"], *storage_settings.image_origins(os.environ)]
PATHWAYS_CSP_VIEWS = {
    name: {**policy, "frame-src": _FRAME_SRC}
    for name, policy in _PATHWAYS_DEFAULTS["PATHWAYS_CSP_VIEWS"].items()
}
# Nothing in the admin calls other sites: no Gravatar pictures, no check for new versions.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# django-otp: the authenticator app's clock may drift a step either way; wrong codes are
# throttled per device (each failure doubles the wait: 1, 2, 4... seconds).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_LOGIN_URL = "wagtailadmin_login"
# Wrong passwords (lms/security/sign_in_limits.py, through django-axes, counted in the database
# so that every web process agrees). Signing in to one account pauses after this many wrong
# passwords for it, from anywhere...
PATHWAYS_SIGN_IN_ACCOUNT_FAILURES = env_int("PATHWAYS_SIGN_IN_ACCOUNT_FAILURES", 5)
# ...and signing in from one client address after this many, for any accounts (a training room
# or a shelter shares one address, so it is higher)...
PATHWAYS_SIGN_IN_ADDRESS_FAILURES = env_int("PATHWAYS_SIGN_IN_ADDRESS_FAILURES", 20)
# ...for this many minutes after the last wrong password. Staff can end a pause in the admin.
PATHWAYS_SIGN_IN_PAUSE_MINUTES = env_int("PATHWAYS_SIGN_IN_PAUSE_MINUTES", 15)
AXES_HANDLER = "pathways.lms.security.sign_in_limits.SignInLimitHandler"
AXES_FAILURE_LIMIT = "pathways.lms.security.sign_in_limits.account_failure_limit"
AXES_COOLOFF_TIME = "pathways.lms.security.sign_in_limits.pause"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "pathways.lms.security.sign_in_limits.account_key"
AXES_CLIENT_IP_CALLABLE = "pathways.lms.security.addresses.client_address_for_storage"
AXES_LOCKOUT_CALLABLE = "pathways.lms.security.sign_in_limits.lockout_response"
# A success does not wipe earlier failures (or one's own account would reset the count for
# guesses at another's); refused tries during a pause do not lengthen it.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No record of successful sign-ins: where and when someone signed in maps her movements.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Password reset by e-mail (the admin's "Forgotten password?"): off, as nothing is sent by e-mail
# unless the programme chooses to. When on, a link goes only to accounts whose owner chose e-mail
# among her safe ways to be contacted (lms/accounts/password_reset.py).
PATHWAYS_PASSWORD_RESET_BY_EMAIL = env_bool("PATHWAYS_PASSWORD_RESET_BY_EMAIL", False)
WAGTAIL_PASSWORD_RESET_ENABLED = PATHWAYS_PASSWORD_RESET_BY_EMAIL
_SAFE_RESET_FORM = "pathways.lms.accounts.password_reset.SafeContactPasswordResetForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = _SAFE_RESET_FORM  # a form's path, not a password

# Background work goes through the Tasks API; the backend is a setting: immediate here, the
# database or RQ on Redis from TASKS_BACKEND (demo_site/task_settings.py). `make worker` runs
# the worker the backend needs, `make scheduler` the periodic tasks (lms/core/schedule.py).
_TASKS_BACKEND = task_settings.backend(os.environ, default=task_settings.IMMEDIATE_BACKEND)
TASKS = task_settings.tasks(_TASKS_BACKEND)
INSTALLED_APPS = task_settings.installed_apps(INSTALLED_APPS, _TASKS_BACKEND)
RQ_QUEUES = task_settings.rq_queues(os.environ)
RQ = task_settings.RQ
RQ_EXCEPTION_HANDLERS = task_settings.RQ_EXCEPTION_HANDLERS
# A task left running by a worker silent this long (a killed one) is queued again.
PATHWAYS_TASK_STALE_MINUTES = env_int("PATHWAYS_TASK_STALE_MINUTES", 15)
# When the periodic tasks run (JSON), e.g. {"purge_expired": "02:00", "send_due_notices": ":30"}.
try:
    PATHWAYS_SCHEDULE = json.loads(os.environ.get("PATHWAYS_SCHEDULE") or "{}")
except ValueError as exc:
    raise ImproperlyConfigured(
        'PATHWAYS_SCHEDULE must be a JSON object of times, e.g. {"purge_expired": "02:00"}'
    ) from exc

# Shared cache for rate limits and throttles. Without CACHE_URL each web process counts on its
# own; with several processes set CACHE_URL=redis://host:6379/1 so that limits hold across them.
# While Redis cannot be reached the site keeps serving: limits let requests through uncounted
# and Wagtail's cached data is worked out again (lms/core/shared_cache.py), each logged once a
# minute; the short timeouts keep a request from waiting long for a Redis that is away.
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "pathways.lms.core.shared_cache.FailOpenRedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# The API configures its own views and schema (pathways.api.base_views, pathways.api.schema), so
# REST_FRAMEWORK and SPECTACULAR_SETTINGS are left to a site's own APIs: this site has none.
# drf-spectacular's deploy check would describe every DRF view of the site, Wagtail's admin API
# too, which is not described for it; Pathways' own deploy check covers the API's schema.
SPECTACULAR_SETTINGS = {"ENABLE_DJANGO_DEPLOY_CHECK": False}
# API requests allowed per employer key, per signed-in person and per anonymous address.
PATHWAYS_API_THROTTLE_RATES = {
    "employer_key": os.environ.get("PATHWAYS_API_RATE_KEY", "600/minute"),
    "user": os.environ.get("PATHWAYS_API_RATE_USER", "300/minute"),
    "anon": os.environ.get("PATHWAYS_API_RATE_ANON", "60/minute"),
}
# How long a person's API token lasts after sign-in, like the site's absolute session limit.
PATHWAYS_API_TOKEN_HOURS = env_int("PATHWAYS_API_TOKEN_HOURS", 12)
# Largest JSON body the API reads, in bytes.
PATHWAYS_API_MAX_BODY = env_int("PATHWAYS_API_MAX_BODY", 64 * 1024)

WAGTAIL_SITE_NAME = os.environ.get("PATHWAYS_BRAND_NAME", "Pathways Learning")


def served_address() -> str:
    """Where this site is served when no public address is given: ``make run`` passes the HOST
    and PORT it serves on (127.0.0.1:8000 unless told otherwise), so that QR codes, credential
    ids and the admin's links work on the demo whatever port it runs on. A server listening on
    every interface (0.0.0.0) is reached at 127.0.0.1 from the same machine."""
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    if host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104 (compared, not bound to)
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = env_int("PORT", 8000)
    return f"http://{host}:{port}"


WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL") or served_address()
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
# Course content in the reader's language: staff translate courses, modules and lessons in the
# admin, and a participant reading Spanish sees the Spanish version where there is one. A host
# may leave it off; Pathways then shows every page as written.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A course's translation stays a draft until the translator publishes it: until then the course
# is not offered in that language, and Spanish readers read the original.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# The neutral brand: what page titles, e-mails and documents say outside the logged-in pages.
# It must never reveal that the organisation serves survivors.
PATHWAYS_BRAND_NAME = WAGTAIL_SITE_NAME
# Brand: e-mails come from PATHWAYS_EMAIL_ADDRESS under the brand's name, and their subjects
# start with it. Worked out from PATHWAYS_BRAND_NAME whenever read (lms/branding.py).
PATHWAYS_EMAIL_ADDRESS = os.environ.get("PATHWAYS_EMAIL_ADDRESS", "no-reply@localhost")
DEFAULT_FROM_EMAIL = branding.lazy_email_sender()
SERVER_EMAIL = branding.lazy_email_sender()
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = branding.lazy_email_sender()
EMAIL_SUBJECT_PREFIX = branding.lazy_email_subject_prefix()
# The public address of this site, for links that leave it: QR codes, credential ids.
# Unset, the address `make run` serves on (served_address above).
PATHWAYS_BASE_URL = (os.environ.get("PATHWAYS_BASE_URL") or served_address()).rstrip("/")
# Safety: "Exit this page", "Staying safe online" and sessions (lms/safety) ---------------------
# Where "Exit this page" sends people: the full http(s) address of an everyday, neutral site.
PATHWAYS_EXIT_URL = os.environ.get("PATHWAYS_EXIT_URL", "https://www.bbc.co.uk/weather")
if not re.fullmatch(r"https?://[^/?#\s]+[^\s]*", PATHWAYS_EXIT_URL):
    raise ImproperlyConfigured(
        f"PATHWAYS_EXIT_URL must be a full http:// or https:// address, not {PATHWAYS_EXIT_URL!r}"
    )
# Signed-in people are signed out after this many minutes without doing anything...
PATHWAYS_SESSION_IDLE_MINUTES = env_int("PATHWAYS_SESSION_IDLE_MINUTES", 30)
# ...and this many hours after signing in, whatever they are doing.
PATHWAYS_SESSION_ABSOLUTE_HOURS = env_int("PATHWAYS_SESSION_ABSOLUTE_HOURS", 12)
# How long before the idle sign-out the page offers "Stay signed in".
PATHWAYS_SESSION_WARNING_SECONDS = env_int("PATHWAYS_SESSION_WARNING_SECONDS", 60)
# The session cookie lives no longer than the absolute limit and is not kept after the browser
# closes, so a shared device does not stay signed in.
SESSION_COOKIE_AGE = PATHWAYS_SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Whether a mentee may keep a check-in's notes private from programme staff (the pair still sees
# them). Off unless the programme's policy allows it.
PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED = env_bool("PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED", False)
# Entries in each published revocation status list; indexes are drawn at random below it. At
# least 131072 (the W3C Bitstring Status List minimum, for group privacy), a multiple of 8. When
# half of it is given out, the list doubles (see certificates/status_list.py).
PATHWAYS_STATUS_LIST_SIZE = env_int("PATHWAYS_STATUS_LIST_SIZE", 131_072)
# Certificate lookups on the public verification page, per client: "<lookups>/<seconds>".
# Counted in the default cache: with several web processes, use a shared cache (Redis).
PATHWAYS_VERIFY_RATE = os.environ.get("PATHWAYS_VERIFY_RATE", "30/600")
# How many reverse proxies in front of the site append to X-Forwarded-For; 0 ignores the header.
# Every per-client limit counts by it (lms/security/addresses.py); production requires it.
PATHWAYS_TRUSTED_PROXY_COUNT = env_int("PATHWAYS_TRUSTED_PROXY_COUNT", 0)

# Privacy: data export, erasure, retention (lms/privacy) ---------------------------------------
# Days each kind of record is kept before `manage.py purge_expired` deletes it; None keeps it.
# PATHWAYS_RETENTION_DAYS (JSON) changes some kinds, e.g. {"access_records": 365, "sessions": 7}.
PATHWAYS_RETENTION_DAYS = {
    "access_records": 730,  # employers' views of certificates
    "ended_releases": 1095,  # sharing stopped, replaced or ended (kept while its log is)
    "legal_name_reads": 730,  # the audit of staff reading legal names
    "task_results": 30,  # finished background-task records
    "sessions": 0,  # expired sign-in sessions
    "api_tokens": 0,  # app sign-in keys past PATHWAYS_API_TOKEN_HOURS
    "sign_in_failures": 0,  # wrong-password records, once their sign-in pause is over
    "erasure_records": None,  # proof that an erasure happened; holds no personal data
}
try:
    PATHWAYS_RETENTION_DAYS.update(json.loads(os.environ.get("PATHWAYS_RETENTION_DAYS") or "{}"))
except (TypeError, ValueError) as exc:
    raise ImproperlyConfigured(
        'PATHWAYS_RETENTION_DAYS must be a JSON object of days, e.g. {"access_records": 365}'
    ) from exc


def logging_config(*, log_format: str, requests: bool) -> dict:
    """Logs to standard output, as ``text`` or one JSON object a line (``json``), with no
    personal data: the request log (``pathways.request``, when ``requests``) names URL patterns
    and user ids only, and Django's request warnings lose their addresses
    (lms/core/request_log.py). LOG_LEVEL sets what else is written (WARNING)."""
    if log_format not in {"text", "json"}:
        raise ImproperlyConfigured(f'LOG_FORMAT must be "text" or "json", not {log_format!r}')
    without_addresses = ["without_addresses"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"without_addresses": {"()": "pathways.lms.core.request_log.WithoutAddresses"}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "json": {"()": "pathways.lms.core.request_log.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": without_addresses,
            }
        },
        "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
        "loggers": {
            "django.request": {"filters": without_addresses},
            "django.security.csrf": {"filters": without_addresses},
            "pathways.request": {"level": "INFO" if requests else "WARNING"},
        },
    }


# Plain text, and no request log (runserver prints each request): production.py turns both on.
LOGGING = logging_config(
    log_format=os.environ.get("LOG_FORMAT", "text"), requests=env_bool("LOG_REQUESTS", False)
)
