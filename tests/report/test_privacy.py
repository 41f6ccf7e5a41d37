"""Privacy of the pages: small-group suppression of the heatmap, cell by cell."""

from __future__ import annotations

import pandas as pd

from skillkit.report.privacy import suppressed_cells


def levels(team_sizes: dict[str, dict[str, int]]) -> pd.DataFrame:
    """One row per person rated on a competency: {team: {competency: people rated}}."""
    rows = [
        {"team": team, "competency": comp, "employee_id": f"{team}-{i}", "level": 3}
        for team, comps in team_sizes.items()
        for comp, n in comps.items()
        for i in range(n)
    ]
    return pd.DataFrame(rows)


def test_a_cell_resting_on_fewer_than_five_people_is_hidden_with_its_complement() -> None:
    data = levels(
        {
            "Big": {"communication": 9, "motivation": 9},
            "Mid": {"communication": 6, "motivation": 3},
            "Top": {"communication": 7, "motivation": 8},
        }
    )
    hidden = suppressed_cells(data, ("communication", "motivation"), 5)
    # Mid has 6 people but only 3 rated on motivation; the next-smallest team hides with it.
    assert hidden == {("Mid", "motivation"), ("Top", "motivation")}


def test_hidden_cells_together_reaching_five_need_no_complement() -> None:
    data = levels({"A": {"negotiation": 3}, "B": {"negotiation": 2}, "C": {"negotiation": 9}})
    assert suppressed_cells(data, ("negotiation",), 5) == {
        ("A", "negotiation"),
        ("B", "negotiation"),
    }


def test_a_cell_is_withheld_when_one_or_two_raters_stand_beside_the_manager() -> None:
    from skillkit.report.privacy import private_cells

    # (manager ratings, all non-self raters) → may the pages show it?
    cases = [
        (1, 1, True),
        (1, 2, False),
        (1, 3, False),
        (1, 4, True),
        (0, 2, False),
        (0, 3, True),
        (0, 0, True),
    ]
    scores = pd.DataFrame(
        {
            "n_manager": [m for m, _, _ in cases],
            "n_raters": [n for _, n, _ in cases],
            "score": 3.0,
            "score_raw": 3.0,
            "level": 3,
            "ci_low": 2.0,
            "ci_high": 4.0,
            "others_score": 3.0,
        }
    )
    shown = private_cells(scores, min_raters=3)
    assert (~shown["private"]).tolist() == [ok for _, _, ok in cases]
    assert shown.loc[shown["private"], "score"].isna().all()
