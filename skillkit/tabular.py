"""Low-level reading of CSV files into all-text tables that remember line numbers.

The table and the size limit serve `skillkit.workbook` for XLSX sheets too.

Every cell arrives as text with surrounding whitespace stripped ("" when empty), so that callers
can parse and validate it themselves and quote the raw value in their messages. Columns are
categoricals with sorted categories (see `skillkit.text_columns`): the long ratings table repeats
few distinct values, so every check, comparison and sort runs on the distinct values and integer
codes instead of on each row.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from skillkit import byte_scan
from skillkit.errors import Problem
from skillkit.text_columns import cell_text, coded_text, text_column

# Reading holds about three times a CSV's size in memory, so 1 GiB (some 20 million ratings, far
# beyond a decade of a large agency's reviews) still fits a laptop, while a database dump or
# disk image named .csv by mistake is refused before pandas tries to hold it.
MAX_FILE_BYTES = 1 << 30
_MIB = 1 << 20
SEPARATORS = (",", ";", "\t")
_SKIPPED_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_EMPTY = "the file is empty (expected a header row naming the columns)"
_LISTED = 12


@dataclass(frozen=True)
class Table:
    """One CSV file or one sheet: stripped text cells and the line each row came from."""

    display: str  # the file as named in messages, e.g. `data/ratings.csv` or `data/a.xlsx[ratings]`
    frame: pd.DataFrame  # one categorical column per named header cell, in file order
    lines: np.ndarray  # line (CSV) or row (XLSX) number of each frame row; the header is line 1


def build_table(
    display: str,
    cells: list[np.ndarray],
    lines: np.ndarray,
    errors: list[Problem],
    notes: list[Problem],
    beyond: list[int] | None = None,
) -> Table:
    """Columns of cells, header first → Table without wholly empty rows or unnamed columns."""
    if not cells or len(cells[0]) == 0:
        _note_unnamed(display, [str(place) for place in beyond or ()], notes)
        return Table(display, pd.DataFrame(), np.zeros(0, dtype=np.int64))
    names = [cell_text(values[0]) for values in cells]
    columns = [text_column(values[1:]) for values in cells]
    return table_of(display, names, columns, lines, errors, notes, beyond)


def table_of(
    display: str,
    names: list[str],
    columns: list[pd.Categorical],
    lines: np.ndarray,
    errors: list[Problem],
    notes: list[Problem],
    beyond: list[int] | None = None,
) -> Table:
    """Header names and their text columns → Table without wholly empty rows or unnamed columns.

    `lines` holds the header's line first, then each row's.
    """
    unnamed = [str(place) for place in beyond or ()]  # columns past the header holding values
    named: dict[str, pd.Categorical] = {}
    places: dict[str, int] = {}
    for place, (header, column) in enumerate(zip(names, columns, strict=True), start=1):
        name = header.lstrip("\ufeff").strip()
        if name in places:
            message = f"duplicate column {name!r} (columns {places[name]} and {place})"
            errors.append(Problem(display, 1, "header", message))
        elif name:
            named[name], places[name] = column, place
        elif (column != "").any():
            unnamed.append(str(place))
    _note_unnamed(display, sorted(unnamed, key=int), notes)
    size = len(lines) - 1
    frame = pd.DataFrame(named, index=pd.RangeIndex(size), copy=False)
    filled = ~(frame == "").all(axis=1).to_numpy() if named else np.zeros(size, dtype=bool)
    if not filled.all():
        frame = frame.loc[filled].reset_index(drop=True)
    return Table(display, frame, np.asarray(lines[1:][filled], dtype=np.int64))


def _note_unnamed(display: str, places: list[str], notes: list[Problem]) -> None:
    """One warning naming the unnamed columns whose values are ignored (the first dozen)."""
    if places:
        listed = ", ".join(places[:_LISTED]) + (", ..." if len(places) > _LISTED else "")
        message = f"ignoring values in unnamed column(s) {listed}"
        notes.append(Problem(display, 1, "header", message))


def size_limit(max_bytes: int | None) -> int:
    """The bytes one read may take: `max_bytes` when given, else MAX_FILE_BYTES as it is now."""
    return MAX_FILE_BYTES if max_bytes is None else max_bytes


def size_refusal(path: Path, display: str, limit: int) -> Problem | None:
    """Why `path` is not read, judged by its size on disk (or its absence); None to go ahead."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return _cannot_read(display, exc)
    return too_large(display, f"file is {size:,} bytes", limit) if size > limit else None


def too_large(display: str, what: str, limit: int) -> Problem:
    """A file over the size limit, the limit in MiB when it is whole MiB."""
    amount = f"{limit // _MIB:,} MiB" if limit % _MIB == 0 else f"{limit:,} bytes"
    return Problem(display, None, "", f"{what}; the limit is {amount} (--max-file-mb)")


def _cannot_read(display: str, exc: OSError) -> Problem:
    return Problem(display, None, "", f"cannot read the file: {exc.strerror or exc}")


