"""The one orchestration call: framework, rubric and records in, an Assessment out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from skillkit import periods, scoring
from skillkit.calibration import Calibration, calibrate
from skillkit.errors import InputError, Problem
from skillkit.fairness import FairnessAudit, audit
from skillkit.framework import Framework
from skillkit.history import roles_by_period
from skillkit.model import PromotionModelResult, train
from skillkit.ninebox import nine_box, potential_values
from skillkit.probability import ready_probability
from skillkit.readiness import Readiness, assess
from skillkit.records import RecordRules, Records, load_records
from skillkit.reliability import rater_agreement, relied_on_low_agreement
from skillkit.rubric import SOURCES, Rubric
from skillkit.standards import load_standards as load_standards  # the public name of old
from skillkit.text_columns import occurring
from skillkit.trends import trends

RATING_KEYS = ("period", "employee_id", "rater_id", "source", "competency")


@dataclass(frozen=True)
class Assessment:
    """Everything a review found: scores, trends and readiness, with the inputs behind them."""

    framework: Framework
    rubric: Rubric
    records: Records
    period: str
    periods: tuple[str, ...]
    target_role: str
    people: pd.DataFrame  # as of the reviewed quarter: role held then, hired by then
    ratings: pd.DataFrame  # up to the reviewed quarter
    kpis: pd.DataFrame  # up to the reviewed quarter
    calibration: Calibration
    scores: pd.DataFrame
    trends: pd.DataFrame
    readiness: Readiness
    agreement: pd.DataFrame  # competency, period, alpha, n_units, n_values, band, low
    low_agreement: pd.DataFrame  # employee_id, competency: relied on by readiness, agreed little
    fairness: FairnessAudit  # for HR's page only: never per person
    warnings: tuple[Problem, ...]
    model: PromotionModelResult | None = None  # decision support beside the rules, if trained
    grid: pd.DataFrame | None = None  # the 9-box placement (ninebox.nine_box), made once


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
    model: bool = True,
    skip_invalid: bool = False,
    max_file_bytes: int | None = None,
) -> Assessment:
    """Load everything from disk and assess it: the call behind `skillkit review`.

    With `skip_invalid`, rows with problems are set aside (`records.rejected`) instead of
    stopping the review. `max_file_bytes` caps each input file (default 1 GiB).
    """
    framework, rubric = load_standards(framework_path, rubric_path)
    records = load_records(
        Path(data), record_rules(framework, rubric), skip_invalid, max_file_bytes
    )
    return assess_records(records, framework, rubric, period=period, target=target, model=model)


def assess_records(
    records: Records,
    framework: Framework,
    rubric: Rubric,
    period: str | None = None,
    target: str | None = None,
    model: bool = True,
) -> Assessment:
    """Score, trend and assess readiness for the reviewed quarter (latest by default).

    With `model`, the promotion model is trained too when the history allows (see model.py).
    """
    # A quarter counts once someone has been observed in it: a sent-out, unanswered quarter
    # with only empty ratings must not become "the latest" and leave everyone without evidence.
    rated = records.ratings["rating"].notna().to_numpy()
    observed = records.ratings.loc[rated, ["period", "source"]]
    available = sorted(map(str, observed["period"].unique()), key=periods.to_ordinal)
    # By default, the latest quarter others have rated: self-assessments sent in before the
    # managers' forms must not make an all-but-empty quarter "the latest".
    by_others = observed.loc[(observed["source"] != "self").to_numpy(), "period"]
    latest = max(map(str, by_others.unique()), key=periods.to_ordinal, default=None)
    period = _choose_period(period or latest, available)
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
    ratings = _until(records.ratings, end)
    kpis = _until(records.kpis, end)
    roles = roles_by_period(records.people, records.promotions, list(covered))
    people = people_at(records.people, roles, period)
    if people.empty:
        raise InputError(
            [
                Problem(
                    _source(records, "people"),
                    None,
                    "hire_date",
                    f"nobody in the people table was employed by {period}",
                )
            ]
        )
    # Keys as categories once: calibration, scoring and agreement then group on integer codes
    # instead of hashing millions of strings each time.
    keyed = ratings.astype({key: "category" for key in RATING_KEYS})
    calibration = calibrate(keyed, rubric, period)
    scores = scoring.score(keyed, kpis, roles, framework, rubric, calibration)
    recent = trends(scores, period, rubric.trend_quarters)
    readiness = assess(
        scores,
        recent,
        people,
        kpis,
        records.promotions,
        framework,
        rubric,
        period,
        target,
        reviewed=covered,
    )
    chance = ready_probability(
        readiness, keyed, scores, framework, rubric, period, covered, calibration
    )
    people_ready = readiness.people.assign(
        ready_probability=readiness.people["employee_id"].astype(str).map(chance).to_numpy()
    )
    readiness = replace(readiness, people=people_ready)
    agreement = rater_agreement(keyed, rubric)
    assessment = Assessment(
        framework=framework,
        rubric=rubric,
        records=records,
        period=period,
        periods=covered,
        target_role=target,
        people=people,
        ratings=ratings,
        kpis=kpis,
        calibration=calibration,
        scores=scores,
        trends=recent,
        readiness=readiness,
        agreement=agreement,
        low_agreement=relied_on_low_agreement(readiness, agreement, rubric, covered),
        fairness=_fairness(people, readiness, scores, rubric, period),
        warnings=records.warnings
        + _coverage_warnings(people, ratings, scores, period)
        + _calibration_warnings(calibration)
        + _potential_warnings(records, rubric)
        + _history_warnings(records),
    )
    assessment = replace(assessment, grid=nine_box(assessment))
    return replace(assessment, model=train(assessment)) if model else assessment


def _fairness(
    people: pd.DataFrame, readiness: Readiness, scores: pd.DataFrame, rubric: Rubric, period: str
) -> FairnessAudit:
    """The adverse-impact audit of readiness, and mean calibrated scores, by each attribute."""
    latest = scores[scores["period"] == period]
    mean_score = latest.groupby("employee_id")["score"].mean()
    bands = readiness.people.set_index(readiness.people["employee_id"].astype(str))["band"]
    return audit(
        people.set_index(people["employee_id"].astype(str)),
        bands,
        mean_score,
        rubric.fairness.attributes,
        rubric.anonymity.min_group_size,
    )


def _source(records: Records, table: str) -> str:
    """The file a table came from, for messages about it."""
    named = [f for f in records.files if f.stem == table or f.suffix == ".xlsx"]
    return str(named[0]) if named else table


def _until(table: pd.DataFrame, end: int) -> pd.DataFrame:
    """Rows of quarters up to and including the reviewed one: later data never leaks in."""
    if table.empty:
        return table
    kept = periods.in_window(table["period"], end)
    return table if kept.all() else table[kept]  # the usual review is of the latest quarter


def people_at(people: pd.DataFrame, roles: pd.DataFrame, period: str) -> pd.DataFrame:
    """People as they were in `period`: hired by then, in the role they held then."""
    hired = pd.to_datetime(people["hire_date"], errors="coerce")
    joined = periods.quarter_of_date(hired)
    table = people[(joined.isna() | (joined <= periods.to_ordinal(period))).to_numpy()].copy()
    table["employee_id"] = table["employee_id"].astype(str)
    then = roles[roles["period"] == period].set_index("employee_id")["role"]
    role_then = table["employee_id"].map(then).fillna(table["role"]).astype(str)
    # role_start dates the current role; it says nothing about a role held before it.
    table["role_start"] = table["role_start"].where(role_then == table["role"].astype(str))
    table["role"] = role_then
    return table.reset_index(drop=True)


def _choose_period(period: str | None, available: list[str]) -> str:
    if not available:
        raise InputError([Problem("ratings", None, "rating", "no observed rating to review")])
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


def _potential_warnings(records: Records, rubric: Rubric) -> tuple[Problem, ...]:
    """A manager-rated potential the 9-box cannot use is named, never dropped in silence."""
    people = records.people
    if "potential" not in people.columns:
        return ()
    given = people["potential"].astype("string").str.strip().fillna("")
    value = potential_values(people["potential"])
    low, high = rubric.scale.min, rubric.scale.max
    bad = (given != "") & ~((value >= low) & (value <= high))
    where = _source(records, "people")
    return tuple(
        Problem(
            where,
            None,
            "potential",
            f"{employee}: expected a number from {low:g} to {high:g}, got {text!r}; "
            "left out of the 9-box",
        )
        for employee, text in zip(
            people.loc[bad, "employee_id"].astype(str), given[bad], strict=True
        )
    )


def _calibration_warnings(calibration: Calibration) -> tuple[Problem, ...]:
    """Raters and people calibration cannot place on the main scale: HR should know."""
    warnings = []
    if not calibration.converged:
        message = (
            "the rater calibration did not converge; its effects are approximate "
            "(raise calibration.shrinkage in the rubric to steady it)"
        )
        warnings.append(Problem("ratings", None, "rater_id", message))
    raters, people = calibration.outside_raters, calibration.outside_people
    if not raters and not people:
        return tuple(warnings)
    counted = f"{len(raters)} rater{'' if len(raters) == 1 else 's'} and {len(people)} " + (
        "person" if len(people) == 1 else "people"
    )
    message = (
        f"{counted} share no rated person with the main group of raters, "
        "so calibration cannot compare them with it (listed on the HR page)"
    )
    return (*warnings, Problem("ratings", None, "rater_id", message))


def _history_warnings(records: Records) -> tuple[Problem, ...]:
    """Promotion histories that end in another role than people.csv gives: one of them is wrong."""
    promotions = records.promotions
    if promotions.empty:
        return ()
    ordered = promotions.assign(
        employee_id=promotions["employee_id"].astype(str),
        ordinal=periods.ordinals(promotions["period"].astype(str)),
    ).sort_values("ordinal")
    latest = ordered.groupby("employee_id").last()
    people = records.people.assign(employee_id=records.people["employee_id"].astype(str))
    table = pd.DataFrame(
        {
            "quarter": latest["period"].astype(str),
            "to": latest["to_role"].astype(str),
            "role": people.set_index("employee_id")["role"].astype(str).reindex(latest.index),
        }
    )
    clash = table[table["to"] != table["role"]]
    where = _source(records, "promotions")
    return tuple(
        Problem(
            where,
            None,
            str(employee),
            f"the latest promotion ({quarter}) is to {to!r}, "
            f"but the people table gives the role {role!r}",
        )
        for employee, quarter, to, role in zip(
            clash.index, clash["quarter"], clash["to"], clash["role"], strict=True
        )
    )


def _coverage_warnings(
    people: pd.DataFrame, ratings: pd.DataFrame, scores: pd.DataFrame, period: str
) -> tuple[Problem, ...]:
    """People rated before but not in the reviewed quarter: shown, never silently dropped."""
    seen = set(scores.loc[scores["period"] == period, "employee_id"].astype(str).unique())
    # People never rated at all are already warned about by the records.
    # The categories that occur, counted from the codes: 42 million rows at 100,000 people.
    ever = set(map(str, occurring(ratings["employee_id"].astype("category"))))
    missing = sorted((set(people["employee_id"]) & ever) - seen)
    return tuple(
        Problem("ratings", None, employee, f"no ratings or KPIs in {period}")
        for employee in missing
    )
