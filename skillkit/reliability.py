"""Inter-rater reliability (ICC, Krippendorff's and Cronbach's alpha) and self-vs-others gaps."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from skillkit import periods
from skillkit.readiness import Readiness
from skillkit.rubric import Rubric
from skillkit.scoring import CELL

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Table = npt.ArrayLike | pd.DataFrame
AnyScalar = TypeVar("AnyScalar", bound=np.generic)
LEVELS = ("nominal", "ordinal", "interval", "ratio")
# A gap that differs from the threshold by float noise alone (3.6 - 2.6 = 1.0000000000000004)
# counts as equal to it, so "strictly greater" means what a reader of the ratings expects.
GAP_TOLERANCE = 1e-9
_CELLS_AT_ONCE = 1 << 16  # cells paired per slice in _coincidences: a few MiB of pairs


def icc(matrix: Table) -> dict[str, float]:
    """The six Shrout & Fleiss (1979) ICCs of a complete targets × raters table."""
    data = _as_matrix(matrix)
    n, k = data.shape
    if n < 2 or k < 2:
        raise ValueError(f"icc needs at least 2 targets and 2 raters, got {n} × {k}")
    if np.isnan(data).any():
        raise ValueError("icc needs a complete targets × raters table, but it has missing values")
    grand = data.mean()
    ss_total = float(((data - grand) ** 2).sum())
    ss_targets = k * float(((data.mean(axis=1) - grand) ** 2).sum())
    ss_raters = n * float(((data.mean(axis=0) - grand) ** 2).sum())
    bms = ss_targets / (n - 1)
    wms = (ss_total - ss_targets) / (n * (k - 1))
    jms = ss_raters / (k - 1)
    ems = (ss_total - ss_targets - ss_raters) / ((n - 1) * (k - 1))
    forms = {
        "ICC1": (bms - wms, bms + (k - 1) * wms),
        "ICC2": (bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        "ICC3": (bms - ems, bms + (k - 1) * ems),
        "ICC1k": (bms - wms, bms),
        "ICC2k": (bms - ems, bms + (jms - ems) / n),
        "ICC3k": (bms - ems, bms),
    }
    # A zero denominator means no variance between targets at all: reliability is undefined.
    return {name: num / den if den > 0 else math.nan for name, (num, den) in forms.items()}


def krippendorff_alpha(matrix: Table, level: str = "ordinal") -> float:
    """Krippendorff's alpha of a raters × units table (NaN = missing); NaN when undefined."""
    _check_level(level)
    data = _as_matrix(matrix)
    present = ~np.isnan(data)
    values, codes = np.unique(data[present], return_inverse=True)
    counts = np.zeros((data.shape[1], values.size))
    np.add.at(counts, (np.nonzero(present)[1], codes.ravel()), 1.0)
    per_unit = counts.sum(axis=1)
    # Only units with two or more values form pairs; the rest carry no information on agreement.
    counts, per_unit = counts[per_unit >= 2], per_unit[per_unit >= 2]
    weighted = counts / (per_unit - 1)[:, None]
    coincidence = counts.T @ weighted - np.diag(weighted.sum(axis=0))
    return float(_alpha(coincidence[None], values, level)[0])


def alpha_by_group(
    table: pd.DataFrame,
    groups: Sequence[str],
    unit: Sequence[str],
    rater: str = "rater_id",
    value: str = "rating",
    level: str = "ordinal",
) -> pd.DataFrame:
    """Krippendorff's alpha per group of a long table, with its pairable units and values."""
    return _alpha_by_group(table, None, groups, unit, rater, value, level, None)


