"""`skillkit score` and `skillkit readiness`: the review's tables for terminals and HR systems."""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from skillkit import exports, terminal_exports, terminal_table
from skillkit.cli import main
from skillkit.pipeline import Assessment, review
from tests.conftest import FORMATS_SCORE_COLUMNS, RunCli
from tests.test_cli import PEOPLE, write_small_agency

BOM = b"\xef\xbb\xbf"


def as_exported(review_csv: Path) -> bytes:
    """A review's CSV as `score`/`readiness` write it: a BOM first, CRLF rows."""
    return BOM + review_csv.read_bytes().replace(b"\n", b"\r\n")


HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd", "-1+1", "@SUM(1)", "\tindented", "\rreturned"]


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small agency of test_cli, reviewed once into OUT (CSV outputs only)."""
    root = tmp_path_factory.mktemp("agency")
    data = write_small_agency(root / "data")
    args = ["review", str(data), "--out", str(root / "out"), "--no-html", "--no-model"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def assessment(agency: Path) -> Assessment:
    """The same review, in memory."""
    return review(agency / "data", model=False)


def write_people(folder: Path, people: str) -> Path:
    """The small agency with another people.csv."""
    data = write_small_agency(folder)
    (data / "people.csv").write_text(people, encoding="utf-8")
    return data


def plain(value: Any) -> Any:
    """A cell as it reads back from any format: None when empty, a float when a number."""
    if value is None or value is pd.NA or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real):
        return None if math.isnan(value) else float(value)
    return str(value)


def plain_rows(table: pd.DataFrame) -> list[list[Any]]:
    """The table's rows as plain cells, header first."""
    rows = [[plain(v) for v in row] for row in table.astype(object).itertuples(index=False)]
    return [list(table.columns), *rows]


