"""A host that offers other languages than the standalone site (tests/test_migrations.py)."""

from demo_site.settings.test import *  # noqa: F403

LANGUAGES = [("en", "English"), ("fr", "French"), ("pt-br", "Portuguese")]
