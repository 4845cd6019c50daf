"""The second factor's own pages, mounted under the admin's address (see demo_site/urls.py) but open
before the second factor is passed."""

from django.urls import path

from pathways.lms.security import views

app_name = "security"

urlpatterns = [
    path("set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("verify/", views.two_factor_verify, name="two_factor_verify"),
]
