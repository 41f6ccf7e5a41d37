"""Reading what spreadsheets produce, and refusing what they never produce, with clear messages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from skillkit import byte_scan, tabular
from skillkit.errors import InputError, Problem
from skillkit.outputs import build_outputs
from skillkit.pipeline import Assessment, review
from skillkit.records import load_records
from skillkit.workbook import read_workbook
from tests.conftest import COMPETENCIES
from tests.test_records import RULES

MIB = 1 << 20
RATINGS = (
    "period,employee_id,rater_id,source,competency,rating,comment\n"
    "2026Q1,E001,E001,self,communication,4,\n"
    "2026Q1,E002,E001,manager,communication,3,\n"
)


def read(path: Path, **limits: int) -> tuple[tabular.Table | None, list[str], list[str]]:
    """read_csv's table, errors and notes as the user would see them."""
    errors: list[Problem] = []
    notes: list[Problem] = []
    table = tabular.read_csv(path, path.name, errors, notes, **limits)
    return table, [str(e) for e in errors], [str(n) for n in notes]


def read_book(path: Path, **limits: int) -> tuple[dict[str, tabular.Table], list[str], list[str]]:
    """read_workbook's tables, errors and notes as the user would see them."""
    errors: list[Problem] = []
    notes: list[Problem] = []
    tables = read_workbook(path, path.name, errors, notes, **limits)
    return tables, [str(e) for e in errors], [str(n) for n in notes]


def problems(source: Path) -> list[str]:
    """The stderr lines a user would see for a data folder or workbook."""
    with pytest.raises(InputError) as caught:
        load_records(source, RULES)
    return [str(p) for p in caught.value.problems]


def workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """An .xlsx workbook with one sheet per entry, rows as given (None for an empty cell)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Change one member of a zip (a sheet's XML in a workbook), keeping the others."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, change(data) if info.filename == member else data)


PEOPLE_ROWS = [
    ["employee_id", "name", "role"],
    ["E001", "Alice", "account-director"],
    ["E002", "Bob", "account-executive"],
]
RATING_ROWS = [
    ["period", "employee_id", "rater_id", "source", "competency", "rating"],
    ["2026Q1", "E001", "E001", "self", "communication", 4],
    ["2026Q1", "E002", "E001", "manager", "communication", 3],
]


# --- size limits ----------------------------------------------------------------------------------


def test_the_default_limit_is_one_gibibyte_and_refuses_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "ratings.csv"
    with big.open("wb") as handle:  # sparse: two gibibytes that take no disk and no time to read
        handle.truncate(2 << 30)
    started = time.perf_counter()
    table, errors, _ = read(big)
    assert time.perf_counter() - started < 1
    assert table is None
    assert errors == [
        "ratings.csv: file is 2,147,483,648 bytes; the limit is 1,024 MiB (--max-file-mb)"
    ]
    assert tabular.MAX_FILE_BYTES == 1 << 30


def test_a_limit_can_be_set_per_call_or_for_the_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text(RATINGS, encoding="utf-8")
    size = path.stat().st_size
    assert read(path, max_bytes=size)[0] is not None  # exactly at the limit is allowed
    assert read(path, max_bytes=size - 1)[1] == [
        f"ratings.csv: file is {size:,} bytes; the limit is {size - 1:,} bytes (--max-file-mb)"
    ]
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 100)
    assert read(path)[1] == [
        f"ratings.csv: file is {size:,} bytes; the limit is 100 bytes (--max-file-mb)"
    ]
    assert read(path, max_bytes=MIB)[0] is not None  # the argument wins over the module's


def test_a_workbook_over_the_limit_is_refused_on_disk_and_when_unpacked(tmp_path: Path) -> None:
    book = workbook(tmp_path / "agency.xlsx", {"people": PEOPLE_ROWS, "ratings": RATING_ROWS})
    size = book.stat().st_size
    assert read_book(book, max_bytes=size - 1)[1] == [
        f"agency.xlsx: file is {size:,} bytes; the limit is {size - 1:,} bytes (--max-file-mb)"
    ]
    # 2 MiB of one repeated comment packs into a few kilobytes: the limit is on what is read.
    bomb = workbook(tmp_path / "bomb.xlsx", {"people": PEOPLE_ROWS, "ratings": RATING_ROWS})
    comment = b'<row r="4"><c r="G4" t="inlineStr"><is><t>' + b"x" * (2 * MIB) + b"</t></is></c>"
    rewrite_member(
        bomb,
        "xl/worksheets/sheet2.xml",
        lambda xml: xml.replace(b"</sheetData>", comment + b"</row></sheetData>"),
    )
    assert bomb.stat().st_size < MIB // 8
    with zipfile.ZipFile(bomb) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    assert read_book(bomb, max_bytes=MIB)[1] == [
        f"bomb.xlsx: the workbook unpacks to {unpacked:,} bytes; the limit is 1 MiB (--max-file-mb)"
    ]
    assert read_book(bomb, max_bytes=4 * MIB)[1] == []


# --- what spreadsheets export ---------------------------------------------------------------------


def test_old_mac_line_endings_and_crlf_keep_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    for ending in ("\r", "\r\n"):
        path.write_text(RATINGS.replace("\n", ending) + f",,,,,,{ending}", encoding="utf-8")
        table, errors, _ = read(path)
        assert errors == [] and table is not None
        assert table.lines.tolist() == [2, 3]


def test_a_tab_separated_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text(RATINGS.replace(",", "\t"), encoding="utf-8")
    table, errors, _ = read(path)
    assert errors == [] and table is not None
    assert table.frame["rating"].tolist() == ["4", "3"]


# --- workbooks ------------------------------------------------------------------------------------


def test_a_workbook_reads_typed_cells_sheet_names_loosely_and_dotted_dates(tmp_path: Path) -> None:
    people = [
        ["employee_id", " name ", "role", "hire_date", "role_start"],
        ["E001", " Alice ", "account-director", dt.datetime(2019, 4, 1), "01.03.2024"],
        [None, None, None, None, None],
        ["E002", "Bob", "account-executive", dt.date(2023, 1, 9), None],
    ]
    ratings = [*RATING_ROWS[:2], ["2026Q1", "E002", "E001", "manager", "communication", 3.5]]
    book = workbook(tmp_path / "agency.xlsx", {" People ": people, "RATINGS": ratings})
    records = load_records(book, RULES)
    assert records.people["name"].tolist() == ["Alice", "Bob"]
    assert records.people["hire_date"].tolist() == [
        pd.Timestamp(2019, 4, 1),
        pd.Timestamp(2023, 1, 9),
    ]
    assert records.people["role_start"].tolist()[0] == pd.Timestamp(2024, 3, 1)
    assert records.ratings["rating"].tolist() == [4.0, 3.5]


def test_a_workbook_missing_a_column_and_a_sheet_says_so(tmp_path: Path) -> None:
    people = [["employee_id", "role"], ["E001", "account-director"], ["E002", "account-executive"]]
    book = workbook(tmp_path / "agency.xlsx", {"people": people, "Notes": [["free text"]]})
    assert problems(book) == [
        f"{book}[people]:1: header: missing required column 'name' (found: employee_id, role)",
        f"{book}[ratings]: missing required sheet (a workbook needs sheets people and ratings)",
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            RATINGS.encode(),
            "this is a text file, not a workbook (CSV files go in a data folder instead)",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "this is an old Excel .xls file or a password-protected workbook; save it as .xlsx",
        ),
        (bytes(range(256)) * 8, "not a zip archive, as every .xlsx workbook is"),
    ],
    ids=["csv-text", "xls", "binary"],
)
def test_a_file_that_is_not_a_workbook_says_what_it_is(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "agency.xlsx"
    path.write_bytes(content)
    tables, errors, _ = read_book(path)
    assert tables == {}
    assert errors == [f"agency.xlsx: cannot read as an .xlsx workbook: {reason}"]


def test_a_zip_without_a_workbook_in_it_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "agency.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")  # a .docx renamed
    assert read_book(path)[1] == [
        "agency.xlsx: cannot read as an .xlsx workbook: a zip archive without a workbook in it"
    ]


def test_a_sheet_whose_entities_expand_without_bound_is_refused(tmp_path: Path) -> None:
    book = workbook(tmp_path / "agency.xlsx", {"people": PEOPLE_ROWS, "ratings": RATING_ROWS})
    entities = "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10 if i else "lol" * 10}">' for i in range(10)
    )
    doctype = f"<!DOCTYPE worksheet [{entities}]>".encode()
    rewrite_member(
        book,
        "xl/worksheets/sheet2.xml",
        lambda xml: doctype + xml.replace(b"<t>period</t>", b"<t>&e9;</t>"),
    )
    started = time.perf_counter()
    tables, errors, _ = read_book(book)
    assert time.perf_counter() - started < 5
    assert "ratings" not in tables and "people" in tables
    [message] = errors
    assert message.startswith("agency.xlsx: cannot read the sheet 'ratings': ")


def test_a_damaged_sheet_is_an_input_error_not_a_crash(tmp_path: Path) -> None:
    book = workbook(tmp_path / "agency.xlsx", {"people": PEOPLE_ROWS, "ratings": RATING_ROWS})
    rewrite_member(book, "xl/worksheets/sheet2.xml", lambda xml: xml[: len(xml) // 2])
    [message] = problems(book)
    assert message.startswith(f"{book}: cannot read the sheet 'ratings': ")


def test_a_stale_sheet_size_loses_no_rows_and_an_absurd_one_costs_nothing(tmp_path: Path) -> None:
    rows = [
        *RATING_ROWS,
        *[["2026Q1", "E002", f"P{i}", "peer", "communication", 3] for i in range(5)],
    ]
    book = workbook(tmp_path / "agency.xlsx", {"people": PEOPLE_ROWS, "ratings": rows})
    for declared in (b"A1", b"A1:XFD1048576"):  # as tools other than Excel write them
        rewrite_member(
            book,
            "xl/worksheets/sheet2.xml",
            lambda xml, declared=declared: re.sub(
                rb'<dimension ref="[^"]*"', b'<dimension ref="' + declared + b'"', xml
            ),
        )
        started = time.perf_counter()
        tables, errors, notes = read_book(book)
        assert time.perf_counter() - started < 2
        assert errors == [] and notes == []
        assert len(tables["ratings"].frame) == 7
        assert list(tables["ratings"].frame.columns) == RATING_ROWS[0]


def test_values_far_right_of_the_header_are_named_not_read(tmp_path: Path) -> None:
    book = workbook(tmp_path / "agency.xlsx", {"people": PEOPLE_ROWS, "ratings": RATING_ROWS})
    far_cell = b'<row r="9"><c r="XFD9" t="inlineStr"><is><t>stray</t></is></c></row></sheetData>'
    rewrite_member(
        book, "xl/worksheets/sheet2.xml", lambda xml: xml.replace(b"</sheetData>", far_cell)
    )
    tables, errors, notes = read_book(book)
    assert errors == []
    assert notes == ["agency.xlsx[ratings]:1: header: ignoring values in unnamed column(s) 16384"]
    assert tables["ratings"].frame.shape == (2, 6)


# --- the same agency, whichever way a spreadsheet saved it ----------------------------------------

# Cyrillic ids, names and teams; a comment that needs quoting under either separator.
AGENCY_PEOPLE = [
    ("Иван", "Иван Петров", "account-executive", "Москва", "Мария", "2021-03-15", "2022-01-10"),
    ("Мария", "Мария Ёлкина", "account-manager", "Москва", "", "2018-09-01", "2021-07-01"),
    ("E3", "Joe O'Neil", "account-executive", "Санкт-Петербург", "Мария", "2023-05-02", ""),
]
COMMENT = 'Уверенно ведёт клиента; "ключевой" проект, 2026'


def agency_ratings() -> list[tuple[str, str, str, str, str, float | None, str]]:
    """Two quarters of manager, peer, client and self ratings with halves and a gap."""
    rows: list[tuple[str, str, str, str, str, float | None, str]] = []
    raters = {"Иван": "Мария", "E3": "Мария", "Мария": "D9"}
    for q, period in enumerate(("2026Q1", "2026Q2")):
        for i, (employee, manager) in enumerate(raters.items()):
            for j, competency in enumerate(COMPETENCIES):
                level = 1 + ((i * 7 + j * 3 + q) % 9) / 2
                rows.append((period, employee, manager, "manager", competency, level, ""))
                rows.append((period, employee, employee, "self", competency, 5.0, ""))
                for k, source in enumerate(("peer", "peer", "client")):
                    rater = f"{source[0].upper()}{k}"
                    value = None if (i + j + k) % 11 == 0 else 1 + ((i + j * 5 + k + q) % 9) / 2
                    rows.append((period, employee, rater, source, competency, value, ""))
    rows[0] = (*rows[0][:6], COMMENT)
    return rows


AGENCY_KPIS = [
    ("2026Q1", "Мария", "client_retention", 92.5),
    ("2026Q2", "Мария", "client_retention", 94.0),
    ("2026Q2", "Иван", "client_nps", 41.5),
]
HEADERS = {
    "people": ["employee_id", "name", "role", "team", "manager_id", "hire_date", "role_start"],
    "ratings": ["period", "employee_id", "rater_id", "source", "competency", "rating", "comment"],
    "kpis": ["period", "employee_id", "kpi", "value"],
}


def agency_tables() -> dict[str, list[tuple[object, ...]]]:
    return {"people": list(AGENCY_PEOPLE), "ratings": list(agency_ratings()), "kpis": AGENCY_KPIS}


def utf8_bom_commas(folder: Path) -> Path:
    """As Excel's "CSV UTF-8": a byte order mark, commas, decimal points, ISO dates."""
    folder.mkdir()
    for name, rows in agency_tables().items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADERS[name])
            writer.writerows([["" if v is None else v for v in row] for row in rows])
    return folder


