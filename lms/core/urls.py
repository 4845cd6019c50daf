"""All of Pathways under one prefix the host site chooses.

A host puts one line in front of Wagtail's catch-all::

    urlpatterns = [path("learning/", include("pathways.lms.core.urls"))] + urlpatterns

and the standalone project (demo_site/urls.py) includes it at "". Every page, the verification
pages, the credentials' issuer profiles and status lists, the employer portal and the API (with
its schema and docs) sit below that prefix, and every link and credential id is made with
``reverse``, so they follow it. There is no ``app_name`` here: each app keeps its own namespace
(``courses:``, ``api:``).

It lives in core, the bottom layer, like the base template that already links to every app by URL
name, and it names the apps' URL modules by dotted path only: core imports none of the apps above
it (the import contract in pyproject.toml), and Django loads them when it first resolves a URL.
"""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("pathways.lms.accounts.urls")),
    path("safety/", include("pathways.lms.safety.urls")),
    path("notices/", include("pathways.lms.notices.urls")),
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
    # The language switcher in every page's footer posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    # The Wagtail admin's second factor (pathways.lms.security), open before the code is given.
    path("admin/two-step/", include("pathways.lms.security.urls")),
]
