"""Fairness: the four-fifths rule, Fisher's exact p and suppression, against published examples."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from skillkit.fairness import AUDIT_COLUMNS, IMPACT_COLUMNS, adverse_impact, audit

COLUMNS = [
    "group",
    "n",
    "selected",
    "rate",
    "impact_ratio",
    "flagged",
    "p_value",
    "one_flip_changes",
]


def people_selected(counts: dict[str | None, tuple[int, int]]) -> pd.DataFrame:
    """One row per person: `counts` maps a group label to (people, of whom selected)."""
    rows = [(label, i < chosen) for label, (size, chosen) in counts.items() for i in range(size)]
    return pd.DataFrame(rows, columns=["race", "hired"])


def by_group(table: pd.DataFrame) -> pd.DataFrame:
    """The table indexed by group label, for reading one group's row."""
    return table.set_index("group")


def fisher_by_hand(a: int, b: int, c: int, d: int) -> Fraction:
    """Two-sided Fisher's exact p of [[a, b], [c, d]], exactly, from the hypergeometric law.

    With the margins fixed, the top-left cell x has P(x) = C(a+b, x) C(c+d, a+c-x) / C(n, a+c);
    the two-sided p sums P over every x no more likely than the observed a.
    """
    row, other, column = a + b, c + d, a + c
    total = math.comb(row + other, column)

    def chance(x: int) -> Fraction:
        return Fraction(math.comb(row, x) * math.comb(other, column - x), total)

    observed = chance(a)
    cells = range(max(0, column - other), min(row, column) + 1)
    return sum((chance(x) for x in cells if chance(x) <= observed), Fraction(0))


# adverse_impact: shape -------------------------------------------------------------------


def test_columns_are_exactly_these_in_this_order() -> None:
    table = adverse_impact(people_selected({"a": (3, 1), "b": (4, 4)}), "race", "hired")
    assert list(table.columns) == COLUMNS
    assert IMPACT_COLUMNS == COLUMNS
    assert [*COLUMNS, "suppressed"] == AUDIT_COLUMNS


def test_one_row_per_group_sorted_by_label_whatever_the_input_order() -> None:
    frame = people_selected({"zulu": (2, 1), "alpha": (3, 2), "mike": (4, 0)})
    table = adverse_impact(frame.iloc[::-1], "race", "hired")
    assert list(table["group"]) == ["alpha", "mike", "zulu"]
    assert list(table["n"]) == [3, 4, 2]
    assert list(table["selected"]) == [2, 0, 1]


def test_rows_with_a_missing_group_are_left_out() -> None:
    frame = people_selected({"a": (4, 2), "b": (4, 1), None: (5, 5)})
    frame.loc[len(frame)] = (np.nan, True)
    table = adverse_impact(frame, "race", "hired")
    assert list(table["group"]) == ["a", "b"]
    assert list(table["n"]) == [4, 4]
    assert list(table["selected"]) == [2, 1]
    # Had the six unlabelled people (all selected) counted anywhere, "a" would not be the top.
    assert by_group(table).loc["a", "impact_ratio"] == 1.0


# adverse_impact: the Uniform Guidelines' worked examples --------------------------------


