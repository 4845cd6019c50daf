"""API routes for programme staff and facilitators."""

from django.urls import path

from pathways.api import staff_views as views

urlpatterns = [
    path("staff/cohorts/", views.StaffCohortListView.as_view(), name="staff-cohort-list"),
    path(
        "staff/cohorts/<int:cohort_id>/",
        views.StaffCohortDetailView.as_view(),
        name="staff-cohort-detail",
    ),
    path(
        "staff/cohorts/<int:cohort_id>/memberships/",
        views.StaffCohortMembershipsView.as_view(),
        name="staff-cohort-memberships",
    ),
    path("staff/pairings/", views.StaffPairingListView.as_view(), name="staff-pairing-list"),
    path(
        "staff/certificates/issue/",
        views.StaffCertificateIssueView.as_view(),
        name="staff-certificate-issue",
    ),
    path(
        "staff/certificates/<int:certificate_id>/revoke/",
        views.StaffCertificateRevokeView.as_view(),
        name="staff-certificate-revoke",
    ),
]
