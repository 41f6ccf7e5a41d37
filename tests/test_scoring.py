"""Scores: weighted over the sources present, blended with KPIs, with level, interval, evidence."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from skillkit import scoring
from skillkit.framework import Framework
from skillkit.rubric import Rubric

PERIOD = "2026Q3"


def ratings(*rows: tuple[str, str, str, str, str, float]) -> pd.DataFrame:
    """Ratings from (period, employee, rater, source, competency, rating) tuples."""
    frame = pd.DataFrame(
        rows, columns=["period", "employee_id", "rater_id", "source", "competency", "rating"]
    )
    return frame.assign(comment="")


NO_KPIS = pd.DataFrame(columns=["period", "employee_id", "kpi", "value"])


def roles(role: str = "account-executive", *employees: str) -> pd.DataFrame:
    ids = employees or ("E1",)
    return pd.DataFrame({"period": PERIOD, "employee_id": list(ids), "role": role})


def cell(
    scores: pd.DataFrame, competency: str, employee: str = "E1", period: str = PERIOD
) -> pd.Series:
    match = scores[
        (scores["employee_id"] == employee)
        & (scores["competency"] == competency)
        & (scores["period"] == period)
    ]
    assert len(match) == 1
    return match.iloc[0]


def test_a_person_rated_by_the_manager_alone_keeps_the_managers_rating(
    framework: Framework, rubric: Rubric
) -> None:
    # The classic failure divides by a fixed count of sources and turns 3.6 into a fraction.
    table = scoring.score(
        ratings((PERIOD, "E1", "M1", "manager", "communication", 3.6)),
        NO_KPIS,
        roles(),
        framework,
        rubric,
    )
    row = cell(table, "communication")
    assert row["score"] == pytest.approx(3.6)
    assert row["score_raw"] == row["score"]
    assert row["evidence"] == "sufficient" and row["n_raters"] == 1


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        # (manager, peer, client) ratings; None = the source is absent. Weights .40/.20/.25.
        ((4.0, 3.0, None), (0.4 * 4 + 0.2 * 3) / 0.6),
        ((4.0, None, 2.0), (0.4 * 4 + 0.25 * 2) / 0.65),
        ((None, 3.0, 5.0), (0.2 * 3 + 0.25 * 5) / 0.45),
        ((3.0, 3.0, 3.0), 3.0),
    ],
)
def test_weights_are_renormalised_over_the_sources_present(
    framework: Framework, rubric: Rubric, sources: tuple[float | None, ...], expected: float
) -> None:
    names = ("manager", "peer", "client")
    rows = [
        (PERIOD, "E1", f"R{i}", name, "communication", value)
        for i, (name, value) in enumerate(zip(names, sources, strict=True))
        if value is not None
    ]
    table = scoring.score(ratings(*rows), NO_KPIS, roles(), framework, rubric)
    assert cell(table, "communication")["score"] == pytest.approx(expected)


def test_several_raters_of_one_source_are_averaged_before_weighting(
    framework: Framework, rubric: Rubric
) -> None:
    table = scoring.score(
        ratings(
            (PERIOD, "E1", "M1", "manager", "communication", 4.0),
            (PERIOD, "E1", "P1", "peer", "communication", 2.0),
            (PERIOD, "E1", "P2", "peer", "communication", 3.0),
            (PERIOD, "E1", "P3", "peer", "communication", 4.0),
        ),
        NO_KPIS,
        roles(),
        framework,
        rubric,
    )
    row = cell(table, "communication")
    assert row["score"] == pytest.approx((0.4 * 4 + 0.2 * 3) / 0.6)
    assert row["n_raters"] == 4


def test_self_ratings_inform_self_awareness_but_never_the_score(
    framework: Framework, rubric: Rubric
) -> None:
    table = scoring.score(
        ratings(
            (PERIOD, "E1", "M1", "manager", "motivation", 2.0),
            (PERIOD, "E1", "E1", "self", "motivation", 5.0),
        ),
        NO_KPIS,
        roles(),
        framework,
        rubric,
    )
    row = cell(table, "motivation")
    assert row["score"] == pytest.approx(2.0) and row["self_rating"] == 5.0 and row["n_raters"] == 1


def test_not_observed_is_not_zero(framework: Framework, rubric: Rubric) -> None:
    table = scoring.score(
        ratings(
            (PERIOD, "E1", "M1", "manager", "motivation", 3.0),
            (PERIOD, "E1", "P1", "peer", "motivation", float("nan")),
        ),
        NO_KPIS,
        roles(),
        framework,
        rubric,
    )
    assert cell(table, "motivation")["score"] == pytest.approx(3.0)


def test_evidence_needs_a_manager_or_three_other_raters(
    framework: Framework, rubric: Rubric
) -> None:
    table = scoring.score(
        ratings(
            (PERIOD, "E1", "P1", "peer", "communication", 3.0),
            (PERIOD, "E1", "P2", "peer", "communication", 3.0),
            (PERIOD, "E1", "P1", "peer", "motivation", 3.0),
            (PERIOD, "E1", "P2", "peer", "motivation", 3.0),
            (PERIOD, "E1", "C1", "client", "motivation", 3.0),
        ),
        NO_KPIS,
        roles(),
        framework,
        rubric,
    )
    assert cell(table, "communication")["evidence"] == "insufficient"
    assert cell(table, "motivation")["evidence"] == "sufficient"
    # A competency nobody rated is listed, without a score, as insufficient.
    missing = cell(table, "negotiation")
    assert math.isnan(missing["score"]) and missing["evidence"] == "insufficient"


@pytest.mark.parametrize(
    ("score", "level"), [(3.0, 3), (3.5, 3), (3.7, 3), (3.75, 4), (4.9, 5), (1.0, 1), (5.0, 5)]
)
def test_a_score_counts_as_a_level_within_the_tolerance(
    framework: Framework, rubric: Rubric, score: float, level: int
) -> None:
    table = scoring.score(
        ratings((PERIOD, "E1", "M1", "manager", "communication", score)),
        NO_KPIS,
        roles(),
        framework,
        rubric,
    )
    assert cell(table, "communication")["level"] == level


def test_gap_is_the_levels_still_to_climb_to_the_current_roles_target(
    framework: Framework, rubric: Rubric
) -> None:
    # Account manager targets communication at 3.
    table = scoring.score(
        ratings((PERIOD, "E1", "M1", "manager", "communication", 2.0)),
        NO_KPIS,
        roles("account-manager"),
        framework,
        rubric,
    )
    row = cell(table, "communication")
    assert (row["target_level"], row["gap"]) == (3, 1)


def test_kpi_evidence_is_blended_with_the_rubrics_weight(
    framework: Framework, rubric: Rubric
) -> None:
    kpis = pd.DataFrame(
        {"period": [PERIOD], "employee_id": ["E1"], "kpi": ["margin_vs_plan"], "value": [2.5]}
    )  # ≥ +2 points is level 5
    table = scoring.score(
        ratings((PERIOD, "E1", "M1", "manager", "commercial-acumen", 3.0)),
        kpis,
        roles(),
        framework,
        rubric,
    )
    assert cell(table, "commercial-acumen")["score"] == pytest.approx(0.75 * 3 + 0.25 * 5)


@pytest.mark.parametrize(
    ("kpi", "value", "level"),
    [
        ("client_retention", 95, 5),
        ("client_retention", 94.9, 4),
        ("client_retention", 74, 1),
        ("response_time_hours", 2, 5),
        ("response_time_hours", 5, 3),
        ("response_time_hours", 30, 1),
        ("margin_vs_plan", -2, 3),
        ("client_nps", -1, 1),
    ],
)
def test_kpi_levels_follow_the_thresholds_and_direction(
    rubric: Rubric, kpi: str, value: float, level: int
) -> None:
    frame = pd.DataFrame(
        {"period": [PERIOD], "employee_id": ["E1"], "kpi": [kpi], "value": [float(value)]}
    )
    assert scoring.kpi_levels(frame, rubric)["kpi_level"].tolist() == [level]


def test_interval_narrows_with_more_raters_and_stays_on_the_scale(
    framework: Framework, rubric: Rubric
) -> None:
    few = [
        (PERIOD, "E1", "M1", "manager", "communication", 3.0),
        (PERIOD, "E1", "P1", "peer", "communication", 4.0),
    ]
    many = few + [
        (PERIOD, "E1", f"P{i}", "peer", "communication", v)
        for i, v in zip(range(2, 8), [3.0, 4.0, 3.5, 3.0, 4.0, 3.5], strict=True)
    ]
    narrow = cell(
        scoring.score(ratings(*many), NO_KPIS, roles(), framework, rubric), "communication"
    )
    wide = cell(scoring.score(ratings(*few), NO_KPIS, roles(), framework, rubric), "communication")
    assert narrow["ci_high"] - narrow["ci_low"] < wide["ci_high"] - wide["ci_low"]
    for row in (narrow, wide):
        assert 1.0 <= row["ci_low"] <= row["score"] <= row["ci_high"] <= 5.0


def test_each_quarter_scores_its_own_ratings_and_the_spread_pools_every_quarter(
    framework: Framework, rubric: Rubric
) -> None:
    # Rows out of quarter order, a quarter with a self rating alone and a missing rating:
    # scoring works quarter by quarter, and none of that may leak between quarters.
    rows = [
        ("2026Q2", "E1", "P1", "peer", "communication", 1.0),
        (PERIOD, "E1", "P1", "peer", "communication", 3.0),
        ("2026Q1", "E1", "E1", "self", "communication", 4.0),
        ("2026Q2", "E1", "P2", "peer", "communication", 5.0),
        (PERIOD, "E1", "P3", "peer", "communication", float("nan")),
        (PERIOD, "E1", "P2", "peer", "communication", 4.0),
    ]
    together = scoring.score(ratings(*rows), NO_KPIS, roles(), framework, rubric)
    alone = scoring.score(
        ratings(*(row for row in rows if row[0] == PERIOD)), NO_KPIS, roles(), framework, rubric
    )
    now, by_itself = cell(together, "communication"), cell(alone, "communication")
    assert (now["score"], now["n_raters"]) == (by_itself["score"], by_itself["n_raters"])
    assert (now["score"], now["n_raters"]) == (pytest.approx(3.5), 2)
    assert cell(together, "communication", period="2026Q2")["score"] == pytest.approx(3.0)
    first = cell(together, "communication", period="2026Q1")
    assert np.isnan(first["score"]) and first["self_rating"] == 4.0
    # The raters' spread is pooled over the quarters: squared residuals 4 + 4 (2026Q2) and
    # 0.25 + 0.25, over one degree of freedom each quarter; two peers give se = sigma / sqrt(2).
    assert now["se"] == pytest.approx(math.sqrt((8.5 / 2) / 2))
    assert by_itself["se"] == pytest.approx(math.sqrt((0.5 / 1) / 2))


def test_keys_come_out_categorical_sorted_with_every_framework_competency(
    framework: Framework, rubric: Rubric
) -> None:
    # Consumers group and look up on the codes; sorted categories make the codes sort as the
    # text does. Quarters and people are those the inputs name, competencies the framework's.
    rows = [
        ("2026Q2", "E2", "M1", "manager", "communication", 3.0),
        (PERIOD, "E1", "M1", "manager", "communication", 4.0),
    ]
    table = scoring.score(
        ratings(*rows), NO_KPIS, roles("account-executive", "E1"), framework, rubric
    )
    for key in ("period", "employee_id", "competency", "role"):
        assert isinstance(table[key].dtype, pd.CategoricalDtype), key
        categories = list(table[key].cat.categories)
        assert categories == sorted(categories), key
    assert list(table["period"].cat.categories) == ["2026Q2", PERIOD]
    assert list(table["employee_id"].cat.categories) == ["E1", "E2"]
    assert set(framework.competency_ids) <= set(table["competency"].cat.categories)
    # E2 has no role in 2026Q2: a missing code, not an empty text.
    assert table.loc[table["employee_id"] == "E2", "role"].isna().all()
    assert (table.loc[table["employee_id"] == "E1", "role"] == "account-executive").all()
