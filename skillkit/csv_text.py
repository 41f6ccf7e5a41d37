"""A table as CSV text, the same as pandas writes it, several times faster on large tables.

`csv_text(table)` equals `table.to_csv(index=False, lineterminator="\\n")` character for
character (tested on every dtype a review writes). pandas formats each chunk of rows through
numpy and then hands every row to Python's `csv.writer`; at 800,000 score rows that is most of
the time a review spends on its files. Here each column's distinct values are formatted once,
as pandas would (floats by numpy's shortest round-trip repr, missing values empty), and quoted
when they need it; the rows are then laid out as bytes by numpy, with no Python object per cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

# Distinct text values of a column (missing ones left out) -> what to write instead, or None
# to keep them all: how a caller guards text (see outputs.spreadsheet_safe) at no extra pass.
TextChange = Callable[[pd.Series], "pd.Series | None"]

_BLOCK_BYTES = 1 << 22  # rows are laid out this many padded bytes at a time, at most


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


def csv_text(table: pd.DataFrame, text: TextChange | None = None) -> str:
    """`table.to_csv(index=False, lineterminator="\\n")`, written column by column."""
    return csv_bytes(table, text).decode("utf-8")


def csv_bytes(table: pd.DataFrame, text: TextChange | None = None) -> bytes:
    """The same text as UTF-8; with `text`, as `csv_bytes(with_text(table, text))` would be."""
    return b"".join(csv_pieces(table, text=text))


def csv_pieces(
    table: pd.DataFrame, rows: int = 1_000_000, text: TextChange | None = None
) -> Iterator[bytes]:
    """The UTF-8 text in pieces of up to `rows` rows, header first: for tables too big to hold
    as one text and its rows at once (42 million ratings at 100,000 people)."""
    if table.shape[1] < 2 or not table.columns.is_unique or not _plain(table):
        # One column: csv.writer quotes a lone empty field; dates have pandas' own formats.
        plain = table if text is None else with_text(table, text)
        yield plain.to_csv(index=False, lineterminator="\n").encode("utf-8")
        return
    header = ",".join(_quoted([str(name) for name in table.columns])) + "\n"
    yield header.encode("utf-8")
    for start in range(0, len(table), rows):
        part = table.iloc[start : start + rows]
        yield _rows([_coded(part[name], text) for name in part.columns])


def with_text(table: pd.DataFrame, change: TextChange) -> pd.DataFrame:
    """A copy of `table` whose text columns have each distinct value passed through `change`."""
    changed = table.copy()
    for column in changed.columns:
        if not _is_text(changed[column]):
            continue
        # Keys and levels repeat: each distinct value is examined once (missing ones are -1).
        codes, distinct = pd.factorize(changed[column])
        new = change(pd.Series(distinct, dtype=object))
        if new is None:  # the usual case
            continue
        new_values = new.to_numpy(dtype=object)
        moved = np.asarray(new_values != np.asarray(distinct, dtype=object), dtype=bool)
        values = changed[column].to_numpy(dtype=object, copy=True)
        rows = np.flatnonzero((codes >= 0) & moved[codes])
        values[rows] = new_values[codes[rows]]
        changed[column] = pd.Series(values, index=changed.index, dtype=object)
    return changed


def _is_text(column: pd.Series) -> bool:
    """A column of text (or of anything, as object), as opposed to numbers or categories."""
    return bool(column.dtype == np.dtype(object) or pd.api.types.is_string_dtype(column.dtype))


def _plain(table: pd.DataFrame) -> bool:
    """Every column holds text, numbers, flags or categories of those: what a review writes."""
    return all(
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_numeric_dtype(dtype)
        or (isinstance(dtype, pd.CategoricalDtype) and _plain(pd.DataFrame({0: dtype.categories})))
        for dtype in table.dtypes
    )


def _coded(column: pd.Series, text: TextChange | None) -> tuple[np.ndarray, list[str]]:
    """A column as codes into its distinct cells, formatted and quoted as csv.writer would.

    Scores, levels and keys repeat: each distinct value is formatted once. The last cell is the
    empty one that missing values take.
    """
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    changed = None
    if text is not None and _is_text(column):
        changed = text(pd.Series(distinct, dtype=object))
    cells = _quoted([*_labels(distinct if changed is None else changed.to_numpy(object)), ""])
    return np.where(codes < 0, len(cells) - 1, codes), cells


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


def _rows(columns: list[tuple[np.ndarray, list[str]]]) -> bytes:
    """Coded columns as CSV rows in UTF-8: numpy lays them out when that is cheap, else str.join.

    Each row is first laid out at a fixed width, every cell padded with NUL bytes to its column's
    widest, and the padding is then dropped. That costs the padded size, so it is done only when
    padding at most doubles the text and no cell holds a NUL of its own.
    """
    ends = [","] * (len(columns) - 1) + ["\n"]
    encoded = [
        [(cell + end).encode("utf-8") for cell in cells]
        for (_, cells), end in zip(columns, ends, strict=True)
    ]
    codes = [column_codes for column_codes, _ in columns]
    lengths = [np.array([len(cell) for cell in cells], dtype=np.int64) for cells in encoded]
    size = sum(int(length[code].sum()) for code, length in zip(codes, lengths, strict=True))
    width = sum(int(length.max()) for length in lengths)
    if len(codes[0]) * width > 2 * size or any(b"\x00" in b"".join(cells) for cells in encoded):
        return _joined_rows(columns)
    return _laid_out(codes, encoded, size)


def _laid_out(codes: list[np.ndarray], encoded: list[list[bytes]], size: int) -> bytes:
    """Rows laid out at a fixed width by numpy, a few MiB at a time, stripped of their padding."""
    padded_cells = [np.array(cells, dtype=bytes) for cells in encoded]  # NUL-padded to widest
    widths = [cells.dtype.itemsize for cells in padded_cells]
    tables = [cells.view(f"V{cells.dtype.itemsize}") for cells in padded_cells]
    row = np.dtype(
        {
            "names": [f"c{i}" for i in range(len(tables))],
            "formats": [f"V{width}" for width in widths],
            "offsets": np.cumsum([0, *widths[:-1]]).tolist(),
            "itemsize": sum(widths),
        }
    )
    text = np.empty(size, dtype=np.uint8)
    done = 0
    step = max(1, _BLOCK_BYTES // row.itemsize)  # small blocks stay in cache and are reused
    for start in range(0, len(codes[0]), step):
        block = np.empty(len(codes[0][start : start + step]), dtype=row)
        for name, table, column in zip(row.names or (), tables, codes, strict=True):
            block[name] = table[column[start : start + step]]
        padded = block.view(np.uint8)
        kept = padded != 0
        end = done + int(np.count_nonzero(kept))
        np.compress(kept, padded, out=text[done:end])
        done = end
    return text.tobytes()


def _joined_rows(columns: list[tuple[np.ndarray, list[str]]]) -> bytes:
    """Rows joined by str.join in C, one Python string per cell."""
    cells = [np.array(labels, dtype=object)[codes].tolist() for codes, labels in columns]
    return ("\n".join(map(",".join, zip(*cells, strict=True))) + "\n").encode("utf-8")
