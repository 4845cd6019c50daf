"""Local development: debug on, an embedded SQLite database, e-mail to the console."""

from demo_site.settings.base import *  # noqa: F401

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-not-for-production-use-0123456789abcdef"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
