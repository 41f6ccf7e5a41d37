"""Self-assessment: the questionnaire, answers files, self-ratings merged into ratings.csv, gaps.

The flow behind `skillkit self-assess`: `start` loads and checks the data, the person and the
quarter; the answers come from the terminal (the CLI asks `questions`) or from `read_answers`;
`conclude` merges them into new ratings.csv bytes, assesses the data with them in memory,
and returns the person's gaps and page. Nothing is written here: the CLI writes the files, and
only once everything has succeeded.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from skillkit import periods, tabular
from skillkit.errors import InputError, Problem
from skillkit.framework import Framework, unknown
from skillkit.models import Lang
from skillkit.outputs import FORMULA_STARTS
from skillkit.pipeline import Assessment, assess_records, load_standards, record_rules
from skillkit.records import RATINGS, Records, load_records
from skillkit.report.privacy import private_cells
from skillkit.report.values import optional_float, optional_int
from skillkit.rubric import Rubric
from skillkit.yamlio import load_yaml

SELF = "self"
ANSWER_COLUMNS = ("competency", "level", "example")
_LEVELS = (1.0, 5.0)  # the framework's level descriptions span 1 to 5
_SEPARATORS = (",", ";", "\t")  # as skillkit.tabular guesses them from the header line


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
class GapRow:
    """One competency: the person's own rating, the assessed level and the two targets."""

    competency: str
    name: str
    self_rating: float | None
    level: int | None  # from the others' ratings and KPIs (self carries no weight)
    score: float | None
    withheld: bool  # the page withholds this level: it could reveal a single rater
    evidence: str  # sufficient or insufficient
    target: int  # what the current role expects
    gap: int | None  # target − level: positive means levels still to climb
    next_target: int | None  # what the target role expects (None at the top of the ladder)
    next_gap: int | None


@dataclass(frozen=True)
class PersonGaps:
    """A person's gaps to the current and the target role in one quarter."""

    employee: str
    name: str
    period: str
    role: str
    role_name: str
    target_role: str  # "" at the top of the ladder
    target_role_name: str
    rows: tuple[GapRow, ...]


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