def test_guidelines_questions_and_answers_four_groups() -> None:
    # Adoption of Questions and Answers to Clarify and Provide a Common Interpretation of the
    # Uniform Guidelines on Employee Selection Procedures, 44 Fed. Reg. 11996 (March 2, 1979),
    # as quoted by the NC State Data Ethics Repository (dataethicsrepository.iaa.ncsu.edu,
    # ?p=1099): "if the hiring rate for whites other than Hispanics is 60%, for American Indians
    # 45%, for Hispanics 48%, and for Blacks 51% [...] impact ratios: American Indians 45/60 or
    # 75%; Hispanics 48/60 or 80%; and Blacks 51/60 or 85%. [...] adverse impact is indicated
    # for American Indians but not for Hispanics or Blacks." The text gives rates only; 100
    # applicants per group is our choice, which turns each rate into a count.
    frame = people_selected(
        {
            "white": (100, 60),
            "american-indian": (100, 45),
            "hispanic": (100, 48),
            "black": (100, 51),
        }
    )
    table = by_group(adverse_impact(frame, "race", "hired"))
    assert table["rate"].to_dict() == pytest.approx(
        {"white": 0.60, "american-indian": 0.45, "hispanic": 0.48, "black": 0.51}
    )
    assert table["impact_ratio"].to_dict() == pytest.approx(
        {"white": 1.0, "american-indian": 0.75, "hispanic": 0.80, "black": 0.85}
    )
    assert table["flagged"].to_dict() == {
        "american-indian": True,
        "black": False,
        "hispanic": False,  # exactly four fifths: "less than" four fifths is needed
        "white": False,
    }


def test_small_numbers_one_more_selection_clears_the_flag() -> None:
    # The English Wikipedia article "Adverse impact" (copy at en.academic.ru/dic.nsf/enwiki/
    # 1400030): 95 white applicants of whom 40 are selected, 5 Asian of whom 1: "40/95, or 42%
    # [...] 1/5, or 20% [...] 42% x 0.8 = 33.6%, larger than the 20% selection rate of Asian
    # applicants [...] the 80% rule is not met." One more Asian selection (2/5 = 40%) would meet
    # it: the situation the Questions and Answers warn of, where "the selection of one different
    # person for one job would shift the result".
    table = by_group(
        adverse_impact(people_selected({"white": (95, 40), "asian": (5, 1)}), "race", "hired")
    )
    assert table.loc["white", "rate"] == pytest.approx(0.42, abs=0.005)
    assert table.loc["asian", "rate"] == pytest.approx(0.20)
    assert table.loc["asian", "impact_ratio"] == pytest.approx((1 / 5) / (40 / 95))
    assert bool(table.loc["asian", "flagged"]) is True
    assert bool(table.loc["asian", "one_flip_changes"]) is True
    assert bool(table.loc["white", "flagged"]) is False


# adverse_impact: the four-fifths boundary ------------------------------------------------


def test_exactly_four_fifths_is_not_flagged_even_where_float_division_falls_below() -> None:
    # 6/10 against 3/4 is exactly 4/5, yet (6/10) / (3/4) is 0.7999999999999999 in floats.
    assert (6 / 10) / (3 / 4) < 0.8
    table = by_group(adverse_impact(people_selected({"a": (4, 3), "b": (10, 6)}), "race", "hired"))
    assert bool(table.loc["b", "flagged"]) is False
    assert table.loc["b", "impact_ratio"] == 0.8


def test_just_below_four_fifths_is_flagged() -> None:
    # 59/100 against 3/4 is 0.7866...: below four fifths by less than one person in a hundred.
    table = by_group(
        adverse_impact(people_selected({"a": (4, 3), "b": (100, 59)}), "race", "hired")
    )
    assert table.loc["b", "impact_ratio"] == pytest.approx(0.59 / 0.75)
    assert bool(table.loc["b", "flagged"]) is True


# adverse_impact: the reference group -----------------------------------------------------


def test_ties_for_the_highest_rate_go_to_the_largest_group_then_the_first_label() -> None:
    frame = people_selected({"a": (2, 1), "c": (10, 5), "b": (10, 5), "d": (10, 1), "e": (4, 2)})
    table = by_group(adverse_impact(frame, "race", "hired"))
    # a, b, c and e all select half; b and c are the largest; b comes first by label.
    assert table["p_value"].isna().to_dict() == {
        "a": False,
        "b": True,
        "c": False,
        "d": False,
        "e": False,
    }
    assert table.loc["d", "p_value"] == pytest.approx(float(fisher_by_hand(1, 9, 5, 5)))
    assert table.loc["e", "p_value"] == pytest.approx(float(fisher_by_hand(2, 2, 5, 5)))
    assert table.loc[["a", "b", "c", "e"], "impact_ratio"].tolist() == [1.0, 1.0, 1.0, 1.0]


