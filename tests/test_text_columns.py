"""Text columns as tables hold them: sorted categories, and their cells read as numbers or dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillkit import text_columns


def column(*values: str) -> pd.Series:
    """A text column as tables hold them."""
    return pd.Series(text_columns.text_column(np.array(values, dtype=object)))


# --- dates and numbers as spreadsheets export them ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", "2024-03-01"),
        ("2024-3-1", "2024-03-01"),
        ("01.03.2024", "2024-03-01"),  # day first, as Russian Excel writes dates
        ("1.3.2024", "2024-03-01"),
        ("29.02.2024", "2024-02-29"),
        (" 01.03.2024 ", "2024-03-01"),
        ("", None),
    ],
)
def test_dates_are_iso_or_day_first_with_dots(text: str, expected: str | None) -> None:
    values, unreadable = text_columns.dates(column(text))
    assert not unreadable[0]
    if expected is None:
        assert np.isnat(values[0])
    else:
        assert values[0] == np.datetime64(expected, "ns")


@pytest.mark.parametrize(
    "text",
    [
        "03/01/2024",  # month or day first: no way to tell
        "31.02.2024",
        "29.02.2023",
        "2024-13-01",
        "01.13.2024",
        "01.03.24",  # which century
        "20240301",
        "2024-03-01T09:30",
        "0001-01-01",  # would wrap to 1754 as nanoseconds
        "9999-12-31",
        "45352",  # an Excel serial number typed as a number, not a date
    ],
)
def test_ambiguous_impossible_and_out_of_range_dates_are_unreadable(text: str) -> None:
    values, unreadable = text_columns.dates(column(text, "2024-03-01"))
    assert unreadable.tolist() == [True, False]
    assert np.isnat(values[0])


def test_numbers_take_a_decimal_comma_and_spaces_between_thousands() -> None:
    texts = ["3,5", "4.5", "1 250 000", "1\u00a0234,5", "-1\u202f000.25", "", "12 34", "1.234,5"]
    values, unreadable = text_columns.numbers(column(*texts))
    np.testing.assert_array_equal(
        values, [3.5, 4.5, 1_250_000, 1234.5, -1000.25, np.nan, np.nan, np.nan]
    )
    # Groups must be of three digits; a dot and a comma together could mean either.
    assert unreadable.tolist() == [False, False, False, False, False, False, True, True]


# --- category codes -------------------------------------------------------------------------------


def test_coded_text_keeps_only_the_strings_a_code_points_to() -> None:
    codes = np.array([2, 0, 2, 3], dtype=np.int32)
    made = text_columns.coded_text(codes, ["b ", "header", " a", "b"])
    assert made.tolist() == ["a", "b", "a", "b"]
    assert made.categories.tolist() == ["a", "b"]


@pytest.mark.parametrize(
    "values",
    [
        ["b", "a", "b"],  # every category used
        ["c", None, "a", "c"],  # a missing value, code -1
        [],
    ],
)
def test_without_unused_is_remove_unused_categories(values: list[str | None]) -> None:
    full = pd.Series(pd.Categorical(values, categories=["a", "b", "c", "d"]))
    for series in (full, full.iloc[1:]):
        expected = series.cat.remove_unused_categories().array
        got = text_columns.without_unused(series)
        pd.testing.assert_extension_array_equal(got, expected)
        assert got.codes.dtype == expected.codes.dtype


def test_row_keys_order_rows_as_lexsort_and_give_up_before_overflowing() -> None:
    rng = np.random.default_rng(7)
    columns = [
        pd.Series(pd.Categorical.from_codes(rng.integers(-1, size, 500), categories=range(size)))
        for size in (3, 40, 7)
    ]
    keys = text_columns.row_keys(columns)
    assert keys is not None
    lexsorted = np.lexsort([c.cat.codes.to_numpy() for c in reversed(columns)])
    assert np.argsort(keys, kind="stable").tolist() == lexsorted.tolist()
    huge = pd.Series(pd.Categorical.from_codes([0, 1], categories=range(1 << 21)))
    assert text_columns.row_keys([huge, huge, huge]) is None
    assert text_columns.row_keys([pd.Series(["a", "b"])]) is None


def test_numbers_per_category_spread_to_rows_as_numbers() -> None:
    text = column("2,5", "", "x", "1 000", "2,5")
    values, unreadable = text_columns.category_numbers(text)
    assert text.cat.categories.tolist() == ["", "1 000", "2,5", "x"]
    np.testing.assert_array_equal(values, [np.nan, 1000.0, 2.5, np.nan])
    assert unreadable.tolist() == [False, False, False, True]
    row_values, row_unreadable = text_columns.numbers(text)
    codes = text.cat.codes.to_numpy()
    np.testing.assert_array_equal(row_values, values[codes])
    assert row_unreadable.tolist() == unreadable[codes].tolist()


@pytest.mark.parametrize("count", [1, 126, 127, 32766, 32767, 40000])
def test_code_dtype_is_the_integer_type_pandas_keeps_codes_in(count: int) -> None:
    # coded_text recodes straight into this type; were it another, pandas would narrow or
    # widen the codes afterwards (a copy per row), so the type itself is what is held here.
    pandas_picks = pd.Categorical.from_codes([0], categories=range(count)).codes.dtype
    assert text_columns.code_dtype(count) == pandas_picks
    texts = np.array([f" v{i:05d} " for i in range(count)], dtype=object)
    column = text_columns.coded_text(np.arange(count, dtype=np.int32), texts)
    assert column.codes.dtype == pandas_picks
    assert column.categories[0] == "v00000"  # stripped and sorted
