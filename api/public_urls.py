"""Public API routes: no authentication."""

from django.urls import path

from pathways.api import public_views

urlpatterns = [
    path("verify/<str:code>/", public_views.VerifyView.as_view(), name="verify"),
]
