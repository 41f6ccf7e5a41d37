"""How sure a readiness call is: the rules re-decided on bootstrap resamples of the raters.

In each draw, the raters of every person, quarter and source are resampled with replacement
(a stratified bootstrap: the same number of raters, some counted twice, some left out), the
scores are recombined from the resampled, calibrated ratings exactly as scoring combines them,
and the level rules are decided again. The share of draws in which every rule holds, in every
quarter of the sustain window, is the ready probability.

- The unit is the rater, not the rating: a rater's ratings of one person in one quarter move
  together, so a generous rater lifts every competency they rated at once.
- Quarters are strata, each resampled on its own. A quarter is never dropped from or repeated
  in the window: the rules need every quarter of it, and a resample that skipped a failed
  quarter would answer a different question.
- Calibration effects, KPI evidence, evidence counts, time in role and KPI rules are taken as
  decided. A source with a single rater cannot vary (it is resampled to itself): a score
  resting on one rater has no spread here, which the interval on the page still shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from skillkit.framework import Framework
from skillkit.keycodes import KeyCodes
from skillkit.readiness import Readiness
from skillkit.readiness_window import sustain_window
from skillkit.rubric import ReadinessRule, Rubric

if TYPE_CHECKING:
    from skillkit.calibration import Calibration

DRAWS = 200
SEED = 20261126  # fixed: the same inputs give the same probabilities
BLOCK = 250  # people per block: the draw arrays are cells × sources × draws
FIXED_FLAGS = ("evidence_ok", "role_time_ok", "kpi_ok")


@dataclass(frozen=True)
class _Coded:
    """A role's window ratings as integer codes, sorted by person, quarter, source, rater."""

    person: np.ndarray  # position in the people assessed for the role
    quarter: np.ndarray  # position in the sustain window
    competency: np.ndarray  # position in the framework
    source: np.ndarray  # position in the weighted sources
    rater: np.ndarray  # any code that tells raters apart
    value: np.ndarray  # calibrated rating

    @classmethod
    def sorted(cls, **columns: np.ndarray) -> _Coded:
        """The rows in person, quarter, source, rater order."""
        keys = [columns[k] for k in ("person", "quarter", "source", "rater")]
        low = [int(k.min(initial=0)) for k in keys]
        sizes = [int(k.max(initial=0)) - lo + 1 for k, lo in zip(keys, low, strict=True)]
        if math.prod(sizes) < 2**62:
            # One stable sort of a mixed-radix key orders the rows exactly as a lexsort of the
            # four columns does (ties keep their order either way), several times faster.
            key = np.zeros(len(keys[0]), dtype=np.int64)
            for k, lo, size in zip(keys, low, sizes, strict=True):
                key = key * size + (k - lo)
            order = np.argsort(key, kind="stable")
        else:
            order = np.lexsort(keys[::-1])
        return cls(**{name: column[order] for name, column in columns.items()})

    def only(self, people: np.ndarray) -> _Coded:
        """The rows of the people at positions `people` (sorted), renumbered 0, 1, …"""
        renumber = np.full(int(self.person.max(initial=-1)) + 2, -1)
        renumber[people] = np.arange(len(people))
        person = renumber[self.person]
        keep = person >= 0
        kept = {name: column[keep] for name, column in vars(self).items()}
        return _Coded(**{**kept, "person": person[keep]})

    def strata(self) -> tuple[np.ndarray, np.ndarray]:
        """Per row, its unit (one rater in one person × quarter × source) and stratum."""
        step = (np.diff(self.person) != 0) | (np.diff(self.quarter) != 0)
        new_stratum = np.r_[True, step | (np.diff(self.source) != 0)]
        new_unit = new_stratum | np.r_[True, np.diff(self.rater) != 0]
        return np.cumsum(new_unit) - 1, np.cumsum(new_stratum) - 1


