"""Telling CSV text from what spreadsheets never save, and its encoding, by a look at the bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from skillkit import byte_scan, tabular
from tests.test_tabular import RATINGS, read, read_args

# --- files that are not CSV text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "what"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "a zip archive, such as an .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls file or another Office document"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00", "a GIF image"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
    ],
    ids=["zip", "xls", "pdf", "png", "jpeg", "gif", "gzip"],
)
def test_a_binary_file_named_csv_is_named_for_what_it_is(
    tmp_path: Path, start: bytes, what: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(start + bytes(range(256)) * 4)
    table, errors, _ = read(path)
    assert table is None
    assert errors == [f"people.csv: this is a binary file, not a CSV text file ({what})"]


def test_the_line_of_the_first_nul_byte_is_found_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(byte_scan, "_CHUNK", 16)  # the NUL lands chunks after the first
    path = tmp_path / "ratings.csv"
    lines = RATINGS.splitlines(keepends=True)
    path.write_bytes("".join(lines).encode() + b"2026Q1,E002,E002,self,communic\x00ation,4,\n")
    assert read(path)[1] == [
        "ratings.csv:4: this is a binary file, not a CSV text file (NUL bytes)"
    ]


def test_windows_1251_that_is_not_utf8_still_loads_and_is_not_binary(tmp_path: Path) -> None:
    # Windows-1251 decodes almost any byte; only NULs and known signatures make a file binary.
    path = tmp_path / "people.csv"
    path.write_bytes("employee_id;name;role\nE001;Ёлка Щукина;account-director\n".encode("cp1251"))
    table, errors, _ = read(path)
    assert errors == [] and table is not None
    assert table.frame["name"].tolist() == ["Ёлка Щукина"]


def test_a_file_of_blank_lines_is_empty_but_a_header_alone_is_not(tmp_path: Path) -> None:
    path = tmp_path / "kpis.csv"
    path.write_bytes(b"\xef\xbb\xbf \r\n\t\r\n")
    assert read(path)[1] == [
        "kpis.csv: the file is empty (expected a header row naming the columns)"
    ]
    path.write_text("period,employee_id,kpi,value\n", encoding="utf-8")
    table, errors, _ = read(path)
    assert errors == [] and table is not None
    assert list(table.frame.columns) == ["period", "employee_id", "kpi", "value"]
    assert table.frame.empty


# --- the encoding check: bytes looked at, or every byte decoded -----------------------------------

_CYRILLIC_RATINGS = RATINGS.replace("communication,4,", "communication,4,Хорошо")
ENCODING_CASES = {
    # name: (bytes, whether the look at the bytes settles it without decoding every byte)
    "ASCII": (RATINGS.encode(), True),
    "UTF-8 with a BOM, Cyrillic": (_CYRILLIC_RATINGS.encode("utf-8-sig"), True),
    "Windows-1251 after an ASCII head": (_CYRILLIC_RATINGS.encode("cp1251"), False),
    "Windows-1251 in the head": (RATINGS.replace("period", "период").encode("cp1251"), False),
    "UTF-8 with a row too wide": ((_CYRILLIC_RATINGS + "1,2,3,4,5,6,7,8\n").encode(), False),
    "neither encoding": (RATINGS.encode() + b"2026Q1,E\xe9\x98,E001,self,x,4,\n", False),
    "NUL after bytes neither encoding reads": (
        RATINGS.encode() + b"\xe9\x98\n" + b"x" * 64 + b"\0\n",
        False,
    ),
    "NUL before them": (RATINGS.encode() + b"\0\n" + b"x" * 64 + b"\xe9\x98\n", False),
    "NUL in a cell of a regular file": (RATINGS.encode() + b"2026Q1,E,E,self,a\0b,4,\n", False),
    "blanks, then a header": (b" \r\n" * 40 + RATINGS.encode(), False),
    "nothing but blanks": (b"\xef\xbb\xbf" + b" \t\r\n" * 40, False),
    "empty": (b"", True),
}


@pytest.mark.parametrize("name", ENCODING_CASES)
def test_the_bytes_are_decoded_only_when_a_look_cannot_tell_and_the_answer_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    data, settled_by_looking = ENCODING_CASES[name]
    path = tmp_path / "ratings.csv"
    path.write_bytes(data)
    # Small pieces, and a head that holds the header but not the whole file, so that these small
    # files take the paths a long file takes.
    monkeypatch.setattr(byte_scan, "_CHUNK", 64)
    monkeypatch.setattr(byte_scan, "_HEAD_BYTES", 96)
    decoding_scan = byte_scan.decoding_scan
    decoded: list[Path] = []

    def spy(path: Path) -> byte_scan.Scan:
        decoded.append(path)
        return decoding_scan(path)

    monkeypatch.setattr(byte_scan, "decoding_scan", spy)
    table, errors, notes = read(path)
    assert (decoded == []) is settled_by_looking
    monkeypatch.setattr(byte_scan, "scan", decoding_scan)  # every byte decoded, as it always was
    exact_table, exact_errors, exact_notes = read(path)
    assert (errors, notes) == (exact_errors, exact_notes)
    assert (table is None) is (exact_table is None)
    if table is not None and exact_table is not None:
        pd.testing.assert_frame_equal(table.frame, exact_table.frame)
        assert table.lines.tolist() == exact_table.lines.tolist()


def test_the_encoding_cases_read_as_a_user_expects(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"

    def outcome(name: str) -> tuple[list[str], list[str]]:
        path.write_bytes(ENCODING_CASES[name][0])
        table, errors, _ = read(path)
        comments = [] if table is None else table.frame["comment"].tolist()
        return comments, errors

    assert outcome("UTF-8 with a BOM, Cyrillic") == (["Хорошо", ""], [])
    assert outcome("Windows-1251 after an ASCII head") == (["Хорошо", ""], [])
    assert outcome("UTF-8 with a row too wide")[1] == [
        "ratings.csv:4: row has 8 fields, the header has 7"
    ]
    cannot = "ratings.csv: cannot decode the file: expected UTF-8 or Windows-1251"
    assert outcome("neither encoding") == ([], [cannot])
    assert outcome("NUL before them") == (
        [],
        ["ratings.csv:4: this is a binary file, not a CSV text file (NUL bytes)"],
    )
    assert outcome("NUL in a cell of a regular file")[1] == [
        "ratings.csv:4: this is a binary file, not a CSV text file (NUL bytes)"
    ]
    assert outcome("nothing but blanks")[1] == [f"ratings.csv: {tabular._EMPTY}"]


def test_a_file_read_as_utf8_unchecked_is_confirmed_by_arrow_and_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ratings.csv"
    path.write_bytes(_CYRILLIC_RATINGS.encode())
    monkeypatch.setattr(byte_scan, "_HEAD_BYTES", 96)
    scan = byte_scan.scan(path)
    assert (scan.encoding, scan.checked) == ("utf-8-sig", False)
    assert scan.first_line == RATINGS.splitlines()[0]
    assert (scan.newlines, scan.ends_open, scan.blank) == (3, False, False)
    # Arrow refuses bad UTF-8 anywhere, in a quoted cell too: the file is then decoded.
    assert tabular._read_regular(path, *read_args(path)) is not None
    path.write_bytes(RATINGS.encode() + b'2026Q1,E001,E001,self,x,4,"a""\xd0"""\n')
    assert tabular._read_regular(path, *read_args(path)) is None