def cp1251_semicolons(folder: Path) -> Path:
    """As Russian Excel's "CSV": Windows-1251, semicolons, decimal commas, dd.mm.yyyy, CRLF."""
    folder.mkdir()

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f" {value:g} ".replace(".", ",")  # and stray spaces, trimmed on reading
        if isinstance(value, str) and len(value) == 10 and value[4] == "-":
            return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
        return str(value)

    for name, rows in agency_tables().items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([f" {h} " for h in HEADERS[name]])
        writer.writerows([[cell(v) for v in row] for row in rows])
        writer.writerow([""] * len(HEADERS[name]))  # a wholly empty row, as Excel leaves them
        (folder / f"{name}.csv").write_bytes(buffer.getvalue().encode("cp1251"))
    return folder


def xlsx_workbook(path: Path) -> Path:
    """As an .xlsx workbook: numbers as numbers, dates as Excel dates, sheet names capitalised."""

    def cell(value: object) -> object:
        if isinstance(value, str) and len(value) == 10 and value[4] == "-":
            return dt.datetime.fromisoformat(value)
        return None if value == "" else value

    sheets = {
        name.capitalize(): [HEADERS[name], *[[cell(v) for v in row] for row in rows]]
        for name, rows in agency_tables().items()
    }
    return workbook(path, sheets)


