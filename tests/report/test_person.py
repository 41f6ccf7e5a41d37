"""The person page's view model: its competency rows as the table's markup, its UI strings."""

from __future__ import annotations

import dataclasses

import pytest
from markupsafe import Markup

from skillkit.report.context import Cell
from skillkit.report.i18n import UI
from skillkit.report.person import CompetencyRow, competency_row_html, ui_attributes
from skillkit.report.render import environment

HOSTILE = "<script>alert('x') & \"y\"</script>"

# The loop person.html drew its rows with: `competency_row_html` must write the same bytes.
TEMPLATE_ROWS = """\
    {% for c in rows %}
      <tr>
        <th scope="row">{{ c.name }}</th>
        <td class="lv {{ c.cell.css }}" title="{{ c.cell.title }}">{{ c.cell.text }}</td>
        <td class="num score">{{ c.score }}{{ c.gap_svg }}</td><td class="num">{{ c.interval }}</td>
        <td class="num">{{ c.target }}</td>{% if target_role %}<td class="num">{{ c.target_next }}</td>{% endif %}
        <td class="trend">{{ c.trend_svg }}{% if c.run_note %}<br><span class="{{ 'warn' if c.regressed else 'muted' }} small">{{ c.run_note }}</span>{% endif %}</td><td class="num">{{ c.raters }}</td><td>{{ c.evidence }}{% if c.low_agreement %}<br><span class="warn">⚑ {{ flag }}</span>{% endif %}</td>
        <td class="indicator">{{ c.next_indicator }}</td>
      </tr>
    {% endfor %}
"""  # noqa: E501

ROW = CompetencyRow(
    name="Communication",
    cell=Cell("3", "lv-one", "Score 3.20 · Target 4"),
    score="3.20",
    interval="2.9–3.5",
    target="4",
    target_next="5",
    trend_svg=Markup('<svg class="sk-sparkline"><title>Trend</title></svg>'),
    gap_svg=Markup('<svg class="sk-gap"><title>Gap</title></svg>'),
    evidence="sufficient",
    raters=7,
    next_indicator="Leads the client's quarterly review.",
    low_agreement=False,
    run_note="+0.20 a quarter, trend level 3.4",
    regressed=False,
)
ROWS = {
    "plain": ROW,
    "regressed": dataclasses.replace(ROW, run_note="↓ down from level 4", regressed=True),
    "no note": dataclasses.replace(ROW, run_note=""),
    "low agreement": dataclasses.replace(ROW, low_agreement=True),
    "no score": dataclasses.replace(ROW, score="—", interval="—", gap_svg=Markup("")),
    "hostile": dataclasses.replace(
        ROW,
        name=HOSTILE,
        cell=Cell(HOSTILE, "lv-none", HOSTILE),
        evidence=HOSTILE,
        next_indicator=HOSTILE,
        run_note=HOSTILE,
        target_next=HOSTILE,
    ),
}


@pytest.mark.parametrize("name", ROWS)
@pytest.mark.parametrize("target_role", ["Senior account executive", ""])
def test_a_competency_row_is_the_markup_the_template_wrote(name: str, target_role: str) -> None:
    row, flag = ROWS[name], "Raters <disagreed>"
    template = environment().from_string(TEMPLATE_ROWS)
    expected = template.render(rows=[row], target_role=target_role, flag=flag)
    assert competency_row_html(row, bool(target_role), flag) + "\n" == expected


def test_a_competency_row_escapes_text_and_keeps_its_charts() -> None:
    html = competency_row_html(ROWS["hostile"], True, "flag")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert ROW.trend_svg in html and ROW.gap_svg in html
    assert isinstance(html, Markup)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_ui_attributes_hold_every_ui_string_of_the_language(lang: str) -> None:
    texts = ui_attributes(lang)
    assert vars(texts) == dict(UI[lang])
    assert ui_attributes(lang) is texts  # made once per language
