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