def read_csv(
    path: Path,
    display: str,
    errors: list[Problem],
    notes: list[Problem],
    *,
    max_bytes: int | None = None,
) -> Table | None:
    """Read one CSV file (UTF-8 or Windows-1251; comma, semicolon or tab separated)."""
    # Refused by its size before a byte of it is read: a disk image named .csv costs nothing.
    if (refusal := size_refusal(path, display, size_limit(max_bytes))) is not None:
        errors.append(refusal)
        return None
    if (scanned := _scanned(byte_scan.scan, path, display, errors)) is None:
        return None
    scan, encoding = scanned
    tried = (encoding, *_layout(scan))
    fast = _read_regular(path, *tried)
    if fast is None and not scan.checked:
        # Arrow refused a file taken for UTF-8 unchecked: bad UTF-8 or an irregular row. Only
        # decoding every byte tells which, and so the encoding the exact reader must use.
        if (scanned := _scanned(byte_scan.decoding_scan, path, display, errors)) is None:
            return None
        scan, encoding = scanned
        if (encoding, *_layout(scan)) != tried:  # else Arrow has just refused this very read
            fast = _read_regular(path, encoding, *_layout(scan))
    separator, _, physical = _layout(scan)
    if fast is not None:  # the usual export: every line one row, as wide as the header
        names, columns = fast
        table = table_of(display, names, columns, np.arange(1, physical + 1), errors, notes)
        return _set_aside_other_separators(table, separator, errors)
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
        build_table(display, cells, lines, errors, notes), separator, errors
    )


def _scanned(
    scan: Callable[[Path], byte_scan.Scan], path: Path, display: str, errors: list[Problem]
) -> tuple[byte_scan.Scan, str] | None:
    """The scan of a file readable as CSV text, and its encoding; else None, and why in `errors`."""
    try:
        found = scan(path)
    except OSError as exc:
        errors.append(_cannot_read(display, exc))
        return None
    if found.refusal is not None:
        errors.append(Problem(display, found.refusal_line, "", found.refusal))
    elif found.encoding is None:
        message = "cannot decode the file: expected UTF-8 or Windows-1251"
        errors.append(Problem(display, None, "", message))
    elif found.blank:
        errors.append(Problem(display, None, "", _EMPTY))
    else:
        return found, found.encoding
    return None


def _layout(scan: byte_scan.Scan) -> tuple[str, str, int]:
    """The separator, the header line and the number of physical lines of a scanned file."""
    return guess_separator(scan.first_line), scan.first_line, scan.newlines + int(scan.ends_open)


def _read_regular(
    path: Path, encoding: str, separator: str, header_line: str, physical: int
) -> tuple[list[str], list[pd.Categorical]] | None:
    """A CSV whose every line is one row as wide as the header, read by Arrow's multithreaded
    reader straight into dictionaries (each distinct text decoded once); None for any other
    file (blank lines, ragged rows, line breaks inside quotes, bad UTF-8), which the exact,
    slower reader then takes.

    Arrow checks that every cell is UTF-8, and every byte of a regular file not in a cell is a
    separator, quote or line break, so a file read as UTF-8 here is valid UTF-8 throughout.
    """
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    # Every column read as text, as the exact reader does ("007" stays 007): Arrow names the
    # columns f0, f1, ... when it names them itself.
    header = header_line.removesuffix("\r")
    if "\r" in header:  # old Mac line endings: one "line" holds the whole file
        return None
    try:
        width = len(next(csv.reader([header], delimiter=separator), []))
    except csv.Error:
        return None
    irregular: list[object] = []

    def skip(row: object) -> str:
        irregular.append(row)
        return "skip"

    try:
        read = arrow_csv.read_csv(
            path,
            read_options=arrow_csv.ReadOptions(
                encoding="utf8" if encoding == "utf-8-sig" else encoding,
                autogenerate_column_names=True,
            ),
            parse_options=arrow_csv.ParseOptions(
                delimiter=separator,
                ignore_empty_lines=False,
                invalid_row_handler=skip,
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types={
                    f"f{i}": pa.dictionary(pa.int32(), pa.string()) for i in range(width)
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                auto_dict_encode=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
        return None
    if irregular or read.num_rows != physical or read.num_columns != width or read.num_rows == 0:
        return None
    names: list[str] = []
    columns: list[pd.Categorical] = []
    for column in read.columns:
        names.append(str(column[0].as_py() or ""))
        encoded = column.combine_chunks()  # one dictionary for all of Arrow's blocks
        codes = encoded.indices.to_numpy(zero_copy_only=False)[1:]  # the header row is not data
        columns.append(coded_text(codes, encoded.dictionary.to_pylist()))
    return names, columns


def guess_separator(header_line: str) -> str:
    """The one of SEPARATORS the header line holds most; a comma for a blank line."""
    return max(SEPARATORS, key=header_line.count) if header_line.strip() else ","


def _set_aside_other_separators(table: Table, separator: str, errors: list[Problem]) -> Table:
    """Rows written with another separator than the header's: one error each, not empty cells."""
    frame = table.frame
    if frame.shape[1] < 3 or frame.empty:  # every table needs three filled columns or more
        return table
    first = pd.Series(frame.iloc[:, 0].cat.categories, dtype=object)
    others = [s for s in SEPARATORS if s != separator]
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


def _parse_problem(display: str, detail: str) -> Problem:
    """The parser's complaint in the user's terms, on the line it names where it names one."""
    unclosed = re.search(r"EOF inside string starting at row (\d+)", detail)
    if unclosed:
        line = int(unclosed.group(1)) + 1  # rows count from 0 and include the header
        return Problem(display, line, "", 'a quoted cell starts here and its closing " is missing')
    return Problem(display, None, "", f"cannot read as CSV: {detail}")
