"""View models of measurement quality: calibration, rater agreement, self against others.

Rater ids and effects appear in the calibration section of the HR page and nowhere else.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from markupsafe import Markup

from skillkit.models import Lang
from skillkit.pipeline import Assessment
from skillkit.report import charts
from skillkit.report.i18n import AGREEMENT_BANDS, SOURCE_NAMES, UI, number, percent, whole
from skillkit.report.values import optional_float

EXTREMES = 5  # raters listed at each end
OUTSIDE_LISTED = 20  # ids listed by name before "and n more"
EFFECT_BINS = (-2.0, -1.5, -1.0, -0.5, -0.25, 0.25, 0.5, 1.0, 1.5, 2.0)
SCORE_BINS = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5)


@dataclass(frozen=True)
class RaterRow:
    """One rater at either end of the leniency scale."""

    rater_id: str
    sources: str
    effect: str
    ratings: int


@dataclass(frozen=True)
class CalibrationView:
    """What calibration did this review: the model, the raters' spread, how scores moved."""

    enabled: bool
    note: str
    spread: str
    moved: str
    outside: str
    lenient: tuple[RaterRow, ...]
    severe: tuple[RaterRow, ...]
    effects_svg: Markup
    scores_svg: Markup


@dataclass(frozen=True)
class AgreementCell:
    """Agreement of one competency in one quarter: alpha, its band, a flag when too low."""

    text: str
    css: str
    title: str


@dataclass(frozen=True)
class AgreementView:
    """Krippendorff's alpha per competency (rows) and quarter (columns)."""

    note: str
    periods: tuple[str, ...]
    rows: tuple[tuple[str, tuple[AgreementCell, ...]], ...]
    legend: tuple[tuple[str, str], ...]  # CSS class, band in words with its range


@dataclass(frozen=True)
class PerceptionView:
    """A team's blind spots and hidden strengths per competency: counts, never ratings."""

    note: str
    rows: tuple[tuple[str, int, int], ...]  # competency name, blind spots, hidden strengths


def calibration_view(a: Assessment, lang: Lang) -> CalibrationView:
    """The calibration section of the organisation page."""
    ui, fit = UI[lang], a.calibration
    latest = a.scores[a.scores["period"] == a.period].dropna(subset=["score"])
    scores_svg = charts.distribution(
        latest["score_raw"].tolist(),
        latest["score"].tolist(),
        title=ui["raw_vs_calibrated"].format(period=a.period),
        labels=(ui["before_calibration"], ui["after_calibration"]),
        bins=SCORE_BINS,
        no_data=ui["no_data"],
        lang=lang,
    )
    if fit.method == "none":
        empty = charts.distribution(
            [], None, title=ui["effect_spread"], no_data=ui["no_data"], lang=lang
        )
        return CalibrationView(False, ui["calibration_off"], "", "", "", (), (), empty, scores_svg)
    effects = fit.effects
    ranked = effects[effects["main"].astype(bool)]
    first, last = (fit.window[0], fit.window[-1]) if fit.window else (a.period, a.period)
    window = first if first == last else f"{first}–{last}"
    note = ui["calibration_note"].format(
        ratings=whole(fit.n_ratings, lang),
        raters=len(effects),
        window=window,
        shrinkage=number(fit.shrinkage, lang, 0),
    )
    return CalibrationView(
        enabled=True,
        note=note,
        spread=_spread(effects, lang),
        moved=_moved(latest, a.period, a.rubric.scale.level_tolerance, lang),
        outside=_outside(fit.outside_raters, fit.outside_people, a, lang),
        # Only the main group's effects share one scale; lenient is above zero, severe below.
        lenient=_raters(
            ranked[ranked["effect"] > 0].sort_values(
                ["effect", "rater_id"], ascending=[False, True]
            ),
            lang,
        ),
        severe=_raters(ranked[ranked["effect"] < 0].sort_values(["effect", "rater_id"]), lang),
        effects_svg=charts.distribution(
            effects["effect"].tolist(),
            None,
            title=ui["effect_spread"],
            labels=(ui["raters"], ""),
            bins=EFFECT_BINS,
            no_data=ui["no_data"],
            lang=lang,
        ),
        scores_svg=scores_svg,
    )


def _spread(effects: pd.DataFrame, lang: Lang) -> str:
    values = effects["effect"].to_numpy(dtype="float64")
    if len(values) == 0:
        return UI[lang]["no_data"]
    low, high = np.quantile(values, [0.25, 0.75])
    return UI[lang]["spread_text"].format(
        sd=_signed(float(values.std()), lang, sign=False),
        low=_signed(float(low), lang),
        high=_signed(float(high), lang),
        far=int((np.abs(values) >= 0.5).sum()),
        n=len(values),
    )


def _moved(latest: pd.DataFrame, period: str, tolerance: float, lang: Lang) -> str:
    if latest.empty:
        return UI[lang]["no_data"]
    shift = (latest["score"] - latest["score_raw"]).abs()
    # The level the raw score would have given, by the same rule as scoring's.
    level_raw = np.clip(np.floor(latest["score_raw"].to_numpy(dtype="float64") + tolerance), 1, 5)
    changed = level_raw != latest["level"].to_numpy(dtype="float64")
    people = latest.loc[changed, "employee_id"].nunique()
    return UI[lang]["moved_text"].format(
        period=period,
        mean=number(float(shift.mean()), lang, 2),
        largest=number(float(shift.max()), lang, 2),
        share=percent(float((shift >= 0.25).mean()), lang),
        levels=int(changed.sum()),
        cells=len(latest),
        people=people,
    )


