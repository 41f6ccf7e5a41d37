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
from skillkit.history import roles_by_period
from skillkit.scoring import kpi_levels

if TYPE_CHECKING:  # the pipeline imports this module's caller; only its result is read here
    from skillkit.pipeline import Assessment

KEY_COLUMNS = ["employee_id", "period", "ordinal", "role", "label"]
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


def point_in_time_rows(assessment: Assessment, horizon: int) -> pd.DataFrame:
    """One row per person × quarter up to the reviewed one: features known then, and the label.

    `label` is 1.0 when a promotion takes effect in the `horizon` quarters after t, 0.0 when
    none does, NaN when t + horizon passes the reviewed quarter (the outcome is not known yet).
    Features: `level:<competency>` (the combined score on the level scale, before rater
    calibration), `gap:<competency>` to the next role's target, `slope:<competency>` over the
    rubric's trend window, `kpi:<kpi>` levels, their mean gap, largest gap and mean slope,
    `rung` and `quarters_in_role`. People at the top of the ladder have no next role, no row.
    """
    framework, rubric, records = assessment.framework, assessment.rubric, assessment.records
    comps, kpi_ids = list(framework.competency_ids), list(rubric.kpi_ids)
    # Uncalibrated scores: the rater effects behind `score` are fitted on a window ending at
    # the reviewed quarter, so they would carry later ratings back into earlier quarters.
    scores = assessment.scores.dropna(subset=["score_raw"])
    people = pd.Index(sorted(scores["employee_id"].astype(str).unique()))
    end = periods.to_ordinal(assessment.period)
    ordinals = np.arange(int(scores["_ordinal"].min()) if len(scores) else end, end + 1)
    labels = [periods.from_ordinal(int(o)) for o in ordinals]
    levels = _cube(scores, "competency", "score_raw", people, ordinals, comps)
    kpis = kpi_levels(assessment.kpis, rubric)
    kpis["_ordinal"] = periods.ordinals(kpis["period"].astype(str))
    kpi_cube = _cube(kpis, "kpi", "kpi_level", people, ordinals, kpi_ids)
    roles = roles_by_period(records.people, records.promotions, labels)
    roles["rung"] = roles["role"].map({r: float(i) for i, r in enumerate(framework.role_ids)})
    rungs = roles.pivot(index="employee_id", columns="period", values="rung")
    rungs_at = rungs.reindex(index=people, columns=labels).to_numpy(dtype="float64")
    top = len(framework.role_ids) - 1
    targets = np.array([[r.targets[c] for c in comps] for r in framework.roles], dtype="float64")
    frames = []
    for j, ordinal in enumerate(ordinals):
        # Only quarters up to t are read: every slice of the history ends at j + 1.
        level, rung = levels[:, j], np.nan_to_num(rungs_at[:, j], nan=top).astype(int)
        gap = targets[np.minimum(rung + 1, top)] - level
        slope = _slopes(levels[:, max(0, j + 1 - rubric.trend_quarters) : j + 1])
        table = {
            "employee_id": people,
            "ordinal": ordinal,
            "rung": rung,
            **{f"level:{c}": level[:, i] for i, c in enumerate(comps)},
            **{f"gap:{c}": gap[:, i] for i, c in enumerate(comps)},
            **{f"slope:{c}": slope[:, i] for i, c in enumerate(comps)},
            **{f"kpi:{k}": kpi_cube[:, j, i] for i, k in enumerate(kpi_ids)},
        }
        frames.append(pd.DataFrame(table)[~np.isnan(level).all(axis=1) & (rung < top)])
    rows = pd.concat(frames, ignore_index=True)
    rows["gap:mean"] = rows.filter(like="gap:").mean(axis=1)
    rows["gap:max"] = rows.filter(like="gap:").drop(columns="gap:mean").max(axis=1)
    rows["slope:mean"] = rows.filter(like="slope:").mean(axis=1)
    rows["quarters_in_role"] = _quarters_in_role(rows, records.people, records.promotions)
    label = pd.Series(0.0, index=rows.index)
    label[_windows(rows, records.promotions, horizon)["index"].unique()] = 1.0
    rows["label"] = label.where(rows["ordinal"] + horizon <= end)
    rows["period"] = np.asarray(labels, dtype=object)[rows["ordinal"] - ordinals[0]]
    rows["role"] = np.asarray(framework.role_ids, dtype=object)[rows["rung"]]
    features = [c for c in rows.columns if c not in KEY_COLUMNS]
    ordered: pd.DataFrame = rows[KEY_COLUMNS + features]
    return ordered.sort_values(["ordinal", "employee_id"], ignore_index=True)


