from django.urls import path

from pathways.lms.safety import views

app_name = "safety"

urlpatterns = [
    path("", views.SafetyNoticeView.as_view(), name="notice"),
    path("exit/", views.exit_page, name="exit"),
    path("session/", views.session_status, name="session_status"),
    path("session/extend/", views.session_extend, name="session_extend"),
]
