"""Queries per page for each role, on a fresh demo database.

Run: .venv/bin/python bench/page_queries.py   (also part of `make bench`)
The tests assert that these counts do not grow with the number of rows; this prints them.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix="pathways-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_site.settings.test")
    os.environ.setdefault("MEDIA_ROOT", f"{workdir}/media")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pathways.cohorts.models import Cohort

    call_command("migrate", verbosity=0)
    call_command("seed_demo", allow_without_debug=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    cohort = Cohort.objects.get()
    pages = {
        "maya": ["/learn/", "/learn/courses/", "/learn/reflections/", "/cohorts/mine/"],
        "amara": ["/mentoring/", "/mentoring/my-mentor/"],
        "dana": ["/cohorts/", f"/cohorts/{cohort.pk}/", "/learn/sign-offs/"],
        "rosa": ["/certificates/", "/certificates/sharing/", "/certificates/sharing/seen/"],
        "lee": ["/employer/", "/employer/shared/"],
    }
    print("Queries per page (python bench/page_queries.py, seeded demo data, SQLite)")
    print(f"{'user':8} {'page':28} {'status':>6} {'queries':>7}")
    users = get_user_model().objects
    for username, urls in pages.items():
        client = Client()
        client.force_login(users.get(username=username))
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            print(f"{username:8} {url:28} {response.status_code:>6} {len(captured):>7}")


if __name__ == "__main__":
    main()
