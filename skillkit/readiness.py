"""Promotion readiness: rules per target role → band, reasons, what it takes, projected quarter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from skillkit import periods
from skillkit.framework import Framework
from skillkit.history import quarters_in_role
from skillkit.plan import PLAN_COLUMNS, what_it_takes
from skillkit.readiness_window import (
    Cells,
    Keys,
    latest_cells,
    per_quarter,
    sustain_window,
    window_cells,
)
from skillkit.rubric import ReadinessRule, Rubric

BANDS = ("ready-now", "ready-1y", "ready-2y", "not-yet", "insufficient-evidence")
# The order reasons are read in: the blocking gates first, the finer print last.
RULE_ORDER = {
    rule: i
    for i, rule in enumerate(
        [
            "top_of_ladder",
            "no_data",
            "evidence",
            "gate",
            "too_far_below",
            "coverage",
            "sustain",
            "kpi",
            "time_in_role",
        ]
    )
}
REASON_COLUMNS = ["employee_id", "rule", "competency", "kpi", "value", "required", "extra"]
_REASON_TEXT = ("employee_id", "rule", "competency", "kpi", "extra")
# One flag per readiness rule: a person is ready now when every one holds.
RULE_FLAGS = (
    "gates_ok",
    "below_ok",
    "coverage_ok",
    "sustained",
    "evidence_ok",
    "role_time_ok",
    "kpi_ok",
)
PEOPLE_COLUMNS = [
    "employee_id",
    "name",
    "role",
    "target_role",
    "band",
    "projected_ready_period",
    "quarters_to_ready",
    "coverage",
    "quarters_in_role",
    "has_data",
    *RULE_FLAGS,
]


@dataclass(frozen=True)
class Readiness:
    """Readiness of every person for their target role at the reviewed quarter."""

    people: pd.DataFrame  # one row per person: band, target_role, projected period, rule flags
    reasons: pd.DataFrame  # one row per failed rule (and competency or KPI where it applies)
    plan: pd.DataFrame  # what it would take: competencies that must reach a higher level


def target_roles(people: pd.DataFrame, framework: Framework, target: str) -> pd.Series:
    """Each person's target: `target` when below it, else the next rung ('' at the top)."""
    ladder = list(framework.role_ids)
    rung = people["role"].astype(str).map({r: i for i, r in enumerate(ladder)})
    above = {r: (framework.next_role(r) or "") for r in ladder}
    nxt = people["role"].astype(str).map(above)
    return pd.Series(np.where(rung < ladder.index(target), target, nxt), index=people.index)


