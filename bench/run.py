"""Certificate benchmarks, run by ``make bench``: figures are printed, nothing is asserted.

(a) Rendering one certificate PDF with the real template against a bare WeasyPrint render of an
    equivalent one-page HTML file (same text and fonts, no QR code, no PDF/A), in the same run.
(b) Issuing certificates to a 200-member cohort in the background, PDFs included.
(c) Serving a stored PDF against rendering it.

Runs on a throw-away SQLite database and media folder with the test settings (tasks run
immediately, inline), so it needs no server and leaves nothing behind.
"""

import gc
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RENDERS = 15
COHORT_SIZE = 200
NAME = "Zoë Ñúñez-Łukasiewicz"


def _median_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=20, method="inclusive")[18]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _row(label: str, *values: str) -> None:
    print(f"    {label:44s}" + "".join(f"{value:>13s}" for value in values))


def _figures(figures: dict) -> tuple[str, str, str]:
    return _ms(figures["wall"][0]), _ms(figures["wall"][1]), _ms(figures["cpu"][0])


def _setup(tmp: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo_site.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The test settings pick their own temporary media folder; use ours, removed at the end.
    Path(settings.MEDIA_ROOT).rmdir()
    settings.MEDIA_ROOT = tmp / "media"
    call_command("migrate", verbosity=0)


def _bare_html(certificate, paper_size: str) -> str:
    """The certificate's text on one page, in the same fonts, without QR code or decoration."""
    from django.utils.html import escape

    from pathways.certificates.issuance.rendering import certificate_context, certificate_html

    certificate_html(certificate)  # the same lookups as the real render, outside the timing
    context = certificate_context(certificate)
    lines = [
        context["issuer_name"],
        context["title"],
        "This certifies that",
        context["name"],
        context["wording"],
        context["achievement"],
        f"Completed on {context['completed_on']} · {context['hours']}",
        "Skills " + " · ".join(context["skills"]),
        context["signatory_name"],
        context["signatory_title"],
        "Verification code",
        context["code"],
        "Check this certificate at",
        context["verification_url"],
    ]
    body = "\n".join(f"<p>{escape(line)}</p>" for line in lines)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><style>'
        f"@page {{ size: {paper_size} landscape; margin: 15mm; }}"
        'html { font-family: "Noto Serif", "Noto Serif Ethiopic", "Noto Serif CJK SC", serif; }'
        "p { text-align: center; margin: 0 0 3mm; }"
        f"</style></head><body>{body}</body></html>"
    )


def _certificate(template, course, *, user=None, cohort=None):
    import datetime

    from pathways.certificates.issuance.codes import new_verification_code
    from pathways.certificates.issuance.models import Certificate
    from tests.factories.accounts import ParticipantFactory

    certificate = Certificate.objects.create(
        user=user or ParticipantFactory(chosen_name=NAME),
        course=None if cohort else course,
        cohort=cohort,
        achievement_key=f"cohort:{cohort.pk}" if cohort else f"course:{course.pk}",
        template=template,
        verification_code=new_verification_code(),
        printed_name=NAME,
        printed_title=template.title,
        printed_achievement=course.title,
        printed_issuer_name=template.issuer_name,
        printed_data={
            "wording": template.wording,
            "signatory_name": template.signatory_name,
            "signatory_title": template.signatory_title,
            "hours": "6",
            "skills": ["Communication", "Teamwork", "Time management"],
            "primary_colour": template.primary_colour,
            "accent_colour": template.accent_colour,
            "paper_size": template.paper_size,
            "language": "en",
            "issuer_logo_id": None,
        },
        completed_on=datetime.date(2026, 3, 14),
        credential={"type": ["VerifiableCredential", "OpenBadgeCredential"], "name": "Bench"},
    )
    certificate.status_list_index = certificate.pk
    certificate.save(update_fields=["status_list_index"])
    return certificate


