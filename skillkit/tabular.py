"""Low-level reading of CSV files and XLSX sheets into all-text tables that remember line numbers.

Every cell arrives as text with surrounding whitespace stripped ("" when empty), so that callers
can parse and validate it themselves and quote the raw value in their messages. Columns are
categoricals with sorted categories: the long ratings table repeats few distinct values, so every
check, comparison and sort runs on the distinct values and integer codes instead of on each row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from skillkit.errors import Problem

ENCODINGS = ("utf-8-sig", "cp1251")
_SEPARATORS = (",", ";", "\t")
_CHUNK = 1 << 24
_SKIPPED_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


@dataclass(frozen=True)
class Table:
    """One CSV file or one sheet: stripped text cells and the line each row came from."""

    display: str  # the file as named in messages, e.g. `data/ratings.csv` or `data/a.xlsx[ratings]`
    frame: pd.DataFrame  # one categorical column per named header cell, in file order
    lines: np.ndarray  # line (CSV) or row (XLSX) number of each frame row; the header is line 1


def text_column(values: np.ndarray) -> pd.Categorical:
    """Strings (or None) → categorical of the stripped strings, categories sorted."""
    codes, uniques = pd.factorize(values)  # the NA sentinel skips a costly isna() pass
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.append(np.asarray(uniques, dtype=object), "")
    stripped = np.array([str(u).strip() for u in uniques], dtype=object)
    merged_codes, distinct = pd.factorize(stripped)
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    categories = pd.Index(np.asarray(distinct, dtype=object)[order], dtype=object)
    return pd.Categorical.from_codes(rank[merged_codes][codes], categories=categories)


def numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A text column as float64 (decimal point or comma; NaN if empty) and unreadable cells."""
    categories = pd.Series(column.cat.categories, dtype=object)
    parsed = pd.to_numeric(categories.str.replace(",", ".", regex=False), errors="coerce")
    values = np.array(parsed, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    unreadable = (categories != "").to_numpy() & np.isnan(values)
    codes = column.cat.codes.to_numpy()
    return values[codes], unreadable[codes]


def dates(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A text column of ISO dates as datetime64[ns] (NaT if empty) and unreadable cells."""
    categories = pd.Index(column.cat.categories, dtype=object)
    parsed = pd.to_datetime(categories, format="%Y-%m-%d", errors="coerce")
    values = parsed.to_numpy(dtype="datetime64[ns]")
    unreadable = np.asarray(categories != "") & np.isnat(values)
    codes = column.cat.codes.to_numpy()
    return values[codes], unreadable[codes]


def strings(column: pd.Series, empty_as_na: bool = False) -> pd.Series:
    """A text column as pandas' nullable `string` dtype; "" or <NA> for empty cells."""
    texts = np.array(column.cat.categories, dtype=object)
    if empty_as_na:
        texts[texts == ""] = None
    categories = pd.array(texts, dtype="string")
    return pd.Series(categories.take(column.cat.codes.to_numpy()), dtype="string")


def read_csv(path: Path, display: str, errors: list[Problem], notes: list[Problem]) -> Table | None:
    """Read one CSV file (UTF-8 or Windows-1251; comma, semicolon or tab separated)."""
    try:
        encoding, header_line, newlines, ends_open = _scan(path)
    except OSError as exc:
        errors.append(Problem(display, None, "", f"cannot read the file: {exc.strerror or exc}"))
        return None
    if encoding is None:
        errors.append(
            Problem(display, None, "", "cannot decode the file: expected UTF-8 or Windows-1251")
        )
        return None
    separator = max(_SEPARATORS, key=header_line.count) if header_line.strip() else ","
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            raw = pd.read_csv(
                path,
                sep=separator,
                header=None,
                dtype=object,
                encoding=encoding,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                on_bad_lines="warn",
                engine="c",
            )
        except pd.errors.EmptyDataError:
            raw = pd.DataFrame()
        except (pd.errors.ParserError, ValueError) as exc:
            errors.append(_parse_problem(display, str(exc)))
            return None
    skipped = [
        (int(m[1]), int(m[2]), int(m[3]))
        for w in caught
        for m in _SKIPPED_LINE.finditer(str(w.message))
    ]
    physical = newlines + (1 if ends_open else 0)
    if len(raw) + len(skipped) == physical:
        lines = np.delete(np.arange(1, physical + 1), [s[0] - 1 for s in skipped])
    else:  # quoted line breaks or odd line endings: count lines the slow, exact way
        lines, skipped = _record_lines(path, encoding, separator, raw.shape[1])
    for line, expected, seen in skipped:
        errors.append(
            Problem(display, line, "", f"row has {seen} fields, the header has {expected}")
        )
    if len(lines) != len(raw):  # the two parsers disagree: keep going with approximate lines
        lines = np.arange(1, len(raw) + 1)
    cells = [raw[c].to_numpy(dtype=object) for c in raw.columns]
    return _table(display, cells, lines, errors, notes)


def read_workbook(
    path: Path, display: str, errors: list[Problem], notes: list[Problem]
) -> dict[str, Table]:
    """Read every sheet of an .xlsx workbook, keyed by lower-cased sheet name."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        errors.append(Problem(display, None, "", f"cannot read as an .xlsx workbook: {exc}"))
        return {}
    tables: dict[str, Table] = {}
    try:
        for sheet in book.worksheets:
            rows = [
                [_cell_text(v) for v in row] for row in sheet.iter_rows(min_row=1, values_only=True)
            ]
            grid = np.full((len(rows), max(map(len, rows), default=0)), "", dtype=object)
            for i, row in enumerate(rows):
                grid[i, : len(row)] = row
            cells = [grid[:, i] for i in range(grid.shape[1])]
            lines = np.arange(1, len(rows) + 1)
            title = sheet.title.strip().lower()
            tables[title] = _table(f"{display}[{sheet.title}]", cells, lines, errors, notes)
    finally:
        book.close()
    return tables


def _table(
    display: str,
    cells: list[np.ndarray],
    lines: np.ndarray,
    errors: list[Problem],
    notes: list[Problem],
) -> Table:
    """Columns of cells, header first → Table without wholly empty rows or unnamed columns."""
    if not cells or len(cells[0]) == 0:
        return Table(display, pd.DataFrame(), np.zeros(0, dtype=np.int64))
    columns: dict[str, pd.Categorical] = {}
    places: dict[str, int] = {}
    unnamed: list[str] = []
    for place, values in enumerate(cells, start=1):
        name = _cell_text(values[0]).lstrip("\ufeff").strip()
        column = text_column(values[1:])
        if name in places:
            message = f"duplicate column {name!r} (columns {places[name]} and {place})"
            errors.append(Problem(display, 1, "header", message))
        elif name:
            columns[name], places[name] = column, place
        elif (column != "").any():
            unnamed.append(str(place))
    if unnamed:
        message = f"ignoring values in unnamed column(s) {', '.join(unnamed)}"
        notes.append(Problem(display, 1, "header", message))
    size = len(cells[0]) - 1
    frame = pd.DataFrame(columns, index=pd.RangeIndex(size), copy=False)
    filled = ~(frame == "").all(axis=1).to_numpy() if columns else np.zeros(size, dtype=bool)
    if not filled.all():
        frame = frame.loc[filled].reset_index(drop=True)
    return Table(display, frame, np.asarray(lines[1:][filled], dtype=np.int64))


def _scan(path: Path) -> tuple[str | None, str, int, bool]:
    """Encoding that decodes the whole file, its first line, its newline count, no final newline."""
    found: str | None = None
    newlines, last, first_line = 0, b"\n", ""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        newlines, last, head = 0, b"\n", ""
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(_CHUNK):
                    text = decoder.decode(chunk)
                    if len(head) < 65536 and "\n" not in head:
                        head += text[:65536]
                    newlines += chunk.count(b"\n")
                    last = chunk[-1:]
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        found, first_line = encoding, head.split("\n", 1)[0]
        break
    return found, first_line, newlines, last not in (b"\n", b"")


def _record_lines(
    path: Path, encoding: str, separator: str, width: int
) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Start line of each record that pandas kept, and the records it skipped as too long."""
    starts: list[int] = []
    skipped: list[tuple[int, int, int]] = []
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=separator)
        previous_end = 0
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if len(record) > width and starts:
                skipped.append((start, width, len(record)))
            else:
                starts.append(start)
    return np.asarray(starts, dtype=np.int64), skipped


def _cell_text(value: Any) -> str:
    """An Excel cell value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _parse_problem(display: str, detail: str) -> Problem:
    """The parser's complaint in the user's terms, on the line it names where it names one."""
    unclosed = re.search(r"EOF inside string starting at row (\d+)", detail)
    if unclosed:
        line = int(unclosed.group(1)) + 1  # rows count from 0 and include the header
        return Problem(display, line, "", 'a quoted cell starts here and its closing " is missing')
    return Problem(display, None, "", f"cannot read as CSV: {detail}")
