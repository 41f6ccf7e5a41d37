"""The chance a readiness call holds: the level rules re-decided on bootstrap resamples of raters.

The account-director bar of the bundled rubric: every competency at 4 except effectiveness (3),
gates on client understanding, commercial acumen and motivation, sustained over two quarters.
A score of s reaches level floor(s + 0.25).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skillkit import demo, probability
from skillkit.framework import Framework
from skillkit.pipeline import RATING_KEYS, review
from skillkit.probability import ready_probability
from skillkit.readiness import Readiness
from skillkit.rubric import Rubric

QUARTERS = ("2026Q2", "2026Q3")
MANY = 4_000  # draws where a test compares with an exact figure: 4 SE ≈ ±0.03 at p = 0.5
NO_SCORES = pd.DataFrame(columns=["period", "employee_id", "competency", "kpi_score"])


def ratings_of(
    framework: Framework,
    employee: str,
    raters: Mapping[str, float],
    source: str = "peer",
    changes: Mapping[tuple[str, str, str], float | None] | None = None,
) -> pd.DataFrame:
    """Both quarters, every competency, each rater giving their value unless `changes` says.

    `changes` maps (quarter, competency, rater) to another value, or None for no rating.
    """
    changes = changes or {}
    rows = []
    for period in QUARTERS:
        for competency in framework.competency_ids:
            for rater, value in raters.items():
                given = changes.get((period, competency, rater), value)
                if given is not None:
                    rows.append(
                        (period, employee, competency, source, f"{employee}-{rater}", given)
                    )
    return pd.DataFrame(
        rows, columns=["period", "employee_id", "competency", "source", "rater_id", "rating"]
    )


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


def chance(
    framework: Framework,
    rubric: Rubric,
    ratings: pd.DataFrame,
    ready: Readiness,
    scores: pd.DataFrame = NO_SCORES,
    draws: int = 200,
) -> float:
    found = ready_probability(
        ready, ratings, scores, framework, rubric, "2026Q3", QUARTERS, draws=draws
    )
    return float(found.iloc[0])


def exact_share(values: list[float], holds: float) -> float:
    """The exact bootstrap probability that a resample's mean reaches `holds`, by enumeration."""
    resamples = list(itertools.product(values, repeat=len(values)))
    return sum(np.mean(r) >= holds for r in resamples) / len(resamples)


def test_raters_far_above_every_target_are_ready_in_every_draw(
    framework: Framework, rubric: Rubric
) -> None:
    ratings = ratings_of(framework, "A", {"p1": 5, "p2": 5, "p3": 4.6})
    assert chance(framework, rubric, ratings, readiness_of("A")) == 1.0


def test_a_borderline_gate_matches_the_exact_bootstrap_probability(
    framework: Framework, rubric: Rubric
) -> None:
    # Motivation (a gate, target 4) rated 3, 4 and 5 by three peers in the reviewed quarter:
    # level 4 needs a resampled mean of at least 3.75. Enumerating the 27 equally likely
    # resamples gives 17/27; everything else is rated 5 and holds whatever is drawn.
    changes = {("2026Q3", "motivation", "p1"): 3.0, ("2026Q3", "motivation", "p2"): 4.0}
    ratings = ratings_of(framework, "B", {"p1": 5, "p2": 5, "p3": 5}, changes=changes)
    expected = exact_share([3.0, 4.0, 5.0], 3.75)
    assert expected == pytest.approx(17 / 27)
    found = chance(framework, rubric, ratings, readiness_of("B"), draws=MANY)
    assert found == pytest.approx(expected, abs=0.03)


def test_the_rater_is_resampled_as_a_whole_across_competencies(
    framework: Framework, rubric: Rubric
) -> None:
    # A generous peer (5 on everything) and a severe one (3 on everything). A draw fails only
    # when it takes the severe peer twice (1 in 4), in either quarter: 1 - (3/4)² short of
    # ready, so 9/16 hold. Resampling ratings one by one would fail almost every draw.
    ratings = ratings_of(framework, "C", {"generous": 5, "severe": 3})
    found = chance(framework, rubric, ratings, readiness_of("C"), draws=MANY)
    assert found == pytest.approx(9 / 16, abs=0.03)


