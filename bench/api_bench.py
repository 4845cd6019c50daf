"""Employer API benchmark, run by ``make bench``: figures are printed, nothing is asserted.

On a throw-away database loaded by ``bench.data.build_bench_data`` (10,000 participants, 50,000
certificates, 200 employers; ``--small`` for a tenth of that), times in-process requests through
Django's test client (every middleware, no network: server time only), interleaved so that drift
affects all alike:

- the employer list, ``page_size=50``, with the benchmarked employer's Bearer key;
- one credential by its code, with the same key;
- a minimal Django view returning a fixed JSON body of the same size as each of those two
  responses, through the same middleware, as the floor to compare against.

Each employer read writes one access record per credential returned (the participant's "who has
seen my certificates" log), so the access table grows during the run: that is real work the
endpoint must do. Throttling is on with a rate too high to refuse anything, so its cache look-ups
are counted too.

Database: a temporary SQLite file; or, when DATABASE_URL names a PostgreSQL server, a throw-away
``test_`` database created there and dropped afterwards (the named database is not touched).

    .venv/bin/python bench/api_bench.py [--small] [--analyze] [--requests 200] [--warmup 20]
                                        [--budget 120]
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL = {"participants": 10_000, "certificates": 50_000, "employers": 200}
SMALL = {"participants": 1_000, "certificates": 5_000, "employers": 20}
PAGE_SIZE = 50
URLCONF = "pathways_api_bench_urls"


def _median_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=20, method="inclusive")[18]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _row(label: str, *values: str) -> None:
    print(f"    {label:50s}" + "".join(f"{value:>13s}" for value in values))


def _setup(tmp: Path) -> str:
    """Django on a fresh, migrated database; returns a description of it."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo_site.settings.test"
    url = os.environ.get("DATABASE_URL", "")
    server = bool(url) and not url.startswith("sqlite")
    if not server:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'api-bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # The test settings pick their own temporary media folder; use ours, removed at the end.
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and not any(media.iterdir()):
        media.rmdir()
    settings.MEDIA_ROOT = tmp / "media"
    if server:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return f"{connection.vendor}, throw-away database {connection.settings_dict['NAME']}"
    call_command("migrate", verbosity=0)
    return "SQLite, temporary file (WAL)"


def _teardown() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def _install_minimal_view(bodies: dict[str, bytes]) -> None:
    """A urlconf with the site's own routes plus ``/bench/minimal/<name>/``: a plain Django view
    answering a fixed JSON body, through the same middleware as the API."""
    from django.http import HttpResponse
    from django.urls import path

    import demo_site.urls

    def minimal(request, name: str):
        return HttpResponse(bodies[name], content_type="application/json")

    module = types.ModuleType(URLCONF)
    module.urlpatterns = [path("bench/minimal/<str:name>/", minimal), *demo_site.urls.urlpatterns]
    sys.modules[URLCONF] = module


def _fixed_body(size: int) -> bytes:
    """Valid JSON of exactly ``size`` bytes."""
    skeleton = b'{"padding":""}'
    return skeleton[:-2] + b"x" * (size - len(skeleton)) + skeleton[-2:]


def _rounds(calls: dict, *, count: int, budget: float, samples: dict | None = None) -> int:
    """Up to ``count`` rounds of every call, interleaved, stopping once ``budget`` seconds have
    gone by (so that a pathologically slow endpoint still gives figures); returns the rounds."""
    started = time.perf_counter()
    for number in range(count):
        if number >= 2 and time.perf_counter() - started > budget:
            return number
        for name, call in calls.items():
            begin = time.perf_counter()
            response = call(number)
            if samples is not None:
                samples[name].append(time.perf_counter() - begin)
            if response.status_code != 200:
                raise RuntimeError(f"{name} answered {response.status_code}.")
    return count


