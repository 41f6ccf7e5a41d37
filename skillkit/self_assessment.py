"""Self-assessment: the questionnaire, its levels, and the answers saved and assessed.

The flow behind `skillkit self-assess`: `start` loads and checks the data, the person and the
quarter; the answers come from the terminal (the CLI asks `questions`) or from an answers file
(`skillkit.self_answers`); `conclude` merges them into new ratings.csv bytes, assesses the data
with them in memory, and returns the person's gaps and page. Nothing is written here: the CLI
writes the files, and only once everything has succeeded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from skillkit import periods
from skillkit.errors import InputError, Problem
from skillkit.framework import Framework
from skillkit.models import Lang
from skillkit.pipeline import Assessment, assess_records, load_standards, record_rules
from skillkit.ratings_file import RatingsFile, Record, neutralised
from skillkit.record_checks import RATINGS
from skillkit.records import Records, load_records
from skillkit.rubric import Rubric
from skillkit.self_gaps import PersonGaps, person_gaps, person_page_html

SELF = "self"
_LEVELS = (1.0, 5.0)  # the framework's level descriptions span 1 to 5


@dataclass(frozen=True)
class LevelChoice:
    """One of the five answers to a question: a level, its name and its behaviour."""

    level: int
    name: str
    description: str


@dataclass(frozen=True)
class Question:
    """One competency of the framework, asked as 'which of these five fits you?'."""

    competency: str
    name: str
    description: str
    levels: tuple[LevelChoice, ...]


@dataclass(frozen=True)
class Answer:
    """A self-rating of one competency, with an optional example of the behaviour."""

    competency: str
    rating: float
    example: str = ""


@dataclass(frozen=True)
class Session:
    """The data, the person and the quarter of one self-assessment, checked before asking."""

    data: Path
    framework: Framework
    rubric: Rubric
    records: Records
    ratings_bytes: bytes  # ratings.csv as read: the merge keeps every other byte of it
    employee: str
    name: str
    period: str
    earlier: Mapping[str, float]  # competency → self-rating already saved for this quarter

    @property
    def ratings_path(self) -> Path:
        """The file the self-ratings are saved into."""
        return self.data / "ratings.csv"


@dataclass(frozen=True)
class Outcome:
    """What a self-assessment produces: the files to write and the gaps to show."""

    ratings_csv: bytes
    page_path: str  # relative to the output folder: people/<slug>.html
    page_html: str
    gaps: PersonGaps
    assessment: Assessment


def questions(framework: Framework, lang: Lang) -> tuple[Question, ...]:
    """Every competency in framework order, with its five level names and behaviours."""
    names = {lv.level: lv.name(lang) for lv in framework.levels}
    return tuple(
        Question(
            competency=c.id,
            name=c.name(lang),
            description=c.description(lang),
            levels=tuple(
                LevelChoice(lv.level, names[lv.level], lv.indicator(lang)) for lv in c.levels
            ),
        )
        for c in framework.competencies
    )


def level_range(rubric: Rubric) -> tuple[float, float, float]:
    """Lowest and highest level a self-rating may take, and its step, under the rubric's scale."""
    scale = rubric.scale
    return max(_LEVELS[0], scale.min), min(_LEVELS[1], scale.max), scale.step


def allowed_levels(rubric: Rubric) -> str:
    """The answers a question takes, in words: 'from 1 to 5 in steps of 0.5'."""
    low, high, step = level_range(rubric)
    return f"from {low:g} to {high:g}" + (f" in steps of {step:g}" if step < 1 else "")


def parse_level(text: str, rubric: Rubric) -> float:
    """A level typed or read from a file ('3', '2.5', '2,5'); ValueError says what is allowed."""
    low, high, step = level_range(rubric)
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    steps = (value - rubric.scale.min) / step
    if not (low - 1e-9 <= value <= high + 1e-9) or abs(steps - round(steps)) > 1e-6:
        raise ValueError(f"expected a level {allowed_levels(rubric)}, got {text!r}")
    return value


def start(
    data: Path,
    employee: str,
    period: str | None = None,
    framework_path: Path | None = None,
    rubric_path: Path | None = None,
) -> Session:
    """Load the standards and the data, and check the person and the quarter before asking."""
    data = Path(data)
    if data.is_file() and data.suffix.lower() == ".xlsx":
        message = (
            "self-assess needs a data folder: it saves the answers into ratings.csv and does "
            "not rewrite workbooks (save the sheets as people.csv and ratings.csv in a folder)"
        )
        raise InputError([Problem(str(data), None, "", message)])
    framework, rubric = load_standards(framework_path, rubric_path)
    records = load_records(data, record_rules(framework, rubric))
    ratings_path = data / "ratings.csv"
    people = records.people.set_index(records.people["employee_id"].astype(str))
    if employee not in people.index:
        message = f"unknown employee {employee!r} (not in {data / 'people.csv'})"
        raise InputError([Problem("--employee", None, "", message)])
    quarter = _quarter(period, records, ratings_path)
    ratings = records.ratings
    mine = ratings[
        (ratings["period"] == quarter)
        & (ratings["employee_id"] == employee)
        & (ratings["source"] == SELF)
    ].dropna(subset=["rating"])
    return Session(
        data=data,
        framework=framework,
        rubric=rubric,
        records=records,
        ratings_bytes=ratings_path.read_bytes(),
        employee=employee,
        name=str(people.loc[employee, "name"]),
        period=quarter,
        earlier=dict(
            zip(mine["competency"].astype(str), mine["rating"].astype(float), strict=True)
        ),
    )


