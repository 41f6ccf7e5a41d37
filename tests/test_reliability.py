"""Reliability: ICC, Krippendorff's and Cronbach's alpha against published worked examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from skillkit.reliability import (
    _coincidences,
    _column_codes,
    _dense,
    agreement_band,
    alpha_by_group,
    cronbach_alpha,
    icc,
    krippendorff_alpha,
    rater_agreement,
    relied_on_low_agreement,
    self_vs_others,
)
from skillkit.rubric import Rubric

NAN = math.nan
LEVELS = ["nominal", "ordinal", "interval", "ratio"]

# Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
# reliability. Psychological Bulletin 86(2), 420–428. Table 2: six targets (rows) rated by four
# judges (columns).
SHROUT_FLEISS_TABLE_2 = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania. Observers (rows) × units (columns).
KRIPPENDORFF_BINARY = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
]
KRIPPENDORFF_MISSING = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
KRIPPENDORFF_MISSING_PUBLISHED = {
    "nominal": 0.743,
    "ordinal": 0.815,
    "interval": 0.849,
    "ratio": 0.797,
}


# ICC ---------------------------------------------------------------------------------------


def test_icc_reproduces_shrout_and_fleiss_table_4() -> None:
    """Shrout & Fleiss (1979), Table 4: the six ICCs of the Table 2 data, to two decimals."""
    published = {
        "ICC1": 0.17,
        "ICC2": 0.29,
        "ICC3": 0.71,
        "ICC1k": 0.44,
        "ICC2k": 0.62,
        "ICC3k": 0.91,
    }
    result = icc(SHROUT_FLEISS_TABLE_2)
    assert list(result) == list(published)
    assert result == pytest.approx(published, abs=0.005)
    assert all(type(v) is float for v in result.values())


def test_icc_reads_a_dataframe_as_targets_by_raters() -> None:
    frame = pd.DataFrame(SHROUT_FLEISS_TABLE_2, columns=["j1", "j2", "j3", "j4"])
    assert icc(frame) == pytest.approx(icc(SHROUT_FLEISS_TABLE_2), abs=1e-12)


def test_a_lenient_judge_lowers_absolute_agreement_but_not_consistency() -> None:
    # ICC(3, ·) treats judges as fixed and ignores their mean levels; ICC(2, ·) does not.
    # Judge 1 already rates highest (mean 7.7 against 2.5–6.7); three points more widen the gap.
    base = np.array(SHROUT_FLEISS_TABLE_2, dtype=float)
    lenient = base.copy()
    lenient[:, 0] += 3.0
    before, after = icc(base), icc(lenient)
    assert after["ICC3"] == pytest.approx(before["ICC3"])
    assert after["ICC3k"] == pytest.approx(before["ICC3k"])
    assert after["ICC2"] < before["ICC2"]
    assert after["ICC2k"] < before["ICC2k"]


def test_identical_raters_agree_perfectly() -> None:
    scores = [[1, 1, 1], [3, 3, 3], [4, 4, 4], [2, 2, 2]]
    assert icc(scores) == pytest.approx(dict.fromkeys(icc(scores), 1.0))


def test_targets_that_do_not_differ_leave_the_icc_undefined() -> None:
    assert all(math.isnan(v) for v in icc([[3, 3], [3, 3], [3, 3]]).values())


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2], [3, NAN], [4, 5]], "missing values"),
        ([[1], [2], [3]], "at least 2 targets and 2 raters"),
        ([[1, 2, 3]], "at least 2 targets and 2 raters"),
        ([1, 2, 3], "two-dimensional"),
    ],
)
def test_icc_rejects_tables_it_cannot_use(matrix: list[object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        icc(matrix)


# Krippendorff's alpha ---------------------------------------------------------------------


def test_krippendorff_binary_example() -> None:
    """Krippendorff (2011), section A: two observers, ten units, binary data → α = 0.095."""
    assert krippendorff_alpha(KRIPPENDORFF_BINARY, "nominal") == pytest.approx(0.095, abs=0.0005)


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_example_with_missing_data(level: str) -> None:
    """Krippendorff (2011): four observers × twelve units, values 1–5 with gaps."""
    expected = KRIPPENDORFF_MISSING_PUBLISHED[level]
    assert krippendorff_alpha(KRIPPENDORFF_MISSING, level) == pytest.approx(expected, abs=0.0005)


def test_krippendorff_defaults_to_ordinal_and_returns_a_plain_float() -> None:
    result = krippendorff_alpha(KRIPPENDORFF_MISSING)
    assert type(result) is float
    assert result == pytest.approx(0.815, abs=0.0005)


def test_krippendorff_rows_are_raters_and_columns_units() -> None:
    # Transposed, the twelve "units" become raters of four "units": a different question.
    transposed = np.array(KRIPPENDORFF_MISSING).T
    assert krippendorff_alpha(transposed, "interval") == pytest.approx(-0.0354, abs=0.0005)
    frame = pd.DataFrame(KRIPPENDORFF_MISSING, index=["A", "B", "C", "D"])
    assert krippendorff_alpha(frame, "interval") == pytest.approx(0.849, abs=0.0005)


def test_krippendorff_ignores_values_that_cannot_be_paired() -> None:
    # A unit seen by one observer only and an observer who saw nothing add no pairable values.
    padded = [[*row, NAN] for row in KRIPPENDORFF_MISSING]
    padded[0][-1] = 5
    padded.append([NAN] * len(padded[0]))
    for level in LEVELS:
        assert krippendorff_alpha(padded, level) == pytest.approx(
            krippendorff_alpha(KRIPPENDORFF_MISSING, level), abs=1e-12
        )


def test_krippendorff_reads_none_and_pandas_missing_as_missing() -> None:
    with_none = [[None if math.isnan(v) else v for v in row] for row in KRIPPENDORFF_MISSING]
    nullable = pd.DataFrame(KRIPPENDORFF_MISSING).astype("Float64")
    expected = krippendorff_alpha(KRIPPENDORFF_MISSING, "nominal")
    assert krippendorff_alpha(with_none, "nominal") == pytest.approx(expected, abs=1e-12)
    assert krippendorff_alpha(nullable, "nominal") == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("level", LEVELS)
def test_perfect_agreement_gives_one(level: str) -> None:
    assert krippendorff_alpha([[1, 2, 3, 5], [1, 2, 3, 5], [1, NAN, 3, 5]], level) == 1.0


@pytest.mark.parametrize(
    "matrix",
    [
        [[3, 3, 3], [3, 3, NAN]],  # one value throughout: no disagreement is expected
        [[1, 2, 3], [NAN, NAN, NAN]],  # a single observer: nothing is pairable
        [[NAN, NAN], [NAN, NAN]],
        [[1, NAN], [NAN, 2]],  # every unit seen once
    ],
)
@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_is_nan_when_undefined(matrix: list[list[float]], level: str) -> None:
    assert math.isnan(krippendorff_alpha(matrix, level))


def test_krippendorff_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError, match=r"unknown level of measurement 'ordnial' \(known: nom"):
        krippendorff_alpha(KRIPPENDORFF_MISSING, "ordnial")


def test_the_ratio_level_rejects_negative_values() -> None:
    with pytest.raises(ValueError, match="ratio level needs values of zero or more"):
        krippendorff_alpha([[-1, 2], [1, 2]], "ratio")


# Cronbach's alpha -------------------------------------------------------------------------


def test_cronbach_equals_consistency_icc_of_the_mean_rating() -> None:
    """McGraw, K. O. & Wong, S. P. (1996). Forming inferences about some intraclass correlation
    coefficients. Psychological Methods 1(1), 30–46: ICC(C,k), i.e. Shrout & Fleiss ICC(3,k),
    equals Cronbach's alpha. On the Shrout & Fleiss (1979) Table 2 data (targets as respondents,
    judges as items) Table 4 publishes ICC(3,4) = .91."""
    alpha = cronbach_alpha(SHROUT_FLEISS_TABLE_2)
    assert alpha == pytest.approx(0.91, abs=0.005)
    assert alpha == pytest.approx(icc(SHROUT_FLEISS_TABLE_2)["ICC3k"], abs=1e-12)


def test_cronbach_restaurant_survey_example() -> None:
    """Statology, "How to Calculate Cronbach's Alpha in R (With Examples)": ten customers rate
    a restaurant 1–3 on three questions (Q1–Q3 as printed there); R's ltm::cronbach.alpha prints
    "alpha: 0.773". Text seen as republished at https://legaltree.in/cronbachs-alpha-in-r."""
    q1 = [1, 2, 2, 3, 2, 2, 3, 3, 2, 3]
    q2 = [1, 1, 1, 2, 3, 3, 2, 3, 3, 3]
    q3 = [1, 1, 2, 1, 2, 3, 3, 3, 2, 3]
    assert cronbach_alpha(np.column_stack([q1, q2, q3])) == pytest.approx(0.773, abs=0.0005)


