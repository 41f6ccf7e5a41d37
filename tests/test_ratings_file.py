"""ratings.csv edited in place: the rows written follow the file, and every other byte stays."""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import pytest

from skillkit import tabular
from skillkit.errors import InputError, Problem
from skillkit.ratings_file import RatingsFile, neutralised

HEADER = "period,employee_id,rater_id,source,competency,rating,comment"
ROWS = (
    "2026Q3,A1,M1,manager,communication,3,clear\n"
    '2026Q3,A1,A1,self,communication,2,"two\nlines"\n'  # one record over two lines
    "2026Q3,A2,M1,manager,negotiation,4,\n"
)
TEXT = HEADER + "\n" + ROWS
NEW = {
    "period": "2026Q4",
    "employee_id": "A1",
    "rater_id": "A1",
    "source": "self",
    "competency": "negotiation",
    "rating": "3",
}


def decoded(raw: bytes) -> RatingsFile:
    return RatingsFile.decode(raw, "data/ratings.csv")


def table_lines(raw: bytes, tmp_path: Path) -> list[int]:
    """The line tabular.read_csv gives each row: what problems about the file will name."""
    path = tmp_path / "ratings.csv"
    path.write_bytes(raw)
    errors: list[Problem] = []
    table = tabular.read_csv(path, "ratings.csv", errors, [])
    assert table is not None and errors == []
    return [int(line) for line in table.lines]


def test_rows_are_added_after_the_last_row_and_the_lines_before_stay_as_they_were() -> None:
    merged, lines = decoded(TEXT.encode()).appended([NEW])
    assert merged.encoded() == (TEXT + "2026Q4,A1,A1,self,negotiation,3,\n").encode()
    assert lines == [6]  # the two-line record makes the header plus three rows five lines


def test_the_lines_given_for_added_rows_are_the_ones_tabular_reports(tmp_path: Path) -> None:
    comment = dict(NEW, comment="first\nsecond")  # an added row over two lines moves the next
    text = TEXT.replace("\n", "\r\n") + "\r\n\r\n"
    merged, lines = decoded(text.encode()).appended([comment, dict(NEW, competency="delivery")])
    assert lines == table_lines(merged.encoded(), tmp_path)[-2:] == [6, 8]


def test_a_utf8_byte_order_mark_is_kept_once() -> None:
    raw = codecs.BOM_UTF8 + TEXT.encode()
    merged, _ = decoded(raw).appended([NEW])
    for content in (merged.encoded(), merged.utf8()):
        assert content.startswith(raw)
        assert content.count(codecs.BOM_UTF8) == 1


def test_a_windows_1251_file_is_kept_as_it_is_or_turned_into_utf8_with_a_bom() -> None:
    text = TEXT.replace("clear", "ясно")
    raw = text.encode("cp1251")
    merged, _ = decoded(raw).appended([dict(NEW, comment="сам")])
    added = "2026Q4,A1,A1,self,negotiation,3,сам\n"
    assert merged.encoding == "cp1251"
    assert merged.encoded() == raw + added.encode("cp1251")  # self-assess: every byte kept
    assert merged.utf8() == codecs.BOM_UTF8 + (text + added).encode()  # collect: saved as UTF-8


def test_text_windows_1251_cannot_hold_is_an_error_when_keeping_its_encoding() -> None:
    raw = TEXT.replace("clear", "ясно").encode("cp1251")
    merged, _ = decoded(raw).appended([dict(NEW, comment="won 🎉")])
    with pytest.raises(UnicodeEncodeError):
        merged.encoded()
    assert "🎉" in merged.utf8().decode("utf-8-sig")


def test_a_semicolon_file_gets_semicolons_and_decimal_commas() -> None:
    text = TEXT.replace(",", ";").replace("\n", "\r\n")
    ratings = decoded(text.encode())
    assert (ratings.separator, ratings.decimal, ratings.newline) == (";", ",", "\r\n")
    row = dict(NEW, rating=ratings.number(2.5), comment="met; agreed")
    merged, _ = ratings.appended([row])
    added = '2026Q4;A1;A1;self;negotiation;2,5;"met; agreed"\r\n'
    assert merged.encoded() == (text + added).encode()


