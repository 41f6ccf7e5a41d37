"""The score and readiness tables as text for a terminal, in English or Russian."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd

from skillkit import periods
from skillkit.models import Lang
from skillkit.pipeline import Assessment
from skillkit.readiness import BANDS
from skillkit.terminal_table import (
    Column,
    column_widths,
    display_width,
    printable,
    render_table,
    truncate,
)

_BAND_RANK = {band: i for i, band in enumerate((*BANDS, ""))}  # the readiest first; "" unbanded

LABELS: Mapping[Lang, Mapping[str, str]] = {
    "en": {
        "id": "ID",
        "name": "Name",
        "role": "Role",
        "target": "Target",
        "band": "Band",
        "chance": "Chance",
        "projected": "Projected",
        "reason": "Top reason",
        "period": "Quarter",
        "competency": "Competency",
        "level": "Level",
        "gap": "Gap",
        "evidence": "Evidence",
        "readiness_title": "Readiness for {target}, {period}: {n} people",
        "scores_title": "Levels against the role's targets, {period}: {n} people",
        "grid_legend": "Cells: level/target; ? insufficient evidence; — no score.",
        "nobody": "No one matches.",
    },
    "ru": {
        "id": "ID",
        "name": "Имя",
        "role": "Роль",
        "target": "Цель",
        "band": "Готовность",
        "chance": "Шанс",
        "projected": "Прогноз",
        "reason": "Главная причина",
        "period": "Квартал",
        "competency": "Компетенция",
        "level": "Уровень",
        "gap": "Разрыв",
        "evidence": "Данные",
        "readiness_title": "Готовность к роли «{target}», {period}: {n} чел.",
        "scores_title": "Уровни против целевых уровней роли, {period}: {n} чел.",
        "grid_legend": "В ячейке: уровень/цель; ? мало данных; — нет оценки.",
        "nobody": "Никто не подходит под условия.",
    },
}

# Bands as a terminal column has room for them (the reports spell them out).
SHORT_BANDS: Mapping[Lang, Mapping[str, str]] = {
    "en": {
        "ready-now": "Ready now",
        "ready-1y": "Within 1 yr",
        "ready-2y": "In 1–2 yrs",
        "not-yet": "Not yet",
        "insufficient-evidence": "No evidence",
        "": "—",
    },
    "ru": {
        "ready-now": "Готов сейчас",
        "ready-1y": "До года",
        "ready-2y": "Через 1–2 г.",
        "not-yet": "Пока нет",
        "insufficient-evidence": "Мало данных",
        "": "—",
    },
}


def _title(text: str, width: int) -> str:
    return truncate(printable(text), width)


def readiness_text(assessment: Assessment, table: pd.DataFrame, lang: Lang, width: int) -> str:
    """The readiness rows as a terminal table: the readiest first, one line per person."""
    from skillkit.report.i18n import percent

    a, words = assessment, LABELS[lang]
    target = _role_name(assessment, a.target_role, lang)
    title = _title(
        words["readiness_title"].format(target=target, period=a.period, n=len(table)), width
    )
    if table.empty:
        return f"{title}\n{words['nobody']}"
    ordered = table.assign(
        _band=table["band"].map(_BAND_RANK).astype("float64").fillna(99),
        _quarters=table["quarters_to_ready"].astype("Float64").fillna(math.inf),
        _chance=-table["ready_probability"].astype("float64").fillna(-1.0),
    ).sort_values(["_band", "_quarters", "_chance", "employee_id"], kind="stable")
    top = _top_reasons(assessment, ordered["employee_id"], lang)
    # A Target column only when someone is assessed for another rung than the title says
    # (people at or above it are assessed for the next one), and only if there is room.
    other_targets = width >= 120 and bool((ordered["target_role"] != a.target_role).any())
    columns = [
        Column(words["id"]),
        Column(words["name"], shrinks=True, comfortable=14),
        Column(words["role"], shrinks=True, comfortable=12),
        *([Column(words["target"], shrinks=True, comfortable=12)] if other_targets else []),
        Column(words["band"], shrinks=True, comfortable=12),
        Column(words["chance"], numeric=True),
        Column(words["projected"]),
        Column(words["reason"], shrinks=True, comfortable=30, yields_first=True),
    ]
    rows = []
    for record in ordered.to_dict("records"):
        employee = str(record["employee_id"])
        chance = record["ready_probability"]
        rows.append(
            [
                employee,
                str(record["name"]),
                _role_name(assessment, str(record["role"]), lang),
                *([_role_name(assessment, str(record["target_role"]), lang)] * other_targets),
                SHORT_BANDS[lang].get(str(record["band"]), str(record["band"])),
                percent(None if pd.isna(chance) else float(chance), lang),
                str(record["projected_ready_period"] or "—"),
                top.get(employee, "—"),
            ]
        )
    return f"{title}\n{render_table(columns, rows, width)}"


def _role_name(assessment: Assessment, role: str, lang: Lang) -> str:
    if role in assessment.framework.role_ids:
        return assessment.framework.role(role).name(lang)
    return role or "—"


def _top_reasons(assessment: Assessment, employees: pd.Series, lang: Lang) -> dict[str, str]:
    """Each person's first reason, in the order readiness reads them (gates first)."""
    from skillkit.report.wording import reason_texts

    reasons = assessment.readiness.reasons
    mine = reasons[reasons["employee_id"].astype(str).isin(set(employees.astype(str)))]
    if mine.empty:
        return {}
    texts = reason_texts(mine, assessment.framework, assessment.rubric, lang)
    first = texts.groupby(mine["employee_id"].astype(str).to_numpy(), sort=False).first()
    return {str(k): str(v) for k, v in first.items()}


