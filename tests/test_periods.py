"""Quarter labels: parsing, arithmetic across year ends, vectorised ordinals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillkit import periods


def test_consecutive_quarters_have_consecutive_ordinals_across_a_year_end() -> None:
    assert periods.to_ordinal("2026Q1") - periods.to_ordinal("2025Q4") == 1
    assert periods.shift("2025Q4", 1) == "2026Q1" and periods.shift("2026Q1", -5) == "2024Q4"
    assert periods.from_ordinal(periods.to_ordinal("2026Q3")) == "2026Q3"


@pytest.mark.parametrize("label", ["2026-Q3", "2026Q5", "26Q1", "2026q1", ""])
def test_malformed_labels_are_refused(label: str) -> None:
    assert not periods.is_period(label)
    with pytest.raises(ValueError, match="expected YYYYQn"):
        periods.to_ordinal(label)


def test_vectorised_ordinals_match_the_scalar_ones_and_keep_the_index() -> None:
    labels = pd.Series(["2026Q3", "2025Q4", "2026Q3"], index=[7, 8, 9], dtype="string")
    result = periods.ordinals(labels)
    assert result.tolist() == [periods.to_ordinal(x) for x in labels]
    assert result.index.tolist() == [7, 8, 9]


def test_dates_fall_in_their_quarter() -> None:
    dates = pd.Series(pd.to_datetime(["2026-03-31", "2026-04-01", None]))
    result = periods.quarter_of_date(dates)
    assert result.iloc[0] == periods.to_ordinal("2026Q1")
    assert result.iloc[1] == periods.to_ordinal("2026Q2")
    assert pd.isna(result.iloc[2])


def test_rows_come_a_quarter_at_a_time_in_the_order_of_the_period_codes() -> None:
    period = pd.Series(["2026Q2", "2026Q1", "2026Q2", "2025Q4", "2026Q1"], dtype="category")
    selected = np.array([True, True, True, False, True])
    parts = [part.tolist() for part in periods.rows_by_quarter(period, selected)]
    assert parts == [[1, 4], [0, 2]]  # 2025Q4 has no selected row, so no part
    assert list(periods.rows_by_quarter(period, np.zeros(5, dtype=bool))) == []


def test_a_window_holds_its_quarters_up_to_the_end_and_never_a_missing_one() -> None:
    labels = pd.Series(["2025Q3", "2026Q1", None, "2026Q2", "2025Q4"], dtype="category")
    end = periods.to_ordinal("2026Q1")
    assert periods.in_window(labels, end).tolist() == [True, True, False, False, True]
    assert periods.in_window(labels, end, quarters=2).tolist() == [False, True, False, False, True]
    text = labels.astype("string")  # not categorical: the same answer
    assert periods.in_window(text, end, quarters=2).tolist() == [False, True, False, False, True]
