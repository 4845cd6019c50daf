"""What every API view is configured with, whatever the host site's ``REST_FRAMEWORK`` says.

DRF gives a view its authentication, permissions, parsers, renderers, throttles, content
negotiation, pagination, filters, schema and exception handler from ``REST_FRAMEWORK``, and reads
most of them once, when ``rest_framework.views`` is imported. A site that installs Pathways keeps
its own ``REST_FRAMEWORK`` for its own APIs (a Wagtail API v2, for one), so Pathways' views name
each of these themselves, through :class:`PathwaysAPIMixin`, and read nothing from it. Request
budgets come from ``PATHWAYS_API_THROTTLE_RATES`` (``api/throttling.py``).

- Employer API clients: ``Authorization: Bearer <key>``; people's apps: ``Authorization: Token
  <token>``; the site's own pages: the session (with CSRF). Views for people or employers narrow
  this down (``person_views.PersonEndpoint``, ``employer_views.EmployerAPIView``).
- Default deny: a signed-in person unless the view names its own permission.
- JSON in (``parsers.LimitedJSONParser``), JSON out, one error format (``errors``).
"""

from django.contrib.auth.models import AnonymousUser

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, generics, renderers
from rest_framework.authentication import SessionAuthentication
from rest_framework.metadata import SimpleMetadata
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import DEFAULTS, IMPORT_STRINGS, APISettings
from rest_framework.views import APIView

from pathways.api.authentication import EmployerKeyAuthentication, ParticipantTokenAuthentication
from pathways.api.errors import exception_handler
from pathways.api.pagination import PagePagination
from pathways.api.parsers import LimitedJSONParser
from pathways.api.permissions import IsSignedInPerson
from pathways.api.schema import PathwaysAutoSchema
from pathways.api.throttling import PerClientThrottle

#: DRF's own defaults plus Pathways' exception handler, never the host's ``REST_FRAMEWORK``: what
#: a view and its content negotiation read from ``self.settings`` at request time (the exception
#: handler, ``?format=``, view names). Nothing reloads it when the host's settings change.
API_SETTINGS = APISettings(
    user_settings={"EXCEPTION_HANDLER": "pathways.api.errors.exception_handler"},
    defaults=DEFAULTS,
    import_strings=IMPORT_STRINGS,
)


class JSONOptions:
    """JSON as DRF writes it by default (UTF-8, compact, no NaN), whatever the host's
    ``UNICODE_JSON``, ``COMPACT_JSON`` and ``STRICT_JSON`` say: first in a JSON renderer's bases."""

    ensure_ascii = False
    compact = True
    strict = True


class JSONRenderer(JSONOptions, renderers.JSONRenderer):
    pass


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with ``?format=`` as the format override whatever the host's
    ``URL_FORMAT_OVERRIDE`` says."""

    settings = API_SETTINGS


class PathwaysAPIMixin:
    """Put first in the bases of every API view: its whole DRF configuration."""

    authentication_classes = [
        EmployerKeyAuthentication,
        ParticipantTokenAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [IsSignedInPerson]
    parser_classes = [LimitedJSONParser]
    renderer_classes = [JSONRenderer]
    throttle_classes = [PerClientThrottle]
    content_negotiation_class = ContentNegotiation
    metadata_class = SimpleMetadata
    versioning_class = None
    filter_backends = [DjangoFilterBackend]
    pagination_class = PagePagination
    schema = PathwaysAutoSchema()
    settings = API_SETTINGS

    def get_exception_handler(self):
        return exception_handler

    def perform_authentication(self, request):
        """Nobody signed in is Django's anonymous user, as DRF has it by default, whatever the
        host's ``UNAUTHENTICATED_USER`` and ``UNAUTHENTICATED_TOKEN`` say."""
        try:
            super().perform_authentication(request)
        except exceptions.APIException:  # refused credentials: the error answer still reads it
            request.user, request.auth = AnonymousUser(), None
            raise
        if request.successful_authenticator is None:
            request.user, request.auth = AnonymousUser(), None


class PathwaysAPIView(PathwaysAPIMixin, APIView):
    pass


class PathwaysGenericAPIView(PathwaysAPIMixin, generics.GenericAPIView):
    pass
