"""Version 1 of the API, under /api/v1/. A later version gets its own module and prefix."""

from django.urls import include, path, re_path

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from pathways.api.errors import not_found_view

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include("pathways.api.employer_urls")),
    path("", include("pathways.api.person_urls")),
    path("", include("pathways.api.staff_urls")),
    path("", include("pathways.api.public_urls")),
    re_path(r"^[\s\S]*$", not_found_view),  # any path, newlines included
]
