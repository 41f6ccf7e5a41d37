"""The one orchestration call: framework, rubric and records in, an Assessment out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from skillkit import periods, scoring
from skillkit.errors import InputError, Problem
from skillkit.framework import Framework, load_framework
from skillkit.history import roles_by_period
from skillkit.readiness import Readiness, assess
from skillkit.records import RecordRules, Records, load_records
from skillkit.rubric import SOURCES, Rubric, load_rubric


@dataclass(frozen=True)
class Assessment:
    """Everything a review found: scores, trends and readiness, with the inputs behind them."""

    framework: Framework
    rubric: Rubric
    records: Records
    period: str
    periods: tuple[str, ...]
    target_role: str
    scores: pd.DataFrame
    trends: pd.DataFrame
    readiness: Readiness
    warnings: tuple[Problem, ...]


def load_standards(
    framework_path: Path | None = None, rubric_path: Path | None = None
) -> tuple[Framework, Rubric]:
    """The framework and the rubric checked against it (bundled ones by default)."""
    framework = load_framework(framework_path)
    return framework, load_rubric(framework, rubric_path)


def record_rules(framework: Framework, rubric: Rubric) -> RecordRules:
    """What the data must conform to under this framework and rubric."""
    return RecordRules(
        roles=framework.role_ids,
        competencies=framework.competency_ids,
        kpis=rubric.kpi_ids,
        sources=SOURCES,
        scale_min=rubric.scale.min,
        scale_max=rubric.scale.max,
        scale_step=rubric.scale.step,
    )


def review(
    data: Path,
    framework_path: Path | None = None,
    rubric_path: Path | None = None,
    period: str | None = None,
    target: str | None = None,
) -> Assessment:
    """Load everything from disk and assess it: the call behind `skillkit review`."""
    framework, rubric = load_standards(framework_path, rubric_path)
    records = load_records(Path(data), record_rules(framework, rubric))
    return assess_records(records, framework, rubric, period=period, target=target)


def assess_records(
    records: Records,
    framework: Framework,
    rubric: Rubric,
    period: str | None = None,
    target: str | None = None,
) -> Assessment:
    """Score, trend and assess readiness for the reviewed quarter (latest by default)."""
    available = sorted(set(records.ratings["period"].astype(str)), key=periods.to_ordinal)
    period = _choose_period(period, available)
    target = target or rubric.readiness.target_role
    if target not in framework.role_ids:
        raise InputError(
            [
                Problem(
                    "--target",
                    None,
                    "",
                    f"unknown role {target!r} (known: {', '.join(framework.role_ids)})",
                )
            ]
        )
    end = periods.to_ordinal(period)
    covered = tuple(p for p in available if periods.to_ordinal(p) <= end)
    ratings = records.ratings[periods.ordinals(records.ratings["period"].astype(str)) <= end]
    kpis = records.kpis
    if not kpis.empty:
        kpis = kpis[periods.ordinals(kpis["period"].astype(str)) <= end]
    roles = roles_by_period(records.people, records.promotions, list(covered))
    scores = scoring.score(ratings, kpis, roles, framework, rubric)
    trends = scoring.trends(scores, period, rubric.trend_quarters)
    readiness = assess(
        scores, trends, records.people, kpis, records.promotions, framework, rubric, period, target
    )
    return Assessment(
        framework=framework,
        rubric=rubric,
        records=records,
        period=period,
        periods=covered,
        target_role=target,
        scores=scores,
        trends=trends,
        readiness=readiness,
        warnings=records.warnings + _coverage_warnings(records, scores, period),
    )


def _choose_period(period: str | None, available: list[str]) -> str:
    if not available:
        raise InputError([Problem("ratings", None, "period", "no ratings with a period to review")])
    if period is None:
        return available[-1]
    if not periods.is_period(period):
        raise InputError(
            [Problem("--period", None, "", f"expected a quarter like 2026Q3, got {period!r}")]
        )
    if period not in available:
        raise InputError(
            [
                Problem(
                    "--period",
                    None,
                    "",
                    f"no ratings in {period} (periods in the data: {', '.join(available)})",
                )
            ]
        )
    return period


def _coverage_warnings(records: Records, scores: pd.DataFrame, period: str) -> tuple[Problem, ...]:
    """People with nothing to go on in the reviewed quarter: shown, never silently dropped."""
    seen = set(scores.loc[scores["period"] == period, "employee_id"].astype(str))
    missing = sorted(set(records.people["employee_id"].astype(str)) - seen)
    return tuple(
        Problem("ratings", None, employee, f"no ratings or KPIs in {period}")
        for employee in missing
    )