def test_a_group_with_no_one_selected() -> None:
    table = by_group(adverse_impact(people_selected({"a": (10, 5), "b": (10, 0)}), "race", "hired"))
    assert table.loc["b", "rate"] == 0.0
    assert table.loc["b", "impact_ratio"] == 0.0
    assert bool(table.loc["b", "flagged"]) is True
    assert table.loc["b", "p_value"] == pytest.approx(float(fisher_by_hand(0, 10, 5, 5)))


def test_no_one_selected_anywhere_gives_no_ratio_and_no_flag() -> None:
    table = by_group(adverse_impact(people_selected({"a": (3, 0), "b": (5, 0)}), "race", "hired"))
    assert table["impact_ratio"].isna().all()
    assert not table["flagged"].any()
    # The reference is the larger group; the other is compared with it, and nothing differs.
    assert math.isnan(table.loc["b", "p_value"])
    assert table.loc["a", "p_value"] == pytest.approx(1.0)
    assert not table["one_flip_changes"].any()


# adverse_impact: Fisher's exact p --------------------------------------------------------


def test_p_value_matches_a_published_fisher_exact_test() -> None:
    # Calcugator's chi2_fisherexact tutorial (calcugator.com/version_2/tutorial/
    # function_bot_rig.php?type=FN_chi2_fisherexact): of 4 women on chemical contraceptives all
    # 4 are obese, of 7 on mechanical ones 2 are; "One-tail probability: 0.0454545454545454",
    # "Two-tails probability: 0.06060606060606056". By hand the two-sided p is exactly 2/33.
    frame = people_selected({"chemical": (4, 4), "mechanical": (7, 2)})
    table = by_group(adverse_impact(frame, "race", "hired"))
    assert fisher_by_hand(2, 5, 4, 0) == Fraction(2, 33)
    assert table.loc["mechanical", "p_value"] == pytest.approx(0.06060606060606056, rel=1e-9)
    assert math.isnan(table.loc["chemical", "p_value"])


def test_p_value_is_the_two_sided_hypergeometric_sum_against_the_reference() -> None:
    frame = people_selected({"white": (100, 60), "black": (100, 45), "asian": (12, 3)})
    table = by_group(adverse_impact(frame, "race", "hired"))
    assert table.loc["black", "p_value"] == pytest.approx(float(fisher_by_hand(45, 55, 60, 40)))
    assert table.loc["asian", "p_value"] == pytest.approx(float(fisher_by_hand(3, 9, 60, 40)))
    # Against the reference, not against the pooled others: 45 vs 60 in 100 is p ≈ 0.046.
    assert 0.01 < table.loc["black", "p_value"] < 0.05


# adverse_impact: one-person sensitivity --------------------------------------------------


def test_one_flip_clears_a_flag_that_rests_on_one_person() -> None:
    table = by_group(adverse_impact(people_selected({"a": (2, 1), "b": (2, 0)}), "race", "hired"))
    assert bool(table.loc["b", "flagged"]) is True
    assert bool(table.loc["b", "one_flip_changes"]) is True  # 1/2 against 1/2


def test_one_flip_leaves_a_wide_gap_flagged() -> None:
    table = by_group(adverse_impact(people_selected({"a": (10, 5), "b": (10, 0)}), "race", "hired"))
    assert bool(table.loc["b", "flagged"]) is True
    assert bool(table.loc["b", "one_flip_changes"]) is False  # 1/10 against 5/10 is still 0.2


