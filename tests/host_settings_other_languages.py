"""A host that offers other languages than the standalone site (tests/test_migrations.py)."""

from demo_site.settings.test import *  # noqa: F403

LANGUAGES = [("en", "English"), ("fr", "French"), ("pt-br", "Portuguese")]
# Its content languages (Wagtail's, for translated pages) are among them, as Wagtail requires.
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
