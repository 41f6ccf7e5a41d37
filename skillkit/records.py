"""People, ratings, KPIs and promotions from a data folder or workbook → typed, sorted DataFrames.

Column types, the same in every frame: ids and text are pandas' nullable ``string`` dtype, with ""
for an empty team, comment or attribute and <NA> for an empty manager_id; hire_date and role_start
are ``datetime64[ns]`` (NaT when empty); rating and value are ``float64`` (a NaN rating means "not
observed"). Every frame is sorted explicitly and has a fresh RangeIndex.

Validation is vectorised: checks run on the distinct values of each column (see `tabular`), and
Problem objects are built only for the rows that fail.
"""

from __future__ import annotations

import string
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from skillkit import tabular
from skillkit.errors import InputError, Problem
from skillkit.periods import PERIOD_PATTERN

_LIST_LIMIT = 12
_NUMBERS = frozenset({"rating", "value"})
_DATES = ("hire_date", "role_start")
_NA_WHEN_EMPTY = frozenset({"manager_id"})
REJECTED_COLUMNS = ("file", "line", "column", "reason", "row")


@dataclass(frozen=True)
class RecordRules:
    """What the records must conform to, taken from the framework and rubric."""

    roles: tuple[str, ...]  # role ids of the ladder
    competencies: tuple[str, ...]  # competency ids
    kpis: tuple[str, ...]  # kpi ids the rubric defines
    sources: tuple[str, ...] = ("self", "manager", "peer", "direct_report", "client")
    scale_min: float = 1.0
    scale_max: float = 5.0
    scale_step: float = 0.5  # ratings must be multiples of step from scale_min


@dataclass(frozen=True)
class Records:
    """The validated input tables (column types in the module docstring)."""

    people: pd.DataFrame  # employee_id, name, role, team, manager_id, hire_date, role_start, extras
    ratings: pd.DataFrame  # period, employee_id, rater_id, source, competency, rating, comment
    kpis: pd.DataFrame  # period, employee_id, kpi, value (no rows when absent)
    promotions: pd.DataFrame  # employee_id, period, from_role, to_role (no rows when absent)
    files: tuple[Path, ...]  # every input file read, sorted (for the manifest's hashes)
    warnings: tuple[Problem, ...]  # non-fatal issues, ordered by file then line
    # With skip_invalid: the rows set aside (REJECTED_COLUMNS); None when bad rows stop the load.
    rejected: pd.DataFrame | None = None


@dataclass(frozen=True)
class _Kind:
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


PEOPLE = _Kind(
    "people",
    ("employee_id", "name", "role"),
    ("team", "manager_id", *_DATES),
    sort=("employee_id",),
    needed=True,
)
RATINGS = _Kind(
    "ratings",
    ("period", "employee_id", "rater_id", "source", "competency", "rating"),
    ("comment",),
    sort=("period", "employee_id", "competency", "source", "rater_id"),
    may_be_empty=("rating",),
    needed=True,
)
KPIS = _Kind(
    "kpis", ("period", "employee_id", "kpi", "value"), (), ("period", "employee_id", "kpi")
)
PROMOTIONS = _Kind(
    "promotions", ("employee_id", "period", "from_role", "to_role"), (), ("employee_id", "period")
)
KINDS = (PEOPLE, RATINGS, KPIS, PROMOTIONS)


@dataclass(frozen=True)
class _Sheet:
    """The table read for one kind."""

    kind: _Kind
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
        return np.asarray(self.frame[column].isin(list(allowed)), dtype=bool)

    def extras(self) -> list[str]:
        return [c for c in self.frame.columns if c not in self.kind.columns]