def csv_rows(content: bytes) -> list[list[str]]:
    """CSV bytes as written by exports (a BOM, then UTF-8) parsed by the standard library."""
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_sheet(content: bytes) -> Any:
    """The one sheet of a workbook."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def guarded(text: str) -> str:
    """What a spreadsheet must receive for a text cell: formulas defused with a leading quote."""
    return "'" + text if text[:1] in "=+-@\t\r" else text


# --- the tables are the review's tables ---------------------------------------------------------


def test_tables_are_the_review_csvs(agency: Path, assessment: Assessment) -> None:
    out = agency / "out"
    every_quarter = exports.score_rows(assessment, all_periods=True)
    assert exports.csv_bytes(every_quarter) == as_exported(out / "scores.csv")
    readiness = exports.readiness_rows(assessment, "en")
    assert exports.csv_bytes(readiness) == as_exported(out / "readiness.csv")
    latest = exports.score_rows(assessment)
    assert list(latest.columns) == FORMATS_SCORE_COLUMNS
    expected = pd.read_csv(out / "scores.csv").query("period == '2026Q3'")
    assert plain_rows(latest) == plain_rows(expected.reset_index(drop=True))


def test_cli_csv_on_stdout_is_the_review_csv(agency: Path, run_cli: RunCli) -> None:
    data, out = str(agency / "data"), agency / "out"
    result = run_cli(["score", data, "--all-periods", "--format", "csv"])
    assert result.stdout_bytes == as_exported(out / "scores.csv")
    result = run_cli(["readiness", data, "--format", "csv", "--no-model"])
    assert result.stdout_bytes == as_exported(out / "readiness.csv")


@pytest.mark.parametrize("kind", ["score", "readiness"])
def test_csv_xlsx_and_json_read_back_as_the_table(
    tmp_path: Path, agency: Path, assessment: Assessment, run_cli: RunCli, kind: str
) -> None:
    table = (
        exports.score_rows(assessment, all_periods=True)
        if kind == "score"
        else exports.readiness_rows(assessment, "ru")
    )
    expected = plain_rows(table)
    extra = ["--all-periods"] if kind == "score" else ["--lang", "ru", "--no-model"]
    for suffix in ("csv", "xlsx", "json"):
        target = tmp_path / f"{kind}.{suffix}"
        result = run_cli([kind, str(agency / "data"), *extra, "-o", str(target)])
        assert f"Wrote {len(table)} {kind} rows to {target}" in result.stdout
    assert csv_rows((tmp_path / f"{kind}.csv").read_bytes())[0] == list(table.columns)
    back = pd.read_csv(tmp_path / f"{kind}.csv", encoding="utf-8-sig")
    assert plain_rows(back) == expected
    sheet = xlsx_sheet((tmp_path / f"{kind}.xlsx").read_bytes())
    assert sheet.title == kind and sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert [[plain(v) for v in row] for row in sheet.iter_rows(values_only=True)] == expected
    back = pd.read_excel(tmp_path / f"{kind}.xlsx")
    assert plain_rows(back) == expected
    records = json.loads((tmp_path / f"{kind}.json").read_text(encoding="utf-8"))
    assert [list(records[0]), *([plain(v) for v in r.values()] for r in records)] == expected
    back = pd.read_json(tmp_path / f"{kind}.json", orient="records", dtype=False)
    assert list(back.columns) == list(table.columns) and len(back) == len(table)


def test_numbers_stay_numbers_in_the_workbook(assessment: Assessment) -> None:
    sheet = xlsx_sheet(exports.xlsx_bytes(exports.score_rows(assessment), "score"))
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        for column in ("score", "level", "target_level", "gap", "n_raters", "ci_low"):
            assert cells[column].data_type == "n", (column, cells[column].value)
    gaps = [row[header.index("gap")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert -1 in gaps  # Alla's communication is above target: a negative gap, as a number


def test_json_is_utf8_with_nulls(assessment: Assessment) -> None:
    content = exports.json_bytes(exports.readiness_rows(assessment, "ru"))
    text = content.decode("utf-8")
    assert "Понимание" in text and "\\u" not in text and "NaN" not in text
    records = {r["employee_id"]: r for r in json.loads(text)}
    assert records["M1"]["quarters_to_ready"] == 0
    assert records["A1"]["quarters_to_ready"] is None
    assert records["A1"]["promotion_probability"] is None


def test_the_workbook_is_reproducible(assessment: Assessment) -> None:
    table = exports.readiness_rows(assessment, "en")
    first = exports.xlsx_bytes(table, "readiness", generated_at="2026-10-01T09:00:00Z")
    assert first == exports.xlsx_bytes(table, "readiness", generated_at="2026-10-01T09:00:00Z")
    assert first != exports.xlsx_bytes(table, "readiness", generated_at="2026-10-02T09:00:00Z")
    workbook = openpyxl.load_workbook(io.BytesIO(first))
    assert workbook.properties.modified.isoformat() == "2026-10-01T09:00:00"


# --- formula injection ----------------------------------------------------------------------


def hostile_table() -> pd.DataFrame:
    """Text that spreadsheets would run, beside negative numbers that must stay numbers."""
    return pd.DataFrame(
        {
            "name": pd.Series(HOSTILE, dtype="str"),
            "gap": pd.array([-1, 2, -3, 0, -1, None], dtype="Int64"),
            "score": [-0.5, 1.25, -2.0, 3.0, float("nan"), -4.75],
            "note": pd.Series(["plain", *HOSTILE[1:]], dtype=object),
        }
    )


def test_hostile_text_is_neutralised_in_csv(tmp_path: Path) -> None:
    table = hostile_table()
    rows = csv_rows(exports.csv_bytes(table))
    assert rows[0] == ["name", "gap", "score", "note"]
    assert [r[0] for r in rows[1:]] == [guarded(v) for v in HOSTILE]
    assert [r[3] for r in rows[1:]] == ["plain", *(guarded(v) for v in HOSTILE[1:])]
    assert [r[1] for r in rows[1:]] == ["-1", "2", "-3", "0", "-1", ""]
    assert [r[2] for r in rows[1:]] == ["-0.5", "1.25", "-2.0", "3.0", "", "-4.75"]


def test_hostile_text_is_neutralised_in_xlsx() -> None:
    sheet = xlsx_sheet(exports.xlsx_bytes(hostile_table(), "hostile"))
    rows = list(sheet.iter_rows(min_row=2))
    # XML reads a raw carriage return back as a line feed; the guarding quote is what matters.
    expected = [guarded(v).replace("\r", "\n") for v in HOSTILE]
    assert [r[0].value for r in rows] == expected
    assert all(r[0].data_type == "s" for r in rows)  # text, never a formula
    assert [r[1].value for r in rows] == [-1, 2, -3, 0, -1, None]
    assert [r[2].value for r in rows] == [-0.5, 1.25, -2.0, 3.0, None, -4.75]
    assert all(r[1].data_type == "n" and r[2].data_type == "n" for r in rows)


def test_json_keeps_hostile_text_raw() -> None:
    records = json.loads(exports.json_bytes(hostile_table()))
    assert [r["name"] for r in records] == HOSTILE
    assert [r["gap"] for r in records] == [-1, 2, -3, 0, -1, None]
    assert records[4]["score"] is None


def test_hostile_names_from_the_data_are_neutralised_end_to_end(
    tmp_path: Path, run_cli: RunCli
) -> None:
    people = (
        PEOPLE.replace("Dana Director", '"=HYPERLINK(""http://x"",""y"")"')
        .replace("Mark Manager", "+cmd")
        .replace("Alla Executive", "-1+1")
        .replace("Retail", "@SUM(1)")
    )
    data = write_people(tmp_path / "data", people)
    result = run_cli(["readiness", str(data), "--format", "csv", "--no-model"])
    rows = {r[0]: r for r in csv_rows(result.stdout_bytes)[1:]}
    assert rows["D1"][1] == "'" + '=HYPERLINK("http://x","y")'
    assert (rows["M1"][1], rows["A1"][1]) == ("'+cmd", "'-1+1")
    target = tmp_path / "readiness.xlsx"
    run_cli(["readiness", str(data), "--no-model", "-o", str(target)])
    sheet = xlsx_sheet(target.read_bytes())
    header = [c.value for c in sheet[1]]
    names = {r[0].value: r[header.index("name")] for r in sheet.iter_rows(min_row=2)}
    assert names["D1"].value == "'" + '=HYPERLINK("http://x","y")'
    assert names["A1"].value == "'-1+1" and names["A1"].data_type == "s"
    teams = {r[0].value: r[header.index("team")].value for r in sheet.iter_rows(min_row=2)}
    assert set(teams.values()) == {"'@SUM(1)"}
    json_rows = json.loads(
        run_cli(["readiness", str(data), "--format", "json", "--no-model"]).stdout
    )
    assert {r["employee_id"]: r["name"] for r in json_rows}["M1"] == "+cmd"


# --- the terminal ---------------------------------------------------------------------------


CYRILLIC = "Алла Исполнительная-Долгорукова"


@pytest.fixture(scope="module")
def cyrillic(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    """The small agency with a long Cyrillic name."""
    folder = tmp_path_factory.mktemp("cyrillic") / "data"
    data = write_people(folder, PEOPLE.replace("Alla Executive", CYRILLIC))
    return review(data, model=False)


@pytest.mark.parametrize("width", [40, 60, 80, 100, 160])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_terminal_tables_fit_their_width(cyrillic: Assessment, width: int, lang: str) -> None:
    language = "ru" if lang == "ru" else "en"
    for text in (
        terminal_exports.readiness_text(
            cyrillic, exports.readiness_rows(cyrillic, language), language, width
        ),
        terminal_exports.scores_text(cyrillic, exports.score_rows(cyrillic), language, width),
        terminal_exports.scores_text(
            cyrillic, exports.score_rows(cyrillic, all_periods=True), language, width
        ),
    ):
        widths = [terminal_table.display_width(line) for line in text.splitlines()]
        assert max(widths) <= width, text
        assert len(text.splitlines()) >= 5


def test_terminal_tables_show_cyrillic_names_intact_when_there_is_room(
    cyrillic: Assessment,
) -> None:
    readiness = terminal_exports.readiness_text(
        cyrillic, exports.readiness_rows(cyrillic, "ru"), "ru", 160
    )
    assert CYRILLIC in readiness
    grid = terminal_exports.scores_text(cyrillic, exports.score_rows(cyrillic), "ru", 120)
    row = next(line for line in grid.splitlines() if line.startswith("A1 "))
    assert CYRILLIC in row and row.split()[-10:] == [
        "2/2", "3/2", "2/2", "2/2", "2/2", "2/2", "2/2", "2/1", "2/2", "2/2",
    ]  # fmt: skip
    narrow = terminal_exports.readiness_text(
        cyrillic, exports.readiness_rows(cyrillic, "ru"), "ru", 70
    )
    row = next(line for line in narrow.splitlines() if line.startswith("A1 "))
    cut = row.split("  ")[1].strip()
    assert cut.endswith("…") and CYRILLIC.startswith(cut[:-1]) and len(cut) >= 6


def test_readiness_lists_the_readiest_first_with_numbers_right_aligned(
    assessment: Assessment,
) -> None:
    text = terminal_exports.readiness_text(
        assessment, exports.readiness_rows(assessment, "en"), "en", 160
    )
    lines = text.splitlines()
    assert lines[0] == "Readiness for Account director, 2026Q3: 3 people"
    assert lines[1].split()[:4] == ["ID", "Name", "Role", "Target"]
    body = lines[3:]
    assert [line.split()[0] for line in body] == ["M1", "A1", "D1"]
    ready, not_yet = body[0], body[1]
    assert "Ready now" in ready and "2026Q3" in ready
    assert ready.index("100%") + 4 == not_yet.index("0%") + 2  # right-aligned
    assert "Client understanding is at level 2" in not_yet


def test_narrow_terminals_get_one_line_per_competency(assessment: Assessment) -> None:
    text = terminal_exports.scores_text(assessment, exports.score_rows(assessment), "en", 50)
    assert "Communication" in text and "CU " not in text
    row = next(line for line in text.splitlines() if "Communication" in line and "A1" in line)
    assert row.split()[-2:] == ["3/2", "-1"]


def test_terminal_text_cannot_carry_control_sequences() -> None:
    columns = [
        terminal_table.Column("Name", shrinks=True),
        terminal_table.Column("N", numeric=True),
    ]
    text = terminal_table.render_table(columns, [["Eve\x1b[2J\u202e", "7"]], 30)
    assert "\x1b" not in text and "\u202e" not in text and "Eve\ufffd[2J\ufffd" in text


def test_truncate_and_width_count_characters_not_bytes() -> None:
    assert terminal_table.display_width("Алла") == 4
    assert terminal_table.display_width("日本") == 4
    assert terminal_table.truncate("Исполнительная", 6) == "Испол…"
    assert terminal_table.truncate("Алла", 4) == "Алла"


def test_abbreviations_are_unique() -> None:
    ids = ["client-understanding", "customer-upsell", "commercial-acumen", "comms", "cu"]
    assert terminal_exports.abbreviations(ids) == {
        "client-understanding": "CU",
        "customer-upsell": "CU2",
        "commercial-acumen": "CA",
        "comms": "CO",
        "cu": "CU3",
    }


def test_cli_table_follows_columns(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = write_people(tmp_path / "data", PEOPLE.replace("Alla Executive", CYRILLIC))
    monkeypatch.setenv("COLUMNS", "72")
    for command in (["readiness", "--no-model"], ["score"], ["score", "--all-periods"]):
        result = run_cli([command[0], str(data), *command[1:], "--lang", "ru"])
        assert max(len(line) for line in result.stdout.splitlines()) <= 72
        assert "Алла" in result.stdout


# --- filters, usage errors, files -----------------------------------------------------------


def two_teams(folder: Path) -> Path:
    """The small agency with the director in a team of her own."""
    return write_people(
        folder,
        PEOPLE.replace(
            "D1,Dana Director,account-director,Retail", "D1,Dana Director,account-director,Board"
        ),
    )


def ids_in(result_json: str) -> list[str]:
    return sorted({str(r["employee_id"]) for r in json.loads(result_json)})


def test_employee_and_team_filters(tmp_path: Path, run_cli: RunCli) -> None:
    data = str(two_teams(tmp_path / "data"))

    def ids(*args: str) -> list[str]:
        return ids_in(run_cli([*args[:1], data, "--format", "json", *args[1:]]).stdout)

    assert ids("score") == ["A1", "D1", "M1"]
    assert ids("score", "--employee", "A1", "--employee", "D1") == ["A1", "D1"]
    assert ids("score", "--team", "Retail") == ["A1", "M1"]
    assert ids("readiness", "--team", "Board", "--no-model") == ["D1"]
    assert ids("readiness", "--team", "Retail", "--employee", "A1", "--no-model") == ["A1"]
    assert ids("score", "--team", "Board", "--employee", "A1") == []
    scores = json.loads(run_cli(["score", data, "--format", "json", "--employee", "A1"]).stdout)
    assert len(scores) == 10 and {r["period"] for r in scores} == {"2026Q3"}
    every = run_cli(["score", data, "--format", "json", "--employee", "A1", "--all-periods"])
    assert {r["period"] for r in json.loads(every.stdout)} == {"2026Q2", "2026Q3"}
    text = run_cli(["readiness", data, "--team", "Board", "--no-model"]).stdout
    assert "D1" in text and "A1" not in text


def test_unknown_employee_or_team_exits_2(tmp_path: Path, run_cli: RunCli) -> None:
    data = str(write_small_agency(tmp_path / "data"))
    result = run_cli(["score", data, "--employee", "A1", "--employee", "Z9", "--team", "Q"], 2)
    assert "--employee: no one with employee_id 'Z9' in 2026Q3 (known: A1, D1, M1)" in (
        result.stderr
    )
    assert "--team: no team 'Q' in 2026Q3 (known: Retail)" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_xlsx_needs_an_output_file(tmp_path: Path, run_cli: RunCli) -> None:
    data = str(write_small_agency(tmp_path / "data"))
    result = run_cli(["readiness", data, "--format", "xlsx"], expect=2)
    assert "--format xlsx writes a workbook, which needs a file: add -o FILE.xlsx" in (
        result.stderr
    )
    result = run_cli(["score", data, "--format", "csv", "-o", str(tmp_path / "a.xlsx")], 2)
    assert "names a .xlsx file but --format is csv" in result.stderr
    assert not (tmp_path / "a.xlsx").exists()


def test_output_replaces_a_file_whole_and_never_leaves_a_partial_one(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    target = tmp_path / "hr" / "scores.csv"
    target.parent.mkdir()
    target.write_text("yesterday's export\n", encoding="utf-8")
    ratings = data / "ratings.csv"
    good = ratings.read_text(encoding="utf-8")
    ratings.write_text(good.replace(",2.5,", ",9,", 1), encoding="utf-8")
    run_cli(["score", str(data), "-o", str(target)], expect=2)
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"
    ratings.write_text(good, encoding="utf-8")
    run_cli(["score", str(data), "-o", str(target)])
    assert target.read_bytes().startswith(BOM + b"period,employee_id,competency")
    assert sorted(p.name for p in target.parent.iterdir()) == ["scores.csv"]
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    result = run_cli(["score", str(data), "-o", str(blocked / "scores.csv")], expect=2)
    assert f"{blocked / 'scores.csv'}: cannot write here" in result.stderr
