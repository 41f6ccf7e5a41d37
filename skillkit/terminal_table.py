"""Fixed-width text tables fitted to a terminal, measured in terminal cells, not characters."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    """A column of a terminal table: right-aligned when numeric; cut with … when it may shrink."""

    header: str
    numeric: bool = False
    shrinks: bool = False
    comfortable: int = 8  # no shrinking column goes below this before all have reached theirs
    yields_first: bool = False  # gives way down to `comfortable` before the others shrink at all


def display_width(text: str) -> int:
    """Terminal cells `text` takes: one a character (Cyrillic too), two if wide (CJK)."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def truncate(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells, ending in … when anything was cut."""
    if display_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for ch in text:
        size = display_width(ch)
        if used + size > width - 1:
            break
        kept.append(ch)
        used += size
    return "".join(kept) + "…"


def printable(value: object) -> str:
    """A cell as terminal text, control characters as �: a name cannot send escape sequences."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def render_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> str:
    """Fixed-width columns two spaces apart, fitted to `width` terminal cells.

    Shrinking columns give way, widest first (to their comfortable width, then further);
    should even that not fit, every line is cut at `width`.
    """
    cells = [[printable(cell) for cell in row] for row in rows]
    widths = column_widths(columns, cells, width)
    header = [column.header for column in columns]
    rule = ["-" * w for w in widths]
    lines = [_line(columns, header, widths), _line(columns, rule, widths)]
    lines += [_line(columns, row, widths) for row in cells]
    return "\n".join(truncate(line, width) for line in lines)


def column_widths(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int
) -> list[int]:
    """Each column's width: its widest cell, less what shrinking columns give up to fit."""
    widths = [
        max([display_width(column.header)] + [display_width(row[i]) for row in cells])
        for i, column in enumerate(columns)
    ]
    excess = sum(widths) + 2 * (len(columns) - 1) - width
    # Long free text (a reason) gives way first, then every shrinking column to a comfortable
    # width, then to three cells; within a stage the column furthest above its floor shrinks.
    for stage in ("first", "comfortable", "least"):
        floors = [3 if stage == "least" else max(c.comfortable, 3) for c in columns]
        shrinking = [
            i for i, c in enumerate(columns) if c.shrinks and (c.yields_first or stage != "first")
        ]
        while excess > 0:
            candidates = [i for i in shrinking if widths[i] > floors[i]]
            if not candidates:
                break
            widest = max(candidates, key=lambda i: widths[i] - floors[i])
            widths[widest] -= 1
            excess -= 1
    return widths


def _line(columns: Sequence[Column], row: Sequence[str], widths: Sequence[int]) -> str:
    parts = []
    for column, cell, w in zip(columns, row, widths, strict=True):
        text = truncate(cell, w)
        pad = " " * (w - display_width(text))
        parts.append(pad + text if column.numeric else text + pad)
    return "  ".join(parts).rstrip()
