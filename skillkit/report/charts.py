"""Inline SVG charts for self-contained HTML reports: no script, no external reference."""

from __future__ import annotations

import html
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Okabe-Ito hues (colour-blind safe) with calm greys; every element also has a class for CSS.
_PALETTE: dict[str, str] = {
    "primary": "#0072B2",
    "target": "#D55E00",
    "next": "#CC79A7",
    "muted": "#8C8C8C",
    "second": "#E69F00",
    "ready-now": "#009E73",
    "ready-1y": "#0072B2",
    "ready-2y": "#56B4E9",
    "not-yet": "#A8A8A8",
    "insufficient-evidence": "#E69F00",
    "ink": "#1F2937",
    "text": "#4B5563",
    "faint": "#6B7280",
    "axis": "#9CA3AF",
    "grid": "#E5E7EB",
    "paper": "#FFFFFF",
    "zone1": "#F1F4F8",
    "zone2": "#E2E8F0",
    "zone3": "#D0D9E4",
    "zone4": "#BCC8D6",
    "zone5": "#A7B6C8",
}
_DASH = {"target": "6 4", "next": "2 3"}
_KINDS = ("primary", "target", "next", "muted")
_BANDS = ("ready-now", "ready-1y", "ready-2y", "not-yet", "insufficient-evidence")
_FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
Attr = float | str | None


@dataclass(frozen=True)
class Series:
    """One named line or polygon; None in `values` means no data."""

    label: str
    values: tuple[float | None, ...]
    kind: str = "primary"

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"series kind must be one of {', '.join(_KINDS)}, got {self.kind!r}")


def _esc(text: object) -> str:
    return html.escape(_XML_INVALID.sub("", str(text)), quote=True)


def _n(x: float) -> str:
    """A coordinate rounded to one decimal, so the output is byte-stable."""
    s = f"{x:.1f}".removesuffix(".0")
    return "0" if s == "-0" else s


def _num(x: float) -> str:
    """A value for people: at most two decimals, thousands separated."""
    s = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _finite(v: float | None) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)


def _width(text: str, size: float) -> float:
    # No font metrics without a browser: a generous average glyph width keeps labels unclipped.
    return len(text) * size * 0.6


def _el(tag: str, content: str = "", /, **attrs: Attr) -> str:
    """Markup for one element: `font_size` → font-size, `class_` → class, None is left out."""
    items = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{_esc(v) if isinstance(v, str) else _n(v)}"'
        for key, v in attrs.items()
        if v is not None
    )
    return f"<{tag}{items}>{content}</{tag}>" if content else f"<{tag}{items}/>"


def _text(
    x: float,
    y: float,
    s: str,
    size: float = 11,
    anchor: str = "start",
    fill: str = "text",
    cls: str = "sk-label",
    **extra: Attr,
) -> str:
    attrs: dict[str, Attr] = {"x": x, "y": y, "font_size": size, "text_anchor": anchor}
    return _el("text", _esc(s), class_=cls, fill=_PALETTE[fill], **attrs, **extra)


def _line(cls: str, x1: float, y1: float, x2: float, y2: float, **style: Attr) -> str:
    return _el(
        "line", class_=cls, x1=x1, y1=y1, x2=x2, y2=y2, **(style or {"stroke": _PALETTE["grid"]})
    )


def _rect(cls: str, x: float, y: float, w: float, h: float, fill: str, **extra: Attr) -> str:
    tip = _el("title", _esc(extra.pop("tip"))) if extra.get("tip") else ""
    return _el("rect", tip, class_=cls, x=x, y=y, width=w, height=h, fill=_PALETTE[fill], **extra)


def _dot(cls: str, x: float, y: float, r: float, tip: str, **paint: Attr) -> str:
    return _el(
        "circle", _el("title", _esc(tip)) if tip else "", class_=cls, cx=x, cy=y, r=r, **paint
    )


def _stroke(kind: str, width: float = 2.0) -> dict[str, Attr]:
    colour = _PALETTE.get(kind, _PALETTE["primary"])
    dash = _DASH.get(kind)
    return {
        "stroke": colour,
        "stroke_width": width,
        "stroke_dasharray": dash,
        "stroke_linejoin": "round",
        "stroke_linecap": "round",
    }