def test_cronbach_parallel_items_are_perfectly_consistent() -> None:
    # Two identical items: total variance 4·var, item variances 2·var, so α = 2·(1 − 1/2) = 1.
    item = [1, 4, 2, 5, 3]
    assert cronbach_alpha(np.column_stack([item, item])) == pytest.approx(1.0)


def test_cronbach_uncorrelated_items_give_zero() -> None:
    # Covariance 0: the total's variance is the sum of the item variances, so α = 2·(1 − 1) = 0.
    assert cronbach_alpha([[1, 1], [2, 1], [1, 2], [2, 2]]) == pytest.approx(0.0, abs=1e-12)


def test_cronbach_drops_incomplete_rows_listwise() -> None:
    with_gap = [*SHROUT_FLEISS_TABLE_2, [NAN, 9, 9, 9]]
    assert cronbach_alpha(with_gap) == pytest.approx(cronbach_alpha(SHROUT_FLEISS_TABLE_2))


def test_cronbach_is_nan_when_totals_do_not_vary() -> None:
    assert math.isnan(cronbach_alpha([[1, 2], [2, 1], [3, 0]]))


@pytest.mark.parametrize(
    "matrix",
    [
        [[1], [2], [3]],  # one item
        [[1, 2], [NAN, 3], [4, NAN]],  # one complete row
    ],
)
def test_cronbach_needs_two_items_and_two_complete_rows(matrix: list[list[float]]) -> None:
    with pytest.raises(ValueError, match="at least 2 items and 2 complete rows"):
        cronbach_alpha(matrix)