@pytest.fixture(scope="module")
def agencies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Assessment]:
    root = tmp_path_factory.mktemp("agency")
    sources = {
        "utf8": utf8_bom_commas(root / "utf8"),
        "cp1251": cp1251_semicolons(root / "cp1251"),
        "xlsx": xlsx_workbook(root / "agency.xlsx"),
    }
    return {name: review(source, model=False) for name, source in sources.items()}


def test_every_way_of_saving_the_agency_gives_the_same_records(
    agencies: dict[str, Assessment],
) -> None:
    utf8 = agencies["utf8"].records
    assert utf8.people["name"].tolist() == ["Joe O'Neil", "Иван Петров", "Мария Ёлкина"]
    assert COMMENT in set(utf8.ratings["comment"])
    for other in ("cp1251", "xlsx"):
        records = agencies[other].records
        for table in ("people", "ratings", "kpis"):
            pd.testing.assert_frame_equal(getattr(records, table), getattr(utf8, table))


def test_every_way_of_saving_the_agency_gives_the_same_review(
    agencies: dict[str, Assessment],
) -> None:
    utf8 = agencies["utf8"]
    assert utf8.scores["score"].notna().any()
    for other in ("cp1251", "xlsx"):
        pd.testing.assert_frame_equal(agencies[other].scores, utf8.scores)
        pd.testing.assert_frame_equal(agencies[other].readiness.people, utf8.readiness.people)


