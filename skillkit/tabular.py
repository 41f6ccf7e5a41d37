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
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from skillkit.errors import Problem

ENCODINGS = ("utf-8-sig", "cp1251")
# Reading holds about three times a CSV's size in memory, so 1 GiB (some 20 million ratings, far
# beyond a decade of a large agency's reviews) still fits a laptop, while a database dump or
# disk image named .csv by mistake is refused before pandas tries to hold it.
MAX_FILE_BYTES = 1 << 30
_MIB = 1 << 20
_SEPARATORS = (",", ";", "\t")
_CHUNK = 1 << 24
_SKIPPED_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")  # ISO, and day first with dots as Russian Excel writes
# Spaces between groups of three digits, as a number formatted `# ##0,00` is exported.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?")
_GROUP_SPACE = re.compile(r"[ \u00a0\u202f]")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files, and encrypted .xlsx
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive, such as an .xlsx workbook"),
    (_OLE2, "an old Excel .xls file or another Office document"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)
_BINARY = "this is a binary file, not a CSV text file"
_UTF16 = 'this is UTF-16 text, not UTF-8 or Windows-1251 (in Excel, save as "CSV UTF-8")'
_EMPTY = "the file is empty (expected a header row naming the columns)"
_LISTED = 12


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
    grouped = categories.str.fullmatch(_GROUPED).to_numpy(dtype=bool)
    texts = categories.where(~grouped, categories.str.replace(_GROUP_SPACE, "", regex=True))
    parsed = pd.to_numeric(texts.str.replace(",", ".", regex=False), errors="coerce")
    values = np.array(parsed, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    unreadable = (categories != "").to_numpy() & np.isnan(values)
    codes = column.cat.codes.to_numpy()
    return values[codes], unreadable[codes]


def dates(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dates as 2024-03-01 or 01.03.2024 → datetime64[ns] (NaT if empty), and unreadable cells."""
    categories = pd.Index(column.cat.categories, dtype=object)
    values = np.full(len(categories), np.datetime64("NaT"), dtype="datetime64[ns]")
    for form in _DATE_FORMATS:  # strict formats: 03/01/2024 is day or month first, so neither
        parsed = pd.to_datetime(categories, format=form, errors="coerce")
        # Outside nanosecond range (year 1 or 9999, both typos) conversion would wrap silently.
        fits = np.asarray((parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max), dtype=bool)
        fill = np.isnat(values) & fits
        values[fill] = parsed[fill].to_numpy(dtype="datetime64[ns]")
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


def read_csv(
    path: Path,
    display: str,
    errors: list[Problem],
    notes: list[Problem],
    *,
    max_bytes: int | None = None,
) -> Table | None:
    """Read one CSV file (UTF-8 or Windows-1251; comma, semicolon or tab separated)."""
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        if (size := path.stat().st_size) > limit:  # before reading a byte of it
            errors.append(_too_large(display, f"file is {size:,} bytes", limit))
            return None
        scan = _scan(path)
    except OSError as exc:
        errors.append(Problem(display, None, "", f"cannot read the file: {exc.strerror or exc}"))
        return None
    if scan.refusal is not None:
        errors.append(Problem(display, scan.refusal_line, "", scan.refusal))
        return None
    encoding, header_line = scan.encoding, scan.first_line
    if encoding is None:
        errors.append(
            Problem(display, None, "", "cannot decode the file: expected UTF-8 or Windows-1251")
        )
        return None
    if scan.blank:
        errors.append(Problem(display, None, "", _EMPTY))
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
    physical = scan.newlines + (1 if scan.ends_open else 0)
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
    return _set_aside_other_separators(
        _table(display, cells, lines, errors, notes), separator, errors
    )


def read_workbook(
    path: Path,
    display: str,
    errors: list[Problem],
    notes: list[Problem],
    *,
    max_bytes: int | None = None,
) -> dict[str, Table]:
    """Read every sheet of an .xlsx workbook, keyed by lower-cased sheet name."""
    import openpyxl

    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        errors.append(Problem(display, None, "", f"cannot read the file: {exc.strerror or exc}"))
        return {}
    if size > limit:
        errors.append(_too_large(display, f"file is {size:,} bytes", limit))
        return {}
    # Sheets are zip members: a small file can unpack to gigabytes (a "zip bomb").
    unpacked = _unpacked_size(path)
    if unpacked is not None and unpacked > limit:
        errors.append(_too_large(display, f"the workbook unpacks to {unpacked:,} bytes", limit))
        return {}
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        message = f"cannot read as an .xlsx workbook: {_not_a_workbook(path, exc)}"
        errors.append(Problem(display, None, "", message))
        return {}
    tables: dict[str, Table] = {}
    try:
        for sheet in book.worksheets:
            try:
                cells, lines, beyond = _sheet_cells(sheet)
            except Exception as exc:  # damaged XML, or entities that expand without bound
                message = f"cannot read the sheet {sheet.title!r}: {str(exc) or type(exc).__name__}"
                errors.append(Problem(display, None, "", message))
                continue
            shown = f"{display}[{sheet.title}]"
            tables[sheet.title.strip().lower()] = _table(shown, cells, lines, errors, notes, beyond)
    finally:
        book.close()
    return tables


def _sheet_cells(sheet: Any) -> tuple[list[np.ndarray], np.ndarray, list[int]]:
    """A sheet's text cells, as many columns as the header names; later columns with values."""
    # The size a sheet declares may be stale (rows past it would be dropped) or absurd (every row
    # padded to 16,384 cells): read only the cells that exist.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(min_row=1, values_only=True)
    header = [_cell_text(v) for v in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    texts, lines = [header], [1]
    beyond: set[int] = set()
    # openpyxl yields a Python tuple per row (and one per missing row): its per-row cost, not ours.
    for number, row in enumerate(rows, start=2):
        text = [_cell_text(v) for v in row[:width]]
        if any(text):  # wholly empty rows are dropped anyway; skipping them here saves memory
            texts.append(text)
            lines.append(number)
        if len(row) > width:
            beyond.update(i + 1 for i in range(width, len(row)) if _cell_text(row[i]))
    grid = np.full((len(texts), width), "", dtype=object)
    for i, text in enumerate(texts):
        grid[i, : len(text)] = text
    return [grid[:, i] for i in range(width)], np.asarray(lines, dtype=np.int64), sorted(beyond)


def _table(
    display: str,
    cells: list[np.ndarray],
    lines: np.ndarray,
    errors: list[Problem],
    notes: list[Problem],
    beyond: list[int] | None = None,
) -> Table:
    """Columns of cells, header first → Table without wholly empty rows or unnamed columns."""
    unnamed = [str(place) for place in beyond or ()]  # columns past the header holding values
    if not cells or len(cells[0]) == 0:
        _note_unnamed(display, unnamed, notes)
        return Table(display, pd.DataFrame(), np.zeros(0, dtype=np.int64))
    columns: dict[str, pd.Categorical] = {}
    places: dict[str, int] = {}
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
    _note_unnamed(display, sorted(unnamed, key=int), notes)
    size = len(cells[0]) - 1
    frame = pd.DataFrame(columns, index=pd.RangeIndex(size), copy=False)
    filled = ~(frame == "").all(axis=1).to_numpy() if columns else np.zeros(size, dtype=bool)
    if not filled.all():
        frame = frame.loc[filled].reset_index(drop=True)
    return Table(display, frame, np.asarray(lines[1:][filled], dtype=np.int64))


def _note_unnamed(display: str, places: list[str], notes: list[Problem]) -> None:
    """One warning naming the unnamed columns whose values are ignored (the first dozen)."""
    if places:
        listed = ", ".join(places[:_LISTED]) + (", ..." if len(places) > _LISTED else "")
        message = f"ignoring values in unnamed column(s) {listed}"
        notes.append(Problem(display, 1, "header", message))


def _too_large(display: str, what: str, limit: int) -> Problem:
    """A file over the size limit, the limit in MiB when it is whole MiB."""
    amount = f"{limit // _MIB:,} MiB" if limit % _MIB == 0 else f"{limit:,} bytes"
    return Problem(display, None, "", f"{what}; the limit is {amount}")


def _unpacked_size(path: Path) -> int | None:
    """Total unpacked size of a zip's members, or None for a file that is not a zip."""
    # zipfile stops each member at its declared size, so a lying header cannot exceed this.
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _not_a_workbook(path: Path, exc: Exception) -> str:
    """Why openpyxl could not open `path`, in the user's terms where we can tell."""
    head = b""
    try:
        with path.open("rb") as stream:
            head = stream.read(65536)
        with zipfile.ZipFile(path) as archive:
            has_workbook = "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        has_workbook = None
    if head.startswith(_OLE2):
        return "this is an old Excel .xls file or a password-protected workbook; save it as .xlsx"
    if has_workbook is None and b"\0" not in head:
        return "this is a text file, not a workbook (CSV files go in a data folder instead)"
    if has_workbook is None:
        return "not a zip archive, as every .xlsx workbook is"
    if not has_workbook:
        return "a zip archive without a workbook in it"
    return str(exc) or type(exc).__name__


@dataclass(frozen=True)
class _Scan:
    """What one read through a CSV file's bytes found."""

    encoding: str | None  # the first of ENCODINGS that decodes the whole file
    first_line: str
    newlines: int
    ends_open: bool  # no newline after the last line
    blank: bool  # nothing but whitespace
    refusal: str | None = None  # why these bytes are not CSV text at all
    refusal_line: int | None = None


def _scan(path: Path) -> _Scan:
    """Encoding, first line, newline count and ending of a CSV file; or why it is not text."""
    with path.open("rb") as stream:
        start = stream.read(8)
    for signature, what in _SIGNATURES:
        if start.startswith(signature):
            return _Scan(None, "", 0, False, False, f"{_BINARY} ({what})")
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _Scan(None, "", 0, False, False, _UTF16)
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        newlines, last, head, blank = 0, b"\n", "", True
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(_CHUNK):
                    # NUL is valid UTF-8 and Windows-1251, yet never in a spreadsheet's CSV.
                    if (nul := chunk.find(b"\0")) >= 0:
                        line = newlines + chunk.count(b"\n", 0, nul) + 1
                        return _Scan(None, "", 0, False, False, f"{_BINARY} (NUL bytes)", line)
                    text = decoder.decode(chunk)
                    if len(head) < 65536 and "\n" not in head:
                        head += text[:65536]
                    blank = blank and (not text or text.isspace())
                    newlines += chunk.count(b"\n")
                    last = chunk[-1:]
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        ends_open = last not in (b"\n", b"")
        return _Scan(encoding, head.split("\n", 1)[0], newlines, ends_open, blank)
    return _Scan(None, "", 0, False, False)


def _set_aside_other_separators(table: Table, separator: str, errors: list[Problem]) -> Table:
    """Rows written with another separator than the header's: one error each, not empty cells."""
    frame = table.frame
    if frame.shape[1] < 3 or frame.empty:  # every table needs three filled columns or more
        return table
    first = pd.Series(frame.iloc[:, 0].cat.categories, dtype=object)
    others = [s for s in _SEPARATORS if s != separator]
    counts = pd.DataFrame({s: first.str.count(re.escape(s)) for s in others})
    # The whole row in the first cell holds at least two of another separator (three fields).
    used = np.where(counts.max(axis=1).to_numpy() >= 2, counts.idxmax(axis=1).to_numpy(), "")
    if not (used != "").any():
        return table
    row_used = used[frame.iloc[:, 0].cat.codes.to_numpy()]
    rest_empty = (frame.iloc[:, 1:] == "").all(axis=1).to_numpy()
    odd = (row_used != "") & rest_empty
    for line, other in zip(table.lines[odd].tolist(), row_used[odd].tolist(), strict=True):
        message = f"row is separated by {other!r}, the header by {separator!r}"
        errors.append(Problem(table.display, line, "", message))
    keep = ~odd
    return Table(table.display, frame.loc[keep].reset_index(drop=True), table.lines[keep])


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