def bench(*, numbers: dict, requests: int, warmup: int, budget: float, analyze: bool) -> dict:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.data import build_bench_data
    from pathways.certificates.sharing.models import CredentialAccess
    from pathways.certificates.sharing.selectors import shared_credentials

    started = time.perf_counter()
    data = build_bench_data(**numbers, seed=1)
    loaded = time.perf_counter() - started
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    shared = shared_credentials(employer=data.employer)
    codes = list(shared.values_list("certificate__verification_code", flat=True))
    full_pages = max(1, len(codes) // PAGE_SIZE)
    list_url = reverse("api:employer-credential-list")
    detail_urls = [reverse("api:employer-credential-detail", args=[code]) for code in codes]
    client = Client(headers={"authorization": f"Bearer {data.raw_key}"})

    def get_list(number: int):
        return client.get(list_url, {"page_size": PAGE_SIZE, "page": number % full_pages + 1})

    def get_detail(number: int):
        return client.get(detail_urls[number % len(detail_urls)])

    first_list, first_detail = get_list(0), get_detail(0)
    for response in (first_list, first_detail):
        if response.status_code != 200:
            raise RuntimeError(f"The employer API answered {response.status_code}.")
    if len(first_list.json()["results"]) != min(PAGE_SIZE, len(codes)):
        raise RuntimeError("The list page is not full.")
    bodies = {
        "list": _fixed_body(len(first_list.content)),
        "detail": _fixed_body(len(first_detail.content)),
    }
    _install_minimal_view(bodies)
    rates = {"employer_key": "1000000/minute", "user": "1000000/minute", "anon": "1000000/minute"}
    with override_settings(ROOT_URLCONF=URLCONF, PATHWAYS_API_THROTTLE_RATES=rates):
        plain = Client()

        def get_minimal(name: str):
            return lambda number: plain.get(f"/bench/minimal/{name}/")

        calls = {
            "list": get_list,
            "minimal_list": get_minimal("list"),
            "detail": get_detail,
            "minimal_detail": get_minimal("detail"),
        }
        queries = {}
        for name, call in calls.items():
            with CaptureQueriesContext(connection) as captured:
                response = call(0)
            if response.status_code != 200:
                raise RuntimeError(f"{name} answered {response.status_code}.")
            queries[name] = (len(captured), len(response.content))
        warmed = _rounds(calls, count=warmup, budget=budget / 4)
        accesses_before = CredentialAccess.objects.count()
        samples: dict[str, list[float]] = {name: [] for name in calls}
        timed = _rounds(calls, count=requests, budget=budget, samples=samples)
        accesses_after = CredentialAccess.objects.count()
    return {
        "data": data,
        "loaded": loaded,
        "shared": len(codes),
        "figures": {name: _median_p95(values) for name, values in samples.items()},
        "queries": queries,
        "accesses": (accesses_before, accesses_after),
        "rounds": (warmed, timed),
    }


def _report(result: dict, *, database: str, options: argparse.Namespace) -> None:
    import django

    import rest_framework

    figures, queries = result["figures"], result["queries"]
    warmed, timed = result["rounds"]
    flags = " ".join(
        flag for flag, on in (("--small", options.small), ("--analyze", options.analyze)) if on
    )
    command = f".venv/bin/python bench/api_bench.py {flags}".strip()
    print("Employer API benchmark")
    print(f"  command: {'make bench  (' + command + ')' if not flags else command}")
    print(
        f"  Python {platform.python_version()}, Django {django.__version__}, "
        f"DRF {rest_framework.__version__}, {os.cpu_count()} CPUs, {database}"
        + (", ANALYZE run after loading" if options.analyze else ", no ANALYZE after loading")
    )
    counts = result["data"].counts
    print(
        f"  data: {counts['participants']:,} participants, {counts['certificates']:,} "
        f"certificates, {counts['employers']:,} employers, {counts['releases']:,} releases "
        f"(loaded in {result['loaded']:.1f} s);"
    )
    print(f"  the benchmarked employer has {result['shared']:,} credentials shared with it now")
    stopped = f" (stopped at the {options.budget:.0f} s budget)" if timed < options.requests else ""
    print(
        f"  {timed} timed requests of each kind{stopped}, after {warmed} warm-up rounds, "
        "interleaved;"
    )
    print("  Django test client in-process: every middleware, no network (server time only)")
    print()
    _row("", "queries", "bytes", "median", "p95")
    labels = {
        "list": f"employer list, page_size={PAGE_SIZE} (Bearer key)",
        "minimal_list": "minimal Django view, same-size JSON body",
        "detail": "employer retrieve, one credential by code",
        "minimal_detail": "minimal Django view, same-size JSON body",
    }
    for name, label in labels.items():
        count, size = queries[name]
        _row(label, str(count), f"{size:,}", *map(_ms, figures[name]))
    for name, base in (("list", "minimal_list"), ("detail", "minimal_detail")):
        _row(
            f"ratio {name} / minimal of its size",
            "",
            "",
            f"{figures[name][0] / figures[base][0]:.1f}",
            f"{figures[name][1] / figures[base][1]:.1f}",
        )
    before, after = result["accesses"]
    print()
    print(f"  Access records grew from {before:,} to {after:,} during the timed requests")
    print(
        f"  (+{after - before:,}): every list request writes {PAGE_SIZE} and every retrieve 1, "
        "as the"
    )
    print("  participants' access log requires; that insert is part of the figures above.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="A tenth of the data, fewer requests.")
    parser.add_argument("--requests", type=int, help="Timed requests of each kind (200; 50 small).")
    parser.add_argument("--warmup", type=int, default=20, help="Warm-up rounds (20).")
    parser.add_argument(
        "--budget", type=float, default=120, help="Stop timing after this many seconds (120)."
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="Run SQL ANALYZE after loading, so the query planner knows the tables' statistics.",
    )
    options = parser.parse_args()
    numbers = SMALL if options.small else FULL
    options.requests = options.requests or (50 if options.small else 200)
    tmp = Path(tempfile.mkdtemp(prefix="pathways-api-bench-"))
    database = None
    try:
        database = _setup(tmp)
        began = time.perf_counter()
        result = bench(
            numbers=numbers,
            requests=options.requests,
            warmup=options.warmup,
            budget=options.budget,
            analyze=options.analyze,
        )
        _report(result, database=database, options=options)
        print()
        print(f"  benchmark took {time.perf_counter() - began:.0f} s (after migrating)")
    finally:
        if database is not None:
            _teardown()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
