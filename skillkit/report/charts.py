"""Inline SVG charts for self-contained HTML reports: no script, no external reference."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup

from skillkit.report import svg

_KINDS = ("primary", "target", "next", "muted")
RADAR_RADIUS = 110.0
_BANDS = ("ready-now", "ready-1y", "ready-2y", "not-yet", "insufficient-evidence")


@dataclass(frozen=True)
class Series:
    """One named line or polygon; None in `values` means no data."""

    label: str
    values: tuple[float | None, ...]
    kind: str = "primary"

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"series kind must be one of {', '.join(_KINDS)}, got {self.kind!r}")


def _finite(v: float | None) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)


def _step(span: float, most: int) -> float:
    raw = span / most
    mag = 10 ** math.floor(math.log10(raw))
    return float(next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw))


def _ticks(lo: float, hi: float, step: float = 0.0) -> list[float]:
    step = step or _step(hi - lo, 6)
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(k * step, 9) for k in range(first, last + 1)]


def _grid(
    ticks: Sequence[float], py: Callable[[float], float], left: float, right: float, lang: str
) -> str:
    return "".join(
        svg.line("sk-grid", left, py(t), right, py(t))
        + svg.text(left - 6, py(t) + 4, svg.number(t, lang), 10, "end", "faint", "sk-tick")
        for t in ticks
    )


def _check(series: Sequence[Series], count: int, what: str) -> None:
    for s in series:
        if len(s.values) != count:
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {count} {what}")


def radar(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    max_value: float = 5.0,
    min_value: float = 0.0,
    no_data: str = "no data",
    lang: str = "en",
) -> Markup:
    """A spider chart centred at (0, 0): a polygon per series, None drawn hollow at the centre."""
    _check(series, len(axes), "axes")
    if not max_value > min_value:
        raise ValueError(f"max_value ({max_value}) must be above min_value ({min_value})")
    if not axes or not series:
        return svg.no_data_chart("radar", title, no_data, 320)
    n, radius = len(axes), RADAR_RADIUS
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]

    def frac(v: float | None) -> float:
        return 0.0 if v is None else min(max((v - min_value) / (max_value - min_value), 0.0), 1.0)

    def at(i: int, v: float | None) -> tuple[float, float]:
        r = radius * frac(v)
        return r * math.cos(angles[i]), r * math.sin(angles[i])

    grid, ticks, labels, box = _radar_frame(tuple(axes), min_value, max_value, lang)
    shapes: list[str] = []
    dots: list[str] = []
    for s in series:
        colour, primary = svg.PALETTE[s.kind], s.kind == "primary"
        clean = [_finite(v) for v in s.values]
        pts = [at(i, v) for i, v in enumerate(clean)]
        fill: dict[str, svg.Attr] = {"fill": colour, "fill_opacity": 0.16} if primary else {}
        paint = {"fill": "none", **fill, **svg.stroke(s.kind, 2 if primary else 1.6)}
        shapes.append(
            svg.element("polygon", class_=f"sk-series sk-{s.kind}", points=svg.points(pts), **paint)
        )
        for axis, (x, y), v in zip(axes, pts, clean, strict=True):
            tip = f"{axis} · {s.label}: {no_data if v is None else svg.number(v, lang)}"
            cls = f"sk-vertex sk-{s.kind}" + (" sk-missing" if v is None else "")
            ring, body = (
                (colour, svg.PALETTE["paper"]) if v is None else (svg.PALETTE["paper"], colour)
            )
            r = 3.5 if primary else 2.5
            dots.append(svg.dot(cls, x, y, r, tip, fill=body, stroke=ring, stroke_width=1.5))
    width = max(box[2] - box[0], 320.0)
    x0 = (box[0] + box[2] - width) / 2
    legend, legend_h = svg.legend([(s.label, s.kind) for s in series], x0, width, box[3] + 10)
    body = grid + "".join(shapes) + ticks + "".join(dots) + labels + legend
    return svg.chart("radar", (x0, box[1], width, box[3] + 18 + legend_h - box[1]), title, body)


@functools.lru_cache(maxsize=16)
def _radar_frame(
    axes: tuple[str, ...], min_value: float, max_value: float, lang: str
) -> tuple[str, str, str, tuple[float, float, float, float]]:
    """What every radar on the same axes shares: rings and spokes, ring values, axis labels and
    the bounding box. Made once per review and language, not once per person page."""
    n, radius = len(axes), RADAR_RADIUS
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]

    def at(i: int, v: float) -> tuple[float, float]:
        r = radius * min(max((v - min_value) / (max_value - min_value), 0.0), 1.0)
        return r * math.cos(angles[i]), r * math.sin(angles[i])

    rings = [t for t in _ticks(min_value, max_value) if min_value < t < max_value] + [max_value]
    grid: list[str] = []
    ticks: list[str] = []
    for t in rings:
        outline = {"fill": "none", "stroke": svg.PALETTE["grid"]}
        points = svg.points([at(i, t) for i in range(n)])
        ring = svg.element("polygon", class_="sk-ring", points=points, **outline)
        reach = radius * (t - min_value) / (max_value - min_value)
        grid.append(ring if n >= 3 else svg.dot("sk-ring", 0, 0, reach, "", **outline))
        # Drawn over the series with a white halo, so ring values stay legible; paint-order as
        # CSS, since the SVG 1.1 attributes HTML validators check have no paint-order.
        halo: dict[str, svg.Attr] = {
            "stroke": svg.PALETTE["paper"],
            "stroke_width": 3,
            "style": "paint-order: stroke",
        }
        ticks.append(
            svg.text(4, -reach - 3, svg.number(t, lang), 9, "start", "faint", "sk-tick", **halo)
        )
    grid += [svg.line("sk-spoke", 0, 0, *at(i, max_value)) for i in range(n)]
    box = [-radius - 8, -radius - 12, radius + 8, radius + 8]
    labels: list[str] = []
    for i, axis in enumerate(axes):
        lines, size, lh = svg.wrap(axis), 12.0, 14.0
        cos, sin = math.cos(angles[i]), math.sin(angles[i])
        x, y = (radius + 12) * cos, (radius + 12) * sin
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        if sin < -0.3:  # above the centre: the block of lines ends at the anchor point
            first = y - (len(lines) - 1) * lh - 4
        else:
            first = y + size if sin > 0.3 else y - (len(lines) - 1) * lh / 2 + size * 0.35
        for k, line in enumerate(lines):
            w, ly = svg.text_width(line, size), first + k * lh
            left = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
            box[0], box[1] = min(box[0], left - 4), min(box[1], ly - size)
            box[2], box[3] = max(box[2], left + w + 4), max(box[3], ly + 4)
            labels.append(svg.text(x, ly, line, size, anchor, "ink", "sk-axis-label"))
    return "".join(grid), "".join(ticks), "".join(labels), (box[0], box[1], box[2], box[3])


def trend_lines(
    periods: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_min: float = 1.0,
    y_max: float = 5.0,
    target: float | None = None,
    no_data: str = "no data",
    lang: str = "en",
) -> Markup:
    """A small multi-line chart across periods, broken where a value is None."""
    _check(series, len(periods), "periods")
    if not y_max > y_min:
        raise ValueError(f"y_max ({y_max}) must be above y_min ({y_min})")
    if not periods or all(_finite(v) is None for s in series for v in s.values):
        return svg.no_data_chart("trend", title, no_data)
    width, left, right, top, height = 560.0, 34.0, 526.0, 10.0, 170.0
    n, inner = len(periods), right - left - 24

    def px(i: int) -> float:
        return left + 12 + (inner / 2 if n == 1 else inner * i / (n - 1))

    def py(v: float) -> float:
        return top + height * (1 - (min(max(v, y_min), y_max) - y_min) / (y_max - y_min))

    parts = [_grid(_ticks(y_min, y_max), py, left, right, lang)]
    every = math.ceil(max(svg.text_width(p, 11) + 10 for p in periods) / (inner / max(n - 1, 1)))
    for i, period in enumerate(periods[::every]):
        parts.append(
            svg.text(px(i * every), top + height + 18, period, 11, "middle", cls="sk-period")
        )
    if target is not None and math.isfinite(target):
        parts.append(
            svg.line(
                "sk-target-line", left, py(target), right, py(target), **svg.stroke("target", 1.2)
            )
        )
        parts.append(
            svg.text(right + 4, py(target) + 4, svg.number(target, lang), 10, "start", "faint")
        )
    for s in series:
        clean = [_finite(v) for v in s.values]
        pts = [None if v is None else (px(i), py(v)) for i, v in enumerate(clean)]
        primary = s.kind == "primary"
        stroke = svg.stroke(s.kind, 2.2 if primary else 1.6)
        parts.append(
            svg.element(
                "path", class_=f"sk-series sk-{s.kind}", d=svg.path(pts), fill="none", **stroke
            )
        )
        for i, v in enumerate(clean):
            if v is not None:
                tip, paint = f"{periods[i]} · {s.label}: {svg.number(v, lang)}", svg.PALETTE[s.kind]
                dot = svg.dot(
                    f"sk-point sk-{s.kind}",
                    px(i),
                    py(v),
                    3 if primary else 2.5,
                    tip,
                    fill=paint,
                    stroke=svg.PALETTE["paper"],
                    stroke_width=1,
                )
                parts.append(dot)
    entries = [(s.label, s.kind) for s in series]
    legend, legend_h = svg.legend(entries, 0, width, top + height + 30)
    box = (0.0, 0.0, width, top + height + 36 + legend_h)
    return svg.chart("trend", box, title, "".join(parts) + legend)


def sparkline(
    values: Sequence[float | None],
    *,
    title: str,
    y_min: float = 1.0,
    y_max: float = 5.0,
    target: float | None = None,
    width: int = 120,
    height: int = 28,
    no_data: str = "no data",
) -> Markup:
    """A tiny line for a table cell; the latest value is marked with a dot."""
    if not y_max > y_min or width <= 0 or height <= 0:
        raise ValueError("sparkline needs y_max above y_min and a positive width and height")
    clean = [_finite(v) for v in values]
    if all(v is None for v in clean):
        return svg.no_data_chart("sparkline", title, no_data, width, height)
    pad, n = 3.5, len(clean)

    def px(i: int) -> float:
        return width / 2 if n == 1 else pad + (width - 2 * pad) * i / (n - 1)

    def py(v: float) -> float:
        frac = (min(max(v, y_min), y_max) - y_min) / (y_max - y_min)
        return pad + (height - 2 * pad) * (1 - frac)

    parts: list[str] = []
    if target is not None and math.isfinite(target):
        parts.append(
            svg.line("sk-target-line", 0, py(target), width, py(target), **svg.stroke("target", 1))
        )
    pts = [None if v is None else (px(i), py(v)) for i, v in enumerate(clean)]
    stroke = svg.stroke("primary", 1.5)
    parts.append(
        svg.element("path", class_="sk-series sk-primary", d=svg.path(pts), fill="none", **stroke)
    )
    i, last = next((i, v) for i, v in reversed(list(enumerate(clean))) if v is not None)
    parts.append(svg.dot("sk-last", px(i), py(last), 2.5, "", fill=svg.PALETTE["primary"]))
    return svg.chart("sparkline", (0, 0, width, height), title, "".join(parts))


def bar_chart(
    items: Sequence[tuple[str, float, str]],
    *,
    title: str,
    no_data: str = "no data",
    lang: str = "en",
) -> Markup:
    """Horizontal bars proportional to value, coloured by readiness band, value at the end."""
    if not items:
        return svg.no_data_chart("bars", title, no_data)
    width, row, bar_h, size = 560.0, 28.0, 18.0, 12.0
    names = [label if len(label) <= 32 else label[:31] + "…" for label, _, _ in items]
    shown = [svg.number(value, lang) for _, value, _ in items]
    start = max(svg.text_width(name, size) for name in names) + 14
    room = width - start - max(svg.text_width(s, size) for s in shown) - 12
    lengths = [max(_finite(value) or 0.0, 0.0) for _, value, _ in items]
    scale = room / max(lengths) if max(lengths) > 0 else 0.0
    parts = [svg.line("sk-axis", start, 0, start, row * len(items), stroke=svg.PALETTE["axis"])]
    for k, ((label, _, kind), name, text) in enumerate(zip(items, names, shown, strict=True)):
        band = kind if kind in _BANDS else "primary"
        y, w, mid = k * row + (row - bar_h) / 2, lengths[k] * scale, k * row + row / 2 + 4
        tip = svg.element("title", svg.escape(f"{label}: {text}"))
        name_svg = svg.text(start - 8, mid, name, size, "end", "ink")
        bar = svg.rect(f"sk-bar sk-{band}", start, y, w, bar_h, band, rx=2)
        value_svg = svg.text(start + w + 6, mid, text, size, cls="sk-value")
        parts.append(svg.element("g", tip + name_svg + bar + value_svg, class_="sk-row"))
    return svg.chart("bars", (0, 0, width, row * len(items)), title, "".join(parts))


def bullet(
    value: float | None,
    *,
    title: str,
    thresholds: Sequence[float],
    lower_is_better: bool = False,
    unit: str = "",
    no_data: str = "no data",
    lang: str = "en",
) -> Markup:
    """A KPI bullet: bands for levels 1..5 cut at the level 2..5 thresholds, and a marker."""
    t = [float(x) for x in thresholds]
    ordered = all((b < a) if lower_is_better else (b > a) for a, b in itertools.pairwise(t))
    if len(t) != 4 or not all(map(math.isfinite, t)) or not ordered:
        order = "fall" if lower_is_better else "rise"
        raise ValueError(f"bullet needs 4 thresholds (levels 2..5) that {order}, got {t}")
    v = None if value is None else _finite(value)
    pad = (max(t) - min(t)) * 0.3  # room for the level 1 and level 5 zones
    lo, hi = min(t) - pad, max(t) + pad
    if v is not None and not lo < v < hi:  # widen the axis so the value stays on it
        margin = (max(hi, v) - min(lo, v)) * 0.04
        lo, hi = min(lo, v - margin), max(hi, v + margin)
    width, x0, x1, top, band_h = 340.0, 4.0, 252.0, 6.0, 18.0

    def px(x: float) -> float:
        return x0 + (x1 - x0) * (x - lo) / (hi - lo)

    edges = itertools.pairwise([lo, *sorted(t), hi])
    levels = [5, 4, 3, 2, 1] if lower_is_better else [1, 2, 3, 4, 5]
    parts = [
        svg.rect(f"sk-zone sk-zone-{lv}", px(a), top, px(b) - px(a), band_h, f"zone{lv}")
        for lv, (a, b) in zip(levels, edges, strict=True)
    ]
    right_of_last = -math.inf
    for x in sorted(t):
        label, half = svg.number(x, lang), svg.text_width(svg.number(x, lang), 9.5) / 2
        if px(x) - half > right_of_last + 4:  # skip labels that would overlap
            parts.append(
                svg.text(px(x), top + band_h + 13, label, 9.5, "middle", "faint", "sk-tick")
            )
            right_of_last = px(x) + half
    if v is None:
        parts.append(
            svg.text(x1 + 12, top + band_h / 2 + 4, no_data, 12, "start", "faint", "sk-nodata")
        )
    else:
        spacer = " " if unit[:1].isalnum() else ""
        parts.append(
            svg.rect("sk-measure", x0, top + band_h / 2 - 3, px(v) - x0, 6, "ink", fill_opacity=0.7)
        )
        parts.append(svg.rect("sk-marker", px(v) - 1.5, top - 4, 3, band_h + 8, "ink"))
        label = f"{svg.number(v, lang)}{spacer}{unit}"
        parts.append(svg.text(x1 + 12, top + band_h / 2 + 5, label, 13, "start", "ink", "sk-value"))
    return svg.chart("bullet", (0, 0, width, top + band_h + 20), title, "".join(parts))


def distribution(
    values_a: Sequence[float],
    values_b: Sequence[float] | None,
    *,
    title: str,
    labels: tuple[str, str] = ("", ""),
    bins: Sequence[float] = (1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5),
    no_data: str = "no data",
    lang: str = "en",
) -> Markup:
    """A histogram of scores; a second series stands beside the first in each bin."""
    edges = [float(b) for b in bins]
    if len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges)):
        raise ValueError(f"bins need at least two rising edges, got {edges}")
    groups = [
        finite[np.isfinite(finite)]
        for finite in (
            np.array([np.nan if v is None else v for v in vals], dtype="float64")
            for vals in ([values_a] if values_b is None else [values_a, values_b])
        )
    ]
    if not any(len(g) for g in groups):
        return svg.no_data_chart("distribution", title, no_data)
    nb = len(edges) - 1
    # Values beyond the edges count in the end bins; the last bin includes its right edge.
    counts: list[list[int]] = [
        [int(n) for n in np.bincount(np.searchsorted(edges[1:-1], g, side="right"), minlength=nb)]
        for g in groups
    ]
    peak = max(1, *(max(c) for c in counts))
    step = max(1.0, _step(peak, 5))  # counts are whole
    y_top = math.ceil(peak / step) * step
    width, left, right, top, height = 560.0, 36.0, 546.0, 10.0, 160.0
    slot = (right - left) / nb
    bar_w = slot * 0.76 / len(groups)

    def py(c: float) -> float:
        return top + height * (1 - c / y_top)

    parts = [_grid(_ticks(0, y_top, step), py, left, right, lang)]
    kinds = ("primary", "second")[: len(groups)]
    for g, kind in enumerate(kinds):
        for b, c in enumerate(counts[g]):
            low, high = svg.number(edges[b], lang), svg.number(edges[b + 1], lang)
            tip = f"{labels[g]} {low}–{high}: {svg.number(c, lang)}".strip()
            x, h = left + b * slot + slot * 0.12 + g * bar_w, top + height - py(c)
            parts.append(svg.rect(f"sk-bar sk-{kind}", x, py(c), bar_w - 1, h, kind, tip=tip))
    every = math.ceil(max(svg.text_width(svg.number(e, lang), 10) + 8 for e in edges) / slot)
    for i, e in enumerate(edges[::every]):
        parts.append(
            svg.text(left + i * every * slot, top + height + 16, svg.number(e, lang), 10, "middle")
        )
    parts.append(
        svg.line("sk-axis", left, top + height, right, top + height, stroke=svg.PALETTE["axis"])
    )
    named = [(label, kind) for label, kind in zip(labels, kinds, strict=False) if label]
    legend, legend_h = (
        svg.legend(named, 0, width, top + height + 26, box=True) if named else ("", 0)
    )
    box = (0.0, 0.0, width, top + height + 30 + legend_h)
    return svg.chart("distribution", box, title, "".join(parts) + legend)


def stacked_columns(
    periods: Sequence[str],
    stacks: Sequence[tuple[str, str, Sequence[float]]],
    *,
    title: str,
    no_data: str = "no data",
    lang: str = "en",
) -> Markup:
    """A column per period, stacked from the first series up; the total stands above each.

    `stacks` holds (label, readiness band, one count per period). Every segment has its count
    as a tooltip and the legend names the bands in stacking order, bottom first.
    """
    for label, _, values in stacks:
        if len(values) != len(periods):
            raise ValueError(f"stack {label!r} has {len(values)} values for {len(periods)} periods")
    counts = np.array([[max(_finite(v) or 0.0, 0.0) for v in s[2]] for s in stacks], dtype=float)
    totals = counts.sum(axis=0) if len(stacks) else np.zeros(len(periods))
    if not periods or not totals.any():
        return svg.no_data_chart("columns", title, no_data)
    step = max(1.0, _step(float(totals.max()), 5))
    y_top = math.ceil(float(totals.max()) / step) * step
    width, left, right, top, height = 560.0, 40.0, 546.0, 18.0, 170.0
    slot = (right - left) / len(periods)
    column = min(slot * 0.62, 56.0)

    def py(c: float) -> float:
        return top + height * (1 - c / y_top)

    parts = [_grid(_ticks(0, y_top, step), py, left, right, lang)]
    base = np.zeros(len(periods))
    for (label, band, _), row in zip(stacks, counts, strict=True):
        kind = band if band in _BANDS else "primary"
        for i, c in enumerate(row):
            if c <= 0:
                continue
            x = left + i * slot + (slot - column) / 2
            tip = f"{periods[i]} · {label}: {svg.number(c, lang)}"
            y = py(base[i] + c)
            parts.append(
                svg.rect(f"sk-bar sk-{kind}", x, y, column, py(base[i]) - y, kind, tip=tip)
            )
        base += row
    every = math.ceil(max(svg.text_width(p, 11) + 8 for p in periods) / slot)
    for i, period in enumerate(periods):
        mid = left + i * slot + slot / 2
        total = svg.number(float(totals[i]), lang)
        parts.append(svg.text(mid, py(totals[i]) - 4, total, 10, "middle", "ink", "sk-value"))
        if i % every == 0:
            parts.append(svg.text(mid, top + height + 16, period, 11, "middle", cls="sk-period"))
    parts.append(
        svg.line("sk-axis", left, top + height, right, top + height, stroke=svg.PALETTE["axis"])
    )
    entries = [(label, band if band in _BANDS else "primary") for label, band, _ in stacks]
    legend, legend_h = svg.legend(entries, 0, width, top + height + 26, box=True)
    box = (0.0, 0.0, width, top + height + 30 + legend_h)
    return svg.chart("columns", box, title, "".join(parts) + legend)


def gap_bar(
    score: float | None,
    target: float,
    *,
    title: str,
    low: float | None = None,
    high: float | None = None,
    scale: tuple[float, float] = (1.0, 5.0),
) -> Markup:
    """A score on the level scale against its target, for a table cell.

    The 95% interval is a pale band, the score a dot, the target a dark tick and the gap from
    score to target a dashed line: shapes that tell them apart without colour.
    """
    lo, hi = scale
    if not hi > lo:
        raise ValueError(f"scale must rise, got {scale}")
    width, height, pad, mid = 136.0, 22.0, 5.0, 11.0

    def px(v: float) -> float:
        return pad + (width - 2 * pad) * (min(max(v, lo), hi) - lo) / (hi - lo)

    parts = [svg.line("sk-track", px(lo), mid, px(hi), mid, **svg.stroke("grid", 6))]
    # The level ticks as one path: a table of ten competencies draws ten of these per page.
    ticks = " ".join(
        f"M {svg.coord(px(k))} {svg.coord(mid - 5)} V {svg.coord(mid + 5)}"
        for k in range(math.ceil(lo), math.floor(hi) + 1)
    )
    parts.append(svg.element("path", class_="sk-level-ticks", d=ticks, stroke=svg.PALETTE["axis"]))
    a, b, v = _finite(low), _finite(high), _finite(score)
    if a is not None and b is not None:
        band: dict[str, svg.Attr] = {"fill_opacity": 0.22, "rx": 3}
        parts.append(svg.rect("sk-interval", px(a), mid - 5, px(b) - px(a), 10, "primary", **band))
    if v is not None and v < target:
        dashed: dict[str, svg.Attr] = {
            "stroke": svg.PALETTE["target"],
            "stroke_width": 2,
            "stroke_dasharray": "3 2",
        }
        parts.append(svg.line("sk-gap", px(v), mid, px(target), mid, **dashed))
    parts.append(
        svg.line("sk-target-tick", px(target), 2, px(target), height - 2, **svg.stroke("ink", 2.5))
    )
    if v is not None:
        paper: dict[str, svg.Attr] = {"stroke": svg.PALETTE["paper"], "stroke_width": 1.5}
        parts.append(svg.dot("sk-score", px(v), mid, 5, "", fill=svg.PALETTE["primary"], **paper))
    return svg.chart("gap", (0, 0, width, height), title, "".join(parts))
