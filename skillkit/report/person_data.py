"""Every person's page inputs, cut from the assessment tables in one vectorised pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from skillkit import periods
from skillkit.pipeline import Assessment
from skillkit.reliability import self_vs_others
from skillkit.report.privacy import OTHERS, source_groups
from skillkit.report.values import optional_float_rows

Row = Mapping[str, Any]


@dataclass(frozen=True)
class PersonData:
    """One person's slice of the assessment, as plain Python values."""

    person: Row
    readiness: Row
    latest: Mapping[str, Row] = field(default_factory=dict)  # competency → score row
    history: Mapping[str, tuple[float | None, ...]] = field(default_factory=dict)
    average: tuple[float | None, ...] = ()  # mean score per shown quarter
    kpis: Mapping[str, tuple[float, str]] = field(default_factory=dict)  # kpi → value, quarter
    # source or "others" → raters, mean (None: too few raters to show it)
    sources: Mapping[str, tuple[int, float | None]] = field(default_factory=dict)
    merged: tuple[str, ...] = ()  # the small source groups shown together as "others"
    comments: tuple[tuple[str, str, str], ...] = ()  # source, competency, text
    plan: frozenset[str] = frozenset()  # competencies that must rise
    # competency → self, others, self − others, perception (see reliability.self_vs_others)
    perception: Mapping[str, tuple[float, float, float, str]] = field(default_factory=dict)
    low_agreement: tuple[str, ...] = ()  # relied-on competencies raters agreed little on


def shown_periods(assessment: Assessment) -> list[str]:
    """The quarters the trend charts cover: twice the rubric's trend window, latest last."""
    return list(assessment.periods[-assessment.rubric.trend_quarters * 2 :])


def person_inputs(assessment: Assessment, scores: pd.DataFrame) -> dict[str, PersonData]:
    """Page inputs for everyone; `scores` is the table as pages may show it (private cells)."""
    a = assessment
    period, shown = a.period, shown_periods(a)
    parts: dict[str, dict[str, Any]] = defaultdict(dict)
    people = a.people.set_index("employee_id")
    for employee, row in people.to_dict("index").items():
        parts[str(employee)]["person"] = row
    for employee, row in a.readiness.people.set_index("employee_id").to_dict("index").items():
        parts[str(employee)]["readiness"] = row
    latest = scores[scores["period"] == period]
    for row in latest.to_dict("records"):
        parts[row["employee_id"]].setdefault("latest", {})[row["competency"]] = row
    seen = self_vs_others(latest, a.rubric.blind_spot_threshold)
    for employee, competency, mine, theirs, difference, perception in zip(
        seen["employee_id"],
        seen["competency"],
        seen["self_rating"],
        seen["others_score"],
        seen["difference"],
        seen["perception"],
        strict=True,
    ):
        parts[employee].setdefault("perception", {})[competency] = (
            float(mine),
            float(theirs),
            float(difference),
            str(perception),
        )
    for employee, competencies in a.low_agreement.groupby("employee_id")["competency"]:
        parts[str(employee)]["low_agreement"] = tuple(competencies)
    _history(scores, shown, parts)
    _kpis(a.kpis, parts)
    _sources(a.ratings[(a.ratings["period"] == period).to_numpy()], a, parts)
    plan = a.readiness.plan.groupby("employee_id")["competency"].agg(frozenset)
    for employee, competencies in plan.items():
        parts[str(employee)]["plan"] = competencies
    return {employee: PersonData(**parts[employee]) for employee in people.index.astype(str)}


def _history(scores: pd.DataFrame, shown: list[str], parts: dict[str, dict[str, Any]]) -> None:
    recent = scores[scores["period"].isin(shown)]
    wide = recent.pivot_table(
        index=["employee_id", "competency"],
        columns="period",
        values="score",
        aggfunc="first",
        dropna=False,
    ).reindex(columns=shown)
    for (employee, competency), history in zip(wide.index, optional_float_rows(wide), strict=True):
        parts[employee].setdefault("history", {})[competency] = history
    means = recent.groupby(["employee_id", "period"])["score"].mean().unstack("period")
    means = means.reindex(columns=shown)
    for employee, average in zip(means.index, optional_float_rows(means), strict=True):
        parts[employee]["average"] = average


def _kpis(kpis: pd.DataFrame, parts: dict[str, dict[str, Any]]) -> None:
    """Each person's latest value of each KPI up to the reviewed quarter."""
    if kpis.empty:
        return
    known = kpis.dropna(subset=["value"])
    known = known.assign(ordinal=periods.ordinals(known["period"]))
    last = known.sort_values("ordinal").groupby(["employee_id", "kpi"]).last()
    for (employee, kpi), value, quarter in zip(
        last.index, last["value"], last["period"], strict=True
    ):
        parts[str(employee)].setdefault("kpis", {})[str(kpi)] = (float(value), str(quarter))


def _sources(ratings: pd.DataFrame, a: Assessment, parts: dict[str, dict[str, Any]]) -> None:
    """Source groups' calibrated means and the comments a person may see, this quarter.

    A group's size counts the raters who gave a rating: one who left every rating empty must
    not make a lone peer look like a crowd. "Others" weighs its groups as the score does, so
    the scores on the page add nothing to what it shows (see `privacy.source_groups`).
    """
    table = ratings.assign(
        employee_id=ratings["employee_id"].astype(str),
        source=ratings["source"].astype(str),
        calibrated=a.calibration.adjust(ratings),
    )
    rated = table.dropna(subset=["rating"])
    counted = rated.groupby(["employee_id", "source"])["rater_id"].nunique().rename("raters")
    sizes = counted.reset_index()
    sizes["group"] = source_groups(sizes, a.rubric.anonymity.min_raters)
    for employee, merged in (
        sizes[sizes["group"] == OTHERS].groupby("employee_id")["source"].agg(tuple).items()
    ):
        parts[str(employee)]["merged"] = merged
    means = rated.groupby(["employee_id", "source"])["calibrated"].mean().rename("mean")
    groups = sizes.merge(means.reset_index(), on=["employee_id", "source"])
    groups = groups[(groups["source"] != "self") & (groups["group"] != "")]
    weights = pd.Series(a.rubric.sources, dtype="float64")
    groups["w"] = groups["source"].map(weights).astype("float64").fillna(0.0)
    groups["wm"] = groups["w"] * groups["mean"]
    shown = groups.groupby(["employee_id", "group"])[["raters", "w", "wm"]].sum()
    for (employee, group), n, weight, weighted in zip(
        shown.index, shown["raters"], shown["w"], shown["wm"], strict=True
    ):
        if weight > 0:
            parts[employee].setdefault("sources", {})[group] = (int(n), float(weighted / weight))
    hidden = sizes[(sizes["group"] == "") & (sizes["source"] != "self")]
    for employee, source, n in zip(
        hidden["employee_id"], hidden["source"], hidden["raters"], strict=True
    ):
        parts[employee].setdefault("sources", {})[source] = (int(n), None)
    said = table.merge(sizes[["employee_id", "source", "group"]], on=["employee_id", "source"])
    said = said[(said["comment"].fillna("").astype(str).str.strip() != "") & (said["group"] != "")]
    said = said.sort_values(["employee_id", "group", "competency", "comment"])
    comments: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for employee, group, competency, text in zip(
        said["employee_id"],
        said["group"],
        said["competency"].astype(str),
        said["comment"].astype(str),
        strict=True,
    ):
        comments[employee].append((group, competency, text))
    for employee, rows in comments.items():
        parts[employee]["comments"] = tuple(rows)
