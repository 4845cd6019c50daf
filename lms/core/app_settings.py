"""Pathways' own settings that have no safe value to leave out, each with its default here.

The installable apps read these through this module (``app_settings.PATHWAYS_EXIT_URL``), never
straight from ``django.conf.settings``, so that a host site sets only what it wants to change. A
value is looked up each time it is read, never at import time, so ``override_settings`` works. The
standalone project (``demo_site/settings/base.py``) sets them all from the environment.
"""

from django.conf import settings

_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
}

DEFAULTS = {
    # The neutral brand (lms/branding.py) and where its e-mails come from.
    "PATHWAYS_BRAND_NAME": "Pathways Learning",
    "PATHWAYS_EMAIL_ADDRESS": "no-reply@localhost",
    # The public address of the site, for links that leave it: QR codes, credential ids.
    "PATHWAYS_BASE_URL": "http://127.0.0.1:8000",
    # Where "Exit this page" goes, and the session limits (lms/safety).
    "PATHWAYS_EXIT_URL": "https://www.bbc.co.uk/weather",
    "PATHWAYS_SESSION_IDLE_MINUTES": 30,
    "PATHWAYS_SESSION_ABSOLUTE_HOURS": 12,
    "PATHWAYS_SESSION_WARNING_SECONDS": 60,
    # Content Security Policy (lms/security/middleware.py): the site's pages, the Wagtail admin,
    # and pages with a policy of their own by URL name.
    "PATHWAYS_CSP": _CSP,
    "PATHWAYS_CSP_ADMIN": {
        **_CSP,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "worker-src": ["'self'", "blob:"],
        "base-uri": ["'self'"],
    },
    "PATHWAYS_CSP_VIEWS": {
        "api:docs": {**_CSP, "script-src": ["'self'", "'nonce'"]},
        "api:redoc": {
            **_CSP,
            "script-src": ["'self'", "'nonce'"],
            "style-src": ["'self'", "'unsafe-inline'"],
            "worker-src": ["'self'", "blob:"],
        },
    },
}


def __getattr__(name: str):
    try:
        default = DEFAULTS[name]
    except KeyError:
        raise AttributeError(f"{name} is not a Pathways app setting") from None
    return getattr(settings, name, default)


def __dir__():
    return sorted(DEFAULTS)
