"""Time zones: the ones a person may choose, and the one a page is shown in.

Each person may choose her own time zone in her settings (``Profile.time_zone``); without a
choice, pages follow the site's ``TIME_ZONE``. ``UserLanguageMiddleware`` activates it for each
request to Pathways' pages, so every date and time a template prints is in her zone, and pages
that list times name the zone once (``pathways/includes/time_zone_note.html``).
"""

import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Names the system's time zone database has that are not places: the machine's own zone, and a
# placeholder for "not set".
_NOT_PLACES = frozenset({"localtime", "Factory"})


@lru_cache(maxsize=1)
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - _NOT_PLACES


def is_time_zone(value: str) -> bool:
    return bool(value) and value in available_time_zones()


def validate_time_zone(value: str) -> None:
    """A time zone's IANA name ("Europe/London"), or blank for the site's own."""
    if value and not is_time_zone(value):
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def time_zone_choices() -> list[tuple[str, str]]:
    """Every zone by its place name ("America/New_York"), sorted, and UTC; the "Etc/" offsets
    and legacy aliases ("US/Pacific") are left out."""
    zones = sorted(
        zone
        for zone in available_time_zones()
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return [(zone, zone.replace("_", " ")) for zone in ["UTC", *zones]]


def site_time_zone_name() -> str:
    return settings.TIME_ZONE or "UTC"


def current_time_zone_name() -> str:
    """The zone dates and times are shown in for this request."""
    return timezone.get_current_timezone_name()
