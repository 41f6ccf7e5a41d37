"""A target role's sustain window as arrays: person × quarter × competency, each rule's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from skillkit import periods
from skillkit.framework import Framework
from skillkit.keycodes import KeyCodes
from skillkit.rubric import ReadinessRule


def sustain_window(period: str, quarters: int, reviewed: tuple[str, ...] | None) -> list[str]:
    """The reviewed quarter and the reviews before it, latest first."""
    if reviewed is None:
        return [periods.shift(period, -k) for k in range(quarters)]
    earlier = sorted(
        (p for p in reviewed if periods.to_ordinal(p) < periods.to_ordinal(period)),
        key=periods.to_ordinal,
        reverse=True,
    )
    return [period, *earlier[: quarters - 1]]


@dataclass(frozen=True)
class Keys:
    """The scores' and KPIs' keys as integer codes, found once for every target role."""

    everyone: pd.Index  # the employee_id of everyone assessed
    score_person: np.ndarray  # per score row, its person's position in `everyone` (-1: none)
    score_period: KeyCodes
    score_competency: np.ndarray  # per score row, its competency's position in the framework
    kpi_person: np.ndarray  # per KPI row, its person's position in `everyone` (-1: none)
    kpi_ordinal: np.ndarray  # per KPI row, its quarter's ordinal
    kpi_name: KeyCodes
    kpi_value: np.ndarray  # float64, NaN where missing

    @classmethod
    def of(
        cls, scores: pd.DataFrame, kpis: pd.DataFrame, ids: pd.Series, framework: Framework
    ) -> Keys:
        """The codes of `scores` and `kpis` for the people `ids`."""
        everyone = pd.Index(ids.to_numpy())
        kpi_period = KeyCodes.of(kpis["period"])
        # A few quarters among many rows: each distinct label is parsed once.
        ordinal = np.array([periods.to_ordinal(p) for p in kpi_period.distinct], dtype="int64")
        return cls(
            everyone=everyone,
            score_person=KeyCodes.of(scores["employee_id"]).positions(everyone),
            score_period=KeyCodes.of(scores["period"]),
            score_competency=KeyCodes.of(scores["competency"]).positions(framework.competency_ids),
            kpi_person=KeyCodes.of(kpis["employee_id"]).positions(everyone),
            kpi_ordinal=np.append(ordinal, -1)[kpi_period.codes],
            kpi_name=KeyCodes.of(kpis["kpi"]),
            kpi_value=_float(kpis["value"]),
        )

    def members(self, ids: pd.Series) -> np.ndarray:
        """Per position in `everyone`, its position among `ids` (-1: not one of them; last: -1)."""
        renumber = np.full(len(self.everyone) + 1, -1)
        renumber[self.everyone.get_indexer(pd.Index(ids.to_numpy()))] = np.arange(len(ids))
        return renumber


@dataclass(frozen=True)
class Cells:
    """Person × quarter × competency in a role's sustain window (latest quarter first)."""

    competencies: list[str]
    row: np.ndarray  # the cell's row in scores (-1: none)
    level: np.ndarray  # float64, NaN where unobserved
    met: np.ndarray  # the level reaches the role's target
    too_far: np.ndarray  # more than max_levels_below short, or unobserved
    sufficient: np.ndarray  # evidence is sufficient
    required: np.ndarray  # per competency: the role's target level
    weight: np.ndarray  # per competency: its weight for the role
    gate: np.ndarray  # per competency: whether it is a gate


