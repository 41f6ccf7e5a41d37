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
    short (the floor): those moves are forced. Coverage then takes the subset of the other
    competencies below target, raised to target, that moves the fewest competencies in all;
    ties go to the largest weight moved, then to the shortest projected time. Every subset of
    a person's candidates is tried (ten make 1,024), for all people at once.
    """
    observed = latest["level"].notna().groupby(latest["employee_id"]).transform("any")
    c = latest[observed.astype(bool)].copy()
    c = c.merge(
        trends[["employee_id", "competency", "slope"]], on=["employee_id", "competency"], how="left"
    )
    c = c.sort_values(["employee_id", "competency"], kind="stable").reset_index(drop=True)
    if c.empty:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    level = c["level"].astype("float64")
    floor_level = c["required"] - rule.max_levels_below
    c["to_target"] = _quarters(c["required"], c["score"], c["slope"], rubric)
    c["to_floor"] = _quarters(floor_level, c["score"], c["slope"], rubric)
    forced = (level.isna() | (level < floor_level)) & ~c["met"]
    c["target_move"] = _cover(c, forced, rule)
    c["gate_move"] = c["gate"] & ~c["met"]
    c["required_level"] = np.where(
        c["target_move"] | c["gate_move"], c["required"], np.fmax(floor_level, level.fillna(0))
    )
    plan = c[c["gate_move"] | c["target_move"] | forced].copy()
    plan["quarters_needed"] = np.where(
        plan["required_level"] >= plan["required"], plan["to_target"], plan["to_floor"]
    )
    plan["required_level"] = plan["required_level"].astype("int64")
    return plan[PLAN_COLUMNS].reset_index(drop=True)


def _cover(c: pd.DataFrame, forced: pd.Series, rule: ReadinessRule) -> np.ndarray:
    """Which non-gate competencies go to target so that coverage holds with the fewest moves."""
    people = c["employee_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, people[1:] != people[:-1]])
    width = int(np.diff(np.r_[starts, len(c)]).max())
    slot = np.arange(len(c)) - np.repeat(starts, np.diff(np.r_[starts, len(c)]))
    row = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(c)]))

    def grid(values: np.ndarray, fill: float) -> np.ndarray:
        out = np.full((len(starts), width), fill, dtype="float64")
        out[row, slot] = values
        return out

    weight = grid(c["weight"].to_numpy(dtype="float64"), 0.0)
    counted = grid((c["met"] | c["gate"]).to_numpy(dtype="float64"), 1.0).astype(bool)
    is_forced = grid(forced.to_numpy(dtype="float64"), 0.0).astype(bool)
    to_target = grid(c["to_target"].to_numpy(dtype="float64"), 0.0)
    to_floor = grid(np.where(forced, c["to_floor"], 0.0), 0.0)
    base_time = grid(np.where(c["gate"] & ~c["met"], c["to_target"], 0.0), 0.0).max(axis=1)
    total = weight.sum(axis=1)
    shortfall = rule.min_coverage * total - (weight * counted).sum(axis=1) - 1e-9
    candidate = ~counted
    chosen = np.zeros((len(starts), width), dtype=bool)
    # Covered already: the empty set wins (fewest moves; a forced move to target is never
    # quicker than to the floor), so only the people short of coverage are searched, and
    # each only over the subsets of their own candidates: 2^k subsets for k candidates
    # instead of 2^width. Subsets keep the order of their bits, so ties break as before.
    short = shortfall > 0
    sizes = candidate.sum(axis=1)
    for k in np.unique(sizes[short]).tolist():
        people_k = np.flatnonzero(short & (sizes == k))
        # The k candidate slots of each person, in slot order.
        slots = np.argsort(~candidate[people_k], axis=1, kind="stable")[:, :k]
        bits = ((np.arange(2**k)[:, None] >> np.arange(k)) & 1).astype(bool)  # 2^k × k
        for block in range(0, len(people_k), 500):  # people per block: subsets × people × slots
            who = people_k[block : block + 500]
            masks = np.zeros((len(who), 2**k, width), dtype=bool)
            masks[
                np.arange(len(who))[:, None, None],
                np.arange(2**k)[None, :, None],
                slots[block : block + 500][:, None, :],
            ] = bits[None]
            chosen[who] = _best_subset(
                masks,
                weight[who],
                is_forced[who],
                to_target[who],
                to_floor[who],
                base_time[who],
                shortfall[who],
            )
    return chosen[row, slot]


def _best_subset(
    masks: np.ndarray,
    weight: np.ndarray,
    is_forced: np.ndarray,
    to_target: np.ndarray,
    to_floor: np.ndarray,
    base_time: np.ndarray,
    shortfall: np.ndarray,
) -> np.ndarray:
    """Per person, the subset (people × subsets × slots) that covers with the fewest moves."""
    valid = (weight[:, None, :] * masks).sum(axis=2) >= shortfall[:, None]
    moved = masks | is_forced[:, None, :]
    count = moved.sum(axis=2)
    weight_moved = (weight[:, None, :] * moved).sum(axis=2)
    time = np.maximum(
        np.where(masks, to_target[:, None, :], to_floor[:, None, :]).max(axis=2),
        base_time[:, None],
    )
    # Lexicographic: fewest moves, then the largest weight moved, then the shortest time.
    key = np.where(valid, count * 1e12 - weight_moved * 1e6 + np.minimum(time, 1e5), np.inf)
    best = key.argmin(axis=1)
    people = np.arange(len(best))
    found: np.ndarray = masks[people, best] & np.isfinite(key[people, best])[:, None]
    return found


def _quarters(required: pd.Series, score: pd.Series, slope: pd.Series, rubric: Rubric) -> pd.Series:
    """Quarters until `score` reaches `required` at the current slope (inf without progress)."""
    target_score = required - rubric.scale.level_tolerance
    pace = (target_score - score) / slope.where(slope > 0)
    return pd.Series(np.ceil(pace), index=required.index).clip(lower=1).fillna(np.inf)