@pytest.mark.parametrize(
    ("separator", "value", "written"),
    [(",", 2.5, "2.5"), ("\t", 2.5, "2.5"), (";", 2.5, "2,5"), (";", 3.0, "3"), (",", None, "")],
)
def test_a_number_is_written_with_the_files_decimal_mark(
    separator: str, value: float | None, written: str
) -> None:
    assert decoded(TEXT.replace(",", separator).encode()).number(value) == written


def test_crlf_rows_are_added_with_crlf() -> None:
    text = TEXT.replace("\n", "\r\n")
    merged, _ = decoded(text.encode()).appended([NEW])
    assert merged.encoded() == (text + "2026Q4,A1,A1,self,negotiation,3,\r\n").encode()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_missing_final_line_break_is_added_before_the_new_rows(newline: str) -> None:
    text = TEXT.replace("\n", newline).removesuffix(newline)
    merged, _ = decoded(text.encode()).appended([NEW])
    added = "2026Q4,A1,A1,self,negotiation,3," + newline
    assert merged.encoded() == (text + newline + added).encode()


def test_blank_lines_at_the_end_stay_after_the_new_rows() -> None:
    merged, lines = decoded((TEXT + "\n\n").encode()).appended([NEW])
    assert merged.encoded() == (TEXT + "2026Q4,A1,A1,self,negotiation,3,\n\n\n").encode()
    assert lines == [6]


def test_nothing_to_add_changes_nothing() -> None:
    ratings = decoded(TEXT.removesuffix("\n").encode())
    assert ratings.appended([]) == (ratings, [])


def test_a_row_is_replaced_in_place_with_all_its_lines() -> None:
    ratings = decoded(TEXT.encode())
    (record,) = [r for r in ratings.records() if r.cells["source"] == "self"]
    assert record.line == 3 and record.cells["comment"] == "two\nlines"
    values = dict(record.cells, rating="4", comment="one line")
    replaced = ratings.replaced([(record, values)]).encoded().decode()
    assert replaced == TEXT.replace('2,"two\nlines"', "4,one line")


def test_rows_are_read_with_their_lines_and_padded_to_the_header() -> None:
    text = "\n" + HEADER + "\n\n2026Q3,A1,M1,manager,communication,3\n" + ROWS
    records = list(decoded(text.encode()).records())
    assert [r.line for r in records] == [4, 5, 6, 8]
    assert records[0].cells["comment"] == ""  # the row is one cell short
    assert records[2].cells["comment"] == "two\nlines"


def test_a_column_is_added_to_every_row_and_blank_lines_stay_blank() -> None:
    text = 'period,employee_id\r\nQ,A1\r\n\r\nQ,"A\r\n2"\r\nQ,A3'
    ratings = decoded(text.encode()).with_column("comment")
    assert ratings.header == ("period", "employee_id", "comment")
    assert ratings.text == 'period,employee_id,comment\r\nQ,A1,\r\n\r\nQ,"A\r\n2",\r\nQ,A3,'


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("comment", ["one\rtwo", "one\ntwo"])
def test_a_line_break_in_a_cell_is_quoted_whatever_the_files_line_ending(
    newline: str, comment: str
) -> None:
    text = TEXT.replace("\n", newline)
    merged, _ = decoded(text.encode()).appended([dict(NEW, comment=comment)])
    rows = list(csv.reader(io.StringIO(merged.text, newline="")))
    assert rows[-1][-1] == comment
    assert len(rows) == 5


def test_a_file_without_a_header_is_refused() -> None:
    with pytest.raises(InputError, match=re.escape("data/ratings.csv: the file has no header")):
        decoded(b"\r\n\n")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        *[("=1+1", "'=1+1"), ("+7 999", "'+7 999"), ("-", "'-"), ("@x", "'@x"), ("\tx", "'\tx")],
        *[("'quoted", "'quoted"), ("fine", "fine"), ("", "")],  # a quote alone is no formula
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text: str, kept: str) -> None:
    assert neutralised(text) == kept
