"""The 9-box as an inline SVG grid: potential up, performance to the right, counts in cells."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from skillkit.report import svg
from skillkit.rubric import BANDS_3

CELL_W, NAME_CHARS, PERSON_CHARS = 184.0, 16, 24
MOST_NAMES = 4  # names listed in a cell before the rest are summed up as "+n"
LINE = 14.0


def cell_keys() -> tuple[str, ...]:
    """The nine cell keys "<performance band>-<potential band>", low-low first."""
    return tuple(f"{x}-{y}" for y in BANDS_3 for x in BANDS_3)


def nine_box_grid(
    counts: Mapping[str, int],
    names: Mapping[str, str],
    *,
    title: str,
    axis_performance: str,
    axis_potential: str,
    band_labels: Mapping[str, str],
    people: Mapping[str, Sequence[str]] | None = None,
) -> Markup:
    """A 3×3 grid of named cells with their counts (and, given `people`, the first few names)."""
    keys = cell_keys()
    unknown = sorted(set(counts) - set(keys)) + sorted(set(people or {}) - set(keys))
    missing = [k for k in keys if k not in names] + [b for b in BANDS_3 if b not in band_labels]
    if unknown or missing:
        raise ValueError(f"9-box cells: unknown {unknown}, missing names {missing}")
    # Rows hold a name line or two, the count, and on team pages up to MOST_NAMES + 1 lines.
    cell_h = 52.0 + (LINE * (MOST_NAMES + 1) + 8 if people is not None else 0.0)
    label_w = max(svg.text_width(band_labels[b], 11) for b in BANDS_3)
    left, top = 30.0 + label_w + 10, 4.0
    parts: list[str] = []
    described: list[str] = []
    # Drawn and described in reading order: the top row (high potential) first, left to right.
    for key in sorted(keys, key=lambda k: -BANDS_3.index(k.split("-")[1])):
        x_band, y_band = key.split("-")
        i, j = BANDS_3.index(x_band), BANDS_3.index(y_band)
        x0, y0 = left + i * CELL_W, top + (2 - j) * cell_h
        count = int(counts.get(key, 0))
        where = (
            f"{axis_performance}: {band_labels[x_band]}, {axis_potential}: {band_labels[y_band]}"
        )
        summary = f"{names[key]} ({where}): {count}"
        described.append(summary)
        listed = None if people is None else list(people.get(key, ()))
        parts.append(_cell(key, x0, y0, cell_h, 1 + i + j, names[key], count, summary, listed))
    bottom = top + 3 * cell_h
    for k, band in enumerate(BANDS_3):
        label = band_labels[band]
        mid_x, mid_y = left + (k + 0.5) * CELL_W, top + (2.5 - k) * cell_h
        parts.append(svg.text(mid_x, bottom + 16, label, 11, "middle", "text", "sk-band-label"))
        parts.append(svg.text(left - 8, mid_y + 4, label, 11, "end", "text", "sk-band-label"))
    width = left + 3 * CELL_W + 4
    x_title = svg.text(
        left + 1.5 * CELL_W, bottom + 36, f"{axis_performance} →", 12, "middle", "ink", "sk-axis"
    )
    y_mid = top + 1.5 * cell_h
    y_title = svg.text(
        16,
        y_mid,
        f"{axis_potential} →",
        12,
        "middle",
        "ink",
        "sk-axis",
        transform=f"rotate(-90 16 {svg.coord(y_mid)})",
    )
    desc = svg.element("desc", svg.escape("; ".join(described)))
    body = desc + "".join(parts) + x_title + y_title
    return svg.chart("ninebox", (0, 0, width, bottom + 44), title, body)


def _cell(
    key: str,
    x0: float,
    y0: float,
    h: float,
    zone: int,
    name: str,
    count: int,
    summary: str,
    listed: list[str] | None,
) -> str:
    """One cell: tinted box, name, count and the listed people, its summary as a tooltip."""
    # The tint deepens towards high-high, but the name and count say the same in words.
    box = svg.rect("sk-cell-box", x0, y0, CELL_W, h, f"zone{zone}", stroke=svg.PALETTE["paper"])
    lines = _clipped(svg.wrap(name, NAME_CHARS), NAME_CHARS, 2)
    texts = [
        svg.text(x0 + 10, y0 + 20 + k * LINE, s, 12, "start", "ink", "sk-cell-name")
        for k, s in enumerate(lines)
    ]
    texts.append(
        svg.text(
            x0 + CELL_W - 10, y0 + 30, str(count), 24, "end", "ink", "sk-count", font_weight="bold"
        )
    )
    if listed:
        shown = [_short(person, PERSON_CHARS) for person in listed[:MOST_NAMES]]
        if len(listed) > MOST_NAMES:
            shown.append(f"+{len(listed) - MOST_NAMES}")
        texts += [
            svg.text(x0 + 10, y0 + 56 + k * LINE, s, 11, "start", "text", "sk-cell-person")
            for k, s in enumerate(shown)
        ]
    tip = svg.element("title", svg.escape(summary))
    return svg.element("g", tip + box + "".join(texts), class_=f"sk-cell sk-cell-{key}")


def _clipped(lines: list[str], limit: int, most: int) -> list[str]:
    """At most `most` lines of at most `limit` characters, an ellipsis where text was cut."""
    kept = [_short(s, limit) for s in lines[:most]]
    if len(lines) > most:
        kept[-1] = _short(kept[-1] + " …", limit)
    return kept


def _short(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
