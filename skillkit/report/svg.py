"""SVG drawing primitives for the report charts: palette, escaping, elements, legend, root."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence

from markupsafe import Markup

# Okabe-Ito hues (colour-blind safe) with calm greys; every element also has a class for CSS.
PALETTE: dict[str, str] = {
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
    "text": "#374151",  # ≥ 4.5:1 on every zone tint of the 9-box
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
DASH = {"target": "6 4", "next": "2 3"}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
Attr = float | str | None
# A private-use character, left alone by `escape`: marks where a `pattern` takes a value.
FIELD = "\ue000"


_NEEDS_ESCAPE = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: object) -> str:
    """Text safe inside an element or attribute: XML-invalid characters dropped, markup escaped."""
    plain = str(text)
    if _NEEDS_ESCAPE.search(plain) is None:  # the common case, and a hot path
        return plain
    return html.escape(_XML_INVALID.sub("", plain), quote=True)


@functools.cache
def _attribute(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def coord(x: float) -> str:
    """A coordinate rounded to one decimal, so the output is byte-stable."""
    s = f"{x:.1f}".removesuffix(".0")
    return "0" if s == "-0" else s


def number(x: float, lang: str = "en") -> str:
    """A value for people: at most two decimals, thousands grouped, a true minus sign.

    Russian groups thousands with a no-break space and writes a decimal comma: 10 789,5.
    """
    s = f"{x:,.2f}".rstrip("0").rstrip(".")
    if s == "-0":
        return "0"
    if lang == "ru":
        s = s.replace(",", "\u00a0").replace(".", ",")
    return s.replace("-", "\u2212")


def text_width(text: str, size: float) -> float:
    """An estimated width of `text` at font `size`, generous so labels are never clipped."""
    # No font metrics without a browser: a generous average glyph width keeps labels unclipped.
    return len(text) * size * 0.6


def element(tag: str, content: str = "", /, **attrs: Attr) -> str:
    """Markup for one element: `font_size` → font-size, `class_` → class, None is left out."""
    # A hot path (tens of thousands of elements a second): one loop, no generator, no regex
    # for the plain strings that most attribute values are.
    parts = [f"<{tag}"]
    for key, value in attrs.items():
        if value is None:
            continue
        name = _attribute(key)
        if value.__class__ is str:
            text = escape(value)
        else:
            text = f"{value:.1f}".removesuffix(".0")  # as coord(), inlined
            if text == "-0":
                text = "0"
        parts.append(f' {name}="{text}"')
    opened = "".join(parts)
    return f"{opened}>{content}</{tag}>" if content else f"{opened}/>"


def pattern(tag: str, content: str = "", /, **attrs: Attr) -> str:
    """`element` markup as a `str.format` pattern, with `{}` wherever FIELD was given."""
    # Made once, filled per chart: the work `element` does for a shape every page draws is
    # done once per review. Fill a pattern with text already made safe (`coord`, `escape`).
    made = element(tag, content, **attrs)
    return made.replace("{", "{{").replace("}", "}}").replace(FIELD, "{}")


def text(
    x: float,
    y: float,
    s: str,
    size: float = 11,
    anchor: str = "start",
    fill: str = "text",
    cls: str = "sk-label",
    **extra: Attr,
) -> str:
    """A `<text>` of the escaped string `s` at (x, y), filled with a palette colour."""
    attrs: dict[str, Attr] = {"x": x, "y": y, "font_size": size, "text_anchor": anchor}
    return element("text", escape(s), class_=cls, fill=PALETTE[fill], **attrs, **extra)


def line(cls: str, x1: float, y1: float, x2: float, y2: float, **style: Attr) -> str:
    """A `<line>` from (x1, y1) to (x2, y2), stroked in the grid colour unless styled."""
    return element(
        "line", class_=cls, x1=x1, y1=y1, x2=x2, y2=y2, **(style or {"stroke": PALETTE["grid"]})
    )


def rect(cls: str, x: float, y: float, w: float, h: float, fill: str, **extra: Attr) -> str:
    """A `<rect>` filled with a palette colour; a `tip` attribute becomes its tooltip title."""
    tip = element("title", escape(extra.pop("tip"))) if extra.get("tip") else ""
    return element(
        "rect", tip, class_=cls, x=x, y=y, width=w, height=h, fill=PALETTE[fill], **extra
    )


def dot(cls: str, x: float, y: float, r: float, tip: str, **paint: Attr) -> str:
    """A `<circle>` of radius r at (x, y), with `tip` as its tooltip title when given."""
    return element(
        "circle", element("title", escape(tip)) if tip else "", class_=cls, cx=x, cy=y, r=r, **paint
    )


def stroke(kind: str, width: float = 2.0) -> dict[str, Attr]:
    """Stroke attributes for a series kind: its colour, width and dash pattern."""
    colour = PALETTE.get(kind, PALETTE["primary"])
    dash = DASH.get(kind)
    return {
        "stroke": colour,
        "stroke_width": width,
        "stroke_dasharray": dash,
        "stroke_linejoin": "round",
        "stroke_linecap": "round",
    }


def points(pts: Sequence[tuple[float, float]]) -> str:
    """The `points` attribute of a polygon through `pts`."""
    return " ".join(f"{coord(x)},{coord(y)}" for x, y in pts)


def path(pts: Sequence[tuple[float, float] | None]) -> str:
    """SVG path data through the points, lifting the pen at None (a gap)."""
    out: list[str] = []
    pen = "M"
    for p in pts:
        if p is None:
            pen = "M"
        else:
            out.append(f"{pen}{coord(p[0])} {coord(p[1])}")
            pen = "L"
    return " ".join(out)


def wrap(text: str, limit: int = 18) -> list[str]:
    """The words of `text` greedily packed into lines of at most `limit` characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def legend(
    entries: Sequence[tuple[str, str]], x0: float, width: float, y: float, box: bool = False
) -> tuple[str, float]:
    """Legend rows centred in [x0, x0 + width] below y; returns the markup and its height."""
    rows: list[list[tuple[str, str, float]]] = [[]]
    used = 0.0
    for label, kind in entries:
        w = 26 + text_width(label, 11)
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
                rect("sk-swatch", x, cy - 5, 18, 10, kind, rx=2)
                if box
                else line("sk-swatch", x, cy, x + 18, cy, **stroke(kind, 2.5))
            )
            label_svg = text(x + 24, cy + 4, label, cls="sk-legend-label")
            parts.append(element("g", swatch + label_svg, class_=f"sk-legend-item sk-{kind}"))
            x += w + 16
    return element("g", "".join(parts), class_="sk-legend"), 20.0 * len(rows)