def _outside(raters: tuple[str, ...], people: tuple[str, ...], a: Assessment, lang: Lang) -> str:
    ui = UI[lang]
    if not raters and not people:
        return ui["all_connected"]
    names = a.people.set_index(a.people["employee_id"].astype(str))["name"].astype(str)
    shown = [names.get(p, p) for p in people[:OUTSIDE_LISTED]]
    listed = ", ".join([*raters[:OUTSIDE_LISTED], *shown])
    more = len(raters) + len(people) - len(raters[:OUTSIDE_LISTED]) - len(shown)
    if more:
        listed += " " + ui["and_more"].format(n=more)
    return ui["outside_text"].format(raters=len(raters), people=len(people), listed=listed)


def _raters(ordered: pd.DataFrame, lang: Lang) -> tuple[RaterRow, ...]:
    names = SOURCE_NAMES[lang]
    return tuple(
        RaterRow(
            rater_id=str(rater),
            sources=", ".join(names.get(s, s) for s in str(sources).split(", ")),
            effect=_signed(float(effect), lang),
            ratings=int(n),
        )
        for rater, sources, effect, n in zip(
            ordered["rater_id"].head(EXTREMES),
            ordered["sources"].head(EXTREMES),
            ordered["effect"].head(EXTREMES),
            ordered["n_ratings"].head(EXTREMES),
            strict=True,
        )
    )


def _signed(value: float, lang: Lang, sign: bool = True) -> str:
    text = number(abs(value), lang, 2)
    if not sign:
        return text
    return ("+" if value >= 0 else "−") + text


def agreement_view(a: Assessment, periods: list[str], lang: Lang) -> AgreementView:
    """The rater-agreement table: competencies × the quarters the trends cover."""
    ui, settings, bands = UI[lang], a.rubric.reliability, AGREEMENT_BANDS[lang]
    found = {(str(r["competency"]), str(r["period"])): r for r in a.agreement.to_dict("records")}
    rows = []
    for competency in a.framework.competencies:
        cells = []
        for period in periods:
            row = found.get((competency.id, period), {})
            alpha, n = optional_float(row.get("alpha")), int(row.get("n_units", 0))
            if alpha is None:
                cells.append(AgreementCell("—", "ag-none", ui["agreement_thin"].format(n=n)))
                continue
            band, low = str(row["band"]), bool(row["low"])
            title = ui["agreement_cell"].format(alpha=number(alpha, lang, 2), band=bands[band], n=n)
            text = number(alpha, lang, 2) + (" ⚑" if low else "")
            cells.append(AgreementCell(text, f"ag-{band}" + (" ag-low" if low else ""), title))
        rows.append((competency.name(lang), tuple(cells)))
    note = ui["agreement_note"].format(
        threshold=number(settings.min_alpha, lang, 2), n=settings.min_units
    )
    cut = {v: number(v, lang, 2) for v in (0.5, 0.75, 0.9)}
    legend = (
        ("ag-excellent", f"{bands['excellent']} > {cut[0.9]}"),
        ("ag-good", f"{bands['good']} {cut[0.75]}–{cut[0.9]}"),
        ("ag-moderate", f"{bands['moderate']} {cut[0.5]}–{cut[0.75]}"),
        ("ag-poor", f"{bands['poor']} < {cut[0.5]}"),
    )
    return AgreementView(note, tuple(periods), tuple(rows), legend)


def perception_view(
    a: Assessment, counts: Mapping[tuple[str, str], int], lang: Lang
) -> PerceptionView:
    """A team's blind spots and hidden strengths per competency, from (competency, kind) counts."""
    rows = tuple(
        (
            c.name(lang),
            counts.get((c.id, "blind-spot"), 0),
            counts.get((c.id, "hidden-strength"), 0),
        )
        for c in a.framework.competencies
    )
    note = UI[lang]["self_summary_note"].format(
        threshold=number(a.rubric.blind_spot_threshold, lang), period=a.period
    )
    return PerceptionView(note, rows)


def low_agreement_note(a: Assessment, competencies: Collection[str], lang: Lang) -> str:
    """A caution naming the low-agreement competencies that readiness relies on, if any."""
    if not competencies:
        return ""
    return UI[lang]["low_agreement_note"].format(
        competencies=", ".join(
            c.name(lang) for c in a.framework.competencies if c.id in set(competencies)
        ),
        period=a.period,
        threshold=number(a.rubric.reliability.min_alpha, lang, 2),
    )


def relied_on_by_team(a: Assessment, teams: pd.Series) -> dict[str, frozenset[str]]:
    """Per team (`teams`: employee id → team), the low-agreement competencies readiness uses."""
    relied = a.low_agreement.assign(team=a.low_agreement["employee_id"].map(teams))
    return {
        str(team): frozenset(competencies)
        for team, competencies in relied.groupby("team")["competency"]
    }