def test_one_flip_that_makes_the_group_the_highest() -> None:
    # b (1/3) is flagged against a (2/4); with 2/3 it becomes the reference itself.
    table = by_group(adverse_impact(people_selected({"a": (4, 2), "b": (3, 1)}), "race", "hired"))
    assert bool(table.loc["b", "flagged"]) is True
    assert bool(table.loc["b", "one_flip_changes"]) is True
    assert bool(table.loc["a", "one_flip_changes"]) is False


def test_one_flip_is_false_for_a_group_with_no_one_left_to_select() -> None:
    table = by_group(adverse_impact(people_selected({"a": (3, 3), "b": (5, 4)}), "race", "hired"))
    assert bool(table.loc["a", "one_flip_changes"]) is False
    # b (4/5) sits exactly on four fifths, unflagged; at 5/5 it ties a, still unflagged.
    assert bool(table.loc["b", "flagged"]) is False
    assert bool(table.loc["b", "one_flip_changes"]) is False


# audit -----------------------------------------------------------------------------------


def review_population() -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """People, bands and scores of a small agency: genders f (6), m (8), x (2); one unassessed."""
    ids = [f"e{i:02d}" for i in range(18)]
    gender = ["f"] * 6 + ["m"] * 8 + ["x"] * 2 + ["m", None]
    band = (
        ["ready-now", "ready-1y", "ready-1y", "not-yet", "insufficient-evidence", "ready-2y"]
        + ["ready-now"] * 3
        + ["ready-1y"]
        + ["not-yet"] * 4
        + ["ready-now", "not-yet"]
        + ["", "ready-now"]  # e16 is at the top of the ladder; e17 has no gender recorded
    )
    score = [3.0] * 6 + [4.0] * 8 + [2.0, 2.0] + [5.0, 3.5]
    people = pd.DataFrame({"gender": gender, "tenure": ["long"] * 9 + ["short"] * 9}, index=ids)
    people.index.name = "employee_id"
    return people, pd.Series(band, index=ids), pd.Series(score, index=ids)


def test_people_not_assessed_are_left_out() -> None:
    people, bands, scores = review_population()
    result = audit(people, bands, scores, ["gender", "tenure"], min_group_size=1)
    assert result.assessed == 17
    gender = result.attributes[0]
    assert list(gender.ready_now.columns) == AUDIT_COLUMNS
    now = by_group(gender.ready_now)
    assert now["n"].tolist() == [6, 8, 2]  # e16 (m, unassessed) and e17 (no gender) left out
    assert now["selected"].tolist() == [1, 3, 1]
    soon = by_group(gender.ready_within_1y)
    assert soon["selected"].tolist() == [3, 4, 1]
    # The unassessed person's score (5.0) would have raised the men's mean.
    assert by_group(gender.scores).loc["m", "mean"] == pytest.approx(4.0)
    assert list(gender.scores.columns) == ["group", "n", "mean", "suppressed"]
    assert by_group(result.attributes[1].ready_now)["n"].tolist() == [9, 8]


def test_insufficient_evidence_counts_as_assessed_and_not_selected() -> None:
    people, bands, scores = review_population()
    result = audit(people, bands, scores, ["gender"], min_group_size=1)
    women = by_group(result.attributes[0].ready_within_1y).loc["f"]
    assert (women["n"], women["selected"]) == (6, 3)


def test_a_small_group_and_the_next_smallest_are_suppressed() -> None:
    people, bands, scores = review_population()
    gender = audit(people, bands, scores, ["gender"], min_group_size=3).attributes[0]
    # x (2 people) is under 3; f (6) is suppressed too, or x = total − f − m would give x away.
    assert gender.suppressed == ("f", "x")
    for table in (gender.ready_now, gender.ready_within_1y, gender.scores):
        rows = by_group(table)
        assert rows["suppressed"].to_dict() == {"f": True, "m": False, "x": True}
        hidden = rows.loc[["f", "x"]].drop(columns="suppressed")
        assert hidden.isna().all().all()
    assert by_group(gender.ready_now).loc["m", "n"] == 8


