"""The chance a readiness call holds: the level rules re-decided on redrawn scores."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from skillkit.framework import Framework
from skillkit.probability import ready_probability
from skillkit.readiness import Readiness
from skillkit.rubric import Rubric

QUARTERS = ("2026Q2", "2026Q3")


def scores_of(
    framework: Framework, employee: str, level: float, se: float, **changes: tuple[float, float]
) -> pd.DataFrame:
    """Both quarters of one person: every competency at `level` ± `se` unless changed."""
    rows = []
    for period in QUARTERS:
        for competency in framework.competency_ids:
            score, error = changes.get(competency.replace("-", "_"), (level, se))
            rows.append((period, employee, competency, score, error))
    table = pd.DataFrame(rows, columns=["period", "employee_id", "competency", "score", "se"])
    table["level"] = np.floor(table["score"] + 0.25)
    table["evidence"] = "sufficient"
    return table


def readiness_of(employee: str, target: str = "account-director", **flags: bool) -> Readiness:
    """Readiness as `assess` leaves it, with the rules that do not depend on scores."""
    people = pd.DataFrame(
        {
            "employee_id": [employee],
            "target_role": [target],
            "evidence_ok": [flags.get("evidence_ok", True)],
            "role_time_ok": [flags.get("role_time_ok", True)],
            "kpi_ok": [flags.get("kpi_ok", True)],
        }
    )
    return Readiness(people=people, reasons=pd.DataFrame(), plan=pd.DataFrame())


def chance(framework: Framework, rubric: Rubric, scores: pd.DataFrame, ready: Readiness) -> float:
    found = ready_probability(ready, scores, framework, rubric, "2026Q3", QUARTERS)
    return float(found.iloc[0])


def test_scores_far_above_every_target_are_ready_in_every_draw(
    framework: Framework, rubric: Rubric
) -> None:
    scores = scores_of(framework, "A", 4.6, 0.05)
    assert chance(framework, rubric, scores, readiness_of("A")) == 1.0


def test_a_gate_right_on_its_threshold_in_both_quarters_holds_about_a_quarter_of_the_time(
    framework: Framework, rubric: Rubric
) -> None:
    # Motivation (a gate, target 4) at 3.75: level 4 exactly half the time each quarter, and the
    # sustain rule needs both quarters, so about 1/4 (200 draws: 95 % within ±0.06).
    scores = scores_of(framework, "B", 4.6, 0.05, motivation=(3.75, 0.3))
    assert chance(framework, rubric, scores, readiness_of("B")) == pytest.approx(0.25, abs=0.08)


def test_rules_that_do_not_depend_on_scores_decide_as_they_did(
    framework: Framework, rubric: Rubric
) -> None:
    scores = scores_of(framework, "C", 4.6, 0.05)
    assert chance(framework, rubric, scores, readiness_of("C", kpi_ok=False)) == 0.0
    assert chance(framework, rubric, scores, readiness_of("C", role_time_ok=False)) == 0.0


def test_an_unobserved_competency_never_meets_its_level(
    framework: Framework, rubric: Rubric
) -> None:
    # A missing score is "too far below" for the rules: no draw can make it up.
    scores = scores_of(framework, "D", 4.6, 0.05, negotiation=(math.nan, math.nan))
    assert chance(framework, rubric, scores, readiness_of("D")) == 0.0


def test_one_reviewed_quarter_cannot_be_sustained(framework: Framework, rubric: Rubric) -> None:
    scores = scores_of(framework, "E", 4.6, 0.05)
    ready = readiness_of("E")
    found = ready_probability(ready, scores, framework, rubric, "2026Q3", ("2026Q3",))
    assert found.iloc[0] == 0.0


def test_the_top_of_the_ladder_is_not_assessed_and_draws_repeat(
    framework: Framework, rubric: Rubric
) -> None:
    scores = scores_of(framework, "F", 4.6, 0.05, motivation=(3.75, 0.3))
    assert math.isnan(chance(framework, rubric, scores, readiness_of("F", target="")))
    first = chance(framework, rubric, scores, readiness_of("F"))
    assert chance(framework, rubric, scores, readiness_of("F")) == first  # fixed seed


def test_a_persons_chance_does_not_depend_on_who_else_is_assessed(
    framework: Framework, rubric: Rubric
) -> None:
    alone = scores_of(framework, "G", 4.6, 0.05, motivation=(3.75, 0.3))
    other = scores_of(framework, "A0", 3.9, 0.4)  # sorts first, and has noisy scores
    both = pd.concat([other, alone], ignore_index=True)
    pair = Readiness(
        people=pd.concat([readiness_of("A0").people, readiness_of("G").people]),
        reasons=pd.DataFrame(),
        plan=pd.DataFrame(),
    )
    found = ready_probability(pair, both, framework, rubric, "2026Q3", QUARTERS)
    assert found["G"] == chance(framework, rubric, alone, readiness_of("G"))
