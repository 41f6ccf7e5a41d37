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
    frames, reasons, plans = [], [], []
    for role_id, group in base.groupby("target_role", sort=True):
        if not role_id:
            frames.append(group.assign(band="", projected_ready_period=""))
            reasons.append(_rows(group["employee_id"], "top_of_ladder"))
            continue
        rule = rubric.readiness.rule_for(str(role_id))
        outcome = _assess_group(
            group, str(role_id), rule, scores, trends, kpis, framework, rubric, period, reviewed
        )
        frames.append(outcome.people)
        reasons.append(outcome.reasons)
        plans.append(outcome.plan)
    result = pd.concat(frames, ignore_index=True).reindex(columns=PEOPLE_COLUMNS)
    result = result.sort_values("employee_id")
    reason_table = pd.concat(reasons, ignore_index=True) if reasons else _rows(pd.Series(), "")
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


def sustain_window(period: str, quarters: int, reviewed: tuple[str, ...] | None) -> list[str]:
    """The reviewed quarter and the reviews before it, latest first."""
    if reviewed is None:
        return [periods.shift(period, -k) for k in range(quarters)]
    earlier = sorted(
        (p for p in reviewed if periods.to_ordinal(p) < periods.to_ordinal(period)),
        key=periods.to_ordinal,
        reverse=True,
    )
    return [period, *earlier[: quarters - 1]]


def _rows(ids: pd.Series, rule: str, **columns: Any) -> pd.DataFrame:
    frame = pd.DataFrame({"employee_id": ids.astype(str).to_numpy(), "rule": rule})
    for name in REASON_COLUMNS[2:]:
        value = columns.get(name, "" if name in {"competency", "kpi", "extra"} else np.nan)
        frame[name] = value.to_numpy() if isinstance(value, pd.Series) else value
    return frame[REASON_COLUMNS]


def _assess_group(
    group: pd.DataFrame,
    role_id: str,
    rule: ReadinessRule,
    scores: pd.DataFrame,
    trends: pd.DataFrame,
    kpis: pd.DataFrame,
    framework: Framework,
    rubric: Rubric,
    period: str,
    reviewed: tuple[str, ...] | None,
) -> Readiness:
    """Readiness of the people in `group`, who share the target role `role_id`."""
    window = sustain_window(period, rule.sustain_quarters, reviewed)
    cells = window_cells(group["employee_id"], window, role_id, rule, scores, framework)
    per_quarter = _per_quarter(cells, rule)
    latest = per_quarter.xs(period, level="period")
    ids = group["employee_id"]
    core = ["gates_ok", "coverage_ok", "below_ok"]
    all_core = per_quarter[core].all(axis=1).unstack("period").reindex(columns=window)
    streak = all_core.fillna(False).cumprod(axis=1).sum(axis=1)
    # Quarters in a row, back from the latest, in which the bar was met on sufficient evidence.
    held = (per_quarter[core].all(axis=1) & per_quarter["evidence_ok"]).unstack("period")
    held_streak = held.reindex(columns=window).fillna(False).cumprod(axis=1).sum(axis=1)

    out = group.set_index("employee_id")
    out["coverage"] = latest["coverage"]
    out["has_data"] = latest["has_data"]
    out["evidence_ok"] = per_quarter["evidence_ok"].groupby(level="employee_id").all()
    for flag in core:
        out[flag] = latest[flag]
    out["sustained"] = streak.reindex(out.index).fillna(0) >= rule.sustain_quarters
    out["role_time_ok"] = out["quarters_in_role"].isna() | (
        out["quarters_in_role"] >= rule.min_quarters_in_role
    )
    kpi_left, kpi_reasons = _kpi_rules(ids, rule, kpis, rubric, period)
    kpi_left = kpi_left.reindex(out.index).fillna(0)
    out["kpi_ok"] = kpi_left <= 0

    plan = what_it_takes(cells[cells["period"] == period], trends, rule, rubric)
    needed = plan.groupby("employee_id")["quarters_needed"].max().reindex(out.index).fillna(0)
    # Competencies must first reach their levels, then hold them for the sustain window.
    sustain_left = np.where(
        needed > 0,
        needed + rule.sustain_quarters - 1,
        rule.sustain_quarters - held_streak.reindex(out.index).fillna(0),
    )
    role_left = (rule.min_quarters_in_role - out["quarters_in_role"]).clip(lower=0).fillna(0)
    offset = np.maximum(np.maximum(sustain_left, role_left.to_numpy()), kpi_left.to_numpy())
    ready = out[list(RULE_FLAGS)].fillna(False).all(axis=1)
    # Whoever is not ready now is a quarter away at the very least.
    offset = np.where(ready.to_numpy(), 0.0, np.maximum(offset.astype("float64"), 1.0))
    out["quarters_to_ready"] = offset
    lacking = ~out["has_data"].fillna(False).astype(bool) | ~latest["evidence_ok"].reindex(
        out.index
    ).fillna(False).astype(bool)
    bands = rubric.bands
    out["band"] = np.select(
        [
            lacking.to_numpy(),
            ready.to_numpy(),
            offset <= bands.ready_1y_quarters,
            offset <= bands.ready_2y_quarters,
        ],
        ["insufficient-evidence", "ready-now", "ready-1y", "ready-2y"],
        default="not-yet",
    )
    # Beyond the last band's horizon a straight-line projection is a guess, not a plan.
    finite = (offset <= bands.ready_2y_quarters) & ~lacking.to_numpy()
    out["projected_ready_period"] = [
        periods.shift(period, int(q)) if ok else "" for q, ok in zip(offset, finite, strict=True)
    ]
    reasons = pd.concat([_reasons(out, cells, rule, period), kpi_reasons], ignore_index=True)
    return Readiness(people=out.reset_index(), reasons=reasons, plan=plan)