def assess(
    scores: pd.DataFrame,
    trends: pd.DataFrame,
    people: pd.DataFrame,
    kpis: pd.DataFrame,
    promotions: pd.DataFrame,
    framework: Framework,
    rubric: Rubric,
    period: str,
    target: str | None = None,
    reviewed: tuple[str, ...] | None = None,
) -> Readiness:
    """Evaluate every readiness rule for everyone, grouped by target role.

    `reviewed` lists the quarters the organisation was reviewed in: "the quarter before" is the
    previous review, so a skipped or semi-annual cycle does not block readiness.
    """
    target = target or rubric.readiness.target_role
    base = people[["employee_id", "name", "role"]].astype(str).copy()
    base["target_role"] = target_roles(people, framework, target).to_numpy()
    base["quarters_in_role"] = (
        base["employee_id"].map(quarters_in_role(people, promotions, period)).to_numpy()
    )
    keys = Keys.of(scores, kpis, base["employee_id"], framework)
    frames, reasons, plans = [], [], []
    for role_id, group in base.groupby("target_role", sort=True):
        if not role_id:
            frames.append(group.assign(band="", projected_ready_period=""))
            reasons.append(_rows(group["employee_id"], "top_of_ladder"))
            continue
        rule = rubric.readiness.rule_for(str(role_id))
        members = keys.members(group["employee_id"])
        outcome = _assess_group(
            group,
            members,
            str(role_id),
            rule,
            scores,
            trends,
            keys,
            framework,
            rubric,
            period,
            reviewed,
        )
        frames.append(outcome.people)
        reasons.append(outcome.reasons)
        plans.append(outcome.plan)
    result = pd.concat(frames, ignore_index=True).reindex(columns=PEOPLE_COLUMNS)
    result = result.sort_values("employee_id")
    reason_table = pd.concat(reasons, ignore_index=True) if reasons else _rows(pd.Series(), "")
    # One text type whichever kinds of reason turned up: an empty kind's columns, or a role's
    # object arrays, would otherwise decide it (object in one review, str in the next).
    reason_table = reason_table.astype(dict.fromkeys(_REASON_TEXT, "str"))
    plan_table = (
        pd.concat(plans, ignore_index=True) if plans else pd.DataFrame(columns=PLAN_COLUMNS)
    )
    return Readiness(
        people=result.reset_index(drop=True),
        reasons=reason_table.assign(_order=reason_table["rule"].map(RULE_ORDER))
        .sort_values(["employee_id", "_order", "competency", "kpi"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True),
        plan=plan_table.sort_values(
            ["employee_id", "quarters_needed", "competency"], kind="stable"
        ).reset_index(drop=True),
    )


def _rows(ids: pd.Series | np.ndarray, rule: str, **columns: Any) -> pd.DataFrame:
    """Reasons `rule` for `ids`: a Series or array column holds one value per id."""
    # Arrays are taken as they are: they hold str already, and a round trip through a str
    # Series would convert every value to Arrow and back.
    people = ids.astype(str).to_numpy() if isinstance(ids, pd.Series) else ids
    frame = pd.DataFrame({"employee_id": people, "rule": rule})
    for name in REASON_COLUMNS[2:]:
        value = columns.get(name, "" if name in {"competency", "kpi", "extra"} else np.nan)
        frame[name] = value.to_numpy() if isinstance(value, pd.Series) else value
    return frame[REASON_COLUMNS]


def _assess_group(
    group: pd.DataFrame,
    members: np.ndarray,
    role_id: str,
    rule: ReadinessRule,
    scores: pd.DataFrame,
    trends: pd.DataFrame,
    keys: Keys,
    framework: Framework,
    rubric: Rubric,
    period: str,
    reviewed: tuple[str, ...] | None,
) -> Readiness:
    """Readiness of the people in `group`, who share the target role `role_id`.

    `members` gives each person's position in `group` by their position in `keys.everyone`.
    """
    window = sustain_window(period, rule.sustain_quarters, reviewed)
    cells = window_cells(members, len(group), window, role_id, rule, scores, keys, framework)
    quarter = per_quarter(cells, rule)
    # Quarters in a row, back from the latest, in which the bar was met (on sufficient evidence).
    streak = np.cumprod(quarter.core_ok, axis=1).sum(axis=1)
    held_streak = np.cumprod(quarter.core_ok & quarter.evidence_ok, axis=1).sum(axis=1)

    out = group.set_index("employee_id")
    out["coverage"] = quarter.coverage[:, 0]
    out["has_data"] = quarter.has_data[:, 0]
    out["evidence_ok"] = np.all(quarter.evidence_ok, axis=1)
    out["gates_ok"] = quarter.gates_ok[:, 0]
    out["coverage_ok"] = quarter.coverage_ok[:, 0]
    out["below_ok"] = quarter.below_ok[:, 0]
    out["sustained"] = streak >= rule.sustain_quarters
    out["role_time_ok"] = out["quarters_in_role"].isna() | (
        out["quarters_in_role"] >= rule.min_quarters_in_role
    )
    ids = group["employee_id"].to_numpy()
    kpi_left, kpi_reasons = _kpi_rules(ids, members[keys.kpi_person], keys, rule, rubric, period)
    out["kpi_ok"] = kpi_left <= 0

    plan = what_it_takes(latest_cells(cells, ids, scores), trends, rule, rubric)
    needed = plan.groupby("employee_id")["quarters_needed"].max().reindex(out.index).fillna(0)
    # Competencies must first reach their levels, then hold them for the sustain window.
    sustain_left = np.where(
        needed > 0, needed + rule.sustain_quarters - 1, rule.sustain_quarters - held_streak
    )
    role_left = (rule.min_quarters_in_role - out["quarters_in_role"]).clip(lower=0).fillna(0)
    offset = np.maximum(np.maximum(sustain_left, role_left.to_numpy()), kpi_left)
    ready = out[list(RULE_FLAGS)].fillna(False).all(axis=1)
    # Whoever is not ready now is a quarter away at the very least.
    offset = np.where(ready.to_numpy(), 0.0, np.maximum(offset.astype("float64"), 1.0))
    out["quarters_to_ready"] = offset
    lacking = ~quarter.has_data[:, 0] | ~quarter.evidence_ok[:, 0]
    bands = rubric.bands
    out["band"] = np.select(
        [
            lacking,
            ready.to_numpy(),
            offset <= bands.ready_1y_quarters,
            offset <= bands.ready_2y_quarters,
        ],
        ["insufficient-evidence", "ready-now", "ready-1y", "ready-2y"],
        default="not-yet",
    )
    # Beyond the last band's horizon a straight-line projection is a guess, not a plan.
    finite = (offset <= bands.ready_2y_quarters) & ~lacking
    out["projected_ready_period"] = _projected(period, offset, finite)
    reasons = pd.concat(
        [_reasons(out, cells, ids, window, rule, period), kpi_reasons], ignore_index=True
    )
    return Readiness(people=out.reset_index(), reasons=reasons, plan=plan)


def _projected(period: str, offset: np.ndarray, finite: np.ndarray) -> list[str]:
    """The quarter `offset` quarters after `period` where `finite`, else ''."""
    # Thousands of people, a handful of distinct offsets: each quarter is labelled once.
    distinct, which = np.unique(np.where(finite, offset, 0.0), return_inverse=True)
    labels = np.array([periods.shift(period, int(q)) for q in distinct], dtype=object)
    projected: list[str] = np.where(finite, labels[which], "").tolist()
    return projected


def _kpi_rules(
    ids: np.ndarray,
    person: np.ndarray,
    keys: Keys,
    rule: ReadinessRule,
    rubric: Rubric,
    period: str,
) -> tuple[np.ndarray, pd.DataFrame]:
    """KPI rules: enough recent quarters at threshold, where the person has the KPI at all."""
    # Quarters still to go: at the earliest, one more hit per quarter from now on.
    left = np.zeros(len(ids))
    reasons = []
    end = periods.to_ordinal(period)
    value = keys.kpi_value
    # As a group-by on the text would list them: by employee_id.
    by_id = np.argsort(ids, kind="stable")
    for kpi_rule in rule.kpis:
        lower = rubric.kpi(kpi_rule.kpi).direction == "lower"
        rows = np.flatnonzero(
            (keys.kpi_name.positions([kpi_rule.kpi]) == 0)
            & (person >= 0)
            & (keys.kpi_ordinal > end - kpi_rule.of_last)
            & (keys.kpi_ordinal <= end)
            & ~np.isnan(value)
        )
        hit = value[rows] <= kpi_rule.threshold if lower else value[rows] >= kpi_rule.threshold
        count = np.bincount(person[rows], weights=hit, minlength=len(ids))
        seen = np.bincount(person[rows], minlength=len(ids)) > 0
        failing = by_id[(seen & (count < kpi_rule.quarters))[by_id]]
        left[failing] = np.maximum(left[failing], kpi_rule.quarters - count[failing])
        reasons.append(
            _rows(
                ids[failing],
                "kpi",
                kpi=kpi_rule.kpi,
                value=count[failing],
                required=float(kpi_rule.quarters),
                extra=f"{kpi_rule.threshold:g}|{kpi_rule.of_last}",
            )
        )
    table = pd.concat(reasons, ignore_index=True) if reasons else _rows(pd.Series(), "kpi")
    return left, table


def _reasons(
    out: pd.DataFrame,
    cells: Cells,
    ids: np.ndarray,
    window: list[str],
    rule: ReadinessRule,
    period: str,
) -> pd.DataFrame:
    """One row per failed rule, worded later by the report layer in the reader's language."""
    has_data = out["has_data"].to_numpy(dtype=bool)
    competencies = np.array(cells.competencies, dtype=object)
    rows = [_rows(ids[~has_data], "no_data", extra=period)]
    level = cells.level[:, 0, :]
    # A competency without evidence is reported by the evidence rule, not as a level.
    rated = has_data[:, None] & ~np.isnan(level)
    person, competency = np.nonzero(rated & cells.gate & ~cells.met[:, 0, :])
    rows.append(
        _rows(
            ids[person],
            "gate",
            competency=competencies[competency],
            value=level[person, competency],
            required=cells.required[competency],
        )
    )
    # A gate that misses is named once, by the gate rule.
    person, competency = np.nonzero(rated & cells.too_far[:, 0, :] & ~cells.gate)
    rows.append(
        _rows(
            ids[person],
            "too_far_below",
            competency=competencies[competency],
            value=level[person, competency],
            required=cells.required[competency],
            extra=str(rule.max_levels_below),
        )
    )
    short = out[~out["coverage_ok"].fillna(True).astype(bool) & out["has_data"].fillna(False)]
    rows.append(
        _rows(
            short.index.to_series(), "coverage", value=short["coverage"], required=rule.min_coverage
        )
    )
    if rule.evidence_on_gates:
        rows.append(_unsure(cells, ids, has_data, window))
    core_now = out[["gates_ok", "below_ok", "coverage_ok"]].fillna(False).all(axis=1)
    unsustained = out[core_now & ~out["sustained"]]
    rows.append(
        _rows(unsustained.index.to_series(), "sustain", required=float(rule.sustain_quarters))
    )
    young = out[~out["role_time_ok"]]
    rows.append(
        _rows(
            young.index.to_series(),
            "time_in_role",
            value=young["quarters_in_role"],
            required=float(rule.min_quarters_in_role),
        )
    )
    return pd.concat(rows, ignore_index=True)


def _unsure(cells: Cells, ids: np.ndarray, has_data: np.ndarray, window: list[str]) -> pd.DataFrame:
    """Evidence reasons: each gate short of sufficient evidence, at its latest such quarter."""
    unsure = cells.gate & ~cells.sufficient & has_data[:, None, None]
    person, competency = np.nonzero(unsure.any(axis=1))
    latest = unsure.argmax(axis=1)[person, competency]
    # Listed as the window's cells are read (person, quarter from the latest, competency).
    order = np.lexsort((competency, latest, person))
    person, competency, latest = person[order], competency[order], latest[order]
    return _rows(
        ids[person],
        "evidence",
        competency=np.array(cells.competencies, dtype=object)[competency],
        extra=np.array(window, dtype=object)[latest],
    )
