"""`review --skip-invalid` sets bad rows aside with reasons; `--max-file-mb` refuses big files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import RunCli
from tests.test_cli import write_small_agency

HEADER = ["file", "line", "column", "reason", "row"]


def with_bad_rows(folder: Path) -> Path:
    """The small agency plus a person with an unknown role, and two bad ratings."""
    data = write_small_agency(folder)
    with (data / "people.csv").open("a", encoding="utf-8") as people:
        people.write("X1,Xenia Broken,account-wizard,Retail,M1,2024-01-01,\n")  # line 5
    with (data / "ratings.csv").open("a", encoding="utf-8") as ratings:
        ratings.write("2026Q3,A1,P7,peer,communication,9,\n")  # line 82: off the scale
        ratings.write("2026Q3,X1,M1,manager,communication,3,\n")  # line 83: rates the rejected X1
        ratings.write("2026Q3,A1,P8,peer,negotation,3,=HYPERLINK()\n")  # line 84: a typo
    return data


def rejected(out: Path) -> list[dict[str, str]]:
    with (out / "rejected.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_without_the_flag_bad_rows_stop_the_review_and_nothing_is_written(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = with_bad_rows(tmp_path / "data")
    out = tmp_path / "out"
    result = run_cli(["review", str(data), "--out", str(out)], expect=2)
    assert f"{data / 'people.csv'}:5: role: unknown role 'account-wizard'" in result.stderr
    assert f"{data / 'ratings.csv'}:82: rating: expected a number from 1 to 5" in result.stderr
    assert not out.exists()


def test_with_the_flag_each_bad_row_is_listed_with_its_reason_and_the_rest_reviewed(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = with_bad_rows(tmp_path / "data")
    out = tmp_path / "out"
    result = run_cli(["review", str(data), "--out", str(out), "--skip-invalid"])
    rows = rejected(out)
    assert list(rows[0]) == HEADER
    found = [(Path(r["file"]).name, r["line"], r["column"], r["reason"]) for r in rows]
    assert found == [
        ("people.csv", "5", "role", "unknown role 'account-wizard' (known: account-coordinator, "
         "account-director, account-executive, account-manager, group-account-director, "
         "senior-account-executive)"),
        ("ratings.csv", "82", "rating", "expected a number from 1 to 5 in steps of 0.5, got '9'"),
        # Set aside on the second pass: the person it rates was set aside on the first.
        ("ratings.csv", "83", "employee_id", "unknown employee 'X1' (not in people.csv)"),
        ("ratings.csv", "84", "competency", "unknown competency 'negotation' (known: "
         "business-development, campaign-delivery, client-understanding, commercial-acumen, "
         "communication, effectiveness, motivation, negotiation, relationship-management, "
         "strategic-advice)"),
    ]  # fmt: skip
    # Nothing is lost: the row's cells travel with it, made safe for a spreadsheet.
    assert rows[0]["row"].startswith("employee_id=X1; name=Xenia Broken; role=account-wizard")
    assert rows[3]["row"].endswith("comment==HYPERLINK()")
    assert "set aside 4 rows with problems" in result.stderr
    assert f"rejected: {data / 'ratings.csv'}:82: rating:" in result.stderr
    # The review went ahead without them.
    readiness = (out / "readiness.csv").read_text(encoding="utf-8")
    assert "X1" not in readiness and "A1" in readiness
    scores = list(csv.DictReader((out / "scores.csv").open(encoding="utf-8")))
    a1 = [r for r in scores if r["employee_id"] == "A1" and r["period"] == "2026Q3"]
    communication = next(r for r in a1 if r["competency"] == "communication")
    assert communication["n_raters"] == "1"  # the peer's 9 is not in it
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rejected_rows"] == 4


def test_the_hr_page_lists_the_rows_set_aside(tmp_path: Path, run_cli: RunCli) -> None:
    data = with_bad_rows(tmp_path / "data")
    out = tmp_path / "out"
    run_cli(["review", str(data), "--out", str(out), "--skip-invalid", "--lang", "ru"])
    org = (out / "index.html").read_text(encoding="utf-8")
    assert "Отложенные строки" in org
    assert "Строк с ошибками, не вошедших в этот обзор (--skip-invalid): 4" in org
    assert f'<th scope="row">{data / "ratings.csv"}:82</th><td>rating</td>' in org
    # The cells stay in rejected.csv: a comment is not for the organisation page.
    assert "HYPERLINK" not in org


def test_a_problem_that_is_not_about_one_row_still_stops_the_review(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = with_bad_rows(tmp_path / "data")
    text = (data / "ratings.csv").read_text(encoding="utf-8")
    (data / "ratings.csv").write_text(text.replace(",source,", ",origin,", 1), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(["review", str(data), "--out", str(out), "--skip-invalid"], expect=2)
    assert "1: header: missing required column 'source'" in result.stderr
    assert not out.exists()


def test_a_clean_run_with_the_flag_says_nothing_was_set_aside_and_a_strict_run_drops_the_list(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    out = tmp_path / "out"
    run_cli(["review", str(data), "--out", str(out), "--skip-invalid"])
    assert rejected(out) == []
    assert "nothing was set aside" in (out / "index.html").read_text(encoding="utf-8")
    # A later run without the flag owns no rejected.csv: the old one must not linger.
    run_cli(["review", str(data), "--out", str(out)])
    assert not (out / "rejected.csv").exists()
    assert "Rows set aside" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_file_over_the_configured_limit_is_refused_before_it_is_read(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    assert (data / "ratings.csv").stat().st_size < 1 << 20  # a few KiB: under the limit
    run_cli(["validate", str(data), "--max-file-mb", "1"])
    with (data / "ratings.csv").open("a", encoding="utf-8") as ratings:
        ratings.write("#" * (1 << 20) + "\n")  # now over 1 MiB
    big = (data / "ratings.csv").stat().st_size
    result = run_cli(["review", str(data), "--out", str(tmp_path / "out"), "--max-file-mb", "1"], 2)
    expected = f"{data / 'ratings.csv'}: file is {big:,} bytes; the limit is 1 MiB (--max-file-mb)"
    assert expected in result.stderr
    assert not (tmp_path / "out").exists()