def test_a_score_resting_on_one_rater_per_source_does_not_vary(
    framework: Framework, rubric: Rubric
) -> None:
    # Manager 4 and client 3 on everything: (0.40·4 + 0.25·3) / 0.65 = 3.62, level 3, short of
    # the gates in every draw, since one rater resamples to themself.
    manager = ratings_of(framework, "D", {"m": 4}, source="manager")
    client = ratings_of(framework, "D", {"c": 3}, source="client")
    both = pd.concat([manager, client], ignore_index=True)
    assert chance(framework, rubric, both, readiness_of("D")) == 0.0
    assert chance(framework, rubric, manager, readiness_of("D")) == 1.0


def test_a_source_drawn_without_a_rating_leaves_the_others_renormalised(
    framework: Framework, rubric: Rubric
) -> None:
    # Motivation in the reviewed quarter: the manager gives 4, and of two peers only one rates
    # it (2). With that peer drawn, (0.40·4 + 0.20·2) / 0.60 = 3.33 fails the gate; drawn
    # twice the other peer leaves the manager's 4 alone (1 in 4).
    manager = ratings_of(framework, "E", {"m": 4}, source="manager")
    changes = {("2026Q3", "motivation", "p1"): 2.0, ("2026Q3", "motivation", "p2"): None}
    peers = ratings_of(framework, "E", {"p1": 4, "p2": 4}, changes=changes)
    both = pd.concat([manager, peers], ignore_index=True)
    found = chance(framework, rubric, both, readiness_of("E"), draws=MANY)
    assert found == pytest.approx(1 / 4, abs=0.03)


def test_calibrated_ratings_are_what_is_resampled(framework: Framework, rubric: Rubric) -> None:
    ratings = ratings_of(framework, "F", {"p1": 4, "p2": 4, "p3": 4})
    lenient = ratings.assign(calibrated=ratings["rating"] - 0.5)  # 3.5: level 3 everywhere
    assert chance(framework, rubric, ratings, readiness_of("F")) == 1.0
    assert chance(framework, rubric, lenient, readiness_of("F")) == 0.0


def test_kpi_evidence_is_blended_in_and_stands_in_for_missing_ratings(
    framework: Framework, rubric: Rubric
) -> None:
    # Effectiveness (target 3) has no ratings: its KPI evidence decides it.
    changes = {(q, "effectiveness", r): None for q in QUARTERS for r in ("p1", "p2")}
    ratings = ratings_of(framework, "G", {"p1": 5, "p2": 5}, changes=changes)
    kpi = pd.DataFrame(
        {
            "period": list(QUARTERS),
            "employee_id": "G",
            "competency": "effectiveness",
            "kpi_score": 3.0,
        }
    )
    assert chance(framework, rubric, ratings, readiness_of("G")) == 0.0
    assert chance(framework, rubric, ratings, readiness_of("G"), scores=kpi) == 1.0
    # Blended where both exist: motivation rated 3.5 with KPI evidence at 5 gives
    # 0.75·3.5 + 0.25·5 = 3.875, level 4 on a gate; with KPI evidence at 2, 3.125 does not.
    motivation = {(q, "motivation", r): 3.5 for q in QUARTERS for r in ("p1", "p2")}
    gate = ratings_of(framework, "G", {"p1": 5, "p2": 5}, changes=motivation)
    for kpi_score, expected in ((5.0, 1.0), (2.0, 0.0)):
        evidence = kpi.assign(competency="motivation", kpi_score=kpi_score)
        found = chance(framework, rubric, gate, readiness_of("G"), scores=evidence)
        assert found == expected


@pytest.mark.parametrize("dtype", ["category", "object", "string"])
def test_the_keys_dtype_changes_no_draw(framework: Framework, rubric: Rubric, dtype: str) -> None:
    # Keys come as Arrow text or as categories (pipeline codes them once): the draws are the same.
    changes = {("2026Q3", "motivation", "p1"): 3.0, ("2026Q3", "motivation", "p2"): 4.0}
    ratings = ratings_of(framework, "B", {"p1": 5, "p2": 5, "p3": 5}, changes=changes)
    kpi = pd.DataFrame(
        {"period": list(QUARTERS), "employee_id": "B", "competency": "motivation", "kpi_score": 4.0}
    )
    keys = ["period", "employee_id", "competency", "source", "rater_id"]
    coded = ratings.astype({key: dtype for key in keys})
    coded_kpi = kpi.astype({key: dtype for key in keys if key in kpi})
    as_text = chance(framework, rubric, ratings, readiness_of("B"), scores=kpi)
    assert 0 < as_text < 1
    assert chance(framework, rubric, coded, readiness_of("B"), scores=coded_kpi) == as_text


