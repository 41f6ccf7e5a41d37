"""How sure a readiness call is: the rules re-decided on scores redrawn within their error.

Each score has a standard error from its raters' spread (see scoring). Redrawing every score of
the sustain window from a normal distribution with that error — a parametric bootstrap over
raters and quarters — and deciding the level rules again gives, per person, the share of draws
in which they are ready now. Evidence, time in role and KPIs do not depend on the draw and are
taken as decided.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from skillkit.framework import Framework
from skillkit.readiness import Readiness, sustain_window, window_cells
from skillkit.rubric import ReadinessRule, Rubric

DRAWS = 200
SEED = 20261126  # fixed: the same inputs give the same probabilities
BLOCK = 2_000  # people per block, so draws × cells stay small in memory
FIXED_FLAGS = ("evidence_ok", "role_time_ok", "kpi_ok")


def ready_probability(
    readiness: Readiness,
    scores: pd.DataFrame,
    framework: Framework,
    rubric: Rubric,
    period: str,
    reviewed: tuple[str, ...] | None = None,
    draws: int = DRAWS,
) -> pd.Series:
    """Per employee_id, the share of draws in which every rule holds (NaN: not assessed)."""
    people = readiness.people.set_index(readiness.people["employee_id"].astype(str))
    result = pd.Series(np.nan, index=people.index, name="ready_probability")
    for role_id, group in people.groupby(people["target_role"].astype(str), sort=True):
        if not role_id:
            continue
        rule = rubric.readiness.rule_for(role_id)
        window = sustain_window(period, rule.sustain_quarters, reviewed)
        fixed = group[list(FIXED_FLAGS)].fillna(False).astype(bool).all(axis=1).to_numpy()
        ids = group.index.to_series()
        # The same draws for everyone (common random numbers): a person's figure depends on
        # their own scores alone, not on who else is in the data or in which order.
        noise = np.random.default_rng(SEED).standard_normal(
            (len(window), len(framework.competency_ids), draws)
        )
        for start in range(0, len(ids), BLOCK):
            block = ids.iloc[start : start + BLOCK]
            cells = window_cells(block, window, role_id, rule, scores, framework)
            held = _held(cells, len(block), len(window), rule, rubric, noise)
            result[block.index] = held * fixed[start : start + BLOCK]
    return result


def _held(
    cells: pd.DataFrame,
    n_people: int,
    n_quarters: int,
    rule: ReadinessRule,
    rubric: Rubric,
    noise: np.ndarray,
) -> np.ndarray:
    """Share of draws in which the level rules hold in every quarter of the window."""
    shape = (n_people, n_quarters, -1)  # window_cells is person × quarter × competency ordered
    score = cells["score"].to_numpy(dtype="float64").reshape(shape)
    se = np.nan_to_num(cells["se"].to_numpy(dtype="float64"), nan=0.0).reshape(shape)
    required = cells["required"].to_numpy(dtype="float64").reshape(shape)
    weight = cells["weight"].to_numpy(dtype="float64").reshape(shape)
    gate = cells["gate"].to_numpy(dtype=bool).reshape(shape)
    drawn = score[..., None] + se[..., None] * noise[None]  # person × quarter × comp × draw
    scale = rubric.scale
    level = np.clip(np.floor(drawn + scale.level_tolerance), scale.min, scale.max)
    met = level >= required[..., None]  # a missing score never meets a level
    # As the rules read it: a missing level is "too far below" too.
    too_far = ~((required[..., None] - level) <= rule.max_levels_below)
    gates_ok = ~(gate[..., None] & ~met).any(axis=2)
    coverage = (weight[..., None] * met).sum(axis=2) / weight.sum(axis=2)[..., None]
    coverage_ok = coverage >= rule.min_coverage - 1e-9
    below_ok = ~too_far.any(axis=2)
    core = gates_ok & coverage_ok & below_ok  # person × quarter × draw
    # Sustained: every quarter of the window, and the window must be complete.
    complete = n_quarters >= rule.sustain_quarters
    return np.asarray(core.all(axis=1).mean(axis=1) * complete, dtype="float64")
