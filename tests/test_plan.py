"""What it would take: the smallest set of level moves that makes the readiness rules hold."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from skillkit.plan import _cover, what_it_takes
from skillkit.rubric import ReadinessRule, Rubric


def cells(rows: list[tuple[str, float, int, float, bool]]) -> pd.DataFrame:
    """One person's reviewed quarter: competency, score, required level, weight, gate."""
    table = pd.DataFrame(rows, columns=["competency", "score", "required", "weight", "gate"])
    table["employee_id"] = "E1"
    table["level"] = (table["score"] + 0.25).apply(math.floor).astype("float64")
    table["met"] = table["level"] >= table["required"]
    return table


def slopes(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"employee_id": "E1", "competency": list(values), "slope": list(values.values())}
    )


def test_coverage_takes_one_heavy_competency_rather_than_two_close_ones(rubric: Rubric) -> None:
    # Weights 2, 1, 1 and 6 more already met (total 10): 80 % needs 8, 6 are held, 2 short.
    # The closest gaps first would move b and c (two moves); a alone covers it (one move).
    rule = ReadinessRule(min_coverage=0.8, max_levels_below=2, sustain_quarters=1)
    met = [(f"m{i}", 4.0, 4, 1.0, False) for i in range(6)]
    latest = cells([("a", 2.0, 4, 2.0, False), ("b", 3.0, 4, 1.0, False),
                    ("c", 3.0, 4, 1.0, False), *met])  # fmt: skip
    plan = what_it_takes(latest, slopes({"a": 0.5, "b": 0.5, "c": 0.5}), rule, rubric)
    assert plan[["competency", "level", "required_level"]].values.tolist() == [["a", 2.0, 4]]
    assert plan["quarters_needed"].tolist() == [4.0]  # 1.75 levels at 0.5 a quarter


def test_gates_and_the_floor_are_forced_and_a_floor_move_counts_first(rubric: Rubric) -> None:
    # g is a gate below target; f is two levels short with one allowed: it must reach 3 anyway,
    # and taking it on to 4 covers the shortfall with no extra move, so h stays as it is.
    rule = ReadinessRule(min_coverage=0.8, max_levels_below=1, sustain_quarters=1)
    met = [(f"m{i}", 4.0, 4, 1.0, False) for i in range(6)]
    latest = cells([("g", 3.0, 4, 1.0, True), ("f", 2.0, 4, 1.0, False),
                    ("h", 3.0, 4, 1.0, False), ("i", 3.0, 4, 1.0, False), *met])  # fmt: skip
    plan = what_it_takes(latest, slopes({"g": 0.25, "f": 0.1, "h": 1.0}), rule, rubric)
    moves = dict(zip(plan["competency"], plan["required_level"], strict=True))
    assert moves == {"g": 4, "f": 4}


def test_equal_weights_go_to_the_shortest_projected_time(rubric: Rubric) -> None:
    rule = ReadinessRule(min_coverage=0.85, max_levels_below=1, sustain_quarters=1)  # 7 of 8
    met = [(f"m{i}", 4.0, 4, 1.0, False) for i in range(6)]
    latest = cells([("slow", 3.0, 4, 1.0, False), ("fast", 3.0, 4, 1.0, False), *met])
    plan = what_it_takes(latest, slopes({"slow": 0.1, "fast": 0.5}), rule, rubric)
    assert plan["competency"].tolist() == ["fast"]
    stuck = what_it_takes(latest, slopes({"slow": 0.1, "fast": 0.0}), rule, rubric)
    assert stuck["competency"].tolist() == ["slow"]  # no progress at all: the slow one is nearer


def test_a_floor_move_is_not_taken_past_the_floor_when_another_move_is_needed_anyway(
    rubric: Rubric,
) -> None:
    # f must reach 3 (the floor) whatever happens; coverage still needs h (weight 2) to reach
    # 4. Taking f on to 4 as well adds nothing but ten quarters: the plan keeps f at the floor.
    rule = ReadinessRule(min_coverage=0.8, max_levels_below=1, sustain_quarters=1)
    met = [(f"m{i}", 4.0, 4, 1.0, False) for i in range(6)]
    latest = cells([("f", 2.0, 4, 0.5, False), ("h", 3.0, 4, 2.0, False), *met])
    plan = what_it_takes(latest, slopes({"f": 0.1, "h": 0.5}), rule, rubric)
    moves = dict(zip(plan["competency"], plan["required_level"], strict=True))
    assert moves == {"f": 3, "h": 4}
    assert plan.set_index("competency")["quarters_needed"].to_dict() == {"f": 8.0, "h": 2.0}


def every_subset(c: pd.DataFrame, forced: pd.Series, rule: ReadinessRule) -> np.ndarray:
    """The specification of `_cover`: try every subset of every person's slots, pick by key."""
    chosen = np.zeros(len(c), dtype=bool)
    for _, person in c.groupby("employee_id", sort=False):
        rows = person.index.to_numpy()
        weight = person["weight"].to_numpy(dtype="float64")
        counted = (person["met"] | person["gate"]).to_numpy()
        must = forced[rows].to_numpy()
        to_target = person["to_target"].to_numpy(dtype="float64")
        to_floor = np.where(must, person["to_floor"], 0.0)
        base = np.where(person["gate"] & ~person["met"], to_target, 0.0).max()
        short = rule.min_coverage * weight.sum() - weight[counted].sum() - 1e-9
        best, best_key = None, np.inf
        for bits in range(2 ** len(rows)):  # in order: the first of equal keys wins
            mask = ((bits >> np.arange(len(rows))) & 1).astype(bool)
            if (mask & counted).any() or (weight * mask).sum() < short:
                continue
            moved = mask | must
            time = max(np.where(mask, to_target, to_floor).max(), base)
            key = moved.sum() * 1e12 - (weight * moved).sum() * 1e6 + min(time, 1e5)
            if key < best_key:
                best, best_key = mask, key
        if best is not None:
            chosen[rows] = best
    return chosen


@pytest.mark.parametrize("seed", range(5))
def test_the_search_picks_what_trying_every_subset_picks(seed: int) -> None:
    # Many people, ties on purpose (weights and times from short lists), some slots forced.
    rng = np.random.default_rng(seed)
    people, width = 300, 7
    c = pd.DataFrame(
        {
            "employee_id": np.repeat([f"E{i:03d}" for i in range(people)], width),
            "weight": rng.choice([1.0, 1.0, 1.5, 2.0], people * width),
            "met": rng.random(people * width) < 0.4,
            "gate": rng.random(people * width) < 0.2,
            "to_target": rng.choice([1.0, 2.0, 4.0, np.inf], people * width),
        }
    )
    c["to_floor"] = np.minimum(c["to_target"], rng.choice([1.0, 2.0], people * width))
    forced = pd.Series(~c["met"] & (rng.random(people * width) < 0.15))
    rule = ReadinessRule(min_coverage=float(rng.choice([0.6, 0.8, 0.9])), max_levels_below=1)
    np.testing.assert_array_equal(_cover(c, forced, rule), every_subset(c, forced, rule))
