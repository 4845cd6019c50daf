"""URLs (namespace ``certificates``): a participant's own certificates and their files."""

from django.urls import path

from pathways.certificates.issuance import views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("<int:certificate_id>/pdf/", views.certificate_pdf, name="pdf"),
    path("<int:certificate_id>/credential.json", views.certificate_credential, name="credential"),
    path("<int:certificate_id>/name/", views.certificate_name, name="name"),
]
