"""Trends: the slope of recent scores, the smoothed level, runs at target and drops."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillkit import periods as quarters
from skillkit import scoring
from skillkit.framework import Framework
from skillkit.rubric import Rubric
from skillkit.trends import runs, trends
from tests.test_scoring import NO_KPIS, PERIOD, ratings


def test_trend_is_the_least_squares_slope_per_quarter(framework: Framework, rubric: Rubric) -> None:
    quarters = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    values = [2.0, 2.5, 3.5, 4.0]
    rows = [
        (q, "E1", "M1", "manager", "communication", v)
        for q, v in zip(quarters, values, strict=True)
    ]
    role_rows = pd.DataFrame({"period": quarters, "employee_id": "E1", "role": "account-executive"})
    table = scoring.score(ratings(*rows), NO_KPIS, role_rows, framework, rubric)
    trend = trends(table, PERIOD, 4)
    slope = trend.set_index("competency").loc["communication", "slope"]
    assert slope == pytest.approx(np.polyfit(range(4), values, 1)[0])
    # Older quarters fall out of the window.
    short = trends(table, PERIOD, 2).set_index("competency").loc["communication"]
    assert short["slope"] == pytest.approx(0.5) and short["n_points"] == 2


def test_trends_smooth_the_level_count_the_run_at_target_and_flag_a_drop() -> None:
    rows = [  # communication against a target of 3, over five quarters
        ("2025Q3", 2.0, 2),
        ("2025Q4", 3.0, 3),
        ("2026Q1", 3.5, 3),
        ("2026Q2", 4.0, 4),
        ("2026Q3", 3.0, 3),
    ]
    scores = pd.DataFrame(
        {
            "period": [p for p, _, _ in rows],
            "employee_id": "E1",
            "competency": "communication",
            "score": [s for _, s, _ in rows],
            "level": pd.array([lv for _, _, lv in rows], dtype="Int64"),
            "target_level": pd.array([3] * 5, dtype="Int64"),
        }
    )
    scores["_ordinal"] = quarters.ordinals(scores["period"])
    row = trends(scores, "2026Q3", 4).iloc[0]
    # The last four quarters 3.0, 3.5, 4.0, 3.0 at x = -3..0: mean x -1.5, mean y 3.375,
    # Sxy 0.25 over Sxx 5 gives a slope of 0.05; the line at x = 0 is 3.375 + 0.075 = 3.45.
    assert row["slope"] == pytest.approx(0.05) and row["smoothed"] == pytest.approx(3.45)
    assert row["streak"] == 4  # 2025Q4 to 2026Q3 at or above 3; 2025Q3 was below
    assert row["regression"] and row["previous_level"] == 4  # 4 → 3 is a drop of a level
    steady = trends(scores[scores["period"] != "2026Q3"], "2026Q2", 4).iloc[0]
    assert not steady["regression"] and steady["streak"] == 3
    unseen = trends(scores[scores["period"] != "2026Q3"], "2026Q3", 4).iloc[0]
    assert unseen["streak"] == 0  # not observed in the reviewed quarter: no current run


def test_quarters_in_a_row_break_where_a_quarter_has_no_level() -> None:
    scores = pd.DataFrame(
        {
            "period": ["2025Q4", "2026Q2", "2026Q3"],  # 2026Q1 not rated (or not shown)
            "employee_id": "E1",
            "competency": "communication",
            "level": pd.array([3, 3, 3], dtype="Int64"),
            "target_level": pd.array([3, 3, 3], dtype="Int64"),
        }
    )
    scores["_ordinal"] = quarters.ordinals(scores["period"])
    assert runs(scores, quarters.to_ordinal("2026Q3"))["streak"].tolist() == [2]


def test_each_pair_keeps_its_own_run_whatever_the_row_order() -> None:
    # Rows shuffled across people and competencies: a run must never carry over from one
    # person × competency to the next, and the table comes out sorted by person, competency.
    rows = [  # (period, employee, competency, level, target)
        ("2026Q3", "E2", "communication", 2, 3),
        ("2026Q2", "E1", "motivation", 4, 3),
        ("2026Q2", "E2", "communication", 3, 3),
        ("2026Q3", "E1", "communication", 3, 3),
        ("2026Q1", "E2", "communication", 3, 3),
        ("2026Q2", "E1", "communication", 3, 3),
        ("2026Q3", "E10", "communication", 4, None),
    ]
    scores = pd.DataFrame(
        {
            "period": [r[0] for r in rows],
            "employee_id": [r[1] for r in rows],
            "competency": [r[2] for r in rows],
            "score": [float(r[3]) for r in rows],
            "level": pd.array([r[3] for r in rows], dtype="Int64"),
            "target_level": pd.array([r[4] for r in rows], dtype="Int64"),
        }
    )
    scores["_ordinal"] = quarters.ordinals(scores["period"])
    table = trends(scores, "2026Q3", 4)
    assert list(zip(table["employee_id"], table["competency"], strict=True)) == [
        ("E1", "communication"),
        ("E1", "motivation"),
        ("E10", "communication"),
        ("E2", "communication"),
    ]
    # E1 at target twice; E1's motivation not seen now; E10 has no target; E2 fell below it.
    assert table["streak"].tolist() == [2, 0, 0, 0]
    assert table["regression"].tolist() == [False, False, False, True]
    assert table["previous_level"].tolist() == [3, pd.NA, pd.NA, 3]  # E2: 3 → 2, a drop
    assert table.equals(
        trends(scores.sample(frac=1, random_state=1).reset_index(drop=True), "2026Q3", 4)
    )
