"""What it would take: the competencies that must rise, to which level, and when at this pace."""

from __future__ import annotations

import numpy as np
import pandas as pd

from skillkit.keycodes import KeyCodes
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
# Subsets × people searched at once: bounds the memory of a search, whatever the candidates.
SEARCH_CELLS = 2**20


def what_it_takes(
    latest: pd.DataFrame,
    trends: pd.DataFrame,
    rule: ReadinessRule,
    rubric: Rubric,
) -> pd.DataFrame:
    """The smallest set of level moves that makes the rules hold, and when at this pace.

    `latest` holds the reviewed quarter's cells of the target role (from readiness): per person
    and competency the `level`, `score`, `required` level, `weight`, `gate` and `met` flags.
    `trends` gives the `slope` of each person × competency it holds (one row each at most).
    Every gate below target must reach it and nothing may stay more than `max_levels_below`
    short (the floor): those moves are forced. Coverage then takes the subset of the other
    competencies below target, raised to target, that moves the fewest competencies in all;
    ties go to the largest weight moved, then to the shortest projected time. Every subset of
    a person's candidates is tried (ten make 1,024), for all people at once.
    """
    # Sorted codes order the rows as sorting the text would, ties (if any) kept in input order.
    person, people = _sorted_codes(latest["employee_id"])
    competency, competencies = _sorted_codes(latest["competency"])
    level_all = latest["level"].to_numpy(dtype="float64", na_value=np.nan)
    observed = np.bincount(person, weights=~np.isnan(level_all), minlength=len(people) + 1) > 0
    rows = np.flatnonzero(observed[person])
    rows = rows[
        np.argsort(person[rows] * (len(competencies) + 1) + competency[rows], kind="stable")
    ]
    if not len(rows):
        return pd.DataFrame(columns=PLAN_COLUMNS)
    trend = _trend_rows(trends, people, competencies)[person[rows], competency[rows]]
    slope = pd.api.extensions.take(trends["slope"].array, trend, allow_fill=True)

    level = level_all[rows]
    required = latest["required"].to_numpy(dtype="float64")[rows]
    score = latest["score"].to_numpy(dtype="float64", na_value=np.nan)[rows]
    met = latest["met"].to_numpy(dtype=bool)[rows]
    gate = latest["gate"].to_numpy(dtype=bool)[rows]
    pace = np.asarray(slope, dtype="float64")
    floor_level = required - rule.max_levels_below
    to_target = _quarters(required, score, pace, rubric)
    to_floor = _quarters(floor_level, score, pace, rubric)
    forced = (np.isnan(level) | (level < floor_level)) & ~met
    cells = pd.DataFrame(
        {
            "employee_id": person[rows],
            "weight": latest["weight"].to_numpy(dtype="float64")[rows],
            "met": met,
            "gate": gate,
            "to_target": to_target,
            "to_floor": to_floor,
        }
    )
    target_move = _cover(cells, pd.Series(forced), rule)
    gate_move = gate & ~met
    required_level = np.where(
        target_move | gate_move,
        required,
        np.fmax(floor_level, np.where(np.isnan(level), 0.0, level)),
    )
    keep = gate_move | target_move | forced
    plan = latest[PLAN_COLUMNS[:4]].take(rows[keep]).reset_index(drop=True)
    plan["required_level"] = required_level[keep].astype("int64")
    plan["slope"] = slope[keep]
    plan["quarters_needed"] = np.where(
        required_level[keep] >= required[keep], to_target[keep], to_floor[keep]
    )
    return plan


