"""Interface strings and reason wording in English and Russian."""

from __future__ import annotations

import math
from collections.abc import Mapping

from skillkit.models import Lang

UI: Mapping[str, Mapping[str, str]] = {
    "en": {
        "org_title": "Quarterly talent review",
        "team_title": "Team {team}",
        "period": "Quarter",
        "generated": "Generated",
        "framework": "Framework",
        "rubric": "Rubric",
        "contents": "Contents",
        "headcount": "Headcount by role and team",
        "role": "Role",
        "team": "Team",
        "teams": "Teams",
        "total": "Total",
        "people": "People",
        "pipeline": "Readiness pipeline",
        "pipeline_note": "Readiness for {target} (people at or above it are assessed for the next rung).",
        "heatmap": "Team × competency",
        "heatmap_note": "Mean level in {period} against the level each person's role expects. "
        "Teams under {n} people are hidden, and so is any team whose mean could be "
        "worked out from the others.",
        "closest": "Closest to {target}",
        "closest_note": "Ordered by band, then by quarters to ready, then by coverage of the target levels.",
        "data_quality": "Data quality",
        "warnings": "Warnings",
        "no_warnings": "No warnings.",
        "insufficient_people": "People without sufficient evidence in {period}",
        "insufficient_cells": "{n} of {total} competency scores in {period} rest on insufficient evidence.",
        "none": "None.",
        "name": "Name",
        "band": "Band",
        "target_role": "Target role",
        "projected": "Projected ready",
        "coverage": "Coverage",
        "what_it_takes": "What it would take",
        "reasons": "Why not yet",
        "competency": "Competency",
        "level": "Level",
        "score": "Score",
        "interval": "95% interval",
        "target": "Target",
        "target_of": "Target for {role}",
        "trend": "Trend",
        "raters": "Raters",
        "evidence": "Evidence",
        "sufficient": "sufficient",
        "insufficient": "insufficient",
        "next_level": "What the next level looks like",
        "at_top_level": "Already at the top level.",
        "self_vs_others": "How you see yourself and how others see you",
        "self": "Self",
        "others": "Others",
        "difference": "Difference",
        "blind_spot": "blind spot",
        "hidden_strength": "hidden strength",
        "aligned": "aligned",
        "by_source": "Ratings by source group",
        "suppressed": "hidden (fewer than {n} raters)",
        "kpis": "KPIs",
        "kpi": "KPI",
        "value": "Value",
        "no_kpis": "No KPIs reported.",
        "trends": "Trends across quarters",
        "readiness": "Promotion readiness",
        "development": "Development suggestions",
        "development_note": "For the largest gaps to the {role} levels.",
        "practise": "Practise",
        "ask_for": "Ask for",
        "radar_title": "Current levels against targets",
        "current_levels": "Current level",
        "back_to_org": "Organisation",
        "manager_view": "The manager's view: each person against the target levels",
        "legend_met": "at or above target",
        "legend_one": "one level below",
        "legend_more": "more than one below",
        "legend_none": "no evidence",
        "from_to": "{competency}: level {level} → {required}",
        "unknown_level": "level not shown",
        "in_quarters": "in about {n} at the current pace",
        "beyond": "more than {n} away at the current pace",
        "no_progress": "no progress at the current pace",
        "comments": "What raters said",
        "no_comments": "No comments this quarter.",
        "footer": "skillkit {version} · private and confidential: individual peer and direct-report "
        "ratings are never shown.",
        "quarters_in_role": "Quarters in role",
        "unknown": "unknown",
        "mean_level": "Mean level",
        "suppressed_cell": "hidden",
        "skip": "Skip to content",
        "trend_avg": "Average score across all competencies",
        "more": "and {n} more on the person's page",
        "no_team": "(no team)",
        "private_cell": "hidden: too few raters besides the manager to keep them anonymous",
    },
    "ru": {
        "org_title": "Квартальная оценка персонала",
        "team_title": "Команда {team}",
        "period": "Квартал",
        "generated": "Сформировано",
        "framework": "Модель компетенций",
        "rubric": "Правила оценки",
        "contents": "Содержание",
        "headcount": "Численность по ролям и командам",
        "role": "Роль",
        "team": "Команда",
        "teams": "Команды",
        "total": "Всего",
        "people": "Сотрудники",
        "pipeline": "Готовность к повышению",
        "pipeline_note": "Готовность к роли «{target}» (кто уже на ней или выше, оценивается для следующей ступени).",
        "heatmap": "Команды × компетенции",
        "heatmap_note": "Средний уровень за {period} относительно уровня, которого ждёт роль сотрудника. "
        "Команды меньше {n} человек скрыты, как и команда, чьё среднее можно "
        "вычислить из остальных.",
        "closest": "Ближе всех к роли «{target}»",
        "closest_note": "По категории готовности, затем по числу кварталов до готовности, затем по охвату целевых уровней.",
        "data_quality": "Качество данных",
        "warnings": "Предупреждения",
        "no_warnings": "Предупреждений нет.",
        "insufficient_people": "Сотрудники без достаточных данных за {period}",
        "insufficient_cells": "{n} из {total} оценок компетенций за {period} опираются на недостаточные данные.",
        "none": "Нет.",
        "name": "Имя",
        "band": "Готовность",
        "target_role": "Целевая роль",
        "projected": "Ожидаемая готовность",
        "coverage": "Охват",
        "what_it_takes": "Что для этого нужно",
        "reasons": "Почему пока нет",
        "competency": "Компетенция",
        "level": "Уровень",
        "score": "Балл",
        "interval": "95% интервал",
        "target": "Цель",
        "target_of": "Цель для роли «{role}»",
        "trend": "Динамика",
        "raters": "Оценщики",
        "evidence": "Данные",
        "sufficient": "достаточно",
        "insufficient": "недостаточно",
        "next_level": "Как выглядит следующий уровень",
        "at_top_level": "Уже на высшем уровне.",
        "self_vs_others": "Как вы видите себя и как вас видят другие",
        "self": "Самооценка",
        "others": "Другие",
        "difference": "Разница",
        "blind_spot": "слепая зона",
        "hidden_strength": "скрытая сила",
        "aligned": "совпадает",
        "by_source": "Оценки по группам оценщиков",
        "suppressed": "скрыто (меньше {n} оценщиков)",
        "kpis": "KPI",
        "kpi": "KPI",
        "value": "Значение",
        "no_kpis": "KPI не переданы.",
        "trends": "Динамика по кварталам",
        "readiness": "Готовность к повышению",
        "development": "Рекомендации по развитию",
        "development_note": "По самым большим разрывам до уровней роли «{role}».",
        "practise": "Что практиковать",
        "ask_for": "О чём попросить",
        "radar_title": "Текущие уровни и целевые",
        "current_levels": "Текущий уровень",
        "back_to_org": "Организация",
        "manager_view": "Взгляд руководителя: каждый сотрудник относительно целевых уровней",
        "legend_met": "на уровне цели или выше",
        "legend_one": "на один уровень ниже",
        "legend_more": "больше чем на один ниже",
        "legend_none": "нет данных",
        "from_to": "{competency}: уровень {level} → {required}",
        "unknown_level": "уровень не показан",
        "in_quarters": "примерно через {n} при нынешнем темпе",
        "beyond": "при нынешнем темпе дальше, чем через {n}",
        "no_progress": "при нынешнем темпе прогресса нет",
        "comments": "Что написали оценщики",
        "no_comments": "В этом квартале комментариев нет.",
        "footer": "skillkit {version} · конфиденциально: индивидуальные оценки коллег и подчинённых "
        "никогда не показываются.",
        "quarters_in_role": "Кварталов в роли",
        "unknown": "неизвестно",
        "mean_level": "Средний уровень",
        "suppressed_cell": "скрыто",
        "skip": "К содержанию",
        "trend_avg": "Средний балл по всем компетенциям",
        "more": "и ещё {n} — на странице сотрудника",
        "no_team": "(без команды)",
        "private_cell": "скрыто: кроме руководителя слишком мало оценщиков для анонимности",
    },
}

