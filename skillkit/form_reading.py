"""Filled rating forms read back: every cell checked against people.csv, the framework and scale.

Reading a form trusts no cell on its own: the manager it names must be in people.csv and every
rated person must report to them there. Every bad cell is one problem, all reported at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from skillkit.errors import InputError, Problem
from skillkit.forms import COLUMNS, FORM_KIND, FORM_SHEET, FORM_VERSION, RATINGS_SHEET, plain_text
from skillkit.framework import Framework, unknown
from skillkit.periods import is_period
from skillkit.rubric import Rubric, Scale

MAX_FORM_BYTES = 20 << 20  # a filled form is a few dozen kB; anything huge is not one
_RATING_TEXT = re.compile(r"^(\d+(?:[.,]\d+)?)(?:\s*[—–-].*)?$", re.DOTALL)


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


def read_forms(
    source: Path, people: pd.DataFrame, framework: Framework, rubric: Rubric
) -> FormsRead:
    """The ratings in one filled form or a folder of them; InputError lists every bad cell."""
    problems: list[Problem] = []
    found = gather_forms(Path(source), people, framework, rubric, problems)
    if problems:
        raise InputError(in_file_order(problems))
    return found


def gather_forms(
    source: Path,
    people: pd.DataFrame,
    framework: Framework,
    rubric: Rubric,
    problems: list[Problem],
) -> FormsRead:
    """Every form under `source`, in file-name order; a problem added for each bad cell."""
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
                meta.setdefault(key, (plain_text(value), row[0].row))
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
        text = {column: plain_text(_text(cell.value)) for column, cell in cells.items()}
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


def in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems by file, then line; a stable sort keeps a row's cells left to right."""
    return sorted(problems, key=lambda p: (p.file, -1 if p.line is None else p.line))