def _sorted_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes of `column` in the sorted order of its values, a missing value last."""
    codes, uniques = pd.factorize(column, sort=True)
    return np.where(codes < 0, len(uniques), codes), pd.Index(uniques)


def _trend_rows(trends: pd.DataFrame, people: pd.Index, competencies: pd.Index) -> np.ndarray:
    """Per person × competency (a missing key last), the row of its trend (-1: none)."""
    person = KeyCodes.of(trends["employee_id"]).positions(people)
    competency = KeyCodes.of(trends["competency"]).positions(competencies)
    table = np.full((len(people) + 1, len(competencies) + 1), -1)
    found = np.flatnonzero((person >= 0) & (competency >= 0))
    table[person[found], competency[found]] = found
    return table


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
    # Whatever the subset, the slots that are no candidate stay as they are (at the floor).
    fixed = np.maximum(np.where(candidate, -np.inf, to_floor).max(axis=1), base_time)
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
        step = max(1, SEARCH_CELLS >> k)
        for block in range(0, len(people_k), step):
            who, their = people_k[block : block + step], slots[block : block + step]
            best, found = _best_subset(
                bits,
                their,
                weight[who],
                is_forced[who],
                to_target[who[:, None], their],
                to_floor[who[:, None], their],
                fixed[who],
                shortfall[who],
            )
            chosen[who[:, None], their] = bits[best] & found[:, None]
    return chosen[row, slot]


def _best_subset(
    bits: np.ndarray,
    slots: np.ndarray,
    weight: np.ndarray,
    is_forced: np.ndarray,
    to_target: np.ndarray,
    to_floor: np.ndarray,
    fixed: np.ndarray,
    shortfall: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per person, the subset of their candidate `slots` that covers with the fewest moves.

    Subsets are rows of `bits` (2^k × k); `to_target` and `to_floor` are per candidate slot.
    Returns the best subset's row in `bits` and whether any subset covers at all.
    """
    moves, covered, pattern = _moves(bits, slots, weight, is_forced)
    valid = covered[pattern] >= shortfall[:, None]
    # The slowest move sets the time: max is exact in any order, so it is built bit by bit,
    # each candidate doubling the subsets (to the floor without it, to target with it).
    time = fixed[:, None]
    for j in range(bits.shape[1]):
        time = np.concatenate(
            [np.maximum(time, to_floor[:, j, None]), np.maximum(time, to_target[:, j, None])],
            axis=1,
        )
    # Lexicographic: fewest moves, then the largest weight moved, then the shortest time.
    key = np.where(valid, moves[pattern] + np.minimum(time, 1e5), np.inf)
    best = key.argmin(axis=1)
    found: np.ndarray = np.isfinite(key[np.arange(len(best)), best])
    return best, found


def _moves(
    bits: np.ndarray, slots: np.ndarray, weight: np.ndarray, is_forced: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per subset, the moves' part of the key and the weight it covers, once per pattern.

    People with the same weights, candidates and forced slots share them (one role gives
    everyone its weights): each pattern's sums are taken over all its slots in slot order,
    exactly as for each person, so the float results are the same to the bit. Returns them
    per pattern (patterns × 2^k) and each person's pattern.
    """
    signature = np.concatenate([weight.view("int64"), slots, is_forced.astype("int64")], axis=1)
    # Each row as one opaque value: compared byte for byte, which is what "the same" means here.
    rows = signature.view(np.dtype((np.void, signature.itemsize * signature.shape[1]))).ravel()
    _, first, pattern = np.unique(rows, return_index=True, return_inverse=True)
    n, subsets = len(first), len(bits)
    masks = np.zeros((n, subsets, weight.shape[1]), dtype=bool)
    masks[
        np.arange(n)[:, None, None], np.arange(subsets)[None, :, None], slots[first][:, None, :]
    ] = bits[None]
    w = weight[first][:, None, :]
    covered = (w * masks).sum(axis=2)
    moved = masks | is_forced[first][:, None, :]
    moves = moved.sum(axis=2) * 1e12 - (w * moved).sum(axis=2) * 1e6
    return moves, covered, pattern


def _quarters(
    required: np.ndarray, score: np.ndarray, slope: np.ndarray, rubric: Rubric
) -> np.ndarray:
    """Quarters until `score` reaches `required` at the current slope (inf without progress)."""
    target_score = required - rubric.scale.level_tolerance
    pace = (target_score - score) / np.where(slope > 0, slope, np.nan)
    # As pandas' clip and fillna: NaN stays NaN through the clip, then means never.
    quarters = np.maximum(np.ceil(pace), 1.0)
    never: np.ndarray = np.where(np.isnan(quarters), np.inf, quarters)
    return never
