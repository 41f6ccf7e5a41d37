"""Pandas scalars (NaN, NA, numpy numbers) turned into plain Python values for view models."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def optional_float(value: Any) -> float | None:
    """A float, or None for anything missing (None, NaN, pd.NA)."""
    return None if value is None or pd.isna(value) else float(value)


def optional_float_rows(table: pd.DataFrame) -> list[tuple[float | None, ...]]:
    """Each row of a numeric table as `optional_float` gives its values, a tuple per row."""
    # Hundreds of thousands of cells per review: converted by numpy, not one call per cell.
    numbers = table.to_numpy(dtype="float64", na_value=np.nan)
    cells = numbers.astype(object)
    cells[np.isnan(numbers)] = None
    return [tuple(row) for row in cells.tolist()]


def optional_int(value: Any) -> int | None:
    """An int, or None for anything missing."""
    number = optional_float(value)
    return None if number is None else int(number)