def load_records(source: Path, rules: RecordRules, skip_invalid: bool = False) -> Records:
    """Read and validate a data folder or .xlsx workbook; InputError lists every problem found.

    With `skip_invalid`, rows with problems are set aside instead (`Records.rejected`), and the
    checks run again on what is left, since a row set aside can leave others pointing at it (a
    rating of a person whose row was rejected). Problems that are not about one row (a missing
    file or column, an unreadable file) still stop the load.
    """
    errors: list[Problem] = []
    read_notes: list[Problem] = []
    tables, files, label = _read_source(Path(source), errors, read_notes)
    sheets = {n: _Sheet(k, tables[n], label.format(n)) for k in KINDS if (n := k.name) in tables}
    rejected: list[tuple[Problem, str]] = []
    while True:
        found, notes = _check_all(sheets, rules)
        errors += found
        row_level = [p for p in errors if _about_one_row(p, sheets)]
        if not skip_invalid or not errors or len(row_level) < len(errors):
            break
        rejected += _set_aside(sheets, row_level)
        errors = []
    if errors:
        raise InputError(_ordered(errors, sheets))
    people = sheets.get("people")
    return Records(
        people=_typed(PEOPLE, people, people.extras() if people else ()),
        ratings=_typed(RATINGS, sheets.get("ratings")),
        kpis=_typed(KPIS, sheets.get("kpis")),
        promotions=_typed(PROMOTIONS, sheets.get("promotions")),
        files=tuple(sorted(files)),
        warnings=tuple(_ordered(read_notes + notes, sheets)),
        rejected=_rejected_table(rejected) if skip_invalid else None,
    )


def _check_all(
    sheets: dict[str, _Sheet], rules: RecordRules
) -> tuple[list[Problem], list[Problem]]:
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
        rated = known.isin("employee_id", _distinct(ratings.frame["employee_id"]))
        unrated = known.filled("employee_id") & ~rated
        message = "no ratings for {employee_id!r} in {label}"
        _flag(notes, known, unrated, "employee_id", message, label=ratings.label)
    return errors, notes


def _about_one_row(problem: Problem, sheets: dict[str, _Sheet]) -> bool:
    """A problem with one data row of a table that was read (not the header, not the file)."""
    displays = {sheet.table.display for sheet in sheets.values()}
    return problem.line is not None and problem.line > 1 and problem.file in displays


def _set_aside(sheets: dict[str, _Sheet], problems: list[Problem]) -> list[tuple[Problem, str]]:
    """Drop the rows the problems are about; each problem with the row's cells as text."""
    by_file: dict[str, set[int]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, set()).add(int(problem.line or 0))
    texts: dict[tuple[str, int], str] = {}
    for name, sheet in list(sheets.items()):
        lines = by_file.get(sheet.table.display)
        if not lines:
            continue
        drop = np.isin(sheet.table.lines, list(lines))
        for row in np.flatnonzero(drop).tolist():
            cells = sheet.frame.iloc[row]
            text = "; ".join(f"{c}={v}" for c, v in cells.items() if v != "")
            texts[(sheet.table.display, int(sheet.table.lines[row]))] = text
        kept = sheet.frame.loc[~drop].reset_index(drop=True)
        table = tabular.Table(sheet.table.display, kept, sheet.table.lines[~drop])
        sheets[name] = _Sheet(sheet.kind, table, sheet.label)
    # A row the reader could not split into cells (wrong field count) has no cells to show.
    return [(p, texts.get((p.file, int(p.line or 0)), "")) for p in problems]


def _rejected_table(rejected: list[tuple[Problem, str]]) -> pd.DataFrame:
    """One row per problem of a row set aside, by file and line: where, why, and the row."""
    table = pd.DataFrame(
        [(p.file, p.line, p.where, p.message, row) for p, row in rejected],
        columns=list(REJECTED_COLUMNS),
    )
    return table.sort_values(["file", "line"], kind="stable", ignore_index=True)


