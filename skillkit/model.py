"""Promotion model: a calibrated scikit-learn classifier on point-in-time rows, as support.

Each row is one person in one quarter t: features known at t, and the label "promoted within
the next H quarters". Held out are a third of the people at the latest quarters with known
outcomes; training rows come from the others, and only from quarters whose label windows end
before the test quarters start, so no outcome the test asks about is seen in training.

The classifier is gradient boosting (HistGradientBoostingClassifier), chosen on held-out ROC
AUC: on demo agencies (400–1,000 people, 12–16 quarters) it scored 0.83–0.94 where
standardised logistic regression on the same rows scored 0.73–0.83, as readiness hinges on the
weakest competency and the rung rather than on a weighted sum. The rules stay primary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from skillkit import periods
from skillkit.model_rows import KEY_COLUMNS, point_in_time_rows, promotion_windows

if TYPE_CHECKING:  # the pipeline imports this module's caller; only its result is read here
    from skillkit.pipeline import Assessment

CALIBRATION_COLUMNS = ["bin", "low", "high", "mean_predicted", "observed_rate", "count"]
IMPORTANCE_COLUMNS = ["feature", "importance", "std"]
PROBABILITY_COLUMNS = ["employee_id", "role", "next_role", "probability"]
DISAGREEMENT_COLUMNS = ["employee_id", "role", "target_role", "band", "probability", "disagreement"]
READY_BANDS = ("ready-now", "ready-1y")
BIN_EDGES = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
TEST_PEOPLE_SHARE = 1 / 3
FOLDS = 3
# Isotonic calibration overfits below about a thousand rows (scikit-learn's user guide); its
# steps need the rare outcome in numbers too, so sigmoid unless both outcomes reach that.
ISOTONIC_MIN_EACH = 1000
RANDOM_STATE = 0
PERMUTATION_REPEATS = 5
PERMUTATION_ROWS = 200_000  # shuffled rows predicted at once


@dataclass(frozen=True)
class DataSize:
    """How much data one side of the split holds."""

    rows: int = 0
    people: int = 0
    promotions: int = 0  # distinct promotions inside the rows' label windows
    quarters: tuple[str, ...] = ()


@dataclass(frozen=True)
class PromotionModelResult:
    """The promotion model's card: data, held-out quality, calibration, importances, forecasts."""

    trained: bool
    reason: str  # why it was not trained, in plain words ("" when trained)
    period: str  # the reviewed quarter
    horizon: int  # quarters the label looks ahead
    n_promotions: int  # promotions on record up to the reviewed quarter
    classifier: str = ""
    calibration_method: str = ""  # "sigmoid" or "isotonic"
    features: tuple[str, ...] = ()
    train: DataSize = DataSize()
    test: DataSize = DataSize()
    test_rate: float = float("nan")  # share of held-out rows promoted within the horizon
    roc_auc: float = float("nan")  # on the held-out rows
    brier: float = float("nan")  # on the held-out rows
    calibration: pd.DataFrame = field(default_factory=lambda: _empty(CALIBRATION_COLUMNS))
    importances: pd.DataFrame = field(default_factory=lambda: _empty(IMPORTANCE_COLUMNS))
    # At the reviewed quarter, from the same recipe refitted on every row with a known outcome.
    probabilities: pd.DataFrame = field(default_factory=lambda: _empty(PROBABILITY_COLUMNS))
    # The reason as a key and its numbers, for reports to word in their own language.
    reason_key: str = ""
    reason_values: dict[str, int] = field(default_factory=dict)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def train(assessment: Assessment) -> PromotionModelResult:
    """Train when history allows, judge on held-out people and quarters, forecast the latest."""
    settings = assessment.rubric.promotion_model
    horizon, end = settings.horizon_quarters, periods.to_ordinal(assessment.period)
    history = assessment.records.promotions
    history = history[(periods.ordinals(history["period"].astype(str)) <= end).to_numpy()]
    base: dict[str, Any] = {"period": assessment.period, "horizon": horizon}
    base["n_promotions"] = count = len(history)
    if count < settings.min_promotions:
        reason = (
            f"only {count} promotion{'' if count == 1 else 's'} on record up to "
            f"{assessment.period}; the model needs at least {settings.min_promotions} "
            "(promotion_model.min_promotions in the rubric), so the rules stand alone"
        )
        values = {"count": count, "minimum": settings.min_promotions}
        return PromotionModelResult(
            trained=False,
            reason=reason,
            reason_key="few_promotions",
            reason_values=values,
            **base,
        )
    # Too short a history fails the split whatever the rows hold: say so before building
    # a row for every person and quarter (a second at 10,000 people).
    scores = assessment.scores
    scored = pd.unique(scores["_ordinal"].to_numpy()[scores["score_raw"].notna().to_numpy()])
    short = _too_short(np.sort(scored[scored + horizon <= end]), horizon)
    if short is not None:
        return _untrained(short, base)
    rows = point_in_time_rows(assessment, horizon)
    split = _split(rows, horizon)
    if isinstance(split, Unsplit):
        return _untrained(split, base)
    train_rows, test_rows = split
    # A feature with no value in the training rows (a KPI nobody reports) carries nothing and
    # would trip the booster's binning: leave it out of this run.
    features = [c for c in rows.columns if c not in KEY_COLUMNS and train_rows[c].notna().any()]
    promoted = int(train_rows["label"].sum())
    few = min(promoted, len(train_rows) - promoted) < ISOTONIC_MIN_EACH
    method = "sigmoid" if few else "isotonic"
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    # One thread: tables this small gain nothing from OpenMP, and on a busy machine its
    # spinning threads made training several times slower.
    with threadpool_limits(limits=1, user_api="openmp"):
        model = _fit(train_rows, features, method)
        x_test, y_test = test_rows[features], test_rows["label"].to_numpy(dtype=int)
        predicted = model.predict_proba(x_test)[:, 1]
        importances = _importances(model, x_test, y_test)
        final = _fit(rows[rows["label"].notna()], features, method)
        latest = rows[rows["ordinal"] == end]
        forecast = latest[["employee_id", "role"]].reset_index(drop=True)
        forecast["next_role"] = [assessment.framework.next_role(r) for r in forecast["role"]]
        forecast["probability"] = final.predict_proba(latest[features])[:, 1]
    return PromotionModelResult(
        trained=True,
        reason="",
        **base,
        classifier=f"HistGradientBoostingClassifier, {method}-calibrated on {FOLDS} person folds",
        calibration_method=method,
        features=tuple(features),
        train=_size(train_rows, history, horizon),
        test=_size(test_rows, history, horizon),
        test_rate=float(y_test.mean()),
        roc_auc=float(roc_auc_score(y_test, predicted)),
        brier=float(brier_score_loss(y_test, predicted)),
        calibration=_calibration_table(y_test, predicted),
        importances=importances,
        probabilities=forecast,
    )


