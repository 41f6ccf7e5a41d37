"""Rating forms for managers: .xlsx forms out (`skillkit template`), filled ones in (`collect`).

A form is one workbook per manager. Sheet `ratings` lists their direct reports × competencies;
only the rating and comment cells are editable, ratings come from a drop-down. Sheet `levels`
says what each level of each competency looks like. A very hidden sheet `form` names the manager
and the quarter and holds the drop-down's choices. Reading a form back trusts no cell on its own:
the manager it names must be in people.csv and every rated person must report to them there.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from skillkit import tabular
from skillkit.errors import InputError, Problem
from skillkit.framework import Framework, unknown
from skillkit.models import Lang
from skillkit.outputs import FORMULA_STARTS
from skillkit.periods import is_period
from skillkit.pipeline import record_rules
from skillkit.records import RecordRules, Records, load_records
from skillkit.report.render import slugs
from skillkit.rubric import Rubric, Scale

FORM_KIND = "skillkit rating form"
FORM_VERSION = "1"
SOURCE = "manager"
RATINGS_SHEET, LEVELS_SHEET, FORM_SHEET = "ratings", "levels", "form"
COLUMNS = ("period", "employee_id", "name", "competency", "competency_name", "rating", "comment")
KEY = ("period", "employee_id", "rater_id", "competency")
DASH = " — "
MAX_FORM_BYTES = 20 << 20  # a filled form is a few dozen kB; anything huge is not one
_EDITABLE = ("rating", "comment")
# Widest each column gets; text columns are narrower when their longest value is short.
_WIDTHS = dict(zip(COLUMNS, (10, 30, 36, 26, 40, 22, 60), strict=True))
_FITTED = frozenset({"employee_id", "name", "competency", "competency_name"})
_QUOTED = FORMULA_STARTS | {"'"}  # a leading quote is doubled too, so reading back is exact
_RATING_TEXT = re.compile(r"^(\d+(?:[.,]\d+)?)(?:\s*[—–-].*)?$", re.DOTALL)
_CORE_TIMES = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")
_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest time a zip entry can carry
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "levels_header": "competency\tcompetency id\tlevel\tlevel name\twhat it looks like",
        "prompt_title": "Rating",
        "prompt": "Pick the level whose description (sheet 'levels') fits what you saw this "
        "quarter; a half point when clearly between two. Leave empty if not observed.",
        "error_title": "Not on the scale",
        "error": "Pick a rating from the list, or type a number on the scale.",
    },
    "ru": {
        "levels_header": "компетенция\tкод компетенции\tуровень\tназвание уровня\tкак это выглядит",
        "prompt_title": "Оценка",
        "prompt": "Выберите уровень, описание которого (лист 'levels') точнее всего совпадает "
        "с тем, что вы видели за квартал; половина балла — если явно между двумя. "
        "Оставьте пустым, если не наблюдали.",
        "error_title": "Нет на шкале",
        "error": "Выберите оценку из списка или введите число со шкалы.",
    },
}


@dataclass(frozen=True)
class FormRating:
    """One filled row of a form, and the cell it came from."""

    file: str  # the sheet as named in messages: `forms/x.xlsx[ratings]`
    line: int  # its row on that sheet (the header is row 1)
    period: str
    employee_id: str
    rater_id: str
    competency: str
    rating: float | None  # None: not observed (a comment without a rating)
    comment: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What ratings.csv allows once: (period, employee_id, rater_id, competency)."""
        return (self.period, self.employee_id, self.rater_id, self.competency)


@dataclass(frozen=True)
class FormsRead:
    """The ratings found in filled forms."""

    ratings: tuple[FormRating, ...]  # in file order, then row order
    forms: int  # forms read
    empty: int  # rows left without rating and comment (not rated)


