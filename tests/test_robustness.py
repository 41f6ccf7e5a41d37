"""Odd but possible inputs end in a clear message and exit 2, or a sound review: never a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, RunCli
from tests.test_cli import write_small_agency


def blank_ratings(folder: Path, keep: str = "") -> None:
    """Empty every rating cell, except on rows whose source is `keep`."""
    lines = (folder / "ratings.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[3] != keep:
            cells[5] = ""
        out.append(",".join(cells))
    (folder / "ratings.csv").write_text("\n".join(out) + "\n", encoding="utf-8")


def test_a_quarter_of_only_empty_ratings_is_not_reviewed(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    blank_ratings(data)
    result = run_cli(["review", str(data), "--out", str(tmp_path / "out")], expect=2)
    assert "no observed rating to review" in result.stderr


def test_only_self_ratings_give_insufficient_evidence_not_a_crash(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    blank_ratings(data, keep="self")
    (data / "kpis.csv").unlink()
    run_cli(["review", str(data), "--out", str(tmp_path / "out"), "--no-html"])
    readiness = (tmp_path / "out" / "readiness.csv").read_text(encoding="utf-8")
    assert readiness.count("insufficient-evidence") == 3  # all three people
    assert "No ratings by others" in readiness


def test_nobody_employed_by_the_quarter_is_an_input_error(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    people = (data / "people.csv").read_text(encoding="utf-8")
    people = people.replace("2015-02-01", "2027-01-01").replace("2018-05-01", "2027-01-01")
    (data / "people.csv").write_text(
        people.replace("2024-03-01,2024", "2027-01-01,2024"), encoding="utf-8"
    )
    result = run_cli(["review", str(data), "--out", str(tmp_path / "out")], expect=2)
    assert "hire_date: nobody in the people table was employed by 2026Q3" in result.stderr


def test_an_output_folder_that_cannot_be_made_is_an_input_error(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = run_cli(["review", str(data), "--out", str(blocker / "sub")], expect=2)
    assert f"{blocker / 'sub'}: --out: cannot write here:" in result.stderr


def test_a_negative_seed_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    run_cli(["demo", "--out", str(tmp_path), "--seed", "-5"], expect=2)


def test_a_bad_source_date_epoch_is_reported(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = write_small_agency(tmp_path / "data")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1.5")
    result = run_cli(["review", str(data), "--out", str(tmp_path / "out")], expect=2)
    assert "SOURCE_DATE_EPOCH: expected whole seconds since 1970, got '1.5'" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  max: 5\n", "  max: .inf\n", "scale.max: expected a finite number"),
        (
            "gates: [client-understanding, commercial-acumen, motivation]",
            "gates: -1",
            "readiness.rules.account-director.gates: expected a list, got -1",
        ),
    ],
)
def test_odd_rubric_values_are_located_errors(
    tmp_path: Path, run_cli: RunCli, old: str, new: str, message: str
) -> None:
    text = (ROOT / "rubrics" / "quarterly-review.yaml").read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / "rubric.yaml"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_cli(["validate", "--rubric", str(copy)], expect=2)
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_installed_console_script_prints_the_version() -> None:
    import subprocess

    from skillkit import __version__

    script = shutil.which("skillkit")
    if script is None:
        pytest.skip("skillkit is not installed as a console script")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"skillkit, version {__version__}"
