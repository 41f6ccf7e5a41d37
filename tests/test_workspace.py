"""`skillkit init`: a workspace that validates as made and picks up the user's edits."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from skillkit.bundled import bundled_file
from skillkit.pipeline import load_standards, record_rules
from skillkit.records import load_records
from skillkit.workspace import FRAMEWORK, RUBRIC, workspace_files
from tests.conftest import RunCli

EXPECTED = {
    "competencies/account-management.yaml",
    "rubrics/quarterly-review.yaml",
    "data/people.csv",
    "data/ratings.csv",
    "data/kpis.csv",
    "data/promotions.csv",
    "README.md",
}
# FORMATS.md's columns for each input file.
HEADERS = {
    "data/people.csv": [
        "employee_id",
        "name",
        "role",
        "team",
        "manager_id",
        "hire_date",
        "role_start",
    ],
    "data/ratings.csv": [
        "period",
        "employee_id",
        "rater_id",
        "source",
        "competency",
        "rating",
        "comment",
    ],
    "data/kpis.csv": ["period", "employee_id", "kpi", "value"],
    "data/promotions.csv": ["employee_id", "period", "from_role", "to_role"],
}


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def standards(workspace: Path) -> list[str]:
    return ["--framework", str(workspace / FRAMEWORK), "--rubric", str(workspace / RUBRIC)]


def test_init_writes_exactly_the_workspace(tmp_path: Path, run_cli: RunCli) -> None:
    workspace = tmp_path / "agency"
    result = run_cli(["init", str(workspace)])
    written = files_under(workspace)
    assert set(written) == EXPECTED
    assert written == workspace_files()
    assert (
        written[FRAMEWORK] == bundled_file("competencies", "account-management.yaml").read_bytes()
    )
    assert written[RUBRIC] == bundled_file("rubrics", "quarterly-review.yaml").read_bytes()
    assert f"Created a skillkit workspace in {workspace}: 7 files." in result.stdout
    assert "skillkit validate data --framework competencies/account-management.yaml" in (
        result.stdout
    )


def test_every_input_file_has_its_header_and_one_example_row() -> None:
    files = workspace_files()
    for name, header in HEADERS.items():
        rows = list(csv.reader(io.StringIO(files[name].decode("utf-8"))))
        assert rows[0] == header, name
        assert len(rows) == 2 and all(cell.strip() for cell in rows[1][:3]), name


def test_the_example_rows_load_without_problems_or_warnings(tmp_path: Path) -> None:
    for name, content in workspace_files().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    framework, rubric = load_standards(tmp_path / FRAMEWORK, tmp_path / RUBRIC)
    records = load_records(tmp_path / "data", record_rules(framework, rubric))
    assert records.warnings == ()
    assert list(records.people["employee_id"]) == ["E001"]
    assert (len(records.ratings), len(records.kpis), len(records.promotions)) == (1, 1, 1)


def test_validate_passes_on_a_new_workspace(tmp_path: Path, run_cli: RunCli) -> None:
    workspace = tmp_path / "agency"
    run_cli(["init", str(workspace)])
    result = run_cli(["validate", str(workspace / "data"), *standards(workspace)])
    assert "1 people, 1 ratings over 1 quarters: ok" in result.stdout
    assert result.stderr == ""


def test_edits_to_the_copied_standards_are_picked_up(tmp_path: Path, run_cli: RunCli) -> None:
    workspace = tmp_path / "agency"
    run_cli(["init", str(workspace)])
    framework = workspace / FRAMEWORK
    text = framework.read_text(encoding="utf-8")
    framework.write_text(text.replace('version: "1.0.0"', 'version: "2027.1"', 1), "utf-8")
    result = run_cli(["validate", str(workspace / "data"), *standards(workspace)])
    assert "framework account-management 2027.1: 10 competencies" in result.stdout
    # A broken edit is caught in the copy, with its line, not silently replaced by the bundle.
    framework.write_text(text.replace("levels:", "levles:", 1), "utf-8")
    result = run_cli(["validate", *standards(workspace)], expect=2)
    assert str(framework) in result.stderr and "levles" in result.stderr


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, run_cli: RunCli) -> None:
    workspace = tmp_path / "agency"
    (workspace / "data").mkdir(parents=True)
    (workspace / "data" / "people.csv").write_text("employee_id,name,role\nX,Our own,ae\n")
    (workspace / "notes.txt").write_text("mine\n")
    before = files_under(workspace)
    result = run_cli(["init", str(workspace)], expect=2)
    assert (
        f"{workspace}: the folder is not empty; pass --force to write the workspace into it "
        "(would overwrite data/people.csv; other files are left alone)"
    ) in result.stderr
    assert files_under(workspace) == before
    assert sorted(p.name for p in workspace.iterdir()) == ["data", "notes.txt"]


def test_init_into_an_empty_existing_folder_needs_no_force(tmp_path: Path, run_cli: RunCli) -> None:
    run_cli(["init", str(tmp_path)])
    assert set(files_under(tmp_path)) == EXPECTED


def test_force_overwrites_the_workspace_files_and_keeps_the_rest(
    tmp_path: Path, run_cli: RunCli
) -> None:
    workspace = tmp_path / "agency"
    run_cli(["init", str(workspace)])
    (workspace / FRAMEWORK).write_text("edited\n", encoding="utf-8")
    (workspace / "notes.txt").write_text("mine\n", encoding="utf-8")
    run_cli(["init", str(workspace)], expect=2)
    assert (workspace / FRAMEWORK).read_text(encoding="utf-8") == "edited\n"
    run_cli(["init", str(workspace), "--force"])
    assert files_under(workspace) == {**workspace_files(), "notes.txt": b"mine\n"}


def test_init_never_shares_a_folder_with_reports(tmp_path: Path, run_cli: RunCli) -> None:
    reports = tmp_path / "reports"
    (reports / "people").mkdir(parents=True)
    (reports / "people" / "A1.html").write_text("<p>A1</p>", encoding="utf-8")
    (reports / "manifest.json").write_text('{"pages": ["people/A1.html"]}', encoding="utf-8")
    result = run_cli(["init", str(reports), "--force"], expect=2)
    assert "holds a review's reports (manifest.json)" in result.stderr
    assert (reports / "people" / "A1.html").is_file()
    assert not (reports / "README.md").exists()


def test_init_into_a_file_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    result = run_cli(["init", str(target)], expect=2)
    assert "is a file" in result.stderr


def test_the_readme_walks_through_the_quarter() -> None:
    readme = workspace_files()["README.md"].decode("utf-8")
    steps = ["skillkit validate", "skillkit template", "skillkit collect", "skillkit self-assess"]
    steps += ["skillkit review data", "skillkit readiness data"]
    positions = [readme.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "--format xlsx -o reports/readiness.xlsx" in readme
    assert f"--framework {FRAMEWORK}" in readme and f"--rubric {RUBRIC}" in readme