def _pts(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _svg(name: str, box: tuple[float, float, float, float], title: str, body: str) -> str:
    view = " ".join(_n(v) for v in box)
    style = f"width:100%;max-width:{_n(box[2])}px;height:auto;vertical-align:middle"
    root = {"xmlns": "http://www.w3.org/2000/svg", "class_": f"sk-chart sk-{name}", "role": "img"}
    attrs: dict[str, Attr] = {"aria_label": title, "viewBox": view, "style": style}
    return _el("svg", _el("title", _esc(title)) + body, **root, **attrs, font_family=_FONT)


def _no_data(name: str, title: str, text: str, w: float = 560, h: float = 60) -> str:
    size = 12 if h >= 40 else 9
    label = _text(w / 2, h / 2 + size * 0.35, text, size, "middle", "faint", "sk-nodata")
    return _svg(name, (0, 0, w, h), title, label)


def _step(span: float, most: int) -> float:
    raw = span / most
    mag = 10 ** math.floor(math.log10(raw))
    return float(next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw))


def _ticks(lo: float, hi: float, step: float = 0.0) -> list[float]:
    step = step or _step(hi - lo, 6)
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [round(k * step, 9) for k in range(first, last + 1)]


def _grid(ticks: Sequence[float], py: Callable[[float], float], left: float, right: float) -> str:
    return "".join(
        _line("sk-grid", left, py(t), right, py(t))
        + _text(left - 6, py(t) + 4, _num(t), 10, "end", "faint", "sk-tick")
        for t in ticks
    )


def _check(series: Sequence[Series], count: int, what: str) -> None:
    for s in series:
        if len(s.values) != count:
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {count} {what}")


def _wrap(text: str, limit: int = 18) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _legend(
    entries: Sequence[tuple[str, str]], x0: float, width: float, y: float, box: bool = False
) -> tuple[str, float]:
    """Legend rows centred in [x0, x0 + width] below y; returns the markup and its height."""
    rows: list[list[tuple[str, str, float]]] = [[]]
    used = 0.0
    for label, kind in entries:
        w = 26 + _width(label, 11)
        if rows[-1] and used + w > width:
            rows.append([])
            used = 0.0
        rows[-1].append((label, kind, w))
        used += w + 16
    parts: list[str] = []
    for r, row in enumerate(rows):
        x = x0 + (width - sum(w + 16 for *_, w in row) + 16) / 2
        cy = y + 8 + r * 20
        for label, kind, w in row:
            swatch = (
                _rect("sk-swatch", x, cy - 5, 18, 10, kind, rx=2)
                if box
                else _line("sk-swatch", x, cy, x + 18, cy, **_stroke(kind, 2.5))
            )
            label_svg = _text(x + 24, cy + 4, label, cls="sk-legend-label")
            parts.append(_el("g", swatch + label_svg, class_=f"sk-legend-item sk-{kind}"))
            x += w + 16
    return _el("g", "".join(parts), class_="sk-legend"), 20.0 * len(rows)


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """SVG path data through the points, lifting the pen at None (a gap)."""
    out: list[str] = []
    for prev, p in itertools.pairwise([None, *points]):
        if p is not None:
            out.append(f"{'M' if prev is None else 'L'}{_n(p[0])} {_n(p[1])}")
    return " ".join(out)


