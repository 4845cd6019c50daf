"""URLs (namespace ``sharing``): a participant shares her certificates with employers, stops
sharing, and sees who looked. Mounted under her certificates (``certificates/sharing/``)."""

from django.urls import path

from pathways.certificates.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.sharing, name="list"),
    path("new/", views.share, name="share"),
    path("<int:release_id>/stop/", views.sharing_stop, name="stop"),
    path("seen/", views.seen, name="seen"),
]
