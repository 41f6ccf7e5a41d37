"""Pandas scalars (NaN, NA, numpy numbers) turned into plain Python values for view models."""

from __future__ import annotations

from typing import Any

import pandas as pd


def optional_float(value: Any) -> float | None:
    """A float, or None for anything missing (None, NaN, pd.NA)."""
    return None if value is None or pd.isna(value) else float(value)


def optional_int(value: Any) -> int | None:
    """An int, or None for anything missing."""
    number = optional_float(value)
    return None if number is None else int(number)
