"""What one password hash costs: the site's hasher against Django's defaults.

Run: .venv/bin/python bench/hasher_bench.py   (also part of `make bench`)
A sign-in checks one hash, which costs the same as making one. Prints the median and the slowest
of several hashes, wall-clock and CPU time; nothing is asserted. The site's hasher is the first of
PASSWORD_HASHERS in demo_site/settings/base.py (demo_site/hashers.py); the figure to keep well
under 0.1 s is its CPU time, as a burst of sign-ins shares the machine's cores.
"""

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HASHES = 15
PASSWORD = "correct horse battery staple"  # noqa: S105 (what is hashed, not a credential)


def _measure(hasher, hashes: int) -> dict[str, list[float]]:
    encoded = hasher.encode(PASSWORD, hasher.salt())  # warm up: loads the library
    wall, cpu = [], []
    for _ in range(hashes):
        started, started_cpu = time.perf_counter(), time.process_time()
        hasher.verify(PASSWORD, encoded)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"wall": wall, "cpu": cpu}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_site.settings.dev")
    import django

    django.setup()
    from django.contrib.auth.hashers import (
        Argon2PasswordHasher,
        PBKDF2PasswordHasher,
        get_hasher,
    )

    site = get_hasher("default")
    hashers = [
        (f"this site ({type(site).__name__})", site, HASHES),
        ("Django's Argon2 defaults", Argon2PasswordHasher(), 5),
        ("Django's PBKDF2 (the old default)", PBKDF2PasswordHasher(), 5),
    ]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"Password hashing: one sign-in's check ({platform.python_version()}, {cores} cores)")
    print(
        f"    site hasher settings: time_cost={site.time_cost}, "
        f"memory_cost={site.memory_cost} KiB, parallelism={site.parallelism}"
    )
    print(f"    {'hasher':40s}{'median':>11s}{'slowest':>11s}{'CPU median':>13s}")
    for label, hasher, hashes in hashers:
        figures = _measure(hasher, hashes)
        print(
            f"    {label:40s}{_ms(statistics.median(figures['wall'])):>11s}"
            f"{_ms(max(figures['wall'])):>11s}{_ms(statistics.median(figures['cpu'])):>13s}"
        )


if __name__ == "__main__":
    main()