def read_answers(path: Path, framework: Framework, rubric: Rubric) -> tuple[Answer, ...]:
    """Answers from a CSV (competency,level,example) or YAML (competency: level) file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_answers(path, framework, rubric)
    if suffix in {".yaml", ".yml"}:
        return _yaml_answers(path, framework, rubric)
    message = f"expected a .csv, .yaml or .yml answers file, got {path.name!r}"
    raise InputError([Problem(str(path), None, "--answers", message)])


def _csv_answers(path: Path, framework: Framework, rubric: Rubric) -> tuple[Answer, ...]:
    display = str(path)
    problems: list[Problem] = []
    table = tabular.read_csv(path, display, problems, problems)  # a note is a problem here
    if table is None or problems:
        raise InputError(problems)
    columns = list(table.frame.columns)
    for column in ANSWER_COLUMNS[:2]:
        if column not in columns:
            found = ", ".join(columns) or "no columns"
            message = f"missing required column {column!r} (found: {found})"
            problems.append(Problem(display, 1, "header", message))
    for column in columns:
        if column not in ANSWER_COLUMNS:
            message = f"unknown column {column!r} (known: {', '.join(ANSWER_COLUMNS)})"
            problems.append(Problem(display, 1, "header", message))
    if problems:
        raise InputError(problems)
    cells = {c: table.frame[c].astype(str).tolist() for c in columns}
    rows = [(int(line), {c: cells[c][i] for c in columns}) for i, line in enumerate(table.lines)]
    known = framework.competency_ids
    answers: list[Answer] = []
    first: dict[str, int] = {}
    for line, row in rows:
        competency, level = row["competency"], row["level"]
        if not competency:
            problems.append(Problem(display, line, "competency", "required value is empty"))
        elif competency not in known:
            message = unknown("competency", competency, list(known))
            problems.append(Problem(display, line, "competency", message))
        elif competency in first:
            message = f"duplicate competency {competency!r} (first on line {first[competency]})"
            problems.append(Problem(display, line, "competency", message))
        first.setdefault(competency, line)
        if not level:
            continue  # not rated
        try:
            rating = parse_level(level, rubric)
        except ValueError as exc:
            problems.append(Problem(display, line, "level", str(exc)))
            continue
        answers.append(Answer(competency, rating, row.get("example", "")))
    if problems:
        raise InputError(problems)
    return _in_framework_order(answers, framework)


def _yaml_answers(path: Path, framework: Framework, rubric: Rubric) -> tuple[Answer, ...]:
    doc = load_yaml(path)  # safe loading: tags never run, duplicate keys are refused
    if not isinstance(doc.data, dict):
        shape = "a list" if isinstance(doc.data, list) else repr(doc.data)
        message = f"expected a mapping of competency ids to levels, got {shape}"
        raise InputError([Problem(doc.display, 1, "", message)])
    known = framework.competency_ids
    problems: list[Problem] = []
    answers: list[Answer] = []
    for key, value in doc.data.items():
        if key not in known:
            problems.append(doc.problem((key,), unknown("competency", key, list(known))))
            continue
        level, example = value, None
        loc: tuple[str | int, ...] = (key,)
        if isinstance(value, dict):
            extra = sorted(str(k) for k in value if k not in {"level", "example"})
            if extra:
                message = f"unknown key {extra[0]!r} (allowed: example, level)"
                problems.append(doc.problem((key, extra[0]), message))
                continue
            if "level" not in value:
                message = "missing required key 'level' (null to leave it unrated)"
                problems.append(doc.problem(loc, message))
                continue
            level, example, loc = value["level"], value.get("example"), (key, "level")
        if example is not None and not isinstance(example, str):
            problems.append(doc.problem((key, "example"), f"expected text, got {example!r}"))
            continue
        if level is None:
            continue  # not rated
        try:
            if isinstance(level, bool) or not isinstance(level, int | float | str):
                raise ValueError
            rating = parse_level(str(level), rubric)
        except ValueError:
            message = f"expected a level {allowed_levels(rubric)}, got {level!r}"
            problems.append(doc.problem(loc, message))
            continue
        answers.append(Answer(str(key), rating, (example or "").strip()))
    if problems:
        raise InputError(problems)
    return _in_framework_order(answers, framework)


def _in_framework_order(answers: Sequence[Answer], framework: Framework) -> tuple[Answer, ...]:
    order = {c: i for i, c in enumerate(framework.competency_ids)}
    return tuple(sorted(answers, key=lambda a: order[a.competency]))


def saved_example(example: str) -> str:
    """An example as ratings.csv keeps it: trimmed, never a spreadsheet formula."""
    text = example.strip()
    # HR opens ratings.csv in a spreadsheet: text an employee typed must not run as a formula.
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


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
    raw = session.ratings_bytes
    bom = raw.startswith(codecs.BOM_UTF8)
    text, encoding = _decode(raw[len(codecs.BOM_UTF8) :] if bom else raw)
    lines = io.StringIO(text, newline="").readlines()
    separator = max(_SEPARATORS, key=lines[0].count) if lines else ","
    records = _records(lines, separator)
    if not records:
        raise InputError([Problem(path, None, "", "the file has no header")])
    header_start, header_end, header = records[0]
    names = [cell.strip() for cell in header]
    newline = _line_ending(lines[0] if lines else "")
    if "comment" not in names and any(a.example.strip() for a in answers):
        for start, end, cells in records:
            if cells:  # blank lines stay blank
                body = lines[end - 1].rstrip("\r\n")
                extra = "comment" if start == header_start else ""
                lines[end - 1] = body + separator + extra + lines[end - 1][len(body) :]
        names.append("comment")
    column = {name: i for i, name in enumerate(names)}
    rows = {a.competency: _row(session, a, names) for a in answers}
    replaced: set[str] = set()
    problems: list[Problem] = []
    for start, end, cells in records[1:]:
        cell = {n: cells[i].strip() if i < len(cells) else "" for n, i in column.items()}
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
            problems.append(Problem(path, start + 1, "source", message))
            continue
        lines[start] = _format(rows[competency], separator, newline)
        lines[start + 1 : end] = [""] * (end - start - 1)  # a multi-line record goes whole
        replaced.add(competency)
    if problems:
        raise InputError(problems)
    last = max((end for _, end, cells in records if cells), default=header_end)
    added = [_format(rows[a.competency], separator, newline) for a in answers]
    added = [row for a, row in zip(answers, added, strict=True) if a.competency not in replaced]
    if added and not lines[last - 1].endswith(("\n", "\r")):
        lines[last - 1] += newline
    lines[last:last] = added
    try:
        content = "".join(lines).encode(encoding)
    except UnicodeEncodeError as exc:
        message = (
            f"{exc.object[exc.start : exc.end]!r} cannot be written in the file's Windows-1251 "
            "encoding (rephrase the example, or save ratings.csv as UTF-8)"
        )
        raise InputError([Problem(path, None, "comment", message)]) from None
    return (codecs.BOM_UTF8 if bom else b"") + content


def _decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding skillkit read it with (UTF-8 first, then Windows-1251)."""
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1251"), "cp1251"  # load_records accepted the file: this decodes