def test_rules_that_do_not_depend_on_scores_decide_as_they_did(
    framework: Framework, rubric: Rubric
) -> None:
    ratings = ratings_of(framework, "H", {"p1": 5, "p2": 5})
    assert chance(framework, rubric, ratings, readiness_of("H", kpi_ok=False)) == 0.0
    assert chance(framework, rubric, ratings, readiness_of("H", role_time_ok=False)) == 0.0


def test_an_unrated_competency_never_meets_its_level(framework: Framework, rubric: Rubric) -> None:
    changes = {(q, "negotiation", r): None for q in QUARTERS for r in ("p1", "p2")}
    ratings = ratings_of(framework, "I", {"p1": 5, "p2": 5}, changes=changes)
    assert chance(framework, rubric, ratings, readiness_of("I")) == 0.0


def test_one_reviewed_quarter_cannot_be_sustained(framework: Framework, rubric: Rubric) -> None:
    ratings = ratings_of(framework, "J", {"p1": 5, "p2": 5})
    found = ready_probability(
        readiness_of("J"), ratings, NO_SCORES, framework, rubric, "2026Q3", ("2026Q3",)
    )
    assert found.iloc[0] == 0.0


def test_the_top_of_the_ladder_is_not_assessed_and_draws_repeat(
    framework: Framework, rubric: Rubric
) -> None:
    ratings = ratings_of(framework, "K", {"generous": 5, "severe": 3})
    assert math.isnan(chance(framework, rubric, ratings, readiness_of("K", target="")))
    first = chance(framework, rubric, ratings, readiness_of("K"))
    assert 0.0 < first < 1.0
    assert chance(framework, rubric, ratings, readiness_of("K")) == first  # fixed seed


def test_a_persons_chance_does_not_depend_on_who_else_is_assessed(
    framework: Framework, rubric: Rubric
) -> None:
    alone = ratings_of(framework, "L", {"generous": 5, "severe": 3})
    other = ratings_of(framework, "A0", {"x": 4, "y": 3, "z": 5})  # sorts first, and is noisy
    both = pd.concat([other, alone], ignore_index=True)
    pair = Readiness(
        people=pd.concat([readiness_of("A0").people, readiness_of("L").people]),
        reasons=pd.DataFrame(),
        plan=pd.DataFrame(),
    )
    found = ready_probability(pair, both, NO_SCORES, framework, rubric, "2026Q3", QUARTERS)
    assert found["L"] == chance(framework, rubric, alone, readiness_of("L"))


def test_self_ratings_carry_no_weight(framework: Framework, rubric: Rubric) -> None:
    peers = ratings_of(framework, "M", {"p1": 5, "p2": 5})
    selves = ratings_of(framework, "M", {"me": 1}, source="self")
    both = pd.concat([peers, selves], ignore_index=True)
    assert chance(framework, rubric, both, readiness_of("M")) == 1.0


def test_on_a_demo_agency_the_shortcut_for_the_hopeless_changes_nothing(
    framework: Framework, rubric: Rubric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only people who would pass with every cell at its best rating are resampled. Resampling
    # everyone instead (every best rating set to the top of the scale) must give the same.
    for name, frame in demo.generate_agency(framework, rubric, people=120).items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    assessment = review(tmp_path, model=False)
    shown = assessment.readiness.people.set_index("employee_id")
    keyed = assessment.ratings.astype({key: "category" for key in RATING_KEYS})
    monkeypatch.setattr(
        probability,
        "_best_ratings",
        lambda coded, cube: np.full((int(np.prod(cube)), 1), float(rubric.scale.max)),
    )
    everyone = ready_probability(
        assessment.readiness,
        keyed,
        assessment.scores,
        framework,
        rubric,
        assessment.period,
        assessment.periods,
        assessment.calibration,
    )
    assert everyone.reindex(shown.index).to_numpy() == pytest.approx(
        shown["ready_probability"].to_numpy(dtype="float64"), nan_ok=True
    )
    # And the figure follows the call: high for ready-now, nil for those far from it.
    by_band = shown.groupby("band")["ready_probability"].mean()
    assert by_band["ready-now"] > 0.8
    assert by_band["not-yet"] < 0.05
