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
        "by_source": "Ratings by source group (calibrated)",
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
        "footer": "skillkit {version} · private and confidential: individual peer, direct-report "
        "and client ratings are never shown.",
        "quarters_in_role": "Quarters in role",
        "unknown": "unknown",
        "mean_level": "Mean level",
        "suppressed_cell": "hidden",
        "skip": "Skip to content",
        "trend_avg": "Average score across all competencies",
        "more": "and {n} more on the person's page",
        "no_team": "(no team)",
        "private_cell": "hidden: too few raters besides the manager to keep them anonymous",
        "calibration": "Rater calibration",
        "calibration_note": "Some raters are lenient and some severe. An additive model (rating = the person's level + the rater's effect + noise), fitted on {ratings} ratings by {raters} raters in {window}, estimates each rater's effect and takes it out of their ratings. Effects average zero, and a rater with few ratings is pulled toward zero as if they had {shrinkage} more ratings with no effect. Rater ids appear on this page only.",
        "calibration_off": "Rater calibration is switched off in the rubric: scores are the ratings as given.",
        "effect_spread": "Spread of rater effects (levels)",
        "spread_text": "Standard deviation {sd} levels; the middle half of the raters lies between {low} and {high}; {far} of {n} raters are half a level or more from zero.",
        "lenient": "Most lenient raters",
        "severe": "Most severe raters",
        "rater": "Rater",
        "rated_as": "Rated as",
        "effect": "Effect",
        "ratings": "Ratings",
        "moved": "How much calibration moved scores",
        "moved_text": "In {period} calibration moved competency scores by {mean} on average and {largest} at most; {share} of scores moved by a quarter level or more, and {levels} of {cells} levels changed, for {people} people.",
        "raw_vs_calibrated": "Competency scores in {period} before and after calibration",
        "before_calibration": "before",
        "after_calibration": "after",
        "all_connected": "Every rater is connected to the rest through people rated in common, so all effects are on one scale.",
        "outside_text": "{raters} raters and {people} people share no rated person with the main group, so their effects are measured on a scale of their own: {listed}.",
        "and_more": "and {n} more",
        "no_data": "no data",
        "agreement": "Agreement among raters",
        "agreement_note": "Krippendorff's alpha (ordinal) among the raters other than the person, per competency and quarter, on the ratings as given: 1 is full agreement, 0 no better than chance. Bands after Koo and Li (2016): below .50 poor, .50–.75 moderate, .75–.90 good, above .90 excellent. Below {threshold} (⚑) a competency is flagged wherever readiness relies on it. A dash: fewer than {n} people rated by two or more raters.",
        "agreement_cell": "alpha {alpha}, {band}, {n} people rated by two or more",
        "agreement_thin": "not reported: {n} people rated by two or more",
        "low_agreement": "low rater agreement",
        "low_agreement_note": "Raters agreed little on {competencies} in {period} (alpha below {threshold}); readiness relies on them, so weigh these scores with care.",
        "at_target_run": "at target {n} quarters in a row",
        "regressed": "↓ down from level {level}",
        "regressions": "Drops of a level or more",
        "regressions_note": "Competencies whose level in {period} is a level or more below the previous quarter shown.",
        "no_regressions": "None this quarter.",
        "fairness": "Fairness audit",
        "fairness_note": "Readiness by group for each attribute the rubric lists, on everyone assessed. Impact ratio: the group's rate over the highest group's; below 0.80 is adverse impact by the four-fifths rule (29 CFR 1607.4(D)), flagged ⚑. The p value is Fisher's exact test against the highest group; groups here are small, so “one more” marks a flag that one more selected person would change. Groups under {n} people are hidden, with the next smallest when only one is.",
        "fairness_missing": "Not audited (no such column in the people table): {names}.",
        "fairness_suppressed": "Hidden groups: {groups}.",
        "fairness_none": "The rubric lists no fairness attributes.",
        "selection_ready_now": "Ready now",
        "selection_ready_1y": "Ready now or within a year",
        "group": "Group",
        "selected": "Selected",
        "rate": "Rate",
        "impact_ratio": "Impact ratio",
        "p_value": "p (Fisher)",
        "adverse_impact": "⚑ adverse impact",
        "one_flip": "one more changes it",
        "reference_group": "reference",
        "mean_score": "Mean score",
        "ready_probability": "Chance ready now",
        "ready_probability_note": "The share of 200 redraws of the scores, each within its margin of error, in which every readiness rule holds.",
        "self_summary": "Self against others",
        "self_summary_note": "People who rate themselves more than {threshold} above others (blind spots) or below them (hidden strengths), per competency, in {period}. Counts only: each person sees their own ratings on their page.",
        "blind_spots": "Blind spots",
        "hidden_strengths": "Hidden strengths",
        "others_group": "Others: {sources}",
        "merged_note": "A group of fewer than {n} raters is never shown alone: it is shown together with other groups as “others” (two groups or more and {n} raters or more, so that no group can be worked out from the scores), or hidden when there are too few. The manager is shown as one. Means are after rater calibration, as the scores are.",
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
        "by_source": "Оценки по группам оценщиков (после калибровки)",
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
        "footer": "skillkit {version} · конфиденциально: индивидуальные оценки коллег, подчинённых "
        "и клиентов никогда не показываются.",
        "quarters_in_role": "Кварталов в роли",
        "unknown": "неизвестно",
        "mean_level": "Средний уровень",
        "suppressed_cell": "скрыто",
        "skip": "К содержанию",
        "trend_avg": "Средний балл по всем компетенциям",
        "more": "и ещё {n} — на странице сотрудника",
        "no_team": "(без команды)",
        "private_cell": "скрыто: кроме руководителя слишком мало оценщиков для анонимности",
        "calibration": "Калибровка оценщиков",
        "calibration_note": "Одни оценщики мягки, другие строги. Аддитивная модель (оценка = уровень человека + эффект оценщика + шум), построенная по {ratings} оценкам {raters} оценщиков за {window}, находит эффект каждого оценщика и вычитает его из его оценок. Эффекты в среднем равны нулю, а эффект оценщика с малым числом оценок стягивается к нулю, как если бы у него было ещё {shrinkage} оценок без эффекта. Идентификаторы оценщиков есть только на этой странице.",
        "calibration_off": "Калибровка оценщиков отключена в рубрике: баллы — это оценки как они есть.",
        "effect_spread": "Разброс эффектов оценщиков (в уровнях)",
        "spread_text": "Стандартное отклонение {sd} уровня; средняя половина оценщиков — между {low} и {high}; у {far} из {n} оценщиков эффект полуровня и больше.",
        "lenient": "Самые мягкие оценщики",
        "severe": "Самые строгие оценщики",
        "rater": "Оценщик",
        "rated_as": "Оценивал как",
        "effect": "Эффект",
        "ratings": "Оценок",
        "moved": "Насколько калибровка сдвинула баллы",
        "moved_text": "В {period} калибровка сдвинула баллы компетенций в среднем на {mean}, максимум на {largest}; {share} баллов сдвинулись на четверть уровня и больше, изменились {levels} из {cells} уровней у {people} человек.",
        "raw_vs_calibrated": "Баллы компетенций в {period} до и после калибровки",
        "before_calibration": "до",
        "after_calibration": "после",
        "all_connected": "Все оценщики связаны с остальными через общих оценённых, поэтому все эффекты на одной шкале.",
        "outside_text": "Вне основной группы (нет общих оценённых с остальными), их эффекты измерены на своей шкале: оценщиков — {raters}, сотрудников — {people}: {listed}.",
        "and_more": "и ещё {n}",
        "no_data": "нет данных",
        "agreement": "Согласованность оценщиков",
        "agreement_note": "Альфа Криппендорфа (порядковая) для оценщиков, кроме самого человека, по компетенциям и кварталам, по исходным оценкам: 1 — полное согласие, 0 — не лучше случайного. Градации по Ку и Ли (2016): ниже 0,50 низкая, 0,50–0,75 умеренная, 0,75–0,90 хорошая, выше 0,90 отличная. Ниже {threshold} (⚑) компетенция помечается везде, где на неё опирается готовность. Прочерк: меньше {n} человек с двумя и более оценщиками.",
        "agreement_cell": "альфа {alpha}, {band}, оценены двумя и более: {n} чел.",
        "agreement_thin": "не показано: двумя и более оценены {n} чел.",
        "low_agreement": "низкая согласованность оценщиков",
        "low_agreement_note": "Оценщики мало согласны между собой по компетенциям {competencies} в {period} (альфа ниже {threshold}); готовность опирается на них, поэтому к этим баллам стоит отнестись осторожно.",
        "at_target_run": "на целевом уровне кварталов подряд: {n}",
        "regressed": "↓ снижение с уровня {level}",
        "regressions": "Снижения на уровень и больше",
        "regressions_note": "Компетенции, уровень которых в {period} на уровень или больше ниже, чем в предыдущем показанном квартале.",
        "no_regressions": "В этом квартале нет.",
        "fairness": "Проверка справедливости",
        "fairness_note": "Готовность по группам для каждого признака из рубрики, по всем оценённым. Коэффициент влияния: доля группы, делённая на долю группы с наибольшей долей; ниже 0,80 — неблагоприятное влияние по правилу четырёх пятых (29 CFR 1607.4(D)), помечено ⚑. p — точный тест Фишера против группы с наибольшей долей; группы здесь малы, поэтому «ещё один» отмечает пометку, которую изменил бы ещё один отобранный. Группы меньше {n} человек скрыты, а если скрыта только одна — и следующая по размеру.",
        "fairness_missing": "Не проверено (нет такого столбца в таблице сотрудников): {names}.",
        "fairness_suppressed": "Скрытые группы: {groups}.",
        "fairness_none": "В рубрике не указаны признаки для проверки справедливости.",
        "selection_ready_now": "Готовы сейчас",
        "selection_ready_1y": "Готовы сейчас или в течение года",
        "group": "Группа",
        "selected": "Отобрано",
        "rate": "Доля",
        "impact_ratio": "Коэффициент влияния",
        "p_value": "p (Фишер)",
        "adverse_impact": "⚑ неблагоприятное влияние",
        "one_flip": "ещё один изменит",
        "reference_group": "опорная",
        "mean_score": "Средний балл",
        "ready_probability": "Вероятность готовности сейчас",
        "ready_probability_note": "Доля из 200 пересчётов, в каждом из которых баллы случайно сдвинуты в пределах их погрешности, где выполняются все правила готовности.",
        "self_summary": "Самооценка и оценка других",
        "self_summary_note": "Сколько человек оценивают себя выше оценки других более чем на {threshold} (слепые зоны) или ниже (скрытые сильные стороны), по компетенциям, в {period}. Только количество: свои оценки каждый видит на своей странице.",
        "blind_spots": "Слепые зоны",
        "hidden_strengths": "Скрытые сильные стороны",
        "others_group": "Другие: {sources}",
        "merged_note": "Группа меньше {n} оценщиков никогда не показывается отдельно: она показана вместе с другими группами как «другие» (не меньше двух групп и {n} оценщиков, чтобы ни одну группу нельзя было вычислить по баллам) или скрыта, если оценщиков слишком мало. Руководитель показан отдельно. Средние — после калибровки оценщиков, как и баллы.",
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

AGREEMENT_BANDS: Mapping[str, Mapping[str, str]] = {
    "en": {"poor": "poor", "moderate": "moderate", "good": "good", "excellent": "excellent"},
    "ru": {"poor": "низкая", "moderate": "умеренная", "good": "хорошая", "excellent": "отличная"},
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


def whole(value: int, lang: Lang) -> str:
    """A count with thousands grouped: 10,789 in English, 10 789 in Russian."""
    text = f"{value:,}"
    return text.replace(",", "\u00a0") if lang == "ru" else text


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