@dataclass(frozen=True)
class Collected:
    """What `collect_forms` made of the forms: the new ratings.csv and counts for the summary."""

    content: bytes | None  # the merged ratings.csv; None when nothing is new
    forms: int
    added: int
    already_there: int  # rows equal to one in ratings.csv (or in an earlier form)
    empty: int
    warnings: tuple[Problem, ...]  # about the merged data, as `load_records` gives them


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading quote (so does a leading quote)."""
    return "'" + text if text[:1] in _QUOTED else text


def _unquoted(text: str) -> str:
    """The inverse of `spreadsheet_text`."""
    return text[1:] if text[:1] == "'" and text[1:2] in _QUOTED else text


def check_period(period: str) -> None:
    """A form is for one quarter: `period` must be a label like 2026Q4."""
    if not is_period(period):
        message = f"expected a quarter like 2026Q4, got {period!r}"
        raise InputError([Problem("--period", None, "", message)])


def scale_choices(framework: Framework, rubric: Rubric, lang: Lang) -> list[str | float]:
    """The drop-down's entries: '3 — Proficient' for a level, the bare number between levels."""
    scale = rubric.scale
    steps = round((scale.max - scale.min) / scale.step)
    names = {lv.level: lv.name(lang) for lv in framework.levels}
    choices: list[str | float] = []
    for i in range(steps + 1):
        value = round(scale.min + i * scale.step, 9)
        level = int(value) if value.is_integer() else None
        if level in names:
            choices.append(f"{level}{DASH}{names[level]}")
        else:
            choices.append(int(value) if level is not None else value)
    return choices


def build_forms(
    records: Records,
    framework: Framework,
    rubric: Rubric,
    *,
    period: str,
    lang: Lang = "en",
    generated_at: str | None = None,
) -> dict[str, bytes]:
    """One form per manager (anyone's manager_id) as `<period>-<manager slug>.xlsx` → bytes.

    The file name starts with the quarter, so no slug can make a reserved Windows name (CON...).
    `generated_at` (ISO 8601) is stamped into the workbooks so the same inputs give the same bytes.
    """
    check_period(period)
    moment = datetime.fromisoformat(generated_at) if generated_at else _EPOCH
    people = records.people
    pairs = people.loc[people["manager_id"].notna(), ["manager_id", "employee_id", "name"]]
    pairs = pairs.astype(str)
    names = dict(zip(people["employee_id"].astype(str), people["name"].astype(str), strict=True))
    file_names = slugs(pairs["manager_id"].unique().tolist())
    choices = scale_choices(framework, rubric, lang)
    forms: dict[str, bytes] = {}
    for manager, team in pairs.groupby("manager_id", sort=True):
        reports = team.sort_values("employee_id")
        rows = [
            (employee, name, competency.id, competency.name(lang))
            for employee, name in zip(reports["employee_id"], reports["name"], strict=True)
            for competency in framework.competencies  # in framework order, as the reports show
        ]
        meta = {
            "kind": FORM_KIND,
            "version": FORM_VERSION,
            "manager_id": str(manager),
            "manager_name": names.get(str(manager), ""),
            "period": period,
            "source": SOURCE,
            "framework": f"{framework.id} {framework.version}",
            "lang": lang,
        }
        book = _workbook(period, rows, meta, choices, framework, lang)
        forms[f"{period}-{file_names[str(manager)]}.xlsx"] = _pinned(book, moment)
    return forms


