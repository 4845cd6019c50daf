from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from demo_site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("pathways.lms.accounts.urls")),
    path("safety/", include("pathways.lms.safety.urls")),
    path("learn/", include("pathways.courses.urls")),
    path("cohorts/", include("pathways.cohorts.urls")),
    path("mentoring/", include("pathways.mentoring.urls")),
    path("certificates/sharing/", include("pathways.certificates.sharing.urls")),
    path("certificates/", include("pathways.certificates.issuance.urls")),
    path("verify/", include("pathways.certificates.credentials.verify_urls")),
    path("credentials/", include("pathways.certificates.credentials.urls")),
    path("employer/", include("pathways.certificates.sharing.employer_urls")),
    path("privacy/", include("pathways.lms.privacy.urls")),
    path("api/v1/", include("pathways.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's second factor: under the admin's address, open before the code is given.
    path("admin/two-step/", include("pathways.lms.security.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