def _timed(function) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call, after a garbage collection (for both alike)."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_render(certificate, tmp: Path) -> dict:
    from weasyprint import HTML

    from pathways.certificates.issuance.rendering import render_certificate_pdf

    bare_file = tmp / "bare.html"
    bare_file.write_text(_bare_html(certificate, "letter"), encoding="utf-8")

    def real():
        render_certificate_pdf(certificate)

    def bare():
        HTML(filename=bare_file).write_pdf()

    for _ in range(2):  # warm up both: fontconfig, font files, templates, imports
        real()
        bare()
    samples = {"real": [], "bare": []}
    for _ in range(RENDERS):  # interleaved, so that drift and other load affect both alike
        samples["real"].append(_timed(real))
        samples["bare"].append(_timed(bare))
    return {
        name: {
            "wall": _median_p95([wall for wall, _cpu in runs]),
            "cpu": _median_p95([cpu for _wall, cpu in runs]),
        }
        for name, runs in samples.items()
    }


def bench_cohort(template, course) -> dict:
    """Issue to a cohort through the batch service if it exists, else row + render task each."""
    from unittest import mock

    from django.utils import timezone

    from pathways.certificates.issuance import tasks
    from pathways.certificates.issuance.models import Certificate
    from pathways.cohorts.models import CohortMembership, MembershipStatus
    from pathways.courses.models import Enrolment, EnrolmentStatus
    from tests.factories.accounts import ParticipantFactory, StaffFactory
    from tests.factories.cohorts import CohortFactory

    cohort = CohortFactory(capacity=COHORT_SIZE, courses=[course])
    members = ParticipantFactory.create_batch(COHORT_SIZE)
    # Completed members: a batch issues only to those who met the cohort's completion rules.
    completed_at = timezone.now()
    CohortMembership.objects.bulk_create(
        CohortMembership(
            cohort=cohort,
            user=user,
            status=MembershipStatus.COMPLETED,
            completed_at=completed_at,
        )
        for user in members
    )
    # ...and completed the course the cohort runs: staff marking a membership completed does not
    # stand in for the rules of a cohort that runs courses.
    Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            course=course,
            status=EnrolmentStatus.COMPLETED,
            completed_at=completed_at,
        )
        for user in members
    )
    template.cohorts.add(cohort)
    rendering_time = 0.0
    real_render = tasks.render_certificate_pdf

    def timed_render(certificate):
        nonlocal rendering_time
        start = time.perf_counter()
        try:
            return real_render(certificate)
        finally:
            rendering_time += time.perf_counter() - start

    try:
        from pathways.certificates.issuance.services import cohort_certificates_start
    except ImportError:
        cohort_certificates_start = None

    with mock.patch.object(tasks, "render_certificate_pdf", side_effect=timed_render):
        start = time.perf_counter()
        if cohort_certificates_start is not None:
            how = "services.cohort_certificates_start (batch task, then one PDF task each)"
            cohort_certificates_start(
                cohort=cohort, template=template, actor=StaffFactory(), reason="Benchmark"
            )
        else:
            how = "no batch service: 200 x (Certificate row + render_certificate_pdf_task)"
            for user in members:
                certificate = _certificate(template, course, user=user, cohort=cohort)
                tasks.render_certificate_pdf_task.enqueue(certificate.pk)
        total = time.perf_counter() - start
    issued = Certificate.objects.filter(cohort=cohort)
    return {
        "how": how,
        "total": total,
        "rendering": rendering_time,
        "issued": issued.count(),
        "with_pdf": issued.exclude(pdf="").count(),
    }