def radar(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    max_value: float = 5.0,
    min_value: float = 0.0,
    no_data: str = "no data",
) -> str:
    """A spider chart centred at (0, 0): a polygon per series, None drawn hollow at the centre."""
    _check(series, len(axes), "axes")
    if not max_value > min_value:
        raise ValueError(f"max_value ({max_value}) must be above min_value ({min_value})")
    if not axes or not series:
        return _no_data("radar", title, no_data, 320)
    n, radius = len(axes), 110.0
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]

    def frac(v: float | None) -> float:
        return 0.0 if v is None else min(max((v - min_value) / (max_value - min_value), 0.0), 1.0)

    def at(i: int, v: float | None) -> tuple[float, float]:
        r = radius * frac(v)
        return r * math.cos(angles[i]), r * math.sin(angles[i])

    rings = [t for t in _ticks(min_value, max_value) if min_value < t < max_value] + [max_value]
    grid: list[str] = []
    ticks: list[str] = []
    for t in rings:
        outline = {"fill": "none", "stroke": _PALETTE["grid"]}
        points = _pts([at(i, t) for i in range(n)])
        ring = _el("polygon", class_="sk-ring", points=points, **outline)
        grid.append(ring if n >= 3 else _dot("sk-ring", 0, 0, radius * frac(t), "", **outline))
        # Drawn over the series with a white halo, so ring values stay legible.
        halo: dict[str, Attr] = {"stroke": _PALETTE["paper"], "stroke_width": 3}
        y = -radius * frac(t) - 3
        ticks.append(
            _text(4, y, _num(t), 9, "start", "faint", "sk-tick", paint_order="stroke", **halo)
        )
    grid += [_line("sk-spoke", 0, 0, *at(i, max_value)) for i in range(n)]
    box = [-radius - 8, -radius - 12, radius + 8, radius + 8]
    labels: list[str] = []
    for i, axis in enumerate(axes):
        lines, size, lh = _wrap(axis), 12.0, 14.0
        cos, sin = math.cos(angles[i]), math.sin(angles[i])
        x, y = (radius + 12) * cos, (radius + 12) * sin
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        if sin < -0.3:  # above the centre: the block of lines ends at the anchor point
            first = y - (len(lines) - 1) * lh - 4
        else:
            first = y + size if sin > 0.3 else y - (len(lines) - 1) * lh / 2 + size * 0.35
        for k, line in enumerate(lines):
            w, ly = _width(line, size), first + k * lh
            left = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
            box[0], box[1] = min(box[0], left - 4), min(box[1], ly - size)
            box[2], box[3] = max(box[2], left + w + 4), max(box[3], ly + 4)
            labels.append(_text(x, ly, line, size, anchor, "ink", "sk-axis-label"))
    shapes: list[str] = []
    dots: list[str] = []
    for s in series:
        colour, primary = _PALETTE[s.kind], s.kind == "primary"
        clean = [_finite(v) for v in s.values]
        pts = [at(i, v) for i, v in enumerate(clean)]
        fill: dict[str, Attr] = {"fill": colour, "fill_opacity": 0.16} if primary else {}
        paint = {"fill": "none", **fill, **_stroke(s.kind, 2 if primary else 1.6)}
        shapes.append(_el("polygon", class_=f"sk-series sk-{s.kind}", points=_pts(pts), **paint))
        for axis, (x, y), v in zip(axes, pts, clean, strict=True):
            tip = f"{axis} · {s.label}: {no_data if v is None else _num(v)}"
            cls = f"sk-vertex sk-{s.kind}" + (" sk-missing" if v is None else "")
            ring, body = (colour, _PALETTE["paper"]) if v is None else (_PALETTE["paper"], colour)
            r = 3.5 if primary else 2.5
            dots.append(_dot(cls, x, y, r, tip, fill=body, stroke=ring, stroke_width=1.5))
    width = max(box[2] - box[0], 320.0)
    x0 = (box[0] + box[2] - width) / 2
    legend, legend_h = _legend([(s.label, s.kind) for s in series], x0, width, box[3] + 10)
    body = "".join(grid + shapes + ticks + dots + labels) + legend
    return _svg("radar", (x0, box[1], width, box[3] + 18 + legend_h - box[1]), title, body)