def test_two_small_groups_are_suppressed_without_a_third() -> None:
    frame = people_selected({"a": (2, 1), "b": (2, 2), "c": (10, 6), "d": (10, 3)})
    frame.index = [f"e{i:02d}" for i in range(len(frame))]
    bands = frame["hired"].map({True: "ready-now", False: "not-yet"})
    scores = pd.Series(3.0, index=frame.index)
    race = audit(frame[["race"]], bands, scores, ["race"], min_group_size=3).attributes[0]
    assert race.suppressed == ("a", "b")
    shown = by_group(race.ready_now)
    # b (2/2) is hidden, so c (6/10) is the reference, not b: no ratio gives b's rate away.
    assert shown.loc["c", "impact_ratio"] == 1.0
    assert shown.loc["d", "impact_ratio"] == pytest.approx(0.5)
    assert bool(shown.loc["d", "flagged"]) is True


def test_next_smallest_ties_are_broken_by_label() -> None:
    frame = people_selected({"a": (1, 1), "c": (5, 2), "b": (5, 3), "d": (9, 3)})
    frame.index = [f"e{i:02d}" for i in range(len(frame))]
    bands = frame["hired"].map({True: "ready-now", False: "not-yet"})
    race = audit(frame[["race"]], bands, bands.map(lambda _: 3.0), ["race"], 2).attributes[0]
    assert race.suppressed == ("a", "b")


def test_a_missing_attribute_gives_no_table_and_a_note() -> None:
    people, bands, scores = review_population()
    result = audit(people, bands, scores, ["gender", "age-band"], min_group_size=3)
    assert [a.attribute for a in result.attributes] == ["gender"]
    assert any("age-band" in note for note in result.notes)
    assert any("gender" in note and "suppressed" in note for note in result.notes)


def test_min_group_size_must_be_positive() -> None:
    people, bands, scores = review_population()
    with pytest.raises(ValueError, match="min_group_size"):
        audit(people, bands, scores, ["gender"], min_group_size=0)


def test_fishers_exact_test_agrees_with_scipy_on_random_tables() -> None:
    # skillkit computes it itself (importing scipy.stats costs a second); scipy is the referee.
    from scipy.stats import fisher_exact

    from skillkit.fairness import adverse_impact

    rng = np.random.default_rng(0)
    for _ in range(200):
        n = rng.integers(1, 300, 2)
        chosen = [int(rng.integers(0, n[0] + 1)), int(rng.integers(0, n[1] + 1))]
        frame = pd.DataFrame(
            {
                "group": ["a"] * int(n[0]) + ["b"] * int(n[1]),
                "selected": [k < chosen[0] for k in range(n[0])]
                + [k < chosen[1] for k in range(n[1])],
            }
        )
        table = adverse_impact(frame, "group", "selected").set_index("group")
        low = "a" if table.loc["a", "rate"] < table.loc["b", "rate"] else "b"
        if table.loc["a", "rate"] == table.loc["b", "rate"]:
            continue
        expected = fisher_exact(
            [[chosen[0], n[0] - chosen[0]], [chosen[1], n[1] - chosen[1]]]
        ).pvalue
        assert table.loc[low, "p_value"] == pytest.approx(expected, abs=1e-9)


def test_small_groups_hidden_together_must_reach_the_minimum() -> None:
    # a and b hold one person each: hidden on their own, the page's total ready-now minus the
    # shown groups would tell both were selected. The next smallest, c, is hidden with them.
    frame = people_selected({"a": (1, 1), "b": (1, 1), "c": (6, 2), "d": (10, 3)})
    frame.index = [f"e{i:02d}" for i in range(len(frame))]
    bands = frame["hired"].map({True: "ready-now", False: "not-yet"})
    race = audit(frame[["race"]], bands, bands.map(lambda _: 3.0), ["race"], 5).attributes[0]
    assert race.suppressed == ("a", "b", "c")