def _quarter(period: str | None, records: Records, ratings_path: Path) -> str:
    """`--period`, or else the latest quarter ratings.csv mentions (rated or not yet)."""
    if period is not None:
        if not periods.is_period(period):
            message = f"expected a quarter like 2026Q3, got {period!r}"
            raise InputError([Problem("--period", None, "", message)])
        return period
    labels = records.ratings["period"].astype(str).unique()
    if len(labels) == 0:
        message = f"{ratings_path} has no quarter yet: name one, e.g. --period 2026Q3"
        raise InputError([Problem("--period", None, "", message)])
    return str(max(labels, key=periods.to_ordinal))


def saved_example(example: str) -> str:
    """An example as ratings.csv keeps it: trimmed, never a spreadsheet formula."""
    return neutralised(example.strip())


def conclude(session: Session, answers: Sequence[Answer], lang: Lang, generated_at: str) -> Outcome:
    """Merge the answers, assess with them in memory, and build the person's gaps and page."""
    content = merged_ratings(session, answers)
    assessment = assess_with(session, answers)
    path, html = person_page_html(assessment, session.employee, lang, generated_at)
    return Outcome(content, path, html, person_gaps(assessment, session.employee, lang), assessment)


def merged_ratings(session: Session, answers: Sequence[Answer]) -> bytes:
    """ratings.csv with the answers as self rows; every other byte of the file kept as it was.

    A self row already there for the same person, quarter and competency is replaced in place;
    the others are added after the last row, in the file's encoding, separator and line ending.
    When examples are given and the file has no `comment` column, one is added at the end.
    """
    path = str(session.ratings_path)
    ratings = RatingsFile.decode(session.ratings_bytes, path)
    if "comment" not in ratings.header and any(a.example.strip() for a in answers):
        ratings = ratings.with_column("comment")
    # In the file's own decimal mark: "2,5" beside a semicolon, as Russian Excel reads it.
    rows = {
        a.competency: _self_row(session, a) | {"rating": ratings.number(a.rating)} for a in answers
    }
    earlier: list[tuple[Record, Mapping[str, str]]] = []
    problems: list[Problem] = []
    for record in ratings.records():
        cell = record.cells
        mine = (cell["period"], cell["employee_id"]) == (session.period, session.employee)
        competency = cell["competency"]
        if not mine or competency not in rows or cell["rater_id"] != session.employee:
            continue
        if cell["source"] != SELF:
            message = (
                f"a {cell['source']!r} rating by {session.employee!r} of themselves on "
                f"{competency!r} in {session.period} leaves no room for the self rating "
                "(one rating per rater, person, competency and quarter)"
            )
            problems.append(Problem(path, record.line, "source", message))
            continue
        earlier.append((record, rows[competency]))
    if problems:
        raise InputError(problems)
    replaced = {record.cells["competency"] for record, _ in earlier}
    added = [rows[a.competency] for a in answers if a.competency not in replaced]
    merged, _ = ratings.replaced(earlier).appended(added)
    try:
        return merged.encoded()
    except UnicodeEncodeError as exc:
        message = (
            f"{exc.object[exc.start : exc.end]!r} cannot be written in the file's Windows-1251 "
            "encoding (rephrase the example, or save ratings.csv as UTF-8)"
        )
        raise InputError([Problem(path, None, "comment", message)]) from None


def _self_row(session: Session, answer: Answer) -> dict[str, str]:
    """An answer as a row of ratings.csv by column, but for the rating: text or number to come."""
    return {
        "period": session.period,
        "employee_id": session.employee,
        "rater_id": session.employee,
        "source": SELF,
        "competency": answer.competency,
        "comment": saved_example(answer.example),
    }


def assess_with(session: Session, answers: Sequence[Answer]) -> Assessment:
    """The review of the quarter with the answers in (not saved yet; the model is not trained).

    The records gain the rows the saved file will hold, so this is the review that the data
    will give once saved, without writing anything first.
    """
    ratings = session.records.ratings
    answered = [a.competency for a in answers]
    replaced = (
        (ratings["period"] == session.period)
        & (ratings["employee_id"] == session.employee)
        & (ratings["source"] == SELF)
        & ratings["competency"].isin(answered)
    )
    kept = ratings[~replaced.to_numpy(dtype=bool, na_value=False)]
    rows = [_self_row(session, a) | {"rating": a.rating} for a in answers]
    added = pd.DataFrame(rows, columns=list(RATINGS.columns)).astype(
        {c: "float64" if c == "rating" else "string" for c in ratings.columns}
    )
    merged = pd.concat([kept, added], ignore_index=True)
    merged = merged.sort_values(list(RATINGS.sort), kind="stable", ignore_index=True)
    # The "no ratings for this person" note no longer holds once their self rows are in.
    stale = f"no ratings for {session.employee!r}"
    warnings = tuple(w for w in session.records.warnings if not w.message.startswith(stale))
    records = replace(session.records, ratings=merged, warnings=warnings)
    assessment = assess_records(
        records, session.framework, session.rubric, period=session.period, model=False
    )
    if session.employee not in set(assessment.people["employee_id"]):
        hired = session.records.people.set_index("employee_id")["hire_date"][session.employee]
        message = f"{session.employee!r} was not employed yet in {session.period}" + (
            f" (hire_date {hired:%Y-%m-%d})" if pd.notna(hired) else ""
        )
        raise InputError([Problem("--period", None, "", message)])
    return assessment