def _read_source(
    source: Path, errors: list[Problem], notes: list[Problem]
) -> tuple[dict[str, tabular.Table], list[Path], str]:
    """Tables by kind, the files read, and a pattern naming a kind in cross-references."""
    tables: dict[str, tabular.Table] = {}
    if source.is_dir():
        files = []
        for kind in KINDS:
            path = source / f"{kind.name}.csv"
            if path.is_file():
                files.append(path)
                if (table := tabular.read_csv(path, str(path), errors, notes)) is not None:
                    tables[kind.name] = table
            elif kind.needed:
                needs = "a data folder needs people.csv and ratings.csv"
                errors.append(Problem(str(path), None, "", f"missing required file ({needs})"))
        return tables, files, "{}.csv"
    if source.is_file() and source.suffix.lower() == ".xlsx":
        tables = tabular.read_workbook(source, str(source), errors, notes)
        opened = all(p.file != str(source) for p in errors)
        for kind in KINDS:
            if kind.needed and kind.name not in tables and opened:
                needs = "a workbook needs sheets people and ratings"
                message = f"missing required sheet ({needs})"
                errors.append(Problem(f"{source}[{kind.name}]", None, "", message))
        return tables, [source], "the {} sheet"
    what = "not a folder or an .xlsx file" if source.exists() else "no such file or folder"
    message = f"{what} (expected a data folder or an .xlsx workbook)"
    errors.append(Problem(str(source), None, "", message))
    return tables, [], "{}"


def _check_header(sheet: _Sheet, errors: list[Problem], notes: list[Problem]) -> None:
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


def _check_common(sheet: _Sheet, people: _Sheet | None, errors: list[Problem]) -> None:
    """Values that must be filled, quarter labels, and employee ids that must be in people."""
    for column in sheet.kind.required:
        if column not in sheet.kind.may_be_empty and sheet.has(column):
            _flag(errors, sheet, ~sheet.filled(column), column, "required value is empty")
    if sheet.has("period"):
        matches = np.asarray(sheet.frame["period"].str.match(PERIOD_PATTERN), dtype=bool)
        bad = sheet.filled("period") & ~matches
        _flag(errors, sheet, bad, "period", "expected a quarter like 2026Q3, got {period!r}")
    if people is not None and sheet is not people and sheet.has("employee_id"):
        employees = _distinct(people.frame["employee_id"])
        bad = sheet.filled("employee_id") & ~sheet.isin("employee_id", employees)
        message = "unknown employee {employee_id!r} (not in {label})"
        _flag(errors, sheet, bad, "employee_id", message, label=people.label)


def _check_people(sheet: _Sheet, rules: RecordRules, errors: list[Problem]) -> None:
    _check_known(sheet, "role", rules.roles, "role", errors)
    for column in _DATES:
        if sheet.has(column):
            message = f"expected a date like 2024-03-01 or 01.03.2024, got {{{column}!r}}"
            _flag(errors, sheet, tabular.dates(sheet.frame[column])[1], column, message)
    if not sheet.has("employee_id"):
        return
    message = "duplicate employee {employee_id!r} (first on line {first})"
    _check_unique(sheet, ("employee_id",), "employee_id", message, errors)
    if sheet.has("manager_id"):
        managed = sheet.filled("manager_id")
        employees = _distinct(sheet.frame["employee_id"])
        unknown = managed & ~sheet.isin("manager_id", employees)
        message = "unknown manager {manager_id!r} (not an employee_id in {label})"
        _flag(errors, sheet, unknown, "manager_id", message, label=sheet.label)
        ids = sheet.frame[["manager_id", "employee_id"]].astype(object)
        own = managed & np.asarray(ids["manager_id"] == ids["employee_id"], dtype=bool)
        _flag(errors, sheet, own, "manager_id", "{employee_id!r} cannot be their own manager")


def _check_ratings(sheet: _Sheet, rules: RecordRules, errors: list[Problem]) -> None:
    _check_known(sheet, "source", rules.sources, "source", errors, "allowed")
    _check_known(sheet, "competency", rules.competencies, "competency", errors)
    if sheet.has("rating"):
        value, unreadable = tabular.numbers(sheet.frame["rating"])
        low, high, step = rules.scale_min, rules.scale_max, rules.scale_step
        with np.errstate(invalid="ignore"):
            off_scale = (value < low - 1e-9) | (value > high + 1e-9)
            if step > 0:
                steps = (value - low) / step
                off_scale |= np.abs(steps - np.round(steps)) > 1e-6
        allowed = f"from {low:g} to {high:g}" + (f" in steps of {step:g}" if step > 0 else "")
        bad = unreadable | (~np.isnan(value) & off_scale)
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


