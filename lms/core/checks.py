"""System checks: every Pathways setting a site sets must hold a value that works.

Each app checks its own settings (``pathways_<app>.E0xx``) with the helpers below, reading the
same effective values the app reads (``lms/core/app_settings.py``). These check the settings of
``lms.core`` itself, and that every ``PATHWAYS_*`` setting the site sets is one Pathways knows.
"""

import difflib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.functional import Promise

from pathways.lms.core import app_settings
from pathways.lms.core.schedule import parse_when, registered_tasks

PREFIX = "PATHWAYS_"


def is_whole_number(value, minimum: int) -> bool:
    """A whole number (not ``True`` or ``False``) of at least ``minimum``."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def whole_number_errors(name: str, *, minimum: int, check_id: str) -> list[CheckMessage]:
    value = getattr(app_settings, name)
    if is_whole_number(value, minimum):
        return []
    return [
        Error(
            f"{name} must be a whole number of {minimum} or more, not {value!r}.",
            hint=f"Leave it out for the default, {app_settings.DEFAULTS[name]!r}.",
            id=check_id,
        )
    ]


def boolean_errors(name: str, *, check_id: str) -> list[CheckMessage]:
    value = getattr(app_settings, name)
    if isinstance(value, bool):
        return []
    return [
        Error(
            f"{name} must be True or False, not {value!r}.",
            hint="A text such as 'false' would count as True.",
            id=check_id,
        )
    ]


def _site_setting_names() -> list[str]:
    holder = getattr(settings, "_wrapped", None)
    return [name for name in dir(holder) if name.startswith(PREFIX)] if holder else []


@register()
def check_core_settings(app_configs, **kwargs) -> list[CheckMessage]:
    errors = []
    brand = app_settings.PATHWAYS_BRAND_NAME
    if not isinstance(brand, str | Promise) or not str(brand).strip():
        errors.append(
            Error(
                f"PATHWAYS_BRAND_NAME must be a name, not {brand!r}.",
                hint="A neutral name that does not give away what the programme is.",
                id="pathways_core.E001",
            )
        )
    address = app_settings.PATHWAYS_EMAIL_ADDRESS
    try:
        validate_email(address)
    except ValidationError:
        errors.append(
            Error(
                f"PATHWAYS_EMAIL_ADDRESS must be an e-mail address, not {address!r}.",
                hint="For example no-reply@learn.example.org.",
                id="pathways_core.E002",
            )
        )
    base_url = app_settings.PATHWAYS_BASE_URL
    parts = urlsplit(base_url) if isinstance(base_url, str) else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or base_url.endswith("/")
    ):
        errors.append(
            Error(
                f"PATHWAYS_BASE_URL must be the site's full http:// or https:// address, without "
                f"a slash at the end, not {base_url!r}.",
                hint="For example https://learn.example.org.",
                id="pathways_core.E003",
            )
        )
    for name in _site_setting_names():
        if name not in app_settings.DEFAULTS:
            close = difflib.get_close_matches(name, app_settings.DEFAULTS, n=1)
            errors.append(
                CheckWarning(
                    f"{name} is not a Pathways setting: it changes nothing.",
                    hint=f"Did you mean {close[0]}?"
                    if close
                    else "See the README's settings reference.",
                    id="pathways_core.W001",
                )
            )
    return errors


@register()
def check_background_settings(app_configs, **kwargs) -> list[CheckMessage]:
    """The background work's settings: how long before an abandoned task is queued again, and
    when each periodic task runs (``lms/core/schedule.py``)."""
    errors = whole_number_errors(
        "PATHWAYS_TASK_STALE_MINUTES", minimum=1, check_id="pathways_core.E004"
    )
    chosen = app_settings.PATHWAYS_SCHEDULE
    if not isinstance(chosen, dict):
        return [
            *errors,
            Error(
                f"PATHWAYS_SCHEDULE must be a mapping of periodic task names to times, not "
                f"{chosen!r}.",
                hint='For example {"purge_expired": "02:00", "send_due_notices": None}.',
                id="pathways_core.E005",
            ),
        ]
    known = {periodic.name for periodic in registered_tasks()}
    for name, when in chosen.items():
        if name not in known:
            errors.append(
                CheckWarning(
                    f"PATHWAYS_SCHEDULE names {name!r}, which is not a periodic task: it changes "
                    "nothing.",
                    hint="Known periodic tasks: " + ", ".join(sorted(known)) + ".",
                    id="pathways_core.W002",
                )
            )
        try:
            parse_when(when)
        except ValueError as error:
            errors.append(
                Error(
                    f"PATHWAYS_SCHEDULE[{name!r}]: {error}.",
                    hint='"HH:MM" runs it daily, ":MM" hourly, None never.',
                    id="pathways_core.E005",
                )
            )
    return errors
