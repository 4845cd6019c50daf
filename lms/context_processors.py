"""Template context every page needs: the neutral brand and the exit destination."""

from django.conf import settings


def pathways(request):
    return {
        "brand_name": settings.PATHWAYS_BRAND_NAME,
        "exit_url": settings.PATHWAYS_EXIT_URL,
    }