def _split(rows: pd.DataFrame, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame] | Unsplit:
    """Held-out people at the latest labelled quarters; everyone else before their outcomes.

    A fixed third of the people is held out, at the latest quarter or quarters with known
    outcomes (a quarter of them, at least one). Training rows come from everyone else, and
    only from quarters whose label windows end before the first test quarter starts.
    """
    labelled = rows[rows["label"].notna()]
    quarters = np.sort(labelled["ordinal"].unique())
    short = _too_short(quarters, horizon)
    if short is not None:
        return short
    start = quarters[-_tested(quarters, horizon)]
    people = np.array(sorted(rows["employee_id"].unique()))
    shuffled = np.random.default_rng(RANDOM_STATE).permutation(people)
    held = labelled["employee_id"].isin(shuffled[: round(len(people) * TEST_PEOPLE_SHARE)])
    train_rows = labelled[~held & (labelled["ordinal"] + horizon < start)]
    test_rows = labelled[held & (labelled["ordinal"] >= start)]
    for name, part, least in (("training", train_rows, FOLDS * 2), ("test", test_rows, 3)):
        promoted = int(part["label"].sum())
        if promoted < least or len(part) - promoted < least:
            return Unsplit(
                f"the {name} rows hold {promoted} promoted and {len(part) - promoted} not "
                f"promoted; the model needs at least {least} of each",
                f"one_sided_{name}",
                {"promoted": promoted, "other": len(part) - promoted, "least": least},
            )
    return train_rows, test_rows


