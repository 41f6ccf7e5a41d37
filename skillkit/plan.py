"""What it would take: the competencies that must rise, to which level, and when at this pace."""

from __future__ import annotations

import numpy as np
import pandas as pd

from skillkit.rubric import ReadinessRule, Rubric

PLAN_COLUMNS = [
    "employee_id",
    "competency",
    "level",
    "score",
    "required_level",
    "slope",
    "quarters_needed",
]


def what_it_takes(
    latest: pd.DataFrame,
    trends: pd.DataFrame,
    rule: ReadinessRule,
    rubric: Rubric,
) -> pd.DataFrame:
    """Which competencies must reach which level for the rules to hold, and when at this pace.

    `latest` holds the reviewed quarter's cells of the target role (from readiness): per person
    and competency the `level`, `score`, `required` level, `weight`, `gate` and `met` flags.
    Every gate below target must reach it, nothing may stay more than `max_levels_below` short,
    and then the closest gaps are closed until the weighted coverage holds.
    """
    observed = latest["level"].notna().groupby(latest["employee_id"]).transform("any")
    c = latest[observed.astype(bool)].copy()
    level = c["level"].astype("float64")
    floor_level = c["required"] - rule.max_levels_below
    c["need"] = c["required"].where(c["gate"])
    # Coverage: count gates and already-met competencies, then add the closest gaps first.
    counted = c["met"] | c["gate"]
    have = (c["weight"] * counted).groupby(c["employee_id"]).transform("sum")
    total = c["weight"].groupby(c["employee_id"]).transform("sum")
    shortfall = rule.min_coverage * total - have
    candidates = c[~counted].assign(gap=c["required"] - level.fillna(0))
    candidates = candidates.sort_values(
        ["employee_id", "gap", "weight"], ascending=[True, True, False], kind="stable"
    )
    before = candidates.groupby("employee_id")["weight"].cumsum() - candidates["weight"]
    chosen = candidates.index[(before < shortfall[candidates.index] - 1e-9).to_numpy()]
    c.loc[chosen, "need"] = c.loc[chosen, "required"]
    c["required_level"] = np.fmax(c["need"], floor_level)
    plan = c[(level.isna()) | (level < c["required_level"])].copy()
    plan = plan.merge(
        trends[["employee_id", "competency", "slope"]], on=["employee_id", "competency"], how="left"
    )
    target_score = plan["required_level"] - rubric.scale.level_tolerance
    pace = (target_score - plan["score"]) / plan["slope"].where(plan["slope"] > 0)
    raw = pd.Series(np.ceil(pace), index=plan.index)
    plan["quarters_needed"] = raw.clip(lower=1).fillna(np.inf)
    plan["required_level"] = plan["required_level"].astype("int64")
    return plan[PLAN_COLUMNS]