def ready_probability(
    readiness: Readiness,
    ratings: pd.DataFrame,
    scores: pd.DataFrame,
    framework: Framework,
    rubric: Rubric,
    period: str,
    reviewed: tuple[str, ...] | None = None,
    calibration: Calibration | None = None,
    draws: int = DRAWS,
) -> pd.Series:
    """Per employee_id, the share of bootstrap draws in which every rule holds (NaN: none)."""
    people = readiness.people.set_index(readiness.people["employee_id"].astype(str))
    result = pd.Series(np.nan, index=people.index, name="ready_probability")
    # Self-ratings never count in a score (the rubric's sources cannot name them).
    weighted = {str(s): w for s, w in rubric.sources.items() if w > 0}
    sources = list(weighted)
    source_weight = np.array(list(weighted.values()), dtype="float64")
    competencies = list(framework.competency_ids)
    keys = _Keys.of(ratings, scores)
    for role_id, group in people.groupby(people["target_role"].astype(str), sort=True):
        if not role_id:
            continue
        rule = rubric.readiness.rule_for(role_id)
        window = sustain_window(period, rule.sustain_quarters, reviewed)
        ids = list(group.index)
        role = framework.role(role_id)
        bar = _Bar(
            required=np.array([role.targets[c] for c in competencies], dtype="float64"),
            weight=np.array([role.weight(c) for c in competencies], dtype="float64"),
            gate=np.isin(competencies, list(rule.gates)),
        )
        coded = _coded(ratings, keys, group.index, window, competencies, sources, calibration)
        kpi = _kpi_cube(keys, group.index, window, competencies)
        fixed = group[list(FIXED_FLAGS)].fillna(False).astype(bool).all(axis=1).to_numpy()
        # Every rule rises with the scores, and a resampled mean never exceeds its best
        # rating: whoever fails with every cell at its best fails in every draw. Only the
        # others are resampled, which in a typical agency is a small minority.
        best = _blend(_best_ratings(coded, kpi.shape), kpi.reshape(-1, 1), rubric.kpi_weight)
        possible = _held(best.reshape(*kpi.shape, 1), bar, rule, rubric) * fixed > 0
        held = np.zeros(len(ids))
        if len(window) >= rule.sustain_quarters and possible.any():
            chosen = np.flatnonzero(possible)
            held[chosen] = _resampled_share(
                coded.only(chosen),
                kpi[chosen],
                [ids[i] for i in chosen],
                window,
                sources,
                source_weight,
                bar,
                rule,
                rubric,
                draws,
            )
        result[ids] = held
    return result


@dataclass(frozen=True)
class _Bar:
    """The target role's level per competency, its weight, and whether it is a gate."""

    required: np.ndarray
    weight: np.ndarray
    gate: np.ndarray


@dataclass(frozen=True)
class _Keys:
    """The ratings' and scores' text keys as codes, found once for every target role."""

    rating_period: KeyCodes
    rating_person: KeyCodes
    rating_source: KeyCodes
    rating_competency: KeyCodes
    rated: np.ndarray  # the rating is there
    score_period: KeyCodes
    score_person: KeyCodes
    score_competency: KeyCodes
    kpi_score: np.ndarray | None  # float64, NaN where none; None: no KPI evidence at all

    @classmethod
    def of(cls, ratings: pd.DataFrame, scores: pd.DataFrame) -> _Keys:
        """The codes of the ratings' and scores' keys."""
        kpi = scores.get("kpi_score")
        return cls(
            rating_period=KeyCodes.of(ratings["period"]),
            rating_person=KeyCodes.of(ratings["employee_id"]),
            rating_source=KeyCodes.of(ratings["source"]),
            rating_competency=KeyCodes.of(ratings["competency"]),
            rated=ratings["rating"].notna().to_numpy(dtype=bool),
            score_period=KeyCodes.of(scores["period"]),
            score_person=KeyCodes.of(scores["employee_id"]),
            score_competency=KeyCodes.of(scores["competency"]),
            kpi_score=None if kpi is None else kpi.to_numpy(dtype="float64", na_value=np.nan),
        )


