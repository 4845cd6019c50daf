"""Test settings: fast hashing, immediate background tasks, files in a throw-away folder."""

import tempfile

from demo_site.settings.base import *  # noqa: F401

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pathways-test-media-"))
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "ERROR"
# Tests make many API calls; the throttling tests set their own low rates.
PATHWAYS_API_THROTTLE_RATES = {"employer_key": None, "user": None, "anon": None}