def _workbook(
    period: str,
    rows: list[tuple[str, str, str, str]],
    meta: dict[str, str],
    choices: list[str | float],
    framework: Framework,
    lang: Lang,
) -> bytes:
    """The form's three sheets, protected, as xlsx bytes."""
    text = _TEXT[lang]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = RATINGS_SHEET
    _header(sheet, COLUMNS)
    for employee, name, competency, competency_name in rows:
        sheet.append(
            [period, *map(spreadsheet_text, (employee, name, competency, competency_name))]
        )
    last = len(rows) + 1
    for column in _EDITABLE:
        index = COLUMNS.index(column) + 1
        for row in range(2, last + 1):
            cell = sheet.cell(row, index)
            cell.protection = Protection(locked=False)
            cell.alignment = Alignment(wrap_text=column == "comment", vertical="top")
    letter = _letter(COLUMNS.index("rating"))
    validation = DataValidation(
        type="list",
        formula1=f"{FORM_SHEET}!$D$2:$D${len(choices) + 1}",
        allow_blank=True,
        showInputMessage=True,
        promptTitle=text["prompt_title"],
        prompt=text["prompt"][:255],  # Excel's limit for an input message
        showErrorMessage=True,
        errorStyle="warning",  # a number typed in is fine too: collect checks every value
        errorTitle=text["error_title"],
        error=text["error"],
    )
    validation.add(f"{letter}2:{letter}{last}")
    sheet.add_data_validation(validation)
    if framework.description is not None:
        sheet[f"{letter}1"].comment = Comment(framework.description(lang), "skillkit", 200, 400)
    _layout(sheet, [_fitted(sheet, i, cap) for i, cap in enumerate(_WIDTHS.values())], last)
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # printed one page wide
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0

    levels = book.create_sheet(LEVELS_SHEET)
    _header(levels, tuple(text["levels_header"].split("\t")))
    for item in framework.competencies:
        for level in item.levels:
            name = framework.levels[level.level - 1].name(lang)
            cells = (item.name(lang), item.id, level.level, name, level.indicator(lang))
            levels.append([spreadsheet_text(c) if isinstance(c, str) else c for c in cells])
    for row in levels.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    _layout(levels, [32, 26, 8, 16, 90], levels.max_row)

    hidden = book.create_sheet(FORM_SHEET)
    for key, value in meta.items():
        hidden.append([key, spreadsheet_text(value)])
    hidden["D1"] = "choices"
    for i, choice in enumerate(choices, start=2):
        hidden.cell(i, 4, spreadsheet_text(choice) if isinstance(choice, str) else choice)
    hidden.protection.sheet = True
    hidden.sheet_state = "veryHidden"  # not even listed under Unhide; structure is locked too
    book.security = WorkbookProtection(lockStructure=True)
    book.properties.creator = "skillkit"
    book.properties.title = f"Rating form {period}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(sheet: Any, names: Sequence[str]) -> None:
    sheet.append(list(names))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL


def _fitted(sheet: Any, index: int, widest: int) -> int:
    """A column's width: its longest text plus a margin, at most `widest`."""
    if COLUMNS[index] not in _FITTED:
        return widest
    cells = sheet.iter_rows(min_col=index + 1, max_col=index + 1, values_only=True)
    return min(widest, 2 + max(len(str(row[0] or "")) for row in cells))


def _letter(index: int) -> str:
    return str(openpyxl.utils.get_column_letter(index + 1))


