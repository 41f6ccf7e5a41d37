"""View model of the HR page's fairness audit: adverse impact and mean scores by group.

Fairness attributes appear here and nowhere else: never on a team or person page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from skillkit.fairness import AttributeAudit
from skillkit.models import Lang
from skillkit.pipeline import Assessment
from skillkit.report.i18n import UI, number, percent
from skillkit.report.values import optional_float, optional_int


@dataclass(frozen=True)
class ImpactRow:
    """One group's selection rate against the highest group's."""

    group: str
    n: str
    selected: str
    rate: str
    ratio: str
    flag: str  # "" or the words for adverse impact
    p_value: str
    fragile: str  # "" or the words for "one more selection changes the flag"


@dataclass(frozen=True)
class AttributeView:
    """The audit of one attribute: two selections and the mean scores."""

    name: str
    ready_now: tuple[ImpactRow, ...]
    ready_within_1y: tuple[ImpactRow, ...]
    scores: tuple[tuple[str, str, str], ...]  # group, n, mean score
    note: str


@dataclass(frozen=True)
class FairnessView:
    """Every audited attribute, and what could not be audited."""

    intro: str
    attributes: tuple[AttributeView, ...]
    missing: str
    none: str  # said only when the rubric lists no attribute at all


def fairness_view(a: Assessment, lang: Lang) -> FairnessView:
    """The fairness section of the organisation page."""
    ui, found = UI[lang], a.fairness
    audited = {item.attribute for item in found.attributes}
    missing = [name for name in a.rubric.fairness.attributes if name not in audited]
    return FairnessView(
        intro=ui["fairness_note"].format(n=found.min_group_size),
        attributes=tuple(_attribute(item, lang) for item in found.attributes),
        missing=ui["fairness_missing"].format(names=", ".join(missing)) if missing else "",
        none="" if a.rubric.fairness.attributes else ui["fairness_none"],
    )


def _attribute(item: AttributeAudit, lang: Lang) -> AttributeView:
    ui = UI[lang]
    scores = tuple(
        (str(group), _count(n), _hidden(number(optional_float(mean), lang, 2), hide, lang))
        for group, n, mean, hide in zip(
            item.scores["group"],
            item.scores["n"],
            item.scores["mean"],
            item.scores["suppressed"],
            strict=True,
        )
    )
    hidden = ", ".join(item.suppressed)
    return AttributeView(
        name=item.attribute,
        ready_now=_rows(item.ready_now, lang),
        ready_within_1y=_rows(item.ready_within_1y, lang),
        scores=scores,
        note=ui["fairness_suppressed"].format(groups=hidden) if hidden else "",
    )


def _rows(table: pd.DataFrame, lang: Lang) -> tuple[ImpactRow, ...]:
    ui = UI[lang]
    rows = []
    for record in table.to_dict("records"):
        if bool(record["suppressed"]):
            cell = ui["suppressed_cell"]
            rows.append(ImpactRow(str(record["group"]), cell, cell, cell, cell, "", cell, ""))
            continue
        p_value = optional_float(record["p_value"])
        rows.append(
            ImpactRow(
                group=str(record["group"]),
                n=_count(record["n"]),
                selected=_count(record["selected"]),
                rate=percent(optional_float(record["rate"]), lang),
                ratio=number(optional_float(record["impact_ratio"]), lang, 2),
                flag=ui["adverse_impact"] if bool(record["flagged"]) else "",
                p_value=ui["reference_group"] if p_value is None else number(p_value, lang, 3),
                fragile=ui["one_flip"] if bool(record["one_flip_changes"]) else "",
            )
        )
    return tuple(rows)


def _count(value: object) -> str:
    count = optional_int(value)
    return "—" if count is None else str(count)


def _hidden(text: str, hide: object, lang: Lang) -> str:
    return UI[lang]["suppressed_cell"] if bool(hide) else text
