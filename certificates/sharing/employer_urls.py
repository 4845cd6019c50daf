"""URLs (namespace ``employer``): a partner employer's web pages for the credentials shared
with it."""

from django.urls import path

from pathways.certificates.sharing import employer_views as views

app_name = "employer"

urlpatterns = [
    path("", views.credential_list, name="credentials"),
    path("shared/", views.releases, name="releases"),
    path("credentials/<str:code>/", views.credential_detail, name="credential"),
    path("credentials/<str:code>/pdf/", views.credential_pdf, name="pdf"),
    path("credentials/<str:code>/credential.json", views.credential_badge, name="badge"),
]
