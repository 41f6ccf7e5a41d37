"""View model of a person's own page: levels, gaps, self against others, KPIs, readiness."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace

from markupsafe import Markup, escape

from skillkit.framework import Competency, Framework
from skillkit.models import Lang
from skillkit.report import charts
from skillkit.report.context import Cell, Meta, PersonRow, Run, SiteIndex, level_cell, meta
from skillkit.report.i18n import SOURCE_NAMES, UI, number
from skillkit.report.measurement import low_agreement_note
from skillkit.report.person_data import PersonData, shown_periods
from skillkit.report.privacy import OTHERS
from skillkit.report.summary import person_summary
from skillkit.report.values import optional_float, optional_int

SOURCE_ORDER = ("manager", "peer", "direct_report", "client")


@dataclass(frozen=True)
class CompetencyRow:
    """One competency on the person's page."""

    name: str
    cell: Cell
    score: str
    interval: str
    target: str
    target_next: str
    trend_svg: Markup  # built and escaped by charts
    gap_svg: Markup  # the score against the target the page reads (charts.gap_bar)
    evidence: str
    raters: int
    next_indicator: str
    low_agreement: bool  # readiness relies on it and its raters agreed little
    run_note: str  # quarters in a row at target, or a drop of a level or more
    regressed: bool


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
    bullet_svg: Markup  # built and escaped by charts


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
    ui: SimpleNamespace  # UI[lang] as attributes (see `ui_attributes`)
    row: PersonRow
    team_href: str
    quarters_in_role: str
    radar_svg: Markup  # built and escaped by charts
    competencies: tuple[CompetencyRow, ...]
    competency_rows: tuple[Markup, ...]  # the competencies as table rows (`competency_row_html`)
    self_rows: tuple[SelfRow, ...]
    sources: tuple[SourceRow, ...]
    comments: tuple[tuple[str, str, str], ...]
    kpis: tuple[KpiRow, ...]
    trend_svg: Markup  # built and escaped by charts
    suggestions: tuple[Suggestion, ...]
    target_role: str
    min_raters: int
    low_agreement: str  # a note when readiness relies on competencies raters agreed little on


