"""Who held which role when: roles per quarter and time in the current role."""

from __future__ import annotations

import numpy as np
import pandas as pd

from skillkit import periods


def roles_by_period(
    people: pd.DataFrame, promotions: pd.DataFrame, labels: list[str]
) -> pd.DataFrame:
    """Role of every person in every quarter: current role, or `from_role` before a promotion."""
    grid = pd.MultiIndex.from_product(
        [people["employee_id"].astype(str), labels], names=["employee_id", "period"]
    ).to_frame(index=False)
    grid["ordinal"] = periods.ordinals(grid["period"])
    current = people.set_index(people["employee_id"].astype(str))["role"].astype(str)
    grid["role"] = grid["employee_id"].map(current)
    if promotions.empty or grid.empty:
        return grid[["period", "employee_id", "role"]]
    promos = promotions.assign(
        employee_id=promotions["employee_id"].astype(str),
        ordinal=periods.ordinals(promotions["period"].astype(str)),
        from_role=promotions["from_role"].astype(str),
    ).sort_values("ordinal")[["employee_id", "ordinal", "from_role"]]
    # The first promotion strictly after a quarter tells the role held in that quarter.
    matched = pd.merge_asof(
        grid.sort_values("ordinal"),
        promos,
        on="ordinal",
        by="employee_id",
        direction="forward",
        allow_exact_matches=False,
    )
    matched["role"] = matched["from_role"].fillna(matched["role"])
    return matched.sort_values(["employee_id", "ordinal"])[
        ["period", "employee_id", "role"]
    ].reset_index(drop=True)


def quarters_in_role(people: pd.DataFrame, promotions: pd.DataFrame, period: str) -> pd.Series:
    """Quarters each person has held their role at `period` (inclusive); NaN if unknown.

    `role_start` tells first; else the latest promotion into that role up to `period`.
    """
    ids = people["employee_id"].astype(str)
    end = periods.to_ordinal(period)
    started = pd.to_datetime(people["role_start"], errors="coerce")
    start = pd.Series(periods.quarter_of_date(started).to_numpy(dtype="float64"), index=ids)
    if not promotions.empty:
        promos = promotions.assign(
            employee_id=promotions["employee_id"].astype(str),
            ordinal=periods.ordinals(promotions["period"].astype(str)),
        )
        roles = people.set_index(ids)["role"].astype(str)
        into_role = promos[
            (
                promos["to_role"].astype(str).to_numpy()
                == promos["employee_id"].map(roles).to_numpy()
            )
            & (promos["ordinal"] <= end).to_numpy()
        ]
        latest = into_role.groupby("employee_id")["ordinal"].max()
        start = start.fillna(latest.astype("float64"))
    result = end - start + 1
    return result.where(result >= 1, np.nan).rename("quarters_in_role")
