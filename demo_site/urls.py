from django.conf import settings
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from demo_site import views
from pathways.api.errors import not_found_view as api_not_found
from pathways.lms.core import urls as pathways_urls

urlpatterns = [
    path("", views.home, name="home"),
    # All of Pathways, at the root: the same as include("pathways.lms.core.urls") at "", which a
    # host site writes with a prefix of its own ("learning/", tests/host_urls.py).
    *pathways_urls.urlpatterns,
    # Liveness and readiness for load balancers and supervisors (pathways/lms/core/health.py).
    path("health/", include("pathways.lms.core.health_urls")),
    # Any other address under /api/ (another version, a typo) answers in the API's JSON too.
    re_path(r"^api/", api_not_found),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