def window_cells(
    ids: pd.Series,
    window: list[str],
    role_id: str,
    rule: ReadinessRule,
    scores: pd.DataFrame,
    framework: Framework,
) -> pd.DataFrame:
    """Person × quarter × competency in the sustain window, with the target role's levels."""
    role = framework.role(role_id)
    grid = pd.MultiIndex.from_product(
        [ids.astype(str), window, list(framework.competency_ids)],
        names=["employee_id", "period", "competency"],
    ).to_frame(index=False)
    columns = ["period", "employee_id", "competency", "level", "score", "evidence"]
    wanted = scores[scores["period"].isin(window)].reindex(columns=columns)
    cells = grid.merge(wanted, on=["period", "employee_id", "competency"], how="left")
    cells["required"] = cells["competency"].map(role.targets).astype("float64")
    cells["weight"] = cells["competency"].map(role.weight)
    cells["gate"] = cells["competency"].isin(rule.gates)
    level = cells["level"].astype("float64")
    cells["met"] = (level >= cells["required"]).fillna(False).astype(bool)
    cells["too_far"] = ~((cells["required"] - level) <= rule.max_levels_below).fillna(False)
    cells["sufficient"] = cells["evidence"].eq("sufficient")
    return cells


def _per_quarter(cells: pd.DataFrame, rule: ReadinessRule) -> pd.DataFrame:
    """Each rule's outcome per person and quarter."""
    c = cells.assign(
        gate_miss=cells["gate"] & ~cells["met"],
        weight_met=cells["weight"] * cells["met"],
        gate_unsure=cells["gate"] & ~cells["sufficient"],
        observed=cells["level"].notna(),
    )
    g = c.groupby(["employee_id", "period"], sort=False)
    out = pd.DataFrame(
        {
            "gates_ok": ~g["gate_miss"].any(),
            "coverage": g["weight_met"].sum() / g["weight"].sum(),
            "below_ok": ~g["too_far"].any(),
            "evidence_ok": ~g["gate_unsure"].any()
            if rule.evidence_on_gates
            else g["observed"].any(),
            "has_data": g["observed"].any(),
        }
    )
    out["coverage_ok"] = out["coverage"] >= rule.min_coverage - 1e-9
    return out


