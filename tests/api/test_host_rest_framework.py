"""The API answers a host site exactly as it answers the standalone site, whatever the host's own
``REST_FRAMEWORK`` and ``SPECTACULAR_SETTINGS`` say: Pathways' views carry their own DRF
configuration (``api/base_views.py``, ``api/schema_views.py``) and leave the host's to its own
APIs.

``host_site`` makes the test site look like a host that set its own defaults before anything was
imported. ``override_settings`` changes the settings and DRF reloads ``api_settings`` (its
``setting_changed`` receiver), but DRF's views and drf-spectacular's took their defaults when they
were imported, so ``host_site`` hands those the host's values as well, as a host's start-up would
have. Two hosts: one with unusual defaults everywhere (XML-ish and browsable renderers, Basic
authentication, admins only, strict budgets of its own, its own exception handler, DRF's schema
class), and one with drf-spectacular and budgets for nothing.
"""

import base64
import json
import re
from contextlib import ExitStack, contextmanager
from typing import NamedTuple
from unittest import mock

from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import pytest
from drf_spectacular import views as spectacular_views
from drf_spectacular.settings import spectacular_settings
from rest_framework import generics, pagination, renderers, throttling
from rest_framework.authentication import BasicAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from pathways.api.throttling import throttle_rates
from pathways.certificates.issuance.codes import format_code
from tests.security.support import verified_token

pytestmark = pytest.mark.django_db


class HostXMLRenderer(renderers.BaseRenderer):
    media_type = "application/xml"
    format = "xml"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return f"<host>{data!r}</host>".encode()


def host_exception_handler(exc, context):
    return Response({"host_error": str(exc)}, status=418)


def host_preprocessing_hook(endpoints):
    return []


#: A host with unusual defaults for everything DRF lets a site set.
UNUSUAL_HOST = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.BasicAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "tests.api.test_host_rest_framework.HostXMLRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": "1/day", "anon": "1/day"},
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 1,
    "DEFAULT_FILTER_BACKENDS": ["rest_framework.filters.OrderingFilter"],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.QueryParameterVersioning",
    "DEFAULT_SCHEMA_CLASS": "rest_framework.schemas.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tests.api.test_host_rest_framework.host_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "NON_FIELD_ERRORS_KEY": "__all__",
    "URL_FORMAT_OVERRIDE": "as",
    "UNICODE_JSON": False,
    "COMPACT_JSON": False,
}

#: A host with an API of its own described by drf-spectacular, and no request budgets at all.
SPECTACULAR_HOST = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
HOST_SPECTACULAR_SETTINGS = {
    "TITLE": "The host's API",
    "VERSION": "2.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v2",
    "SERVE_INCLUDE_SCHEMA": True,
    "SERVE_PUBLIC": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAdminUser"],
    "SWAGGER_UI_DIST": "https://cdn.example.com/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "https://cdn.example.com/favicon.png",
    "REDOC_DIST": "https://cdn.example.com/redoc",
    "COMPONENT_SPLIT_REQUEST": False,
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "CAMELIZE_NAMES": True,
    "PREPROCESSING_HOOKS": ["tests.api.test_host_rest_framework.host_preprocessing_hook"],
    "POSTPROCESSING_HOOKS": [],
}

HOSTS = {
    "unusual": (UNUSUAL_HOST, {}),
    "spectacular": (SPECTACULAR_HOST, HOST_SPECTACULAR_SETTINGS),
}

#: What DRF's views read from REST_FRAMEWORK once, when rest_framework.views is imported.
VIEW_DEFAULTS = {
    "renderer_classes": "DEFAULT_RENDERER_CLASSES",
    "parser_classes": "DEFAULT_PARSER_CLASSES",
    "authentication_classes": "DEFAULT_AUTHENTICATION_CLASSES",
    "throttle_classes": "DEFAULT_THROTTLE_CLASSES",
    "permission_classes": "DEFAULT_PERMISSION_CLASSES",
    "content_negotiation_class": "DEFAULT_CONTENT_NEGOTIATION_CLASS",
    "metadata_class": "DEFAULT_METADATA_CLASS",
    "versioning_class": "DEFAULT_VERSIONING_CLASS",
}
_MISSING = object()