def scores_text(assessment: Assessment, table: pd.DataFrame, lang: Lang, width: int) -> str:
    """Score rows as a terminal grid: a line per person (and quarter), a column per competency.

    Too narrow a terminal for the grid gets one line per competency instead.
    """
    words = LABELS[lang]
    quarters = sorted(map(str, table["period"].unique()), key=periods.to_ordinal)
    span = f"{quarters[0]}–{quarters[-1]}" if len(quarters) > 1 else assessment.period
    people = table["employee_id"].astype(str).nunique()
    title = _title(words["scores_title"].format(period=span, n=people), width)
    if table.empty:
        return f"{title}\n{words['nobody']}"
    named = assessment.people.set_index(assessment.people["employee_id"].astype(str))["name"]
    ordered = table.assign(
        _ordinal=periods.ordinals(table["period"]).to_numpy(),
        _name=table["employee_id"].astype(str).map(named).fillna("").astype(str),
    ).sort_values(["_ordinal", "employee_id"], kind="stable")
    grid = _grid(assessment, ordered, lang, width, several=len(quarters) > 1)
    if grid is not None:
        return f"{title}\n{grid}"
    return f"{title}\n{_long(assessment, ordered, lang, width, several=len(quarters) > 1)}"


def _cells(table: pd.DataFrame) -> pd.Series:
    """'level/target', with ? when the evidence is insufficient and — when there is no score."""
    level = table["level"].astype("Int64").astype("string")
    target = ("/" + table["target_level"].astype("Int64").astype("string")).fillna("")
    doubt = (table["evidence"].astype(str) == "insufficient").map({True: "?", False: ""})
    return (level + target + doubt).fillna("—").astype(str)