# alpha_by_group ---------------------------------------------------------------------------

GROUPS = ["competency", "period"]


def random_ratings(seed: int) -> pd.DataFrame:
    """Ratings in half points with gaps; each rater rates an employee at most once per group."""
    rng = np.random.default_rng(seed)
    n = 900
    table = pd.DataFrame(
        {
            "competency": rng.choice(["communication", "negotiation", "motivation"], n),
            "period": rng.choice(["2026Q1", "2026Q2"], n),
            "employee_id": rng.choice([f"E{i:02d}" for i in range(20)], n),
            "rater_id": rng.choice([f"R{i:02d}" for i in range(12)], n),
            "rating": rng.integers(2, 11, n) / 2,
        }
    )
    table = table.drop_duplicates([*GROUPS, "employee_id", "rater_id"]).reset_index(drop=True)
    table.loc[rng.random(len(table)) < 0.3, "rating"] = NAN
    return table


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_by_group_matches_krippendorff_on_each_groups_pivot(level: str, seed: int) -> None:
    table = random_ratings(seed)
    result = alpha_by_group(table, GROUPS, ["employee_id"], level=level)
    assert list(result.columns) == [*GROUPS, "alpha", "n_units", "n_values"]
    expected = []
    for (competency, period), group in table.groupby(GROUPS):
        pivot = group.pivot(index="rater_id", columns="employee_id", values="rating")
        per_unit = pivot.notna().sum(axis=0)
        expected.append(
            (
                competency,
                period,
                krippendorff_alpha(pivot, level),
                int((per_unit >= 2).sum()),
                int(per_unit[per_unit >= 2].sum()),
            )
        )
    want = pd.DataFrame(expected, columns=list(result.columns))
    assert len(want) == 6
    pd.testing.assert_frame_equal(result[GROUPS], want[GROUPS])
    np.testing.assert_allclose(result["alpha"], want["alpha"], rtol=0, atol=1e-12)
    assert result["n_units"].tolist() == want["n_units"].tolist()
    assert result["n_values"].tolist() == want["n_values"].tolist()


