"""Cohort pages for participants and facilitators (namespace ``cohorts``)."""

app_name = "cohorts"

urlpatterns: list = []
