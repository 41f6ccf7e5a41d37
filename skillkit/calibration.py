"""Rater calibration: leniency and severity as additive rater effects, and adjusted ratings.

The model is rating = cell effect + rater effect + noise, where a cell is one person's
competency in one quarter. Cell effects are profiled out (each rating is compared with the
other ratings of the same cell), which leaves a sparse system in the rater effects alone:

    (diag(n_r) - Zᵀ diag(1/n_c) Z + λI) b = Xᵀ (y - ȳ_cell)

with Z the cells × raters incidence and λ the shrinkage strength: an effect is pulled toward
zero as if it had λ extra ratings at zero, so a rater seen a few times moves little. Raters
only identify each other through shared cells, so the effects are anchored to average zero
within each connected component of the rater–cell graph; the main component is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from skillkit import periods
from skillkit.rubric import Rubric
from skillkit.scoring import CELL

EFFECT_COLUMNS = ["rater_id", "sources", "effect", "n_ratings", "n_people", "main"]
_SOLVER_TOLERANCE = 1e-8


@dataclass(frozen=True)
class Calibration:
    """Rater effects fitted on a window of quarters, and what the fit could not reach."""

    method: str  # "additive" or "none"
    window: tuple[str, ...]  # the quarters the effects were fitted on
    shrinkage: float
    effects: pd.DataFrame  # EFFECT_COLUMNS, one row per non-self rater in the window
    outside_raters: tuple[str, ...]  # raters outside the main component
    outside_people: tuple[str, ...]  # people none of whose ratings reach the main component
    n_ratings: int  # non-self ratings fitted
    components: int  # connected components of the rater–cell graph
    scale: tuple[float, float]
    converged: bool = True  # False: the solver stopped at its iteration limit

    def adjust(self, ratings: pd.DataFrame) -> pd.Series:
        """Each rating minus its rater's effect, kept on the scale; self ratings stay as given."""
        rating = ratings["rating"].astype("float64")
        if self.effects.empty:
            return rating
        # Look each distinct rater up once, then spread by code: millions of rows, few raters.
        codes, raters = pd.factorize(ratings["rater_id"])
        known = pd.Index(self.effects["rater_id"]).get_indexer(pd.Index(raters).astype(str))
        per_rater = np.append(self.effects["effect"].to_numpy(dtype="float64"), 0.0)[known]
        effect = np.where(codes >= 0, per_rater[codes], 0.0)
        is_self = ratings["source"].eq("self").to_numpy(dtype=bool, na_value=False)
        effect = np.where(is_self, 0.0, effect)
        low, high = self.scale
        return (rating - effect).clip(lower=low, upper=high).where(rating.notna())


def calibrate(ratings: pd.DataFrame, rubric: Rubric, period: str) -> Calibration:
    """Fit rater effects on the rubric's window of quarters ending with `period`."""
    settings = rubric.calibration
    end = periods.to_ordinal(period)
    ordinal = periods.ordinals(ratings["period"])
    in_reach = ((ordinal > end - settings.window_quarters) & (ordinal <= end)).to_numpy()
    others = ratings["source"].ne("self").to_numpy(dtype=bool, na_value=False)
    in_window = ratings[in_reach & others & ratings["rating"].notna().to_numpy()]
    window = tuple(sorted({str(p) for p in in_window["period"].unique()}, key=periods.to_ordinal))
    scale = (rubric.scale.min, rubric.scale.max)
    if settings.method == "none" or in_window.empty:
        return Calibration(
            method=settings.method,
            window=window,
            shrinkage=settings.shrinkage,
            effects=pd.DataFrame(columns=EFFECT_COLUMNS),
            outside_raters=(),
            outside_people=(),
            n_ratings=len(in_window),
            components=0,
            scale=scale,
        )
    return _fit(in_window, settings.method, window, settings.shrinkage, scale)


