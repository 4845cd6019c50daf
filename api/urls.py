"""Version 1 of the API, at ``api/v1/`` under wherever the site mounted Pathways (lms/core/urls.py):
``/api/v1/`` in the standalone site. A later version gets its own module and prefix.

Everything below that root is in the ``api`` namespace, unknown paths too (the last pattern), which
is how the site's middleware tells an API request from a page (``core.middleware.is_api_request``).
"""

from django.urls import include, path, re_path

from pathways.api.errors import not_found_view
from pathways.api.schema_views import RedocView, SchemaView, SwaggerView

app_name = "api"

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(), name="docs"),
    path("redoc/", RedocView.as_view(), name="redoc"),
    path("", include("pathways.api.employer_urls")),
    path("", include("pathways.api.person_urls")),
    path("", include("pathways.api.staff_urls")),
    path("", include("pathways.api.public_urls")),
    re_path(r"^[\s\S]*$", not_found_view),  # any path, newlines included
]
