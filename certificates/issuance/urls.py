"""URLs (namespace ``certificates``): a participant's own certificates and their files, and her
sharing of them with employers."""

from django.urls import path

from pathways.certificates.issuance import views
from pathways.certificates.sharing import views as sharing_views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("<int:certificate_id>/pdf/", views.certificate_pdf, name="pdf"),
    path("<int:certificate_id>/credential.json", views.certificate_credential, name="credential"),
    path("<int:certificate_id>/name/", views.certificate_name, name="name"),
    path("sharing/", sharing_views.sharing, name="sharing"),
    path("sharing/new/", sharing_views.share, name="share"),
    path("sharing/<int:release_id>/stop/", sharing_views.sharing_stop, name="sharing_stop"),
    path("sharing/seen/", sharing_views.seen, name="seen"),
]