def test_alpha_by_group_reproduces_krippendorff_2011_from_a_long_table() -> None:
    """Krippendorff (2011) four observers × twelve units, as long rows; its n = 40 pairable
    values lie in 11 units. The second period drops unit 1 (three values)."""
    wide = pd.DataFrame(KRIPPENDORFF_MISSING).assign(rater_id=list("ABCD"))
    long = wide.melt(id_vars="rater_id", var_name="unit", value_name="rating")
    long = long.sample(frac=1.0, random_state=3)  # row order must not matter
    copy = long.assign(period="2026Q2", rating=long["rating"].where(long["unit"] != 0))
    table = pd.concat([long.assign(period="2026Q1"), copy])
    for level, published in KRIPPENDORFF_MISSING_PUBLISHED.items():
        result = alpha_by_group(table, ["period"], ["unit"], level=level)
        assert result["period"].tolist() == ["2026Q1", "2026Q2"]
        assert result["alpha"].iloc[0] == pytest.approx(published, abs=0.0005)
        assert result["n_units"].tolist() == [11, 10]
        assert result["n_values"].tolist() == [40, 37]


def test_alpha_by_group_reports_groups_without_pairable_values_as_nan() -> None:
    table = pd.DataFrame(
        {
            "competency": ["negotiation"] * 4 + ["motivation"] * 3 + ["communication"] * 2,
            "employee_id": ["E1", "E1", "E2", "E2", "E1", "E2", "E3", "E1", "E1"],
            "rater_id": ["R1", "R2", "R1", "R2", "R1", "R1", "R1", "R1", "R2"],
            "rating": [4, 4, 2, 3, 5, 3, 3, NAN, NAN],
        }
    )
    result = alpha_by_group(table, ["competency"], ["employee_id"], level="interval")
    assert result["competency"].tolist() == ["communication", "motivation", "negotiation"]
    assert math.isnan(result["alpha"].iloc[0]) and math.isnan(result["alpha"].iloc[1])
    assert result["n_units"].tolist() == [0, 0, 2]
    assert result["n_values"].tolist() == [0, 0, 4]
    assert result["alpha"].iloc[2] == pytest.approx(
        krippendorff_alpha([[4, 2], [4, 3]], "interval")
    )


def test_alpha_by_group_takes_units_from_several_key_columns_and_categoricals() -> None:
    table = random_ratings(4)
    table["team"] = np.where(table.index % 2 == 0, "north", "south")
    by_pair = alpha_by_group(table, GROUPS, ["employee_id", "team"], level="nominal")
    merged = table.assign(unit=table["employee_id"] + "/" + table["team"])
    by_one = alpha_by_group(
        merged.astype({"competency": "category"}), GROUPS, ["unit"], level="nominal"
    )
    np.testing.assert_allclose(by_pair["alpha"], by_one["alpha"].to_numpy(), atol=1e-12)
    assert by_pair["n_values"].tolist() == by_one["n_values"].tolist()


def test_alpha_by_group_refuses_a_rater_counted_twice_on_one_unit() -> None:
    table = pd.DataFrame(
        {
            "period": ["2026Q1"] * 3,
            "employee_id": ["E1"] * 3,
            "rater_id": ["R1", "R1", "R2"],
            "rating": [3.0, 4.0, 3.0],
        }
    )
    with pytest.raises(ValueError, match="rates the same unit twice"):
        alpha_by_group(table, ["period"], ["employee_id"])


def test_alpha_by_group_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        alpha_by_group(random_ratings(1), GROUPS, ["employee_id"], level="cardinal")


def test_category_codes_number_values_as_a_sorted_factorisation_does() -> None:
    # Categories out of order, one unused, and a missing value: factorize(sort=True) orders a
    # categorical by its categories and puts NaN last, and the codes must say the same.
    values = pd.Series(pd.Categorical(["b", "a", None, "c", "a"], categories=["c", "b", "a", "z"]))
    rows = np.array([4, 2, 0])
    for taken in (None, rows):
        codes, bound = _column_codes(values, taken)
        expected = pd.factorize(
            values if taken is None else values.iloc[taken], sort=True, use_na_sentinel=False
        )[0]
        assert codes.tolist() == ([1, 2, 4, 0, 2] if taken is None else [2, 4, 1])
        assert np.array_equal(_dense(codes), expected) and codes.max() < bound


