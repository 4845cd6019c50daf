"""Employer API benchmark, run by ``make bench``: figures are printed, nothing is asserted.

On a throw-away database loaded by ``bench.data.build_bench_data`` (10,000 participants, 50,000
certificates, 200 employers; ``--small`` for a tenth of that), times in-process requests through
Django's test client (every middleware, no network: server time only), interleaved so that drift
affects all alike:

- the employer list, ``page_size=50``, with the benchmarked employer's Bearer key;
- the floor: a plain Django view doing the list's essential work and nothing more (one indexed
  key look-up, one count, one query for the page with the same filters and order, one multi-row
  insert of the page's access records) and answering the same bytes;
- the list as it was before issue 14 (the reference: DjangoFilterBackend, the paginator's own
  count, the DRF serializer over model instances), whose bytes the endpoint must keep;
- one credential by its code, with the same key;
- a minimal Django view returning a fixed JSON body of the same size as the list and the
  retrieve, through the same middleware.

Before timing, the endpoint's, the floor's and the reference's bodies are compared byte for byte,
and the access records each writes, on several pages; any difference stops the run. The ratio
to watch is list / floor: under 2 on SQLite, under 1.3 on PostgreSQL (issue 14).

Each employer read writes one access record per credential returned (the participant's "who has
seen my certificates" log), so the access table grows during the run: that is real work the
endpoint must do. Throttling is on with a rate too high to refuse anything, so its cache look-ups
are counted too.

Database: a temporary SQLite file; or, when DATABASE_URL names a PostgreSQL server, a throw-away
``test_`` database created there and dropped afterwards (the named database is not touched).

    .venv/bin/python bench/api_bench.py [--small] [--analyze] [--requests 200] [--warmup 20]
                                        [--budget 120]

With DATABASE_URL naming a PostgreSQL server, it runs on SQLite first, then on that server, so
both ratios are printed (``--server-only`` for the server alone); ``make bench`` passes the
variable through:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pathways make bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pathways .venv/bin/python bench/api_bench.py
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess  # noqa: S404
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


def _install_views(bodies: dict[str, bytes]) -> None:
    """A urlconf with the site's own routes plus the views the endpoint is compared with:
    ``/bench/minimal/<name>/`` (a plain Django view answering a fixed JSON body),
    ``/bench/floor/`` and ``/bench/reference/`` (below), all through the same middleware."""
    from django.http import HttpResponse
    from django.urls import path

    import demo_site.urls

    def minimal(request, name: str):
        return HttpResponse(bodies[name], content_type="application/json")

    module = types.ModuleType(URLCONF)
    module.urlpatterns = [
        path("bench/minimal/<str:name>/", minimal),
        path("bench/floor/", _floor_view()),
        path("bench/reference/", _reference_view()),
        *demo_site.urls.urlpatterns,
    ]
    sys.modules[URLCONF] = module


def _floor_view():
    """The employer list's essential work and nothing more, as a plain Django view: one indexed
    key look-up, one count, one query for the page (the endpoint's filters and order, the columns
    the body needs), one multi-row insert of the page's access records, and the same JSON body
    (links, dates and disclosure exactly as the endpoint writes them). It answers only what the
    benchmark asks (a valid key, no filters, a page that exists): no checks beyond those."""
    import hashlib
    import hmac
    import json

    from django.http import HttpResponse
    from django.urls import reverse
    from django.utils import timezone

    from rest_framework.utils.urls import remove_query_param, replace_query_param

    from pathways.certificates.employers.models import EmployerApiKey, EmployerOrganisation
    from pathways.certificates.sharing.filters import DEFAULT_ORDERING, order_shared
    from pathways.certificates.sharing.models import CredentialAccess
    from pathways.certificates.sharing.selectors import shared_credentials

    columns = (
        "release_id",
        "certificate_id",
        "release__participant_id",
        "release__expires_at",
        "release__disclosed_fields",
        "certificate__verification_code",
        "certificate__printed_name",
        "certificate__printed_title",
        "certificate__printed_achievement",
        "certificate__printed_issuer_name",
        "certificate__printed_data",
        "certificate__completed_on",
        "certificate__issued_at",
        "certificate__expires_at",
        "certificate__revoked_at",
        "certificate__superseded_by_id",
    )
    disclosable = ("dates", "hours", "skills", "document")
    always = ["name", "title", "achievement", "issuer", "status"]

    def moment(value, zone):
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def floor(request):
        _scheme, _space, raw = request.headers["authorization"].partition(" ")
        _pwk, prefix, secret = raw.split("_")
        key = (
            EmployerApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True)
            .values_list("pk", "employer_id", "secret_hash")
            .first()
        )
        digest = hashlib.sha256(secret.encode()).hexdigest()
        if key is None or not hmac.compare_digest(key[2], digest):
            return HttpResponse(status=401)
        key_id, employer_id, _hash = key
        size = min(int(request.GET.get("page_size", 20)), 50)
        number = int(request.GET.get("page", 1))
        rows = order_shared(
            shared_credentials(employer=EmployerOrganisation(pk=employer_id)), DEFAULT_ORDERING
        )
        count = rows.count()
        page = list(rows.values_list(*columns)[(number - 1) * size : number * size])
        now, zone = timezone.now(), timezone.get_current_timezone()
        codes = ("PATHWAYSCODE",)
        detail = request.build_absolute_uri(reverse("api:employer-credential-detail", args=codes))
        pdf = request.build_absolute_uri(reverse("api:employer-credential-pdf", args=codes))
        badge = request.build_absolute_uri(reverse("api:employer-credential-badge", args=codes))
        results, accesses = [], []
        for (
            release_id,
            certificate_id,
            participant_id,
            shared_until,
            disclosed_fields,
            code,
            name,
            title,
            achievement,
            issuer,
            data,
            completed_on,
            issued_at,
            expires_at,
            revoked_at,
            superseded_by_id,
        ) in page:
            disclosed = [field for field in disclosable if field in disclosed_fields]
            dates, data = "dates" in disclosed, data or {}
            hours = (data.get("hours") or None) if "hours" in disclosed else None
            skills = list(data.get("skills") or []) if "skills" in disclosed else None
            document = "document" in disclosed and revoked_at is None
            code = f"{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}"
            if superseded_by_id is not None:
                status = "replaced"
            elif revoked_at is not None:
                status = "revoked"
            elif expires_at is not None and expires_at <= now:
                status = "expired"
            else:
                status = "valid"
            results.append(
                {
                    "code": code,
                    "name": name,
                    "title": title,
                    "achievement": achievement,
                    "issuer": issuer,
                    "status": status,
                    "shared_until": moment(shared_until, zone),
                    "disclosed": disclosed,
                    "completed_on": completed_on.isoformat() if dates and completed_on else None,
                    "issued_at": moment(issued_at, zone) if dates else None,
                    "expires_at": moment(expires_at, zone) if dates else None,
                    "hours": None if hours is None else str(hours),
                    "skills": None
                    if skills is None
                    else [None if skill is None else str(skill) for skill in skills],
                    "url": detail.replace("PATHWAYSCODE", code),
                    "pdf_url": pdf.replace("PATHWAYSCODE", code) if document else None,
                    "credential_url": badge.replace("PATHWAYSCODE", code) if document else None,
                }
            )
            accesses.append(
                CredentialAccess(
                    participant_id=participant_id,
                    release_id=release_id,
                    certificate_id=certificate_id,
                    employer_id=employer_id,
                    api_key_id=key_id,
                    channel="api",
                    disclosed_fields=always + [f for f in disclosed_fields if f != "document"],
                    accessed_at=now,
                )
            )
        CredentialAccess.objects.bulk_create(accesses)
        here = request.build_absolute_uri(
            reverse("api:employer-credential-list") + "?" + request.GET.urlencode()
        )
        pages = max(1, -(-count // size))
        body = {
            "count": count,
            "next": replace_query_param(here, "page", number + 1) if number < pages else None,
            "previous": None
            if number == 1
            else (
                remove_query_param(here, "page")
                if number == 2
                else replace_query_param(here, "page", number - 1)
            ),
            "results": results,
        }
        text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return HttpResponse(text.encode(), content_type="application/json")

    return floor


def _reference_view():
    """The employer list as it was before issue 14, frozen here: DjangoFilterBackend on every
    request, the paginator's own count, and the DRF serializer (its fields, a ``reverse()`` and
    ``build_absolute_uri()`` per link) over model instances. Its bytes are those the endpoint
    must keep."""
    from django.urls import reverse

    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework import generics, serializers

    from pathways.api.employer_views import EmployerAPIView
    from pathways.api.pagination import PagePagination
    from pathways.certificates.issuance.codes import format_code
    from pathways.certificates.issuance.models import CURRENT_STATUS_CHOICES
    from pathways.certificates.sharing.filters import SharedCredentialFilter
    from pathways.certificates.sharing.models import AccessChannel, DisclosedField
    from pathways.certificates.sharing.selectors import shared_credentials
    from pathways.certificates.sharing.services import access_record

    def shared_view(shared) -> dict:
        cert, release = shared.certificate, shared.release
        dates = release.discloses(DisclosedField.DATES)
        data = cert.printed_data or {}
        hours = release.discloses(DisclosedField.HOURS)
        return {
            "code": cert.verification_code,
            "name": cert.printed_name,
            "title": cert.printed_title,
            "achievement": cert.printed_achievement,
            "issuer": cert.printed_issuer_name,
            "status": str(cert.status),
            "shared_until": release.expires_at,
            "completed_on": cert.completed_on if dates else None,
            "issued_at": cert.issued_at if dates else None,
            "expires_at": cert.expires_at if dates else None,
            "hours": (data.get("hours") or None) if hours else None,
            "skills": list(data.get("skills") or [])
            if release.discloses(DisclosedField.SKILLS)
            else None,
            "document_shared": release.discloses(DisclosedField.DOCUMENT)
            and cert.revoked_at is None,
        }

    def absolute(request, name: str, code: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[format_code(code)]))

    class ReferenceSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        title = serializers.CharField()
        achievement = serializers.CharField()
        issuer = serializers.CharField()
        status = serializers.ChoiceField(choices=CURRENT_STATUS_CHOICES)
        shared_until = serializers.DateTimeField()
        disclosed = serializers.ListField(
            child=serializers.ChoiceField(choices=DisclosedField.choices)
        )
        completed_on = serializers.DateField(allow_null=True)
        issued_at = serializers.DateTimeField(allow_null=True)
        expires_at = serializers.DateTimeField(allow_null=True)
        hours = serializers.CharField(allow_null=True)
        skills = serializers.ListField(child=serializers.CharField(), allow_null=True)
        url = serializers.SerializerMethodField()
        pdf_url = serializers.SerializerMethodField()
        credential_url = serializers.SerializerMethodField()

        def to_representation(self, instance) -> dict:
            view = shared_view(instance)
            view["raw_code"] = view["code"]
            view["code"] = format_code(view["code"])
            view["disclosed"] = [
                field for field in DisclosedField.values if instance.release.discloses(field)
            ]
            return super().to_representation(view)

        def get_url(self, view: dict) -> str:
            return absolute(
                self.context["request"], "api:employer-credential-detail", view["raw_code"]
            )

        def get_pdf_url(self, view: dict) -> str | None:
            if not view["document_shared"]:
                return None
            return absolute(
                self.context["request"], "api:employer-credential-pdf", view["raw_code"]
            )

        def get_credential_url(self, view: dict) -> str | None:
            if not view["document_shared"]:
                return None
            return absolute(
                self.context["request"], "api:employer-credential-badge", view["raw_code"]
            )

    class ReferenceListView(EmployerAPIView, generics.ListAPIView):
        serializer_class = ReferenceSerializer
        filter_backends = [DjangoFilterBackend]
        filterset_class = SharedCredentialFilter
        pagination_class = PagePagination

        def get_queryset(self):
            return shared_credentials(employer=self.employer)

        def list(self, request, *args, **kwargs):
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            data = self.get_serializer(page, many=True).data
            access_record(shared=page, channel=AccessChannel.API, api_key=request.auth)
            return self.get_paginated_response(data)

    view = ReferenceListView.as_view()
    list_path = reverse("api:employer-credential-list")

    def reference(request):
        request.path = list_path  # its links name the list, as the endpoint's do
        return view(request)

    return reference


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


def _last_accesses(count: int) -> list[tuple]:
    """What the last ``count`` access records say, ids and times aside, in a fixed order."""
    from pathways.certificates.sharing.models import CredentialAccess

    rows = CredentialAccess.objects.order_by("-pk").values_list(
        "participant_id",
        "release_id",
        "certificate_id",
        "employer_id",
        "api_key_id",
        "employer_user_id",
        "channel",
        "disclosed_fields",
    )[:count]
    return sorted((*row[:-1], tuple(row[-1])) for row in rows)


def _check_bodies(client, *, pages: int, list_url: str) -> int:
    """The endpoint, the floor and the pre-change reference answer byte-identical bodies, and
    write the same access records, for the first, second and last pages (full and default page
    sizes); raises if not. Returns how many pages were compared."""

    asked = [{"page_size": PAGE_SIZE, "page": page} for page in sorted({1, 2, pages}) if page]
    asked.append({"page": 1})
    for params in asked:
        bodies, written = {}, {}
        for name, path in (
            ("endpoint", list_url),
            ("floor", "/bench/floor/"),
            ("reference", "/bench/reference/"),
        ):
            response = client.get(path, params)
            if response.status_code != 200:
                raise RuntimeError(f"{name} answered {response.status_code} for {params}.")
            bodies[name] = response.content
            written[name] = _last_accesses(len(response.json()["results"]))
        if not bodies["endpoint"] == bodies["floor"] == bodies["reference"]:
            raise RuntimeError(f"The bodies differ for {params}: the floor is not the same work.")
        if not written["endpoint"] == written["floor"] == written["reference"]:
            raise RuntimeError(f"The access records differ for {params}.")
    return len(asked)


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
    _install_views(bodies)
    rates = {"employer_key": "1000000/minute", "user": "1000000/minute", "anon": "1000000/minute"}
    with override_settings(ROOT_URLCONF=URLCONF, PATHWAYS_API_THROTTLE_RATES=rates):
        plain = Client()

        def get_minimal(name: str):
            return lambda number: plain.get(f"/bench/minimal/{name}/")

        def get_other(path: str):
            return lambda number: client.get(
                path, {"page_size": PAGE_SIZE, "page": number % full_pages + 1}
            )

        checked = _check_bodies(client, pages=-(-len(codes) // PAGE_SIZE), list_url=list_url)
        calls = {
            "list": get_list,
            "floor": get_other("/bench/floor/"),
            "reference": get_other("/bench/reference/"),
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
        "checked": checked,
        "vendor": connection.vendor,
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
    if result["vendor"] != "sqlite":
        command = f"DATABASE_URL=<{result['vendor']} server> {command}"
    print(f"Employer API benchmark ({'SQLite' if result['vendor'] == 'sqlite' else database})")
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
        "floor": "floor: the list's essential work, same body",
        "reference": "the list as before issue 14, same body",
        "minimal_list": "minimal Django view, same-size JSON body",
        "detail": "employer retrieve, one credential by code",
        "minimal_detail": "minimal Django view, same-size JSON body",
    }
    for name, label in labels.items():
        count, size = queries[name]
        _row(label, str(count), f"{size:,}", *map(_ms, figures[name]))
    target = 2.0 if result["vendor"] == "sqlite" else 1.3
    ratios = (
        ("list", "floor", f"ratio list / floor (target < {target:g})"),
        ("reference", "floor", "ratio before issue 14 / floor"),
        ("list", "minimal_list", "ratio list / minimal of its size"),
        ("detail", "minimal_detail", "ratio detail / minimal of its size"),
    )
    for name, base, label in ratios:
        _row(
            label,
            "",
            "",
            f"{figures[name][0] / figures[base][0]:.2f}",
            f"{figures[name][1] / figures[base][1]:.2f}",
        )
    print()
    checked = result["checked"]
    print(f"  Bodies checked byte for byte, endpoint = floor = before issue 14, on {checked} pages")
    print("  (first, second and last at the full page size, and the first at the default size),")
    print("  and the same access records written for each.")
    before, after = result["accesses"]
    print()
    print(f"  Access records grew from {before:,} to {after:,} during the timed requests")
    print(
        f"  (+{after - before:,}): every list, floor and reference request writes {PAGE_SIZE} and "
        "every retrieve 1,"
    )
    print("  as the participants' access log requires; that insert is part of the figures above.")


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
    parser.add_argument(
        "--server-only",
        action="store_true",
        help="With DATABASE_URL naming PostgreSQL: skip the SQLite run that comes first.",
    )
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith("sqlite") and not options.server_only:
        # Both ratios in one run: SQLite first, in a process of its own (Django is set up once
        # per process), then the server named.
        sqlite = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        subprocess.run([sys.executable, __file__, *sys.argv[1:]], env=sqlite, check=True)  # noqa: S603
        print()
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
