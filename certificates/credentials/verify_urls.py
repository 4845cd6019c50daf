"""URLs (namespace ``verify``): the public verification pages. ``code`` is the QR code target."""

from django.urls import path

from pathways.certificates.credentials import verify_views

app_name = "verify"

urlpatterns = [
    path("", verify_views.index, name="index"),
    path("<str:code>/", verify_views.certificate, name="code"),
]
