"""Notices pages (namespace ``notices``): her list, opening one, marking all as read."""

from django.urls import path

from pathways.lms.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:notice_id>/", views.notice_open, name="open"),
    path("read/", views.notices_read, name="read_all"),
]
