"""Static files in production: collected with hashed names and gzip copies, served by WhiteNoise.

``collectstatic`` runs once, with the production settings, into a temporary STATIC_ROOT (it
fails on a stylesheet that points at a missing file). Pages are then rendered with DEBUG off and
the production settings' middleware and storage, and every stylesheet and script they link must
be served, under its hashed name, with a year's caching: Pathways' own (the exit script included),
the Wagtail admin's and the API documentation's.
"""

import gzip
import json
import re

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

import pytest

from tests.production.support import collected_static, production_settings

pytestmark = pytest.mark.django_db

LINKED = re.compile(r'(?:href|src)="(/static/[^"?#]+)')
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
A_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def production_static():
    production = production_settings(
        "MIDDLEWARE", "STORAGES", "WHITENOISE_SKIP_COMPRESS_EXTENSIONS"
    )
    root = collected_static()
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=root,
        MIDDLEWARE=production["MIDDLEWARE"],
        STORAGES={**settings.STORAGES, "staticfiles": production["STORAGES"]["staticfiles"]},
        WHITENOISE_SKIP_COMPRESS_EXTENSIONS=production["WHITENOISE_SKIP_COMPRESS_EXTENSIONS"],
    ):
        yield root


def linked_static_files(html: str) -> list[str]:
    return sorted(set(LINKED.findall(html)))


def fetch(client: Client, path: str, **headers):
    response = client.get(path, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return response, body


def assert_served_for_a_year(client: Client, path: str) -> None:
    response, body = fetch(client, path)
    assert response.status_code == 200, path
    assert body, path
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control, (path, cache_control)
    assert int(re.search(r"max-age=(\d+)", cache_control).group(1)) >= A_YEAR, path
    if not path.endswith((".css", ".js")):
        return
    compressed, gzipped = fetch(client, path, accept_encoding="gzip")
    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip", path
    assert gzip.decompress(gzipped) == body


def test_collectstatic_writes_a_manifest_of_hashed_names_and_gzip_copies(production_static):
    manifest = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    for name in ("pathways/exit.js", "pathways/site.css", "wagtailadmin/css/core.css"):
        hashed = manifest[name]
        assert HASHED.search(hashed), hashed
        assert (production_static / hashed).is_file()
        assert (production_static / f"{hashed}.gz").is_file()
    # Source maps are read only by developer tools: left uncompressed.
    maps = [name for name in manifest if name.endswith(".map")]
    assert maps and not (production_static / f"{manifest[maps[0]]}.gz").exists()


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        # Pathways' own: its stylesheet, the "Exit this page" and feedback scripts.
        ("accounts:login", {"pathways/site", "pathways/exit", "pathways/feedback"}),
        # The Wagtail admin's.
        ("wagtailadmin_login", {"wagtailadmin/css/core", "wagtailadmin/js/core"}),
        # The API documentation: Swagger UI from drf-spectacular-sidecar, and its own styles.
        (
            "api:docs",
            {
                "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui",
                "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle",
                "security/api-docs",
            },
        ),
    ],
)
def test_pages_link_hashed_static_files_that_are_served_for_a_year(
    production_static, url_name, expected
):
    client = Client()
    response = client.get(reverse(url_name))
    assert response.status_code == 200

    linked = linked_static_files(response.content.decode())
    assert linked
    assert all(HASHED.search(path) for path in linked), linked
    stems = {HASHED.sub("", path.removeprefix(settings.STATIC_URL)) for path in linked}
    assert expected <= stems, stems
    for path in linked:
        assert_served_for_a_year(client, path)


def test_a_name_that_is_not_collected_is_not_found(production_static):
    response, _ = fetch(Client(), "/static/pathways/exit.000000000000.js")
    assert response.status_code == 404
