"""The shared components on the demo's pages: pipeline over quarters, gap bars, band charts,
contents, dates and numbers written as the reader writes them."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

BAND_IDS = ("ready-now", "ready-1y", "ready-2y", "not-yet", "insufficient-evidence")


class _Collect(HTMLParser):
    """Ids, hrefs, section tables' cells and <time> elements of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.toc: list[str] = []
        self.times: list[dict[str, str | None]] = []
        self._in_toc = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "nav" and "toc" in (found.get("class") or ""):
            self._in_toc = True
        if tag == "a" and self._in_toc and (found.get("href") or "").startswith("#"):
            self.toc.append(str(found["href"])[1:])
        if tag == "time":
            self.times.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_toc = False


def _parse(page: Path) -> _Collect:
    parser = _Collect()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _readiness(out: Path) -> list[dict[str, str]]:
    with (out / "readiness.csv").open(encoding="utf-8") as table:
        return list(csv.DictReader(table))


def _section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}"')
    return html[start : html.index("</section>", start)]


def test_every_page_has_contents_whose_links_land_on_its_sections(demo: Path) -> None:
    for page in [
        demo / "index.html",
        *sorted(demo.glob("teams/*.html"))[:2],
        demo / "people" / "E001.html",
    ]:
        found = _parse(page)
        assert len(found.toc) >= 5, page
        assert set(found.toc) <= found.ids, (page, set(found.toc) - found.ids)


def test_the_pipeline_table_ends_with_this_quarters_bands(demo: Path) -> None:
    html = _section((demo / "index.html").read_text(encoding="utf-8"), "pipeline")
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th>((?:<td class="num">[^<]*</td>)+)</tr>', html
    )
    last = {name: int(re.findall(r">([^<]*)<", cells)[-1].replace(",", "")) for name, cells in rows}
    bands = [row["band"] for row in _readiness(demo)]
    names = [
        "Ready now",
        "Ready within a year",
        "Ready in 1–2 years",
        "Not yet",
        "Insufficient evidence",
    ]
    assert last == {name: bands.count(band) for name, band in zip(names, BAND_IDS, strict=True)}
    # Four quarters (the rubric's trend window) of columns, oldest first.
    quarters = re.findall(r'<th scope="col" class="num">(\d{4}Q[1-4])</th>', html)
    assert quarters == sorted(quarters) and len(quarters) == 4
    assert 'class="sk-chart sk-columns"' in html


def test_a_person_page_draws_a_gap_bar_for_every_score_it_shows(demo: Path) -> None:
    html = _section((demo / "people" / "E050.html").read_text(encoding="utf-8"), "competencies")
    scores = re.findall(r'<td class="num score">([^<]*)', html)
    shown = [s for s in scores if s != "—"]
    assert shown and html.count('class="sk-chart sk-gap"') == len(shown)
    assert "95% interval" in html and "against a target of" in html


def test_a_team_page_counts_its_people_by_band(demo: Path) -> None:
    team = sorted(demo.glob("teams/*.html"))[0]
    html = team.read_text(encoding="utf-8")
    chart = re.search(r'<svg[^>]*class="sk-chart sk-bars".*?</svg>', html, re.S)
    assert chart is not None
    counted = sum(int(n) for n in re.findall(r'class="sk-value"[^>]*>(\d+)<', chart.group(0)))
    assert counted == len(
        re.findall(r'<tr>\s*<th scope="row"><a href="../people/', _section(html, "heatmap"))
    )


def test_the_readiness_table_of_a_team_lists_three_reasons_and_points_to_the_rest(
    demo: Path,
) -> None:
    for team in sorted(demo.glob("teams/*.html")):
        plans = _section(team.read_text(encoding="utf-8"), "plans")
        for cell in re.findall(r'<td class="list">(.*?)</td>', plans, re.S):
            items = re.findall(r"<li( class=\"muted\")?>", cell)
            assert len([i for i in items if not i]) <= 3, team


def test_the_generation_time_is_machine_readable_and_written_for_the_reader(
    demo: Path, demo_ru: Path
) -> None:
    for out, month in ((demo, r"[A-Z][a-z]+"), (demo_ru, r"[а-я]+")):
        html = (out / "index.html").read_text(encoding="utf-8")
        (moment,) = _parse(out / "index.html").times
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(moment["datetime"]))
        assert re.search(
            rf"<time [^>]*>\d{{1,2}}\u00a0{month} \d{{4}}, \d\d:\d\d\u00a0UTC</time>", html
        )


def test_russian_charts_write_decimal_commas_and_true_minus_signs(demo_ru: Path) -> None:
    html = (demo_ru / "index.html").read_text(encoding="utf-8")
    labels = re.findall(r'<text[^>]*class="sk-(?:tick|label)"[^>]*>([^<]+)</text>', html)
    assert labels and not [t for t in labels if re.search(r"\d\.\d|^-", t)]
    assert any("," in t for t in labels) and any(t.startswith("\u2212") for t in labels)
