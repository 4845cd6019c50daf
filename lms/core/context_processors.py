"""Template context every page needs: the neutral brand, the exit destination, and the time zone
the page's times are shown in (named once on pages that list times)."""

from django.utils.functional import SimpleLazyObject

from pathways.lms.core import app_settings
from pathways.lms.core.time_zones import current_time_zone_name


def pathways(request):
    return {
        "brand_name": app_settings.PATHWAYS_BRAND_NAME,
        "exit_url": app_settings.PATHWAYS_EXIT_URL,
        "time_zone_name": SimpleLazyObject(current_time_zone_name),
    }
