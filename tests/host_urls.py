"""A host Wagtail site's URLs (tests/test_url_prefix.py): its own pages and API, and all of
Pathways mounted once under ``learning/`` in front of Wagtail's catch-all, as the README tells a
host to write it."""

from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls


def host_page(request):
    return HttpResponse("The host's own page.")


def host_api(request):
    return JsonResponse({"host": True})


# As `wagtail start` writes them (with a page and an API of the host's own)...
urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("about/", host_page, name="about"),
    path("api/v2/pages/", host_api, name="host_api"),
    path("", include(wagtail_urls)),
]

# ...and the one line a host adds.
urlpatterns = [path("learning/", include("pathways.lms.core.urls"))] + urlpatterns
