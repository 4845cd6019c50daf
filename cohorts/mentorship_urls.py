"""Mentorship pages for mentors and mentees (namespace ``mentoring``)."""

app_name = "mentoring"

urlpatterns: list = []