def _alpha_by_group(
    table: pd.DataFrame,
    rows: IntArray | None,
    groups: Sequence[str],
    unit: Sequence[str],
    rater: str,
    value: str,
    level: str,
    values: FloatArray | None,
) -> pd.DataFrame:
    """`alpha_by_group` of the table's rows at `rows` (all when None), never copying the table.

    `values`, when given, are the sorted distinct values to code the ratings by (a superset of
    those at `rows`); by default, those at `rows`.
    """
    _check_level(level)
    # Groups come from every row, so a group whose values are all missing still gets its NaN.
    group_of_row = _key_codes(table, list(groups), rows)
    n_groups = int(group_of_row.max()) + 1 if group_of_row.size else 0
    first_row = np.full(n_groups, group_of_row.size)
    np.minimum.at(first_row, group_of_row, np.arange(group_of_row.size))
    at = first_row if rows is None else rows[first_row]
    keys = table[list(groups)].iloc[at].reset_index(drop=True)
    rating = _take(table[value].to_numpy(dtype=np.float64, na_value=np.nan), rows)
    rated = ~np.isnan(rating)
    if not rated.all():
        kept = np.flatnonzero(rated)
        rows = kept if rows is None else rows[kept]
        group_of_row, rating = group_of_row[kept], rating[kept]
    unit_of_row = _key_codes(table, list(unit), rows, within=group_of_row)
    rater_of_row, n_raters = _column_codes(table[rater], rows)
    pair = np.sort(unit_of_row * n_raters + rater_of_row)
    if (pair[1:] == pair[:-1]).any():
        # A rater counted twice on one unit would inflate agreement (and has no place in a pivot).
        raise ValueError(f"a rater ({rater!r}) rates the same unit twice within a group")
    if values is None:
        value_of_row, values = pd.factorize(rating, sort=True)
    else:
        value_of_row = np.searchsorted(values, rating)
    group_of_unit = np.zeros(int(unit_of_row.max(initial=-1)) + 1, np.int64)
    group_of_unit[unit_of_row] = group_of_row
    coincidence, per_unit = _coincidences(
        unit_of_row, value_of_row.astype(np.int64), group_of_unit, n_groups, len(values)
    )
    pairable = per_unit >= 2
    n_units = np.bincount(group_of_unit[pairable], minlength=n_groups)
    n_values = np.bincount(
        group_of_unit, weights=np.where(pairable, per_unit, 0), minlength=n_groups
    )
    return keys.assign(
        alpha=_alpha(coincidence, values, level),
        n_units=n_units.astype(np.int64),
        n_values=n_values.astype(np.int64),
    )


def cronbach_alpha(matrix: Table) -> float:
    """Cronbach's alpha of a respondents × items table; rows with any NaN are dropped (listwise)."""
    data = _as_matrix(matrix)
    complete = data[~np.isnan(data).any(axis=1)]
    n, k = complete.shape
    if k < 2 or n < 2:
        raise ValueError(
            f"cronbach_alpha needs at least 2 items and 2 complete rows, got {k} × {n}"
        )
    item_variance = float(complete.var(axis=0, ddof=1).sum())
    total_variance = float(complete.sum(axis=1).var(ddof=1))
    if total_variance == 0:
        return math.nan
    return float(k / (k - 1) * (1 - item_variance / total_variance))


def agreement_band(value: float) -> str:
    """Koo & Li (2016) band: <.5 poor, [.5, .75) moderate, [.75, .9] good, >.9 excellent."""
    if math.isnan(value):
        return ""
    if value < 0.5:
        return "poor"
    if value < 0.75:
        return "moderate"
    return "good" if value <= 0.9 else "excellent"