def test_cyrillic_survives_into_every_output(agencies: dict[str, Assessment]) -> None:
    outputs = {
        name: build_outputs(a, lang="ru", generated_at="2026-01-01T00:00:00Z", standards={})
        for name, a in agencies.items()
    }
    for name in ("scores.csv", "readiness.csv"):
        assert outputs["cp1251"][name] == outputs["utf8"][name] == outputs["xlsx"][name]
    utf8 = outputs["utf8"]
    scores = utf8["scores.csv"].decode("utf-8")
    assert "\n2026Q2,Иван,communication," in scores
    readiness = pd.read_csv(io.BytesIO(utf8["readiness.csv"]), dtype=str, keep_default_na=False)
    assert readiness["name"].tolist() == ["Joe O'Neil", "Иван Петров", "Мария Ёлкина"]
    assert set(readiness["team"]) == {"Москва", "Санкт-Петербург"}
    page = utf8["people/Ivan.html"].decode("utf-8")
    assert "Иван Петров" in page and "Москва" in page
    assert "Мария Ёлкина" in utf8["teams/Moskva.html"].decode("utf-8")


REGULAR_FILES = {
    "comma, UTF-8 with BOM": ("\ufeffid,name,rating\n007,Anna , 2.50\n008,,3\n", "utf-8"),
    "semicolon, Windows-1251": ("id;name;rating\n007;Ирина;2,5\n008;Пётр;3\n", "cp1251"),
    "tab, CRLF, quoted separator": ('id\tname\trating\r\n007\t"a\tb"\t2\r\n008\tc\t4\r\n', "utf-8"),
    "no newline at the end": ("id,name,rating\n007,a,1\n008,b,2", "utf-8"),
    "a blank line, dropped with its number": ("id,name,rating\n007,a,1\n\n008,b,2\n", "utf-8"),
    "text that looks like numbers": (
        "id,when,rating\n0010,2026-01-05,1e3\n0011,05.01.2026,NaN\n",
        "utf-8",
    ),
}


@pytest.mark.parametrize("name", REGULAR_FILES)
def test_the_fast_reader_reads_a_regular_file_exactly_as_the_exact_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    text, encoding = REGULAR_FILES[name]
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    errors: list[Problem] = []
    fast = tabular.read_csv(path, "t.csv", errors, [])
    assert tabular._read_regular(path, *read_args(path)) is not None  # the fast path was taken
    monkeypatch.setattr(tabular, "_read_regular", lambda *args: None)
    exact = tabular.read_csv(path, "t.csv", errors, [])
    assert errors == [] and fast is not None and exact is not None
    pd.testing.assert_frame_equal(fast.frame, exact.frame)
    assert fast.lines.tolist() == exact.lines.tolist()
    assert fast.frame.iloc[0, 0] in {"007", "0010"}  # text stays text: no leading zero lost


@pytest.mark.parametrize(
    "text",
    [
        "id,name\n1,a,extra\n2,b\n",  # a row wider than the header
        "id,name\n1\n2,b\n",  # a row narrower than the header
        'id,name\n1,"two\nlines"\n2,b\n',  # a line break inside quotes
        "id,name\r1,a\r2,b\r",  # old Mac line endings
    ],
)
def test_any_irregular_file_is_left_to_the_exact_reader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8", newline="")
    assert tabular._read_regular(path, *read_args(path)) is None


def read_args(path: Path) -> tuple[str, str, str, int]:
    """The arguments read_csv gives `_read_regular` for this file, from the byte scan."""
    scan = byte_scan.scan(path)
    assert scan.encoding is not None
    separator = tabular.guess_separator(scan.first_line)
    return scan.encoding, separator, scan.first_line, scan.newlines + int(scan.ends_open)
