"""View model of a person's own page: levels, gaps, self against others, KPIs, readiness."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from skillkit.framework import Framework
from skillkit.models import Lang
from skillkit.report import charts
from skillkit.report.context import Cell, Meta, PersonRow, SiteIndex, level_cell, meta
from skillkit.report.i18n import SOURCE_NAMES, UI, number
from skillkit.report.values import optional_float, optional_int

MANAGER = "manager"


@dataclass(frozen=True)
class CompetencyRow:
    """One competency on the person's page."""

    name: str
    cell: Cell
    score: str
    interval: str
    target: str
    target_next: str
    trend_svg: str
    evidence: str
    raters: int
    next_indicator: str


@dataclass(frozen=True)
class SelfRow:
    """Self rating against the others' combined score."""

    name: str
    self_rating: str
    others: str
    difference: str
    flag: str
    css: str


@dataclass(frozen=True)
class SourceRow:
    """A source group's mean rating, shown only when the group is large enough."""

    source: str
    raters: int
    mean: str
    shown: bool


@dataclass(frozen=True)
class KpiRow:
    """One KPI's latest value against its thresholds."""

    name: str
    value: str
    period: str
    bullet_svg: str


@dataclass(frozen=True)
class Suggestion:
    """How to move up on one of the largest gaps."""

    competency: str
    level: str
    practise: str
    ask_for: str


@dataclass(frozen=True)
class PersonPage:
    """The account executive's own report."""

    meta: Meta
    ui: Mapping[str, str]
    row: PersonRow
    team_href: str
    quarters_in_role: str
    radar_svg: str
    competencies: tuple[CompetencyRow, ...]
    self_rows: tuple[SelfRow, ...]
    sources: tuple[SourceRow, ...]
    comments: tuple[tuple[str, str, str], ...]
    kpis: tuple[KpiRow, ...]
    trend_svg: str
    suggestions: tuple[Suggestion, ...]
    target_role: str


@dataclass(frozen=True)
class PersonData:
    """One person's slices of the assessment tables, cut once for all pages."""

    scores: pd.DataFrame
    ratings: pd.DataFrame
    kpis: pd.DataFrame
    trends: pd.DataFrame
    plan: pd.DataFrame


def person_page(site: SiteIndex, employee: str, data: PersonData) -> PersonPage:
    """The page of one person."""
    a, lang, ui = site.assessment, site.lang, UI[site.lang]
    fw = a.framework
    row = site.rows[employee]
    ready = a.readiness.people.set_index("employee_id").loc[employee]
    person = a.people.set_index("employee_id").loc[employee]
    role_id, team = str(person["role"]), str(person["team"])
    target_id = str(ready["target_role"])
    latest = data.scores[data.scores["period"] == a.period].set_index("competency")
    comps = fw.competency_ids
    levels = [optional_float(latest["level"].get(c)) if c in latest.index else None for c in comps]
    role_targets = fw.role(role_id).targets
    next_targets = fw.role(target_id).targets if target_id else {}
    series = [
        charts.Series(ui["current_levels"], tuple(levels), "primary"),
        charts.Series(
            ui["target_of"].format(role=fw.role(role_id).name(lang)),
            tuple(float(role_targets[c]) for c in comps),
            "target",
        ),
    ]
    if target_id:
        series.append(
            charts.Series(
                ui["target_of"].format(role=fw.role(target_id).name(lang)),
                tuple(float(next_targets[c]) for c in comps),
                "next",
            )
        )
    names = tuple(c.name(lang) for c in fw.competencies)
    quarters = data.scores.pivot_table(
        index="competency", columns="period", values="score", aggfunc="first"
    )
    shown_periods = list(a.periods[-a.rubric.trend_quarters * 2 :])
    quarters = quarters.reindex(columns=shown_periods)
    in_role = optional_int(ready.get("quarters_in_role"))
    return PersonPage(
        meta=meta(site, row.name, "../"),
        ui=ui,
        row=row,
        team_href=f"../teams/{site.team_slugs[team]}.html",
        quarters_in_role=ui["unknown"] if in_role is None else str(in_role),
        radar_svg=charts.radar(names, series, title=ui["radar_title"]),
        competencies=tuple(
            _competency_row(fw, c, latest, quarters, role_targets, next_targets, lang)
            for c in comps
        ),
        self_rows=_self_rows(fw, latest, a.rubric.blind_spot_threshold, lang),
        sources=_sources(
            data.ratings[data.ratings["period"] == a.period], a.rubric.anonymity.min_raters, lang
        ),
        comments=_comments(
            data.ratings[data.ratings["period"] == a.period],
            a.rubric.anonymity.min_raters,
            fw,
            lang,
        ),
        kpis=_kpis(site, data.kpis),
        trend_svg=_trend(
            quarters,
            shown_periods,
            ui["trend_avg"],
            sum(next_targets.values()) / len(next_targets) if next_targets else None,
        ),
        suggestions=_suggestions(fw, data.plan, latest, next_targets or role_targets, lang),
        target_role=fw.role(target_id).name(lang) if target_id else "",
    )


