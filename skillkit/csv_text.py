"""A table as CSV text, the same as pandas writes it, several times faster on large tables.

`csv_text(table)` equals `table.to_csv(index=False, lineterminator="\\n")` character for
character (tested on every dtype a review writes). pandas formats each chunk of rows through
numpy and then hands every row to Python's `csv.writer`; at 800,000 score rows that is most of
the time a review spends on its files. Here each column is formatted once, as pandas would
(floats by numpy's shortest round-trip repr, missing values empty), a column is quoted only
when one of its values needs it, and the rows are joined in C by `str.join`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import numpy as np
import pandas as pd


def _quote_marks() -> tuple[str, ...]:
    """What makes csv.writer (QUOTE_MINIMAL, "\\n" line ends) quote a field, as asked of it.

    Asked rather than listed: whether a lone carriage return is quoted differs by Python version.
    """
    marks = []
    for mark in (",", '"', "\n", "\r", "\t", " ", "'"):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([f"a{mark}b", "c"])
        if buffer.getvalue().startswith('"'):
            marks.append(mark)
    return tuple(marks)


_QUOTE_WHEN = _quote_marks()


def csv_text(table: pd.DataFrame) -> str:
    """`table.to_csv(index=False, lineterminator="\\n")`, written column by column."""
    return "".join(csv_chunks(table))


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The same text as UTF-8, encoded a million rows at a time: the text of all rows at once
    and its per-row strings would be gigabytes at 100,000 people."""
    return b"".join(piece.encode("utf-8") for piece in csv_chunks(table))


def csv_chunks(table: pd.DataFrame, rows: int = 1_000_000) -> Iterator[str]:
    """The same text in pieces of up to `rows` rows, header first: for tables too big to hold
    as one string and its rows at once (42 million ratings at 100,000 people)."""
    if table.shape[1] < 2 or not table.columns.is_unique or not _plain(table):
        # One column: csv.writer quotes a lone empty field; dates have pandas' own formats.
        yield table.to_csv(index=False, lineterminator="\n")
        return
    yield ",".join(_quoted([str(name) for name in table.columns])) + "\n"
    for start in range(0, len(table), rows):
        part = table.iloc[start : start + rows]
        columns = [_quoted(_formatted(part[name])) for name in part.columns]
        yield "\n".join(map(",".join, zip(*columns, strict=True))) + "\n"


def _plain(table: pd.DataFrame) -> bool:
    """Every column holds text, numbers, flags or categories of those: what a review writes."""
    return all(
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_numeric_dtype(dtype)
        or (isinstance(dtype, pd.CategoricalDtype) and _plain(pd.DataFrame({0: dtype.categories})))
        for dtype in table.dtypes
    )


def _formatted(column: pd.Series) -> list[str]:
    """A column's cells as pandas' CSV writer formats them; missing values empty."""
    dtype = column.dtype
    if pd.api.types.is_string_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        values = column.to_numpy(dtype=object, na_value="")
        # A text dtype holds only strings; an object column may hold anything.
        if not pd.api.types.is_object_dtype(dtype) or all(type(v) is str for v in values):
            return values.tolist()
    # Scores, levels and keys repeat: format each distinct value once, then pick by code.
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    labels = np.array([*_labels(distinct), ""], dtype=object)  # code -1, missing, picks ""
    return labels[codes].tolist()  # type: ignore[no-any-return]


def _labels(distinct: object) -> list[str]:
    """Distinct non-missing values as text: floats by numpy's repr, as pandas writes them."""
    values = np.asarray(distinct)
    if values.dtype.kind == "f":
        return values.astype(str).tolist()  # type: ignore[no-any-return]
    return [str(value) for value in values]


def _quoted(cells: list[str]) -> list[str]:
    """Cells with a comma, quote or line break put in double quotes, quotes doubled."""
    joined = "\x00".join(cells)  # one scan in C decides for the whole column
    if not any(mark in joined for mark in _QUOTE_WHEN):
        return cells
    return [
        '"' + cell.replace('"', '""') + '"' if any(m in cell for m in _QUOTE_WHEN) else cell
        for cell in cells
    ]