def _check_kpis(sheet: _Sheet, rules: RecordRules, errors: list[Problem]) -> None:
    _check_known(sheet, "kpi", rules.kpis, "kpi", errors)
    if sheet.has("value"):
        bad = tabular.numbers(sheet.frame["value"])[1]
        _flag(errors, sheet, bad, "value", "expected a number, got {value!r}")
    message = "duplicate value of {kpi!r} for {employee_id!r} in {period} (first on line {first})"
    _check_unique(sheet, ("period", "employee_id", "kpi"), "value", message, errors)


def _check_promotions(sheet: _Sheet, rules: RecordRules, errors: list[Problem]) -> None:
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
    sheet: _Sheet,
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
    sheet: _Sheet, keys: tuple[str, ...], where: str, message: str, errors: list[Problem]
) -> None:
    """A row repeating an earlier row's key is an error naming the first line."""
    if not sheet.has(*keys):
        return
    complete = np.logical_and.reduce([sheet.filled(k) for k in keys])
    repeated = complete & np.asarray(sheet.frame.duplicated(list(keys), keep=False), dtype=bool)
    if not repeated.any():
        return
    rows = np.flatnonzero(repeated)
    groups = [np.asarray(sheet.frame[k].take(rows), dtype=object) for k in keys]
    first = np.zeros(len(sheet.frame), dtype=np.int64)
    first[rows] = pd.Series(sheet.table.lines[rows]).groupby(groups).transform("min").to_numpy()
    later = repeated & (sheet.table.lines != first)
    _flag(errors, sheet, later, where, message, first=first)


def _flag(
    problems: list[Problem],
    sheet: _Sheet,
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


def _typed(kind: _Kind, sheet: _Sheet | None, extras: Iterable[str] = ()) -> pd.DataFrame:
    """The validated table with its final column types, sorted, with a fresh index."""
    frame = pd.DataFrame() if sheet is None else sheet.frame
    size = len(frame)
    # Categories are sorted, so sorting by codes sorts by text; lexsort is stable.
    keys = [frame[k].cat.codes.to_numpy() for k in reversed(kind.sort) if k in frame.columns]
    order = np.lexsort(keys) if keys else np.arange(size)
    columns: dict[str, Any] = {}
    for name in (*kind.columns, *extras):
        if name not in frame.columns:
            columns[name] = _blank(name, size)
            continue
        column = frame[name].take(order)
        if name in _NUMBERS:
            columns[name] = tabular.numbers(column)[0]
        elif name in _DATES:
            columns[name] = tabular.dates(column)[0]
        else:
            columns[name] = tabular.strings(column, name in _NA_WHEN_EMPTY).array
    return pd.DataFrame(columns, index=pd.RangeIndex(size), copy=False)


def _blank(name: str, size: int) -> pd.Series:
    """An absent optional column: NaN, NaT, <NA> or ""."""
    if name in _NUMBERS:
        return pd.Series(np.full(size, np.nan))
    if name in _DATES:
        return pd.Series(np.full(size, np.datetime64("NaT"), dtype="datetime64[ns]"))
    return pd.Series([pd.NA if name in _NA_WHEN_EMPTY else ""] * size, dtype="string")


def _distinct(column: pd.Series) -> set[str]:
    """The filled values that occur in a text column."""
    return set(column.cat.remove_unused_categories().cat.categories) - {""}


def _listing(ids: Iterable[str], sort: bool = True) -> str:
    """Ids for a message: sorted, at most a dozen, then '...'."""
    unique = list(dict.fromkeys(ids))
    shown = sorted(unique) if sort else unique
    return ", ".join(shown[:_LIST_LIMIT]) + (", ..." if len(shown) > _LIST_LIMIT else "")


def _ordered(problems: list[Problem], sheets: dict[str, _Sheet]) -> list[Problem]:
    """By file, then line, then the column's place in that file."""
    places = {s.table.display: list(s.frame.columns) for s in sheets.values()}

    def key(p: Problem) -> tuple[str, int, int]:
        columns = places.get(p.file, [])
        place = columns.index(p.where) if p.where in columns else -1
        return (p.file, -1 if p.line is None else p.line, place)

    return sorted(problems, key=key)
