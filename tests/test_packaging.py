"""A non-editable install carries the bundled framework and rubric and works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_the_wheel_ships_the_standards_and_templates_and_runs_elsewhere(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "wheel"),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = (tmp_path / "wheel").glob("skillkit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "skillkit/bundled/competencies/account-management.yaml",
        "skillkit/bundled/rubrics/quarterly-review.yaml",
        "skillkit/report/templates/person.html",
    } <= names
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import skillkit.bundled as b, sys; from skillkit.cli import main\n"
        "print(b.bundled_file('rubrics', 'quarterly-review.yaml'))\n"
        "main(['validate'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(site))
    assert "framework account-management 1.0.0: 10 competencies, 6 roles: ok" in result.stdout
