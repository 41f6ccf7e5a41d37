"""People, ratings, KPIs and promotions from a data folder or workbook → typed, sorted DataFrames.

Column types, the same in every frame: ids and text are pandas' nullable ``string`` dtype, with ""
for an empty team, comment or attribute and <NA> for an empty manager_id; hire_date and role_start
are ``datetime64[ns]`` (NaT when empty); rating and value are ``float64`` (a NaN rating means "not
observed"). The key columns of ratings (period, employee_id, rater_id, source, competency) and
KPIs (period, employee_id, kpi) are ``category``, categories sorted, none unused: those tables
have millions of rows and every step groups by their keys. Every frame is sorted explicitly and
has a fresh RangeIndex.

Validation is vectorised: checks run on the distinct values of each column (see
`text_columns`), and Problem objects are built only for the rows that fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from skillkit import tabular, text_columns, workbook
from skillkit.errors import InputError, Problem
from skillkit.record_checks import (
    DATES,
    KINDS,
    KPIS,
    PEOPLE,
    PROMOTIONS,
    RATINGS,
    Kind,
    Sheet,
    check_all,
)

_NUMBERS = frozenset({"rating", "value"})
_NA_WHEN_EMPTY = frozenset({"manager_id"})
_CODED_KEYS = frozenset({"ratings", "kpis"})  # tables whose key columns stay categorical
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

    @property
    def rejected_rows(self) -> int | None:
        """How many rows were set aside (a row may have several problems); None when strict."""
        return (
            None if self.rejected is None else len(self.rejected.drop_duplicates(["file", "line"]))
        )


def load_records(
    source: Path, rules: RecordRules, skip_invalid: bool = False, max_bytes: int | None = None
) -> Records:
    """Read and validate a data folder or .xlsx workbook; InputError lists every problem found.

    With `skip_invalid`, rows with problems are set aside instead (`Records.rejected`), and the
    checks run again on what is left, since a row set aside can leave others pointing at it (a
    rating of a person whose row was rejected). Problems that are not about one row (a missing
    file or column, an unreadable file) still stop the load. `max_bytes` caps each file's
    size (default `tabular.MAX_FILE_BYTES`).
    """
    errors: list[Problem] = []
    read_notes: list[Problem] = []
    tables, files, label = _read_source(Path(source), errors, read_notes, max_bytes)
    sheets = {n: Sheet(k, tables[n], label.format(n)) for k in KINDS if (n := k.name) in tables}
    rejected: list[tuple[Problem, str]] = []
    while True:
        found, notes = check_all(sheets, rules)
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


def _about_one_row(problem: Problem, sheets: dict[str, Sheet]) -> bool:
    """A problem with one data row of a table that was read (not the header, not the file)."""
    displays = {sheet.table.display for sheet in sheets.values()}
    return problem.line is not None and problem.line > 1 and problem.file in displays


def _set_aside(sheets: dict[str, Sheet], problems: list[Problem]) -> list[tuple[Problem, str]]:
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
        sheets[name] = Sheet(sheet.kind, table, sheet.label)
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
    source: Path, errors: list[Problem], notes: list[Problem], max_bytes: int | None
) -> tuple[dict[str, tabular.Table], list[Path], str]:
    """Tables by kind, the files read, and a pattern naming a kind in cross-references."""
    tables: dict[str, tabular.Table] = {}
    if source.is_dir():
        files = []
        for kind in KINDS:
            path = source / f"{kind.name}.csv"
            if path.is_file():
                files.append(path)
                if (
                    table := tabular.read_csv(path, str(path), errors, notes, max_bytes=max_bytes)
                ) is not None:
                    tables[kind.name] = table
            elif kind.needed:
                needs = "a data folder needs people.csv and ratings.csv"
                errors.append(Problem(str(path), None, "", f"missing required file ({needs})"))
        return tables, files, "{}.csv"
    if source.is_file() and source.suffix.lower() == ".xlsx":
        tables = workbook.read_workbook(source, str(source), errors, notes, max_bytes=max_bytes)
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


def _typed(kind: Kind, sheet: Sheet | None, extras: Iterable[str] = ()) -> pd.DataFrame:
    """The validated table with its final column types, sorted, with a fresh index."""
    frame = pd.DataFrame() if sheet is None else sheet.frame
    size = len(frame)
    order = _sort_order([frame[k] for k in kind.sort if k in frame.columns], size)
    columns: dict[str, Any] = {}
    for name in (*kind.columns, *extras):
        coded = kind.name in _CODED_KEYS and name in kind.sort
        if name not in frame.columns:
            columns[name] = _blank(name, size, coded)
            continue
        column = _taken(frame[name], order)
        if name in _NUMBERS:
            columns[name] = text_columns.numbers(column)[0]
        elif coded:
            # Millions of rows, a few thousand distinct keys: kept as categories, which every
            # group-by downstream needs anyway, instead of a string per cell.
            columns[name] = text_columns.without_unused(column)
        elif name in DATES:
            columns[name] = text_columns.dates(column)[0]
        else:
            columns[name] = text_columns.strings(column, name in _NA_WHEN_EMPTY).array
    return pd.DataFrame(columns, index=pd.RangeIndex(size), copy=False)


def _taken(column: pd.Series, order: np.ndarray) -> pd.Series:
    """A categorical column's rows in `order`, taken on its codes alone (Series.take would also
    build an index of millions of labels that no one reads)."""
    codes = column.cat.codes.to_numpy().take(order)
    dtype = pd.CategoricalDtype(column.cat.categories, ordered=column.cat.ordered)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), copy=False)


def _sort_order(keys: list[pd.Series], size: int) -> np.ndarray:
    """The stable order of rows by their categorical `keys`, the first key first."""
    if not keys:
        return np.arange(size)
    # Categories are sorted, so sorting by codes sorts by text; both sorts are stable. One
    # int64 per row sorts several times faster than lexsort on the columns.
    combined = text_columns.row_keys(keys)
    if combined is not None:
        return np.argsort(combined, kind="stable")
    return np.lexsort([k.cat.codes.to_numpy() for k in reversed(keys)])


def _blank(name: str, size: int, coded: bool = False) -> pd.Series:
    """An absent optional column: NaN, NaT, <NA>, "" or (`coded`) an empty category."""
    if coded:
        return pd.Series(pd.Categorical([""] * size, categories=pd.Index([""] if size else [])))
    if name in _NUMBERS:
        return pd.Series(np.full(size, np.nan))
    if name in DATES:
        return pd.Series(np.full(size, np.datetime64("NaT"), dtype="datetime64[ns]"))
    return pd.Series([pd.NA if name in _NA_WHEN_EMPTY else ""] * size, dtype="string")


def _ordered(problems: list[Problem], sheets: dict[str, Sheet]) -> list[Problem]:
    """By file, then line, then the column's place in that file."""
    places = {s.table.display: list(s.frame.columns) for s in sheets.values()}

    def key(p: Problem) -> tuple[str, int, int]:
        columns = places.get(p.file, [])
        place = columns.index(p.where) if p.where in columns else -1
        return (p.file, -1 if p.line is None else p.line, place)

    return sorted(problems, key=key)