BAND_NAMES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "ready-now": "Ready now",
        "ready-1y": "Ready within a year",
        "ready-2y": "Ready in 1–2 years",
        "not-yet": "Not yet",
        "insufficient-evidence": "Insufficient evidence",
        "": "—",
    },
    "ru": {
        "ready-now": "Готов сейчас",
        "ready-1y": "Готов в течение года",
        "ready-2y": "Готов через 1–2 года",
        "not-yet": "Пока нет",
        "insufficient-evidence": "Недостаточно данных",
        "": "—",
    },
}

SOURCE_NAMES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "self": "Self",
        "manager": "Manager",
        "peer": "Peers",
        "direct_report": "Direct reports",
        "client": "Clients",
    },
    "ru": {
        "self": "Самооценка",
        "manager": "Руководитель",
        "peer": "Коллеги",
        "direct_report": "Подчинённые",
        "client": "Клиенты",
    },
}

REASONS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "gate": "{competency} is at level {value} but the gate requires {required}",
        "too_far_below": "{competency} is at level {value}, more than {max_below} below the "
        "target of {required}",
        "coverage": "{value} of competencies (weighted) meet their target; {required} needed",
        "evidence": "not enough evidence on {competency} in {extra} (a manager rating or "
        "{min_raters} other raters needed)",
        "sustain": "meets the bar now, but not yet for {required} consecutive quarters",
        "time_in_role": "{value} quarters in the current role; {required} needed",
        "kpi": "{kpi} reached {threshold} in {value} of the last {of_last} quarters; "
        "{required} needed",
        "no_data": "no ratings by others and no KPIs in {extra}",
        "top_of_ladder": "top of the ladder: no further rung to assess",
    },
    "ru": {
        "gate": "«{competency}»: уровень {value}, а обязательный порог — {required}",
        "too_far_below": "«{competency}»: уровень {value}, более чем на {max_below} ниже цели "
        "{required}",
        "coverage": "целевого уровня достигают {value} компетенций (с весами); нужно {required}",
        "evidence": "недостаточно данных по «{competency}» за {extra} (нужна оценка "
        "руководителя или {min_raters} других оценщиков)",
        "sustain": "сейчас требования выполнены, но ещё не {required} квартала подряд",
        "time_in_role": "в текущей роли {value} кв.; нужно {required}",
        "kpi": "{kpi}: порог {threshold} достигнут в {value} из последних {of_last} кв.; "
        "нужно {required}",
        "no_data": "нет оценок других и KPI за {extra}",
        "top_of_ladder": "вершина карьерной лестницы: следующей ступени нет",
    },
}