@contextmanager
def host_site(rest_framework: dict, spectacular: dict):
    """The site as a host with these settings of its own would have started up."""
    with ExitStack() as stack:
        stack.enter_context(
            override_settings(REST_FRAMEWORK=rest_framework, SPECTACULAR_SETTINGS=spectacular)
        )
        # DRF reloaded api_settings when the setting changed...
        assert api_settings.user_settings == rest_framework
        for name, value in rest_framework.items():
            if name not in api_settings.import_strings:
                assert getattr(api_settings, name) == value, name

        # ...and what DRF's classes read at import, they read from a host's settings at start-up.
        def bind(target, name, value):
            stack.enter_context(mock.patch.object(target, name, value))

        for name, setting in VIEW_DEFAULTS.items():
            bind(APIView, name, getattr(api_settings, setting))
        bind(generics.GenericAPIView, "filter_backends", api_settings.DEFAULT_FILTER_BACKENDS)
        bind(generics.GenericAPIView, "pagination_class", api_settings.DEFAULT_PAGINATION_CLASS)
        bind(pagination.PageNumberPagination, "page_size", api_settings.PAGE_SIZE)
        bind(renderers.JSONRenderer, "ensure_ascii", not api_settings.UNICODE_JSON)
        bind(renderers.JSONRenderer, "compact", api_settings.COMPACT_JSON)
        bind(throttling.SimpleRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)

        # drf-spectacular reads SPECTACULAR_SETTINGS once, and its views' defaults from it.
        previous = vars(spectacular_settings).get("_user_settings", _MISSING)
        spectacular_settings.reload()
        spectacular_settings._user_settings = spectacular

        def restore():
            spectacular_settings.reload()
            if previous is not _MISSING:
                spectacular_settings._user_settings = previous

        stack.callback(restore)
        assert spectacular.get("TITLE", "") == spectacular_settings.TITLE
        for view in (
            spectacular_views.SpectacularAPIView,
            spectacular_views.SpectacularSwaggerView,
            spectacular_views.SpectacularRedocView,
        ):
            bind(view, "permission_classes", spectacular_settings.SERVE_PERMISSIONS)
            bind(
                view,
                "authentication_classes",
                spectacular_settings.SERVE_AUTHENTICATION
                or api_settings.DEFAULT_AUTHENTICATION_CLASSES,
            )
        bind(
            spectacular_views.SpectacularAPIView, "serve_public", spectacular_settings.SERVE_PUBLIC
        )
        cache.clear()
        yield
    cache.clear()


@pytest.fixture(params=list(HOSTS))
def host(request):
    rest_framework, spectacular = HOSTS[request.param]
    return lambda: host_site(rest_framework, spectacular)


# The host's own views get the host's settings ---------------------------------------------------


def test_the_hosts_own_drf_views_get_the_hosts_settings():
    class HostView(APIView):
        def get(self, request):
            return Response({"ok": True})

    with host_site(*HOSTS["unusual"]):
        view = HostView()
        assert [type(a) for a in view.get_authenticators()] == [BasicAuthentication]
        assert view.get_exception_handler() is host_exception_handler
        response = HostView.as_view()(APIRequestFactory().get("/host/"))
        assert response.status_code == 418  # IsAdminUser refused, the host's handler answered
        assert response.data == {"host_error": "Authentication credentials were not provided."}


# Pathways' views keep their own -----------------------------------------------------------------


def _api_views() -> set[type]:
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
                yield pattern.callback.cls

    api = get_resolver().namespace_dict["api"][1]
    return set(walk(api.url_patterns))


def _configuration(view_class) -> dict:
    view = view_class()
    return {
        **{name: getattr(view_class, name) for name in VIEW_DEFAULTS},
        "filter_backends": getattr(view_class, "filter_backends", None),
        "pagination_class": getattr(view_class, "pagination_class", None),
        "schema": type(view.schema),
        "exception_handler": view.get_exception_handler(),
        "format_override": view.get_content_negotiator().settings.URL_FORMAT_OVERRIDE,
        "json": [
            (r.ensure_ascii, r.compact, r.strict)
            for r in view.get_renderers()
            if isinstance(r, renderers.JSONRenderer)
        ],
    }


