"""Quarter labels (`YYYYQn`) and their ordinal numbers, vectorised for pandas."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

PERIOD_PATTERN = r"^(\d{4})Q([1-4])$"
_PERIOD_RE = re.compile(PERIOD_PATTERN)


def is_period(label: str) -> bool:
    """True when `label` is a quarter label such as `2026Q3`."""
    return _PERIOD_RE.match(label) is not None


def to_ordinal(label: str) -> int:
    """Quarter label → consecutive integer (2026Q1 and 2025Q4 differ by one)."""
    match = _PERIOD_RE.match(label)
    if match is None:
        raise ValueError(f"not a quarter label: {label!r} (expected YYYYQn, e.g. 2026Q3)")
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def from_ordinal(ordinal: int) -> str:
    """Consecutive integer → quarter label."""
    year, quarter = divmod(int(ordinal), 4)
    return f"{year}Q{quarter + 1}"


def shift(label: str, quarters: int) -> str:
    """The quarter `quarters` after `label` (negative goes back)."""
    return from_ordinal(to_ordinal(label) + quarters)


def ordinals(labels: pd.Series) -> pd.Series:
    """Vectorised `to_ordinal` for a Series of valid quarter labels."""
    # A few distinct quarters among millions of rows: parse each distinct label once.
    # Factorised as they are: casting millions of labels to str first costs more than the rest;
    # a categorical column brings its codes, and nothing is hashed at all.
    if isinstance(labels.dtype, pd.CategoricalDtype):
        codes, distinct = labels.cat.codes.to_numpy(), labels.cat.categories
    else:
        codes, distinct = pd.factorize(labels, sort=False)
    table = np.array([to_ordinal(str(label)) for label in distinct], dtype="int64")
    return pd.Series(table[codes], index=labels.index, dtype="int64")


def in_window(labels: pd.Series, end: int, quarters: int | None = None) -> np.ndarray:
    """Per row, whether its quarter is one of the `quarters` ending with ordinal `end` (with
    None, any quarter up to `end`); a missing quarter is in no window.

    Each distinct quarter is judged once and spread by code: no ordinal per row.
    """
    quarter = labels.astype("category").array
    ordinal = np.array([to_ordinal(str(label)) for label in quarter.categories], dtype="int64")
    reach = (ordinal <= end) if quarters is None else (ordinal > end - quarters) & (ordinal <= end)
    inside: np.ndarray = np.append(reach, False)[quarter.codes]  # code -1: the False appended
    return inside


def rows_by_quarter(period: pd.Series, selected: np.ndarray) -> Iterator[np.ndarray]:
    """Positions of the `selected` rows, a quarter at a time, in the order of the period codes.

    A cell (one person's competency in one quarter) never spans quarters: steps over millions
    of ratings take them a quarter at a time, and hold one quarter's transient arrays, not the
    whole history's (42 million ratings at 100,000 people × 8 quarters).
    """
    codes = period.astype("category").cat.codes.to_numpy()
    for code in np.flatnonzero(np.bincount(codes[selected] + 1, minlength=1)) - 1:
        yield np.flatnonzero(selected & (codes == code))


def quarter_of_date(dates: pd.Series) -> pd.Series:
    """Ordinal of the quarter each date falls in (NaT stays missing)."""
    result: pd.Series = dates.dt.year * 4 + (dates.dt.month - 1) // 3
    return result