def window_cells(
    members: np.ndarray,
    n_people: int,
    window: list[str],
    role_id: str,
    rule: ReadinessRule,
    scores: pd.DataFrame,
    keys: Keys,
    framework: Framework,
) -> Cells:
    """Person × quarter × competency in the sustain window, with the target role's levels."""
    role = framework.role(role_id)
    competencies = list(framework.competency_ids)
    shape = (n_people, len(window), len(competencies))
    person = members[keys.score_person]
    quarter = keys.score_period.positions(window)
    found = np.flatnonzero((person >= 0) & (quarter >= 0) & (keys.score_competency >= 0))
    # Scores hold one row per period × person × competency, so each cell has at most one.
    row = np.full(int(np.prod(shape)), -1)
    cell = (person[found] * shape[1] + quarter[found]) * shape[2] + keys.score_competency[found]
    row[cell] = found
    level = _float(_take(scores, "level", row)).reshape(shape)
    required = np.array([role.targets[c] for c in competencies], dtype="float64")
    evidence = pd.Series(_take(scores, "evidence", row))
    return Cells(
        competencies=competencies,
        row=row.reshape(shape),
        level=level,
        met=level >= required,  # an unobserved level never meets one
        too_far=~((required - level) <= rule.max_levels_below),
        sufficient=evidence.eq("sufficient").to_numpy(dtype=bool, na_value=False).reshape(shape),
        required=required,
        weight=np.array([role.weight(c) for c in competencies], dtype="float64"),
        gate=np.isin(np.array(competencies, dtype=object), list(rule.gates)),
    )


def _take(scores: pd.DataFrame, column: str, rows: np.ndarray) -> Any:
    """The column's values at `rows`, missing where a row is -1 (as a left merge leaves them)."""
    if column not in scores:
        return np.full(len(rows), np.nan)
    return pd.api.extensions.take(scores[column].array, rows, allow_fill=True)


def _float(values: Any) -> np.ndarray:
    """Values as float64, NaN where missing."""
    floats: np.ndarray = pd.Series(values).to_numpy(dtype="float64", na_value=np.nan)
    return floats


def latest_cells(cells: Cells, ids: np.ndarray, scores: pd.DataFrame) -> pd.DataFrame:
    """The reviewed quarter's cells as the plan reads them: one row per person × competency."""
    n_people, n_competencies = len(ids), len(cells.competencies)
    row = cells.row[:, 0, :].ravel()
    return pd.DataFrame(
        {
            "employee_id": np.repeat(ids, n_competencies),
            "competency": np.tile(np.array(cells.competencies, dtype=object), n_people),
            "level": _take(scores, "level", row),
            "score": _take(scores, "score", row),
            "required": np.tile(cells.required, n_people),
            "weight": np.tile(cells.weight, n_people),
            "gate": np.tile(cells.gate, n_people),
            "met": cells.met[:, 0, :].ravel(),
        }
    )


@dataclass(frozen=True)
class Quarters:
    """Each rule's outcome per person × quarter of the window (latest first)."""

    gates_ok: np.ndarray
    coverage: np.ndarray
    coverage_ok: np.ndarray
    below_ok: np.ndarray
    evidence_ok: np.ndarray
    has_data: np.ndarray

    @property
    def core_ok(self) -> np.ndarray:
        """The level rules: gates, coverage and nothing too far below."""
        core: np.ndarray = self.gates_ok & self.coverage_ok & self.below_ok
        return core


def per_quarter(cells: Cells, rule: ReadinessRule) -> Quarters:
    """Each rule's outcome per person and quarter."""
    has_data = np.any(~np.isnan(cells.level), axis=2)
    unsure = np.any(cells.gate & ~cells.sufficient, axis=2)
    coverage = _coverage(cells)
    return Quarters(
        gates_ok=~np.any(cells.gate & ~cells.met, axis=2),
        coverage=coverage,
        coverage_ok=coverage >= rule.min_coverage - 1e-9,
        below_ok=~np.any(cells.too_far, axis=2),
        evidence_ok=~unsure if rule.evidence_on_gates else has_data,
        has_data=has_data,
    )


def _coverage(cells: Cells) -> np.ndarray:
    """Per person × quarter, the weighted share of competencies at their target level."""
    shape = cells.met.shape
    weights = pd.DataFrame(
        {
            "met": (cells.weight * cells.met).ravel(),
            "all": np.broadcast_to(cells.weight, shape).ravel(),
        }
    )
    # pandas' group sums are compensated (Kahan), numpy's are not: the same sums as ever, bit
    # for bit, whatever the weights.
    sums = weights.groupby(np.arange(shape[0] * shape[1]).repeat(shape[2])).sum()
    share: np.ndarray = (sums["met"] / sums["all"]).to_numpy().reshape(shape[:2])
    return share