def test_every_api_view_keeps_its_own_configuration_in_a_host(host):
    views = _api_views()
    assert len(views) >= 25
    alone = {view: _configuration(view) for view in views}
    with host():
        assert {view: _configuration(view) for view in views} == alone


# The same answers -------------------------------------------------------------------------------


@pytest.fixture
def world(participant, password, facilitator, employer_key, shared_certificate):
    _, raw_key = employer_key
    basic = base64.b64encode(f"{participant.username}:{password}".encode()).decode()
    return {
        "token": f"Token {Token.objects.create(user=participant).key}",
        "basic": f"Basic {basic}",
        "bearer": f"Bearer {raw_key}",
        "facilitator": f"Token {Token.objects.create(user=facilitator).key}",
        "verified_facilitator": f"Token {verified_token(facilitator).key}",
        "code": format_code(shared_certificate.certificate.verification_code),
        "username": participant.username,
    }


class Call(NamedTuple):
    """What a client may send."""

    method: str
    path: str
    authorization: str | None = None
    body: str = ""
    content_type: str = ""
    accept: str | None = None


def _calls(world) -> list[Call]:
    me = reverse("api:me")
    token = reverse("api:auth-token")
    credentials = reverse("api:employer-credential-list")
    credential = reverse("api:employer-credential-detail", args=[world["code"]])
    staff = reverse("api:staff-cohort-list")
    person, employer, basic = world["token"], world["bearer"], world["basic"]
    json_body = "application/json"
    wrong = f'{{"username": "{world["username"]}", "password": "wrong"}}'
    return [
        Call("get", me),
        Call("get", me, person),
        Call("get", me, basic),
        Call("get", me, person, accept="application/xml"),
        Call("get", me + "?as=xml", person),
        Call("get", me + "?format=json", person),
        Call("options", me, person),
        Call("get", reverse("api:my-certificates"), person),
        Call("get", reverse("api:my-release-list"), person),
        Call("get", credentials, employer),
        Call("get", credentials + "?page_size=1&ordering=-id&limit=5", employer),
        Call("get", credentials + "?issued_after=nope", employer),
        Call("get", credentials, person),
        Call("get", credentials, "Bearer pwk_wrong_key"),
        Call("get", credentials, basic),
        Call("get", credential, employer),
        Call("get", credential.replace(world["code"], "AAAA"), employer),
        Call("get", reverse("api:employer-release-list"), employer),
        Call("get", reverse("api:verify", args=[world["code"]])),
        Call("get", reverse("api:verify", args=["AAAA"])),
        Call("get", staff, world["facilitator"]),
        Call("get", staff, world["verified_facilitator"]),
        Call("get", staff, person),
        Call("post", token, body=wrong, content_type=json_body),
        Call("post", token, body="[]", content_type=json_body),
        Call("post", token, body="{", content_type=json_body),
        Call(
            "post", token, body='{"username": "a", "password": "b", "x": 1}', content_type=json_body
        ),
        Call(
            "post",
            token,
            body="username=a&password=b",
            content_type="application/x-www-form-urlencoded",
        ),
        Call("get", me.replace("me/", "no/such/")),
    ]


def _answer(client, call: Call) -> tuple:
    headers = {}
    if call.authorization:
        headers["HTTP_AUTHORIZATION"] = call.authorization
    if call.accept:
        headers["HTTP_ACCEPT"] = call.accept
    response = client.generic(
        call.method.upper(), call.path, call.body, content_type=call.content_type, **headers
    )
    return (
        response.status_code,
        response.get("Content-Type"),
        response.get("WWW-Authenticate"),
        response.get("Cache-Control"),
        response.get("Allow"),
        response.content,
    )


def test_the_api_answers_a_host_exactly_as_it_answers_alone(host, world):
    client = Client()
    calls = _calls(world)
    alone = [_answer(client, call) for call in calls]
    # The calls cover every kind of answer: success, each refusal, each kind of bad input.
    assert {answer[0] for answer in alone} >= {200, 400, 401, 403, 404, 406, 415}
    with host():
        in_host = [_answer(client, call) for call in calls]
    for call, expected, answer in zip(calls, alone, in_host, strict=True):
        assert answer == expected, call


