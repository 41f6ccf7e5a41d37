"""Pandas values turned into plain Python values for the view models."""

from __future__ import annotations

import numpy as np
import pandas as pd

from skillkit.report.values import optional_float, optional_float_rows


def test_rows_come_out_as_each_value_would_alone() -> None:
    # Missing in every spelling pandas has (NaN, None in an object column, pd.NA in a nullable
    # one) is None; anything else a plain float, one tuple per row in row order.
    table = pd.DataFrame(
        {
            "a": [1.5, np.nan, -0.0],
            "b": pd.array([2.0, None, 3.25], dtype="Float64"),
            "c": pd.Series([4, None, 5], dtype="object"),
        }
    )
    rows = optional_float_rows(table)
    assert rows == [(1.5, 2.0, 4.0), (None, None, None), (-0.0, 3.25, 5.0)]
    assert rows == [tuple(optional_float(v) for v in row) for row in table.itertuples(index=False)]
    assert all(type(v) is float for row in rows for v in row if v is not None)


def test_an_empty_table_gives_no_rows() -> None:
    assert optional_float_rows(pd.DataFrame(columns=["a", "b"], dtype="float64")) == []
