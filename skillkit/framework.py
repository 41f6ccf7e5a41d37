"""Competency frameworks: competencies, behavioural levels, the role ladder and its targets."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator

from skillkit.bundled import bundled_file
from skillkit.errors import Problem
from skillkit.models import Frozen, Id, Positive, Text
from skillkit.yamlio import YamlDocument, load_yaml, parse_model

LEVELS = (1, 2, 3, 4, 5)
LevelNumber = Annotated[int, Field(ge=1, le=5)]
DEFAULT_FRAMEWORK = "account-management.yaml"


class LevelName(Frozen):
    """What a level means across all competencies."""

    level: LevelNumber
    name: Text
    summary: Text


class Category(Frozen):
    """A group of related competencies."""

    id: Id
    name: Text


class Level(Frozen):
    """One level of one competency: what it looks like and how to move beyond it."""

    level: LevelNumber
    indicator: Text
    practise: Text | None = None
    ask_for: Text | None = None


class Competency(Frozen):
    """A competency with one behavioural indicator per level."""

    id: Id
    category: Id
    name: Text
    description: Text
    levels: tuple[Level, ...]

    @field_validator("levels")
    @classmethod
    def _levels_one_to_five(cls, levels: tuple[Level, ...]) -> tuple[Level, ...]:
        _check_levels([lv.level for lv in levels])
        for lv in levels:
            if lv.level < LEVELS[-1] and (lv.practise is None or lv.ask_for is None):
                raise ValueError(
                    f"level {lv.level} needs 'practise' and 'ask_for' "
                    "(how to move up to the next level)"
                )
        return tuple(sorted(levels, key=lambda lv: lv.level))

    def level(self, number: int) -> Level:
        """The level with this number (1..5)."""
        return self.levels[number - 1]


class Role(Frozen):
    """A rung of the ladder with the level it expects on each competency."""

    id: Id
    name: Text
    summary: Text | None = None
    typical_years: str | None = None
    targets: dict[str, LevelNumber]
    weights: dict[str, Positive] = Field(default_factory=dict)

    def weight(self, competency: str) -> float:
        """How much `competency` counts for this role (1 unless the framework says otherwise)."""
        return self.weights.get(competency, 1.0)


class Framework(Frozen):
    """A competency framework: levels, categories, competencies and the role ladder."""

    id: Id
    version: str
    name: Text
    description: Text | None = None
    levels: tuple[LevelName, ...]
    categories: tuple[Category, ...]
    competencies: tuple[Competency, ...]
    roles: tuple[Role, ...]

    @field_validator("levels")
    @classmethod
    def _level_names_one_to_five(cls, levels: tuple[LevelName, ...]) -> tuple[LevelName, ...]:
        _check_levels([lv.level for lv in levels])
        return tuple(sorted(levels, key=lambda lv: lv.level))

    @property
    def competency_ids(self) -> tuple[str, ...]:
        """Competency ids in framework order."""
        return tuple(c.id for c in self.competencies)

    @property
    def role_ids(self) -> tuple[str, ...]:
        """Role ids from the lowest rung up."""
        return tuple(r.id for r in self.roles)

    def competency(self, competency_id: str) -> Competency:
        """The competency with this id."""
        return next(c for c in self.competencies if c.id == competency_id)

    def role(self, role_id: str) -> Role:
        """The role with this id."""
        return next(r for r in self.roles if r.id == role_id)

    def rung(self, role_id: str) -> int:
        """Position of the role on the ladder (0 = lowest)."""
        return self.role_ids.index(role_id)

    def next_role(self, role_id: str) -> str | None:
        """The rung above `role_id`, or None at the top."""
        rung = self.rung(role_id) + 1
        return self.role_ids[rung] if rung < len(self.roles) else None


def _check_levels(numbers: list[int]) -> None:
    duplicates = sorted(n for n, count in Counter(numbers).items() if count > 1)
    missing = [n for n in LEVELS if n not in numbers]
    faults = [f"duplicate level {n}" for n in duplicates] + [f"missing level {n}" for n in missing]
    if faults:
        raise ValueError("; ".join(faults) + " (each of levels 1 to 5 exactly once)")


def load_framework(path: Path | None = None) -> Framework:
    """Load and validate a framework file (the bundled one when `path` is None)."""
    doc = load_yaml(
        path or bundled_file("competencies", DEFAULT_FRAMEWORK),
        None if path else f"competencies/{DEFAULT_FRAMEWORK}",
    )
    return parse_model(doc, Framework, cross_check(doc))


def _dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    items = value if isinstance(value, list) else []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def duplicate_ids(doc: YamlDocument, section: str) -> list[Problem]:
    """Problems for ids that appear twice in the list `section` of `doc`."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    data = doc.data if isinstance(doc.data, dict) else {}
    for i, item in _dicts(data.get(section)):
        key = item.get("id")
        if not isinstance(key, str):
            continue
        if key in seen:
            first = doc.line_of((section, seen[key], "id"))
            problems.append(
                doc.problem((section, i, "id"), f"duplicate id {key!r} (first on line {first})")
            )
        else:
            seen[key] = i
    return problems


def unknown(kind: str, value: object, known: list[str]) -> str:
    """Message for an id that is not among `known`."""
    return f"unknown {kind} {value!r} (known: {', '.join(sorted(set(known)))})"


def cross_check(doc: YamlDocument) -> list[Problem]:
    """Checks across sections: unique ids, categories known, every role targets every competency."""
    data = doc.data if isinstance(doc.data, dict) else {}
    problems = duplicate_ids(doc, "competencies") + duplicate_ids(doc, "roles")
    problems += duplicate_ids(doc, "categories")
    categories = [c.get("id") for _, c in _dicts(data.get("categories"))]
    competencies = [str(c.get("id")) for _, c in _dicts(data.get("competencies"))]
    for i, comp in _dicts(data.get("competencies")):
        category = comp.get("category")
        if category is not None and category not in categories:
            problems.append(
                doc.problem(
                    ("competencies", i, "category"),
                    unknown("category", category, [str(c) for c in categories]),
                )
            )
    for i, role in _dicts(data.get("roles")):
        for section in ("targets", "weights"):
            mapping = role.get(section)
            if not isinstance(mapping, dict):
                continue
            for key in mapping:
                if key not in competencies:
                    problems.append(
                        doc.problem(
                            ("roles", i, section, key), unknown("competency", key, competencies)
                        )
                    )
            if section == "targets":
                missing = [c for c in competencies if c not in mapping]
                if missing:
                    problems.append(
                        doc.problem(
                            ("roles", i, "targets"),
                            f"no target for {', '.join(missing)} "
                            "(every role sets a level 1-5 for every competency)",
                        )
                    )
    return problems