def _records(lines: list[str], separator: str) -> list[tuple[int, int, list[str]]]:
    """(first line index, end line index, cells) of every CSV record, header first."""
    reader = csv.reader(iter(lines), delimiter=separator)
    found: list[tuple[int, int, list[str]]] = []
    previous = 0
    for cells in reader:
        found.append((previous, reader.line_num, cells))
        previous = reader.line_num
    while found and not found[0][2]:
        found.pop(0)  # blank lines before the header
    return found


def _line_ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    return "\r" if line.endswith("\r") else "\n"


def _row(session: Session, answer: Answer, names: list[str]) -> list[str]:
    """A self row under the file's own header (columns it does not know stay empty)."""
    values = {
        "period": session.period,
        "employee_id": session.employee,
        "rater_id": session.employee,
        "source": SELF,
        "competency": answer.competency,
        "rating": f"{answer.rating:g}",
        "comment": saved_example(answer.example),
    }
    return [values.get(name, "") for name in names]


def _format(cells: list[str], separator: str, newline: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator=newline).writerow(cells)
    return out.getvalue()


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
    added = pd.DataFrame(
        {
            "period": session.period,
            "employee_id": session.employee,
            "rater_id": session.employee,
            "source": SELF,
            "competency": answered,
            "rating": [a.rating for a in answers],
            "comment": [saved_example(a.example) for a in answers],
        }
    ).astype({c: "float64" if c == "rating" else "string" for c in ratings.columns})
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


def person_gaps(assessment: Assessment, employee: str, lang: Lang) -> PersonGaps:
    """Per competency: own rating, assessed level, and the gaps to the current and target role."""
    a, fw = assessment, assessment.framework
    person = a.people.set_index("employee_id").loc[employee]
    ready = a.readiness.people.set_index("employee_id")
    target_role = str(ready.loc[employee, "target_role"]) if employee in ready.index else ""
    target_role = target_role if target_role in fw.role_ids else ""
    role = str(person["role"])
    mine = a.scores[(a.scores["period"] == a.period) & (a.scores["employee_id"] == employee)]
    # As the person's page shows them: a level that could reveal one rater stays withheld.
    shown = private_cells(mine, a.rubric.anonymity.min_raters)
    by_competency: dict[str, dict[Any, Any]] = {
        str(r["competency"]): r for r in shown.to_dict("records")
    }
    rows = []
    for competency in fw.competencies:
        row = by_competency.get(competency.id, {})
        level = optional_int(row.get("level"))
        target = fw.role(role).targets[competency.id]
        next_target = fw.role(target_role).targets[competency.id] if target_role else None
        rows.append(
            GapRow(
                competency=competency.id,
                name=competency.name(lang),
                self_rating=optional_float(row.get("self_rating")),
                level=level,
                score=optional_float(row.get("score")),
                withheld=bool(row.get("private", False)),
                evidence=str(row.get("evidence", "insufficient")),
                target=target,
                gap=None if level is None else target - level,
                next_target=next_target,
                next_gap=None if level is None or next_target is None else next_target - level,
            )
        )
    return PersonGaps(
        employee=employee,
        name=str(person["name"]),
        period=a.period,
        role=role,
        role_name=fw.role(role).name(lang),
        target_role=target_role,
        target_role_name=fw.role(target_role).name(lang) if target_role else "",
        rows=tuple(rows),
    )


def person_page_html(
    assessment: Assessment, employee: str, lang: Lang, generated_at: str
) -> tuple[str, str]:
    """The person's own page alone, as `review` renders it: (people/<slug>.html, html)."""
    from skillkit.report.context import build_site
    from skillkit.report.person import person_page
    from skillkit.report.person_data import person_inputs
    from skillkit.report.render import environment, slugs

    people = assessment.people
    # Slugs over everyone, as in a full review, so the page keeps the name `review` gives it.
    person_slugs = slugs(people["employee_id"].astype(str))
    team_slugs = slugs(people["team"].astype(str))
    site = build_site(assessment, lang, generated_at, person_slugs, team_slugs)
    data = person_inputs(assessment, site.scores)[employee]
    page = person_page(site, employee, data)
    html = environment().get_template("person.html").render(page=page)
    return f"people/{person_slugs[employee]}.html", html