def test_coincidences_are_the_same_to_the_last_bit_in_slices_and_in_one_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Slices split units between them; adding in order must give the sums of one pass, which
    # is what the unsliced form (one bincount over every pair) gives.
    rng = np.random.default_rng(5)
    n_rows, n_units, n_codes = 5000, 700, 7
    unit = rng.integers(0, n_units, n_rows)
    value = rng.integers(0, n_codes, n_rows)
    group_of_unit = np.sort(rng.integers(0, 4, n_units))
    whole = _coincidences(unit, value, group_of_unit, 4, n_codes)
    monkeypatch.setattr("skillkit.reliability._CELLS_AT_ONCE", 3)
    sliced = _coincidences(unit, value, group_of_unit, 4, n_codes)
    cells, count = np.unique(unit * n_codes + value, return_counts=True)
    cell_unit, cell_value = np.divmod(cells, n_codes)
    per_unit = np.bincount(cell_unit, weights=count, minlength=n_units)
    keep = per_unit[cell_unit] >= 2
    cell_unit, cell_value, count = cell_unit[keep], cell_value[keep], count[keep]
    width = np.bincount(cell_unit, minlength=n_units)[cell_unit]
    start = np.searchsorted(cell_unit, cell_unit)
    partner = np.concatenate([np.arange(s, s + w) for s, w in zip(start, width, strict=True)])
    weight = count / (per_unit[cell_unit] - 1)
    slot = (group_of_unit[cell_unit] * n_codes + cell_value) * n_codes
    size = 4 * n_codes**2
    reference = np.bincount(
        np.repeat(slot, width) + cell_value[partner],
        weights=np.repeat(weight, width) * count[partner],
        minlength=size,
    ) - np.bincount(slot + cell_value, weights=weight, minlength=size)
    assert np.array_equal(whole[0], sliced[0]) and np.array_equal(whole[1], sliced[1])
    assert np.array_equal(whole[0].ravel(), reference)


def test_agreement_is_the_same_on_categorical_and_text_keys(rubric: Rubric) -> None:
    table = random_ratings(6)
    table["source"] = np.where(table.index % 5 == 0, "self", "peer")
    keys = ["period", "employee_id", "rater_id", "source", "competency"]
    text = rater_agreement(table.astype({key: "string" for key in keys}), rubric)
    coded = rater_agreement(table.astype({key: "category" for key in keys}), rubric)
    pd.testing.assert_frame_equal(text, coded, check_exact=True)
    assert len(text) == 6


# Bands and self-vs-others -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-0.2, "poor"),
        (0.4999, "poor"),
        (0.5, "moderate"),
        (0.7499, "moderate"),
        (0.75, "good"),
        (0.9, "good"),
        (0.9001, "excellent"),
        (1.0, "excellent"),
        (NAN, ""),
    ],
)
def test_koo_and_li_bands(value: float, band: str) -> None:
    """Koo, T. K. & Li, M. Y. (2016), J Chiropr Med 15(2), 155–163: <.5, .5–.75, .75–.9, >.9."""
    assert agreement_band(value) == band


def test_self_vs_others_names_blind_spots_and_hidden_strengths() -> None:
    scores = pd.DataFrame(
        [
            ("2026Q2", "E2", "negotiation", 2.0, 3.5),
            ("2026Q2", "E1", "communication", 5.0, 3.9),
            ("2026Q2", "E1", "negotiation", 4.0, 3.0),
            ("2026Q1", "E1", "motivation", 3.6, 2.6),
            ("2026Q1", "E2", "motivation", 2.0, 3.0),
            ("2026Q1", "E3", "motivation", NAN, 3.0),
            ("2026Q1", "E4", "motivation", 4.0, NAN),
        ],
        columns=["period", "employee_id", "competency", "self_rating", "others_score"],
    )
    result = self_vs_others(scores, threshold=1.0)
    assert list(result.columns) == [
        "period",
        "employee_id",
        "competency",
        "self_rating",
        "others_score",
        "difference",
        "perception",
    ]
    rows = result[["period", "employee_id", "competency", "perception"]]
    assert rows.values.tolist() == [
        # A gap of exactly the threshold is aligned, also when float arithmetic adds 4e-16.
        ["2026Q1", "E1", "motivation", "aligned"],
        ["2026Q1", "E2", "motivation", "aligned"],
        ["2026Q2", "E1", "communication", "blind-spot"],
        ["2026Q2", "E1", "negotiation", "aligned"],
        ["2026Q2", "E2", "negotiation", "hidden-strength"],
    ]
    assert result["difference"].tolist() == pytest.approx([1.0, -1.0, 1.1, 1.0, -1.5])