def _competency_row(
    fw: Framework,
    comp: str,
    latest: pd.DataFrame,
    quarters: pd.DataFrame,
    role_targets: Mapping[str, int],
    next_targets: Mapping[str, int],
    lang: Lang,
) -> CompetencyRow:
    ui = UI[lang]
    row: dict[str, Any] = (
        {str(k): v for k, v in latest.loc[comp].items()} if comp in latest.index else {}
    )
    level, score = optional_int(row.get("level")), optional_float(row.get("score"))
    step_up = 1 if level is None else level + 1
    competency = fw.competency(comp)
    history = tuple(optional_float(v) for v in quarters.loc[comp]) if comp in quarters.index else ()
    low, high = optional_float(row.get("ci_low")), optional_float(row.get("ci_high"))
    return CompetencyRow(
        name=competency.name(lang),
        cell=level_cell(level, role_targets[comp], score, lang, bool(row.get("private"))),
        score=number(score, lang, 2),
        interval=f"{number(low, lang)}–{number(high, lang)}" if score is not None else "—",
        target=str(role_targets[comp]),
        target_next=str(next_targets.get(comp, "—")),
        trend_svg=charts.sparkline(
            history,
            title=f"{ui['trend']}: {competency.name(lang)}",
            target=float(next_targets.get(comp, role_targets[comp])),
        )
        if history
        else "",
        evidence=ui[str(row.get("evidence", "insufficient"))],
        raters=optional_int(row.get("n_raters")) or 0,
        next_indicator=(
            competency.level(step_up).indicator(lang) if step_up <= 5 else ui["at_top_level"]
        ),
    )


def _self_rows(
    fw: Framework, latest: pd.DataFrame, threshold: float, lang: Lang
) -> tuple[SelfRow, ...]:
    ui = UI[lang]
    rows = []
    for comp in fw.competencies:
        if comp.id not in latest.index:
            continue
        mine, theirs = (
            optional_float(latest.at[comp.id, "self_rating"]),
            optional_float(latest.at[comp.id, "others_score"]),
        )
        if mine is None or theirs is None:
            continue
        diff = mine - theirs
        flag, css = (
            (ui["blind_spot"], "blind")
            if diff > threshold
            else (ui["hidden_strength"], "hidden")
            if diff < -threshold
            else (ui["aligned"], "aligned")
        )
        sign = "+" if diff >= 0 else "−"
        rows.append(
            SelfRow(
                comp.name(lang),
                number(mine, lang),
                number(theirs, lang),
                f"{sign}{number(abs(diff), lang)}",
                flag,
                css,
            )
        )
    return tuple(rows)


