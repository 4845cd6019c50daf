"""System checks: the API's settings must hold values that work (``lms/core/app_settings.py``),
and, at deploy, its schema must be made without a problem."""

import re

from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning
from django.urls import NoReverseMatch, reverse

from pathways.api.throttling import SETTING as THROTTLE_RATES
from pathways.lms.core import app_settings
from pathways.lms.core.checks import whole_number_errors

#: What DRF's throttles read: a number of requests, "/", then a period by its first letter.
RATE = re.compile(r"[1-9][0-9]*/(s|m|h|d)[a-z]*")


@register()
def check_api_settings(app_configs, **kwargs):
    return [
        *whole_number_errors("PATHWAYS_API_TOKEN_HOURS", minimum=1, check_id="pathways_api.E001"),
        *whole_number_errors("PATHWAYS_API_MAX_BODY", minimum=1, check_id="pathways_api.E002"),
        *throttle_rate_errors(),
    ]


def _is_rate(rate) -> bool:
    return rate is None or isinstance(rate, str) and RATE.fullmatch(rate) is not None


def throttle_rate_errors():
    rates = getattr(app_settings, THROTTLE_RATES)
    kinds = app_settings.DEFAULTS[THROTTLE_RATES]
    if isinstance(rates, dict):
        wrong = [
            f"{kind!r}: {rate!r}"
            for kind, rate in rates.items()
            if kind not in kinds or not _is_rate(rate)
        ]
    else:
        wrong = [repr(rates)]
    if not wrong:
        return []
    return [
        Error(
            f"{THROTTLE_RATES} must map {', '.join(map(repr, kinds))} to a rate such as "
            f"'60/minute' or to None (no limit); not {', '.join(wrong)}.",
            hint=f"Leave out a kind, or the whole setting, for the default: {kinds!r}.",
            id="pathways_api.E003",
        )
    ]


@register(deploy=True)
def check_api_schema(app_configs, **kwargs):
    """The schema as ``schema_views.SchemaView`` makes it, with Pathways' own drf-spectacular
    settings: drf-spectacular's own deploy check makes the whole site's, with the site's."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import patched_settings

    from pathways.api.schema import schema_settings

    try:
        reverse("api:schema")
    except NoReverseMatch:  # the site has not mounted Pathways' URLs
        return []
    try:
        with GENERATOR_STATS.silence(), patched_settings(schema_settings()):
            SchemaGenerator().get_schema(request=None, public=True)
    except Exception as error:  # noqa: BLE001 - told as a check error, like drf-spectacular's own
        return [Error(f"The API's schema cannot be made: {error!r}.", id="pathways_api.E004")]
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    return [
        CheckWarning(f"The API's schema: {problem}", id="pathways_api.W001") for problem in problems
    ]
