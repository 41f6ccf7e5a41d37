"""The sustain window as arrays: each score in its cell, and each rule's outcome per quarter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillkit.framework import Framework
from skillkit.readiness_window import (
    Keys,
    latest_cells,
    per_quarter,
    sustain_window,
    window_cells,
)
from skillkit.rubric import ReadinessRule

ROLE = "account-director"
WINDOW = ["2026Q3", "2026Q2"]
NO_KPIS = pd.DataFrame(columns=["period", "employee_id", "kpi", "value"])


def scores_at(framework: Framework, levels: dict[tuple[str, str, str], int]) -> pd.DataFrame:
    """Scores (period, person, competency → level), shuffled: cells must not rely on row order."""
    rows = [
        (period, person, competency, level, float(level), "sufficient")
        for (period, person, competency), level in levels.items()
    ]
    table = pd.DataFrame(
        rows, columns=["period", "employee_id", "competency", "level", "score", "evidence"]
    )
    table["level"] = table["level"].astype("Int64")
    return table.sample(frac=1.0, random_state=0).reset_index(drop=True)


def test_each_score_lands_in_its_cell_and_unknown_keys_are_left_out(
    framework: Framework,
) -> None:
    first, second = framework.competency_ids[:2]
    scores = scores_at(
        framework,
        {
            ("2026Q3", "E2", first): 4,
            ("2026Q2", "E2", second): 2,
            ("2026Q3", "E1", second): 3,
            ("2026Q1", "E1", first): 5,  # outside the window
            ("2026Q3", "X9", first): 5,  # nobody assessed
            ("2026Q3", "E1", "no-such-competency"): 5,
        },
    )
    ids = pd.Series(["E1", "E2"])
    keys = Keys.of(scores, NO_KPIS, ids, framework)
    # Only E2 is in this group: E1's scores stay out of its cells.
    members = keys.members(pd.Series(["E2"]))
    rule = ReadinessRule(gates=(first,), sustain_quarters=2)
    cells = window_cells(members, 1, WINDOW, ROLE, rule, scores, keys, framework)
    assert cells.level.shape == (1, 2, len(framework.competency_ids))
    observed = np.argwhere(~np.isnan(cells.level)).tolist()
    assert observed == [[0, 0, 0], [0, 1, 1]]  # (person, quarter from the latest, competency)
    assert cells.level[0, 0, 0] == 4.0 and cells.level[0, 1, 1] == 2.0
    assert (cells.row >= 0).sum() == 2
    assert cells.met[0, 0, 0] and not cells.met[0, 1, 1]
    assert cells.gate.tolist() == [c == first for c in framework.competency_ids]


def test_per_quarter_coverage_is_the_weighted_share_at_target(framework: Framework) -> None:
    role = framework.role(ROLE)
    competencies = framework.competency_ids
    # At target everywhere in the latest quarter; a quarter before, all but the first.
    levels = {("2026Q3", "E1", c): role.targets[c] for c in competencies}
    levels |= {("2026Q2", "E1", c): role.targets[c] for c in competencies[1:]}
    levels[("2026Q2", "E1", competencies[0])] = role.targets[competencies[0]] - 1
    scores = scores_at(framework, levels)
    keys = Keys.of(scores, NO_KPIS, pd.Series(["E1"]), framework)
    rule = ReadinessRule(gates=(competencies[0],), min_coverage=0.95, sustain_quarters=2)
    cells = window_cells(
        keys.members(pd.Series(["E1"])), 1, WINDOW, ROLE, rule, scores, keys, framework
    )
    quarter = per_quarter(cells, rule)
    weights = np.array([role.weight(c) for c in competencies])
    expected = 1.0 - weights[0] / weights.sum()
    assert quarter.coverage[0].tolist() == [1.0, pytest.approx(expected)]
    assert quarter.gates_ok[0].tolist() == [True, False]
    assert quarter.core_ok[0].tolist() == [True, False]
    assert quarter.has_data[0].tolist() == [True, True]


def test_the_latest_cells_are_one_row_per_person_and_competency(framework: Framework) -> None:
    first = framework.competency_ids[0]
    scores = scores_at(framework, {("2026Q3", "E1", first): 3})
    keys = Keys.of(scores, NO_KPIS, pd.Series(["E1", "E2"]), framework)
    rule = ReadinessRule(sustain_quarters=1)
    members = keys.members(pd.Series(["E1", "E2"]))
    cells = window_cells(members, 2, WINDOW[:1], ROLE, rule, scores, keys, framework)
    latest = latest_cells(cells, np.array(["E1", "E2"], dtype=object), scores)
    n = len(framework.competency_ids)
    assert len(latest) == 2 * n
    assert latest["employee_id"].tolist() == ["E1"] * n + ["E2"] * n
    assert latest["level"].notna().tolist() == [True] + [False] * (2 * n - 1)
    assert latest.loc[0, "score"] == 3.0


def test_the_sustain_window_steps_back_by_reviews_not_by_calendar_quarters() -> None:
    # A semi-annual cycle: "the quarter before" is the previous review, and reviews after the
    # reviewed quarter never count. Without a list of reviews, calendar quarters stand in.
    reviewed = ("2025Q4", "2025Q2", "2026Q2", "2026Q4")
    assert sustain_window("2026Q2", 2, reviewed) == ["2026Q2", "2025Q4"]
    assert sustain_window("2026Q2", 4, reviewed) == ["2026Q2", "2025Q4", "2025Q2"]
    assert sustain_window("2026Q1", 3, None) == ["2026Q1", "2025Q4", "2025Q3"]