def _sources(ratings: pd.DataFrame, min_raters: int, lang: Lang) -> tuple[SourceRow, ...]:
    """Mean per source group; a group under `min_raters` (manager excepted) stays hidden."""
    observed = ratings.dropna(subset=["rating"])
    observed = observed[observed["source"].astype(str) != "self"]
    groups = observed.groupby(observed["source"].astype(str))
    stats = pd.DataFrame({"raters": groups["rater_id"].nunique(), "mean": groups["rating"].mean()})
    rows = []
    for source in ("manager", "peer", "direct_report", "client"):
        if source not in stats.index:
            continue
        n = optional_int(stats.at[source, "raters"]) or 0
        shown = source == MANAGER or n >= min_raters
        mean = (
            number(optional_float(stats.at[source, "mean"]), lang)
            if shown
            else UI[lang]["suppressed"].format(n=min_raters)
        )
        rows.append(SourceRow(SOURCE_NAMES[lang][source], n, mean, shown))
    return tuple(rows)


def _comments(
    ratings: pd.DataFrame, min_raters: int, fw: Framework, lang: Lang
) -> tuple[tuple[str, str, str], ...]:
    """Comments from the manager, self, and source groups with enough raters; never a rater id."""
    with_text = ratings[ratings["comment"].fillna("").astype(str).str.strip() != ""]
    sizes = ratings.groupby(ratings["source"].astype(str))["rater_id"].nunique()
    allowed = {s for s, n in sizes.items() if s in {MANAGER, "self"} or n >= min_raters}
    shown = with_text[with_text["source"].astype(str).isin(allowed)]
    shown = shown.sort_values(["source", "competency", "comment"])
    return tuple(
        (SOURCE_NAMES[lang][str(s)], fw.competency(str(c)).name(lang), str(t))
        for s, c, t in zip(shown["source"], shown["competency"], shown["comment"], strict=True)
    )


def _kpis(site: SiteIndex, kpis: pd.DataFrame) -> tuple[KpiRow, ...]:
    a, lang = site.assessment, site.lang
    rows = []
    for kpi in a.rubric.kpis:
        values = kpis[kpis["kpi"].astype(str) == kpi.id].dropna(subset=["value"])
        if values.empty:
            continue
        last = values.sort_values("period", key=lambda s: s.astype(str)).iloc[-1]
        value = optional_float(last.at["value"]) or 0.0
        rows.append(
            KpiRow(
                name=kpi.name(lang),
                value=f"{number(value, lang)} ({kpi.unit(lang)})",
                period=str(last["period"]),
                bullet_svg=charts.bullet(
                    value,
                    title=kpi.name(lang),
                    thresholds=[kpi.thresholds[n] for n in (2, 3, 4, 5)],
                    lower_is_better=kpi.direction == "lower",
                ),
            )
        )
    return tuple(rows)


def _trend(quarters: pd.DataFrame, shown: list[str], label: str, target: float | None) -> str:
    means = quarters.mean(axis=0) if not quarters.empty else pd.Series(dtype="float64")
    values = tuple(optional_float(means.get(p)) for p in shown)
    return charts.trend_lines(
        shown, [charts.Series(label, values, "primary")], title=label, target=target
    )


def _suggestions(
    fw: Framework,
    plan: pd.DataFrame,
    latest: pd.DataFrame,
    targets: Mapping[str, int],
    lang: Lang,
    limit: int = 3,
) -> tuple[Suggestion, ...]:
    """Development suggestions for the largest gaps (the plan first, then the target levels)."""
    gaps = []
    for comp in fw.competency_ids:
        level = optional_float(latest.at[comp, "level"]) if comp in latest.index else None
        if level is not None and level < 5:
            in_plan = comp in set(plan["competency"])
            gaps.append((not in_plan, level - targets[comp], comp, int(level)))
    chosen = sorted(gaps)[:limit]
    chosen = [g for g in chosen if not g[0] or g[1] < 0] or sorted(gaps, key=lambda g: g[3])[:1]
    out = []
    for _, _, comp, level in chosen:
        step = fw.competency(comp).level(level)
        out.append(
            Suggestion(
                fw.competency(comp).name(lang),
                str(level),
                step.practise(lang) if step.practise else "",
                step.ask_for(lang) if step.ask_for else "",
            )
        )
    return tuple(out)
