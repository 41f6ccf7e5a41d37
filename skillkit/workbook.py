"""Reading every sheet of an .xlsx workbook into all-text tables, as `skillkit.tabular` reads CSV.

Besides the size on disk, a workbook is held to the same limit once unpacked, and a file that is
not a workbook is named for what it is (an old .xls, a text file, a zip without a workbook).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from skillkit.byte_scan import OLE2
from skillkit.errors import Problem
from skillkit.tabular import Table, build_table, size_limit, size_refusal, too_large
from skillkit.text_columns import cell_text


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

    limit = size_limit(max_bytes)
    if (refusal := size_refusal(path, display, limit)) is not None:
        errors.append(refusal)
        return {}
    # Sheets are zip members: a small file can unpack to gigabytes (a "zip bomb").
    unpacked = _unpacked_size(path)
    if unpacked is not None and unpacked > limit:
        errors.append(too_large(display, f"the workbook unpacks to {unpacked:,} bytes", limit))
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
            tables[sheet.title.strip().lower()] = build_table(
                shown, cells, lines, errors, notes, beyond
            )
    finally:
        book.close()
    return tables


def _sheet_cells(sheet: Any) -> tuple[list[np.ndarray], np.ndarray, list[int]]:
    """A sheet's text cells, as many columns as the header names; later columns with values."""
    # The size a sheet declares may be stale (rows past it would be dropped) or absurd (every row
    # padded to 16,384 cells): read only the cells that exist.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(min_row=1, values_only=True)
    header = [cell_text(v) for v in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    texts, lines = [header], [1]
    beyond: set[int] = set()
    # openpyxl yields a Python tuple per row (and one per missing row): its per-row cost, not ours.
    for number, row in enumerate(rows, start=2):
        text = [cell_text(v) for v in row[:width]]
        if any(text):  # wholly empty rows are dropped anyway; skipping them here saves memory
            texts.append(text)
            lines.append(number)
        if len(row) > width:
            beyond.update(i + 1 for i in range(width, len(row)) if cell_text(row[i]))
    grid = np.full((len(texts), width), "", dtype=object)
    for i, text in enumerate(texts):
        grid[i, : len(text)] = text
    return [grid[:, i] for i in range(width)], np.asarray(lines, dtype=np.int64), sorted(beyond)


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
    if head.startswith(OLE2):
        return "this is an old Excel .xls file or a password-protected workbook; save it as .xlsx"
    if has_workbook is None and b"\0" not in head:
        return "this is a text file, not a workbook (CSV files go in a data folder instead)"
    if has_workbook is None:
        return "not a zip archive, as every .xlsx workbook is"
    if not has_workbook:
        return "a zip archive without a workbook in it"
    return str(exc) or type(exc).__name__
