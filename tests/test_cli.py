"""The command line: review, validate and demo as FORMATS.md promises, with exit codes 0/2."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import (
    COMPETENCIES,
    FORMATS_READINESS_COLUMNS,
    FORMATS_SCORE_COLUMNS,
    ROOT,
    RunCli,
)

PEOPLE = """employee_id,name,role,team,manager_id,hire_date,role_start
D1,Dana Director,account-director,Retail,,2015-02-01,2020-01-01
M1,Mark Manager,account-manager,Retail,D1,2018-05-01,2023-01-01
A1,Alla Executive,account-executive,Retail,M1,2024-03-01,2024-03-01
"""


def write_small_agency(folder: Path) -> Path:
    """Three people over two quarters, written the way a spreadsheet would export them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    rows = ["period,employee_id,rater_id,source,competency,rating,comment"]
    for period in ("2026Q2", "2026Q3"):
        for competency in COMPETENCIES:
            rows.append(f"{period},M1,D1,manager,{competency},4,")
            rows.append(f"{period},M1,M1,self,{competency},4.5,")
            rows.append(f"{period},A1,M1,manager,{competency},2.5,")
            rows.append(f"{period},D1,G9,manager,{competency},4,")
    rows.append("2026Q3,A1,M1,manager,communication,3,clear contact reports")
    rows = [r for r in rows if r != "2026Q3,A1,M1,manager,communication,2.5,"]
    (folder / "ratings.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "kpis.csv").write_text(
        "period,employee_id,kpi,value\n2026Q2,M1,client_retention,93\n"
        "2026Q3,M1,client_retention,91\n",
        encoding="utf-8",
    )
    return folder


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_review_of_a_small_hand_written_folder(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    out = tmp_path / "out"
    run_cli(["review", str(data), "--out", str(out)])
    scores = read_csv(out / "scores.csv")
    assert list(scores[0]) == FORMATS_SCORE_COLUMNS
    assert len(scores) == 2 * 3 * 10
    row = next(
        r
        for r in scores
        if r["period"] == "2026Q3"
        and r["employee_id"] == "A1"
        and r["competency"] == "communication"
    )
    assert (row["score"], row["level"], row["target_level"], row["gap"]) == ("3.0", "3", "2", "-1")
    readiness = {r["employee_id"]: r for r in read_csv(out / "readiness.csv")}
    assert list(next(iter(readiness.values())))[:7] == FORMATS_READINESS_COLUMNS
    assert readiness["M1"]["target_role"] == "account-director"
    assert readiness["M1"]["band"] == "ready-now"
    assert readiness["D1"]["target_role"] == "group-account-director"
    assert (
        readiness["A1"]["band"] == "not-yet" and "motivation" in readiness["A1"]["reasons"].lower()
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["periods"] == ["2026Q2", "2026Q3"] and manifest["period"] == "2026Q3"
    assert set(manifest["inputs"]) >= {"people.csv", "ratings.csv", "kpis.csv"}
    assert all(len(digest) == 64 for digest in manifest["inputs"].values())
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in (out / "people").iterdir()) == ["A1.html", "D1.html", "M1.html"]
    assert [p.name for p in (out / "teams").iterdir()] == ["Retail.html"]


def test_review_in_russian_words_the_reasons_in_russian(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    run_cli(["review", str(data), "--out", str(tmp_path / "out"), "--lang", "ru", "--no-html"])
    readiness = {r["employee_id"]: r for r in read_csv(tmp_path / "out" / "readiness.csv")}
    assert "Мотивация" in readiness["A1"]["reasons"] or "мотивац" in readiness["A1"]["reasons"]
    assert not (tmp_path / "out" / "index.html").exists()


def test_bad_rows_exit_2_with_file_and_line_and_write_nothing(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    ratings = data / "ratings.csv"
    lines = ratings.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",2.5,", ",9,")
    ratings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(["review", str(data), "--out", str(out)], expect=2)
    assert f"{ratings}:4: rating:" in result.stderr and "'9'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_period_flag_reviews_an_earlier_quarter(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    run_cli(
        ["review", str(data), "--out", str(tmp_path / "out"), "--period", "2026Q2", "--no-html"]
    )
    scores = read_csv(tmp_path / "out" / "scores.csv")
    assert {r["period"] for r in scores} == {"2026Q2"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-Q3"], "--period: expected a quarter like 2026Q3, got '2026-Q3'"),
        (
            ["--period", "2024Q1"],
            "--period: no ratings in 2024Q1 (periods in the data: 2026Q2, 2026Q3)",
        ),
        (["--target", "ceo"], "--target: unknown role 'ceo'"),
    ],
)
def test_bad_flags_are_usage_errors(
    tmp_path: Path, run_cli: RunCli, args: list[str], message: str
) -> None:
    data = write_small_agency(tmp_path / "data")
    result = run_cli(["review", str(data), "--out", str(tmp_path / "out"), *args], expect=2)
    assert message in result.stderr