def trend_lines(
    periods: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_min: float = 1.0,
    y_max: float = 5.0,
    target: float | None = None,
    no_data: str = "no data",
) -> str:
    """A small multi-line chart across periods, broken where a value is None."""
    _check(series, len(periods), "periods")
    if not y_max > y_min:
        raise ValueError(f"y_max ({y_max}) must be above y_min ({y_min})")
    if not periods or all(_finite(v) is None for s in series for v in s.values):
        return _no_data("trend", title, no_data)
    width, left, right, top, height = 560.0, 34.0, 526.0, 10.0, 170.0
    n, inner = len(periods), right - left - 24

    def px(i: int) -> float:
        return left + 12 + (inner / 2 if n == 1 else inner * i / (n - 1))

    def py(v: float) -> float:
        return top + height * (1 - (min(max(v, y_min), y_max) - y_min) / (y_max - y_min))

    parts = [_grid(_ticks(y_min, y_max), py, left, right)]
    every = math.ceil(max(_width(p, 11) + 10 for p in periods) / (inner / max(n - 1, 1)))
    for i, period in enumerate(periods[::every]):
        parts.append(_text(px(i * every), top + height + 18, period, 11, "middle", cls="sk-period"))
    if target is not None and math.isfinite(target):
        parts.append(
            _line("sk-target-line", left, py(target), right, py(target), **_stroke("target", 1.2))
        )
        parts.append(_text(right + 4, py(target) + 4, _num(target), 10, "start", "faint"))
    for s in series:
        clean = [_finite(v) for v in s.values]
        pts = [None if v is None else (px(i), py(v)) for i, v in enumerate(clean)]
        primary = s.kind == "primary"
        stroke = _stroke(s.kind, 2.2 if primary else 1.6)
        parts.append(
            _el("path", class_=f"sk-series sk-{s.kind}", d=_path(pts), fill="none", **stroke)
        )
        for i, v in enumerate(clean):
            if v is not None:
                tip, paint = f"{periods[i]} · {s.label}: {_num(v)}", _PALETTE[s.kind]
                dot = _dot(
                    f"sk-point sk-{s.kind}",
                    px(i),
                    py(v),
                    3 if primary else 2.5,
                    tip,
                    fill=paint,
                    stroke=_PALETTE["paper"],
                    stroke_width=1,
                )
                parts.append(dot)
    entries = [(s.label, s.kind) for s in series]
    legend, legend_h = _legend(entries, 0, width, top + height + 30)
    box = (0.0, 0.0, width, top + height + 36 + legend_h)
    return _svg("trend", box, title, "".join(parts) + legend)


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
) -> str:
    """A tiny line for a table cell; the latest value is marked with a dot."""
    if not y_max > y_min or width <= 0 or height <= 0:
        raise ValueError("sparkline needs y_max above y_min and a positive width and height")
    clean = [_finite(v) for v in values]
    if all(v is None for v in clean):
        return _no_data("sparkline", title, no_data, width, height)
    pad, n = 3.5, len(clean)

    def px(i: int) -> float:
        return width / 2 if n == 1 else pad + (width - 2 * pad) * i / (n - 1)

    def py(v: float) -> float:
        frac = (min(max(v, y_min), y_max) - y_min) / (y_max - y_min)
        return pad + (height - 2 * pad) * (1 - frac)

    parts: list[str] = []
    if target is not None and math.isfinite(target):
        parts.append(
            _line("sk-target-line", 0, py(target), width, py(target), **_stroke("target", 1))
        )
    pts = [None if v is None else (px(i), py(v)) for i, v in enumerate(clean)]
    stroke = _stroke("primary", 1.5)
    parts.append(_el("path", class_="sk-series sk-primary", d=_path(pts), fill="none", **stroke))
    i, last = next((i, v) for i, v in reversed(list(enumerate(clean))) if v is not None)
    parts.append(_dot("sk-last", px(i), py(last), 2.5, "", fill=_PALETTE["primary"]))
    return _svg("sparkline", (0, 0, width, height), title, "".join(parts))


def bar_chart(
    items: Sequence[tuple[str, float, str]],
    *,
    title: str,
    value_format: str = "{:.0f}",
    no_data: str = "no data",
) -> str:
    """Horizontal bars proportional to value, coloured by readiness band, value at the end."""
    if not items:
        return _no_data("bars", title, no_data)
    width, row, bar_h, size = 560.0, 28.0, 18.0, 12.0
    names = [label if len(label) <= 32 else label[:31] + "…" for label, _, _ in items]
    shown = [value_format.format(value) for _, value, _ in items]
    start = max(_width(name, size) for name in names) + 14
    room = width - start - max(_width(s, size) for s in shown) - 12
    lengths = [max(_finite(value) or 0.0, 0.0) for _, value, _ in items]
    scale = room / max(lengths) if max(lengths) > 0 else 0.0
    parts = [_line("sk-axis", start, 0, start, row * len(items), stroke=_PALETTE["axis"])]
    for k, ((label, _, kind), name, text) in enumerate(zip(items, names, shown, strict=True)):
        band = kind if kind in _BANDS else "primary"
        y, w, mid = k * row + (row - bar_h) / 2, lengths[k] * scale, k * row + row / 2 + 4
        tip = _el("title", _esc(f"{label}: {text}"))
        name_svg = _text(start - 8, mid, name, size, "end", "ink")
        bar = _rect(f"sk-bar sk-{band}", start, y, w, bar_h, band, rx=2)
        value_svg = _text(start + w + 6, mid, text, size, cls="sk-value")
        parts.append(_el("g", tip + name_svg + bar + value_svg, class_="sk-row"))
    return _svg("bars", (0, 0, width, row * len(items)), title, "".join(parts))