def _untrained(why: Unsplit, base: dict[str, Any]) -> PromotionModelResult:
    """The result of a model that could not be trained, with the reason in words and as a key."""
    return PromotionModelResult(
        trained=False, reason=why.reason, reason_key=why.key, reason_values=why.values, **base
    )


def _tested(quarters: np.ndarray, horizon: int) -> int:
    """A quarter of the labelled quarters are for testing, leaving at least one to train on."""
    return min(max(1, round(len(quarters) / 4)), len(quarters) - horizon - 1)


def _too_short(quarters: np.ndarray, horizon: int) -> Unsplit | None:
    """Why labelled `quarters` this few cannot be split in time; None when they can."""
    if _tested(quarters, horizon) >= 1:
        return None
    return Unsplit(
        f"outcomes are known for {len(quarters)} quarter{'' if len(quarters) == 1 else 's'}"
        f"; a split in time needs at least {horizon + 2} (the {horizon}-quarter horizon "
        "between training and test, and a quarter on each side)",
        "short_history",
        {"known": len(quarters), "needed": horizon + 2, "horizon": horizon},
    )


@dataclass(frozen=True)
class Unsplit:
    """Why the rows could not be split into training and test, in words and as a key."""

    reason: str
    key: str
    values: dict[str, int]


def _fit(rows: pd.DataFrame, features: list[str], method: str) -> Any:
    """The calibrated classifier on `rows`, its calibration folds grouped by person."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedGroupKFold

    x, y = rows[features], rows["label"].to_numpy(dtype=int)
    # Grouped folds: a person's other quarters never predict the quarters it calibrates on.
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=RANDOM_STATE)
    booster = HistGradientBoostingClassifier(
        max_depth=3,
        learning_rate=0.1,
        max_iter=100,
        l2_regularization=1.0,
        early_stopping=False,  # its random validation split would mix people and quarters
        random_state=RANDOM_STATE,
    )
    # ensemble=False: one booster on all rows, calibrated on out-of-fold predictions; as good
    # on held-out AUC as averaging three, and a third of the work to predict.
    calibrated = CalibratedClassifierCV(
        booster, method=method, cv=list(folds.split(x, y, rows["employee_id"])), ensemble=False
    )
    return calibrated.fit(x, y)


def _size(rows: pd.DataFrame, promotions: pd.DataFrame, horizon: int) -> DataSize:
    """Rows, people, distinct promotions in their label windows, and quarters of `rows`."""
    seen = promotion_windows(rows, promotions, horizon).drop_duplicates(["employee_id", "promoted"])
    quarters = tuple(periods.from_ordinal(int(o)) for o in sorted(rows["ordinal"].unique()))
    return DataSize(len(rows), rows["employee_id"].nunique(), len(seen), quarters)


def _calibration_table(y: np.ndarray, predicted: np.ndarray) -> pd.DataFrame:
    """Per bin of predicted probability: mean predicted, observed rate, count (empty bins out)."""
    edges = np.asarray(BIN_EDGES)
    bins = np.clip(np.searchsorted(edges, predicted, side="right") - 1, 0, len(edges) - 2)
    frame = pd.DataFrame({"bin": bins, "predicted": predicted, "observed": y.astype(float)})
    table = frame.groupby("bin").agg(
        mean_predicted=("predicted", "mean"),
        observed_rate=("observed", "mean"),
        count=("observed", "size"),
    )
    table["low"], table["high"] = edges[table.index], edges[table.index + 1]
    table["bin"] = [
        f"{lo:.0%}–{hi:.0%}" for lo, hi in zip(table["low"], table["high"], strict=True)
    ]
    return table.reset_index(drop=True)[CALIBRATION_COLUMNS]


def _importances(model: Any, x: pd.DataFrame, y: np.ndarray) -> pd.DataFrame:
    """Permutation importance on held-out rows: the drop in ROC AUC when a feature is shuffled.

    As scikit-learn's `permutation_importance` (mean and standard deviation of the drop over
    `PERMUTATION_REPEATS` shuffles), but every shuffled copy is predicted in one call: one
    call per copy spends far more on the call than on the rows at the sizes seen here.
    """
    rng = np.random.default_rng(RANDOM_STATE)
    n_rows, n_features = x.shape
    baseline = _roc_auc(y, model.predict_proba(x)[:, 1][None, :])[0]
    values = x.to_numpy(dtype="float64")
    drops = np.empty((n_features, PERMUTATION_REPEATS))
    # Features in chunks, so the stacked copies stay near PERMUTATION_ROWS rows.
    step = max(1, PERMUTATION_ROWS // (n_rows * PERMUTATION_REPEATS))
    for first in range(0, n_features, step):
        shuffled = np.arange(first, min(first + step, n_features)).repeat(PERMUTATION_REPEATS)
        order = rng.random((len(shuffled), n_rows)).argsort(axis=1)
        copies = np.repeat(values[None], len(shuffled), axis=0)
        copy, row, column = np.arange(len(shuffled))[:, None], np.arange(n_rows), shuffled[:, None]
        copies[copy, row, column] = values[order, column]  # copy k: its feature's rows shuffled
        stacked = pd.DataFrame(copies.reshape(-1, n_features), columns=x.columns)
        predicted = model.predict_proba(stacked)[:, 1].reshape(len(shuffled), n_rows)
        drops[first : first + step] = (baseline - _roc_auc(y, predicted)).reshape(
            -1, PERMUTATION_REPEATS
        )
    table = pd.DataFrame(
        {"feature": x.columns, "importance": drops.mean(axis=1), "std": drops.std(axis=1)}
    )
    return table.sort_values(["importance", "feature"], ascending=[False, True], ignore_index=True)


def _roc_auc(y: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """ROC AUC of each row of `predicted` against `y`: Mann–Whitney U over n₁·n₀, ties halved."""
    from scipy.stats import rankdata

    positive = y.astype(bool)
    n_positive, n_negative = int(positive.sum()), int((~positive).sum())
    ranks = rankdata(predicted, axis=1)
    u = ranks[:, positive].sum(axis=1) - n_positive * (n_positive + 1) / 2
    auc: np.ndarray = u / (n_positive * n_negative)
    return auc


def disagreements(
    result: PromotionModelResult, readiness_people: pd.DataFrame, likely: float = 0.5
) -> pd.DataFrame:
    """Where rules and model part: likely by the model, not ready by the rules, and the reverse.

    Only people whose rule target is their next rung are compared: the model forecasts the
    next promotion, and a band for a role two rungs up answers another question.
    """
    if not result.trained:
        return _empty(DISAGREEMENT_COLUMNS)
    rules = readiness_people[["employee_id", "target_role", "band"]].astype(str)
    both = result.probabilities.merge(rules, on="employee_id", how="inner")
    both = both[both["target_role"] == both["next_role"]]
    model_says, rules_say = both["probability"] >= likely, both["band"].isin(READY_BANDS)
    both["disagreement"] = np.select(
        [model_says & ~rules_say, rules_say & ~model_says],
        ["model-likely-rules-not", "rules-ready-model-not"],
        default="",
    )
    parted = both[both["disagreement"] != ""].sort_values(
        ["disagreement", "probability", "employee_id"], ascending=[True, False, True]
    )
    return parted[DISAGREEMENT_COLUMNS].reset_index(drop=True)