def person_page(site: SiteIndex, employee: str, data: PersonData) -> PersonPage:
    """The page of one person."""
    a, lang, ui = site.assessment, site.lang, UI[site.lang]
    fw = a.framework
    row = site.rows[employee]
    role_id, team = str(data.person["role"]), str(data.person["team"])
    target_id = str(data.readiness["target_role"])
    comps = fw.competency_ids
    levels = tuple(optional_float(data.latest.get(c, {}).get("level")) for c in comps)
    role_targets = fw.role(role_id).targets
    next_targets = fw.role(target_id).targets if target_id else {}
    series = [
        charts.Series(ui["current_levels"], levels, "primary"),
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
    in_role = optional_int(data.readiness.get("quarters_in_role"))
    shown = shown_periods(a)
    runs = site.runs.get(employee, {})
    mean_target = sum(next_targets.values()) / len(next_targets) if next_targets else None
    target_role = fw.role(target_id).name(lang) if target_id else ""
    competencies = tuple(
        _competency_row(c, data, role_targets, next_targets, runs, lang) for c in fw.competencies
    )
    return PersonPage(
        meta=meta(site, row.name, "../", person_summary(site, row, data)),
        ui=ui_attributes(lang),
        row=row,
        team_href=f"../teams/{site.team_slugs[team]}.html",
        quarters_in_role=ui["unknown"] if in_role is None else str(in_role),
        radar_svg=charts.radar(
            tuple(c.name(lang) for c in fw.competencies),
            series,
            title=ui["radar_title"],
            no_data=ui["no_data"],
            lang=lang,
        ),
        competencies=competencies,
        competency_rows=tuple(
            competency_row_html(c, bool(target_role), ui["low_agreement"]) for c in competencies
        ),
        self_rows=_self_rows(fw, data, lang),
        sources=_sources(data, a.rubric.anonymity.min_raters, lang),
        comments=tuple(
            (_group_name(group, data.merged, lang), fw.competency(comp).name(lang), text)
            for group, comp, text in data.comments
        ),
        kpis=_kpis(site, data),
        trend_svg=charts.trend_lines(
            shown,
            [charts.Series(ui["trend_avg"], data.average or (None,) * len(shown), "primary")],
            title=ui["trend_avg"],
            target=mean_target,
            no_data=ui["no_data"],
            lang=lang,
        ),
        # Every competency the plan moves gets its suggestion, and at least three in all.
        suggestions=_suggestions(
            fw, data, next_targets or role_targets, lang, limit=max(3, len(data.plan))
        ),
        target_role=target_role,
        min_raters=a.rubric.anonymity.min_raters,
        low_agreement=low_agreement_note(a, data.low_agreement, lang),
    )


@functools.cache
def ui_attributes(lang: Lang) -> SimpleNamespace:
    """The page's UI strings as attributes, made once per language."""
    # Jinja reads `ui.title` as an attribute before it tries a key: on a dict each of a page's
    # sixty-odd lookups would raise and catch an AttributeError first.
    return SimpleNamespace(**UI[lang])


def _competency_row(
    competency: Competency,
    data: PersonData,
    role_targets: Mapping[str, int],
    next_targets: Mapping[str, int],
    runs: Mapping[str, Run],
    lang: Lang,
) -> CompetencyRow:
    ui, comp = UI[lang], competency.id
    row = data.latest.get(comp, {})
    level, score = optional_int(row.get("level")), optional_float(row.get("score"))
    step_up = 1 if level is None else level + 1
    name = competency.name(lang)
    history = data.history.get(comp, ())
    low, high = optional_float(row.get("ci_low")), optional_float(row.get("ci_high"))
    aim = next_targets.get(comp, role_targets[comp])
    score_text, low_text, high_text = number(score, lang, 2), number(low, lang), number(high, lang)
    gap_title = ui["gap_title"].format(
        competency=name, score=score_text, low=low_text, high=high_text, target=aim
    )
    return CompetencyRow(
        name=name,
        cell=level_cell(level, role_targets[comp], score, lang, bool(row.get("private"))),
        score=score_text,
        interval=f"{low_text}–{high_text}" if score is not None else "—",
        target=str(role_targets[comp]),
        target_next=str(next_targets.get(comp, "—")),
        trend_svg=charts.sparkline(
            history, title=f"{ui['trend']}: {name}", target=float(aim), no_data=ui["no_data"]
        )
        if history
        else Markup(""),
        gap_svg=Markup("")
        if score is None
        else charts.gap_bar(score, float(aim), title=gap_title, low=low, high=high),
        evidence=ui[str(row.get("evidence", "insufficient"))],
        raters=optional_int(row.get("n_raters")) or 0,
        next_indicator=(
            competency.level(step_up).indicator(lang) if step_up <= 5 else ui["at_top_level"]
        ),
        low_agreement=comp in data.low_agreement,
        run_note=_run_note(runs.get(comp), lang),
        regressed=comp in runs and runs[comp].dropped_from is not None,
    )


def competency_row_html(row: CompetencyRow, next_column: bool, low_agreement: str) -> Markup:
    """One row of the competency table; `next_column` adds the next role's target column."""
    # Built here, not in person.html: jinja's cost per value made the ten rows a seventh of a
    # page's time. Every text is escaped as jinja would, and the whitespace is the template's,
    # so pages stay byte for byte the same; `low_agreement` is the flag's text.
    note = (
        f'<br><span class="{"warn" if row.regressed else "muted"} small">{escape(row.run_note)}'
        "</span>"
        if row.run_note
        else ""
    )
    flag = f'<br><span class="warn">⚑ {escape(low_agreement)}</span>' if row.low_agreement else ""
    next_target = f'<td class="num">{escape(row.target_next)}</td>' if next_column else ""
    cell = row.cell
    return Markup(
        "      <tr>\n"
        f'        <th scope="row">{escape(row.name)}</th>\n'
        f'        <td class="lv {escape(cell.css)}" title="{escape(cell.title)}">'
        f"{escape(cell.text)}</td>\n"
        f'        <td class="num score">{escape(row.score)}{row.gap_svg}</td>'
        f'<td class="num">{escape(row.interval)}</td>\n'
        f'        <td class="num">{escape(row.target)}</td>{next_target}'
        f'        <td class="trend">{row.trend_svg}{note}</td>'
        f'<td class="num">{row.raters}</td><td>{escape(row.evidence)}{flag}</td>\n'
        f'        <td class="indicator">{escape(row.next_indicator)}</td>\n'
        "      </tr>"
    )


def _run_note(run: Run | None, lang: Lang) -> str:
    """'+0.20 a quarter, trend level 3.4 · ↓ down from level 4' and the like."""
    if run is None:
        return ""
    ui = UI[lang]
    parts = []
    if run.slope is not None and run.smoothed is not None:
        sign = "+" if run.slope >= 0 else "−"
        parts.append(
            ui["trend_note"].format(
                slope=f"{sign}{number(abs(run.slope), lang, 2)}",
                level=number(run.smoothed, lang),
            )
        )
    if run.dropped_from is not None:
        parts.append(ui["regressed"].format(level=run.dropped_from))
    elif run.streak >= 2:
        parts.append(ui["at_target_run"].format(n=run.streak))
    return " · ".join(parts)


def _self_rows(fw: Framework, data: PersonData, lang: Lang) -> tuple[SelfRow, ...]:
    ui = UI[lang]
    labels = {
        "blind-spot": (ui["blind_spot"], "blind"),
        "hidden-strength": (ui["hidden_strength"], "hidden"),
        "aligned": (ui["aligned"], "aligned"),
    }
    rows = []
    for comp in fw.competencies:
        if comp.id not in data.perception:
            continue
        mine, theirs, diff, perception = data.perception[comp.id]
        flag, css = labels[perception]
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


def _sources(data: PersonData, min_raters: int, lang: Lang) -> tuple[SourceRow, ...]:
    """Mean per source group; small groups merged into "others" or hidden (see privacy)."""
    rows = []
    for source in (*SOURCE_ORDER, OTHERS):
        if source not in data.sources:
            continue
        n, mean = data.sources[source]
        label = _group_name(source, data.merged, lang)
        if mean is None:
            rows.append(SourceRow(label, n, UI[lang]["suppressed"].format(n=min_raters), False))
        else:
            rows.append(SourceRow(label, n, number(mean, lang), True))
    return tuple(rows)


def _group_name(group: str, merged: tuple[str, ...], lang: Lang) -> str:
    """A source group's name; "others" names the groups merged into it."""
    names = SOURCE_NAMES[lang]
    if group == OTHERS:
        ordered = sorted(merged, key=SOURCE_ORDER.index)
        return UI[lang]["others_group"].format(sources=", ".join(names[s] for s in ordered))
    return names[group]


def _kpis(site: SiteIndex, data: PersonData) -> tuple[KpiRow, ...]:
    a, lang = site.assessment, site.lang
    ui = UI[lang]
    rows = []
    for kpi in a.rubric.kpis:
        if kpi.id not in data.kpis:
            continue
        value, quarter = data.kpis[kpi.id]
        rows.append(
            KpiRow(
                name=kpi.name(lang),
                value=f"{number(value, lang)} ({kpi.unit(lang)})",
                period=quarter,
                bullet_svg=charts.bullet(
                    value,
                    title=kpi.name(lang),
                    thresholds=[kpi.thresholds[n] for n in (2, 3, 4, 5)],
                    lower_is_better=kpi.direction == "lower",
                    no_data=ui["no_data"],
                    lang=lang,
                ),
            )
        )
    return tuple(rows)


def _suggestions(
    fw: Framework,
    data: PersonData,
    targets: Mapping[str, int],
    lang: Lang,
    limit: int = 3,
) -> tuple[Suggestion, ...]:
    """Development suggestions for the largest gaps (the plan first, then the target levels)."""
    gaps = []
    for comp in fw.competency_ids:
        level = optional_int(data.latest.get(comp, {}).get("level"))
        if level is not None and level < 5:
            gaps.append((comp not in data.plan, level - targets[comp], comp, level))
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
