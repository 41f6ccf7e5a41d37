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
    """The smallest set of level moves that makes the rules hold, and when at this pace.

    `latest` holds the reviewed quarter's cells of the target role (from readiness): per person
    and competency the `level`, `score`, `required` level, `weight`, `gate` and `met` flags.
    Every gate below target must reach it and nothing may stay more than `max_levels_below`
    short (the floor): those moves are forced. Coverage then takes as few more competencies as
    it can: first those already moving for the floor (raised to target, no extra move), then the
    largest weights, ties going to the shortest projected time at the current pace.
    """
    observed = latest["level"].notna().groupby(latest["employee_id"]).transform("any")
    c = latest[observed.astype(bool)].copy()
    c = c.merge(
        trends[["employee_id", "competency", "slope"]], on=["employee_id", "competency"], how="left"
    )
    level = c["level"].astype("float64")
    floor_level = c["required"] - rule.max_levels_below
    c["need"] = c["required"].where(c["gate"])
    counted = c["met"] | c["gate"]
    have = (c["weight"] * counted).groupby(c["employee_id"]).transform("sum")
    total = c["weight"].groupby(c["employee_id"]).transform("sum")
    shortfall = rule.min_coverage * total - have
    candidates = c[~counted].assign(
        forced=(level.isna() | (level < floor_level)).astype(int),
        quarters=_quarters(c["required"], c["score"], c["slope"], rubric),
    )
    candidates = candidates.sort_values(
        ["employee_id", "forced", "weight", "quarters", "competency"],
        ascending=[True, False, False, True, True],
        kind="stable",
    )
    before = candidates.groupby("employee_id")["weight"].cumsum() - candidates["weight"]
    chosen = candidates.index[(before < shortfall[candidates.index] - 1e-9).to_numpy()]
    c.loc[chosen, "need"] = c.loc[chosen, "required"]
    c["required_level"] = np.fmax(c["need"], floor_level)
    plan = c[(level.isna()) | (level < c["required_level"])].copy()
    plan["quarters_needed"] = _quarters(
        plan["required_level"], plan["score"], plan["slope"], rubric
    )
    plan["required_level"] = plan["required_level"].astype("int64")
    return plan[PLAN_COLUMNS].reset_index(drop=True)


def _quarters(required: pd.Series, score: pd.Series, slope: pd.Series, rubric: Rubric) -> pd.Series:
    """Quarters until `score` reaches `required` at the current slope (inf without progress)."""
    target_score = required - rubric.scale.level_tolerance
    pace = (target_score - score) / slope.where(slope > 0)
    return pd.Series(np.ceil(pace), index=required.index).clip(lower=1).fillna(np.inf)
