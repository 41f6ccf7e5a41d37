"""Answers files for `skillkit self-assess --answers`: CSV (competency,level,example) or YAML."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from skillkit import tabular
from skillkit.errors import InputError, Problem
from skillkit.framework import Framework, unknown
from skillkit.rubric import Rubric
from skillkit.self_assessment import Answer, allowed_levels, parse_level
from skillkit.yamlio import load_yaml

ANSWER_COLUMNS = ("competency", "level", "example")


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
