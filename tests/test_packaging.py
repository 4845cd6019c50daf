"""Pathways installs with pip as one `pathways` namespace carrying its templates, static files and
migrations; the standalone project (demo_site/) stays out of it."""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_FOLDERS = ("lms", "courses", "cohorts", "mentoring", "certificates", "api")
NOT_SOURCE = {".venv", ".git", "node_modules", "build", "dist"}


def test_wheel_installs_only_the_pathways_namespace_with_templates_static_and_migrations(tmp_path):
    # setuptools builds in the repository's build/ and would package stale files left there.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        timeout=300,
        cwd=tmp_path,
    )
    wheel = next(tmp_path.glob("pathways_lms-*.whl"))
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    # Database and cache drivers are extras the host chooses, not requirements.
    metadata = archive.read(
        next(name for name in names if name.endswith(".dist-info/METADATA"))
    ).decode()
    requirements = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    for driver in ("psycopg", "psycopg-pool", "redis", "dj-database-url", "django-storages"):
        lines = [
            line for line in requirements if re.match(rf"{driver}\b(?![-\w])", line.split()[1])
        ]
        assert lines, driver
        assert all("extra ==" in line for line in lines), lines
    expected = [
        "pathways/courses/models.py",
        "pathways/courses/migrations/0001_initial.py",
        "pathways/courses/templates/courses/lesson.html",
        "pathways/courses/templates/courses/includes/quiz.html",
        "pathways/lms/accounts/migrations/0001_initial.py",
        "pathways/lms/accounts/migrations/0002_roles.py",
        "pathways/lms/core/templates/pathways/base.html",
        "pathways/lms/core/static/pathways/site.css",
        "pathways/cohorts/apps.py",
        "pathways/mentoring/apps.py",
        "pathways/certificates/issuance/apps.py",
        "pathways/certificates/credentials/apps.py",
        "pathways/certificates/credentials/jsonld/context-3.0.3.json",
        "pathways/certificates/employers/apps.py",
        "pathways/certificates/sharing/apps.py",
        "pathways/api/apps.py",
    ]
    missing = [name for name in expected if name not in names]
    assert not missing
    top_level = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top_level == {"pathways"}
    # A namespace package: a host site may install other pathways.* distributions beside it.
    assert "pathways/__init__.py" not in names
    # The standalone project (settings, URLs, WSGI, demo data) is not installed.
    assert not any("settings" in name.split("/") for name in names)
    assert not any(name.endswith(("/wsgi.py", "/asgi.py", "/seed_demo.py")) for name in names)
    assert "pathways/lms/urls.py" not in names
    # The package list in pyproject.toml is explicit: every module of the app folders must be in
    # the wheel, so that a new sub-package cannot be left out unnoticed.
    source = {
        f"pathways/{path.relative_to(ROOT).as_posix()}"
        for folder in APP_FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        if not NOT_SOURCE & set(path.relative_to(ROOT).parts)
    }
    assert sorted(source - names) == []


def test_the_installed_apps_import_as_pathways_from_any_directory(tmp_path):
    code = (
        "import pathways.courses, pathways.lms.accounts, importlib.util; "
        "print(pathways.courses.__file__); "
        "print(importlib.util.find_spec('courses') is None)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=tmp_path,
    )
    path, no_bare_module = result.stdout.split()
    assert Path(path) == ROOT / "courses" / "__init__.py"
    assert no_bare_module == "True"


@pytest.mark.parametrize("folder", APP_FOLDERS)
def test_a_bare_top_level_import_of_an_app_folder_is_refused(folder):
    # From the repository root the folder is importable by its bare name too; that would be a
    # second copy of the app, so its __init__ refuses.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import {folder}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert f"Import pathways.{folder}, not {folder}." in result.stderr


def _python_sources():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if NOT_SOURCE.intersection(parts):
            continue
        yield path


BARE_IMPORT = re.compile(rf"^\s*(?:from|import)\s+(?:{'|'.join(APP_FOLDERS)})(?:[.\s]|$)", re.M)
# A dotted path in a string (in a setting or a mock.patch target) that names a
# module of an app folder by its bare name.
BARE_DOTTED = re.compile(rf"[\"']((?:{'|'.join(APP_FOLDERS)})\.(\w+))")


def test_nothing_imports_the_app_folders_by_their_bare_names():
    found = []
    for path in _python_sources():
        text = path.read_text(encoding="utf-8")
        relative = path.relative_to(ROOT)
        found += [f"{relative}: {m.group(0).strip()}" for m in BARE_IMPORT.finditer(text)]
        for match in BARE_DOTTED.finditer(text):
            folder, name = match.group(1).split(".", 2)[:2]
            if (ROOT / folder / name).is_dir() or (ROOT / folder / f"{name}.py").is_file():
                found.append(f"{relative}: {match.group(1)}")
    assert not found