def self_vs_others(scores: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Self-rating minus others' score where both exist: blind spot, hidden strength or aligned."""
    both = scores.dropna(subset=["self_rating", "others_score"])
    result = both[[*CELL, "self_rating", "others_score"]].astype(
        {"self_rating": np.float64, "others_score": np.float64}
    )
    difference = (result["self_rating"] - result["others_score"]).to_numpy()
    result["difference"] = difference
    result["perception"] = np.select(
        [difference > threshold + GAP_TOLERANCE, difference < -threshold - GAP_TOLERANCE],
        ["blind-spot", "hidden-strength"],
        "aligned",
    )
    # Quarter labels (YYYYQn) sort chronologically as text.
    return result.sort_values(CELL, kind="stable").reset_index(drop=True)


def rater_agreement(ratings: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Krippendorff's alpha (ordinal) of the raters other than self, per competency and quarter.

    On the ratings as given: agreement is about what raters saw, before any correction.
    """
    rated = ratings["rating"].notna().to_numpy()
    others = (ratings["source"] != "self").to_numpy(dtype=bool, na_value=False)
    rows = np.flatnonzero(rated & others)
    columns = ["competency", "period", "alpha", "n_units", "n_values", "band", "low"]
    if rows.size == 0:
        return pd.DataFrame(columns=columns)
    # The rows are passed along, not copied: millions of them, with their comments. A group
    # (a competency in a quarter) never spans quarters, so they go a quarter at a time; coded by
    # the distinct ratings of every quarter, each quarter's coincidence matrices have the shape,
    # and so the arithmetic to the last bit, of one pass over all the rows.
    values = np.unique(ratings["rating"].to_numpy(dtype=np.float64, na_value=np.nan)[rows])
    selected = np.zeros(len(ratings), dtype=bool)
    selected[rows] = True
    del rows
    table = pd.concat(
        [
            _alpha_by_group(
                ratings,
                quarter,
                ["competency", "period"],
                ["employee_id"],
                "rater_id",
                "rating",
                "ordinal",
                values,
            )
            for quarter in periods.rows_by_quarter(ratings["period"], selected)
        ],
        ignore_index=True,
    )
    table = table.astype({"competency": str, "period": str})
    settings = rubric.reliability
    table["alpha"] = table["alpha"].where(table["n_units"] >= settings.min_units)
    table["band"] = [agreement_band(float(v)) for v in table["alpha"]]  # one per group
    table["low"] = (table["alpha"] < settings.min_alpha).to_numpy()
    return table.sort_values(["competency", "period"], ignore_index=True)[columns]


def relied_on_low_agreement(
    readiness: Readiness, agreement: pd.DataFrame, rubric: Rubric, reviewed: Sequence[str]
) -> pd.DataFrame:
    """Per person, the competencies readiness relies on whose raters agreed little.

    Coverage counts every competency, so readiness relies on all of them, in every quarter of
    the sustain window of the person's target role (the reviewed quarter and those before it).
    """
    people = readiness.people[["employee_id", "target_role"]].astype(str)
    low = agreement[agreement["low"].astype(bool)]
    parts = []
    for role in sorted(set(people["target_role"]) - {""}):  # a few roles, never people
        window = list(reviewed[-rubric.readiness.rule_for(role).sustain_quarters :])
        flagged = sorted(set(low.loc[low["period"].isin(window), "competency"]))
        mine = people.loc[people["target_role"] == role, "employee_id"]
        pairs = {
            "employee_id": np.repeat(mine.to_numpy(), len(flagged)),
            "competency": np.tile(np.asarray(flagged, dtype=object), len(mine)),
        }
        parts.append(pd.DataFrame(pairs))
    if not parts:
        return pd.DataFrame(columns=["employee_id", "competency"])
    relied = pd.concat(parts, ignore_index=True)
    return relied.sort_values(["employee_id", "competency"], ignore_index=True)


def _as_matrix(matrix: Table) -> FloatArray:
    if isinstance(matrix, pd.DataFrame):
        data = matrix.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        data = np.asarray(matrix, dtype=np.float64)
    if data.ndim != 2:
        raise ValueError(f"expected a two-dimensional table, got {data.ndim} dimension(s)")
    return data


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r} (known: {', '.join(LEVELS)})")


def _key_codes(
    frame: pd.DataFrame,
    columns: list[str],
    rows: IntArray | None = None,
    within: IntArray | None = None,
) -> IntArray:
    """Dense codes of the rows' key tuples (NaN is a key too), numbered in sorted key order."""
    # Coding column by column is far cheaper than a groupby over millions of string keys.
    combined = np.zeros(len(frame) if rows is None else rows.size, np.int64)
    bound = 1  # every code in `combined` is below it
    if within is not None:
        combined, bound = within, int(within.max(initial=-1)) + 1
    for column in columns:
        codes, radix = _column_codes(frame[column], rows)
        if bound * radix >= 2**62:  # renumber densely first: the number must not overflow
            combined = _dense(combined)
            bound = int(combined.max(initial=-1)) + 1
        combined, bound = combined * radix + codes, bound * radix
    return _dense(combined)


def _column_codes(column: pd.Series, rows: IntArray | None = None) -> tuple[IntArray, int]:
    """Codes (of `rows` only, if given) in the sorted order of the values, NaN last; and a bound."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        # The category order is the one factorize(sort=True) gives a categorical, NaN after
        # it; reading the codes saves hashing millions of values.
        codes = _take(column.cat.codes.to_numpy(), rows).astype(np.int64)
        n_categories = len(column.cat.categories)
        missing = codes < 0
        if missing.any():
            codes[missing] = n_categories
        return codes, n_categories + 1
    taken = column if rows is None else column.iloc[rows]
    codes, uniques = pd.factorize(taken, sort=True, use_na_sentinel=False)
    return codes.astype(np.int64), len(uniques)


def _take(values: npt.NDArray[AnyScalar], rows: IntArray | None) -> npt.NDArray[AnyScalar]:
    """`values` at `rows`; all of them when `rows` is None."""
    return values if rows is None else values.take(rows)


def _dense(codes: IntArray) -> IntArray:
    """Renumber non-negative codes as 0..k-1, keeping their order."""
    top = int(codes.max(initial=-1)) + 1
    if top <= 4 * codes.size:  # counting is much faster than sorting when the range is small
        present = np.bincount(codes, minlength=top) > 0
        return np.asarray((np.cumsum(present) - 1)[codes], dtype=np.int64)
    return np.unique(codes, return_inverse=True)[1].reshape(-1).astype(np.int64)


def _coincidences(
    unit_of_row: IntArray,
    value_of_row: IntArray,
    group_of_unit: IntArray,
    n_groups: int,
    n_codes: int,
) -> tuple[FloatArray, FloatArray]:
    """Per group, the coincidence matrix of the value codes; and the number of values per unit."""
    # One cell per (unit, value) seen, sorted by unit: its count n_uc is all the data needed.
    key = unit_of_row * n_codes + value_of_row
    if group_of_unit.size * n_codes <= 4 * key.size:  # counting beats sorting a small range
        tally = np.bincount(key, minlength=group_of_unit.size * n_codes)
        cells = np.flatnonzero(tally > 0)  # a boolean is much quicker to scan than counts
        count = tally[cells]
    else:
        cells, count = np.unique(key, return_counts=True)
    cell_unit, cell_value = np.divmod(cells, max(n_codes, 1))
    per_unit = np.bincount(cell_unit, weights=count, minlength=group_of_unit.size)
    # Only units with two or more values form pairs; the rest carry no information on agreement.
    pairable = per_unit[cell_unit] >= 2
    cell_unit, cell_value, count = cell_unit[pairable], cell_value[pairable], count[pairable]
    cells_in_unit = np.bincount(cell_unit, minlength=group_of_unit.size)
    unit_start = np.cumsum(cells_in_unit) - cells_in_unit
    size = n_groups * n_codes**2
    pairs, own = np.zeros(size), np.zeros(size)
    # o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1): pair every cell with each cell of its unit
    # (itself included), then take the c = k self-pairs back out; all groups at once. In
    # slices of cells, so the pairs (several per cell) stay in the cache; add.at adds in
    # order, so every sum sees its terms in the same order as with one pass over all cells.
    for start in range(0, cell_unit.size, _CELLS_AT_ONCE):
        part = slice(start, start + _CELLS_AT_ONCE)
        unit, value = cell_unit[part], cell_value[part]
        width = cells_in_unit[unit]
        weight = count[part] / (per_unit[unit] - 1)
        slot = (group_of_unit[unit] * n_codes + value) * n_codes
        end = np.cumsum(width)
        partner = np.arange(end[-1]) - np.repeat(end - width - unit_start[unit], width)
        np.add.at(
            pairs,
            np.repeat(slot, width) + cell_value[partner],
            np.repeat(weight, width) * count[partner],
        )
        np.add.at(own, slot + value, weight)
    return (pairs - own).reshape(n_groups, n_codes, n_codes), per_unit.astype(np.float64)


def _alpha(coincidence: FloatArray, values: FloatArray, level: str) -> FloatArray:
    """Alpha of each coincidence matrix in a (groups, values, values) stack; NaN when D_e = 0."""
    marginals = coincidence.sum(axis=2)
    total = marginals.sum(axis=1)
    delta = _delta2(values, marginals, level)
    observed = (coincidence * delta).sum(axis=(1, 2))
    expected = (marginals[:, :, None] * marginals[:, None, :] * delta).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (total - 1.0) * observed / expected
    return np.asarray(np.where(expected > 0, alpha, np.nan), dtype=np.float64)


def _delta2(values: FloatArray, marginals: FloatArray, level: str) -> FloatArray:
    """Squared metric difference δ²(c, k) of the sorted distinct values, per group if ordinal."""
    if level == "ordinal":
        # The distance is how many pairable values rank from c to k, the ends counted half.
        midpoint = np.cumsum(marginals, axis=1) - marginals / 2
        return np.asarray((midpoint[:, None, :] - midpoint[:, :, None]) ** 2, dtype=np.float64)
    c, k = values[:, None], values[None, :]
    if level == "nominal":
        difference = (c != k).astype(np.float64)
    elif level == "interval":
        difference = c - k
    else:
        if (values < 0).any():
            raise ValueError("the ratio level needs values of zero or more")
        pair_sum = np.broadcast_to(c + k, (values.size, values.size))
        difference = np.divide(c - k, pair_sum, out=np.zeros(pair_sum.shape), where=pair_sum > 0)
    return np.asarray(difference[None] ** 2, dtype=np.float64)
