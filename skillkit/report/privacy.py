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

    A source group of at least `min_raters` raters shows as itself. Groups below that are
    shown together as "others", and so many more of the person's groups (smallest first) join
    them as make "others" hold two groups or more and `min_raters` raters or more; when even
    all of them fall short, every group but the manager's is suppressed (""). Two groups at
    least, because the page also shows the competency scores, which weigh the groups
    differently: with one group unknown, a score and the shown means would give it away. The
    manager (one known person) and the person's own view always show as themselves.
    """
    source = sizes["source"].astype(str)
    open_ = ~source.isin(ALWAYS_SHOWN)
    small = open_ & (sizes["raters"] < min_raters)
    order = pd.DataFrame(
        {
            "employee_id": sizes["employee_id"].astype(str),
            "open": open_,
            "big": ~small,
            "raters": sizes["raters"],
        }
    )
    # Within a person: the groups that may fold, small ones first, then the smallest big ones.
    order = order[order["open"]].sort_values(["employee_id", "big", "raters"], kind="stable")
    person = order.groupby("employee_id", sort=False)
    position = person.cumcount() + 1
    pooled = person["raters"].cumsum()
    n_small = (~order["big"]).groupby(order["employee_id"], sort=False).transform("sum")
    enough = (position >= n_small) & (position >= 2) & (pooled >= min_raters) & (n_small > 0)
    # The fold stops at the first position that is enough; none enough: suppress them all.
    stop = position.where(enough).groupby(order["employee_id"], sort=False).transform("min")
    folded = position <= stop.fillna(0)
    group = source.copy()
    group.loc[order.index[folded.to_numpy()]] = OTHERS
    hidden = stop.isna() & (n_small > 0)
    group.loc[order.index[hidden.to_numpy()]] = ""
    return group