def _fit(
    table: pd.DataFrame,
    method: str,
    window: tuple[str, ...],
    shrinkage: float,
    scale: tuple[float, float],
) -> Calibration:
    """The additive fit on the non-self ratings of the window."""
    cell = _codes(table, CELL)
    rater, distinct = pd.factorize(table["rater_id"])
    rater_ids = np.asarray(distinct, dtype=str).astype(object)
    y = table["rating"].to_numpy(dtype="float64")
    effect, converged = _solve(cell, rater, y, shrinkage)
    component = _components(cell, rater)
    sizes = np.bincount(component[rater])  # ratings per component
    # The main component has the most ratings; a tie goes to the one with the first rater id,
    # so the choice never depends on the order of the input rows.
    first_id = np.full(len(sizes), len(rater_ids))
    np.minimum.at(first_id, component, np.argsort(np.argsort(rater_ids.astype(str))))
    main = int(np.lexsort((first_id, -sizes))[0])
    effect = _centre(effect, component)
    in_main = component == main
    person, person_ids = pd.factorize(table["employee_id"])
    reached = np.zeros(len(person_ids), dtype=bool)
    reached[person[in_main[rater]]] = True
    outside_people = sorted(str(p) for p in np.asarray(person_ids)[~reached])
    n_raters = len(rater_ids)
    pairs = np.unique(rater.astype("int64") * len(person_ids) + person)
    n_people = np.bincount(pairs // len(person_ids), minlength=n_raters)
    # The sources a rater rated as, most used first: a line manager is a peer elsewhere.
    source, source_names = pd.factorize(table["source"])
    counts = np.bincount(rater * len(source_names) + source, minlength=n_raters * len(source_names))
    used = pd.DataFrame(
        {
            "rater": np.repeat(np.arange(n_raters), len(source_names)),
            "source": np.tile(np.asarray(source_names, dtype=str).astype(object), n_raters),
            "n": counts,
        }
    )
    used = used[used["n"] > 0].sort_values(["rater", "n", "source"], ascending=[True, False, True])
    # Joined by string sums, not a Python join per rater: there are tens of thousands of them.
    sources = (used["source"] + ", ").groupby(used["rater"]).sum().str[:-2]
    effects = pd.DataFrame(
        {
            "rater_id": rater_ids.astype(str),
            "sources": sources.reindex(range(len(rater_ids))).to_numpy(),
            "effect": effect,
            "n_ratings": np.bincount(rater, minlength=len(rater_ids)),
            "n_people": n_people,
            "main": in_main,
        }
    ).sort_values("rater_id", ignore_index=True)
    return Calibration(
        method=method,
        window=window,
        shrinkage=shrinkage,
        effects=effects,
        outside_raters=tuple(sorted(effects.loc[~effects["main"], "rater_id"])),
        outside_people=tuple(outside_people),
        n_ratings=len(table),
        components=len(sizes),
        scale=scale,
        converged=converged,
    )


def rater_effects(
    cell: np.ndarray, rater: np.ndarray, y: np.ndarray, shrinkage: float
) -> np.ndarray:
    """Least-squares rater effects with cell effects profiled out and ridge `shrinkage`.

    `cell` and `rater` are integer codes per rating. Solved by preconditioned conjugate
    gradients on the rater × rater system, applied without ever forming it.
    """
    return _solve(cell, rater, y, shrinkage)[0]


def _solve(
    cell: np.ndarray, rater: np.ndarray, y: np.ndarray, shrinkage: float
) -> tuple[np.ndarray, bool]:
    """`rater_effects` and whether the solver converged."""
    from scipy import sparse
    from scipy.sparse.linalg import LinearOperator, cg

    n_cells, n_raters = int(cell.max()) + 1, int(rater.max()) + 1
    per_cell = np.bincount(cell, minlength=n_cells).astype("float64")
    per_rater = np.bincount(rater, minlength=n_raters).astype("float64")
    cell_mean = np.bincount(cell, weights=y, minlength=n_cells) / per_cell
    rhs = np.bincount(rater, weights=y - cell_mean[cell], minlength=n_raters)
    incidence = sparse.csr_matrix((np.ones(len(cell)), (cell, rater)), shape=(n_cells, n_raters))
    transposed = incidence.T.tocsr()
    # Diagonal of the system: each rating loses its own share of the cell mean.
    own_share = np.bincount(rater, weights=1.0 / per_cell[cell], minlength=n_raters)
    diagonal = per_rater - own_share + shrinkage

    def apply(b: np.ndarray) -> np.ndarray:
        return np.asarray(per_rater * b - transposed @ ((incidence @ b) / per_cell) + shrinkage * b)

    system = LinearOperator((n_raters, n_raters), matvec=apply, dtype="float64")
    safe = np.where(diagonal > 1e-12, diagonal, 1.0)
    preconditioner = LinearOperator((n_raters, n_raters), matvec=lambda v: v / safe)
    solution, info = cg(system, rhs, rtol=_SOLVER_TOLERANCE, maxiter=2000, M=preconditioner)
    return np.asarray(solution, dtype="float64"), info == 0


def _components(cell: np.ndarray, rater: np.ndarray) -> np.ndarray:
    """Component label of each rater in the bipartite rater–cell graph."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    n_raters = int(rater.max()) + 1
    n = n_raters + int(cell.max()) + 1
    graph = sparse.coo_matrix((np.ones(len(cell)), (rater, n_raters + cell)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # Relabel densely over raters only: cells carry no effect of their own.
    _, dense = np.unique(labels[:n_raters], return_inverse=True)
    return np.asarray(dense, dtype="int64")


def _centre(effect: np.ndarray, component: np.ndarray) -> np.ndarray:
    """Effects shifted to average zero within each component: the scale stays anchored."""
    count = np.bincount(component).astype("float64")
    mean = np.bincount(component, weights=effect) / count
    return np.asarray(effect - mean[component], dtype="float64")


def _codes(table: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One dense integer code per distinct combination of `keys`."""
    combined = np.zeros(len(table), dtype="int64")
    for key in keys:
        codes, distinct = pd.factorize(table[key])
        combined = combined * len(distinct) + codes
    return np.asarray(pd.factorize(combined)[0], dtype="int64")
