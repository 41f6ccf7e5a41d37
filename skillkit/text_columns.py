"""Text columns as categoricals of sorted, stripped strings; and their numbers and dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")  # ISO, and day first with dots as Russian Excel writes
# Spaces between groups of three digits, as a number formatted `# ##0,00` is exported.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?")
_GROUP_SPACE = re.compile(r"[ \u00a0\u202f]")


def text_column(values: np.ndarray) -> pd.Categorical:
    """Strings (or None) → categorical of the stripped strings, categories sorted."""
    codes, uniques = pd.factorize(values)  # the NA sentinel skips a costly isna() pass
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.append(np.asarray(uniques, dtype=object), "")
    return coded_text(codes, uniques)


def coded_text(codes: np.ndarray, uniques: Any) -> pd.Categorical:
    """Codes into strings → categorical of the stripped strings that occur, categories sorted."""
    # A dictionary read by Arrow may hold strings no code points to (the header's, for one).
    used = np.bincount(codes, minlength=len(uniques)) > 0
    stripped = np.array(
        [str(u).strip() for u, occurs in zip(uniques, used.tolist(), strict=True) if occurs],
        dtype=object,
    )
    merged_codes, distinct = pd.factorize(stripped)
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    categories = pd.Index(np.asarray(distinct, dtype=object)[order], dtype=object)
    # Recoded straight into the smallest type pandas keeps the codes in: no int64 array per row
    # (42 million rows at 100,000 people) to be narrowed afterwards.
    recode = np.full(len(uniques), -1, dtype=code_dtype(len(categories)))
    recode[used] = rank[merged_codes]
    return pd.Categorical.from_codes(recode[codes], categories=categories, validate=False)


def code_dtype(count: int) -> type[np.signedinteger[Any]]:
    """The smallest integer type for codes 0..count-1 (and -1), as pandas picks for categories."""
    return next((t for t in (np.int8, np.int16, np.int32) if count < np.iinfo(t).max), np.int64)


def occurring(column: pd.Series) -> pd.Index:
    """The categories of a categorical column that some row holds, in category order."""
    return column.cat.categories[_counted(column)[1]]


def without_unused(column: pd.Series) -> pd.Categorical:
    """`column.cat.remove_unused_categories()`, found by counting codes instead of sorting them."""
    categories, codes = column.cat.categories, column.cat.codes.to_numpy()
    shifted, used = _counted(column)
    if used.all():  # the usual case, as tables are read
        recoded, kept = codes.copy(), categories
    else:
        recoded, kept = (np.cumsum(np.concatenate(([True], used))) - 2)[shifted], categories[used]
    dtype = pd.CategoricalDtype(kept, ordered=column.cat.ordered)
    return pd.Categorical.from_codes(recoded, dtype=dtype, validate=False)


def _counted(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A categorical column's codes plus one (so -1, a missing value, is 0) and which
    categories occur: counted in one pass, where pandas sorts the codes to find them."""
    shifted = np.add(column.cat.codes.to_numpy(), 1, dtype=np.intp)
    return shifted, np.bincount(shifted, minlength=len(column.cat.categories) + 1)[1:] > 0


def row_keys(columns: list[pd.Series]) -> np.ndarray | None:
    """One int64 per row that sorts and compares as the row's categorical `columns` together.

    Categories are sorted, so the codes, read as the digits of one mixed-radix number, order
    rows as their texts do, column after column; one int64 sorts and compares far faster than
    several columns. None when a column is not categorical or the number could overflow.
    """
    if not all(isinstance(c.dtype, pd.CategoricalDtype) for c in columns):
        return None
    radix = [len(c.cat.categories) + 1 for c in columns]  # + 1: the code -1, a missing value
    if float(np.prod(np.asarray(radix, dtype=np.float64))) >= 2.0**62:
        return None
    keys = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    for column, size in zip(columns, radix, strict=True):
        keys *= size
        keys += column.cat.codes.to_numpy()
        keys += 1
    return keys


def numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A text column as float64 (decimal point or comma; NaN if empty) and unreadable cells."""
    values, unreadable = category_numbers(column)
    codes = column.cat.codes.to_numpy()
    return values[codes], unreadable[codes]


def category_numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """`numbers` for each category of a text column rather than each row, in category order."""
    categories = pd.Series(column.cat.categories, dtype=object)
    grouped = categories.str.fullmatch(_GROUPED).to_numpy(dtype=bool)
    texts = categories.where(~grouped, categories.str.replace(_GROUP_SPACE, "", regex=True))
    parsed = pd.to_numeric(texts.str.replace(",", ".", regex=False), errors="coerce")
    values = np.array(parsed, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values, (categories != "").to_numpy() & np.isnan(values)


def dates(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dates as 2024-03-01 or 01.03.2024 → datetime64[ns] (NaT if empty), and unreadable cells."""
    categories = pd.Index(column.cat.categories, dtype=object)
    values = np.full(len(categories), np.datetime64("NaT"), dtype="datetime64[ns]")
    for form in _DATE_FORMATS:  # strict formats: 03/01/2024 is day or month first, so neither
        parsed = pd.to_datetime(categories, format=form, errors="coerce")
        # Outside nanosecond range (year 1 or 9999, both typos) conversion would wrap silently.
        fits = np.asarray((parsed >= pd.Timestamp.min) & (parsed <= pd.Timestamp.max), dtype=bool)
        fill = np.isnat(values) & fits
        values[fill] = parsed[fill].to_numpy(dtype="datetime64[ns]")
    unreadable = np.asarray(categories != "") & np.isnat(values)
    codes = column.cat.codes.to_numpy()
    return values[codes], unreadable[codes]


def strings(column: pd.Series, empty_as_na: bool = False) -> pd.Series:
    """A text column as pandas' nullable `string` dtype; "" or <NA> for empty cells."""
    texts = np.array(column.cat.categories, dtype=object)
    if empty_as_na:
        texts[texts == ""] = None
    # Python storage: a row holds a reference to its category's one string object, where
    # Arrow storage would copy every row's bytes (some 500 MiB more at 10,000 people).
    dtype = pd.StringDtype("python")
    categories = pd.array(texts, dtype=dtype)
    return pd.Series(categories.take(column.cat.codes.to_numpy()), dtype=dtype)


def cell_text(value: Any) -> str:
    """An Excel cell value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()
