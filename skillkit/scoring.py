"""Scores per quarter × person × competency: weighted sources, KPI evidence, level, interval."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from skillkit import periods
from skillkit.framework import Framework
from skillkit.rubric import Rubric
from skillkit.text_columns import row_keys

if TYPE_CHECKING:  # only the type: scoring takes the calibration, it never fits one
    from skillkit.calibration import Calibration

CELL = ["period", "employee_id", "competency"]
SCORE_COLUMNS = [
    "period",
    "employee_id",
    "competency",
    "score_raw",
    "score",
    "level",
    "target_level",
    "gap",
    "n_raters",
    "ci_low",
    "ci_high",
    "evidence",
]
Z_95 = 1.959964
DEFAULT_SIGMA = 0.75  # rater disagreement assumed when the data cannot estimate it
MIN_SIGMA = 0.25  # floor: near-unanimous raters still leave some uncertainty


def kpi_levels(kpis: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Level (1..5) each KPI value reaches under the rubric's thresholds."""
    if kpis.empty:
        return kpis.assign(kpi_level=pd.Series(dtype="float64"))
    table = pd.DataFrame(
        [
            (k.id, k.direction == "lower", *(k.thresholds[n] for n in (2, 3, 4, 5)))
            for k in rubric.kpis
        ],
        columns=["kpi", "lower", "t2", "t3", "t4", "t5"],
    )
    merged = kpis.assign(kpi=kpis["kpi"].astype(str)).merge(table, on="kpi", how="inner")
    value = merged["value"].to_numpy(dtype="float64")
    thresholds = merged[["t2", "t3", "t4", "t5"]].to_numpy(dtype="float64")
    lower = merged["lower"].to_numpy(dtype=bool)[:, None]
    met = np.where(lower, value[:, None] <= thresholds, value[:, None] >= thresholds)
    merged["kpi_level"] = 1.0 + met.sum(axis=1)
    merged.loc[np.isnan(value), "kpi_level"] = np.nan
    return merged.drop(columns=["lower", "t2", "t3", "t4", "t5"])


