"""What every API response shares: the error format, token lifetime, no caching, the schema."""

from datetime import timedelta

from django.urls import reverse

import pytest
import time_machine
from rest_framework import serializers
from rest_framework.authtoken.models import Token

from pathways.api.errors import _flatten

pytestmark = pytest.mark.django_db


def test_unknown_api_paths_answer_404_in_the_error_format_for_any_method(api_client):
    for method, path in [("get", "/api/v1/no/such/"), ("post", "/api/v1/a%0Ab/"), ("delete", "/x")]:
        response = getattr(api_client, method)(path.replace("/x", "/api/v1/me/1/"))
        assert response.status_code == 404
        assert response.json() == {
            "error": {"status": 404, "code": "not_found", "message": "Not found."}
        }


def test_nested_errors_become_flat_messages_saying_where():
    class Item(serializers.Serializer):
        when = serializers.DateField()

    class Body(serializers.Serializer):
        ids = serializers.ListField(child=serializers.IntegerField())
        items = Item(many=True)

    body = Body(data={"ids": [1, "x"], "items": [{"when": "2026-01-01"}, {"when": "nope"}]})
    assert not body.is_valid()
    fields = _flatten(body.errors)
    assert fields["ids"] == ["Item 2: A valid integer is required."]
    assert len(fields["items"]) == 1
    assert fields["items"][0].startswith("Item 2: when: Date has wrong format.")


def test_api_responses_are_never_cached(api_client, participant):
    token = Token.objects.create(user=participant)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get(reverse("api:me"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in api_client.get("/api/v1/no/such/")["Cache-Control"]


def test_a_person_token_ends_after_the_session_limit(api_client, participant, settings):
    settings.PATHWAYS_API_TOKEN_HOURS = 12
    token = Token.objects.create(user=participant)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    with time_machine.travel(token.created + timedelta(hours=11, minutes=59)):
        assert api_client.get(reverse("api:me")).status_code == 200
    with time_machine.travel(token.created + timedelta(hours=12)):
        response = api_client.get(reverse("api:me"))
        assert response.status_code == 401
        assert (
            response.json()["error"]["message"] == "This sign-in has ended. Please sign in again."
        )
    assert not Token.objects.filter(pk=token.pk).exists()


def test_schema_and_docs_are_served_from_local_assets(client):
    schema = client.get(reverse("api:schema") + "?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert {"employerKey", "personToken"} <= set(document["components"]["securitySchemes"])
    docs = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui" in docs
    assert "cdn." not in docs and "unpkg" not in docs and "https://" not in docs.split("<body")[0]


def test_schema_is_valid_without_warnings_and_covers_only_this_api(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--custom-settings",
        "pathways.api.schema.SCHEMA_SETTINGS",
        "--format",
        "openapi-json",
        "--file",
        str(out),
    )
    import json

    paths = json.loads(out.read_text())["paths"]
    assert paths and all(path.startswith("/api/v1/") for path in paths)
    assert "/api/v1/employer/credentials/" in paths


def test_the_deploy_check_makes_the_schema_with_pathways_own_settings(monkeypatch):
    from pathways.api import schema
    from pathways.api.checks import check_api_schema

    assert check_api_schema(None) == []
    # With drf-spectacular's defaults it would describe Wagtail's admin API too, and fail.
    made_with = schema.schema_settings
    monkeypatch.setattr(
        schema, "schema_settings", lambda: {**made_with(), "PREPROCESSING_HOOKS": []}
    )
    assert [message.id for message in check_api_schema(None)] == ["pathways_api.E004"]