def bullet(
    value: float | None,
    *,
    title: str,
    thresholds: Sequence[float],
    lower_is_better: bool = False,
    unit: str = "",
    no_data: str = "no data",
) -> str:
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
        _rect(f"sk-zone sk-zone-{lv}", px(a), top, px(b) - px(a), band_h, f"zone{lv}")
        for lv, (a, b) in zip(levels, edges, strict=True)
    ]
    right_of_last = -math.inf
    for x in sorted(t):
        label, half = _num(x), _width(_num(x), 9.5) / 2
        if px(x) - half > right_of_last + 4:  # skip labels that would overlap
            parts.append(_text(px(x), top + band_h + 13, label, 9.5, "middle", "faint", "sk-tick"))
            right_of_last = px(x) + half
    if v is None:
        parts.append(
            _text(x1 + 12, top + band_h / 2 + 4, no_data, 12, "start", "faint", "sk-nodata")
        )
    else:
        spacer = " " if unit[:1].isalnum() else ""
        parts.append(
            _rect("sk-measure", x0, top + band_h / 2 - 3, px(v) - x0, 6, "ink", fill_opacity=0.7)
        )
        parts.append(_rect("sk-marker", px(v) - 1.5, top - 4, 3, band_h + 8, "ink"))
        label = f"{_num(v)}{spacer}{unit}"
        parts.append(_text(x1 + 12, top + band_h / 2 + 5, label, 13, "start", "ink", "sk-value"))
    return _svg("bullet", (0, 0, width, top + band_h + 20), title, "".join(parts))


def distribution(
    values_a: Sequence[float],
    values_b: Sequence[float] | None,
    *,
    title: str,
    labels: tuple[str, str] = ("", ""),
    bins: Sequence[float] = (1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5),
    no_data: str = "no data",
) -> str:
    """A histogram of scores; a second series stands beside the first in each bin."""
    edges = [float(b) for b in bins]
    if len(edges) < 2 or any(b <= a for a, b in itertools.pairwise(edges)):
        raise ValueError(f"bins need at least two rising edges, got {edges}")
    groups = [
        [x for v in vals if (x := _finite(v)) is not None]
        for vals in ([values_a] if values_b is None else [values_a, values_b])
    ]
    if not any(groups):
        return _no_data("distribution", title, no_data)
    nb = len(edges) - 1
    # Values beyond the edges count in the end bins; the last bin includes its right edge.
    counts = [[0] * nb for _ in groups]
    for g, vals in enumerate(groups):
        for v in vals:
            counts[g][min(sum(1 for e in edges[1:-1] if v >= e), nb - 1)] += 1
    peak = max(1, *(max(c) for c in counts))
    step = max(1.0, _step(peak, 5))  # counts are whole
    y_top = math.ceil(peak / step) * step
    width, left, right, top, height = 560.0, 36.0, 546.0, 10.0, 160.0
    slot = (right - left) / nb
    bar_w = slot * 0.76 / len(groups)

    def py(c: float) -> float:
        return top + height * (1 - c / y_top)

    parts = [_grid(_ticks(0, y_top, step), py, left, right)]
    kinds = ("primary", "second")[: len(groups)]
    for g, kind in enumerate(kinds):
        for b, c in enumerate(counts[g]):
            tip = f"{labels[g]} {_num(edges[b])}–{_num(edges[b + 1])}: {c}".strip()
            x, h = left + b * slot + slot * 0.12 + g * bar_w, top + height - py(c)
            parts.append(_rect(f"sk-bar sk-{kind}", x, py(c), bar_w - 1, h, kind, tip=tip))
    every = math.ceil(max(_width(_num(e), 10) + 8 for e in edges) / slot)
    for i, e in enumerate(edges[::every]):
        parts.append(_text(left + i * every * slot, top + height + 16, _num(e), 10, "middle"))
    parts.append(_line("sk-axis", left, top + height, right, top + height, stroke=_PALETTE["axis"]))
    named = [(label, kind) for label, kind in zip(labels, kinds, strict=False) if label]
    legend, legend_h = _legend(named, 0, width, top + height + 26, box=True) if named else ("", 0)
    box = (0.0, 0.0, width, top + height + 30 + legend_h)
    return _svg("distribution", box, title, "".join(parts) + legend)
