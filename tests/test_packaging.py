"""Pathways installs with pip as a package carrying its templates, static files and migrations."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_apps_templates_static_and_migrations(tmp_path):
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
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        "courses/models.py",
        "courses/migrations/0001_initial.py",
        "courses/templates/courses/lesson.html",
        "courses/templates/courses/includes/quiz.html",
        "lms/accounts/migrations/0002_roles.py",
        "lms/templates/pathways/base.html",
        "lms/static/pathways/site.css",
        "cohorts/apps.py",
        "certificates/apps.py",
        "api/apps.py",
    ]
    missing = [name for name in expected if name not in names]
    assert not missing
    assert not any(name.startswith("tests/") for name in names)