def bench_serving(certificate) -> dict:
    """The participant's download once the PDF is stored (test client, every middleware), the
    stored file read through the storage API alone, and rendering it again."""
    from django.http import FileResponse
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from pathways.certificates.issuance.rendering import render_certificate_pdf
    from pathways.certificates.issuance.tasks import render_certificate_pdf_task

    render_certificate_pdf_task.call(certificate.pk)
    certificate.refresh_from_db()
    client = Client()
    client.force_login(certificate.user)
    try:
        url = reverse("certificates:pdf", args=[certificate.pk])
    except NoReverseMatch:
        url = None

    def download() -> bytes:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"The download answered {response.status_code}.")
        return b"".join(response.streaming_content)

    def from_storage() -> bytes:
        response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf")
        body = b"".join(response.streaming_content)
        response.close()
        return body

    samples: dict[str, list[float]] = {"download": [], "storage": [], "rendered": []}
    for _ in range(RENDERS):
        if url:
            samples["download"].append(_timed(download)[0])
        samples["storage"].append(_timed(from_storage)[0])
        samples["rendered"].append(_timed(lambda: render_certificate_pdf(certificate))[0])
    figures = {name: _median_p95(values) for name, values in samples.items() if values}
    return {**figures, "bytes": len(from_storage())}


def _report(render: dict, cohort: dict, serving: dict) -> None:
    import weasyprint

    real, bare = render["real"], render["bare"]
    print("Certificate benchmarks")
    print(f"  command: make bench  (.venv/bin/python {Path(__file__).relative_to(ROOT)})")
    print(
        f"  Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
        f"{os.cpu_count()} CPUs, SQLite, immediate task backend (tasks run inline)"
    )
    print()
    print(f"(a) one certificate PDF, {RENDERS} renders each, interleaved")
    _row("", "wall median", "wall p95", "CPU median")
    _row("real template (QR, PDF/A-3b, attachment)", *_figures(real))
    _row("bare WeasyPrint, same text, no QR", *_figures(bare))
    _row(
        "ratio real / bare (medians; CPU target < 1.3)",
        f"{real['wall'][0] / bare['wall'][0]:.2f}",
        "",
        f"{real['cpu'][0] / bare['cpu'][0]:.2f}",
    )
    print()
    print(f"(b) issuing to a cohort of {COHORT_SIZE}: {cohort['how']}")
    print(f"    issued {cohort['issued']}, with a stored PDF {cohort['with_pdf']}")
    _row("total", f"{cohort['total']:.1f} s")
    _row("per certificate", _ms(cohort["total"] / COHORT_SIZE))
    _row("of which rendering its PDF", _ms(cohort["rendering"] / COHORT_SIZE))
    print()
    print(f"(c) a stored PDF of {serving['bytes']:,} bytes, {RENDERS} times each")
    _row("", "median", "p95")
    rendered = serving["rendered"]
    if "download" in serving:
        _row("downloaded (test client, certificates:pdf)", *map(_ms, serving["download"]))
    _row("read from storage (FileResponse alone)", *map(_ms, serving["storage"]))
    _row("rendered again", *map(_ms, rendered))
    if "download" in serving:
        _row("ratio rendered / downloaded (medians)", f"{rendered[0] / serving['download'][0]:.0f}")
    _row("ratio rendered / from storage (medians)", f"{rendered[0] / serving['storage'][0]:.0f}")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    try:
        _setup(tmp)
        from pathways.certificates.issuance.models import CertificateTemplate
        from tests.factories.courses import build_course

        course = build_course(title="Workplace Readiness", modules=1, lessons_per_module=1)
        template = CertificateTemplate.objects.create(
            name="Bench",
            title="Certificate of Completion",
            wording="has successfully completed",
            issuer_name="Northside Skills Collective",
            signatory_name="Dana Ortiz",
            signatory_title="Programme Lead",
        )
        template.courses.add(course)
        began = time.perf_counter()
        render = bench_render(_certificate(template, course), tmp)
        cohort = bench_cohort(template, course)
        serving = bench_serving(_certificate(template, build_course(title="Interview Skills")))
        _report(render, cohort, serving)
        print()
        print(f"  benchmarks took {time.perf_counter() - began:.0f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
