"""The readiness pipeline over quarters: how many people each band held, quarter by quarter."""

from __future__ import annotations

import pandas as pd

from skillkit import periods
from skillkit.history import roles_by_period
from skillkit.pipeline import Assessment, people_at
from skillkit.readiness import BANDS, assess
from skillkit.trends import trends

HISTORY_COLUMNS = ["period", "band", "people"]


def bands_by_quarter(assessment: Assessment, quarters: int = 4) -> pd.DataFrame:
    """People per readiness band in each of the last `quarters` reviewed quarters.

    Each earlier quarter is judged as a review held then would have judged it: the people
    employed then, in the role they held then, on the scores and KPIs up to that quarter, under
    today's rules and target. Scores carry today's rater calibration (fitted on a window that
    ends at the reviewed quarter), so a past quarter can differ a little from the review that
    was actually held then. Top-of-ladder people, who have no band, are left out. The reviewed
    quarter's counts are the assessment's own. Columns: period, band, people; every band
    appears for every quarter, with 0 where nobody held it.
    """
    if quarters < 1:
        raise ValueError(f"quarters must be at least 1, got {quarters}")
    a = assessment
    shown = a.periods[-quarters:]
    earlier = [_bands_at(a, period) for period in shown[:-1]]
    frames = [*earlier, a.readiness.people["band"].astype(str).rename(a.period).to_frame()]
    counts = {
        str(frame.columns[0]): frame.iloc[:, 0].value_counts().reindex(BANDS, fill_value=0)
        for frame in frames
    }
    table = pd.DataFrame(counts).rename_axis("band").reset_index()
    long = table.melt(id_vars="band", var_name="period", value_name="people")
    long["people"] = long["people"].astype("int64")
    long["_order"] = periods.ordinals(long["period"])
    long["_band"] = long["band"].map({band: i for i, band in enumerate(BANDS)})
    ordered = long.sort_values(["_order", "_band"], ignore_index=True)
    return ordered[HISTORY_COLUMNS]


def _bands_at(a: Assessment, period: str) -> pd.DataFrame:
    """Everyone's band in an earlier quarter, as one column named after it."""
    end = periods.to_ordinal(period)
    covered = tuple(p for p in a.periods if periods.to_ordinal(p) <= end)
    records = a.records
    roles = roles_by_period(records.people, records.promotions, list(covered))
    people = people_at(records.people, roles, period)
    scores = a.scores[a.scores["_ordinal"] <= end]
    kpis = a.kpis[(periods.ordinals(a.kpis["period"]) <= end).to_numpy()]
    readiness = assess(
        scores,
        trends(scores, period, a.rubric.trend_quarters),
        people,
        kpis,
        records.promotions,
        a.framework,
        a.rubric,
        period,
        a.target_role,
        reviewed=covered,
    )
    return readiness.people["band"].astype(str).rename(period).to_frame()