# Reasons whose level a page withholds (too few raters to stay anonymous).
WITHHELD: Mapping[str, Mapping[str, str]] = {
    "en": {
        "gate": "{competency} is below the level {required} the gate requires (level not shown: "
        "too few raters to stay anonymous)",
        "too_far_below": "{competency} is more than {max_below} below the target of {required} "
        "(level not shown: too few raters to stay anonymous)",
    },
    "ru": {
        "gate": "«{competency}»: ниже обязательного порога {required} (уровень скрыт: слишком "
        "мало оценщиков для анонимности)",
        "too_far_below": "«{competency}»: более чем на {max_below} ниже цели {required} "
        "(уровень скрыт: слишком мало оценщиков для анонимности)",
    },
}


def number(value: float | None, lang: Lang, digits: int = 1) -> str:
    """A number as the reader writes it (decimal comma in Russian); '—' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "ru" else text


def percent(value: float | None, lang: Lang) -> str:
    """A share (0..1) as a whole percentage."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.0f}\u00a0%" if lang == "ru" else f"{value * 100:.0f}%"


def quarters(n: int, lang: Lang) -> str:
    """'1 quarter', '3 quarters'; in Russian '1 квартал', '3 квартала', '5 кварталов'."""
    if lang == "ru":
        last, tens = n % 10, n % 100
        word = (
            "квартал"
            if last == 1 and tens != 11
            else "квартала"
            if 2 <= last <= 4 and not 12 <= tens <= 14
            else "кварталов"
        )
        return f"{n}\u00a0{word}"
    return f"{n}\u00a0quarter" + ("" if n == 1 else "s")