def _cube(
    table: pd.DataFrame, key: str, value: str, people: pd.Index, ordinals: Any, keys: list[str]
) -> Any:
    """Person × quarter × key array of `value` (NaN where absent)."""
    cube = np.full((len(people), len(ordinals), len(keys)), np.nan)
    p = people.get_indexer(pd.Index(table["employee_id"].astype(str)))
    q = table["_ordinal"].to_numpy(dtype="int64") - int(ordinals[0])
    k = pd.Index(keys).get_indexer(pd.Index(table[key].astype(str)))
    keep = (p >= 0) & (k >= 0) & (q >= 0) & (q < len(ordinals))
    cube[p[keep], q[keep], k[keep]] = table[value].to_numpy(dtype="float64")[keep]
    return cube


def _slopes(history: Any) -> Any:
    """Least-squares slope per person × competency over the quarters given (NaN below two)."""
    seen = ~np.isnan(history)
    x = np.where(seen, np.arange(history.shape[1], dtype="float64")[None, :, None], 0.0)
    y = np.where(seen, history, 0.0)
    n, sx, sy = seen.sum(axis=1), x.sum(axis=1), y.sum(axis=1)
    denominator = n * (x * x).sum(axis=1) - sx * sx
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, (n * (x * y).sum(axis=1) - sx * sy) / denominator, np.nan)


def _promotions(promotions: pd.DataFrame) -> pd.DataFrame:
    """Promotions as employee_id and the ordinal of the quarter they took effect in."""
    ids, quarters = promotions["employee_id"].astype(str), promotions["period"].astype(str)
    return pd.DataFrame({"employee_id": ids, "promoted": periods.ordinals(quarters)})


def _windows(rows: pd.DataFrame, promotions: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Row index × promotion pairs where the promotion falls in (t, t + horizon]."""
    pairs = rows[["employee_id", "ordinal"]].reset_index()
    pairs = pairs.merge(_promotions(promotions), on="employee_id")
    ahead = pairs["promoted"] - pairs["ordinal"]
    return pairs[(ahead >= 1) & (ahead <= horizon)]


def _quarters_in_role(
    rows: pd.DataFrame, people: pd.DataFrame, promotions: pd.DataFrame
) -> pd.Series:
    """Quarters since the latest promotion up to t, or else since hire: both known at t.

    `role_start` is left out on purpose: it dates only the role held at the end of the data, so
    it would be missing or later than t exactly for the people promoted after t.
    """
    hired = periods.quarter_of_date(pd.to_datetime(people["hire_date"], errors="coerce"))
    hire = pd.Series(hired.to_numpy(dtype="float64"), index=people["employee_id"].astype(str))
    start = rows["employee_id"].map(hire).to_numpy(dtype="float64")
    latest = pd.merge_asof(
        rows[["employee_id", "ordinal"]].reset_index().sort_values("ordinal"),
        _promotions(promotions).sort_values("promoted"),
        left_on="ordinal",
        right_on="promoted",
        by="employee_id",
        direction="backward",  # promotions up to and including t, never after
    ).set_index("index")["promoted"]
    start = np.fmax(start, latest.reindex(rows.index).to_numpy(dtype="float64"))
    in_role: pd.Series = rows["ordinal"] - start + 1
    return in_role.where(in_role >= 1)


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
    rows = point_in_time_rows(assessment, horizon)
    split = _split(rows, horizon)
    if isinstance(split, Unsplit):
        return PromotionModelResult(
            trained=False,
            reason=split.reason,
            reason_key=split.key,
            reason_values=split.values,
            **base,
        )
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
    # A quarter of the labelled quarters are for testing, leaving at least one to train on.
    tested = min(max(1, round(len(quarters) / 4)), len(quarters) - horizon - 1)
    if tested < 1:
        return Unsplit(
            f"outcomes are known for {len(quarters)} quarter{'' if len(quarters) == 1 else 's'}"
            f"; a split in time needs at least {horizon + 2} (the {horizon}-quarter horizon "
            "between training and test, and a quarter on each side)",
            "short_history",
            {"known": len(quarters), "needed": horizon + 2, "horizon": horizon},
        )
    start = quarters[-tested]
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
    seen = _windows(rows, promotions, horizon).drop_duplicates(["employee_id", "promoted"])
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
    """Permutation importance on held-out rows: the drop in ROC AUC when a feature is shuffled."""
    from sklearn.inspection import permutation_importance

    found = permutation_importance(
        model, x, y, scoring="roc_auc", n_repeats=5, random_state=RANDOM_STATE
    )
    table = pd.DataFrame(
        {"feature": x.columns, "importance": found.importances_mean, "std": found.importances_std}
    )
    return table.sort_values(["importance", "feature"], ascending=[False, True], ignore_index=True)


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