def test_non_field_errors_keep_their_name_in_a_host(world):
    with host_site(*HOSTS["unusual"]):
        response = Client().post(reverse("api:auth-token"), "[]", content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["non_field_errors"]


# Request budgets --------------------------------------------------------------------------------


def test_request_budgets_come_from_pathways_settings_in_a_host(host, world, settings):
    settings.PATHWAYS_API_THROTTLE_RATES = dict.fromkeys(
        ["employer_key", "user", "anon"], "2/minute"
    )
    me = reverse("api:me")
    credentials = reverse("api:employer-credential-list")
    token = reverse("api:auth-token")

    def budgets(client):
        cache.clear()
        calls = [
            lambda: client.get(me, HTTP_AUTHORIZATION=world["token"]),
            lambda: client.get(credentials, HTTP_AUTHORIZATION=world["bearer"]),
            lambda: client.post(token, {}, content_type="application/json"),
        ]
        answers = [[call() for _ in range(3)] for call in calls]
        return [
            ([r.status_code for r in rs], rs[-1].json(), rs[-1].get("Retry-After"))
            for rs in answers
        ]

    client = Client()
    alone = budgets(client)
    assert [statuses for statuses, _, _ in alone] == [[200, 200, 429]] * 2 + [[400, 400, 429]]
    assert {body["error"]["code"] for _, body, _ in alone} == {"throttled"}
    assert all(retry_after for _, _, retry_after in alone)
    with host():
        assert budgets(client) == alone


def test_the_default_budgets_apply_to_a_host_that_sets_none(world, settings):
    del settings.PATHWAYS_API_THROTTLE_RATES
    with host_site(*HOSTS["spectacular"]):
        assert throttle_rates() == {
            "employer_key": "600/minute",
            "user": "300/minute",
            "anon": "60/minute",
        }
        settings.PATHWAYS_API_THROTTLE_RATES = {"user": "1/minute"}
        assert throttle_rates()["user"] == "1/minute"
        assert throttle_rates()["anon"] == "60/minute"
        client = Client()
        statuses = [
            client.get(reverse("api:me"), HTTP_AUTHORIZATION=world["token"]).status_code
            for _ in range(2)
        ]
        assert statuses == [200, 429]


# The schema and its pages -----------------------------------------------------------------------


def _schema(client) -> bytes:
    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    return response.content


DOCUMENTATION = {"schema", "docs", "redoc"}


def _routes() -> set[tuple[str, str]]:
    """(path, method) of every operation the API's URLs serve."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif hasattr(pattern.callback, "cls") and pattern.name not in DOCUMENTATION:
                view = pattern.callback.cls
                for method in view.http_method_names:
                    if method not in ("options", "head") and hasattr(view, method):
                        yield re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), method

    root = reverse("api:schema").removesuffix("schema/")
    api = get_resolver().namespace_dict["api"][1]
    return set(walk(api.url_patterns, root))


def test_the_schema_is_the_same_in_a_host_and_lists_every_operation(host):
    client = Client()
    alone = _schema(client)
    with host():
        in_host = _schema(client)
    assert in_host == alone
    document = json.loads(in_host)
    assert document["info"]["title"] == "Pathways API"
    operations = {
        (path, method) for path, methods in document["paths"].items() for method in methods
    }
    assert operations == _routes()


@pytest.mark.parametrize("name", ["api:docs", "api:redoc"])
def test_the_documentation_pages_are_the_same_in_a_host(host, name):
    client = Client()
    alone = client.get(reverse(name))
    with host():
        in_host = client.get(reverse(name))
    assert in_host.status_code == alone.status_code == 200
    for response in (alone, in_host):
        page = response.content.decode()
        assert "cdn." not in page and "<title>Pathways API</title>" in page
        assert "drf_spectacular_sidecar" in page


@pytest.mark.urls("tests.host_urls")
def test_under_a_hosts_prefix_with_its_own_settings(host, world):
    with host():
        client = Client()
        response = client.get(
            "/learning/api/v1/employer/credentials/", HTTP_AUTHORIZATION=world["bearer"]
        )
        assert response.status_code == 200
        assert response.json()["count"] == 1
        document = json.loads(_schema(client))
    assert set(document["paths"]) == {path for path, _ in _routes()}
    assert all(path.startswith("/learning/api/v1/") for path in document["paths"])
