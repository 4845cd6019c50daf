"""The production profile running as ``make serve`` runs it: gunicorn with deploy/gunicorn.conf.py,
two web processes, the production settings with DEBUG off, static files collected and served by
WhiteNoise, against the test database (PostgreSQL's, or a copy of SQLite's).

gunicorn and its workers are stopped when the module ends, whether its tests pass or fail.
"""

import re

import pytest

from tests.production.support import collected_static, database_url, production_env, serve

# The server reads the test database: the marker has pytest-django make it.
pytestmark = pytest.mark.django_db

LINKED = re.compile(r'(?:href|src)="(/static/[^"?#]+)')


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    env = production_env(
        DATABASE_URL=database_url(django_db_blocker, folder),
        STATIC_ROOT=str(collected_static()),
        MEDIA_ROOT=str(folder / "media"),
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        LOG_LEVEL="ERROR",
        LOG_REQUESTS="false",
    )
    with serve(env, workers=2) as running:
        yield running


def test_the_front_door_leads_to_sign_in_over_plain_http(server):
    front = server.get("/")
    assert front.status == 302
    dashboard = server.get(front.headers["Location"])
    assert dashboard.status == 302
    assert "/sign-in/" in dashboard.headers["Location"]
    # make serve's http is allowed on 127.0.0.1: no redirect to https.
    assert not dashboard.headers["Location"].startswith("https:")

    sign_in = server.get(dashboard.headers["Location"])
    assert sign_in.status == 200
    assert 'name="csrfmiddlewaretoken"' in sign_in.text
    # DEBUG is off: no technical page, and security headers are there.
    assert sign_in.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in sign_in.headers


def test_static_files_are_served_hashed_and_cached_by_the_web_processes(server):
    page = server.get("/accounts/sign-in/")
    assert page.status == 200
    linked = sorted(set(LINKED.findall(page.text)))
    assert any(re.search(r"/pathways/exit\.[0-9a-f]{12}\.js$", path) for path in linked), linked
    for path in linked:
        response = server.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status == 200, path
        assert "immutable" in response.headers["Cache-Control"], path
        assert response.headers["Content-Encoding"] == "gzip", path


def test_the_wagtail_admin_sign_in_page_and_its_styles(server):
    page = server.get("/admin/login/")
    assert page.status == 200
    stylesheets = [path for path in LINKED.findall(page.text) if path.endswith(".css")]
    assert any("wagtailadmin/css/core." in path for path in stylesheets), stylesheets
    for path in stylesheets:
        assert server.get(path).status == 200, path


def test_a_missing_page_is_a_plain_404_not_a_debug_page(server):
    response = server.get("/no-such-page/")
    assert response.status == 404
    assert "Traceback" not in response.text and "DEBUG = True" not in response.text