def chart(name: str, box: tuple[float, float, float, float], title: str, body: str) -> Markup:
    """The scalable `<svg>` root: role="img", an aria-label and a `<title>` from `title`.

    Returned as `Markup`: every text inside was escaped here, so templates insert it as it is.
    """
    label = escape(title)
    heading = f"<title>{label}</title>" if label else "<title/>"
    return Markup(_root(name, tuple(box)).format(label, heading + body))


@functools.lru_cache(maxsize=256)
def _root(name: str, box: tuple[float, ...]) -> str:
    """The `<svg>` element of `chart` as a pattern of its label and content: one per chart size."""
    view = " ".join(coord(v) for v in box)
    style = f"width:100%;max-width:{coord(box[2])}px;height:auto;vertical-align:middle"
    root = {"xmlns": "http://www.w3.org/2000/svg", "class_": f"sk-chart sk-{name}", "role": "img"}
    attrs: dict[str, Attr] = {"aria_label": FIELD, "viewBox": view, "style": style}
    return pattern("svg", FIELD, **root, **attrs, font_family=FONT)


def no_data_chart(name: str, title: str, message: str, w: float = 560, h: float = 60) -> Markup:
    """A chart of size w × h holding only `message` centred, for when there is nothing to draw."""
    size = 12 if h >= 40 else 9
    label = text(w / 2, h / 2 + size * 0.35, message, size, "middle", "faint", "sk-nodata")
    return chart(name, (0, 0, w, h), title, label)
