"""Cohort pages for participants and facilitators (namespace ``cohorts``)."""

from django.urls import path

from pathways.cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("", views.facilitated_list, name="list"),
    path("mine/", views.my_cohorts, name="mine"),
    path("mine/join/<int:cohort_id>/", views.join, name="join"),
    path("mine/<int:membership_id>/accept/", views.accept_invitation, name="accept"),
    path("mine/<int:membership_id>/decline/", views.decline_invitation, name="decline"),
    path("mine/<int:membership_id>/leave/", views.leave, name="leave"),
    path("<int:cohort_id>/", views.cohort_detail, name="detail"),
    path(
        "<int:cohort_id>/sessions/<int:session_id>/attendance/",
        views.take_attendance,
        name="attendance",
    ),
    path(
        "<int:cohort_id>/sessions/<int:session_id>/attendance/everyone-present/",
        views.mark_all_present,
        name="mark_all_present",
    ),
]