def _coded(
    ratings: pd.DataFrame,
    keys: _Keys,
    ids: pd.Index,
    window: list[str],
    competencies: list[str],
    sources: list[str],
    calibration: Calibration | None,
) -> _Coded:
    """The weighted sources' ratings of `ids` in the window, calibrated, as sorted codes."""
    observed = np.flatnonzero((keys.rating_period.positions(window) >= 0) & keys.rated)
    person = keys.rating_person.positions(ids, observed)
    source = keys.rating_source.positions(sources, observed)
    competency = keys.rating_competency.positions(competencies, observed)
    keep = (person >= 0) & (source >= 0) & (competency >= 0)
    picked = observed[keep]
    # One take of the rows and columns wanted, rather than filtering every column of the table
    # twice (the comments above all: millions of strings at 100,000 people, never read here).
    wanted = [c for c in ("rater_id", "source", "rating", "calibrated") if c in ratings]
    rows = ratings[wanted].take(picked)
    if calibration is not None:
        value = calibration.adjust(rows)
    elif "calibrated" in rows:
        value = rows["calibrated"]
    else:
        value = rows["rating"]
    return _Coded.sorted(
        person=person[keep],
        quarter=keys.rating_period.positions(window, picked),
        competency=competency[keep],
        source=source[keep],
        rater=pd.factorize(rows["rater_id"])[0],
        value=value.to_numpy(dtype="float64"),
    )


def _best_ratings(coded: _Coded, cube: tuple[int, ...]) -> np.ndarray:
    """Cell × 1: the highest rating of each cell (NaN: none), the most any resample can give."""
    cell = (coded.person * cube[1] + coded.quarter) * cube[2] + coded.competency
    best = np.full(int(np.prod(cube)), -np.inf)
    np.maximum.at(best, cell, coded.value)
    return np.where(np.isneginf(best), np.nan, best)[:, None]


def _blend(rating_score: np.ndarray, kpi: np.ndarray, kpi_weight: float) -> np.ndarray:
    """As scoring blends them: both when both exist, else whichever exists."""
    both = (1 - kpi_weight) * rating_score + kpi_weight * kpi
    blended = np.where(np.isnan(kpi), rating_score, both)
    return np.where(np.isnan(rating_score), kpi, blended)


def _kpi_cube(keys: _Keys, ids: pd.Index, window: list[str], competencies: list[str]) -> np.ndarray:
    """Person × quarter × competency KPI evidence (NaN where none) from the scores table."""
    cube = np.full((len(ids), len(window), len(competencies)), np.nan)
    if keys.kpi_score is None:
        return cube
    quarter = keys.score_period.positions(window)
    rows = np.flatnonzero((quarter >= 0) & ~np.isnan(keys.kpi_score))
    index = (
        keys.score_person.positions(ids, rows),
        quarter[rows],
        keys.score_competency.positions(competencies, rows),
    )
    found = (index[0] >= 0) & (index[2] >= 0)
    cube[tuple(i[found] for i in index)] = keys.kpi_score[rows][found]
    return cube


def _resampled_share(
    coded: _Coded,
    kpi: np.ndarray,
    ids: list[str],
    window: list[str],
    sources: list[str],
    source_weight: np.ndarray,
    bar: _Bar,
    rule: ReadinessRule,
    rubric: Rubric,
    draws: int,
) -> np.ndarray:
    """Per person, the share of bootstrap draws in which the level rules hold, block by block."""
    unit, stratum = coded.strata()
    hashes = _stratum_hashes(coded, stratum, ids, window, sources)
    held = np.zeros(len(ids))
    for first in range(0, len(ids), BLOCK):
        last = min(first + BLOCK, len(ids))
        lo, hi = (int(i) for i in np.searchsorted(coded.person, [first, last]))
        cube = (last - first, *kpi.shape[1:])
        rating_score = np.full((int(np.prod(cube)), draws), np.nan)
        if hi > lo:
            rows = slice(lo, hi)
            counts = _bootstrap_counts(unit[rows], stratum[rows], hashes, draws)
            rating_score = _resampled_means(coded, rows, unit, counts, cube, first, source_weight)
        evidence = kpi[first:last].reshape(-1, 1)
        drawn = _blend(rating_score, evidence, rubric.kpi_weight)
        held[first:last] = _held(drawn.reshape(*cube, draws), bar, rule, rubric)
    return held


def _stratum_hashes(
    coded: _Coded, stratum: np.ndarray, ids: list[str], window: list[str], sources: list[str]
) -> np.ndarray:
    """Per stratum, a hash of its person, quarter and source labels (not of their positions).

    The resamples are drawn from these, not from a stream: a person's draws do not depend on
    who else is in the data or in which order.
    """
    first = np.flatnonzero(np.r_[True, np.diff(stratum) != 0])

    def hashed(labels: Sequence[str]) -> np.ndarray:
        return pd.util.hash_array(np.asarray(labels, dtype=object))  # fixed-key SipHash

    person = hashed(ids)[coded.person[first]]
    quarter = hashed(window)[coded.quarter[first]]
    source = hashed(sources)[coded.source[first]]
    return _mix(person ^ _mix(quarter ^ _mix(source + np.uint64(SEED))))


