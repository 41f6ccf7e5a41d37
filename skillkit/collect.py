"""Filled forms merged into a data folder's ratings.csv (`skillkit collect`): nothing overwritten.

A form row equal to one already in ratings.csv is skipped, a different one is a problem naming
both places; new rows are appended in the file's own format and the merged data is checked as
any input, its problems pointing back at the form cells they came from.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skillkit import tabular
from skillkit.errors import InputError, Problem
from skillkit.form_reading import FormRating, gather_forms, in_file_order
from skillkit.forms import SOURCE
from skillkit.framework import Framework
from skillkit.pipeline import record_rules
from skillkit.ratings_file import RatingsFile, neutralised
from skillkit.records import RecordRules, load_records
from skillkit.rubric import Rubric

KEY = ("period", "employee_id", "rater_id", "competency")


@dataclass(frozen=True)
class Collected:
    """What `collect_forms` made of the forms: the new ratings.csv and counts for the summary."""

    content: bytes | None  # the merged ratings.csv; None when nothing is new
    forms: int
    added: int
    already_there: int  # rows equal to one in ratings.csv (or in an earlier form)
    empty: int
    warnings: tuple[Problem, ...]  # about the merged data, as `load_records` gives them


def collect_forms(forms: Path, data: Path, framework: Framework, rubric: Rubric) -> Collected:
    """Filled forms merged into DATA's ratings.csv, checked as any input; nothing is overwritten.

    A row equal to one already in ratings.csv (same period, employee_id, rater_id and competency,
    same rating and comment) is skipped, so collecting twice adds nothing; a different rating for
    such a key is a problem naming both places. The new rows are added after the last row in the
    file's separator, line ending, column order and decimal mark; existing lines stay as they
    were, and the file is returned as UTF-8: a Windows-1251 file becomes UTF-8 with a BOM.
    """
    data = Path(data)
    if not data.is_dir():
        message = "expected a data folder (collect adds the ratings to its ratings.csv)"
        raise InputError([Problem(str(data), None, "--into", message)])
    rules = record_rules(framework, rubric)
    records = load_records(data, rules)  # the data must load as it is before anything is added
    problems: list[Problem] = []
    found = gather_forms(Path(forms), records.people, framework, rubric, problems)
    path = data / "ratings.csv"
    new, already = _new_ratings(found.ratings, path, problems)
    ratings = RatingsFile.decode(path.read_bytes(), str(path))
    if "comment" not in ratings.header:  # the column is optional, a comment must not vanish
        message = "ratings.csv has no comment column to keep this comment in (add the column)"
        problems += [Problem(r.file, r.line, "comment", message) for r in new if r.comment]
    if problems:
        raise InputError(in_file_order(problems))
    if not new:
        return Collected(None, found.forms, 0, already, found.empty, ())
    merged, starts = ratings.appended([_values(row, ratings) for row in new])
    content = merged.utf8()
    warnings = _checked(data, content, dict(zip(starts, new, strict=True)), rules)
    return Collected(content, found.forms, len(new), already, found.empty, warnings)


def _values(row: FormRating, ratings: RatingsFile) -> dict[str, str]:
    """A form row's values by column, as ratings.csv writes them."""
    values = dict(zip(KEY, row.key, strict=True))
    rating = ratings.number(row.rating)
    return values | {"source": SOURCE, "rating": rating, "comment": neutralised(row.comment)}


def _new_ratings(
    found: Sequence[FormRating], path: Path, problems: list[Problem]
) -> tuple[list[FormRating], int]:
    """The form rows not yet in ratings.csv (sorted), and how many were there already."""
    existing = _existing(found, path)
    firsts: dict[tuple[str, str, str, str], FormRating] = {}
    already = 0
    for row in found:
        stored = neutralised(row.comment)
        if row.key in existing:
            line, source, rating, comment = existing[row.key]
            if source == SOURCE and _same(row.rating, stored, rating, comment):
                already += 1
            else:
                was = _described(rating, comment, source)
                problems.append(_conflict(row, f"{path}:{line}", was))
        elif row.key in firsts:
            first = firsts[row.key]
            if _same(row.rating, stored, first.rating, neutralised(first.comment)):
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
            raise InputError(in_file_order([moved(p) for p in error.problems])) from None
        return tuple(moved(p) for p in records.warnings)
