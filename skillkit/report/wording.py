"""Readiness reasons and plans put into words, in the reader's language."""

from __future__ import annotations

import math

import pandas as pd

from skillkit.framework import Framework
from skillkit.models import Lang
from skillkit.report.i18n import REASONS, UI, WITHHELD, number, percent
from skillkit.report.i18n import quarters as spell_quarters
from skillkit.report.values import optional_float
from skillkit.rubric import Rubric


def reason_texts(
    reasons: pd.DataFrame, framework: Framework, rubric: Rubric, lang: Lang
) -> pd.Series:
    """One sentence per reason row (index kept), e.g. 'Motivation is at level 3 but ...'."""
    names = {c.id: c.name(lang) for c in framework.competencies}
    kpis = {k.id: k.name(lang) for k in rubric.kpis}
    min_raters = rubric.evidence.min_non_self
    rows = list(
        zip(
            reasons["rule"],
            reasons["competency"],
            reasons["kpi"],
            reasons["value"],
            reasons["required"],
            reasons["extra"],
            strict=True,
        )
    )
    # Few distinct reasons recur across thousands of people: word each one once.
    said: dict[tuple[object, ...], str] = {}
    for row in rows:
        if row not in said:
            said[row] = _reason_text(row, names, kpis, min_raters, lang)
    texts = [said[row] for row in rows]
    return pd.Series(texts, index=reasons.index, dtype="object")


def _reason_text(
    row: tuple[object, ...],
    names: dict[str, str],
    kpis: dict[str, str],
    min_raters: int,
    lang: Lang,
) -> str:
    """One reason row as a sentence."""
    rule, comp, kpi, value, required, extra = row
    rule = str(rule)
    threshold, _, of_last = str(extra).partition("|")
    fields = {
        "competency": names.get(str(comp), comp),
        "kpi": kpis.get(str(kpi), kpi),
        "value": _quantity(rule, value, lang),
        "required": _quantity(rule, required, lang),
        "extra": extra,
        "threshold": threshold.replace(".", ",") if lang == "ru" else threshold,
        "of_last": of_last,
        "min_raters": min_raters,
        "max_below": extra,
    }
    withheld = rule in WITHHELD[lang] and (value is None or value != value)  # NaN: not shown
    text = (WITHHELD[lang][rule] if withheld else REASONS[lang][rule]).format(**fields)
    return text[:1].upper() + text[1:]


def _quantity(rule: str, value: object, lang: Lang) -> str:
    amount = optional_float(value)
    if amount is None:
        return "—"
    if rule == "coverage":
        return percent(amount, lang)
    return number(amount, lang, 0) if amount.is_integer() else number(amount, lang)


def plan_texts(plan: pd.DataFrame, framework: Framework, lang: Lang, horizon: int = 8) -> pd.Series:
    """One line per plan row: 'Motivation: level 3 → 4 (in about 2 quarters ...)'."""
    names = {c.id: c.name(lang) for c in framework.competencies}
    ui = UI[lang]
    texts = []
    for comp, level, required, needed in zip(
        plan["competency"],
        plan["level"],
        plan["required_level"],
        plan["quarters_needed"],
        strict=True,
    ):
        shown = ui["unknown_level"] if pd.isna(level) else str(int(level))
        line = ui["from_to"].format(
            competency=names.get(comp, comp), level=shown, required=int(required)
        )
        pace = (
            ui["no_progress"]
            if not math.isfinite(needed)
            else ui["beyond"].format(n=spell_quarters(horizon, lang))
            if needed > horizon
            else ui["in_quarters"].format(n=spell_quarters(int(needed), lang))
        )
        texts.append(f"{line} ({pace})")
    return pd.Series(texts, index=plan.index, dtype="object")
