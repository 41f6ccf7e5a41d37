"""Point-in-time rows for the promotion model: what was known at each quarter t, and the label.

Every feature of a row at t is computed from quarters up to t only; the label looks at the
promotions of the next H quarters, and is left empty where those quarters are not yet over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from skillkit import periods
from skillkit.history import roles_by_period
from skillkit.scoring import kpi_levels

if TYPE_CHECKING:  # the pipeline imports the model, which imports this module
    from skillkit.pipeline import Assessment

KEY_COLUMNS = ["employee_id", "period", "ordinal", "role", "label"]


def point_in_time_rows(assessment: Assessment, horizon: int) -> pd.DataFrame:
    """One row per person × quarter up to the reviewed one: features known then, and the label.

    `label` is 1.0 when a promotion takes effect in the `horizon` quarters after t, 0.0 when
    none does, NaN when t + horizon passes the reviewed quarter (the outcome is not known yet).
    Features: `level:<competency>` (the combined score on the level scale, before rater
    calibration), `gap:<competency>` to the next role's target, `slope:<competency>` over the
    rubric's trend window, `kpi:<kpi>` levels, their mean gap, largest gap and mean slope,
    `rung` and `quarters_in_role`. People at the top of the ladder have no next role, no row.
    """
    framework, rubric, records = assessment.framework, assessment.rubric, assessment.records
    comps, kpi_ids = list(framework.competency_ids), list(rubric.kpi_ids)
    # Uncalibrated scores: the rater effects behind `score` are fitted on a window ending at
    # the reviewed quarter, so they would carry later ratings back into earlier quarters.
    # Only the columns read: the whole table is 7 million rows at 100,000 people.
    columns = ["employee_id", "competency", "_ordinal", "score_raw"]
    scores = assessment.scores[columns].dropna(subset=["score_raw"])
    people = pd.Index(sorted(map(str, scores["employee_id"].unique())))
    end = periods.to_ordinal(assessment.period)
    ordinals = np.arange(int(scores["_ordinal"].min()) if len(scores) else end, end + 1)
    labels = [periods.from_ordinal(int(o)) for o in ordinals]
    levels = _cube(scores, "competency", "score_raw", people, ordinals, comps)
    kpis = kpi_levels(assessment.kpis, rubric)
    kpis["_ordinal"] = periods.ordinals(kpis["period"])
    kpi_cube = _cube(kpis, "kpi", "kpi_level", people, ordinals, kpi_ids)
    roles = roles_by_period(records.people, records.promotions, labels)
    roles["rung"] = roles["role"].map({r: float(i) for i, r in enumerate(framework.role_ids)})
    rungs = roles.pivot(index="employee_id", columns="period", values="rung")
    rungs_at = rungs.reindex(index=people, columns=labels).to_numpy(dtype="float64")
    top = len(framework.role_ids) - 1
    targets = np.array([[r.targets[c] for c in comps] for r in framework.roles], dtype="float64")
    frames = []
    for j, ordinal in enumerate(ordinals):
        # Only quarters up to t are read: every slice of the history ends at j + 1.
        level, rung = levels[:, j], np.nan_to_num(rungs_at[:, j], nan=top).astype(int)
        gap = targets[np.minimum(rung + 1, top)] - level
        slope = _slopes(levels[:, max(0, j + 1 - rubric.trend_quarters) : j + 1])
        table = {
            "employee_id": people,
            "ordinal": ordinal,
            "rung": rung,
            **{f"level:{c}": level[:, i] for i, c in enumerate(comps)},
            **{f"gap:{c}": gap[:, i] for i, c in enumerate(comps)},
            **{f"slope:{c}": slope[:, i] for i, c in enumerate(comps)},
            **{f"kpi:{k}": kpi_cube[:, j, i] for i, k in enumerate(kpi_ids)},
        }
        frames.append(pd.DataFrame(table)[~np.isnan(level).all(axis=1) & (rung < top)])
    rows = pd.concat(frames, ignore_index=True)
    rows["gap:mean"] = rows.filter(like="gap:").mean(axis=1)
    rows["gap:max"] = rows.filter(like="gap:").drop(columns="gap:mean").max(axis=1)
    rows["slope:mean"] = rows.filter(like="slope:").mean(axis=1)
    rows["quarters_in_role"] = _quarters_in_role(rows, records.people, records.promotions)
    label = pd.Series(0.0, index=rows.index)
    label[promotion_windows(rows, records.promotions, horizon)["index"].unique()] = 1.0
    rows["label"] = label.where(rows["ordinal"] + horizon <= end)
    rows["period"] = np.asarray(labels, dtype=object)[rows["ordinal"] - ordinals[0]]
    rows["role"] = np.asarray(framework.role_ids, dtype=object)[rows["rung"]]
    features = [c for c in rows.columns if c not in KEY_COLUMNS]
    ordered: pd.DataFrame = rows[KEY_COLUMNS + features]
    return ordered.sort_values(["ordinal", "employee_id"], ignore_index=True)


def _cube(
    table: pd.DataFrame, key: str, value: str, people: pd.Index, ordinals: Any, keys: list[str]
) -> Any:
    """Person × quarter × key array of `value` (NaN where absent)."""
    cube = np.full((len(people), len(ordinals), len(keys)), np.nan)
    p = people.get_indexer(pd.Index(table["employee_id"].astype(str)))
    q = table["_ordinal"].to_numpy(dtype="int64") - int(ordinals[0])
    k = pd.Index(keys).get_indexer(pd.Index(table[key].astype(str)))
    keep = (p >= 0) & (k >= 0) & (q >= 0) & (q < len(ordinals))
    cube[p[keep], q[keep], k[keep]] = table[value].to_numpy(dtype="float64")[keep]
    return cube


def _slopes(history: Any) -> Any:
    """Least-squares slope per person × competency over the quarters given (NaN below two)."""
    seen = ~np.isnan(history)
    x = np.where(seen, np.arange(history.shape[1], dtype="float64")[None, :, None], 0.0)
    y = np.where(seen, history, 0.0)
    n, sx, sy = seen.sum(axis=1), x.sum(axis=1), y.sum(axis=1)
    denominator = n * (x * x).sum(axis=1) - sx * sx
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, (n * (x * y).sum(axis=1) - sx * sy) / denominator, np.nan)


def _promotions(promotions: pd.DataFrame) -> pd.DataFrame:
    """Promotions as employee_id and the ordinal of the quarter they took effect in."""
    ids, quarters = promotions["employee_id"].astype(str), promotions["period"].astype(str)
    return pd.DataFrame({"employee_id": ids, "promoted": periods.ordinals(quarters)})


def promotion_windows(rows: pd.DataFrame, promotions: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Row index × promotion pairs where the promotion falls in (t, t + horizon]."""
    pairs = rows[["employee_id", "ordinal"]].reset_index()
    pairs = pairs.merge(_promotions(promotions), on="employee_id")
    ahead = pairs["promoted"] - pairs["ordinal"]
    return pairs[(ahead >= 1) & (ahead <= horizon)]


def _quarters_in_role(
    rows: pd.DataFrame, people: pd.DataFrame, promotions: pd.DataFrame
) -> pd.Series:
    """Quarters since the latest promotion up to t, or else since hire: both known at t.

    `role_start` is left out on purpose: it dates only the role held at the end of the data, so
    it would be missing or later than t exactly for the people promoted after t.
    """
    hired = periods.quarter_of_date(pd.to_datetime(people["hire_date"], errors="coerce"))
    hire = pd.Series(hired.to_numpy(dtype="float64"), index=people["employee_id"].astype(str))
    start = rows["employee_id"].map(hire).to_numpy(dtype="float64")
    latest = pd.merge_asof(
        rows[["employee_id", "ordinal"]].reset_index().sort_values("ordinal"),
        _promotions(promotions).sort_values("promoted"),
        left_on="ordinal",
        right_on="promoted",
        by="employee_id",
        direction="backward",  # promotions up to and including t, never after
    ).set_index("index")["promoted"]
    start = np.fmax(start, latest.reindex(rows.index).to_numpy(dtype="float64"))
    in_role: pd.Series = rows["ordinal"] - start + 1
    return in_role.where(in_role >= 1)
