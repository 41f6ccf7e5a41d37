"""View model of the organisation page: HR's quarterly review of everyone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup

from skillkit.models import Lang
from skillkit.pipeline import Assessment
from skillkit.readiness import BANDS
from skillkit.readiness_history import bands_by_quarter
from skillkit.report import charts
from skillkit.report.audit import FairnessView, fairness_view
from skillkit.report.context import BAND_ORDER, Cell, Meta, PersonRow, SiteIndex, meta
from skillkit.report.i18n import BAND_NAMES, UI, number, whole
from skillkit.report.measurement import (
    AgreementView,
    CalibrationView,
    agreement_view,
    calibration_view,
)
from skillkit.report.model_card import ModelCard, model_card
from skillkit.report.privacy import suppressed_cells
from skillkit.report.summary import org_summary
from skillkit.report.talent import TalentView, talent_view


@dataclass(frozen=True)
class HeatRow:
    """A heatmap row of the organisation page."""

    label: str
    href: str
    size: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Headcount:
    """People by role (rows) and team (columns), with totals."""

    teams: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...], int], ...]
    totals: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class RejectedView:
    """Rows --skip-invalid set aside: where, which column, why (the first REJECTED_SHOWN)."""

    note: str
    rows: tuple[tuple[str, str, str], ...]
    more: str  # how many more are only in rejected.csv ("" when none)


REJECTED_SHOWN = 100
PIPELINE_BANDS = ("ready-now", "ready-1y", "ready-2y")


@dataclass(frozen=True)
class PipelineHistory:
    """The readiness bands of the last quarters: a chart and the counts behind it."""

    svg: Markup  # built and escaped by charts
    periods: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # band name, people per quarter
    note: str


@dataclass(frozen=True)
class OrgPage:
    """The organisation report for HR."""

    meta: Meta
    ui: Mapping[str, str]
    headcount: Headcount
    pipeline_svg: Markup  # built and escaped by charts
    pipeline_history: PipelineHistory
    competencies: tuple[str, ...]
    heat: tuple[HeatRow, ...]
    target_name: str
    closest: tuple[PersonRow, ...]
    warnings: tuple[str, ...]
    rejected: RejectedView | None  # None: the review stops on bad rows rather than set them aside
    insufficient: tuple[PersonRow, ...]
    insufficient_cells: str
    teams: tuple[tuple[str, str], ...]
    min_group: int
    calibration: CalibrationView
    agreement: AgreementView
    fairness: FairnessView
    talent: TalentView
    model: ModelCard


def org_page(site: SiteIndex) -> OrgPage:
    """The organisation report."""
    a, lang, ui = site.assessment, site.lang, UI[site.lang]
    fw = a.framework
    people = a.people.astype({"employee_id": str})
    ready = a.readiness.people
    target_name = fw.role(a.target_role).name(lang)
    counts = ready["band"].value_counts()
    bars = [(BAND_NAMES[lang][b], float(counts.get(b, 0)), b) for b in BANDS]
    order = ready.assign(
        rank=ready["band"].map(BAND_ORDER),
        coverage=ready["coverage"].astype("float64"),
    )
    # Within a band, the sooner the better; among the not-yet, the more of the bar already met.
    projected = order["band"].isin(["ready-1y", "ready-2y"])
    order = order.assign(pace=order["quarters_to_ready"].where(projected, 0.0))
    closest_ids = (
        order[order["target_role"] == a.target_role]
        .sort_values(
            ["rank", "pace", "coverage", "employee_id"], ascending=[True, True, False, True]
        )["employee_id"]
        .head(10)
    )
    lacking = ready[ready["band"] == "insufficient-evidence"]["employee_id"]
    latest = a.scores[a.scores["period"] == a.period]
    n_bad = int((latest["evidence"] == "insufficient").sum())
    return OrgPage(
        meta=meta(site, ui["org_title"], "", org_summary(site)),
        ui=ui,
        headcount=_headcount(people, fw.role_ids, {r.id: r.name(lang) for r in fw.roles}),
        pipeline_svg=charts.bar_chart(bars, title=ui["pipeline"], no_data=ui["no_data"], lang=lang),
        pipeline_history=_pipeline_history(a, lang),
        competencies=tuple(c.name(lang) for c in fw.competencies),
        heat=_team_heat(site, latest),
        target_name=target_name,
        closest=tuple(site.rows[e] for e in closest_ids),
        warnings=tuple(str(w) for w in a.warnings),
        rejected=_rejected(a, ui),
        insufficient=tuple(site.rows[e] for e in sorted(lacking)),
        insufficient_cells=ui["insufficient_cells"].format(
            n=n_bad, total=len(latest), period=a.period
        ),
        teams=tuple(
            (team or ui["no_team"], f"teams/{slug}.html")
            for team, slug in sorted(site.team_slugs.items())
        ),
        min_group=a.rubric.anonymity.min_group_size,
        calibration=calibration_view(a, lang),
        agreement=agreement_view(a, list(a.periods[-a.rubric.trend_quarters :]), lang),
        fairness=fairness_view(a, lang),
        talent=talent_view(a, site.grid, site.bench, site.rows, lang),
        model=model_card(a, site.rows, lang),
    )


def _pipeline_history(a: Assessment, lang: Lang) -> PipelineHistory:
    """Bands over the trend window's quarters, as a review held in each would have found them."""
    ui, names = UI[lang], BAND_NAMES[lang]
    history = bands_by_quarter(a, a.rubric.trend_quarters)
    counts = history.pivot(index="band", columns="period", values="people")
    shown = tuple(str(p) for p in history["period"].drop_duplicates())
    table = counts.reindex(index=list(BANDS), columns=list(shown)).to_numpy(dtype="int64")
    # The chart stacks only the bands on the way up: the many not yet would flatten them.
    stacks = [
        (names[b], b, tuple(float(v) for v in table[i]))
        for i, b in enumerate(BANDS)
        if b in PIPELINE_BANDS
    ]
    return PipelineHistory(
        svg=charts.stacked_columns(
            shown, stacks, title=ui["pipeline_chart"], no_data=ui["no_data"], lang=lang
        ),
        periods=shown,
        rows=tuple(
            (names[b], tuple(whole(int(v), lang) for v in table[i])) for i, b in enumerate(BANDS)
        ),
        note=ui["pipeline_history_note"].format(target=a.framework.role(a.target_role).name(lang)),
    )