def _kpi_rules(
    ids: pd.Series, rule: ReadinessRule, kpis: pd.DataFrame, rubric: Rubric, period: str
) -> tuple[pd.Series, pd.DataFrame]:
    """KPI rules: enough recent quarters at threshold, where the person has the KPI at all."""
    # Quarters still to go: at the earliest, one more hit per quarter from now on.
    left = pd.Series(0.0, index=ids.astype(str))
    reasons = []
    end = periods.to_ordinal(period)
    for kpi_rule in rule.kpis:
        lower = rubric.kpi(kpi_rule.kpi).direction == "lower"
        rows = kpis[
            (kpis["kpi"].astype(str) == kpi_rule.kpi)
            & kpis["employee_id"].astype(str).isin(left.index)
        ]
        ordinal = periods.ordinals(rows["period"].astype(str))
        rows = rows[(ordinal > end - kpi_rule.of_last) & (ordinal <= end)].dropna(subset=["value"])
        hit = rows["value"] <= kpi_rule.threshold if lower else rows["value"] >= kpi_rule.threshold
        count = hit.groupby(rows["employee_id"].astype(str)).sum()
        failing = count[count < kpi_rule.quarters]
        left[failing.index] = np.maximum(left[failing.index], kpi_rule.quarters - failing)
        reasons.append(
            _rows(
                pd.Series(failing.index),
                "kpi",
                kpi=kpi_rule.kpi,
                value=failing.astype("float64").reset_index(drop=True),
                required=float(kpi_rule.quarters),
                extra=f"{kpi_rule.threshold:g}|{kpi_rule.of_last}",
            )
        )
    table = pd.concat(reasons, ignore_index=True) if reasons else _rows(pd.Series(), "kpi")
    return left, table


def _reasons(
    out: pd.DataFrame,
    cells: pd.DataFrame,
    rule: ReadinessRule,
    period: str,
) -> pd.DataFrame:
    """One row per failed rule, worded later by the report layer in the reader's language."""
    latest = cells[cells["period"] == period]
    rows = []
    no_data = out.index[~out["has_data"].fillna(False).astype(bool)].to_series()
    rows.append(_rows(no_data, "no_data", extra=period))
    with_data = latest[latest["employee_id"].isin(out.index.difference(pd.Index(no_data)))]
    # A competency without evidence is reported by the evidence rule, not as a level.
    gate_miss = with_data[with_data["gate"] & ~with_data["met"] & with_data["level"].notna()]
    rows.append(
        _rows(
            gate_miss["employee_id"],
            "gate",
            competency=gate_miss["competency"],
            value=gate_miss["level"].astype("float64"),
            required=gate_miss["required"],
        )
    )
    # A gate that misses is named once, by the gate rule.
    far = with_data[with_data["too_far"] & with_data["level"].notna() & ~with_data["gate"]]
    rows.append(
        _rows(
            far["employee_id"],
            "too_far_below",
            competency=far["competency"],
            value=far["level"].astype("float64"),
            required=far["required"],
            extra=str(rule.max_levels_below),
        )
    )
    short = out[~out["coverage_ok"].fillna(True).astype(bool) & out["has_data"].fillna(False)]
    rows.append(
        _rows(
            short.index.to_series(), "coverage", value=short["coverage"], required=rule.min_coverage
        )
    )
    unsure = cells[
        cells["gate"]
        & ~cells["sufficient"]
        & cells["employee_id"].isin(out.index.difference(pd.Index(no_data)))
    ]
    unsure = unsure.drop_duplicates(["employee_id", "competency"])
    if rule.evidence_on_gates:
        rows.append(
            _rows(
                unsure["employee_id"],
                "evidence",
                competency=unsure["competency"],
                extra=unsure["period"],
            )
        )
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
