"""The host site before Pathways: a superuser, a user with a first and last name (as a host's
own sign-up might keep them), and a page of its own under the home page. Writes what the host's
pages answer to the file named on the command line, for ``host_journey.py`` to compare."""

import json
import sys
from pathlib import Path

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from wagtail.models import Site  # noqa: E402

setup_test_environment()
User = get_user_model()
PASSWORD = "host-password-1234"  # noqa: S105  (a throwaway CI site)
User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
User.objects.create_user(
    "rosa", "rosa@example.org", PASSWORD, first_name="Rosa", last_name="Legalname"
)
home = Site.objects.get(is_default_site=True).root_page.specific
about = home.add_child(instance=type(home)(title="About us", slug="about"))
about.save_revision().publish()

client = Client()
urls = ["/", "/about/", "/admin/login/", "/api/v2/pages/"]
statuses = {url: client.get(url, HTTP_HOST="localhost").status_code for url in urls}
total = client.get("/api/v2/pages/", HTTP_HOST="localhost").json()["meta"]["total_count"]
if statuses != {url: 200 for url in urls}:
    sys.exit(f"The host site does not answer as it should before Pathways: {statuses}")
Path(sys.argv[1]).write_text(json.dumps({"statuses": statuses, "api_pages": total}), "utf-8")
print("The host site has its pages and users:", statuses)
