"""The API's OpenAPI schema and its two documentation pages, open to anyone.

drf-spectacular's views read ``SPECTACULAR_SETTINGS`` and ``REST_FRAMEWORK`` for who may see them
and how the schema is made; these read neither: the schema is made with ``schema.schema_settings``
and the pages load their scripts from this site (drf-spectacular-sidecar), whatever the host sets.
"""

from drf_spectacular import renderers
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.permissions import AllowAny
from rest_framework.renderers import TemplateHTMLRenderer

from pathways.api.base_views import JSONOptions, PathwaysAPIMixin
from pathways.api.schema import extend_schema, schema_settings


class OpenApiJsonRenderer(JSONOptions, renderers.OpenApiJsonRenderer):
    pass


class OpenApiJsonRenderer2(JSONOptions, renderers.OpenApiJsonRenderer2):
    pass


class OpenToAnyone(PathwaysAPIMixin):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class SchemaView(OpenToAnyone, SpectacularAPIView):
    """The schema, as YAML or (``?format=json``) JSON."""

    renderer_classes = [
        renderers.OpenApiYamlRenderer,
        renderers.OpenApiYamlRenderer2,
        OpenApiJsonRenderer,
        OpenApiJsonRenderer2,
    ]
    generator_class = SchemaGenerator
    serve_public = True
    urlconf = None
    api_version = None

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        self.custom_settings = schema_settings()
        return super().get(request, *args, **kwargs)


class DocumentationPage(OpenToAnyone):
    renderer_classes = [TemplateHTMLRenderer]
    url_name = "api:schema"
    title = "Pathways API"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with patched_settings(schema_settings()):
            return super().get(request, *args, **kwargs)


class SwaggerView(DocumentationPage, SpectacularSwaggerView):
    """Swagger UI."""


class RedocView(DocumentationPage, SpectacularRedocView):
    """ReDoc."""
