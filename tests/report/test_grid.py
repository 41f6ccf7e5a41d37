"""The 9-box as an inline SVG grid: nine named cells, counts, names escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from skillkit.report.grid import cell_keys, nine_box_grid
from skillkit.rubric import DEFAULT_CELLS

NS = "{http://www.w3.org/2000/svg}"


NAMES = {key: text.en for key, text in DEFAULT_CELLS.items()}
BANDS = {"low": "Low", "moderate": "Moderate", "high": "High"}
HOSTILE = "<img src=x onerror=alert(1)>"


def grid(people: dict[str, list[str]] | None = None, names: dict[str, str] = NAMES) -> str:
    counts = {key: k for k, key in enumerate(cell_keys())}
    return str(
        nine_box_grid(
            counts,
            names,
            title="9-box of <Retail & FMCG>",
            axis_performance="Performance",
            axis_potential="Potential",
            band_labels=BANDS,
            people=people,
        )
    )


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{NS}text")]


def test_the_grid_is_valid_svg_with_nine_named_cells_and_their_counts() -> None:
    root = ET.fromstring(grid())
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    assert root.find(f"{NS}title").text == "9-box of <Retail & FMCG>"  # type: ignore[union-attr]
    cells = [g for g in root.iter(f"{NS}g") if "sk-cell" in (g.get("class") or "").split()]
    assert len(cells) == 9
    for k, key in enumerate(cell_keys()):
        (cell,) = [g for g in cells if f"sk-cell-{key}" in (g.get("class") or "").split()]
        shown = texts(cell)
        assert " ".join(shown[:-1]).startswith(NAMES[key].split()[0]) and shown[-1] == str(k)
        assert cell.find(f"{NS}rect") is not None
    desc = root.find(f"{NS}desc")
    assert desc is not None and "Star (Performance: High, Potential: High): 8" in (desc.text or "")
    assert "Under-performer (Performance: Low, Potential: Low): 0" in (desc.text or "")
    assert not [t for t in root.iter(f"{NS}text") if "sk-cell-person" in (t.get("class") or "")]


def test_the_grid_puts_potential_up_and_performance_right() -> None:
    root = ET.fromstring(grid())
    where: dict[str, tuple[float, float]] = {}
    for g in root.iter(f"{NS}g"):
        classes = (g.get("class") or "").split()
        if "sk-cell" in classes:
            box = g.find(f"{NS}rect")
            assert box is not None
            key = classes[1].removeprefix("sk-cell-")
            where[key] = (float(box.get("x", "nan")), float(box.get("y", "nan")))
    assert where["high-low"][0] > where["moderate-low"][0] > where["low-low"][0]
    assert where["low-high"][1] < where["low-moderate"][1] < where["low-low"][1]


def test_team_grids_list_a_few_names_then_how_many_more() -> None:
    people = {"high-high": [f"Person {k}" for k in range(6)], "low-low": ["Ann"]}
    root = ET.fromstring(grid(people))
    listed = [t.text for t in root.iter(f"{NS}text") if t.get("class") == "sk-cell-person"]
    assert listed == ["Person 0", "Person 1", "Person 2", "Person 3", "+2", "Ann"]


def test_hostile_names_stay_text() -> None:
    names = dict(NAMES, **{"high-high": "<b>Star</b>"})
    markup = grid({"high-high": [HOSTILE, "<i>x</i>"]}, names)
    assert "<img" not in markup and "<b>" not in markup and "<i>" not in markup
    root = ET.fromstring(markup)
    shown = texts(root)
    assert "<i>x</i>" in shown and "<b>Star</b>" in shown
    assert any(s.startswith("<img src=x") for s in shown)  # long names are cut, still text
    assert not [e for e in root.iter() if e.tag in {f"{NS}img", "img", f"{NS}b", "b"}]


def test_the_grid_refuses_unknown_cells_and_missing_names() -> None:
    with pytest.raises(ValueError, match="unknown"):
        nine_box_grid(
            {"top-top": 1},
            NAMES,
            title="t",
            axis_performance="x",
            axis_potential="y",
            band_labels=BANDS,
        )
    with pytest.raises(ValueError, match="missing"):
        grid(names={"high-high": "Star"})