def kpi_evidence(kpis: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Per cell, the weighted mean level of the KPIs that evidence the competency."""
    links = pd.DataFrame(
        [(k.id, c, w) for k in rubric.kpis for c, w in k.evidences.items()],
        columns=["kpi", "competency", "kpi_w"],
    )
    levels = kpi_levels(kpis, rubric).dropna(subset=["kpi_level"])
    if levels.empty:
        return pd.DataFrame(columns=[*CELL, "kpi_score"])
    joined = levels.merge(links, on="kpi")
    joined["weighted"] = joined["kpi_level"] * joined["kpi_w"]
    sums = joined.groupby(CELL, observed=True)[["weighted", "kpi_w"]].sum()
    return (sums["weighted"] / sums["kpi_w"]).rename("kpi_score").reset_index()


def _rater_sigma(
    sq: np.ndarray, dof: np.ndarray, competency: np.ndarray, competencies: pd.Index
) -> pd.Series:
    """Per competency, the pooled spread of raters around each cell's mean (for intervals).

    `sq` and `dof` are each other-rater rating's squared residual from its cell's mean and its
    share of the cell's degrees of freedom; `competency` its competency's code in `competencies`.
    """
    pooled = pd.DataFrame({"sq": sq, "dof": dof}).groupby(competency).sum()
    pooled.index = competencies[pooled.index.to_numpy()]
    sigma = (pooled["sq"] / pooled["dof"].where(pooled["dof"] > 0)) ** 0.5
    return sigma.fillna(DEFAULT_SIGMA).clip(lower=MIN_SIGMA)


def combine_sources(ratings: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Weighted mean over the sources present, renormalised, with its standard error.

    Both the ratings as given (`rating`) and as calibrated (`calibrated`, when present) are
    combined in the same pass; the interval reflects the calibrated spread.
    """
    keys = {k: ratings[k].astype("category") for k in [*CELL, "source", "rater_id"]}
    rating = ratings["rating"].to_numpy(dtype="float64")
    calibrated = (
        ratings["calibrated"].to_numpy(dtype="float64") if "calibrated" in ratings else rating
    )
    # The code of "self" among the sources; -1, which no rating has, when nobody rated themselves.
    own = int(keys["source"].cat.categories.get_indexer(pd.Index(["self"]))[0])
    rated = ~np.isnan(rating)
    other = rated & (keys["source"].cat.codes.to_numpy() != own)
    # Each other-rater rating's place among them all, in row order: the spread is pooled
    # over every quarter in one pass's order, and so with one pass's rounding.
    place = np.cumsum(other, dtype=np.int32 if len(other) < 2**31 else np.int64) - 1
    sq, dof = np.empty(np.count_nonzero(other)), np.empty(np.count_nonzero(other))
    parts = []
    # The period is the cell key's first digit: the quarters' cells, in code order, come out in
    # the order one pass over them all would give.
    for rows in periods.rows_by_quarter(keys["period"], rated):
        part, others, part_sq, part_dof = _combine_quarter(
            keys, rating, calibrated, rows, own, rubric
        )
        parts.append(part)
        sq[place[others]], dof[place[others]] = part_sq, part_dof
    del place
    if not parts:  # nothing rated: the empty table, as one quarter gives it
        parts.append(
            _combine_quarter(keys, rating, calibrated, np.flatnonzero(rated), own, rubric)[0]
        )
    combined = pd.concat(parts)
    competency = keys["competency"].cat
    sigma = (
        pd.Series(dtype="float64")
        if not len(sq)
        else _rater_sigma(sq, dof, competency.codes.to_numpy()[other], competency.categories)
    )
    combined = pd.concat(
        [_cell_keys(combined.index, keys), combined.reset_index(drop=True)], axis=1
    )
    combined["sigma"] = _per_category(combined["competency"], sigma, DEFAULT_SIGMA)
    return combined  # keys stay categorical: `score` joins on their codes


def _combine_quarter(
    keys: dict[str, pd.Series],
    rating: np.ndarray,
    calibrated: np.ndarray,
    rows: np.ndarray,
    own: int,
    rubric: Rubric,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """One quarter's cells (indexed by `_cell_key`, which orders them as one pass over every
    quarter would), its other raters' rows, and their squared residuals and degrees of freedom.
    """
    cell = _cell_key({column: keys[column].iloc[rows] for column in CELL})
    source_codes = keys["source"].array.codes[rows]  # .array: no Series of 42 million codes
    is_other = source_codes != own
    others, selves = rows[is_other], rows[~is_other]
    cell_others, sources = cell[is_other], keys["source"].cat.categories
    cell_source = cell_others * len(sources) + source_codes[is_other]
    by_source = _means_and_sizes(rating[others], calibrated[others], cell_source)
    by_source["_cell"] = by_source.index.to_numpy() // len(sources)
    by_source["source"] = _from_codes(by_source.index.to_numpy() % len(sources), keys["source"])
    weights = pd.Series(rubric.sources, dtype="float64")
    by_source["w"] = _per_category(by_source["source"], weights, 0.0)
    by_source = by_source[by_source["w"] > 0]
    by_source["wm"] = by_source["w"] * by_source["mean"]
    by_source["wraw"] = by_source["w"] * by_source["raw"]
    by_source["w2n"] = by_source["w"] ** 2 / by_source["size"]
    by_source["n_manager"] = np.where(by_source["source"] == "manager", by_source["size"], 0)
    columns = ["w", "wm", "wraw", "w2n", "n_manager"]
    cells = by_source.groupby("_cell")[columns].sum()
    combined = pd.DataFrame(
        {
            "rating_score": cells["wm"] / cells["w"],
            "rating_score_raw": cells["wraw"] / cells["w"],
            "se_factor": np.sqrt(cells["w2n"]) / cells["w"],
            "n_manager": cells["n_manager"].astype("int64"),
        }
    )
    rater = keys["rater_id"].array
    combined["n_raters"] = _distinct_raters(cell_others, rater.codes[others], len(rater.categories))
    self_rating = pd.Series(rating[selves]).groupby(cell[~is_other]).mean().rename("self_rating")
    combined = combined.join(self_rating, how="outer")
    cell_mean, cell_n = _cell_means(calibrated[others], cell_others)
    sq = (calibrated[others] - cell_mean) ** 2
    return combined, others, sq, (cell_n - 1) / cell_n


def _cell_means(values: np.ndarray, cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's cell mean and cell size (the group-by freed on return, as above)."""
    cells = pd.Series(values).groupby(cell)
    return cells.transform("mean").to_numpy(), cells.transform("size").to_numpy()


def _means_and_sizes(raw: np.ndarray, mean: np.ndarray, group: np.ndarray) -> pd.DataFrame:
    """Per group, the mean of `raw` and of `mean`, and the group's size.

    A function of its own so that the group-by and its cached codes (some 150 MB at 4 million
    ratings) are freed before the next step, not held to the end of `_combine_quarter`.
    """
    groups = pd.DataFrame({"raw": raw, "mean": mean}).groupby(group)
    table = groups.mean()
    table["size"] = groups.size()
    return table


def _cell_key(keys: dict[str, pd.Series]) -> np.ndarray:
    """Each row's cell (period, employee, competency) as one int64, ordered as the keys are."""
    cell = row_keys([keys[column] for column in CELL])
    # Three keys overflow only past 2^62 cells: billions of people.
    assert cell is not None, "more cells than an int64 numbers"
    return cell


def _cell_keys(cells: pd.Index, keys: dict[str, pd.Series]) -> pd.DataFrame:
    """The categorical key columns of the cells numbered by `_cell_key` (`row_keys`' digits)."""
    columns, rest = {}, cells.to_numpy(dtype=np.int64)
    for column in reversed(CELL):
        rest, digit = np.divmod(rest, len(keys[column].cat.categories) + 1)
        columns[column] = _from_codes(digit - 1, keys[column])
    return pd.DataFrame({column: columns[column] for column in CELL})


def _distinct_raters(cell: np.ndarray, rater: np.ndarray, n_raters: int) -> pd.Series:
    """Per cell, how many different raters rated it (one may rate under two sources)."""
    # Sorted rather than hashed: millions of distinct pairs, already nearly in order.
    pairs = np.sort(cell * n_raters + rater)
    if not len(pairs):
        return pd.Series(dtype="int64")
    cells = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] // n_raters
    starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    return pd.Series(np.diff(np.r_[starts, len(cells)]), index=cells[starts], dtype="int64")


def _from_codes(codes: np.ndarray, like: pd.Series) -> pd.Categorical:
    """Codes into the categories of the categorical column `like`."""
    return pd.Categorical.from_codes(codes, categories=like.cat.categories)


def _per_category(keys: pd.Series, values: pd.Series, missing: float) -> np.ndarray:
    """`values` looked up by each categorical key's category (`missing` where none): one lookup
    per category, then a take by code, instead of one per row."""
    categories = pd.Index(keys.cat.categories).astype(str)
    looked_up = values.reindex(categories).to_numpy(dtype="float64", na_value=np.nan)
    looked_up = np.where(np.isnan(looked_up), missing, looked_up)
    return np.append(looked_up, missing)[keys.cat.codes.to_numpy()]  # code -1: missing


def score(
    ratings: pd.DataFrame,
    kpis: pd.DataFrame,
    roles: pd.DataFrame,
    framework: Framework,
    rubric: Rubric,
    calibration: Calibration | None = None,
) -> pd.DataFrame:
    """One row per quarter × person × competency for everyone observed that quarter.

    With a `calibration`, `score` rests on the calibrated ratings and `score_raw` on the
    ratings as given; without one they are equal. The keys (period, employee_id, competency,
    role) stay categorical, categories sorted: every consumer groups and looks up on their
    codes, where text keys were factorized again by each (7 million rows at 100,000 people).
    """
    if calibration is not None:
        ratings = ratings.assign(calibrated=calibration.adjust(ratings))
    combined = combine_sources(ratings, rubric)
    evidence_kpi = kpi_evidence(kpis, rubric)
    # One categorical dtype per key, shared by every table joined below: the joins, the
    # de-duplication and the sort then run on integer codes, not on millions of strings.
    dtypes = _key_dtypes([combined, evidence_kpi, roles], framework)
    combined, evidence_kpi = (_coded(frame, dtypes) for frame in (combined, evidence_kpi))
    present = pd.concat(
        [combined[["period", "employee_id"]], evidence_kpi[["period", "employee_id"]]]
    ).drop_duplicates()
    competencies = pd.DataFrame(
        {"competency": pd.Categorical(framework.competency_ids, dtype=dtypes["competency"])}
    )
    grid = present.merge(competencies, how="cross")
    table = grid.merge(combined, on=CELL, how="left").merge(evidence_kpi, on=CELL, how="left")
    table = _blend(table, rubric)
    targets = _coded(_targets(framework), dtypes)
    table = table.merge(_coded(roles, dtypes), on=["period", "employee_id"], how="left")
    table = table.merge(targets, on=["role", "competency"], how="left")
    table["gap"] = (table["target_level"] - table["level"]).astype("Int64")
    table["_ordinal"] = periods.ordinals(table["period"])
    # Categories are sorted, so codes sort as the text does; competencies in framework order.
    place = {c: i for i, c in enumerate(framework.competency_ids)}
    order = np.array([place.get(c, len(place)) for c in dtypes["competency"].categories])
    rows = np.lexsort(
        (
            order[table["competency"].cat.codes.to_numpy()],
            table["employee_id"].cat.codes.to_numpy(),
            table["_ordinal"].to_numpy(),
        )
    )
    table = table.take(rows)
    return table.reset_index(drop=True)


def _key_dtypes(frames: list[pd.DataFrame], framework: Framework) -> dict[str, pd.CategoricalDtype]:
    """Sorted categories of every key in `frames` (and the framework's competencies and roles)."""

    def distinct(key: str) -> set[str]:
        return {str(v) for frame in frames if key in frame for v in frame[key].dropna().unique()}

    def dtype(values: Iterable[str]) -> pd.CategoricalDtype:
        return pd.CategoricalDtype(pd.Index(sorted(values), dtype=object))

    return {
        "period": dtype(distinct("period")),
        "employee_id": dtype(distinct("employee_id")),
        "competency": dtype({*framework.competency_ids, *distinct("competency")}),
        "role": dtype({*framework.role_ids, *distinct("role")}),
    }


def _coded(frame: pd.DataFrame, dtypes: dict[str, pd.CategoricalDtype]) -> pd.DataFrame:
    """`frame` with its key columns in the shared categorical dtypes (unknown values: NaN)."""
    return frame.assign(**{key: frame[key].astype(dtypes[key]) for key in dtypes if key in frame})


def _blend(table: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Blend rating and KPI evidence, then derive level, interval and evidence flags."""
    kw = rubric.kpi_weight
    kpi = table["kpi_score"]
    table["score_raw"] = _with_kpis(table["rating_score_raw"], kpi, kw)
    table["score"] = _with_kpis(table["rating_score"], kpi, kw)
    both = table["rating_score"].notna() & kpi.notna()
    se = table["sigma"].fillna(DEFAULT_SIGMA) * table["se_factor"].fillna(1.0)
    se = se.where(~both, (1 - kw) * se)
    scale = rubric.scale
    table["se"] = se.where(table["score"].notna())
    table["ci_low"] = (table["score"] - Z_95 * se).clip(lower=scale.min, upper=scale.max)
    table["ci_high"] = (table["score"] + Z_95 * se).clip(lower=scale.min, upper=scale.max)
    level = np.floor(table["score"].to_numpy(dtype="float64") + scale.level_tolerance)
    table["level"] = pd.array(np.clip(level, 1, 5), dtype="Float64").astype("Int64")
    table["n_raters"] = table["n_raters"].fillna(0).astype("int64")
    table["n_manager"] = table["n_manager"].fillna(0).astype("int64")
    rule = rubric.evidence
    # min_manager 0 switches the manager route off: only enough raters count then.
    by_manager = (table["n_manager"] >= rule.min_manager) & (rule.min_manager > 0)
    sufficient = by_manager | (table["n_raters"] >= rule.min_non_self)
    table["evidence"] = np.where(sufficient & table["score"].notna(), "sufficient", "insufficient")
    # What others see, net of their leniency: the self-awareness view compares self with this.
    # (Raw beside calibrated on one page would give a rater's effect away.)
    table["others_score"] = table["rating_score"]
    return table


def _with_kpis(rating: pd.Series, kpi: pd.Series, kpi_weight: float) -> pd.Series:
    """Rating and KPI evidence blended where both exist, else whichever exists."""
    both = rating.notna() & kpi.notna()
    return rating.where(kpi.isna(), kpi).where(~both, (1 - kpi_weight) * rating + kpi_weight * kpi)


def _targets(framework: Framework) -> pd.DataFrame:
    return pd.DataFrame(
        [(r.id, c, t, r.weight(c)) for r in framework.roles for c, t in r.targets.items()],
        columns=["role", "competency", "target_level", "weight"],
    ).astype({"target_level": "Int64"})
