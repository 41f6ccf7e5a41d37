"""Readiness reasons and plans put into words, in the reader's language."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd

from skillkit.framework import Framework
from skillkit.models import Lang
from skillkit.report.i18n import REASONS, UI, WITHHELD, number, percent
from skillkit.report.i18n import quarters as spell_quarters
from skillkit.report.values import optional_float, optional_int
from skillkit.rubric import Rubric


def reason_texts(
    reasons: pd.DataFrame, framework: Framework, rubric: Rubric, lang: Lang
) -> pd.Series:
    """One sentence per reason row (index kept), e.g. 'Motivation is at level 3 but ...'."""
    names = {c.id: c.name(lang) for c in framework.competencies}
    kpis = {k.id: k.name(lang) for k in rubric.kpis}
    min_raters = rubric.evidence.min_non_self
    columns = ["rule", "competency", "kpi", "value", "required", "extra"]
    return _worded_once(
        reasons, columns, lambda row: _reason_text(row, names, kpis, min_raters, lang)
    )


def _worded_once(
    table: pd.DataFrame, columns: list[str], word: Callable[[tuple[object, ...]], str]
) -> pd.Series:
    """`word(row)` for each row of `table[columns]` (index kept), called once per distinct row.

    Few distinct reasons and steps recur across thousands of people. Rows are matched as
    pandas matches them, missing values alike (a dict of tuples would not: NaN != NaN).
    """
    if table.empty:
        return pd.Series([], index=table.index, dtype="object")
    keys = table[columns]
    group = keys.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
    distinct = keys.drop_duplicates()  # first appearances, in the order ngroup numbers them
    said = np.array([word(row) for row in distinct.itertuples(index=False, name=None)], object)
    return pd.Series(said[group], index=table.index, dtype="object")


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

    def line(row: tuple[object, ...]) -> str:
        comp, level, required, needed = row
        known = optional_int(level)
        shown = ui["unknown_level"] if known is None else str(known)
        text = ui["from_to"].format(
            competency=names.get(str(comp), comp), level=shown, required=optional_int(required)
        )
        steps = float(cast(float, needed))
        pace = (
            ui["no_progress"]
            if not math.isfinite(steps)
            else ui["beyond"].format(n=spell_quarters(horizon, lang))
            if steps > horizon
            else ui["in_quarters"].format(n=spell_quarters(int(steps), lang))
        )
        return f"{text} ({pace})"

    return _worded_once(plan, ["competency", "level", "required_level", "quarters_needed"], line)
