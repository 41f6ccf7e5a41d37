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
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from skillkit import periods
from skillkit.rubric import Rubric

if TYPE_CHECKING:  # scipy is imported where it is used: importing skillkit stays quick
    from scipy import sparse

IntArray = npt.NDArray[np.int64]
ObjectArray = npt.NDArray[np.object_]

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
        if self.effects.empty:
            return ratings["rating"].astype("float64")
        # Look each distinct rater up once, then spread by code: millions of rows, few raters.
        rater = ratings["rater_id"].astype("category").cat
        known = pd.Index(self.effects["rater_id"]).get_indexer(rater.categories.astype(str))
        per_rater = np.append(self.effects["effect"].to_numpy(dtype="float64"), 0.0)[known]
        effect = np.append(per_rater, 0.0)[rater.codes.to_numpy()]  # code -1, no rater: 0
        effect[ratings["source"].eq("self").to_numpy(dtype=bool, na_value=False)] = 0.0
        # In place, one array beside the result: 42 million rows at 100,000 people. A missing
        # rating stays missing (NaN minus anything, clipped, is NaN).
        adjusted = np.subtract(ratings["rating"].to_numpy(dtype="float64"), effect, out=effect)
        low, high = self.scale
        return pd.Series(
            np.clip(adjusted, low, high, out=adjusted), index=ratings.index, name="rating"
        )


def calibrate(ratings: pd.DataFrame, rubric: Rubric, period: str) -> Calibration:
    """Fit rater effects on the rubric's window of quarters ending with `period`."""
    settings = rubric.calibration
    rows, window = _in_window(ratings, periods.to_ordinal(period), settings.window_quarters)
    scale = (rubric.scale.min, rubric.scale.max)
    if settings.method == "none" or rows.size == 0:
        return Calibration(
            method=settings.method,
            window=window,
            shrinkage=settings.shrinkage,
            effects=pd.DataFrame(columns=EFFECT_COLUMNS),
            outside_raters=(),
            outside_people=(),
            n_ratings=rows.size,
            components=0,
            scale=scale,
        )
    return _fit(ratings, rows, settings.method, window, settings.shrinkage, scale)


def _in_window(ratings: pd.DataFrame, end: int, quarters: int) -> tuple[IntArray, tuple[str, ...]]:
    """Positions of the observed non-self ratings of the `quarters` up to `end`; those seen."""
    in_reach = periods.in_window(ratings["period"], end, quarters)
    others = ratings["source"].ne("self").to_numpy(dtype=bool, na_value=False)
    rows = np.flatnonzero(in_reach & others & ratings["rating"].notna().to_numpy())
    period = ratings["period"].astype("category").array
    seen = np.bincount(period.codes[rows], minlength=len(period.categories)) > 0
    return rows, tuple(sorted(map(str, period.categories[seen]), key=periods.to_ordinal))


