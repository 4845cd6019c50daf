"""Pathways' settings have defaults in one module, so a host site sets only what it changes."""

import re
from pathlib import Path

import pytest

from pathways.lms.core import app_settings

ROOT = Path(__file__).resolve().parents[1]
APP_FOLDERS = ("lms", "courses", "cohorts", "certificates", "api")


def test_a_setting_the_site_leaves_out_falls_back_to_its_default(settings):
    del settings.PATHWAYS_EXIT_URL
    del settings.PATHWAYS_CSP

    assert app_settings.PATHWAYS_EXIT_URL == "https://www.bbc.co.uk/weather"
    assert app_settings.PATHWAYS_CSP["script-src"] == ["'self'"]


def test_the_sites_own_value_wins_and_is_read_each_time(settings):
    settings.PATHWAYS_BASE_URL = "https://learn.example.org"
    assert app_settings.PATHWAYS_BASE_URL == "https://learn.example.org"

    settings.PATHWAYS_BASE_URL = "https://other.example.org"
    assert app_settings.PATHWAYS_BASE_URL == "https://other.example.org"


def test_an_unknown_name_is_an_error():
    with pytest.raises(AttributeError):
        app_settings.PATHWAYS_NO_SUCH_SETTING  # noqa: B018


def test_the_apps_read_these_settings_only_through_the_app_settings_module():
    names = "|".join(app_settings.DEFAULTS)
    direct = re.compile(rf"(?<![`\w.])settings\.({names})\b")
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in APP_FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        for match in direct.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found
