"""Promotion model: point-in-time rows without leakage, the split, and the model card."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skillkit import demo, model, model_rows, periods
from skillkit.framework import Framework
from skillkit.pipeline import Assessment, assess_records, review
from skillkit.rubric import PromotionModel, Rubric

HORIZON = 4
# Larger than `skillkit demo` builds (150 people, whose held-out rows hold only a handful of
# promotions): here ~270 held-out rows hold ~30, enough for the figures to mean something.
DEMO_SIZE = {"people": 500, "quarters": 12, "seed": 1}
SMALL_SIZE = {"people": 150, "quarters": 12, "seed": 3}


def _reviewed(folder: Path, framework: Framework, rubric: Rubric, **size: int) -> Assessment:
    """A demo agency written as CSV files and reviewed as a user would."""
    folder.mkdir(parents=True)
    for name, frame in demo.generate_agency(framework, rubric, **size).items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return review(folder)


@pytest.fixture(scope="module")
def small(
    tmp_path_factory: pytest.TempPathFactory, framework: Framework, rubric: Rubric
) -> Assessment:
    return _reviewed(tmp_path_factory.mktemp("small") / "data", framework, rubric, **SMALL_SIZE)


@pytest.fixture(scope="module")
def agency(
    tmp_path_factory: pytest.TempPathFactory, framework: Framework, rubric: Rubric
) -> Assessment:
    return _reviewed(tmp_path_factory.mktemp("demo") / "data", framework, rubric, **DEMO_SIZE)


@pytest.fixture(scope="module")
def trained(agency: Assessment) -> model.PromotionModelResult:
    return model.train(agency)


def _with_settings(assessment: Assessment, **settings: int) -> Assessment:
    rubric = assessment.rubric.model_copy(update={"promotion_model": PromotionModel(**settings)})
    return dataclasses.replace(assessment, rubric=rubric)


def _features(rows: pd.DataFrame) -> list[str]:
    return [c for c in rows.columns if c not in model_rows.KEY_COLUMNS]


def test_below_the_minimum_the_model_is_not_trained_and_says_why(small: Assessment) -> None:
    on_record = len(small.records.promotions)
    result = model.train(_with_settings(small, min_promotions=on_record + 1))
    assert not result.trained
    assert result.n_promotions == on_record
    assert f"only {on_record} promotions" in result.reason
    assert f"at least {on_record + 1}" in result.reason
    assert "promotion_model.min_promotions" in result.reason
    assert result.probabilities.empty and result.importances.empty
    assert model.disagreements(result, small.readiness.people).empty


def test_without_any_promotion_history_the_model_is_not_trained(small: Assessment) -> None:
    records = dataclasses.replace(small.records, promotions=small.records.promotions.iloc[:0])
    result = model.train(dataclasses.replace(small, records=records))
    assert not result.trained
    assert "only 0 promotions" in result.reason


def test_too_short_a_history_for_a_split_in_time_is_not_trained(small: Assessment) -> None:
    # Twelve quarters and a nine-quarter horizon: outcomes are known for three quarters only.
    result = model.train(_with_settings(small, horizon_quarters=9))
    assert not result.trained
    assert "outcomes are known for 3 quarters" in result.reason
    assert "at least 11" in result.reason


def test_rows_are_one_per_person_and_quarter_with_a_next_role(small: Assessment) -> None:
    rows = model_rows.point_in_time_rows(small, HORIZON)
    assert not rows.duplicated(["employee_id", "period"]).any()
    assert (rows["ordinal"] == periods.ordinals(rows["period"])).all()
    assert rows["ordinal"].max() == periods.to_ordinal(small.period)
    assert "group-account-director" not in set(rows["role"])  # top of the ladder: no next role
    assert set(rows["label"].dropna()) == {0.0, 1.0}
    unknown = rows["ordinal"] + HORIZON > periods.to_ordinal(small.period)
    assert (rows["label"].isna() == unknown).all()
    assert {"level:negotiation", "gap:negotiation", "slope:negotiation", "kpi:client_nps"} <= set(
        rows.columns
    )


def _later(table: pd.DataFrame, quarter: str) -> np.ndarray:
    return (periods.ordinals(table["period"].astype(str)) > periods.to_ordinal(quarter)).to_numpy()


def test_features_at_t_stay_the_same_when_every_later_rating_changes(small: Assessment) -> None:
    t = periods.shift(small.period, -5)
    records = small.records
    ratings, later = records.ratings.copy(), _later(records.ratings, t)
    rng = np.random.default_rng(0)
    ratings.loc[later, "rating"] = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], int(later.sum()))
    ratings = ratings[~later | (rng.random(len(ratings)) < 0.7)]  # and some deleted
    kpis = records.kpis[~_later(records.kpis, t)]  # every later KPI deleted
    changed = assess_records(
        dataclasses.replace(records, ratings=ratings, kpis=kpis),
        small.framework,
        small.rubric,
        period=small.period,
    )
    before = model_rows.point_in_time_rows(small, HORIZON)
    after = model_rows.point_in_time_rows(changed, HORIZON)
    upto = periods.to_ordinal(t)
    pd.testing.assert_frame_equal(
        before[before["ordinal"] <= upto], after[after["ordinal"] <= upto]
    )
    # The guard matters: calibrated scores at t moved with the later ratings (rater effects are
    # fitted on the latest quarters), and the rows after t did change.
    cells = ["period", "employee_id", "competency"]
    early = [
        a.scores[a.scores["_ordinal"] <= upto].set_index(cells)["score"] for a in (small, changed)
    ]
    moved = (early[0] - early[1].reindex(early[0].index)).abs()
    assert moved.max() > 0.01
    late = before[before["ordinal"] > upto].reset_index(drop=True)
    assert not late.equals(after[after["ordinal"] > upto].reset_index(drop=True))


def test_features_at_t_equal_those_of_a_review_that_ends_at_t(small: Assessment) -> None:
    t = periods.shift(small.period, -4)
    records = small.records
    cut = dataclasses.replace(
        records,
        ratings=records.ratings[~_later(records.ratings, t)],
        kpis=records.kpis[~_later(records.kpis, t)],
    )
    then = model_rows.point_in_time_rows(
        assess_records(cut, small.framework, small.rubric, period=t), HORIZON
    )
    now = model_rows.point_in_time_rows(small, HORIZON)
    now = now[now["ordinal"] <= periods.to_ordinal(t)].reset_index(drop=True)
    keys = ["employee_id", "period", "ordinal", "role"]
    pd.testing.assert_frame_equal(then[keys + _features(then)], now[keys + _features(now)])
    known = then["label"].notna()
    assert known.any() and (then.loc[known, "label"] == now.loc[known, "label"]).all()


def test_label_counts_only_promotions_in_the_horizon_after_t(small: Assessment) -> None:
    rows = model_rows.point_in_time_rows(small, HORIZON)
    end = periods.to_ordinal(small.period)
    promotions = small.records.promotions
    when: dict[str, list[int]] = {}
    for employee, quarter in zip(promotions["employee_id"], promotions["period"], strict=True):
        when.setdefault(str(employee), []).append(periods.to_ordinal(str(quarter)))
    expected = [
        np.nan if t + HORIZON > end else float(any(t < p <= t + HORIZON for p in when.get(e, [])))
        for e, t in zip(rows["employee_id"], rows["ordinal"], strict=True)
    ]
    np.testing.assert_array_equal(rows["label"].to_numpy(), np.array(expected))
    # Both edges occur: the quarter a promotion takes effect is not "within the next H" of
    # itself, and H quarters before it is.
    at = pd.DataFrame(
        [(e, p) for e, ps in when.items() for p in ps], columns=["employee_id", "promoted"]
    )
    paired = rows.merge(at, on="employee_id")
    edge = paired[paired["ordinal"] == paired["promoted"] - HORIZON]
    same = paired[(paired["ordinal"] == paired["promoted"]) & paired["label"].notna()]
    assert (edge["label"] == 1.0).all() and len(edge) > 0
    single = same[same["employee_id"].map(lambda e: len(when[e]) == 1)]
    assert (single["label"] == 0.0).all() and len(single) > 0


def test_split_keeps_people_apart_and_training_outcomes_before_the_test(
    small: Assessment,
) -> None:
    rows = model_rows.point_in_time_rows(small, HORIZON)
    split = model._split(rows, HORIZON)
    assert not isinstance(split, str), split
    train_rows, test_rows = split
    assert not set(train_rows["employee_id"]) & set(test_rows["employee_id"])
    assert (train_rows["ordinal"] + HORIZON).max() < test_rows["ordinal"].min()
    assert test_rows["ordinal"].max() == rows.loc[rows["label"].notna(), "ordinal"].max()
    assert train_rows["label"].notna().all() and test_rows["label"].notna().all()


def test_the_model_card_is_deterministic(small: Assessment) -> None:
    first, again = model.train(small), model.train(small)
    assert first.trained, first.reason
    assert (first.roc_auc, first.brier, first.train, first.test) == (
        again.roc_auc,
        again.brier,
        again.train,
        again.test,
    )
    pd.testing.assert_frame_equal(first.importances, again.importances)
    pd.testing.assert_frame_equal(first.probabilities, again.probabilities)


def test_on_the_demo_agency_the_model_ranks_promotions_well(
    trained: model.PromotionModelResult,
) -> None:
    assert trained.trained, trained.reason
    assert trained.roc_auc >= 0.75
    # Better than forecasting the held-out base rate for everyone.
    assert trained.brier < trained.test_rate * (1 - trained.test_rate)
    assert trained.n_promotions >= 20 and trained.test.promotions >= 10
    last_train = periods.to_ordinal(trained.train.quarters[-1])
    assert last_train + HORIZON < periods.to_ordinal(trained.test.quarters[0])
    assert trained.calibration_method == "sigmoid"  # under a thousand training rows


def test_the_demos_promotions_follow_its_truth_so_model_and_rules_agree(
    agency: Assessment, trained: model.PromotionModelResult
) -> None:
    # In the demo people are promoted soon after they reach the next role's bar: the model,
    # which never sees the rules, should find those the rules call ready now likely.
    bands = agency.readiness.people.set_index("employee_id")["band"]
    forecast = trained.probabilities.set_index("employee_id")["probability"]
    by_band = forecast.groupby(bands.reindex(forecast.index)).mean()
    assert by_band["ready-now"] > 0.5 > by_band["not-yet"]
    assert by_band["ready-now"] > 3 * by_band["not-yet"]


def test_the_model_card_tables_cover_the_held_out_rows_and_every_person(
    trained: model.PromotionModelResult,
) -> None:
    table = trained.calibration
    assert table["count"].sum() == trained.test.rows
    assert (
        (table["mean_predicted"] >= table["low"]) & (table["mean_predicted"] <= table["high"])
    ).all()
    assert sorted(trained.importances["feature"]) == sorted(trained.features)
    forecast = trained.probabilities
    assert forecast["employee_id"].is_unique
    assert forecast["probability"].between(0.0, 1.0).all()
    assert forecast["next_role"].notna().all()


def test_disagreements_compare_only_where_rules_and_model_ask_the_same() -> None:
    manager, director = "account-manager", "account-director"
    result = model.PromotionModelResult(
        trained=True,
        reason="",
        period="2026Q3",
        horizon=HORIZON,
        n_promotions=30,
        probabilities=pd.DataFrame(
            {
                "employee_id": ["A", "B", "C", "D", "E"],
                "role": [manager, manager, manager, "account-executive", manager],
                "next_role": [director, director, director, "senior-account-executive", director],
                "probability": [0.8, 0.2, 0.9, 0.9, 0.1],
            }
        ),
    )
    readiness = pd.DataFrame(
        {
            "employee_id": ["A", "B", "C", "D", "E"],
            "target_role": [director] * 5,
            "band": ["not-yet", "ready-now", "ready-1y", "not-yet", "ready-2y"],
        }
    )
    found = model.disagreements(result, readiness)
    assert list(found.columns) == model.DISAGREEMENT_COLUMNS
    assert list(found["employee_id"]) == ["A", "B"]
    assert list(found["disagreement"]) == ["model-likely-rules-not", "rules-ready-model-not"]


def test_a_kpi_nobody_reports_is_left_out_rather_than_breaking_training(
    small: Assessment,
) -> None:
    # Without kpis.csv every KPI feature is empty; the booster cannot bin an empty column.
    no_kpis = dataclasses.replace(small, kpis=small.kpis.iloc[0:0])
    result = model.train(_with_settings(no_kpis, min_promotions=1))
    assert result.trained, result.reason
    assert not any(feature.startswith("kpi:") for feature in result.features)
    assert any(feature.startswith("gap:") for feature in result.features)


def test_roc_auc_of_many_rows_matches_scikit_learn_ties_included() -> None:
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(5)
    y = rng.random(40) < 0.3
    predicted = np.round(rng.random((6, 40)), 1)  # coarse: many ties
    expected = [roc_auc_score(y, row) for row in predicted]
    assert model._roc_auc(y, predicted) == pytest.approx(expected, abs=1e-12)


def test_permutation_importance_ranks_the_signal_first_and_noise_near_zero() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(2)
    x = pd.DataFrame({"signal": rng.normal(size=300), "noise": rng.normal(size=300)})
    y = (x["signal"] + 0.3 * rng.normal(size=300) > 0).to_numpy(dtype=int)
    fitted = LogisticRegression().fit(x, y)
    table = model._importances(fitted, x, y).set_index("feature")
    assert table.index[0] == "signal" and table.loc["signal", "importance"] > 0.3
    assert abs(table.loc["noise", "importance"]) < 0.02
