"""Score and readiness rows for the people selected, and as CSV, XLSX and JSON bytes for HR systems.

The same rows as terminal text are `skillkit.terminal_exports`.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from skillkit.errors import InputError, Problem
from skillkit.models import Lang
from skillkit.outputs import FORMULA_STARTS, readiness_table, scores_table, spreadsheet_safe
from skillkit.pipeline import Assessment

FORMATS = ("table", "csv", "xlsx", "json")
_LISTED = 12  # known ids named in an error message, at most
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest moment a ZIP entry can carry
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot hold
_XLSX_MAX_WIDTH = 60


# --- which rows -------------------------------------------------------------------------------


def score_rows(
    assessment: Assessment,
    *,
    all_periods: bool = False,
    employees: Collection[str] = (),
    team: str | None = None,
) -> pd.DataFrame:
    """scores.csv rows of the reviewed quarter (or of every quarter) for the people selected."""
    table = scores_table(assessment)
    if not all_periods:
        table = table[(table["period"] == assessment.period).to_numpy()]  # on the codes
    return _of_selected(table, assessment, employees, team)


def readiness_rows(
    assessment: Assessment,
    lang: Lang,
    *,
    employees: Collection[str] = (),
    team: str | None = None,
) -> pd.DataFrame:
    """readiness.csv rows (reasons in `lang`) for the people selected."""
    return _of_selected(readiness_table(assessment, lang), assessment, employees, team)


def _of_selected(
    table: pd.DataFrame, assessment: Assessment, employees: Collection[str], team: str | None
) -> pd.DataFrame:
    chosen = selected_people(assessment, employees, team)
    if chosen is not None:
        table = table[table["employee_id"].isin(chosen).to_numpy()]
    return table.reset_index(drop=True)


def selected_people(
    assessment: Assessment, employees: Collection[str] = (), team: str | None = None
) -> set[str] | None:
    """Ids of the people `--employee` and `--team` select together (None: no filter given)."""
    if not employees and team is None:
        return None
    people = assessment.people
    ids = people["employee_id"].astype(str)
    teams = people["team"].astype("string").fillna("").astype(str)
    chosen, problems = set(ids), []
    if employees:
        unknown = [e for e in dict.fromkeys(employees) if e not in chosen]
        problems += [
            Problem(
                "--employee",
                None,
                "",
                f"no one with employee_id {e!r} in {assessment.period} (known: {_listing(ids)})",
            )
            for e in unknown
        ]
        chosen &= set(employees)
    if team is not None:
        if team not in set(teams):
            message = f"no team {team!r} in {assessment.period} (known: {_listing(teams)})"
            problems.append(Problem("--team", None, "", message))
        chosen &= set(ids[(teams == team).to_numpy()])
    if problems:
        raise InputError(problems)
    return chosen


def _listing(values: pd.Series) -> str:
    known = sorted(set(values) - {""})
    shown = ", ".join(known[:_LISTED])
    return shown + (", …" if len(known) > _LISTED else "")


# --- files for HR systems ---------------------------------------------------------------------


def csv_bytes(table: pd.DataFrame) -> bytes:
    """RFC 4180 CSV (comma, CRLF) in UTF-8 with a byte-order mark, formulas neutralised."""
    # Excel decodes a CSV without a BOM in the system's ANSI code page (Windows-1251 in Russia),
    # turning UTF-8 Cyrillic into mojibake; the BOM is the one signal every Excel honours.
    # CRLF rows, because Python's csv quotes only the line ending's own characters: with "\n"
    # rows a text holding a bare "\r" would go out unquoted and split its row in two.
    text = spreadsheet_safe(table).to_csv(index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def json_bytes(table: pd.DataFrame) -> bytes:
    """JSON records, UTF-8 as is; missing values are null. No formula guard: JSON runs nothing."""
    columns = [str(c) for c in table.columns]
    values = [_values(table[c]) for c in table.columns]
    records = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
    text = json.dumps(records, ensure_ascii=False, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


def xlsx_bytes(table: pd.DataFrame, sheet: str, *, generated_at: str | None = None) -> bytes:
    """One sheet, bold frozen header, numbers as numbers, text guarded against formulas.

    `generated_at` (ISO 8601) dates the workbook, so the same table gives the same bytes.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    safe = spreadsheet_safe(table)
    workbook = Workbook(write_only=True)  # streams rows: a large agency stays small in memory
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.freeze_panes = "A2"
    columns = [[_xlsx_value(v) for v in _values(safe[c])] for c in safe.columns]
    for number, (name, values) in enumerate(zip(safe.columns, columns, strict=True), start=1):
        longest = max([len(str(name))] + [len(str(v)) for v in values[:1000] if v is not None])
        worksheet.column_dimensions[get_column_letter(number)].width = min(
            longest + 2, _XLSX_MAX_WIDTH
        )
    bold = Font(bold=True)
    header = []
    for name in safe.columns:
        cell = WriteOnlyCell(worksheet, value=str(name))
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for row in zip(*columns, strict=True):
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _dated(buffer.getvalue(), _moment(generated_at))


def _values(column: pd.Series) -> list[Any]:
    """Plain Python values of a column; NaN and <NA> become None."""
    return [None if _missing(v) else v for v in column.tolist()]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _xlsx_value(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # spreadsheet_safe guarded the text already; a cell starting with = would still become a
    # formula in openpyxl, so no text leaves here unguarded whatever its column's dtype.
    text = _XLSX_ILLEGAL.sub("\ufffd", value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _moment(generated_at: str | None) -> datetime:
    if not generated_at:
        return _ZIP_EPOCH
    moment = datetime.fromisoformat(generated_at.replace("Z", "+00:00"))
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return max(moment, _ZIP_EPOCH)


def _dated(archive: bytes, moment: datetime) -> bytes:
    """The workbook with every clock reading openpyxl and zipfile took replaced by `moment`."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    stamp_pattern = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")
    when = moment.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.namelist():
            data = source.read(entry)
            if entry == "docProps/core.xml":
                data = stamp_pattern.sub(lambda m: m.group(1) + stamp, data)
            info = zipfile.ZipInfo(entry, date_time=when)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
