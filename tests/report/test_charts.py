"""Inline SVG charts: accessible, self-contained, escaped, deterministic and geometrically right."""

from __future__ import annotations

import dataclasses
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from skillkit.report.charts import (
    Series,
    bar_chart,
    bullet,
    distribution,
    gap_bar,
    radar,
    sparkline,
    stacked_columns,
    trend_lines,
)

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"
RU = "Управление отношениями с клиентом"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def elements(root: ET.Element, tag: str, cls: str = "") -> list[ET.Element]:
    found = root.iter(f"{NS}{tag}")
    return [e for e in found if not cls or cls in e.get("class", "").split()]


def num(e: ET.Element, name: str) -> float:
    return float(e.attrib[name])


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in elements(root, "text")]


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in root.attrib["viewBox"].split())
    return x, y, w, h


# One sample of every chart, each carrying hostile text in its title and labels.
SAMPLES: dict[str, Callable[[], str]] = {
    "radar": lambda: radar(
        [HOSTILE, "Relationship management", RU],
        [Series(HOSTILE, (4.0, None, 2.0)), Series("Target", (4.0, 4.0, 4.0), "target")],
        title=HOSTILE,
    ),
    "trend_lines": lambda: trend_lines(
        ["2024Q4", HOSTILE, "2025Q2"],
        [Series(HOSTILE, (3.0, None, 3.5)), Series("Next", (2.0, 2.5, 3.0), "next")],
        title=HOSTILE,
        target=3.5,
    ),
    "sparkline": lambda: sparkline([3.0, None, 3.4, 4.1], title=HOSTILE, target=3.5),
    "bar_chart": lambda: bar_chart([(HOSTILE, 3.0, "ready-now"), ("B", 1.0, "x")], title=HOSTILE),
    "bullet": lambda: bullet(3.2, title=HOSTILE, thresholds=(2, 3, 4, 5), unit=HOSTILE),
    "distribution": lambda: distribution(
        [1.0, 2.2, 3.3], [1.5, 2.5], title=HOSTILE, labels=(HOSTILE, "Calibrated")
    ),
    "stacked_columns": lambda: stacked_columns(
        ["2025Q4", HOSTILE],
        [(HOSTILE, "ready-now", (1, 2)), ("Ready within a year", "ready-1y", (3, 0))],
        title=HOSTILE,
    ),
    "gap_bar": lambda: gap_bar(2.4, 4.0, title=HOSTILE, low=2.0, high=2.9),
}
EMPTY: dict[str, Callable[[], str]] = {
    "radar": lambda: radar([], [], title="Empty radar"),
    "trend_lines": lambda: trend_lines([], [], title="Empty trend"),
    "trend_lines all None": lambda: trend_lines(
        ["2025Q1"], [Series("A", (None,))], title="Empty trend"
    ),
    "sparkline": lambda: sparkline([], title="Empty sparkline"),
    "sparkline all None": lambda: sparkline([None, None], title="Empty sparkline"),
    "bar_chart": lambda: bar_chart([], title="Empty bars"),
    "distribution": lambda: distribution([], None, title="Empty histogram"),
    "bullet": lambda: bullet(None, title="Empty bullet", thresholds=(2, 3, 4, 5)),
    "stacked_columns": lambda: stacked_columns([], [], title="Empty columns"),
    "stacked_columns all zero": lambda: stacked_columns(
        ["2025Q1"], [("Ready now", "ready-now", (0,))], title="Empty columns"
    ),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_every_chart_is_an_accessible_scalable_svg(name: str) -> None:
    svg = SAMPLES[name]()
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == HOSTILE
    assert root[0].tag == f"{NS}title" and root[0].text == HOSTILE
    assert view_box(root)[2] > 0 and view_box(root)[3] > 0
    style = root.attrib["style"].replace(" ", "")
    assert "width:100%" in style and "max-width:" in style
    assert "sans-serif" in root.attrib["font-family"]


@pytest.mark.parametrize("name", SAMPLES)
def test_hostile_text_stays_text(name: str) -> None:
    svg = SAMPLES[name]()
    root = parse(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    if name not in ("sparkline", "gap_bar"):  # these show no labels, only their title
        assert any(HOSTILE in t for t in texts(root))


@pytest.mark.parametrize("name", [*SAMPLES, *EMPTY])
def test_charts_are_self_contained(name: str) -> None:
    svg = {**SAMPLES, **EMPTY}[name]()
    assert re.findall(r"[a-z]+://[^\s\"'<>]*", svg) == ["http://www.w3.org/2000/svg"]
    for forbidden in ("href", "<script", "foreignObject", "url(", "<image", "<style", "@import"):
        assert forbidden not in svg


@pytest.mark.parametrize("name", SAMPLES)
def test_output_is_byte_stable_with_one_decimal_coordinates(name: str) -> None:
    assert SAMPLES[name]() == SAMPLES[name]()
    root = parse(SAMPLES[name]())
    geometry = ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height")
    for e in root.iter():
        for key in geometry:
            if key in e.attrib:
                assert re.fullmatch(r"-?\d+(\.\d)?", e.attrib[key]), (e.tag, key, e.attrib[key])
    for d in [e.attrib["d"] for e in elements(root, "path")]:
        assert not re.search(r"\d\.\d\d", d)


@pytest.mark.parametrize("name", EMPTY)
def test_empty_input_draws_no_data_instead_of_raising(name: str) -> None:
    root = parse(EMPTY[name]())
    assert root.get("role") == "img"
    assert "no data" in texts(root)


def test_no_data_text_can_be_translated() -> None:
    root = parse(bar_chart([], title="Готовность", no_data="нет данных"))
    assert texts(root) == ["нет данных"]


def test_mismatched_lengths_raise() -> None:
    with pytest.raises(ValueError, match="2 values for 3 axes"):
        radar(["A", "B", "C"], [Series("p", (1.0, 2.0))], title="t")
    with pytest.raises(ValueError, match="3 values for 2 periods"):
        trend_lines(["Q1", "Q2"], [Series("p", (1.0, 2.0, 3.0))], title="t")


def test_series_is_frozen_and_rejects_unknown_kinds() -> None:
    s = Series("p", (1.0,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.label = "q"  # type: ignore[misc]
    with pytest.raises(ValueError, match="kind"):
        Series("p", (1.0,), kind="dashed")


def test_xml_invalid_control_characters_are_dropped() -> None:
    root = parse(bar_chart([("Ann\x00a\x1b", 2.0, "ready-now")], title="t\x0b"))
    assert "Anna" in texts(root)


# --- radar geometry ---------------------------------------------------------------------------


def radar_vertices(root: ET.Element, kind: str = "primary") -> list[tuple[float, float]]:
    return [(num(c, "cx"), num(c, "cy")) for c in elements(root, "circle", f"sk-{kind}")]


def test_radar_places_vertices_on_their_spokes() -> None:
    root = parse(radar(["A", "B", "C", "D"], [Series("p", (5.0, 0.0, 2.5, 5.0))], title="t"))
    spokes = elements(root, "line", "sk-spoke")
    assert len(spokes) == 4
    assert all(num(s, "x1") == 0 and num(s, "y1") == 0 for s in spokes)  # centre at the origin
    top = spokes[0]
    assert num(top, "x2") == 0 and num(top, "y2") < 0  # the first axis points straight up
    radius = -num(top, "y2")
    assert radar_vertices(root) == [(0, -radius), (0, 0), (0, radius / 2), (-radius, 0)]
    polygon = elements(root, "polygon", "sk-series")[0]
    assert polygon.attrib["points"] == f"0,{-radius:g} 0,0 0,{radius / 2:g} {-radius:g},0"


def test_radar_scales_between_min_and_max_and_clamps() -> None:
    root = parse(
        radar(["A", "B"], [Series("p", (3.0, 9.0))], title="t", min_value=1.0, max_value=5.0)
    )
    radius = -num(elements(root, "line", "sk-spoke")[0], "y2")
    (x0, y0), (x1, y1) = radar_vertices(root)
    assert (x0, y0) == (0, -radius / 2)
    assert (x1, y1) == (0, radius)  # 9 is beyond the scale: drawn on the outer ring


def test_radar_draws_missing_values_hollow_at_the_centre() -> None:
    root = parse(radar(["A", "B", "C"], [Series("p", (4.0, None, 4.0))], title="t"))
    missing = elements(root, "circle", "sk-missing")
    assert len(missing) == 1
    assert (num(missing[0], "cx"), num(missing[0], "cy")) == (0, 0)
    filled = elements(root, "circle", "sk-vertex")[0]
    assert missing[0].attrib["fill"] != filled.attrib["fill"]
    assert missing[0].attrib["stroke"] == filled.attrib["fill"]
    assert "no data" in (missing[0].findtext(f"{NS}title") or "")


def test_radar_fills_the_primary_and_dashes_the_target() -> None:
    root = parse(
        radar(
            ["A", "B", "C"],
            [Series("me", (3.0, 3.0, 3.0)), Series("goal", (4.0, 4.0, 4.0), "target")],
            title="t",
        )
    )
    primary, target = elements(root, "polygon", "sk-series")
    assert primary.attrib["fill"] != "none" and float(primary.attrib["fill-opacity"]) < 0.5
    assert "stroke-dasharray" not in primary.attrib
    assert target.attrib["fill"] == "none" and target.attrib["stroke-dasharray"]
    legend = [t.text for t in elements(root, "text", "sk-legend-label")]
    assert legend == ["me", "goal"]
    assert [num(t, "font-size") for t in elements(root, "text", "sk-tick")] == [9] * 5


def test_radar_labels_fit_inside_the_view_box() -> None:
    axes = ["Relationship management", RU, "Commercial acumen", "Client insight", "Leadership"]
    root = parse(radar(axes, [Series("p", (3.0,) * 5)], title="t"))
    vx, vy, vw, vh = view_box(root)
    labels = elements(root, "text", "sk-axis-label")
    assert " ".join(t.text or "" for t in labels).split() == " ".join(axes).split()
    for label in labels:
        size, x, y = num(label, "font-size"), num(label, "x"), num(label, "y")
        width = len(label.text or "") * size * 0.55  # an average sans-serif glyph
        left = {"start": x, "middle": x - width / 2, "end": x - width}[label.attrib["text-anchor"]]
        assert vx <= left and left + width <= vx + vw, label.text
        assert vy <= y - size and y <= vy + vh, label.text
    assert max(len(t.text or "") for t in labels) <= 18  # long names wrap onto lines


def test_radar_labels_stay_outside_the_outer_ring() -> None:
    axes = ["Relationship management", RU, "Commercial acumen", "Client insight", "Leadership"]
    axes += ["Strategic thinking and planning", "Delivery excellence"]
    root = parse(radar(axes, [Series("p", (5.0,) * 7)], title="t"))
    radius = -num(elements(root, "line", "sk-spoke")[0], "y2")
    for label in elements(root, "text", "sk-axis-label"):
        size, x, y = num(label, "font-size"), num(label, "x"), num(label, "y")
        width = len(label.text or "") * size * 0.55
        left = {"start": x, "middle": x - width / 2, "end": x - width}[label.attrib["text-anchor"]]
        dx = max(left, 0.0, -(left + width))
        dy = max(y - size * 0.8, 0.0, -(y + size * 0.2))
        assert (dx * dx + dy * dy) ** 0.5 > radius, label.text


# --- trend lines and sparklines ---------------------------------------------------------------


def test_trend_lines_break_at_gaps_and_draw_the_target() -> None:
    periods = ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    root = parse(
        trend_lines(
            periods,
            [Series("a", (2.0, 3.0, None, 4.0)), Series("b", (1.0, 2.0, 3.0, 4.0))],
            title="t",
            target=3.5,
        )
    )
    a, b = elements(root, "path", "sk-series")
    assert a.attrib["d"].count("M") == 2 and b.attrib["d"].count("M") == 1
    assert len(elements(root, "circle", "sk-point")) == 7
    assert [t.text for t in elements(root, "text", "sk-period")] == periods
    target = elements(root, "line", "sk-target-line")[0]
    assert target.attrib["stroke-dasharray"] and num(target, "y1") == num(target, "y2")
    # 3.5 sits three quarters of the way from y=1 to y=5 on the value axis
    b_points = elements(root, "circle", "sk-point")[3:]
    y1, y4 = num(b_points[0], "cy"), num(b_points[3], "cy")
    assert num(target, "y1") == pytest.approx(y1 + (y4 - y1) * 2.5 / 3, abs=0.1)


def test_sparkline_marks_the_last_value_and_skips_gaps() -> None:
    root = parse(sparkline([2.0, None, 3.0, 5.0, None], title="t", width=100, height=20))
    assert view_box(root) == (0, 0, 100, 20)
    path = elements(root, "path")[0].attrib["d"]
    assert path.count("M") == 2
    last = elements(root, "circle", "sk-last")[0]
    assert num(last, "cy") == pytest.approx(3.5)  # 5.0 is the top of 1..5 inside the padding
    assert path.endswith(f"{last.attrib['cx']} {last.attrib['cy']}")
    assert not elements(root, "line", "sk-target-line")
    assert elements(parse(sparkline([3.0], title="t", target=4.0)), "line", "sk-target-line")


# --- bars, bullets and histograms -------------------------------------------------------------


def test_bar_lengths_are_proportional_and_colours_follow_the_band() -> None:
    items = [("A", 2.0, "ready-now"), ("B", 4.0, "not-yet"), ("C", 1.0, "mystery")]
    root = parse(bar_chart(items, title="t"))
    bars = elements(root, "rect", "sk-bar")
    widths = [num(b, "width") for b in bars]
    room = view_box(root)[2] - num(bars[1], "x")
    assert widths[1] >= 0.8 * room  # the longest bar uses the room it has
    assert widths[0] / widths[1] == pytest.approx(0.5, abs=0.01)
    assert widths[2] / widths[1] == pytest.approx(0.25, abs=0.01)
    assert [b.attrib["class"] for b in bars] == [
        "sk-bar sk-ready-now",
        "sk-bar sk-not-yet",
        "sk-bar sk-primary",
    ]
    assert len({b.attrib["fill"] for b in bars}) == 3
    values = elements(root, "text", "sk-value")
    assert [v.text for v in values] == ["2", "4", "1"]
    for bar, value in zip(bars, values, strict=True):
        assert num(value, "x") > num(bar, "x") + num(bar, "width")


def test_bar_chart_band_colours_are_fixed() -> None:
    kinds = ["ready-now", "ready-1y", "ready-2y", "not-yet", "insufficient-evidence"]
    root = parse(bar_chart([(k, 1.0, k) for k in kinds], title="t"))
    fills = {b.attrib["class"].split()[1]: b.attrib["fill"] for b in elements(root, "rect")}
    assert fills == {
        "sk-ready-now": "#009E73",  # Okabe-Ito bluish green
        "sk-ready-1y": "#0072B2",  # blue
        "sk-ready-2y": "#56B4E9",  # sky blue
        "sk-not-yet": "#A8A8A8",  # grey
        "sk-insufficient-evidence": "#E69F00",  # orange
    }


def zone_of(root: ET.Element) -> int:
    marker = elements(root, "rect", "sk-marker")[0]
    centre = num(marker, "x") + num(marker, "width") / 2
    for zone in elements(root, "rect", "sk-zone"):
        if num(zone, "x") <= centre <= num(zone, "x") + num(zone, "width"):
            return int(zone.attrib["class"].split("sk-zone-")[1])
    raise AssertionError("marker outside every zone")


def test_bullet_marker_lands_in_the_zone_of_its_level() -> None:
    assert zone_of(parse(bullet(3.5, title="t", thresholds=(2, 3, 4, 5)))) == 3
    assert zone_of(parse(bullet(1.0, title="t", thresholds=(2, 3, 4, 5)))) == 1
    assert zone_of(parse(bullet(5.2, title="t", thresholds=(2, 3, 4, 5)))) == 5


def test_bullet_reverses_zones_when_lower_is_better() -> None:
    rising = parse(bullet(25, title="t", thresholds=(10, 20, 30, 40)))
    falling = parse(bullet(25, title="t", thresholds=(40, 30, 20, 10), lower_is_better=True))
    order = [
        [z.attrib["class"][-1] for z in elements(r, "rect", "sk-zone")] for r in (rising, falling)
    ]
    assert order == [list("12345"), list("54321")]
    assert zone_of(rising) == 3  # 25 is past the level 3 threshold of 20
    assert zone_of(falling) == 3  # 25 is below the level 3 threshold of 30
    assert (
        zone_of(parse(bullet(5, title="t", thresholds=(40, 30, 20, 10), lower_is_better=True))) == 5
    )


def test_bullet_widens_its_axis_for_values_outside_the_thresholds() -> None:
    for value in (-50.0, 400.0):
        root = parse(bullet(value, title="t", thresholds=(10, 20, 30, 40), unit="%"))
        marker = elements(root, "rect", "sk-marker")[0]
        zones = elements(root, "rect", "sk-zone")
        assert num(zones[0], "x") <= num(marker, "x")
        assert num(marker, "x") + 3 <= num(zones[-1], "x") + num(zones[-1], "width")
    assert "400%" in texts(root)


def test_bullet_labels_value_with_unit_or_says_no_data() -> None:
    root = parse(
        bullet(12, title="t", thresholds=(30, 20, 14, 10), lower_is_better=True, unit="days")
    )
    assert "12 days" in texts(root)
    empty = parse(bullet(None, title="t", thresholds=(2, 3, 4, 5)))
    assert "no data" in texts(empty)
    assert not elements(empty, "rect", "sk-marker")
    assert len(elements(empty, "rect", "sk-zone")) == 5


def test_bullet_rejects_thresholds_that_do_not_fit_the_direction() -> None:
    with pytest.raises(ValueError, match="4 thresholds"):
        bullet(1, title="t", thresholds=(2, 3, 4))
    with pytest.raises(ValueError, match="rise"):
        bullet(1, title="t", thresholds=(5, 4, 3, 2))
    with pytest.raises(ValueError, match="fall"):
        bullet(1, title="t", thresholds=(2, 3, 4, 5), lower_is_better=True)


def test_distribution_counts_scores_into_bins() -> None:
    root = parse(distribution([1.0, 1.2, 1.6, 3.0, 5.5], None, title="t"))
    bars = elements(root, "rect", "sk-bar")
    assert len(bars) == 9
    heights = [num(b, "height") for b in bars]
    unit = heights[0] / 2
    assert unit > 0
    assert [round(h / unit) for h in heights] == [2, 1, 0, 0, 1, 0, 0, 0, 1]


def test_distribution_puts_the_second_series_beside_the_first() -> None:
    root = parse(distribution([3.1], [3.2, 3.3], title="t", labels=("Raw", "Calibrated")))
    raw = elements(root, "rect", "sk-primary")
    calibrated = elements(root, "rect", "sk-second")
    assert len(raw) == len(calibrated) == 9
    for a, b in zip(raw, calibrated, strict=True):
        assert num(b, "x") >= num(a, "x") + num(a, "width")
        assert a.attrib["fill"] != b.attrib["fill"]
    assert num(calibrated[4], "height") == pytest.approx(2 * num(raw[4], "height"), abs=0.2)
    assert [t.text for t in elements(root, "text", "sk-legend-label")] == ["Raw", "Calibrated"]


def test_distribution_rejects_bins_that_do_not_rise() -> None:
    with pytest.raises(ValueError, match="bins"):
        distribution([1.0], None, title="t", bins=(1, 3, 2))


def test_stacked_columns_stack_each_quarter_and_total_it() -> None:
    root = parse(
        stacked_columns(
            ["2026Q1", "2026Q2"],
            [("Ready now", "ready-now", (2, 5)), ("Ready within a year", "ready-1y", (4, 0))],
            title="Pipeline",
        )
    )
    bars = elements(root, "rect", "sk-bar")
    # No segment is drawn for a zero count; the others carry their count as a tooltip.
    assert [b.find(f"{NS}title").text for b in bars] == [  # type: ignore[union-attr]
        "2026Q1 · Ready now: 2",
        "2026Q2 · Ready now: 5",
        "2026Q1 · Ready within a year: 4",
    ]
    first, _, above = bars
    # The second band sits on top of the first: its bottom is the first one's top.
    assert num(above, "y") + num(above, "height") == pytest.approx(num(first, "y"), abs=0.1)
    assert num(above, "height") == pytest.approx(2 * num(first, "height"), abs=0.2)
    assert "6" in texts(root) and "5" in texts(root)  # the totals above the columns
    assert {"Ready now", "Ready within a year"} <= set(texts(root))  # the legend names them


def test_stacked_columns_refuse_a_stack_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="2 values for 1 periods"):
        stacked_columns(["2026Q1"], [("A", "ready-now", (1, 2))], title="t")


def test_a_gap_bar_draws_the_gap_only_below_target() -> None:
    below = parse(gap_bar(2.5, 4.0, title="t", low=2.0, high=3.0))
    (gap,) = elements(below, "line", "sk-gap")
    (dot,) = elements(below, "circle", "sk-score")
    (tick,) = elements(below, "line", "sk-target-tick")
    assert num(gap, "x1") == pytest.approx(num(dot, "cx")) and num(gap, "x2") == num(tick, "x1")
    (interval,) = elements(below, "rect", "sk-interval")
    assert num(interval, "x") < num(dot, "cx") < num(interval, "x") + num(interval, "width")
    above = parse(gap_bar(4.5, 4.0, title="t"))
    assert not elements(above, "line", "sk-gap") and not elements(above, "rect", "sk-interval")
    assert num(elements(above, "circle", "sk-score")[0], "cx") > num(tick, "x1")


def test_a_gap_bar_without_a_score_still_marks_the_target() -> None:
    root = parse(gap_bar(None, 3.0, title="t", low=2.0, high=3.5))
    assert elements(root, "line", "sk-target-tick") and elements(root, "rect", "sk-interval")
    assert not elements(root, "circle", "sk-score") and not elements(root, "line", "sk-gap")


def test_a_bullet_widened_for_one_value_leaves_the_next_bullets_axis_alone() -> None:
    thresholds = (2, 3, 4, 5)
    before = bullet(3.2, title="t", thresholds=thresholds)
    wide = parse(bullet(40.0, title="t", thresholds=thresholds))
    assert num(elements(wide, "rect", "sk-marker")[0], "x") < 252  # the value stays on the axis
    assert bullet(3.2, title="t", thresholds=thresholds) == before


def test_radars_sharing_axes_each_draw_their_own_values() -> None:
    axes = ["A", "B", "C"]
    low = parse(radar(axes, [Series("p", (1.0, 1.0, 1.0))], title="t"))
    high = parse(radar(axes, [Series("p", (5.0, 5.0, 5.0))], title="t"))
    reach = [max(math.hypot(x, y) for x, y in radar_vertices(r)) for r in (low, high)]
    assert reach[0] < reach[1]


def test_a_sparkline_of_infinite_values_says_no_data() -> None:
    root = parse(sparkline([float("inf"), float("nan"), None], title="t", no_data="nothing"))
    assert texts(root) == ["nothing"]


def test_numbers_in_charts_follow_the_language() -> None:
    english = texts(parse(distribution([-0.5, 0.25, 1200.5], None, title="t", bins=(-1, 0, 2000))))
    russian = texts(
        parse(distribution([-0.5, 0.25, 1200.5], None, title="t", bins=(-1, 0, 2000), lang="ru"))
    )
    assert "−1" in english and "2,000" in english
    assert "−1" in russian and "2\u00a0000" in russian
    kpi = texts(parse(bullet(2.75, title="t", thresholds=(1.5, 2.5, 3.5, 4.5), lang="ru")))
    assert "2,75" in kpi and "1,5" in kpi
