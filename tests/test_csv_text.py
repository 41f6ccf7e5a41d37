"""csv_text writes exactly what `DataFrame.to_csv(index=False, lineterminator="\\n")` writes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skillkit.csv_text import csv_bytes, csv_pieces, csv_text


def pandas_csv(table: pd.DataFrame) -> str:
    """The reference: pandas' own writer, as the review used it before."""
    return table.to_csv(index=False, lineterminator="\n")


def test_numbers_as_pandas_writes_them() -> None:
    table = pd.DataFrame(
        {
            "score": [3.035, 5.0, float("nan"), -0.0, 1e-05, 1e16, float("inf"), 0.1 + 0.2],
            "level": pd.array([3, None, 5, 1, 2, 3, 4, 5], dtype="Int64"),
            "n_raters": np.arange(8, dtype="int64"),
            "small": np.array([1.5, 2.25, 3, 4, 5, 6, 7, 8], dtype="float32"),
            "flag": [True, False, True, True, False, False, True, False],
            "share": pd.array([0.5, None, 0.25, 1, 0, 0, 0, 0], dtype="Float64"),
        }
    )
    assert csv_text(table) == pandas_csv(table)


def test_text_that_needs_quoting_is_quoted_like_csv_writer() -> None:
    table = pd.DataFrame(
        {
            "name": ["Petrova, Anna", 'say "yes"', "two\nlines", "cr\rhere", "plain", ""],
            "note": ["Петрова", None, "a;b", "'=SUM(A1)", " spaced ", "tab\there"],
        }
    )
    assert csv_text(table) == pandas_csv(table)
    assert '"Petrova, Anna"' in csv_text(table)


def test_every_text_dtype_and_categories() -> None:
    table = pd.DataFrame(
        {
            "period": pd.Categorical(["2026Q1", "2026Q2", None, "2026Q1"]),
            "team": pd.array(["Retail, 1", None, "B", "B"], dtype="string"),
            "id": pd.Series(["E1", "E2", None, "E4"], dtype="str"),
            "mixed": ["text", 3, 2.5, None],
            "levels": pd.Categorical([1.5, 2.0, None, 1.5]),
        }
    )
    assert csv_text(table) == pandas_csv(table)


def test_header_is_quoted_when_needed() -> None:
    table = pd.DataFrame({"a,b": [1, 2], 'say "x"': ["u", "v"]})
    assert csv_text(table) == pandas_csv(table)
    assert csv_text(table).startswith('"a,b","say ""x"""\n')


@pytest.mark.parametrize(
    "table",
    [
        pd.DataFrame({"a": [], "b": []}),
        pd.DataFrame({"only": ["", "x"]}),  # csv.writer quotes a lone empty field
        pd.DataFrame({"when": pd.to_datetime(["2026-01-01", "2026-02-01"]), "x": [1, 2]}),
        pd.DataFrame([[1, 2]], columns=["same", "same"]),
    ],
    ids=["empty", "one column", "dates", "repeated names"],
)
def test_edge_tables_match_pandas(table: pd.DataFrame) -> None:
    assert csv_text(table) == pandas_csv(table)


def test_a_large_random_table_matches() -> None:
    rng = np.random.default_rng(3)
    n = 20_000
    scores = rng.normal(3, 1, n).round(3)
    scores[rng.random(n) < 0.1] = np.nan
    table = pd.DataFrame(
        {
            "employee_id": pd.Categorical(rng.choice(["E1", "E2", "E,3"], n)),
            "score": scores,
            "raw": rng.normal(3, 1, n),  # unrounded: every value distinct
            "level": pd.array(rng.integers(1, 6, n), dtype="Int64"),
        }
    )
    assert csv_text(table) == pandas_csv(table)


def test_pieces_join_to_the_whole_text() -> None:
    table = pd.DataFrame({"id": [f"E{i}" for i in range(10)], "score": np.arange(10) / 4})
    pieces = list(csv_pieces(table, rows=3))
    assert len(pieces) == 1 + 4  # the header, then 3 + 3 + 3 + 1 rows
    assert b"".join(pieces) == pandas_csv(table).encode("utf-8")
    assert csv_bytes(table) == pandas_csv(table).encode("utf-8")


def test_rows_laid_out_by_numpy_or_joined_give_the_same_bytes() -> None:
    from skillkit.csv_text import _coded, _joined_rows, _laid_out, _rows

    table = pd.DataFrame(
        {
            "id": ["E1", "E22", None, "Петрова, Анна"],
            "score": [3.5, float("nan"), 1e-05, 4.25],
            "level": pd.array([3, None, 5, 1], dtype="Int64"),
        }
    )
    columns = [_coded(table[name], None) for name in table.columns]
    ends = [",", ",", "\n"]
    encoded = [
        [(cell + end).encode("utf-8") for cell in cells]
        for (_, cells), end in zip(columns, ends, strict=True)
    ]
    codes = [column_codes for column_codes, _ in columns]
    size = sum(len(encoded[i][code]) for i, column in enumerate(codes) for code in column)
    body = pandas_csv(table).split("\n", 1)[1].encode("utf-8")
    assert _laid_out(codes, encoded, size) == body
    assert _joined_rows(columns) == body
    assert _rows(columns) == body


def test_text_with_nul_bytes_or_one_very_long_cell_matches() -> None:
    table = pd.DataFrame(
        {
            "note": ["a\x00b", "", "c", None],
            "long": ["x" * 10_000, "y", "z", "w"],
            "n": [1, 2, 3, 4],
        }
    )
    assert csv_text(table) == pandas_csv(table)
    assert csv_text(table[["long", "n"]]) == pandas_csv(table[["long", "n"]])


def test_a_text_change_is_the_same_as_changing_the_table_first() -> None:
    from skillkit.csv_text import with_text

    def shout(values: pd.Series) -> pd.Series | None:
        loud = values.map(lambda v: v.upper() if isinstance(v, str) and v.startswith("!") else v)
        return None if loud.equals(values) else loud

    table = pd.DataFrame(
        {
            "a": pd.Series(["!x", "y", None, "!x"], dtype="str"),
            "b": ["q", 2, "!z", None],
            "c": pd.Categorical(["!k", "k", "k", "!k"]),  # categories are not text columns
            "d": [1.5, 2.0, float("nan"), 4.0],
        }
    )
    changed = with_text(table, shout)
    assert changed["a"].tolist()[:2] == ["!X", "y"]
    assert changed["c"].tolist() == table["c"].tolist()
    assert csv_bytes(table, text=shout) == csv_bytes(changed)
    assert csv_bytes(table[["a"]], text=shout) == csv_bytes(changed[["a"]])  # one column
