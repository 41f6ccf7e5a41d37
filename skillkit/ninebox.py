"""The 9-box (performance × potential) and the bench of candidates behind each position."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from skillkit import periods, scoring
from skillkit.framework import Framework

if TYPE_CHECKING:  # the pipeline builds the Assessment; this module only reads one
    from skillkit.pipeline import Assessment

NINE_BOX_COLUMNS = [
    "employee_id",
    "performance",
    "potential",
    "performance_band",
    "potential_band",
    "cell",
]
BENCH_BANDS = ("ready-now", "ready-1y", "ready-2y")
BENCH_COLUMNS = [
    "employee_id",
    "name",
    "team",
    "team_ready_now",
    "team_ready_1y",
    "team_ready_2y",
    "team_candidates",
    "agency_ready_now",
    "agency_ready_1y",
    "agency_ready_2y",
]
FULL_PACE = 0.5  # levels gained per quarter that count as the fastest learning pace (1.0)
KPI_MET_LEVEL = 4  # a KPI counts as attained at the rubric's level-4 threshold or better
_TOLERANCE = 1e-9  # a share that lands exactly on a cut belongs above it despite rounding


def nine_box(assessment: Assessment) -> pd.DataFrame:
    """Performance and potential (0..1), their bands and 9-box cell for everyone in the review.

    One row per person of `assessment.people`, sorted by employee_id, with the columns
    `employee_id, performance, potential, performance_band, potential_band, cell`.
    With the rubric's `nine_box` settings (`kpi_share`, `pace_share`, `manager_share`):

    - fit(role) = Σ weight(c) · [level(c) ≥ target(c)] / Σ weight(c) over every competency of
      the framework, with the role's weights and targets and the reviewed quarter's levels (a
      score up to the scale's tolerance below a level already has that level; no level: not met).
    - kpi = share of the person's KPIs whose latest value up to the reviewed quarter reaches the
      rubric's level-4 threshold.
    - performance = (1 − kpi_share) · fit(current role) + kpi_share · kpi, or fit(current role)
      alone for someone without a KPI value.
    - pace = clip(mean of max(slope, 0) / 0.5, 0, 1) over the person's competencies with a slope
      in `assessment.trends` (levels per quarter over the rubric's trend window).
    - base = (1 − pace_share) · fit(next role) + pace_share · pace, or fit(next role) alone when
      no competency has a slope yet; the current role stands in for the next at the top.
    - potential = (1 − manager_share) · base + manager_share · (rating − scale.min) /
      (scale.max − scale.min) when people carry a `potential` column and the person has a
      number on the rating scale in it; base otherwise (blank or off-scale values are ignored).

    Bands: below the first cut low, from the second cut on high, moderate between. People
    without a score in the reviewed quarter are not placed: NaN values and "" for bands and cell.
    """
    rubric, framework = assessment.rubric, assessment.framework
    settings = rubric.nine_box
    people = assessment.people.assign(employee_id=assessment.people["employee_id"].astype(str))
    ids = pd.Index(people["employee_id"].sort_values().unique(), name="employee_id")
    roles = people.drop_duplicates("employee_id").set_index("employee_id")["role"].astype(str)
    roles = roles.reindex(ids)

    # The keys are categorical: compared as codes, not as a text per score row.
    now = assessment.scores[(assessment.scores["period"] == assessment.period).to_numpy()]
    levels = now.dropna(subset=["score"]).assign(employee_id=lambda t: t["employee_id"].astype(str))
    placed = ids.isin(set(levels["employee_id"].unique()))
    levels = levels[["employee_id", "competency", "level"]]

    fit = _fit(levels, roles, framework)
    above = {r: framework.next_role(r) or r for r in framework.role_ids}
    next_fit = _fit(levels, roles.map(above), framework)

    kpi = _kpi_attainment(assessment).reindex(ids)
    share = settings.kpi_share
    performance = fit.where(kpi.isna(), (1 - share) * fit + share * kpi)

    slopes = assessment.trends.assign(employee_id=assessment.trends["employee_id"].astype(str))
    # Growth counts, a dip does not cancel it: each competency's slope floors at zero.
    mean_gain = slopes["slope"].clip(lower=0).groupby(slopes["employee_id"]).mean()
    pace = (mean_gain / FULL_PACE).clip(0, 1).reindex(ids)
    share = settings.pace_share
    base = next_fit.where(pace.isna(), (1 - share) * next_fit + share * pace)
    manager = _manager_rating(people, assessment).reindex(ids)
    share = settings.manager_share
    potential = base.where(manager.isna(), (1 - share) * base + share * manager)

    performance = performance.where(placed)
    potential = potential.where(placed)
    x_band = _bands(performance, settings.performance_cuts)
    y_band = _bands(potential, settings.potential_cuts)
    cell = np.where(placed, x_band + "-" + y_band, "")
    return pd.DataFrame(
        {
            "employee_id": ids.to_numpy(dtype=object),
            "performance": performance.to_numpy(dtype="float64"),
            "potential": potential.to_numpy(dtype="float64"),
            "performance_band": x_band,
            "potential_band": y_band,
            "cell": cell,
        }
    )[NINE_BOX_COLUMNS]


def placed(assessment: Assessment) -> pd.DataFrame:
    """The 9-box placement the pipeline made, or made now for an assessment built by hand."""
    return assessment.grid if assessment.grid is not None else nine_box(assessment)


def bench(assessment: Assessment, target_role: str = "account-director") -> pd.DataFrame:
    """The candidates behind each holder of `target_role`, in the same team and agency-wide.

    One row per person whose role is `target_role`, sorted by employee_id, with the columns
    `employee_id, name, team` (the position holder), `team_ready_now, team_ready_1y,
    team_ready_2y` (candidates in the holder's team), `team_candidates` (their employee ids as
    a tuple, readiest first: band, then quarters to ready, then id), and `agency_ready_now,
    agency_ready_1y, agency_ready_2y` (candidates anywhere, the same team's included).
    A candidate is anyone whose readiness target role is `target_role` with a band of
    ready-now, ready-1y or ready-2y. A blank team matches no one: it is unknown, not shared.
    """
    people = assessment.people.assign(
        employee_id=assessment.people["employee_id"].astype(str),
        name=assessment.people["name"].astype(str),
        team=assessment.people.get("team", pd.Series("", index=assessment.people.index))
        .fillna("")
        .astype(str),
        role=assessment.people["role"].astype(str),
    )
    positions = people.loc[people["role"] == target_role, ["employee_id", "name", "team"]]
    positions = positions.sort_values("employee_id").reset_index(drop=True)
    ready = assessment.readiness.people.astype({"employee_id": str, "target_role": str})
    candidates = ready[
        (ready["target_role"] == target_role) & ready["band"].isin(BENCH_BANDS)
    ].merge(people[["employee_id", "team"]], on="employee_id")
    rank = candidates["band"].map({band: i for i, band in enumerate(BENCH_BANDS)})
    candidates = candidates.assign(_rank=rank).sort_values(
        ["_rank", "quarters_to_ready", "employee_id"], kind="stable"
    )
    agency = candidates["band"].value_counts().reindex(BENCH_BANDS, fill_value=0)

    pairs = positions[positions["team"] != ""].merge(
        candidates[["employee_id", "team", "band", "_rank", "quarters_to_ready"]],
        on="team",
        suffixes=("", "_candidate"),
    )
    pairs = pairs.sort_values(
        ["employee_id", "_rank", "quarters_to_ready", "employee_id_candidate"], kind="stable"
    )
    counts = (
        pairs.groupby(["employee_id", "band"]).size().unstack("band")
        if not pairs.empty
        else pd.DataFrame(index=pd.Index([], name="employee_id", dtype=object))
    )
    counts = counts.reindex(index=positions["employee_id"], columns=list(BENCH_BANDS))
    # Object dtype even when empty: an empty groupby would give a str Series refusing tuples.
    names = pairs.groupby("employee_id")["employee_id_candidate"].agg(tuple).astype(object)
    out = positions.copy()
    for band in BENCH_BANDS:
        suffix = band.removeprefix("ready-").replace("-", "_")
        out[f"team_ready_{suffix}"] = counts[band].fillna(0).to_numpy(dtype="int64")
        out[f"agency_ready_{suffix}"] = np.full(len(out), int(agency[band]), dtype="int64")
    # The stubs allow only scalars as fill_value; an empty tuple is a fine object value.
    nobody = cast(Any, ())
    out["team_candidates"] = names.reindex(out["employee_id"], fill_value=nobody).to_numpy()
    return out[BENCH_COLUMNS]


def _fit(levels: pd.DataFrame, roles: pd.Series, framework: Framework) -> pd.Series:
    """Per person, the weighted share of the given role's target levels met (0..1)."""
    targets = pd.DataFrame(
        [(r.id, c, t, r.weight(c)) for r in framework.roles for c, t in r.targets.items()],
        columns=["role", "competency", "target", "weight"],
    )
    wanted = pd.DataFrame({"employee_id": roles.index, "role": roles.to_numpy(dtype=object)})
    cells = wanted.merge(targets, on="role").merge(
        levels, on=["employee_id", "competency"], how="left"
    )
    level = cells["level"].to_numpy(dtype="float64", na_value=np.nan)
    met = np.nan_to_num(level, nan=-np.inf) >= cells["target"].to_numpy(dtype="float64")
    cells = cells.assign(met_weight=cells["weight"] * met)
    sums = cells.groupby("employee_id")[["met_weight", "weight"]].sum()
    return (sums["met_weight"] / sums["weight"]).reindex(roles.index)


def _kpi_attainment(assessment: Assessment) -> pd.Series:
    """Per person with KPIs, the share of them at level 4 or better in their latest quarter."""
    kpis = assessment.kpis
    if kpis.empty:
        return pd.Series(dtype="float64")
    valued = kpis.loc[kpis["value"].notna().to_numpy()]
    # The kpis table already stops at the reviewed quarter: the last row is the latest value.
    # Only those rows are levelled, one per person and KPI instead of one per quarter.
    by_quarter = np.argsort(periods.ordinals(valued["period"]).to_numpy(), kind="stable")
    latest = valued.take(by_quarter).drop_duplicates(["employee_id", "kpi"], keep="last")
    levels = scoring.kpi_levels(latest, assessment.rubric)
    attained = (levels["kpi_level"] >= KPI_MET_LEVEL).groupby(levels["employee_id"].astype(str))
    return attained.mean().astype("float64")


def potential_values(column: pd.Series) -> pd.Series:
    """The `potential` column as numbers: spreadsheets' decimal commas read, anything else NaN."""
    text = column.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _manager_rating(people: pd.DataFrame, assessment: Assessment) -> pd.Series:
    """Per person, a manager-rated `potential` on the rating scale mapped to 0..1 (NaN if none)."""
    if "potential" not in people.columns:
        return pd.Series(dtype="float64")
    scale = assessment.rubric.scale
    rating = potential_values(people["potential"])
    value = pd.Series(rating.to_numpy(dtype="float64", na_value=np.nan), index=people.index)
    # Off the scale is a typo, not a rating: clipping it would invent a verdict.
    value = value.where((value >= scale.min) & (value <= scale.max))
    mapped = (value - scale.min) / (scale.max - scale.min)
    return pd.Series(mapped.to_numpy(), index=people["employee_id"]).groupby(level=0).first()


def _bands(values: pd.Series, cuts: tuple[float, float]) -> NDArray[np.object_]:
    """low / moderate / high by the two cuts; "" where there is no value."""
    x = values.to_numpy(dtype="float64")
    band = np.select(
        [x >= cuts[1] - _TOLERANCE, x >= cuts[0] - _TOLERANCE], ["high", "moderate"], "low"
    )
    return np.where(np.isnan(x), "", band).astype(object)