def _grid(
    assessment: Assessment, table: pd.DataFrame, lang: Lang, width: int, *, several: bool
) -> str | None:
    words = LABELS[lang]
    competencies = list(assessment.framework.competency_ids)
    short = abbreviations(competencies)
    keys = ["_ordinal", "period", "employee_id", "_name"]
    grid = (
        table.assign(_cell=_cells(table).to_numpy())
        .pivot(index=keys, columns="competency", values="_cell")
        .reindex(columns=competencies)
        .fillna("")
        .reset_index()
        .sort_values(["_ordinal", "employee_id"], kind="stable")
    )
    columns = [
        *_lead_columns(words, several=several),
        *(Column(short[c], numeric=True) for c in competencies),
    ]
    rows = [
        [*_lead_cells(p, e, n, several=several), *(str(v) for v in values)]
        for p, e, n, *values in zip(
            grid["period"],
            grid["employee_id"],
            grid["_name"],
            *(grid[c] for c in competencies),
            strict=True,
        )
    ]
    # The grid only when names keep a few letters; else one line per competency reads better.
    cells = [[printable(cell) for cell in row] for row in rows]
    widths = column_widths(columns, cells, width)
    name = len(columns) - len(competencies) - 1
    natural = max(display_width(row[name]) for row in cells)
    if sum(widths) + 2 * (len(columns) - 1) > width or widths[name] < min(natural, 6):
        return None
    # No-break spaces keep each abbreviation on the line of the name it stands for.
    legend = ", ".join(
        f"{short[c]}\u00a0{assessment.framework.competency(c).name(lang)}" for c in competencies
    )
    return "\n".join(
        [
            render_table(columns, rows, width),
            "",
            *_wrap(words["grid_legend"], width),
            *_wrap(legend, width),
        ]
    )


def _long(
    assessment: Assessment, table: pd.DataFrame, lang: Lang, width: int, *, several: bool
) -> str:
    words = LABELS[lang]
    names = {c.id: c.name(lang) for c in assessment.framework.competencies}
    order = {c: i for i, c in enumerate(assessment.framework.competency_ids)}
    ordered = table.assign(
        _competency=table["competency"].map(order).astype("float64").fillna(len(order))
    )
    ordered = ordered.sort_values(["_ordinal", "employee_id", "_competency"], kind="stable")
    columns = [
        *_lead_columns(words, several=several),
        Column(words["competency"], shrinks=True, comfortable=10),
        Column(words["level"], numeric=True),
        Column(words["gap"], numeric=True),
    ]
    rows = [
        [
            *_lead_cells(p, e, n, several=several),
            names.get(str(c), str(c)),
            cell,
            "—" if pd.isna(g) else str(int(g)),
        ]
        for p, e, n, c, cell, g in zip(
            ordered["period"],
            ordered["employee_id"],
            ordered["_name"],
            ordered["competency"],
            _cells(ordered),
            ordered["gap"],
            strict=True,
        )
    ]
    return "\n".join([render_table(columns, rows, width), "", *_wrap(words["grid_legend"], width)])


def _lead_columns(words: Mapping[str, str], *, several: bool) -> list[Column]:
    """Quarter (when there are several), ID and name: both score layouts start a line with them."""
    return [
        *([Column(words["period"])] if several else []),
        Column(words["id"]),
        Column(words["name"], shrinks=True, comfortable=6),
    ]


def _lead_cells(period: object, employee: object, name: object, *, several: bool) -> list[str]:
    return [*([str(period)] if several else []), str(employee), str(name)]


def _wrap(text: str, width: int) -> list[str]:
    return [truncate(line, width) for line in textwrap.wrap(text, width=max(width, 1))]


def abbreviations(ids: Sequence[str]) -> dict[str, str]:
    """Short unique column heads for competency ids: initials of the words, else two letters."""
    result: dict[str, str] = {}
    for competency in ids:
        words = [w for w in re.split(r"[-_]", competency) if w]
        short = "".join(w[0] for w in words) if len(words) > 1 else competency[:2]
        short, n = short.upper(), 2
        while short in result.values():  # custom frameworks may share initials
            short = f"{short.rstrip('0123456789')}{n}"
            n += 1
        result[competency] = short
    return result