def _layout(sheet: Any, widths: Sequence[int], last: int) -> None:
    """Widths, a frozen header, a filter, and protection that still allows filtering."""
    for i, width in enumerate(widths):
        sheet.column_dimensions[_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{_letter(len(widths) - 1)}{last}"
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = False  # False allows it: a long form can be filtered by person
    protection.formatColumns = False
    protection.formatRows = False


def _pinned(content: bytes, moment: datetime) -> bytes:
    """The workbook with `moment` as its document and zip entry times, not the clock's."""
    moment = max(moment.astimezone(UTC), _EPOCH)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rf"\g<1>{stamp}\g<3>", data.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()


def read_forms(
    source: Path, people: pd.DataFrame, framework: Framework, rubric: Rubric
) -> FormsRead:
    """The ratings in one filled form or a folder of them; InputError lists every bad cell."""
    problems: list[Problem] = []
    found = _read_all(Path(source), people, framework, rubric, problems)
    if problems:
        raise InputError(_ordered(problems))
    return found


def collect_forms(forms: Path, data: Path, framework: Framework, rubric: Rubric) -> Collected:
    """Filled forms merged into DATA's ratings.csv, checked as any input; nothing is overwritten.

    A row equal to one already in ratings.csv (same period, employee_id, rater_id and competency,
    same rating and comment) is skipped, so collecting twice adds nothing; a different rating for
    such a key is a problem naming both places. The new rows are appended after the existing
    lines, which stay as they were (same separator, line endings and header order), and the file
    is returned as UTF-8: a Windows-1251 file becomes UTF-8 with a BOM, Excel's cue.
    """
    data = Path(data)
    if not data.is_dir():
        message = "expected a data folder (collect adds the ratings to its ratings.csv)"
        raise InputError([Problem(str(data), None, "--into", message)])
    rules = record_rules(framework, rubric)
    records = load_records(data, rules)  # the data must load as it is before anything is added
    problems: list[Problem] = []
    found = _read_all(Path(forms), records.people, framework, rubric, problems)
    path = data / "ratings.csv"
    new, already = _new_ratings(found.ratings, path, problems)
    shape = _CsvShape.of(path)
    if "comment" not in shape.header:  # the column is optional, a comment must not vanish
        message = "ratings.csv has no comment column to keep this comment in (add the column)"
        problems += [Problem(r.file, r.line, "comment", message) for r in new if r.comment]
    if problems:
        raise InputError(_ordered(problems))
    if not new:
        return Collected(None, found.forms, 0, already, found.empty, ())
    content, lines = _appended(shape, new)
    warnings = _checked(data, content, lines, rules)
    return Collected(content, found.forms, len(new), already, found.empty, warnings)


def _read_all(
    source: Path,
    people: pd.DataFrame,
    framework: Framework,
    rubric: Rubric,
    problems: list[Problem],
) -> FormsRead:
    """Every form under `source`, in file-name order."""
    if source.is_dir():
        # `~$name.xlsx` is the lock file Excel leaves beside a workbook it has open.
        paths = sorted(
            p
            for p in source.iterdir()
            if p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith("~$")
        )
        if not paths:
            problems.append(Problem(str(source), None, "", "no .xlsx forms in this folder"))
    elif source.is_file() and source.suffix.lower() == ".xlsx":
        paths = [source]
    else:
        what = "not an .xlsx file" if source.exists() else "no such file or folder"
        message = f"{what} (expected a filled .xlsx form or a folder of them)"
        problems.append(Problem(str(source), None, "", message))
        paths = []
    ids = people["employee_id"].astype(str).tolist()
    bosses = [m if isinstance(m, str) else None for m in people["manager_id"].astype(object)]
    managers = dict(zip(ids, bosses, strict=True))
    reader = _FormReader(managers, framework.competency_ids, rubric.scale, problems)
    ratings: list[FormRating] = []
    empty = 0
    for path in paths:
        rows, blank = reader.read(path, str(path))
        ratings += rows
        empty += blank
    return FormsRead(tuple(ratings), len(paths), empty)


@dataclass(frozen=True)
class _FormReader:
    """Reads forms against people.csv (who manages whom), the competencies and the scale."""

    managers: dict[str, str | None]  # employee_id → manager_id (None when none)
    competencies: tuple[str, ...]
    scale: Scale
    problems: list[Problem]

    def read(self, path: Path, display: str) -> tuple[list[FormRating], int]:
        """The filled rows of one form and the number of rows left empty."""
        if path.stat().st_size > MAX_FORM_BYTES:
            message = f"too large for a rating form ({path.stat().st_size} bytes)"
            self.problems.append(Problem(display, None, "", message))
            return [], 0
        try:
            book = openpyxl.load_workbook(path, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            message = f"cannot read as an .xlsx workbook: {exc}"
            self.problems.append(Problem(display, None, "", message))
            return [], 0
        try:
            manager = self._manager(book, display)
            if manager is None:
                return [], 0
            return self._rows(book, display, manager)
        finally:
            book.close()

    def _manager(self, book: Any, display: str) -> str | None:
        """The manager the form is for, when the form is one and people.csv knows them."""
        meta: dict[str, tuple[str, int]] = {}
        if FORM_SHEET in book.sheetnames:
            for row in book[FORM_SHEET].iter_rows(max_col=2):
                key, value = (_text(cell.value) for cell in row)
                meta.setdefault(key, (_unquoted(value), row[0].row))
        if meta.get("kind", ("", 0))[0] != FORM_KIND:
            message = "not a skillkit rating form (forms are made by `skillkit template`)"
            self.problems.append(Problem(display, None, "", message))
            return None
        where = f"{display}[{FORM_SHEET}]"
        version, line = meta.get("version", ("", None))
        if version != FORM_VERSION:
            message = f"form version {version!r} is not supported (expected {FORM_VERSION})"
            self.problems.append(Problem(where, line, "version", message))
            return None
        manager, line = meta.get("manager_id", ("", None))
        if manager not in self.managers:
            message = f"unknown manager {manager!r} (not an employee_id in people.csv)"
            self.problems.append(Problem(where, line, "manager_id", message))
            return None
        return manager

    def _rows(self, book: Any, display: str, manager: str) -> tuple[list[FormRating], int]:
        where = f"{display}[{RATINGS_SHEET}]"
        if RATINGS_SHEET not in book.sheetnames:
            message = f"missing sheet {RATINGS_SHEET!r} (a form's ratings are on it)"
            self.problems.append(Problem(display, None, "", message))
            return [], 0
        sheet = book[RATINGS_SHEET]
        rows = sheet.iter_rows(max_col=len(COLUMNS))
        header = tuple(_text(cell.value) for cell in next(rows, ()))
        if header != COLUMNS:
            message = f"expected columns {', '.join(COLUMNS)}; got {', '.join(header) or 'none'}"
            self.problems.append(Problem(where, 1, "header", message))
            return [], 0
        found: list[FormRating] = []
        empty = 0
        for cells in rows:
            values = dict(zip(COLUMNS, cells, strict=True))
            if all(c.value is None or _text(c.value) == "" for c in cells):
                continue
            if _text(values["rating"].value) == "" and _text(values["comment"].value) == "":
                empty += 1  # not rated: nothing else on the row matters
                continue
            row = self._row(where, cells[0].row, values, manager)
            if row is not None:
                found.append(row)
        return found, empty

    def _row(self, where: str, line: int, cells: dict[str, Any], manager: str) -> FormRating | None:
        """One filled row, or None after adding a problem for each bad cell."""
        text = {column: _unquoted(_text(cell.value)) for column, cell in cells.items()}
        # One message per bad cell: a formula is told as such, not also as a bad value.
        wrong = {
            column: f"expected a value, got a formula {cell.value!r}"
            for column, cell in cells.items()
            if cell.data_type == "f"
        }
        period, employee, competency = text["period"], text["employee_id"], text["competency"]
        if not is_period(period):
            wrong.setdefault("period", f"expected a quarter like 2026Q3, got {period!r}")
        if employee not in self.managers:
            wrong.setdefault("employee_id", f"unknown employee {employee!r} (not in people.csv)")
        elif (boss := self.managers[employee]) != manager:
            theirs = f"their manager there is {boss!r}" if boss is not None else "no manager"
            message = f"{employee!r} does not report to {manager!r} in people.csv ({theirs})"
            wrong.setdefault("employee_id", message)
        if competency not in self.competencies:
            message = unknown("competency", competency, list(self.competencies))
            wrong.setdefault("competency", message)
        rating = _rating(cells["rating"].value)
        if text["rating"] != "" and (rating is None or not _on_scale(rating, self.scale)):
            low, high, step = self.scale.min, self.scale.max, self.scale.step
            allowed = f"from {low:g} to {high:g} in steps of {step:g}"
            wrong.setdefault("rating", f"expected a number {allowed}, got {text['rating']!r}")
        for column in COLUMNS:
            if column in wrong:
                self.problems.append(Problem(where, line, column, wrong[column]))
        if wrong:
            return None
        comment = text["comment"]
        return FormRating(where, line, period, employee, manager, competency, rating, comment)


def _text(value: Any) -> str:
    """A cell's value as text ('' when empty), numbers written as a CSV would hold them."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rating(value: Any) -> float | None:
    """A rating cell as a number: a number, '2.5', '2,5' or '3 — Proficient'; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    match = _RATING_TEXT.match(str(value).strip())
    return float(match.group(1).replace(",", ".")) if match else None


def _on_scale(value: float, scale: Scale) -> bool:
    """Within the scale and a whole number of steps from its minimum (as records checks)."""
    steps = (value - scale.min) / scale.step
    inside = scale.min - 1e-9 <= value <= scale.max + 1e-9
    return inside and abs(steps - round(steps)) <= 1e-6


def _ordered(problems: list[Problem]) -> list[Problem]:
    """By file, then line; a stable sort keeps a row's cells left to right."""
    return sorted(problems, key=lambda p: (p.file, -1 if p.line is None else p.line))


def _new_ratings(
    found: Sequence[FormRating], path: Path, problems: list[Problem]
) -> tuple[list[FormRating], int]:
    """The form rows not yet in ratings.csv (sorted), and how many were there already."""
    existing = _existing(found, path)
    firsts: dict[tuple[str, str, str, str], FormRating] = {}
    already = 0
    for row in found:
        stored = _stored_comment(row.comment)
        if row.key in existing:
            line, source, rating, comment = existing[row.key]
            if source == SOURCE and _same(row.rating, stored, rating, comment):
                already += 1
            else:
                was = _described(rating, comment, source)
                problems.append(_conflict(row, f"{path}:{line}", was))
        elif row.key in firsts:
            first = firsts[row.key]
            if _same(row.rating, stored, first.rating, _stored_comment(first.comment)):
                already += 1  # the same form twice, e.g. a copy saved beside the original
            else:
                was = _described(first.rating, first.comment, SOURCE)
                problems.append(_conflict(row, f"{first.file}:{first.line}", was))
        else:
            firsts[row.key] = row
    ordered = sorted(firsts.values(), key=lambda r: (r.period, r.employee_id, r.competency))
    return ordered, already


def _existing(
    found: Sequence[FormRating], path: Path
) -> dict[tuple[str, str, str, str], tuple[int, str, float | None, str]]:
    """Rows of ratings.csv with a key some form row has: key → (line, source, rating, comment)."""
    errors: list[Problem] = []
    table = tabular.read_csv(path, str(path), errors, [])
    if table is None or errors:  # load_records read it without complaint a moment ago
        raise InputError(errors)
    frame = table.frame
    if not found or frame.empty:
        return {}
    # Narrow the (possibly long) table on each key column's categories before touching rows.
    mask = np.logical_and.reduce(
        [frame[c].isin({getattr(r, c) for r in found}).to_numpy(dtype=bool) for c in KEY]
    )
    rows = np.flatnonzero(mask)

    def cells(name: str) -> list[str]:
        if name not in frame.columns:
            return [""] * rows.size
        return [str(v) for v in frame[name].take(rows)]

    keys = zip(*(cells(c) for c in KEY), strict=True)
    lines = table.lines[rows].tolist()
    values = zip(lines, cells("source"), cells("rating"), cells("comment"), strict=True)
    return {
        (period, employee, rater, competency): (line, source, _number(rating), comment)
        for (period, employee, rater, competency), (line, source, rating, comment) in zip(
            keys, values, strict=True
        )
    }


def _number(text: str) -> float | None:
    """A rating as ratings.csv holds it (decimal point or comma; empty = not observed)."""
    return float(text.replace(",", ".")) if text else None


def _stored_comment(comment: str) -> str:
    """A comment as ratings.csv gets it: never something a spreadsheet would run as a formula."""
    return spreadsheet_text(comment) if comment[:1] in FORMULA_STARTS else comment


def _same(rating: float | None, comment: str, other: float | None, other_comment: str) -> bool:
    if (rating is None) != (other is None):
        return False
    close = rating is None or other is None or abs(rating - other) < 1e-9
    return close and comment == other_comment


def _described(rating: float | None, comment: str, source: str) -> str:
    """A rating in a message: `3`, `3 with comment 'x'`, `no rating`, `... as peer`."""
    said = "no rating" if rating is None else f"{rating:g}"
    said += f" with comment {comment!r}" if comment else ""
    return said + (f" as {source}" if source != SOURCE else "")


def _conflict(row: FormRating, there: str, was: str) -> Problem:
    has = _described(row.rating, row.comment, SOURCE)
    message = (
        f"{row.rater_id!r} already rated {row.employee_id!r} on {row.competency!r} in "
        f"{row.period} in {there}: {was}; the form has {has} "
        "(collect never overwrites: change ratings.csv itself to replace a rating)"
    )
    return Problem(row.file, row.line, "rating", message)


@dataclass(frozen=True)
class _CsvShape:
    """How an existing CSV file is written, so that added rows look like the rest."""

    text: str  # decoded, ending with a line break
    bom: bool  # write a UTF-8 BOM (it had one, or was Windows-1251)
    newline: str
    separator: str
    header: tuple[str, ...]

    @classmethod
    def of(cls, path: Path) -> _CsvShape:
        """The shape of a file `tabular.read_csv` has read without complaint."""
        raw = path.read_bytes()
        text, encoding = "", tabular.ENCODINGS[0]
        for encoding in tabular.ENCODINGS:
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        first_line = text.split("\n", 1)[0]
        newline = "\r\n" if first_line.endswith("\r") else "\n"
        # The separator as tabular.read_csv chooses it: the one the header uses most.
        separator = max((",", ";", "\t"), key=first_line.count) if first_line.strip() else ","
        cells = next(csv.reader([first_line.rstrip("\r")], delimiter=separator), [])
        if text and not text.endswith("\n"):
            text += newline
        bom = encoding == "cp1251" or raw.startswith(codecs.BOM_UTF8)
        return cls(text, bom, newline, separator, tuple(c.strip() for c in cells))


def _appended(shape: _CsvShape, rows: Sequence[FormRating]) -> tuple[bytes, dict[int, FormRating]]:
    """The file with `rows` added at its end, and the line each added row starts on."""
    decimal = "," if shape.separator == ";" else "."  # a semicolon file is a decimal-comma one
    line = shape.text.count("\n") + 1
    lines: dict[int, FormRating] = {}
    added: list[str] = []
    for row in rows:
        rating = "" if row.rating is None else f"{row.rating:g}".replace(".", decimal)
        values = dict(zip(KEY, row.key, strict=True))
        values |= {"source": SOURCE, "rating": rating, "comment": _stored_comment(row.comment)}
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=shape.separator, lineterminator=shape.newline)
        writer.writerow([values.get(name, "") for name in shape.header])
        lines[line] = row
        line += buffer.getvalue().count("\n")
        added.append(buffer.getvalue())
    merged = (shape.text + "".join(added)).encode("utf-8")
    return (codecs.BOM_UTF8 if shape.bom else b"") + merged, lines


def _checked(
    data: Path, content: bytes, lines: dict[int, FormRating], rules: RecordRules
) -> tuple[Problem, ...]:
    """Load the merged ratings.csv beside a copy of people.csv; its problems point at the forms."""
    # The library writes nothing the user sees: a private temporary copy, removed at once.
    with tempfile.TemporaryDirectory(prefix="skillkit-collect-") as folder:
        copy = Path(folder)
        shutil.copyfile(data / "people.csv", copy / "people.csv")
        (copy / "ratings.csv").write_bytes(content)

        def moved(problem: Problem) -> Problem:
            name = Path(problem.file).name
            row = lines.get(problem.line or 0) if name == "ratings.csv" else None
            if row is not None:
                return Problem(row.file, row.line, problem.where, problem.message)
            file = str(data / name) if problem.file.startswith(folder) else problem.file
            return Problem(file, problem.line, problem.where, problem.message)

        try:
            records = load_records(copy, rules)
        except InputError as error:
            raise InputError(_ordered([moved(p) for p in error.problems])) from None
        return tuple(moved(p) for p in records.warnings)
