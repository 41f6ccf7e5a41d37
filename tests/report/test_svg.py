"""SVG primitives: escaping, byte-stable numbers, attribute naming, wrapping, legend, root."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from skillkit.report import svg

NS = "{http://www.w3.org/2000/svg}"


def test_escape_drops_xml_invalid_characters_and_escapes_markup() -> None:
    assert svg.escape("<a href=\"x\">'&'</a>\x00\x1f\ufffe") == (
        "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
    )
    assert svg.escape(3.5) == "3.5"


@pytest.mark.parametrize(
    ("x", "expected"),
    [(0.0, "0"), (-0.04, "0"), (2.0, "2"), (2.25, "2.2"), (-3.96, "-4"), (1234.56, "1234.6")],
)
def test_coord_rounds_to_one_decimal_without_negative_zero(x: float, expected: str) -> None:
    assert svg.coord(x) == expected


@pytest.mark.parametrize(
    ("x", "expected"),
    [(3.0, "3"), (3.5, "3.5"), (3.456, "3.46"), (-0.001, "0"), (12345.5, "12,345.5")],
)
def test_number_shows_at_most_two_decimals_with_thousands(x: float, expected: str) -> None:
    assert svg.number(x) == expected


@pytest.mark.parametrize(
    ("x", "english", "russian"),
    [
        (-0.25, "\u22120.25", "\u22120,25"),
        (12345.5, "12,345.5", "12\u00a0345,5"),
        (-1234.0, "\u22121,234", "\u22121\u00a0234"),
    ],
)
def test_number_writes_a_true_minus_and_the_readers_separators(
    x: float, english: str, russian: str
) -> None:
    assert svg.number(x) == english
    assert svg.number(x, "ru") == russian


def test_element_names_attributes_and_leaves_out_none() -> None:
    markup = svg.element("text", "hi", class_="a", font_size=11, x=1.25, stroke_dasharray=None)
    assert markup == '<text class="a" font-size="11" x="1.2">hi</text>'
    assert svg.element("rect", title='"q"') == '<rect title="&quot;q&quot;"/>'


def test_a_pattern_filled_with_values_is_the_element_built_with_them() -> None:
    made = svg.pattern("circle", svg.element("title", svg.FIELD), class_="dot", cx=svg.FIELD, r=2.5)
    assert made.format("12.5", "a &amp; b") == svg.element(
        "circle", svg.element("title", "a &amp; b"), class_="dot", cx=12.5, r=2.5
    )


def test_a_pattern_keeps_braces_in_its_fixed_text_literal() -> None:
    made = svg.pattern("text", svg.FIELD, class_="{kind}", x=svg.FIELD)
    assert made.format("3", "value") == '<text class="{kind}" x="3">value</text>'


def test_rect_turns_tip_into_a_title_child_and_keeps_the_palette_fill() -> None:
    markup = svg.rect("sk-bar", 0, 0, 10, 5, "primary", tip="<b>")
    root = ET.fromstring(markup.replace("<rect", f'<rect xmlns="{NS[1:-1]}"', 1))
    assert root.get("fill") == svg.PALETTE["primary"]
    assert "tip" not in root.attrib
    assert root.findtext(f"{NS}title") == "<b>"


def test_stroke_dashes_only_the_dashed_kinds() -> None:
    assert svg.stroke("target")["stroke_dasharray"] == svg.DASH["target"]
    assert svg.stroke("primary")["stroke_dasharray"] is None
    assert svg.stroke("unknown")["stroke"] == svg.PALETTE["primary"]


def test_path_lifts_the_pen_at_gaps() -> None:
    assert svg.path([(0, 0), (1, 1), None, (2, 2), (3, 3)]) == "M0 0 L1 1 M2 2 L3 3"
    assert svg.path([None, None]) == ""


def test_wrap_packs_words_greedily_and_never_returns_nothing() -> None:
    assert svg.wrap("Relationship management with clients", 18) == [
        "Relationship",
        "management with",
        "clients",
    ]
    assert svg.wrap("", 18) == [""]


def test_legend_breaks_into_rows_that_fit_the_width() -> None:
    entries = [(f"Series number {i}", "primary") for i in range(6)]
    _, one_row = svg.legend(entries[:1], 0, 560, 0)
    markup, height = svg.legend(entries, 0, 300, 0)
    assert one_row == 20.0
    assert height > one_row
    assert markup.count("sk-legend-item") == 6


def test_chart_root_is_accessible_and_scalable() -> None:
    root = ET.fromstring(svg.chart("demo", (0, 0, 100, 40), "A <title>", "<g/>"))
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "A <title>"
    assert root.findtext(f"{NS}title") == "A <title>"
    assert root.get("viewBox") == "0 0 100 40"
    assert root.get("class") == "sk-chart sk-demo"


def test_chart_root_is_the_same_for_every_title_and_escapes_each() -> None:
    first = svg.chart("demo", (0, 0, 100, 40), "A & B", "<g/>")
    second = svg.chart("demo", (0, 0, 100, 40), '"quoted"', "<g/>")
    assert 'aria-label="A &amp; B"' in first and "<title>A &amp; B</title>" in first
    assert 'aria-label="&quot;quoted&quot;"' in second and "A &amp; B" not in second
    assert svg.chart("demo", (0, 0, 100, 40), "", "<g/>").count("<title/>") == 1


def test_no_data_chart_centres_its_message() -> None:
    root = ET.fromstring(svg.no_data_chart("demo", "Title", "nothing yet", 200, 20))
    label = root.find(f"{NS}text")
    assert label is not None
    assert label.text == "nothing yet"
    assert label.get("x") == "100"
    assert label.get("font-size") == "9"
