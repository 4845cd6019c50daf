"""Template context every page needs: the neutral brand and the exit destination."""

from pathways.lms.core import app_settings


def pathways(request):
    return {
        "brand_name": app_settings.PATHWAYS_BRAND_NAME,
        "exit_url": app_settings.PATHWAYS_EXIT_URL,
    }