def _fit(
    ratings: pd.DataFrame,
    rows: IntArray,
    method: str,
    window: tuple[str, ...],
    shrinkage: float,
    scale: tuple[float, float],
) -> Calibration:
    """The additive fit on the ratings at `rows`: the non-self ratings of the window."""
    cell, person_of_cell, people = _cells(ratings, rows)
    rater, rater_labels = _numbered(ratings["rater_id"], rows)
    rater_ids = np.asarray(rater_labels, dtype=str).astype(object)
    y = ratings["rating"].to_numpy(dtype="float64")[rows]
    incidence, transposed = _incidence(cell, rater)
    effect, converged = _solve(incidence, transposed, cell, rater, y, shrinkage)
    component = _components(incidence)
    n_rated = np.bincount(rater, minlength=len(rater_ids))
    sizes = np.bincount(component, weights=n_rated).astype(np.int64)  # ratings per component
    # The main component has the most ratings; a tie goes to the one with the first rater id,
    # so the choice never depends on the order of the input rows.
    first_id = np.full(len(sizes), len(rater_ids))
    np.minimum.at(first_id, component, np.argsort(np.argsort(rater_ids.astype(str))))
    main = int(np.lexsort((first_id, -sizes))[0])
    effect = _centre(effect, component)
    in_main = component == main
    # Per cell rather than per rating: a cell is reached when one of its raters is in the main
    # component, and a person when one of their cells is.
    cell_reached = np.asarray(incidence @ in_main.astype(np.float64)) > 0
    present = np.bincount(person_of_cell, minlength=len(people) + 1) > 0
    reached = np.bincount(person_of_cell[cell_reached], minlength=len(people) + 1) > 0
    outside_people = sorted(map(str, _label_of(people, np.flatnonzero(present & ~reached))))
    # Distinct people per rater, from the sorted (rater, person) pairs.
    pairs = np.sort(rater * (len(people) + 1) + person_of_cell[cell])
    first = np.flatnonzero(np.diff(pairs, prepend=-1))
    n_people = np.bincount(pairs[first] // (len(people) + 1), minlength=len(rater_ids))
    effects = pd.DataFrame(
        {
            "rater_id": rater_ids.astype(str),
            # The sources a rater rated as, most used first: a line manager is a peer elsewhere.
            "sources": _sources(rater, *_codes_of(ratings["source"], rows), len(rater_ids)),
            "effect": effect,
            "n_ratings": n_rated,
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
        n_ratings=len(y),
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
    return _solve(*_incidence(cell, rater), cell, rater, y, shrinkage)[0]


def _incidence(cell: IntArray, rater: IntArray) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """The cells × raters incidence Z (how often each rater rated each cell), and Zᵀ."""
    from scipy import sparse

    shape = (int(rater.max()) + 1, int(cell.max()) + 1)
    # Zᵀ first: the loader sorts ratings by quarter, person and competency, so cells are
    # numbered in row order and each rater's cells arrive sorted; scipy's per-row sort is
    # then skipped, and the transpose comes out sorted by construction. Same layout as
    # building Z directly (any order still works, just with the sort).
    transposed = sparse.csr_matrix((np.ones(len(cell)), (rater, cell)), shape=shape)
    return transposed.T.tocsr(), transposed


def _solve(
    incidence: sparse.csr_matrix,
    transposed: sparse.csr_matrix,
    cell: np.ndarray,
    rater: np.ndarray,
    y: np.ndarray,
    shrinkage: float,
) -> tuple[np.ndarray, bool]:
    """`rater_effects` on Z and Zᵀ of `cell` and `rater`, and whether the solver converged."""
    from scipy.sparse.linalg import LinearOperator, cg
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    n_cells, n_raters = incidence.shape
    per_cell = np.bincount(cell, minlength=n_cells).astype("float64")
    per_rater = np.bincount(rater, minlength=n_raters).astype("float64")
    cell_mean = np.bincount(cell, weights=y, minlength=n_cells) / per_cell
    rhs = np.bincount(rater, weights=y - cell_mean[cell], minlength=n_raters)
    # Diagonal of the system: each rating loses its own share of the cell mean.
    own_share = np.bincount(rater, weights=1.0 / per_cell[cell], minlength=n_raters)
    diagonal = per_rater - own_share + shrinkage

    def apply(b: np.ndarray) -> np.ndarray:
        return np.asarray(per_rater * b - transposed @ ((incidence @ b) / per_cell) + shrinkage * b)

    system = LinearOperator((n_raters, n_raters), matvec=apply, dtype="float64")
    safe = np.where(diagonal > 1e-12, diagonal, 1.0)
    preconditioner = LinearOperator((n_raters, n_raters), matvec=lambda v: v / safe)
    # One BLAS thread: past 10,000 raters OpenBLAS splits each dot product over every core,
    # which on a busy machine made the solve several times slower, and made its last bits
    # (and so a score sitting on a level boundary) depend on the number of cores.
    with threadpool_limits(limits=1, user_api="blas"):
        solution, info = cg(system, rhs, rtol=_SOLVER_TOLERANCE, maxiter=2000, M=preconditioner)
    return np.asarray(solution, dtype="float64"), info == 0


def _components(incidence: sparse.csr_matrix) -> IntArray:
    """Component label of each rater in the bipartite rater–cell graph."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    n_cells, n_raters = incidence.shape
    # Raters are nodes 0..n_raters-1 and cells follow; the graph is the incidence itself,
    # read as edges from cells to raters (undirected, so one direction is enough).
    edges = np.concatenate([np.zeros(n_raters, incidence.indptr.dtype), incidence.indptr])
    graph = sparse.csr_matrix(
        (incidence.data, incidence.indices, edges), shape=(n_raters + n_cells,) * 2
    )
    _, labels = connected_components(graph, directed=False)
    # Relabel densely over raters only: cells carry no effect of their own.
    _, dense = np.unique(labels[:n_raters], return_inverse=True)
    return np.asarray(dense, dtype="int64")


def _centre(effect: np.ndarray, component: np.ndarray) -> np.ndarray:
    """Effects shifted to average zero within each component: the scale stays anchored."""
    count = np.bincount(component).astype("float64")
    mean = np.bincount(component, weights=effect) / count
    return np.asarray(effect - mean[component], dtype="float64")


def _sources(rater: IntArray, source: IntArray, names: pd.Index, n_raters: int) -> ObjectArray:
    """Per rater, the sources they rated as, most used first then by name, joined by ", "."""
    label = np.append(np.asarray(names, dtype=str), "")  # "": a missing source
    by_name = np.argsort(label, kind="stable")
    counts = np.bincount(rater * len(label) + source, minlength=n_raters * len(label))
    counts = counts.reshape(n_raters, len(label))[:, by_name]
    # A stable sort of the name-ordered columns by count: ties stay in name order.
    order = np.argsort(-counts, axis=1, kind="stable")
    used = np.take_along_axis(counts, order, axis=1) > 0
    # Tens of thousands of raters but a handful of patterns (the used columns in order, as
    # digits of one number, 0 for unused): join each pattern once.
    digits = np.where(used, order + 1, 0)
    if (len(label) + 1) ** len(label) < 2**62:
        pattern = np.ravel_multi_index(tuple(digits.T), (len(label) + 1,) * len(label))
        _, first, which = np.unique(pattern, return_index=True, return_inverse=True)
    else:  # so many sources that the number would overflow: compare the rows themselves
        _, first, which = np.unique(digits, axis=0, return_index=True, return_inverse=True)
    names_in_order = label[by_name]
    text = [", ".join(names_in_order[j - 1] for j in digits[i] if j) for i in first]
    return np.asarray(text, dtype=object)[which.reshape(-1)]


def _cells(ratings: pd.DataFrame, rows: IntArray) -> tuple[IntArray, IntArray, pd.Index]:
    """Each rating's cell, numbered as pd.factorize would; each cell's person code; their labels."""
    period, _ = _codes_of(ratings["period"], rows)
    person, people = _codes_of(ratings["employee_id"], rows)
    competency, competencies = _codes_of(ratings["competency"], rows)
    n_people, n_competencies = len(people) + 1, len(competencies) + 1  # + 1: missing
    # Cells are numbered in order of first appearance, as pd.factorize numbers them: that
    # order fixes the sparse layout and so the solver's arithmetic to the last bit.
    cell, key = _first_seen((period * n_people + person) * n_competencies + competency)
    return cell, key // n_competencies % n_people, people


def _numbered(column: pd.Series, rows: IntArray) -> tuple[IntArray, ObjectArray]:
    """Codes of a column at `rows` numbered by first appearance, and the label of each code."""
    codes, labels = _codes_of(column, rows)
    numbered, original = _first_seen(codes)
    return numbered, _label_of(labels, original)


def _codes_of(column: pd.Series, rows: IntArray) -> tuple[IntArray, pd.Index]:
    """Codes of a column's values at `rows`, missing = len(labels); and the labels."""
    # A categorical column brings its codes along: millions of ids are never hashed.
    if isinstance(column.dtype, pd.CategoricalDtype):
        raw, labels = column.cat.codes.to_numpy(), pd.Index(column.cat.categories)
        codes = np.asarray(raw.take(rows), dtype=np.int64)
    else:
        found, distinct = pd.factorize(column.iloc[rows])
        codes, labels = np.asarray(found, dtype=np.int64), pd.Index(distinct)
    missing = codes < 0
    if missing.any():
        codes[missing] = len(labels)
    return codes, labels


def _label_of(labels: pd.Index, codes: IntArray) -> ObjectArray:
    """The labels of codes from `_codes_of`; None for the missing code."""
    table = np.full(len(labels) + 1, None, dtype=object)
    table[:-1] = np.asarray(labels, dtype=object)
    return table[codes]


def _first_seen(codes: IntArray) -> tuple[IntArray, IntArray]:
    """Codes renumbered 0..k-1 by first appearance, as pd.factorize does; each one's old code."""
    top = int(codes.max(initial=-1)) + 1
    if top > 4 * codes.size:  # a wide range: hashing beats a table of every possible code
        dense, distinct = pd.factorize(codes)
        return dense.astype(np.int64), np.asarray(distinct, dtype=np.int64)
    first = np.full(top, codes.size, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(codes.size))
    present = np.flatnonzero(first < codes.size)
    distinct = present[np.argsort(first[present])]
    number = np.zeros(top, dtype=np.int64)
    number[distinct] = np.arange(distinct.size)
    return number[codes], distinct
