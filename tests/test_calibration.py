"""Rater calibration on cases small enough to solve by hand, and on the demo agency."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skillkit import demo
from skillkit.calibration import calibrate, rater_effects
from skillkit.framework import Framework
from skillkit.pipeline import review
from skillkit.rubric import CalibrationSettings, Rubric
from skillkit.scoring import score

COLUMNS = ["period", "employee_id", "rater_id", "source", "competency", "rating", "comment"]
Rating = tuple[str, str, str, str, str, float | None]


def ratings(rows: Sequence[Rating]) -> pd.DataFrame:
    """A ratings table as records.py gives it."""
    return pd.DataFrame([(*row, "") for row in rows], columns=COLUMNS).astype(
        {c: "string" for c in COLUMNS if c != "rating"}
    )


def with_settings(rubric: Rubric, **settings: object) -> Rubric:
    """The rubric with some calibration settings changed."""
    return rubric.model_copy(update={"calibration": rubric.calibration.model_copy(update=settings)})


def effects_of(rubric: Rubric, table: pd.DataFrame, period: str = "2026Q3") -> pd.Series:
    """Rater id → fitted effect."""
    return calibrate(table, rubric, period).effects.set_index("rater_id")["effect"]


# Raters L and S rate the same two people: L says 4 where S says 3, twice. With the cell effects
# profiled out, the normal equations are (1 + λ) b_L − b_S = 1 and −b_L + (1 + λ) b_S = −1,
# so b_L = −b_S = 1 / (2 + λ).
TWO_RATERS = [
    ("2026Q3", "A", "L", "peer", "communication", 4.0),
    ("2026Q3", "A", "S", "peer", "communication", 3.0),
    ("2026Q3", "B", "L", "peer", "communication", 4.0),
    ("2026Q3", "B", "S", "peer", "communication", 3.0),
]


@pytest.mark.parametrize("shrinkage", [0.0, 1.0, 5.0])
def test_two_raters_split_their_difference_shrunk_by_the_pseudo_ratings(
    rubric: Rubric, shrinkage: float
) -> None:
    effects = effects_of(with_settings(rubric, shrinkage=shrinkage), ratings(TWO_RATERS))
    assert effects["L"] == pytest.approx(1 / (2 + shrinkage), abs=1e-6)
    assert effects["S"] == pytest.approx(-1 / (2 + shrinkage), abs=1e-6)


def test_without_shrinkage_both_raters_are_brought_to_their_common_mean(rubric: Rubric) -> None:
    table = ratings(TWO_RATERS)
    fit = calibrate(table, with_settings(rubric, shrinkage=0.0), "2026Q3")
    assert fit.adjust(table).to_numpy() == pytest.approx([3.5] * 4, abs=1e-6)


def test_self_ratings_neither_inform_the_fit_nor_move(rubric: Rubric) -> None:
    # A self rating of 5 for A would pull L's effect if it counted as a rater of A.
    table = ratings([*TWO_RATERS, ("2026Q3", "A", "A", "self", "communication", 5.0)])
    fit = calibrate(table, with_settings(rubric, shrinkage=0.0), "2026Q3")
    assert "A" not in set(fit.effects["rater_id"])
    assert fit.effects.set_index("rater_id")["effect"]["L"] == pytest.approx(0.5, abs=1e-6)
    assert fit.adjust(table).iloc[-1] == 5.0


def test_a_rater_seen_alone_has_no_identifiable_effect(rubric: Rubric) -> None:
    # M is the only rater of C: nothing separates M's leniency from C's level.
    table = ratings([*TWO_RATERS, ("2026Q3", "C", "M", "manager", "communication", 5.0)])
    effects = effects_of(with_settings(rubric, shrinkage=0.0), table)
    assert effects["M"] == pytest.approx(0.0, abs=1e-9)


def test_effects_average_zero_within_each_component_and_strays_are_reported(
    rubric: Rubric,
) -> None:
    # X and Y rate D together, apart from everyone else: a second, smaller component.
    stray = [
        ("2026Q3", "D", "X", "client", "negotiation", 5.0),
        ("2026Q3", "D", "Y", "client", "negotiation", 2.0),
    ]
    fit = calibrate(ratings([*TWO_RATERS, *stray]), rubric, "2026Q3")
    assert fit.components == 2
    assert fit.outside_raters == ("X", "Y") and fit.outside_people == ("D",)
    by_component = fit.effects.groupby("main")["effect"].sum()
    assert by_component.abs().max() == pytest.approx(0.0, abs=1e-9)
    main = fit.effects.set_index("rater_id")["main"]
    assert main["L"] and main["S"] and not main["X"]


def test_only_the_window_is_fitted_but_every_quarter_is_adjusted(rubric: Rubric) -> None:
    # In 2025Q1 (outside a four-quarter window ending 2026Q3) L and S disagree the other way.
    old = [("2025Q1", p, r, "peer", "communication", v) for p, r, v in
           [("A", "L", 1.0), ("A", "S", 5.0), ("B", "L", 1.0), ("B", "S", 5.0)]]  # fmt: skip
    table = ratings([*old, *TWO_RATERS])
    fit = calibrate(table, with_settings(rubric, shrinkage=0.0), "2026Q3")
    assert fit.window == ("2026Q3",)
    assert fit.n_ratings == 4
    assert fit.effects.set_index("rater_id")["effect"]["L"] == pytest.approx(0.5, abs=1e-6)
    # The effects are the raters', so earlier ratings are corrected by them too.
    assert fit.adjust(table).iloc[0] == pytest.approx(1.0)  # 1 − .5 is below the scale: kept at 1
    assert fit.adjust(table).iloc[1] == pytest.approx(5.0)  # 5 + .5 likewise kept at 5


def test_calibration_none_keeps_the_ratings_and_the_score_equals_the_raw_one(
    framework: Framework, rubric: Rubric
) -> None:
    plain = rubric.model_copy(update={"calibration": CalibrationSettings(method="none")})
    table = ratings(TWO_RATERS)
    fit = calibrate(table, plain, "2026Q3")
    assert fit.effects.empty and fit.method == "none"
    assert fit.adjust(table).tolist() == [4.0, 3.0, 4.0, 3.0]
    roles = pd.DataFrame({"period": ["2026Q3"] * 2, "employee_id": ["A", "B"], "role": "x"})
    scores = score(table, pd.DataFrame(), roles, framework, plain, fit).dropna(subset=["score"])
    assert (scores["score"] == scores["score_raw"]).all()


def test_the_score_uses_calibrated_ratings_and_score_raw_the_given_ones(
    framework: Framework, rubric: Rubric
) -> None:
    table = ratings(TWO_RATERS)
    fitted = with_settings(rubric, shrinkage=0.0)
    roles = pd.DataFrame(
        {"period": ["2026Q3"] * 2, "employee_id": ["A", "B"], "role": "account-executive"}
    )
    kpis = pd.DataFrame(columns=["period", "employee_id", "kpi", "value"])
    cells = score(table, kpis, roles, framework, fitted, calibrate(table, fitted, "2026Q3"))
    cells = cells[cells["competency"] == "communication"]
    assert cells["score_raw"].tolist() == [3.5, 3.5]
    assert cells["score"].to_numpy() == pytest.approx([3.5, 3.5])
    # Calibration takes the raters' disagreement out, so the interval narrows to its floor.
    uncalibrated = score(table, kpis, roles, framework, fitted)
    calibrated_width = (cells["ci_high"] - cells["ci_low"]).iloc[0]
    raw = uncalibrated[uncalibrated["competency"] == "communication"]
    assert calibrated_width < (raw["ci_high"] - raw["ci_low"]).iloc[0]


def test_the_sparse_solver_matches_dense_least_squares_on_a_random_design() -> None:
    # The reference: ordinary least squares on the full design (a dummy per cell and per
    # rater, ridge rows for the raters), solved densely by numpy.
    rng = np.random.default_rng(3)
    n_cells, n_raters, per_cell, shrinkage = 60, 12, 4, 2.0
    cell = np.repeat(np.arange(n_cells), per_cell)
    rater = np.concatenate([rng.choice(n_raters, per_cell, replace=False) for _ in range(n_cells)])
    planted = rng.normal(0.0, 0.5, n_raters)
    y = rng.normal(3.0, 0.7, n_cells)[cell] + planted[rater] + rng.normal(0.0, 0.3, len(cell))
    design = np.zeros((len(cell) + n_raters, n_cells + n_raters))
    design[np.arange(len(cell)), cell] = 1.0
    design[np.arange(len(cell)), n_cells + rater] = 1.0
    design[len(cell) + np.arange(n_raters), n_cells + np.arange(n_raters)] = shrinkage**0.5
    target = np.concatenate([y, np.zeros(n_raters)])
    reference = np.linalg.lstsq(design, target, rcond=None)[0][n_cells:]
    recovered = rater_effects(cell, rater, y, shrinkage=shrinkage)
    assert recovered == pytest.approx(reference, abs=1e-6)
    assert abs(recovered.mean()) < 1e-6  # the ridge alone already centres a connected design
    assert np.corrcoef(recovered, planted)[0, 1] > 0.9


def test_on_the_demo_agency_calibrated_scores_are_closer_to_its_hidden_truth(
    framework: Framework, rubric: Rubric, tmp_path: Path
) -> None:
    # The demo plants rater leniency (one very lenient and one very severe line manager
    # among them); its hidden true levels say what the scores should have found.
    tables, world = demo._simulate(framework, rubric, 120, 8, 7, demo.DEFAULT_LAST_PERIOD)
    for name, frame in tables.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    assessment = review(tmp_path)
    latest = assessment.scores[assessment.scores["period"] == assessment.period]
    latest = latest.dropna(subset=["score"])
    person = {e: i for i, e in enumerate(world.ids)}
    comp = {c: i for i, c in enumerate(world.comps)}
    truth = world.latent[
        latest["employee_id"].map(person).to_numpy(), -1, latest["competency"].map(comp).to_numpy()
    ]

    def rmse(column: str) -> float:
        return float(np.sqrt(np.mean((latest[column].to_numpy() - truth) ** 2)))

    def rank_correlation(column: str) -> float:
        return float(latest[column].rank().corr(pd.Series(truth, index=latest.index).rank()))

    # Measured (120 people, seed 7): RMSE 0.35 raw, 0.27 calibrated; rank correlation .95, .97.
    assert rmse("score") < 0.85 * rmse("score_raw")
    assert rank_correlation("score") > rank_correlation("score_raw") + 0.01
    fit = assessment.calibration
    assert fit.components == 1 and not fit.outside_raters and not fit.outside_people
    assert fit.window == assessment.periods[-4:]


def test_the_main_component_does_not_depend_on_the_order_of_the_rows(rubric: Rubric) -> None:
    # Two separate pairs of raters with four ratings each: a tie, won by the first rater id.
    other = [("2026Q3", p, r.lower(), "peer", "negotiation", v) for _, p, r, _, _, v in TWO_RATERS]
    table = ratings([*other, *TWO_RATERS])
    forward = calibrate(table, rubric, "2026Q3")
    backward = calibrate(table.iloc[::-1].reset_index(drop=True), rubric, "2026Q3")
    assert forward.outside_raters == backward.outside_raters == ("l", "s")


def test_a_review_warns_about_raters_calibration_cannot_reach(tmp_path: Path) -> None:
    from tests.test_review_edge_cases import person, write_folder

    stray = [
        ("2026Q3", "D", "X", "client", "negotiation", 5.0, ""),
        ("2026Q3", "D", "Y", "client", "negotiation", 2.0, ""),
    ]
    rows = [(*row, "") for row in TWO_RATERS] + stray
    people = [person(p, "account-executive") for p in ("A", "B", "D")]
    warnings = [str(w) for w in review(write_folder(tmp_path, people, rows)).warnings]
    assert (
        "ratings: rater_id: 2 raters and 1 person share no rated person with the main group of "
        "raters, so calibration cannot compare them with it (listed on the HR page)"
    ) in warnings


def test_a_solver_that_stops_short_is_reported_not_trusted_silently(
    rubric: Rubric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scipy.sparse.linalg

    from tests.test_review_edge_cases import person, write_folder

    real_cg = scipy.sparse.linalg.cg

    def stopped(*args: object, **kwargs: object) -> tuple[np.ndarray, int]:
        solution, _ = real_cg(*args, **kwargs)
        return solution, 2000  # scipy's "iteration limit reached"

    monkeypatch.setattr(scipy.sparse.linalg, "cg", stopped)
    assert not calibrate(ratings(TWO_RATERS), rubric, "2026Q3").converged
    rows = [(*row, "") for row in TWO_RATERS]
    people = [person(p, "account-executive") for p in ("A", "B")]
    warnings = [str(w) for w in review(write_folder(tmp_path, people, rows)).warnings]
    assert any("did not converge" in w for w in warnings)


# The counting helpers: the same numbers as the pandas and scipy forms they replace ----------


def random_design(seed: int, n: int = 3000) -> pd.DataFrame:
    """Ratings in a random order, some raters rating as two sources, two apart from the rest."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "period": rng.choice(["2025Q4", "2026Q1", "2026Q2", "2026Q3"], n),
            "employee_id": rng.choice([f"E{i:03d}" for i in range(60)], n),
            "rater_id": rng.choice([f"R{i:02d}" for i in range(40)], n),
            "source": rng.choice(["peer", "manager", "client", "self"], n, p=[0.5, 0.2, 0.2, 0.1]),
            "competency": rng.choice(["communication", "negotiation", "motivation"], n),
            "rating": rng.integers(2, 11, n) / 2,
            "comment": "",
        }
    )
    apart = [("2026Q3", "Z1", "X1", "peer", "negotiation", 2.0, ""),
             ("2026Q3", "Z1", "X2", "peer", "negotiation", 4.0, "")]  # fmt: skip
    table = pd.concat([table, pd.DataFrame(apart, columns=table.columns)], ignore_index=True)
    table.loc[rng.random(len(table)) < 0.05, "rating"] = np.nan
    return table.astype({c: "string" for c in COLUMNS if c != "rating"})


