"""A host Wagtail site's URLs for tests/security/test_host_site_policies.py: its own page (which
also takes a form) and API, Wagtail's admin and pages, and all of Pathways under ``learning/``."""

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls


def host_page(request):
    get_token(request)  # as a page with a form would
    return HttpResponse("The host's own page.")


def host_api(request):
    return JsonResponse({"host": True})


urlpatterns = [
    path("learning/", include("pathways.lms.core.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("about/", host_page, name="about"),
    path("api/v2/pages/", host_api, name="host_api"),
    path("", include(wagtail_urls)),
]
