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
_F = svg.FIELD  # short, for the patterns of the shapes every page draws many times


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
    grid, ticks, labels, box = _radar_frame(tuple(axes), min_value, max_value, lang)
    shapes: list[str] = []
    dots: list[str] = []
    n = len(axes)
    for s in series:
        primary = s.kind == "primary"
        fill: dict[str, svg.Attr] = (
            {"fill": svg.PALETTE[s.kind], "fill_opacity": 0.16} if primary else {}
        )
        paint = {"fill": "none", **fill, **svg.stroke(s.kind, 2 if primary else 1.6)}
        vertices = [
            _radar_vertex(
                axis, i, n, _finite(v), s.label, s.kind, min_value, max_value, no_data, lang
            )
            for i, (axis, v) in enumerate(zip(axes, s.values, strict=True))
        ]
        points = " ".join(point for point, _ in vertices)
        shapes.append(
            svg.element("polygon", class_=f"sk-series sk-{s.kind}", points=points, **paint)
        )
        dots.extend(dot for _, dot in vertices)
    width = max(box[2] - box[0], 320.0)
    x0 = (box[0] + box[2] - width) / 2
    legend, legend_h = _legend(tuple((s.label, s.kind) for s in series), x0, width, box[3] + 10)
    body = grid + "".join(shapes) + ticks + "".join(dots) + labels + legend
    return svg.chart("radar", (x0, box[1], width, box[3] + 18 + legend_h - box[1]), title, body)


@functools.lru_cache(maxsize=1024)
def _radar_vertex(
    axis: str,
    i: int,
    n: int,
    v: float | None,
    label: str,
    kind: str,
    min_value: float,
    max_value: float,
    no_data: str,
    lang: str,
) -> tuple[str, str]:
    """Series `label`'s vertex on axis i of n, as a polygon point "x,y" and a dot with a tip."""
    # Cached: levels take few values and a role's targets are the same on all its pages.
    angle = -math.pi / 2 + 2 * math.pi * i / n
    frac = 0.0 if v is None else min(max((v - min_value) / (max_value - min_value), 0.0), 1.0)
    r = RADAR_RADIUS * frac
    x, y = r * math.cos(angle), r * math.sin(angle)
    colour, primary = svg.PALETTE[kind], kind == "primary"
    tip = f"{axis} · {label}: {no_data if v is None else svg.number(v, lang)}"
    cls = f"sk-vertex sk-{kind}" + (" sk-missing" if v is None else "")
    ring, body = (colour, svg.PALETTE["paper"]) if v is None else (svg.PALETTE["paper"], colour)
    dot = svg.dot(cls, x, y, 3.5 if primary else 2.5, tip, fill=body, stroke=ring, stroke_width=1.5)
    return svg.points([(x, y)]), dot


@functools.lru_cache(maxsize=64)
def _legend(
    entries: tuple[tuple[str, str], ...], x0: float, width: float, y: float, box: bool = False
) -> tuple[str, float]:
    """`svg.legend`, made once for the series names every page of a kind repeats."""
    return svg.legend(entries, x0, width, y, box)


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


_TREND = (560.0, 34.0, 526.0, 10.0, 170.0)  # width, plot from left to right, top, height


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
    width, _, _, top, height = _TREND
    xs = _trend_xs(len(periods))
    parts = [_trend_frame(tuple(periods), y_min, y_max, lang)]
    if target is not None and math.isfinite(target):
        parts.append(_trend_target(target, y_min, y_max, lang))
    for s in series:
        clean = [_finite(v) for v in s.values]
        ys = [None if v is None else svg.coord(_trend_y(v, y_min, y_max)) for v in clean]
        primary = s.kind == "primary"
        stroke = svg.stroke(s.kind, 2.2 if primary else 1.6)
        line: list[str] = []
        pen = "M"  # lifted at a gap, as svg.path does
        for x, y in zip(xs, ys, strict=True):
            if y is None:
                pen = "M"
            else:
                line.append(f"{pen}{x} {y}")
                pen = "L"
        parts.append(
            svg.element(
                "path", class_=f"sk-series sk-{s.kind}", d=" ".join(line), fill="none", **stroke
            )
        )
        dot = _trend_dot(s.kind)
        for period, x, y, v in zip(periods, xs, ys, clean, strict=True):
            if v is not None:
                tip = svg.escape(f"{period} · {s.label}: {svg.number(v, lang)}")
                parts.append(dot.format(x, y, tip))
    entries = tuple((s.label, s.kind) for s in series)
    legend, legend_h = _legend(entries, 0, width, top + height + 30)
    box = (0.0, 0.0, width, top + height + 36 + legend_h)
    return svg.chart("trend", box, title, "".join(parts) + legend)


