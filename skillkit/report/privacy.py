"""What pages may show: cells that could single out a rater, and groups too small to report."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def private_cells(scores: pd.DataFrame, min_raters: int) -> pd.DataFrame:
    """Scores as pages may show them: a cell that could reveal one rater's rating is blanked.

    The raters besides the manager must be none or at least `min_raters`: with one or two of
    them, the manager (who knows their own rating) could subtract their way to a peer's. So
    the score, its level and interval and the others' view are withheld from the pages.
    """
    others = scores["n_raters"] - scores["n_manager"]
    private = (others > 0) & (others < min_raters)
    masked = scores.assign(private=private)
    columns = ["score", "score_raw", "level", "ci_low", "ci_high", "others_score"]
    masked.loc[private, columns] = np.nan
    return masked


def withhold(table: pd.DataFrame, hidden: pd.MultiIndex, column: str) -> pd.DataFrame:
    """`table` with `column` blanked on the (employee, competency) pairs in `hidden`."""
    pairs = pd.MultiIndex.from_frame(table[["employee_id", "competency"]].astype(str))
    masked = table.copy()
    masked[column] = masked[column].astype("float64").where(~pairs.isin(hidden))
    return masked


def suppressed_cells(
    data: pd.DataFrame, comps: Sequence[str], min_size: int
) -> set[tuple[str, str]]:
    """(team, competency) cells resting on too few people, and those that would give them away.

    A hidden cell could be recovered from the organisation row minus the visible ones, so each
    competency hides the next-smallest teams too, until the hidden people reach `min_size`.
    """
    counts = data.groupby(["competency", "team"])["employee_id"].nunique()
    hidden: set[tuple[str, str]] = set()
    for comp in comps:
        if comp not in counts.index.get_level_values(0):
            continue
        column = counts.xs(comp, level="competency")
        small = set(column[column < min_size].index)
        visible = list(column[column >= min_size].sort_values().index)
        while small and visible and column[list(small)].sum() < min_size:
            small.add(visible.pop(0))
        hidden |= {(str(team), comp) for team in small}
    return hidden


OTHERS = "others"  # the group that small source groups merge into
ALWAYS_SHOWN = frozenset({"manager", "self"})  # the manager is one known person; self is you


def source_groups(sizes: pd.DataFrame, min_raters: int) -> pd.Series:
    """The group each (employee_id, source) row of `sizes` (with `raters`) is shown under.

    A source group with at least `min_raters` raters shows as itself; smaller ones merge into
    "others" when together they reach `min_raters`, and are otherwise suppressed (""). The
    manager and the person's own view always show as themselves.
    """
    source = sizes["source"].astype(str)
    small = ~source.isin(ALWAYS_SHOWN) & (sizes["raters"] < min_raters)
    pooled = sizes["raters"].where(small, 0).groupby(sizes["employee_id"]).transform("sum")
    merged = small & (pooled >= min_raters)
    return source.where(~small, "").where(~merged, OTHERS)
