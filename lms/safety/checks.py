"""System checks: the safety settings must make sense before the site serves anyone.

The settings module refuses a bad ``PATHWAYS_EXIT_URL`` from the environment; these checks also
catch values a host site sets in its own settings file.
"""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

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
    if not exit_url_is_valid(getattr(settings, "PATHWAYS_EXIT_URL", None)):
        errors.append(
            Error(
                "PATHWAYS_EXIT_URL must be a full http:// or https:// address.",
                hint="For example https://www.bbc.co.uk/weather: an everyday, neutral site.",
                id="pathways_safety.E001",
            )
        )
    idle = getattr(settings, "PATHWAYS_SESSION_IDLE_MINUTES", 30)
    absolute = getattr(settings, "PATHWAYS_SESSION_ABSOLUTE_HOURS", 12)
    warning = getattr(settings, "PATHWAYS_SESSION_WARNING_SECONDS", 60)
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
    return errors
