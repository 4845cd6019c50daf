"""API routes for partner employers' systems (Authorization: Bearer <key>)."""

from django.urls import path

from pathways.api import employer_views as views

urlpatterns = [
    path(
        "employer/credentials/",
        views.CredentialListView.as_view(),
        name="employer-credential-list",
    ),
    path(
        "employer/credentials/<str:code>/",
        views.CredentialDetailView.as_view(),
        name="employer-credential-detail",
    ),
    path(
        "employer/credentials/<str:code>/pdf/",
        views.CredentialPdfView.as_view(),
        name="employer-credential-pdf",
    ),
    path(
        "employer/credentials/<str:code>/credential/",
        views.CredentialBadgeView.as_view(),
        name="employer-credential-badge",
    ),
    path("employer/releases/", views.ReleaseListView.as_view(), name="employer-release-list"),
]
