"""The four input tables as read, and every check on them: what a row must hold to be used.

Checks are vectorised over each column's distinct values (see `text_columns`); Problem objects are
built only for the rows that fail. `records` runs them, and sets rows aside or stops.
"""

from __future__ import annotations

import string
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from skillkit import tabular, text_columns
from skillkit.errors import Problem
from skillkit.periods import PERIOD_PATTERN

if TYPE_CHECKING:  # records defines the rules and imports this module
    from skillkit.records import RecordRules

LIST_LIMIT = 12
DATES = ("hire_date", "role_start")


@dataclass(frozen=True)
class Kind:
    """One of the four tables: its columns, which may be empty, and its sort order."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    sort: tuple[str, ...]
    may_be_empty: tuple[str, ...] = ()
    needed: bool = False  # the file (or sheet) itself is required

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


PEOPLE = Kind(
    "people",
    ("employee_id", "name", "role"),
    ("team", "manager_id", *DATES),
    sort=("employee_id",),
    needed=True,
)
RATINGS = Kind(
    "ratings",
    ("period", "employee_id", "rater_id", "source", "competency", "rating"),
    ("comment",),
    sort=("period", "employee_id", "competency", "source", "rater_id"),
    may_be_empty=("rating",),
    needed=True,
)
KPIS = Kind("kpis", ("period", "employee_id", "kpi", "value"), (), ("period", "employee_id", "kpi"))
PROMOTIONS = Kind(
    "promotions", ("employee_id", "period", "from_role", "to_role"), (), ("employee_id", "period")
)
KINDS = (PEOPLE, RATINGS, KPIS, PROMOTIONS)


@dataclass(frozen=True)
class Sheet:
    """The table read for one kind."""

    kind: Kind
    table: tabular.Table
    label: str  # how other messages refer to it: `people.csv` or `the people sheet`

    @property
    def frame(self) -> pd.DataFrame:
        return self.table.frame

    def has(self, *columns: str) -> bool:
        return all(c in self.frame.columns for c in columns)

    def filled(self, column: str) -> np.ndarray:
        return np.asarray(self.frame[column] != "", dtype=bool)

    def isin(self, column: str, allowed: Collection[str]) -> np.ndarray:
        # Judged once per category, then spread to the rows by their codes (-1, a missing
        # value, picks the False appended last).
        values = self.frame[column]
        known = np.asarray(values.cat.categories.isin(list(allowed)), dtype=bool)
        return np.append(known, False)[values.cat.codes.to_numpy()]

    def extras(self) -> list[str]:
        return [c for c in self.frame.columns if c not in self.kind.columns]


def check_all(sheets: dict[str, Sheet], rules: RecordRules) -> tuple[list[Problem], list[Problem]]:
    """Every check on the tables as they stand: errors and warnings."""
    errors: list[Problem] = []
    notes: list[Problem] = []
    people, ratings = sheets.get("people"), sheets.get("ratings")
    known = people if people is not None and people.has("employee_id") else None
    if known is not None and known.frame.empty:
        # Without a single person every rating would be "unknown": say the one thing that matters.
        message = "no people listed (the file has only its header)"
        errors.append(Problem(known.table.display, 1, "employee_id", message))
        known = None
    for sheet in sheets.values():
        _check_header(sheet, errors, notes)
        _check_common(sheet, known, errors)
        _CHECKS[sheet.kind.name](sheet, rules, errors)
    if known is not None and ratings is not None and ratings.has("employee_id"):
        rated = known.isin("employee_id", distinct(ratings.frame["employee_id"]))
        unrated = known.filled("employee_id") & ~rated
        message = "no ratings for {employee_id!r} in {label}"
        _flag(notes, known, unrated, "employee_id", message, label=ratings.label)
    return errors, notes


def _check_header(sheet: Sheet, errors: list[Problem], notes: list[Problem]) -> None:
    """Missing required columns are errors; unknown columns outside people are one warning."""
    found = list(sheet.frame.columns)
    listing = _listing(found, sort=False) if found else "no columns"
    for column in sheet.kind.required:
        if column not in found:
            message = f"missing required column {column!r} (found: {listing})"
            errors.append(Problem(sheet.table.display, 1, "header", message))
    if (extras := sheet.extras()) and sheet.kind is not PEOPLE:
        names = ", ".join(repr(c) for c in extras)
        message = (
            f"ignoring unknown column(s) {names} (known: {_listing(sheet.kind.columns, False)})"
        )
        notes.append(Problem(sheet.table.display, 1, "header", message))


def _check_common(sheet: Sheet, people: Sheet | None, errors: list[Problem]) -> None:
    """Values that must be filled, quarter labels, and employee ids that must be in people."""
    for column in sheet.kind.required:
        if column not in sheet.kind.may_be_empty and sheet.has(column):
            _flag(errors, sheet, ~sheet.filled(column), column, "required value is empty")
    if sheet.has("period"):
        matches = np.asarray(sheet.frame["period"].str.match(PERIOD_PATTERN), dtype=bool)
        bad = sheet.filled("period") & ~matches
        _flag(errors, sheet, bad, "period", "expected a quarter like 2026Q3, got {period!r}")
    if people is not None and sheet is not people and sheet.has("employee_id"):
        employees = distinct(people.frame["employee_id"])
        bad = sheet.filled("employee_id") & ~sheet.isin("employee_id", employees)
        message = "unknown employee {employee_id!r} (not in {label})"
        _flag(errors, sheet, bad, "employee_id", message, label=people.label)


def _check_people(sheet: Sheet, rules: RecordRules, errors: list[Problem]) -> None:
    _check_known(sheet, "role", rules.roles, "role", errors)
    for column in DATES:
        if sheet.has(column):
            message = f"expected a date like 2024-03-01 or 01.03.2024, got {{{column}!r}}"
            _flag(errors, sheet, text_columns.dates(sheet.frame[column])[1], column, message)
    if not sheet.has("employee_id"):
        return
    message = "duplicate employee {employee_id!r} (first on line {first})"
    _check_unique(sheet, ("employee_id",), "employee_id", message, errors)
    if sheet.has("manager_id"):
        managed = sheet.filled("manager_id")
        employees = distinct(sheet.frame["employee_id"])
        unknown = managed & ~sheet.isin("manager_id", employees)
        message = "unknown manager {manager_id!r} (not an employee_id in {label})"
        _flag(errors, sheet, unknown, "manager_id", message, label=sheet.label)
        ids = sheet.frame[["manager_id", "employee_id"]].astype(object)
        own = managed & np.asarray(ids["manager_id"] == ids["employee_id"], dtype=bool)
        _flag(errors, sheet, own, "manager_id", "{employee_id!r} cannot be their own manager")


def _check_ratings(sheet: Sheet, rules: RecordRules, errors: list[Problem]) -> None:
    _check_known(sheet, "source", rules.sources, "source", errors, "allowed")
    _check_known(sheet, "competency", rules.competencies, "competency", errors)
    if sheet.has("rating"):
        # Judged once per distinct text, then spread to the rows by their codes.
        value, unreadable = text_columns.category_numbers(sheet.frame["rating"])
        low, high, step = rules.scale_min, rules.scale_max, rules.scale_step
        with np.errstate(invalid="ignore"):
            off_scale = (value < low - 1e-9) | (value > high + 1e-9)
            if step > 0:
                steps = (value - low) / step
                off_scale |= np.abs(steps - np.round(steps)) > 1e-6
        allowed = f"from {low:g} to {high:g}" + (f" in steps of {step:g}" if step > 0 else "")
        bad = (unreadable | (~np.isnan(value) & off_scale))[sheet.frame["rating"].cat.codes]
        _flag(errors, sheet, bad, "rating", f"expected a number {allowed}, got {{rating!r}}")
    if sheet.has("source", "rater_id", "employee_id"):
        rows = np.flatnonzero(np.asarray(sheet.frame["source"] == "self", dtype=bool))
        raters = np.asarray(sheet.frame["rater_id"].take(rows), dtype=object)
        rated = np.asarray(sheet.frame["employee_id"].take(rows), dtype=object)
        bad = np.zeros(len(sheet.frame), dtype=bool)
        bad[rows] = (raters != rated) & (raters != "") & (rated != "")
        message = "a self rating must have rater_id equal to employee_id"
        _flag(errors, sheet, bad, "source", message + ", got {rater_id!r} for {employee_id!r}")
    keys = ("period", "employee_id", "rater_id", "competency")
    message = "duplicate rating by {rater_id!r} of {employee_id!r} on {competency!r} in {period}"
    _check_unique(sheet, keys, "rating", message + " (first on line {first})", errors)


def _check_kpis(sheet: Sheet, rules: RecordRules, errors: list[Problem]) -> None:
    _check_known(sheet, "kpi", rules.kpis, "kpi", errors)
    if sheet.has("value"):
        bad = text_columns.numbers(sheet.frame["value"])[1]
        _flag(errors, sheet, bad, "value", "expected a number, got {value!r}")
    message = "duplicate value of {kpi!r} for {employee_id!r} in {period} (first on line {first})"
    _check_unique(sheet, ("period", "employee_id", "kpi"), "value", message, errors)


def _check_promotions(sheet: Sheet, rules: RecordRules, errors: list[Problem]) -> None:
    _check_known(sheet, "from_role", rules.roles, "role", errors)
    _check_known(sheet, "to_role", rules.roles, "role", errors)
    message = "duplicate promotion of {employee_id!r} in {period} (first on line {first})"
    _check_unique(sheet, ("employee_id", "period"), "period", message, errors)


_CHECKS = {
    "people": _check_people,
    "ratings": _check_ratings,
    "kpis": _check_kpis,
    "promotions": _check_promotions,
}


def _check_known(
    sheet: Sheet,
    column: str,
    known: Collection[str],
    noun: str,
    errors: list[Problem],
    verb: str = "known",
) -> None:
    """Filled cells of `column` must be one of `known`."""
    if sheet.has(column):
        bad = sheet.filled(column) & ~sheet.isin(column, known)
        message = f"unknown {noun} {{{column}!r}} ({verb}: {{known}})"
        _flag(errors, sheet, bad, column, message, known=_listing(known))


def _check_unique(
    sheet: Sheet, keys: tuple[str, ...], where: str, message: str, errors: list[Problem]
) -> None:
    """A row repeating an earlier row's key is an error naming the first line."""
    if not sheet.has(*keys):
        return
    repeated = _repeated(sheet.frame, keys)
    for key in keys:  # pairwise: reducing a list of arrays would first stack them into a copy
        repeated = repeated & sheet.filled(key)
    if not repeated.any():
        return
    rows = np.flatnonzero(repeated)
    groups = [np.asarray(sheet.frame[k].take(rows), dtype=object) for k in keys]
    first = np.zeros(len(sheet.frame), dtype=np.int64)
    first[rows] = pd.Series(sheet.table.lines[rows]).groupby(groups).transform("min").to_numpy()
    later = repeated & (sheet.table.lines != first)
    _flag(errors, sheet, later, where, message, first=first)


