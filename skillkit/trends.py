"""Trends per person × competency: the slope of recent scores, and runs of quarters at target."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from skillkit import periods


@dataclass(frozen=True)
class _Pairs:
    """Each score row's (employee, competency) as one integer that sorts as the two texts do.

    Trends group 7 million score rows at 100,000 people × 8 quarters; one integer per row
    groups and sorts far faster than two text columns.
    """

    codes: np.ndarray  # -1 where a key is missing: such rows belong to no pair
    employees: pd.Index
    competencies: pd.Index

    @classmethod
    def of(cls, scores: pd.DataFrame) -> _Pairs:
        """The pairs of the `scores` rows, numbered in the order of their sorted texts."""
        employee, employees = pd.factorize(scores["employee_id"], sort=True)
        competency, competencies = pd.factorize(scores["competency"], sort=True)
        codes = employee.astype(np.int64) * len(competencies) + competency
        return cls(np.where((employee < 0) | (competency < 0), -1, codes), employees, competencies)

    def keys(self, codes: np.ndarray) -> pd.DataFrame:
        """The employee and competency columns of the pairs numbered `codes`."""
        employee, competency = np.divmod(codes, len(self.competencies))
        return pd.DataFrame(
            {
                "employee_id": self.employees.take(employee),
                "competency": self.competencies.take(competency),
            }
        )


def trends(scores: pd.DataFrame, period: str, quarters: int) -> pd.DataFrame:
    """Least-squares slope (levels per quarter) of each person × competency's recent scores."""
    end = periods.to_ordinal(period)
    pairs = _Pairs.of(scores)
    ordinal = scores["_ordinal"].to_numpy()
    score = scores["score"].to_numpy(dtype="float64", na_value=np.nan)
    recent = np.flatnonzero(
        (ordinal > end - quarters) & (ordinal <= end) & ~np.isnan(score) & (pairs.codes >= 0)
    )
    x = ordinal[recent].astype("float64") - end
    y = score[recent]
    parts = pd.DataFrame({"n": 1.0, "x": x, "y": y, "xx": x * x, "xy": x * y})
    s = parts.groupby(pairs.codes[recent]).sum()
    denominator = s["n"] * s["xx"] - s["x"] ** 2
    slope = (s["n"] * s["xy"] - s["x"] * s["y"]) / denominator.where(denominator > 0)
    # The line's value at the reviewed quarter (x = 0): the level with the noise smoothed out.
    smoothed = ((s["y"] - slope.fillna(0.0) * s["x"]) / s["n"]).where(
        slope.notna(), s["y"] / s["n"]
    )
    table = pd.DataFrame({"slope": slope, "n_points": s["n"].astype("int64"), "smoothed": smoothed})
    table = table.join(_runs(scores, end, pairs), how="left")
    return pd.concat([pairs.keys(table.index.to_numpy()), table.reset_index(drop=True)], axis=1)


def runs(scores: pd.DataFrame, end: int) -> pd.DataFrame:
    """Quarters in a row at or above target up to the reviewed one, and drops of a level."""
    pairs = _Pairs.of(scores)
    table = _runs(scores, end, pairs)
    return pd.concat([pairs.keys(table.index.to_numpy()), table.reset_index(drop=True)], axis=1)


def _runs(scores: pd.DataFrame, end: int, pairs: _Pairs) -> pd.DataFrame:
    """`runs` indexed by pair: one sorted pass over the rows, each pair's quarters in order."""
    ordinal = scores["_ordinal"].to_numpy()
    level = scores["level"].to_numpy(dtype="float64", na_value=np.nan)
    seen = np.flatnonzero((ordinal <= end) & ~np.isnan(level) & (pairs.codes >= 0))
    seen = seen[np.lexsort((ordinal[seen], pairs.codes[seen]))]
    if not len(seen):
        return pd.DataFrame(
            {
                "streak": np.empty(0, "int64"),
                "previous_level": pd.array([], dtype="Int64"),
                "regression": np.empty(0, bool),
            }
        )
    pair, quarter, level = pairs.codes[seen], ordinal[seen], level[seen]
    target = scores["target_level"].to_numpy(dtype="float64", na_value=np.nan)[seen]
    met = level >= target  # no target: never met
    first = np.r_[True, pair[1:] != pair[:-1]]
    starts = np.flatnonzero(first)
    # A new run starts at every quarter below target and after every quarter without a level
    # (not rated, or withheld from a page): "in a row" means calendar quarters in a row.
    gap = np.r_[False, np.diff(quarter) > 1] & ~first
    run = np.cumsum(~met | gap)  # across pairs: only equality within a pair is asked below
    last = np.r_[starts[1:], len(pair)] - 1
    current = run == np.repeat(run[last], np.diff(np.r_[starts, len(pair)]))
    previous = np.where(first, np.nan, np.r_[np.nan, level[:-1]])
    now = quarter == end
    dropped = now & (previous - level >= 1)  # NaN (no previous quarter) is no drop
    observed_now = np.logical_or.reduceat(now, starts)
    streak = np.add.reduceat((met & current).astype("int64"), starts)
    previous_now = np.fmax.reduceat(np.where(now, previous, np.nan), starts)  # NaN: none
    return pd.DataFrame(
        {
            # A person not seen in the reviewed quarter has no current run.
            "streak": np.where(observed_now, streak, 0).astype("int64"),
            "previous_level": pd.array(previous_now, dtype="Float64").astype("Int64"),
            "regression": np.logical_or.reduceat(dropped, starts),
        },
        index=pair[starts],
    )