def _trend_y(v: float, y_min: float, y_max: float) -> float:
    """Where the value v lands on a trend chart from y_min (bottom) to y_max, clamped."""
    _, _, _, top, height = _TREND
    return top + height * (1 - (min(max(v, y_min), y_max) - y_min) / (y_max - y_min))


@functools.lru_cache(maxsize=32)
def _trend_xs(n: int) -> tuple[str, ...]:
    """Where each of n periods stands on a trend chart, as written in its path and dots."""
    _, left, right, _, _ = _TREND
    inner = right - left - 24
    return tuple(
        svg.coord(left + 12 + (inner / 2 if n == 1 else inner * i / (n - 1))) for i in range(n)
    )


@functools.lru_cache(maxsize=32)
def _trend_frame(periods: tuple[str, ...], y_min: float, y_max: float, lang: str) -> str:
    """The grid and period labels of every trend chart over the same quarters."""
    _, left, right, top, height = _TREND
    n, inner = len(periods), right - left - 24

    def px(i: int) -> float:
        return left + 12 + (inner / 2 if n == 1 else inner * i / (n - 1))

    def py(v: float) -> float:
        return _trend_y(v, y_min, y_max)

    parts = [_grid(_ticks(y_min, y_max), py, left, right, lang)]
    every = math.ceil(max(svg.text_width(p, 11) + 10 for p in periods) / (inner / max(n - 1, 1)))
    for i, period in enumerate(periods[::every]):
        parts.append(
            svg.text(px(i * every), top + height + 18, period, 11, "middle", cls="sk-period")
        )
    return "".join(parts)


@functools.lru_cache(maxsize=64)
def _trend_target(target: float, y_min: float, y_max: float, lang: str) -> str:
    """The dashed target line of a trend chart and its value at the right end."""
    _, left, right, _, _ = _TREND
    y = _trend_y(target, y_min, y_max)
    return svg.line("sk-target-line", left, y, right, y, **svg.stroke("target", 1.2)) + svg.text(
        right + 4, y + 4, svg.number(target, lang), 10, "start", "faint"
    )


@functools.lru_cache(maxsize=8)
def _trend_dot(kind: str) -> str:
    """The pattern of a trend chart's point of a series `kind`: its x, y and escaped tip."""
    tip = svg.element("title", _F)
    return svg.pattern(
        "circle",
        tip,
        class_=f"sk-point sk-{kind}",
        cx=_F,
        cy=_F,
        r=3 if kind == "primary" else 2.5,
        fill=svg.PALETTE[kind],
        stroke=svg.PALETTE["paper"],
        stroke_width=1,
    )