def _repeated(frame: pd.DataFrame, keys: tuple[str, ...]) -> np.ndarray:
    """Rows whose `keys` another row repeats, found on one integer per row.

    Sorting those integers and comparing neighbours is several times faster than hashing them:
    millions of distinct keys make a hash table miss the cache at every row.
    """
    combined = text_columns.row_keys([frame[k] for k in keys])
    if combined is None:
        return np.asarray(frame.duplicated(list(keys), keep=False), dtype=bool)
    repeated = np.zeros(len(frame), dtype=bool)
    ordered = np.sort(combined)
    if not (ordered[1:] == ordered[:-1]).any():  # the usual case: no key repeated
        return repeated
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    same = ordered[1:] == ordered[:-1]
    repeated[order[1:][same]] = True
    repeated[order[:-1][same]] = True
    return repeated


def _flag(
    problems: list[Problem],
    sheet: Sheet,
    mask: np.ndarray,
    where: str,
    template: str,
    **extra: Any,
) -> None:
    """One Problem per masked row, formatting `template` with that row's cells and `extra`."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return
    values: dict[str, list[Any]] = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if not name or name in values:
            continue
        if name not in extra:
            values[name] = np.asarray(sheet.frame[name].take(rows), dtype=object).tolist()
        elif isinstance(extra[name], np.ndarray):
            values[name] = extra[name][rows].tolist()
        else:
            values[name] = [extra[name]] * rows.size
    for i, line in enumerate(sheet.table.lines[rows].tolist()):
        message = template.format(**{name: column[i] for name, column in values.items()})
        problems.append(Problem(sheet.table.display, line, where, message))


def distinct(column: pd.Series) -> set[str]:
    """The filled values that occur in a text column."""
    return set(text_columns.occurring(column)) - {""}


def _listing(ids: Iterable[str], sort: bool = True) -> str:
    """Ids for a message: sorted, at most a dozen, then '...'."""
    unique = list(dict.fromkeys(ids))
    shown = sorted(unique) if sort else unique
    return ", ".join(shown[:LIST_LIMIT]) + (", ..." if len(shown) > LIST_LIMIT else "")
