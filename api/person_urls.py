"""API routes for people: signing an app in, a participant's own records, a mentor's mentees."""

from django.urls import path

from pathways.api import person_views as views

urlpatterns = [
    path("auth/token/", views.AuthTokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/enrolments/", views.MyEnrolmentsView.as_view(), name="my-enrolments"),
    path("me/certificates/", views.MyCertificatesView.as_view(), name="my-certificates"),
    path("me/employers/", views.EmployersView.as_view(), name="employers"),
    path("me/consent-text/", views.ConsentTextView.as_view(), name="consent-text"),
    path("me/releases/", views.MyReleaseListView.as_view(), name="my-release-list"),
    path(
        "me/releases/<int:release_id>/",
        views.MyReleaseDetailView.as_view(),
        name="my-release-detail",
    ),
    path(
        "me/releases/<int:release_id>/revoke/",
        views.MyReleaseRevokeView.as_view(),
        name="my-release-revoke",
    ),
    path("me/access-log/", views.MyAccessLogView.as_view(), name="my-access-log"),
    path("mentor/mentees/", views.MentorMenteesView.as_view(), name="mentor-mentees"),
    path(
        "mentor/mentees/<int:pairing_id>/",
        views.MentorMenteeDetailView.as_view(),
        name="mentor-mentee-detail",
    ),
]
