"""Adverse-impact audit of readiness outcomes by group, with small groups suppressed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pandas as pd

IMPACT_COLUMNS = [
    "group",
    "n",
    "selected",
    "rate",
    "impact_ratio",
    "flagged",
    "p_value",
    "one_flip_changes",
]
AUDIT_COLUMNS = [*IMPACT_COLUMNS, "suppressed"]
SCORE_COLUMNS = ["group", "n", "mean", "suppressed"]
READY_NOW = ("ready-now",)
READY_WITHIN_1Y = ("ready-now", "ready-1y")

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class AttributeAudit:
    """One fairness attribute: two selection tables and mean scores, by group."""

    attribute: str
    ready_now: pd.DataFrame  # AUDIT_COLUMNS; selection = band is ready-now
    ready_within_1y: pd.DataFrame  # AUDIT_COLUMNS; selection = band is ready-now or ready-1y
    scores: pd.DataFrame  # SCORE_COLUMNS; mean calibrated score of the reviewed quarter
    suppressed: tuple[str, ...]  # group labels whose numbers are withheld, sorted


@dataclass(frozen=True)
class FairnessAudit:
    """The fairness audit of a review: one entry per attribute found, and notes for the reader."""

    attributes: tuple[AttributeAudit, ...]  # in the order asked for; missing columns left out
    notes: tuple[str, ...]  # missing attributes, suppressions, comparisons not possible
    assessed: int  # people with a readiness band (the top of the ladder is not assessed)
    min_group_size: int


def adverse_impact(frame: pd.DataFrame, group: str, selected: str) -> pd.DataFrame:
    """Four-fifths rule, Fisher's exact p and one-person sensitivity per group (IMPACT_COLUMNS).

    Rows whose group label is missing are left out; a missing `selected` counts as not
    selected. The reference is the group with the highest selection rate; when several tie,
    the largest of them, and among equally large ones the first by label. `impact_ratio` is
    NaN when the highest rate is 0. `flagged` (29 CFR 1607.4(D)) is decided on exact counts,
    so a ratio of exactly 4/5 is never flagged through float rounding. `p_value` is Fisher's
    exact test, two-sided, of the group against the reference (NaN for the reference).
    `one_flip_changes` tells whether one more selected person in the group (if it has an
    unselected one left) would change its flag, the reference recomputed for the new counts.
    """
    chosen = frame[frame[group].notna()]
    is_selected = chosen[selected].astype("boolean").fillna(False).astype("int64")
    counts = is_selected.groupby(chosen[group], sort=True, observed=True).agg(["size", "sum"])
    n = counts["size"].to_numpy(dtype="int64")
    sel = counts["sum"].to_numpy(dtype="int64")
    top = _reference(n, sel)
    flagged = _flags(n, sel, top)
    table = pd.DataFrame(
        {
            "group": counts.index.to_numpy(),
            "n": n,
            "selected": sel,
            "rate": sel / n,
            # One division of exact products: an exact 4/5 reads 0.8, not 0.7999999999999999.
            "impact_ratio": [_ratio(n, sel, i, top) for i in range(n.size)],
            "flagged": flagged,
            "p_value": [_fisher(n, sel, i, top) for i in range(n.size)],
            "one_flip_changes": _one_flip_changes(n, sel, flagged),
        },
        columns=IMPACT_COLUMNS,
    )
    return table.astype({"n": "int64", "selected": "int64", "rate": "float64"})


def audit(
    people: pd.DataFrame,
    bands: pd.Series,
    scores: pd.Series,
    attributes: Sequence[str],
    min_group_size: int,
) -> FairnessAudit:
    """Adverse impact of ready-now and ready-within-a-year, and mean scores, per attribute.

    The population is everyone in `people` with a readiness band; people with band "" (the top
    of the ladder, not assessed) are left out, while `insufficient-evidence` counts as assessed
    and not selected. Groups smaller than `min_group_size` are suppressed, and when only one
    group of an attribute is, so is the next smallest, so neither can be recovered from a total
    by subtraction. Suppressed groups are also left out of the comparison itself: otherwise the
    impact ratios of the others would give away a suppressed reference group's rate.
    """
    if min_group_size < 1:
        raise ValueError(f"min_group_size must be at least 1, got {min_group_size}")
    band = bands.astype("string").fillna("").reindex(people.index).fillna("")
    band = band[band != ""].sort_index()
    score = pd.to_numeric(scores.reindex(band.index), errors="coerce").astype("float64")
    notes: list[str] = []
    found: list[AttributeAudit] = []
    for attribute in attributes:
        if attribute not in people.columns:
            notes.append(f"{attribute}: not a column of the people table, so it is not audited")
            continue
        labels = people[attribute].reindex(band.index).astype("string").str.strip()
        labels = labels.replace({"": pd.NA})  # a blank label is a missing one
        data = pd.DataFrame(
            {
                "group": labels,
                "ready_now": band.isin(READY_NOW),
                "ready_within_1y": band.isin(READY_WITHIN_1Y),
                "score": score,
            }
        ).dropna(subset=["group"])
        hidden = _suppressed(data.groupby("group").size(), min_group_size)
        shown = data[~data["group"].isin(hidden)]
        if hidden:
            notes.append(
                f"{attribute}: {', '.join(hidden)} suppressed (groups under {min_group_size} "
                "people, and the next smallest when only one is)"
            )
        if shown["group"].nunique() < 2:
            notes.append(f"{attribute}: fewer than two groups can be shown, so none is compared")
        found.append(
            AttributeAudit(
                attribute=attribute,
                ready_now=_with_hidden(adverse_impact(shown, "group", "ready_now"), hidden),
                ready_within_1y=_with_hidden(
                    adverse_impact(shown, "group", "ready_within_1y"), hidden
                ),
                scores=_with_hidden(_mean_scores(shown), hidden),
                suppressed=tuple(hidden),
            )
        )
    return FairnessAudit(tuple(found), tuple(notes), int(band.size), min_group_size)


def _reference(n: IntArray, sel: IntArray) -> int:
    """Position of the highest rate; ties go to the largest group, then the first label."""
    if n.size == 0:
        return -1
    # Exact fractions: two different rates can never compare equal, nor equal ones differ.
    return max(range(n.size), key=lambda i: (Fraction(int(sel[i]), int(n[i])), int(n[i]), -i))


def _flags(n: IntArray, sel: IntArray, top: int) -> BoolArray:
    """Rate strictly below four fifths of the reference rate, compared on integers."""
    if n.size == 0:
        return np.zeros(0, dtype=bool)
    # sel/n < 4/5 · sel_top/n_top  ⇔  5 · sel · n_top < 4 · sel_top · n  (no float rounding)
    return np.asarray(5 * sel * n[top] < 4 * sel[top] * n, dtype=bool)


def _ratio(n: IntArray, sel: IntArray, i: int, top: int) -> float:
    """Impact ratio of group i, NaN when the reference selected no one."""
    if sel[top] == 0:
        return math.nan
    return int(sel[i]) * int(n[top]) / (int(n[i]) * int(sel[top]))


def _fisher(n: IntArray, sel: IntArray, i: int, top: int) -> float:
    """Two-sided Fisher's exact p of group i against the reference; NaN for the reference.

    Summed over every table with the same margins that is no more likely than the one seen
    (the usual two-sided rule, with scipy's relative tolerance of 1e-7 for ties).
    """
    if i == top:
        return math.nan
    a, rows = int(sel[i]), (int(n[i]), int(n[top]))
    chosen = a + int(sel[top])
    support = np.arange(max(0, chosen - rows[1]), min(rows[0], chosen) + 1)
    log_pmf = _log_comb(rows[0], support) + _log_comb(rows[1], chosen - support)
    log_pmf -= _log_comb(rows[0] + rows[1], np.array([chosen]))[0]
    observed = log_pmf[support == a][0]
    p = float(np.exp(log_pmf[log_pmf <= observed + math.log1p(1e-7)]).sum())
    return min(p, 1.0)


def _log_comb(n: int, k: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """log C(n, k) for an array of k, through the log-gamma function."""
    lgamma = np.vectorize(math.lgamma, otypes=[np.float64])
    return np.asarray(lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1), dtype=np.float64)


def _one_flip_changes(n: IntArray, sel: IntArray, flagged: BoolArray) -> BoolArray:
    """Whether one more selected person in each group would change that group's flag."""
    changes = np.zeros(n.size, dtype=bool)
    for i in np.flatnonzero(sel < n):
        bumped = sel.copy()
        bumped[i] += 1
        changes[i] = bool(_flags(n, bumped, _reference(n, bumped))[i] != flagged[i])
    return changes


def _suppressed(sizes: pd.Series, min_group_size: int) -> list[str]:
    """Groups too small to show, and the next smallest until the hidden reach the minimum.

    A hidden group could otherwise be recovered from the page's totals minus the shown groups:
    hidden groups together must hold `min_group_size` people (or be all there is).
    """
    small = list(sizes[sizes < min_group_size].index)
    # Smallest first, then by label: the choice must not depend on input order.
    rest = sorted(
        (label for label in sizes.index if label not in small),
        key=lambda label: (int(sizes[label]), str(label)),
    )
    while small and rest and int(sizes[small].sum()) < min_group_size:
        small.append(rest.pop(0))
    return sorted(str(label) for label in small)


def _mean_scores(shown: pd.DataFrame) -> pd.DataFrame:
    """People with a score and their mean score, per group."""
    by_group = shown.dropna(subset=["score"]).groupby("group", sort=True)["score"]
    stats = by_group.agg(["size", "mean"]).reindex(sorted(shown["group"].unique()))
    return pd.DataFrame(
        {
            "group": stats.index.to_numpy(),
            "n": stats["size"].fillna(0).astype("int64").to_numpy(),
            "mean": stats["mean"].astype("float64").to_numpy(),
        }
    )


def _with_hidden(table: pd.DataFrame, hidden: Sequence[str]) -> pd.DataFrame:
    """The table with a row per suppressed group (numbers withheld) and a `suppressed` flag."""
    out = table.assign(suppressed=False)
    if hidden:
        withheld = pd.DataFrame({"group": list(hidden), "suppressed": True})
        out = pd.concat([out, withheld], ignore_index=True)
    dtypes = {"n": "Int64", "selected": "Int64", "flagged": "boolean"}
    dtypes |= {"one_flip_changes": "boolean", "suppressed": "bool"}
    out = out.astype({c: t for c, t in dtypes.items() if c in out.columns})
    floats = [c for c in ("rate", "impact_ratio", "p_value", "mean") if c in out.columns]
    out = out.astype(dict.fromkeys(floats, "float64"))
    out["group"] = out["group"].astype(str)
    return out.sort_values("group", kind="stable").reset_index(drop=True)
