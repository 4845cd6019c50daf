"""The Wagtail admin's second factor: its own pages, open before the second factor is passed.

Mounted at ``admin/two-step/`` in Pathways' URLconf (lms/core/urls.py): under the admin's address
in the standalone site, under the host's prefix for Pathways in a host site."""

from django.urls import path

from pathways.lms.security import views

app_name = "security"

urlpatterns = [
    path("set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("verify/", views.two_factor_verify, name="two_factor_verify"),
]
