"""Every setting Pathways itself defines, with its default and what it does, in one place.

The installable apps read these through this module (``app_settings.PATHWAYS_EXIT_URL``), never
straight from ``django.conf.settings``, so that a host site needs none of them to start and sets
only what it wants to change. A value is looked up each time it is read, never at import time, so
``override_settings`` works; a default comes back as a fresh copy, so no caller can change it.
The standalone project (``demo_site/settings/base.py``) sets most of them from the environment.

The system checks of each app (``pathways_<app>.E0xx``) explain a value that cannot work. The
README's "Settings reference" table is made from :data:`SETTINGS`:
``python -m pathways.lms.core.app_settings`` prints it.
"""

import copy
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Setting:
    default: Any
    #: What the setting does, for the README's settings reference (one line).
    doc: str
    #: The default as the README shows it, where the value itself is too long for a table.
    shown: str = ""

    def shown_default(self) -> str:
        if self.shown:
            return self.shown
        if isinstance(self.default, str):
            return f'`"{self.default}"`'
        return f"`{self.default!r}`"


SETTINGS: dict[str, Setting] = {
    # The neutral brand (lms/core/branding.py) and where its e-mails come from.
    "PATHWAYS_BRAND_NAME": Setting(
        "Pathways Learning",
        "the neutral name in page titles, as the e-mail sender and subject prefix, and in "
        "authenticator apps; certificates name their own issuer, set per certificate template",
    ),
    "PATHWAYS_EMAIL_ADDRESS": Setting(
        "no-reply@localhost", "the address e-mails come from, under the brand's name"
    ),
    # The public address of the site, for links that leave it: QR codes, credential ids.
    "PATHWAYS_BASE_URL": Setting(
        "http://127.0.0.1:8000",
        "the site's public address, without a trailing slash: QR codes, credential ids, issuer "
        "profiles, keys and status lists point there",
    ),
    # Where "Exit this page" goes, the session limits and the safety notice (lms/safety).
    "PATHWAYS_EXIT_URL": Setting(
        "https://www.bbc.co.uk/weather",
        'where "Exit this page" goes: a full `http(s)://` address of an everyday site',
    ),
    "PATHWAYS_SESSION_IDLE_MINUTES": Setting(
        30, "sign out after this many minutes without a request (1 or more)"
    ),
    "PATHWAYS_SESSION_ABSOLUTE_HOURS": Setting(
        12, "sign out this many hours after signing in, whatever happens (1 or more)"
    ),
    "PATHWAYS_SESSION_WARNING_SECONDS": Setting(
        60, '"Are you still there?" appears this long before the idle sign-out'
    ),
    "PATHWAYS_SAFETY_NOTICE_FILE_VIEWS": Setting(
        (),
        "names of the host's own URLs that serve files, which the first-visit safety notice "
        "lets through (Pathways' own are always let through)",
    ),
    # Content Security Policy (lms/security/middleware.py): the site's pages, the Wagtail admin,
    # and pages with a policy of their own by URL name.
    "PATHWAYS_CSP": Setting(
        _CSP,
        "the Content Security Policy of pages, as directive: list of sources (no inline script "
        "or style)",
        shown="`'self'` only, see `lms/core/app_settings.py`",
    ),
    "PATHWAYS_CSP_ADMIN": Setting(
        {
            **_CSP,
            "script-src": ["'self'", "'unsafe-inline'"],
            "style-src": ["'self'", "'unsafe-inline'"],
            "img-src": ["'self'", "data:", "blob:"],
            "font-src": ["'self'", "data:"],
            "media-src": ["'self'", "blob:"],
            "worker-src": ["'self'", "blob:"],
            "base-uri": ["'self'"],
        },
        "the policy of the Wagtail admin, which needs inline scripts and styles",
        shown="`PATHWAYS_CSP` loosened for the admin",
    ),
    "PATHWAYS_CSP_VIEWS": Setting(
        {
            "api:docs": {**_CSP, "script-src": ["'self'", "'nonce'"]},
            "api:redoc": {
                **_CSP,
                "script-src": ["'self'", "'nonce'"],
                "style-src": ["'self'", "'unsafe-inline'"],
                "worker-src": ["'self'", "blob:"],
            },
        },
        "policies of their own for some pages, by URL name (`'nonce'` becomes a fresh nonce)",
        shown="the API documentation pages",
    ),
    # Which pages Pathways' policies cover (lms/core/middleware.py), and the admin's second factor
    # (lms/security/middleware.py).
    "PATHWAYS_POLICIES_SITE_WIDE": Setting(
        False,
        "`True` applies Pathways' policies (Content Security Policy, no-referrer, session limits, "
        "the first-visit safety notice, no-store) to every page of the site, not only Pathways' "
        "own",
    ),
    "PATHWAYS_ADMIN_SECOND_FACTOR": Setting(
        False,
        "`True` makes staff, facilitators and anyone else who can open the Wagtail admin pass "
        "two-step sign-in (an authenticator app) before it",
    ),
    # Client addresses and the sign-in limits (lms/security).
    "PATHWAYS_TRUSTED_PROXY_COUNT": Setting(
        0,
        "how many reverse proxies append to `X-Forwarded-For`; 0 ignores the header and uses "
        "the connection's address",
    ),
    "PATHWAYS_SIGN_IN_ACCOUNT_FAILURES": Setting(
        5, "wrong passwords for one account before signing in to it pauses (1 or more)"
    ),
    "PATHWAYS_SIGN_IN_ADDRESS_FAILURES": Setting(
        20, "wrong passwords from one client address before signing in from it pauses (1 or more)"
    ),
    "PATHWAYS_SIGN_IN_PAUSE_MINUTES": Setting(
        15, "how long a pause lasts after the last counted wrong password (1 or more)"
    ),
    # Accounts (lms/accounts/password_reset.py).
    "PATHWAYS_PASSWORD_RESET_BY_EMAIL": Setting(
        False,
        "`True` lets the admin's password reset mail a link, only to people who chose e-mail "
        "as a safe way to reach them",
    ),
    # Privacy (lms/privacy/retention.py): days each kind of record is kept; None keeps it.
    "PATHWAYS_RETENTION_DAYS": Setting(
        {
            "access_records": 730,
            "ended_releases": 1095,
            "legal_name_reads": 730,
            "task_results": 30,
            "sessions": 0,
            "api_tokens": 0,
            "sign_in_failures": 0,
            "erasure_records": None,
        },
        "days each kind of record is kept before `purge_expired` deletes it (`None` keeps it); "
        "kinds left out keep their default",
        shown="see [Keeping records no longer than needed](#keeping-records-no-longer-than-needed)",
    ),
    # Background work (lms/core/task_workers.py, lms/core/schedule.py).
    "PATHWAYS_TASK_STALE_MINUTES": Setting(
        15,
        "a task left running by a worker that has not reported for this many minutes (or, for "
        "a worker that does not report, that started this long ago) is queued again (1 or more)",
    ),
    "PATHWAYS_SCHEDULE": Setting(
        {},
        'when each periodic task runs, by name: `"HH:MM"` daily, `":MM"` hourly, `None` never; '
        "tasks left out keep their default (`manage.py pathways_schedule --list`)",
    ),
    # Mentoring (mentoring/services.py).
    "PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED": Setting(
        False, "`True` lets a mentee keep a check-in's notes from staff"
    ),
    # Verifiable credentials (certificates/credentials).
    "PATHWAYS_STATUS_LIST_SIZE": Setting(
        131_072,
        "entries in each published revocation status list: at least 131072, a multiple of 8",
    ),
    "PATHWAYS_VERIFY_RATE": Setting(
        "30/600", "certificate lookups allowed per client on the verification page, per seconds"
    ),
    # The API (api/).
    "PATHWAYS_API_TOKEN_HOURS": Setting(
        12, "how long a person's API token lasts after sign-in, in hours (1 or more)"
    ),
    "PATHWAYS_API_MAX_BODY": Setting(
        64 * 1024, "the largest request body the API reads, in bytes; larger ones get 413"
    ),
    "PATHWAYS_API_THROTTLE_RATES": Setting(
        {"employer_key": "600/minute", "user": "300/minute", "anon": "60/minute"},
        "API requests allowed per employer key, per signed-in person and per anonymous client "
        'address, as `"number/second|minute|hour|day"` (`None` for no limit); kinds left out '
        "keep their default",
    ),
}

#: Each setting's default, by name.
DEFAULTS: dict[str, Any] = {name: setting.default for name, setting in SETTINGS.items()}


def __getattr__(name: str):
    try:
        default = DEFAULTS[name]
    except KeyError:
        raise AttributeError(f"{name} is not a Pathways app setting") from None
    try:
        return getattr(settings, name)
    except AttributeError:
        return copy.deepcopy(default)


def __dir__():
    return sorted([*globals(), *DEFAULTS])


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference_table() -> str:
    """The README's settings reference: every setting, its default, what it does."""
    rows = [
        "| setting | default | what it does |",
        "|---|---|---|",
        *(
            f"| `{name}` | {_cell(setting.shown_default())} | {_cell(setting.doc)} |"
            for name, setting in SETTINGS.items()
        ),
    ]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(reference_table(), end="")