_SPARK_PAD = 3.5
_SPARK_TARGET = svg.pattern(
    "line", class_="sk-target-line", x1=0, y1=_F, x2=_F, y2=_F, **svg.stroke("target", 1)
)
_SPARK_LINE = svg.pattern(
    "path", class_="sk-series sk-primary", d=_F, fill="none", **svg.stroke("primary", 1.5)
)
_SPARK_LAST = svg.pattern(
    "circle", class_="sk-last", cx=_F, cy=_F, r=2.5, fill=svg.PALETTE["primary"]
)


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
    pad, rise, span = _SPARK_PAD, height - 2 * _SPARK_PAD, y_max - y_min
    # Path data point by point, lifting the pen at a gap (as svg.path does); the y of each
    # point inlined, as a table of ten competencies draws eighty of them.
    line: list[str] = []
    pen, last = "M", ("", "")
    for x, v in zip(_sparkline_xs(len(values), width), values, strict=True):
        if v is None or not math.isfinite(v):
            pen = "M"
        else:
            y = svg.coord(pad + rise * (1 - (min(max(v, y_min), y_max) - y_min) / span))
            line.append(f"{pen}{x} {y}")
            pen = "L"
            last = (x, y)
    if not line:
        return svg.no_data_chart("sparkline", title, no_data, width, height)
    target_line = ""
    if target is not None and math.isfinite(target):
        y = svg.coord(pad + rise * (1 - (min(max(target, y_min), y_max) - y_min) / span))
        target_line = _SPARK_TARGET.format(y, svg.coord(width), y)
    body = target_line + _SPARK_LINE.format(" ".join(line)) + _SPARK_LAST.format(*last)
    return svg.chart("sparkline", (0, 0, width, height), title, body)


@functools.lru_cache(maxsize=32)
def _sparkline_xs(n: int, width: float) -> tuple[str, ...]:
    """The x coordinates of n points across a sparkline `width` wide, as written in its path."""
    if n == 1:
        return (svg.coord(width / 2),)
    pad = _SPARK_PAD
    return tuple(svg.coord(pad + (width - 2 * pad) * i / (n - 1)) for i in range(n))


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


_BULLET = (340.0, 4.0, 252.0, 6.0, 18.0)  # width, axis from x0 to x1, top, band height
_BULLET_MEASURE = svg.pattern(
    "rect",
    class_="sk-measure",
    x=_BULLET[1],
    y=_BULLET[3] + _BULLET[4] / 2 - 3,
    width=_F,
    height=6,
    fill=svg.PALETTE["ink"],
    fill_opacity=0.7,
)
_BULLET_MARKER = svg.pattern(
    "rect",
    class_="sk-marker",
    x=_F,
    y=_BULLET[3] - 4,
    width=3,
    height=_BULLET[4] + 8,
    fill=svg.PALETTE["ink"],
)
_BULLET_VALUE = svg.pattern(
    "text",
    _F,
    class_="sk-value",
    fill=svg.PALETTE["ink"],
    x=_BULLET[2] + 12,
    y=_BULLET[3] + _BULLET[4] / 2 + 5,
    font_size=13,
    text_anchor="start",
)


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
    t = tuple(float(x) for x in thresholds)
    ordered = all((b < a) if lower_is_better else (b > a) for a, b in itertools.pairwise(t))
    if len(t) != 4 or not all(map(math.isfinite, t)) or not ordered:
        order = "fall" if lower_is_better else "rise"
        raise ValueError(f"bullet needs 4 thresholds (levels 2..5) that {order}, got {list(t)}")
    v = None if value is None else _finite(value)
    pad = (max(t) - min(t)) * 0.3  # room for the level 1 and level 5 zones
    lo, hi = min(t) - pad, max(t) + pad
    if v is not None and not lo < v < hi:  # widen the axis so the value stays on it
        margin = (max(hi, v) - min(lo, v)) * 0.04
        lo, hi = min(lo, v - margin), max(hi, v + margin)
        frame = _bullet_frame(t, lower_is_better, lo, hi, lang)
    else:  # the axis of the thresholds alone: the same for everyone's value of this KPI
        frame = _shared_bullet_frame(t, lower_is_better, lo, hi, lang)
    width, x0, x1, top, band_h = _BULLET
    parts = [frame]
    if v is None:
        parts.append(
            svg.text(x1 + 12, top + band_h / 2 + 4, no_data, 12, "start", "faint", "sk-nodata")
        )
    else:
        spacer = " " if unit[:1].isalnum() else ""
        x = _bullet_x(v, lo, hi)
        parts.append(_BULLET_MEASURE.format(svg.coord(x - x0)))
        parts.append(_BULLET_MARKER.format(svg.coord(x - 1.5)))
        parts.append(_BULLET_VALUE.format(svg.escape(f"{svg.number(v, lang)}{spacer}{unit}")))
    return svg.chart("bullet", (0, 0, width, top + band_h + 20), title, "".join(parts))


