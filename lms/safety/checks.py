"""System checks: the safety settings must make sense before the site serves anyone.

The standalone settings refuse a bad ``PATHWAYS_EXIT_URL`` from the environment; these checks
also catch values a host site sets in its own settings file. They read the values the app reads
(``lms/core/app_settings.py``): a setting left out has its default, which passes.
"""

from django.core.checks import Error, register
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from pathways.lms.core import app_settings

_exit_url_validator = URLValidator(schemes=["http", "https"])


def exit_url_is_valid(value) -> bool:
    """Whether ``value`` is a full http(s) address the exit can redirect to."""
    if not isinstance(value, str):
        return False
    try:
        _exit_url_validator(value)
    except ValidationError:
        return False
    return True


@register()
def check_safety_settings(app_configs, **kwargs):
    errors = []
    if not exit_url_is_valid(app_settings.PATHWAYS_EXIT_URL):
        errors.append(
            Error(
                "PATHWAYS_EXIT_URL must be a full http:// or https:// address.",
                hint="For example https://www.bbc.co.uk/weather: an everyday, neutral site.",
                id="pathways_safety.E001",
            )
        )
    idle = app_settings.PATHWAYS_SESSION_IDLE_MINUTES
    absolute = app_settings.PATHWAYS_SESSION_ABSOLUTE_HOURS
    warning = app_settings.PATHWAYS_SESSION_WARNING_SECONDS
    idle_ok = isinstance(idle, int) and idle >= 1
    if not idle_ok:
        errors.append(
            Error("PATHWAYS_SESSION_IDLE_MINUTES must be 1 or more.", id="pathways_safety.E002")
        )
    if not (isinstance(absolute, int) and absolute >= 1):
        errors.append(
            Error("PATHWAYS_SESSION_ABSOLUTE_HOURS must be 1 or more.", id="pathways_safety.E003")
        )
    if idle_ok and not (isinstance(warning, int) and 0 < warning < idle * 60):
        errors.append(
            Error(
                "PATHWAYS_SESSION_WARNING_SECONDS must be more than 0 and less than the idle "
                "limit.",
                id="pathways_safety.E004",
            )
        )
    file_views = app_settings.PATHWAYS_SAFETY_NOTICE_FILE_VIEWS
    if isinstance(file_views, str) or not (
        isinstance(file_views, list | tuple | set | frozenset)
        and all(isinstance(name, str) for name in file_views)
    ):
        errors.append(
            Error(
                f"PATHWAYS_SAFETY_NOTICE_FILE_VIEWS must be a list of URL names, not "
                f"{file_views!r}.",
                hint='For example ["documents:serve"].',
                id="pathways_safety.E005",
            )
        )
    return errors