def test_validate_accepts_the_bundled_files(run_cli: RunCli) -> None:
    result = run_cli(["validate"])
    assert "framework account-management 1.0.0: 10 competencies, 6 roles: ok" in result.stdout
    assert "rubric quarterly-review 1.0.0: 6 KPIs" in result.stdout


def test_validate_checks_a_data_folder(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    result = run_cli(["validate", str(data)])
    assert "3 people" in result.stdout and "over 2 quarters: ok" in result.stdout


def test_validate_reports_a_typo_in_a_framework_copy_with_exit_2(
    tmp_path: Path, run_cli: RunCli
) -> None:
    copy = tmp_path / "framework.yaml"
    text = (ROOT / "competencies" / "account-management.yaml").read_text(encoding="utf-8")
    copy.write_text(text.replace("    levels:", "    levles:", 1), encoding="utf-8")
    line = copy.read_text(encoding="utf-8").splitlines().index("    levles:") + 1
    result = run_cli(["validate", "--framework", str(copy)], expect=2)
    assert result.stderr.startswith(f"{copy}:{line}: competencies[0].levles: unknown key")


def test_the_same_seed_gives_identical_csvs(tmp_path: Path, run_cli: RunCli) -> None:
    for name in ("a", "b"):
        run_cli(
            [
                "demo",
                "--out",
                str(tmp_path / name),
                "--people",
                "24",
                "--quarters",
                "4",
                "--seed",
                "11",
                "--quiet",
            ]
        )
    for table in ("scores.csv", "readiness.csv", "data/ratings.csv"):
        assert (tmp_path / "a" / table).read_bytes() == (tmp_path / "b" / table).read_bytes()
    run_cli(
        [
            "demo",
            "--out",
            str(tmp_path / "c"),
            "--people",
            "24",
            "--quarters",
            "4",
            "--seed",
            "12",
            "--quiet",
        ]
    )
    assert (tmp_path / "c" / "scores.csv").read_bytes() != (
        tmp_path / "a" / "scores.csv"
    ).read_bytes()


def test_help_is_fast_because_heavy_imports_wait() -> None:
    # Not a timing assertion: pandas must simply not be imported to print --help.
    code = (
        "import sys; from skillkit.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'pandas' not in sys.modules, 'pandas imported by --help'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_a_rerun_removes_the_pages_of_people_who_left(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    out = tmp_path / "out"
    run_cli(["review", str(data), "--out", str(out), "--quiet"])
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    people = (data / "people.csv").read_text(encoding="utf-8").splitlines()
    (data / "people.csv").write_text("\n".join(people[:3]) + "\n", encoding="utf-8")
    ratings = [
        r
        for r in (data / "ratings.csv").read_text(encoding="utf-8").splitlines()
        if ",A1," not in r
    ]
    (data / "ratings.csv").write_text("\n".join(ratings) + "\n", encoding="utf-8")
    run_cli(["review", str(data), "--out", str(out), "--quiet"])
    assert sorted(p.name for p in (out / "people").iterdir()) == ["D1.html", "M1.html"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_csv_cells_never_start_a_spreadsheet_formula(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    people = (data / "people.csv").read_text(encoding="utf-8")
    (data / "people.csv").write_text(
        people.replace("Alla Executive", "=HYPERLINK(1)"), encoding="utf-8"
    )
    run_cli(["review", str(data), "--out", str(tmp_path / "out"), "--no-html"])
    readiness = read_csv(tmp_path / "out" / "readiness.csv")
    assert next(r for r in readiness if r["employee_id"] == "A1")["name"] == "'=HYPERLINK(1)"


def test_a_promotion_history_that_contradicts_people_csv_is_warned(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    (data / "promotions.csv").write_text(
        "employee_id,period,from_role,to_role\nM1,2026Q2,account-manager,account-director\n",
        encoding="utf-8",
    )
    result = run_cli(["review", str(data), "--out", str(tmp_path / "out"), "--no-html"])
    assert (
        f"warning: {data / 'promotions.csv'}: M1: the latest promotion (2026Q2) is to "
        "'account-director', but the people table gives the role 'account-manager'"
    ) in result.stderr