def _bullet_x(x: float, lo: float, hi: float) -> float:
    """Where x lands on a bullet's axis from lo to hi."""
    _, x0, x1, _, _ = _BULLET
    return x0 + (x1 - x0) * (x - lo) / (hi - lo)


def _bullet_frame(
    t: tuple[float, ...], lower_is_better: bool, lo: float, hi: float, lang: str
) -> str:
    """The level zones of a bullet cut at the thresholds `t`, and their labels."""
    _, _, _, top, band_h = _BULLET

    def px(x: float) -> float:
        return _bullet_x(x, lo, hi)

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
    return "".join(parts)


_shared_bullet_frame = functools.lru_cache(maxsize=64)(_bullet_frame)


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


_GAP_WIDTH, _GAP_HEIGHT, _GAP_PAD, _GAP_MID = 136.0, 22.0, 5.0, 11.0
# The shapes of a gap bar as patterns of their coordinates: a page draws one per competency.
_GAP_INTERVAL = svg.pattern(
    "rect",
    class_="sk-interval",
    x=_F,
    y=_GAP_MID - 5,
    width=_F,
    height=10,
    fill=svg.PALETTE["primary"],
    fill_opacity=0.22,
    rx=3,
)
_GAP_LINE = svg.pattern(
    "line",
    class_="sk-gap",
    x1=_F,
    y1=_GAP_MID,
    x2=_F,
    y2=_GAP_MID,
    stroke=svg.PALETTE["target"],
    stroke_width=2,
    stroke_dasharray="3 2",
)
_GAP_TARGET = svg.pattern(
    "line",
    class_="sk-target-tick",
    x1=_F,
    y1=2,
    x2=_F,
    y2=_GAP_HEIGHT - 2,
    **svg.stroke("ink", 2.5),
)
_GAP_SCORE = svg.pattern(
    "circle",
    class_="sk-score",
    cx=_F,
    cy=_GAP_MID,
    r=5,
    fill=svg.PALETTE["primary"],
    stroke=svg.PALETTE["paper"],
    stroke_width=1.5,
)


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
    parts = [_gap_frame(lo, hi)]
    a, b, v = _finite(low), _finite(high), _finite(score)
    if a is not None and b is not None:
        start = _gap_x(a, lo, hi)
        parts.append(_GAP_INTERVAL.format(svg.coord(start), svg.coord(_gap_x(b, lo, hi) - start)))
    at, x = svg.coord(_gap_x(target, lo, hi)), "" if v is None else svg.coord(_gap_x(v, lo, hi))
    if v is not None and v < target:
        parts.append(_GAP_LINE.format(x, at))
    parts.append(_GAP_TARGET.format(at, at))
    if v is not None:
        parts.append(_GAP_SCORE.format(x))
    return svg.chart("gap", (0, 0, _GAP_WIDTH, _GAP_HEIGHT), title, "".join(parts))


@functools.lru_cache(maxsize=8)
def _gap_frame(lo: float, hi: float) -> str:
    """The track and level ticks every gap bar on the scale lo..hi shares."""
    mid = _GAP_MID
    track = svg.line(
        "sk-track", _gap_x(lo, lo, hi), mid, _gap_x(hi, lo, hi), mid, **svg.stroke("grid", 6)
    )
    # The level ticks as one path: a table of ten competencies draws ten of these per page.
    ticks = " ".join(
        f"M {svg.coord(_gap_x(k, lo, hi))} {svg.coord(mid - 5)} V {svg.coord(mid + 5)}"
        for k in range(math.ceil(lo), math.floor(hi) + 1)
    )
    return track + svg.element("path", class_="sk-level-ticks", d=ticks, stroke=svg.PALETTE["axis"])


def _gap_x(v: float, lo: float, hi: float) -> float:
    """Where the value v lands on a gap bar of the scale lo..hi, clamped to the scale."""
    return _GAP_PAD + (_GAP_WIDTH - 2 * _GAP_PAD) * (min(max(v, lo), hi) - lo) / (hi - lo)