def test_self_vs_others_threshold_is_a_parameter() -> None:
    scores = pd.DataFrame(
        {
            "period": ["2026Q1"] * 2,
            "employee_id": ["E1", "E2"],
            "competency": ["communication"] * 2,
            "self_rating": [4.0, 3.0],
            "others_score": [3.4, 3.6],
        }
    )
    assert self_vs_others(scores, 0.5)["perception"].tolist() == ["blind-spot", "hidden-strength"]
    assert self_vs_others(scores, 0.6)["perception"].tolist() == ["aligned", "aligned"]


def agreement_rows(rows: list[tuple[str, str, bool]]) -> pd.DataFrame:
    """An agreement table as `rater_agreement` gives it: competency, period, low."""
    return pd.DataFrame(rows, columns=["competency", "period", "low"])


def test_readiness_relies_on_every_competency_in_the_sustain_window(rubric: Rubric) -> None:
    from skillkit.readiness import Readiness

    people = pd.DataFrame(
        {"employee_id": ["A", "B", "G"], "target_role": ["account-director", "", "x"]}
    )
    readiness = Readiness(people=people, reasons=pd.DataFrame(), plan=pd.DataFrame())
    agreement = agreement_rows(
        [
            ("negotiation", "2026Q3", True),  # the reviewed quarter
            ("motivation", "2026Q2", True),  # the quarter before: inside the two-quarter window
            ("effectiveness", "2026Q1", True),  # outside it
            ("communication", "2026Q3", False),
        ]
    )
    reviewed = ("2026Q1", "2026Q2", "2026Q3")
    relied = relied_on_low_agreement(readiness, agreement, rubric, reviewed)
    by_person = relied.groupby("employee_id")["competency"].agg(list).to_dict()
    # B is at the top of the ladder and not assessed; G's unknown role uses the default rule.
    assert by_person == {"A": ["motivation", "negotiation"], "G": ["motivation", "negotiation"]}


def test_agreement_resting_on_too_few_people_is_not_reported(rubric: Rubric) -> None:
    # Nine people rated by the same two raters who agree perfectly: below min_units (10).
    ratings = pd.DataFrame(
        {
            "period": "2026Q3",
            "employee_id": [f"E{i}" for i in range(9) for _ in range(2)],
            "rater_id": ["R1", "R2"] * 9,
            "source": "peer",
            "competency": "negotiation",
            "rating": [float(1 + i % 5) for i in range(9) for _ in range(2)],
        }
    )
    table = rater_agreement(ratings, rubric)
    assert table["n_units"].tolist() == [9]
    assert math.isnan(table["alpha"].iloc[0]) and table["band"].tolist() == [""]
    assert not table["low"].iloc[0]
    more = pd.concat([ratings, ratings.head(2).assign(employee_id="E9")], ignore_index=True)
    assert rater_agreement(more, rubric)["alpha"].tolist() == [1.0]


def test_a_quarters_agreement_is_its_own_to_the_bit_whatever_other_quarters_hold(
    rubric: Rubric,
) -> None:
    # Agreement goes a quarter at a time; a quarter without the top rating must still come out
    # exactly as it does on its own.
    table = random_ratings(7)
    table["source"] = "peer"
    table = table[~((table["period"] == "2026Q1") & (table["rating"] == 5.0))]
    table = table.astype({"period": "category"}).reset_index(drop=True)
    together = rater_agreement(table, rubric)
    alone = pd.concat(
        [
            rater_agreement(table[table["period"] == q].reset_index(drop=True), rubric)
            for q in ["2026Q1", "2026Q2"]
        ]
    ).sort_values(["competency", "period"], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone, check_exact=True)
    assert together["alpha"].notna().all() and len(together) == 6