@pytest.mark.parametrize("seed", [1, 2])
def test_categorical_keys_give_the_fit_of_text_keys_to_the_last_bit(
    rubric: Rubric, seed: int
) -> None:
    text = random_design(seed)
    keys = ["period", "employee_id", "rater_id", "source", "competency"]
    coded = text.astype({key: "category" for key in keys})
    want, got = calibrate(text, rubric, "2026Q3"), calibrate(coded, rubric, "2026Q3")
    pd.testing.assert_frame_equal(want.effects, got.effects, check_exact=True)
    assert (want.window, want.n_ratings, want.components) == (got.window, got.n_ratings, 2)
    assert want.outside_raters == got.outside_raters == ("X1", "X2")
    assert want.outside_people == got.outside_people == ("Z1",)
    assert want.effects["sources"].str.contains(", ").any()  # raters with several sources


def test_first_seen_numbers_codes_as_factorize_does() -> None:
    from skillkit.calibration import _first_seen

    rng = np.random.default_rng(4)
    for top in (50, 10**9):  # counted through a table, and hashed
        codes = rng.integers(0, top, 400)
        dense, original = _first_seen(codes)
        want, distinct = pd.factorize(codes)
        assert np.array_equal(dense, want) and np.array_equal(original, distinct)


def test_the_incidence_has_the_layout_of_the_plain_sparse_construction() -> None:
    # The solver's sums run along the stored rows: the same layout gives the same last bits.
    from scipy import sparse

    from skillkit.calibration import _incidence

    rng = np.random.default_rng(8)
    cell, rater = rng.integers(0, 90, 600), rng.integers(0, 25, 600)  # with repeated pairs
    shape = (int(cell.max()) + 1, int(rater.max()) + 1)
    plain = sparse.csr_matrix((np.ones(len(cell)), (cell, rater)), shape=shape)
    for mine, want in zip(_incidence(cell, rater), (plain, plain.T.tocsr()), strict=True):
        assert mine.shape == want.shape
        for part in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(mine, part), getattr(want, part))


def test_sources_are_listed_most_used_first_then_by_name() -> None:
    from skillkit.calibration import _sources

    rng = np.random.default_rng(9)
    names = pd.Index(["peer", "client", "manager", "direct_report"])
    rater, source = rng.integers(0, 30, 200), rng.integers(0, len(names), 200)
    used = pd.DataFrame({"rater": rater, "source": np.asarray(names)[source]})
    used = used.value_counts().rename("n").reset_index()
    used = used.sort_values(["rater", "n", "source"], ascending=[True, False, True])
    want = (used["source"] + ", ").groupby(used["rater"]).sum().str[:-2]
    got = _sources(rater, source, names, 30)
    assert got.tolist() == want.reindex(range(30)).tolist()
    assert any(", " in text for text in got)