def _resampled_means(
    coded: _Coded,
    rows: slice,
    unit: np.ndarray,
    counts: np.ndarray,
    cube: tuple[int, ...],
    first: int,
    source_weight: np.ndarray,
) -> np.ndarray:
    """Cell × draw: the weighted mean, over sources present, of each source's resampled mean."""
    n_cells, n_sources, draws = int(np.prod(cube)), len(source_weight), counts.shape[1]
    column = unit[rows] - unit[rows.start]
    cell = ((coded.person[rows] - first) * cube[1] + coded.quarter[rows]) * cube[2]
    group = (cell + coded.competency[rows]) * n_sources + coded.source[rows]
    shape = (n_cells * n_sources, len(counts))
    values = sparse.csr_matrix((coded.value[rows], (group, column)), shape=shape)
    ones = sparse.csr_matrix((np.ones(len(column)), (group, column)), shape=shape)
    taken = (ones @ counts).reshape(n_cells, n_sources, draws)
    total = (values @ counts).reshape(n_cells, n_sources, draws)
    present = taken > 0  # a source whose raters all fell out of this draw is absent from it
    mean = np.divide(total, taken, out=np.zeros_like(total), where=present)
    # Renormalised over the sources present in each draw, as scoring does over those observed.
    weight = source_weight[None, :, None] * present
    numerator = (weight * mean).sum(axis=1)
    denominator = weight.sum(axis=1)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _bootstrap_counts(
    unit: np.ndarray, stratum: np.ndarray, hashes: np.ndarray, draws: int
) -> np.ndarray:
    """Unit × draw: how often each rater is drawn when each stratum draws as many as it has."""
    firsts = np.flatnonzero(np.r_[True, np.diff(unit) != 0])  # first row of each unit
    stratum_of_unit = stratum[firsts]
    n_units = len(firsts)
    local = np.cumsum(np.r_[False, np.diff(stratum_of_unit) != 0])  # strata from 0 here
    start = np.flatnonzero(np.r_[True, np.diff(stratum_of_unit) != 0])
    size = np.diff(np.r_[start, n_units])
    slot = (np.arange(n_units) - start[local]).astype(np.uint64)
    key = _mix(hashes[stratum_of_unit] ^ _mix(slot + np.uint64(SEED)))
    draw = _mix(np.arange(draws, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15))
    uniform = (_mix(key[:, None] ^ draw[None, :]) >> np.uint64(11)) * 2.0**-53
    picked = start[local][:, None] + (uniform * size[local][:, None]).astype(np.int64)
    flat = (picked * draws + np.arange(draws)[None, :]).ravel()
    return np.bincount(flat, minlength=n_units * draws).reshape(n_units, draws).astype("float64")


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a fixed, well-mixed 64-bit hash of each value."""
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = x ^ (x >> np.uint64(31))
    return mixed


def _held(drawn: np.ndarray, bar: _Bar, rule: ReadinessRule, rubric: Rubric) -> np.ndarray:
    """Per person, the share of draws in which the level rules hold in every window quarter."""
    scale = rubric.scale
    level = np.clip(np.floor(drawn + scale.level_tolerance), scale.min, scale.max)
    required = bar.required[:, None]  # person × quarter × competency × draw broadcasts
    met = level >= required  # a missing score never meets a level
    # As the rules read it: a missing level is "too far below" too.
    too_far = ~((required - level) <= rule.max_levels_below)
    gates_ok = ~(bar.gate[:, None] & ~met).any(axis=2)
    coverage = (bar.weight[:, None] * met).sum(axis=2) / bar.weight.sum()
    coverage_ok = coverage >= rule.min_coverage - 1e-9
    below_ok = ~too_far.any(axis=2)
    core = gates_ok & coverage_ok & below_ok  # person × quarter × draw
    return np.asarray(core.all(axis=1).mean(axis=1), dtype="float64")
