"""What every page shares: the site index of people rows, slugs, shown scores, and page meta."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from skillkit import __version__
from skillkit.models import Lang
from skillkit.ninebox import bench, placed
from skillkit.pipeline import Assessment
from skillkit.readiness import BANDS
from skillkit.reliability import self_vs_others
from skillkit.report.i18n import BAND_NAMES, UI, number, percent, timestamp
from skillkit.report.measurement import (
    relied_on_by_team,
)
from skillkit.report.privacy import private_cells, withhold
from skillkit.report.values import optional_float, optional_int
from skillkit.report.wording import plan_texts, reason_texts
from skillkit.trends import trends

BAND_ORDER = {band: i for i, band in enumerate(BANDS)}


@dataclass(frozen=True)
class Meta:
    """What every page shows in its header and footer."""

    lang: Lang
    title: str
    period: str
    generated_at: str  # ISO 8601, for the <time> element
    generated_text: str  # the same moment as the reader writes it
    framework: str
    rubric: str
    footer: str
    root: str  # relative path from the page to OUT ("" or "../")
    summary: tuple[str, ...] = ()  # the three things that matter on this page (report.summary)


@dataclass(frozen=True)
class Cell:
    """One heatmap cell: text, a CSS class for its colour, and a tooltip."""

    text: str
    css: str
    title: str


@dataclass(frozen=True)
class PersonRow:
    """A person as listed on the organisation and team pages."""

    employee_id: str
    name: str
    href: str
    role: str
    team: str
    band: str
    band_label: str
    target_role: str
    projected: str
    coverage: str
    probability: str  # chance the rules hold now, from redrawn scores; "—" when not assessed
    reasons: tuple[str, ...]
    takes: tuple[str, ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class SiteIndex:
    """Everything shared by the pages of one review: names, slugs, per-person rows."""

    assessment: Assessment
    lang: Lang
    generated_at: str
    person_slugs: Mapping[str, str]
    team_slugs: Mapping[str, str]
    rows: Mapping[str, PersonRow]
    scores: pd.DataFrame  # as pages may show them (see `private_cells`)
    # Per team: (competency, perception) → people, from self against others as the pages show it
    perception: Mapping[str, Mapping[tuple[str, str], int]]
    low_agreement: Mapping[str, frozenset[str]]  # per team: see `relied_on_by_team`
    # Per person: competency → (quarters in a row at target, previous level if it dropped a
    # level or more since the last shown quarter), from the levels the pages show
    runs: Mapping[str, Mapping[str, Run]]
    grid: pd.DataFrame  # the 9-box placement of everyone (see ninebox.nine_box)
    bench: pd.DataFrame  # candidates behind each position of the target role (ninebox.bench)


def meta(site: SiteIndex, title: str, root: str, summary: tuple[str, ...] = ()) -> Meta:
    """Header, summary and footer of one page."""
    a, lang = site.assessment, site.lang
    return Meta(
        lang=lang,
        title=title,
        period=a.period,
        generated_at=site.generated_at,
        generated_text=timestamp(site.generated_at, lang),
        framework=f"{a.framework.name(lang)} {a.framework.version}",
        rubric=f"{a.rubric.name(lang)} {a.rubric.version}",
        footer=UI[lang]["footer"].format(version=__version__),
        root=root,
        summary=summary,
    )


def level_cell(level: Any, target: Any, score: Any, lang: Lang, private: bool = False) -> Cell:
    """A level coloured by its distance to the target."""
    if private:
        return Cell("·", "lv-none", UI[lang]["private_cell"])
    shown, wanted = optional_int(level), optional_int(target)
    if shown is None or wanted is None:
        return Cell("—", "lv-none", UI[lang]["legend_none"])
    gap = wanted - shown
    css = "lv-met" if gap <= 0 else ("lv-one" if gap == 1 else "lv-more")
    score_text = number(optional_float(score), lang, 2)
    title = f"{UI[lang]['score']} {score_text} · {UI[lang]['target']} {wanted}"
    return Cell(str(shown), css, title)


def build_site(
    assessment: Assessment,
    lang: Lang,
    generated_at: str,
    person_slugs: Mapping[str, str],
    team_slugs: Mapping[str, str],
) -> SiteIndex:
    """Per-person rows built once, vectorised where it counts, shared by every page."""
    a = assessment
    fw = a.framework
    role_names = {r.id: r.name(lang) for r in fw.roles}
    people = a.people.astype({"employee_id": str}).set_index("employee_id")
    ready = a.readiness.people.set_index("employee_id")
    shown = private_cells(a.scores, a.rubric.anonymity.min_raters)
    latest = shown[shown["period"] == a.period]
    # Reasons and plans must not quote a level the pages withhold.
    hidden = pd.MultiIndex.from_frame(latest.loc[latest["private"], ["employee_id", "competency"]])
    reasons = withhold(a.readiness.reasons, hidden, "value")
    reason_lines = reasons.assign(text=reason_texts(reasons, fw, a.rubric, lang))
    reason_map = reason_lines.groupby("employee_id")["text"].agg(tuple).to_dict()
    plan = withhold(a.readiness.plan, hidden, "level")
    plan_map = (
        plan.assign(text=plan_texts(plan, fw, lang, a.rubric.bands.ready_2y_quarters))
        .groupby("employee_id")["text"]
        .agg(tuple)
        .to_dict()
    )
    cells = {
        (e, c): level_cell(lv, t, s, lang, bool(p))
        for e, c, lv, t, s, p in zip(
            latest["employee_id"],
            latest["competency"],
            latest["level"],
            latest["target_level"],
            latest["score"],
            latest["private"],
            strict=True,
        )
    }
    empty = Cell("—", "lv-none", UI[lang]["legend_none"])
    columns = ["band", "target_role", "projected_ready_period", "coverage", "ready_probability"]
    table = people.join(ready[columns])
    table = table.sort_index()
    rows = {}
    for employee, name, role, team, band, target, projected, coverage, chance in zip(
        table.index.astype(str),
        table["name"].astype(str),
        table["role"].astype(str),
        table["team"].astype(str),
        table["band"].astype(str),
        table["target_role"].astype(str),
        table["projected_ready_period"].astype(str),
        table["coverage"],
        table["ready_probability"],
        strict=True,
    ):
        rows[employee] = PersonRow(
            employee_id=employee,
            name=name,
            href=f"people/{person_slugs[employee]}.html",
            role=role_names.get(role, role),
            team=team or UI[lang]["no_team"],
            band=band,
            band_label=BAND_NAMES[lang][band],
            target_role=role_names.get(target, "—"),
            projected=projected or "—",
            coverage=percent(optional_float(coverage), lang),
            probability=percent(optional_float(chance), lang),
            reasons=reason_map.get(employee, ()),
            takes=plan_map.get(employee, ()),
            cells=tuple(cells.get((employee, c), empty) for c in fw.competency_ids),
        )
    teams = people["team"].astype(str)
    seen = self_vs_others(latest, a.rubric.blind_spot_threshold)
    counts = seen.groupby([seen["employee_id"].map(teams), "competency", "perception"]).size()
    perception: dict[str, dict[tuple[str, str], int]] = {}
    for key, n in zip(counts.index, counts.to_numpy(), strict=True):
        team, competency, kind = (str(part) for part in key)
        perception.setdefault(team, {})[(competency, kind)] = int(n)
    return SiteIndex(
        a,
        lang,
        generated_at,
        person_slugs,
        team_slugs,
        rows,
        shown,
        perception,
        relied_on_by_team(a, teams),
        _runs(shown, a.period, a.rubric.trend_quarters),
        placed(a),
        bench(a, a.target_role),
    )


@dataclass(frozen=True)
class Run:
    """A competency's course as the pages show it."""

    streak: int  # quarters in a row at or above target, up to the reviewed one
    dropped_from: int | None  # the previous level, when the level fell by one or more
    slope: float | None  # levels per quarter over the trend window
    smoothed: float | None  # the trend line's level at the reviewed quarter


def _runs(shown: pd.DataFrame, period: str, quarters: int) -> dict[str, dict[str, Run]]:
    """Trends, streaks and drops on the scores as shown, so no withheld level is quoted."""
    table = trends(shown.dropna(subset=["level"]), period, quarters)
    found: dict[str, dict[str, Run]] = {}
    for employee, competency, streak, previous, dropped, slope, smoothed in zip(
        table["employee_id"],
        table["competency"],
        table["streak"],
        table["previous_level"],
        table["regression"],
        table["slope"],
        table["smoothed"],
        strict=True,
    ):
        found.setdefault(str(employee), {})[str(competency)] = Run(
            streak=optional_int(streak) or 0,
            dropped_from=optional_int(previous) if bool(dropped) else None,
            slope=optional_float(slope),
            smoothed=optional_float(smoothed),
        )
    return found
