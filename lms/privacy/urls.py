from django.urls import path

from pathways.lms.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.your_data, name="your_data"),
]
