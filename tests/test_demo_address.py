"""The demo's public address follows the port `make run` serves on, so that its QR codes, printed
links and credential ids work whatever port it runs on."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READ_ADDRESSES = (
    "from django.conf import settings; "
    "print(settings.PATHWAYS_BASE_URL); print(settings.WAGTAILADMIN_BASE_URL)"
)


def addresses(**env: str) -> list[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PATHWAYS_BASE_URL", "WAGTAILADMIN_BASE_URL", "HOST", "PORT"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="demo_site.settings.dev", **env)
    result = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-c", READ_ADDRESSES],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.split()


def test_without_a_port_the_demo_is_at_port_8000():
    assert addresses() == ["http://127.0.0.1:8000", "http://127.0.0.1:8000"]


def test_the_address_follows_the_port_and_host_make_run_serves_on():
    assert addresses(PORT="9123") == ["http://127.0.0.1:9123", "http://127.0.0.1:9123"]
    assert addresses(HOST="localhost", PORT="8080")[0] == "http://localhost:8080"
    # Listening on every interface: reached from this machine at 127.0.0.1.
    assert addresses(HOST="0.0.0.0", PORT="8001")[0] == "http://127.0.0.1:8001"  # noqa: S104
    assert addresses(HOST="::1", PORT="8002")[0] == "http://[::1]:8002"


def test_a_public_address_that_is_given_wins():
    found = addresses(PORT="9123", PATHWAYS_BASE_URL="https://learn.example.org/")
    assert found[0] == "https://learn.example.org"


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_make_run_passes_its_port_to_the_settings():
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        ["make", "-n", "run", "PORT=9123"],  # noqa: S607 (make from the PATH)
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    commands = [line for line in result.stdout.splitlines() if "manage.py" in line]
    seed = next(line for line in commands if "seed_demo" in line)
    serve = next(line for line in commands if "runserver" in line)
    assert "PORT=9123" in seed and "PORT=9123" in serve
    assert serve.rstrip().endswith("runserver 127.0.0.1:9123")
