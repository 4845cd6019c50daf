"""Mentorship pages for mentors and mentees (namespace ``mentoring``)."""

from django.urls import path

from pathways.mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("", views.mentor_dashboard, name="mentor_dashboard"),
    path("my-mentor/", views.my_mentor, name="my_mentor"),
    path("my-mentor/ask/<int:mentor_id>/", views.pairing_request, name="request"),
    path("pairings/<int:pairing_id>/", views.pairing_detail, name="pairing"),
    path("pairings/<int:pairing_id>/goals/", views.goal_add, name="goal_add"),
    path("pairings/<int:pairing_id>/goals/<int:goal_id>/", views.goal_update, name="goal_update"),
    path("pairings/<int:pairing_id>/check-ins/", views.checkin_log, name="checkin_log"),
    path("pairings/<int:pairing_id>/pause/", views.pairing_pause, name="pause"),
    path("pairings/<int:pairing_id>/resume/", views.pairing_resume, name="resume"),
    path("pairings/<int:pairing_id>/complete/", views.pairing_complete, name="complete"),
    path("pairings/<int:pairing_id>/end/", views.pairing_end, name="end"),
    path("pairings/<int:pairing_id>/accept/", views.pairing_accept, name="accept"),
    path("pairings/<int:pairing_id>/decline/", views.pairing_decline, name="decline"),
]