def _headcount(
    people: pd.DataFrame, ladder: tuple[str, ...], names: Mapping[str, str]
) -> Headcount:
    table = pd.crosstab(people["role"].astype(str), people["team"].astype(str))
    table = table.reindex(index=list(ladder), fill_value=0)
    teams = tuple(str(t) for t in table.columns)
    counts = table.to_numpy(dtype="int64")
    rows = tuple(
        (names[role], tuple(int(v) for v in counts[i]), int(counts[i].sum()))
        for i, role in enumerate(ladder)
    )
    return Headcount(teams, rows, tuple(int(v) for v in table.sum()), int(table.to_numpy().sum()))


def _team_heat(site: SiteIndex, latest: pd.DataFrame) -> tuple[HeatRow, ...]:
    """Team × competency mean level, coloured by the mean gap; small teams suppressed."""
    a, lang, ui = site.assessment, site.lang, UI[site.lang]
    min_size = a.rubric.anonymity.min_group_size
    teams = a.people.set_index(a.people["employee_id"].astype(str))["team"]
    data = latest.dropna(subset=["level"]).assign(team=lambda d: d["employee_id"].map(teams))
    data = data.assign(
        diff=data["level"].astype("float64") - data["target_level"].astype("float64")
    )
    sizes = data.groupby("team")["employee_id"].nunique()
    comps = a.framework.competency_ids
    hidden = suppressed_cells(data, comps, min_size)
    means = _means(data, ["team", "competency"])
    org = _means(data, ["competency"])
    counted = data.groupby("competency")["employee_id"].nunique()
    out = Cell(ui["suppressed_cell"], "lv-none", ui["suppressed_cell"])
    rows = []
    for team in sorted(sizes.index):
        cells = tuple(
            out if (team, c) in hidden else _mean_cell(means.get((team, c)), lang) for c in comps
        )
        href = f"teams/{site.team_slugs.get(team, '')}.html"
        rows.append(HeatRow(str(team) or ui["no_team"], href, int(sizes[team]), cells))
    if data["employee_id"].nunique() >= min_size:
        cells = tuple(
            _mean_cell(org.get((c,)), lang) if counted.get(c, 0) >= min_size else out for c in comps
        )
        rows.append(HeatRow(ui["total"], "", int(data["employee_id"].nunique()), cells))
    return tuple(rows)


def _means(data: pd.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], tuple[float, float]]:
    """Mean level and mean distance to target per group, keyed by tuples."""
    means = data.groupby(keys)[["level", "diff"]].mean()
    index = means.index if isinstance(means.index, pd.MultiIndex) else [(k,) for k in means.index]
    return {
        tuple(key): (float(level), float(diff))
        for key, level, diff in zip(index, means["level"], means["diff"], strict=True)
    }


def _mean_cell(values: tuple[float, float] | None, lang: Lang) -> Cell:
    if values is None:
        return Cell("—", "lv-none", UI[lang]["legend_none"])
    level, diff = values
    css = "lv-met" if diff >= -0.25 else ("lv-one" if diff >= -1 else "lv-more")
    sign = "+" if diff >= 0 else "−"
    title = f"{UI[lang]['mean_level']} {number(level, lang)} ({sign}{number(abs(diff), lang)})"
    return Cell(number(level, lang), css, title)


def _rejected(a: Assessment, ui: Mapping[str, str]) -> RejectedView | None:
    """The rows set aside, for the data-quality section (their cells stay in rejected.csv)."""
    table = a.records.rejected
    if table is None:
        return None
    rows = a.records.rejected_rows or 0
    shown = table.head(REJECTED_SHOWN)
    return RejectedView(
        note=ui["rejected_note"].format(rows=rows) if rows else ui["rejected_none"],
        rows=tuple(
            (f"{r.file}:{r.line}", str(r.column), str(r.reason))
            for r in shown.itertuples(index=False)
        ),
        more=ui["rejected_more"].format(more=len(table) - len(shown))
        if len(table) > len(shown)
        else "",
    )
