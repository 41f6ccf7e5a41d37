"""The HTML pages: escaped, self-contained, linked, in two languages."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import RunCli
from tests.test_cli import write_small_agency

SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_one_page_for_the_organisation_each_team_and_each_person(site: Path) -> None:
    names = {p.relative_to(site).as_posix() for p in pages(site)}
    assert "index.html" in names
    assert {n for n in names if n.startswith("people/")} == {
        "people/A1.html",
        "people/D1.html",
        "people/M1.html",
        "people/X1.html",
    }
    assert len([n for n in names if n.startswith("teams/")]) == 2


def test_a_hostile_name_stays_text_on_every_page(site: Path) -> None:
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html.lower(), page
        if page.name in {"X1.html", "index.html"} or page.name.startswith("script"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page


def test_hostile_team_gets_a_safe_file_name_inside_the_output(site: Path) -> None:
    for page in pages(site):
        assert page.resolve().is_relative_to(site.resolve())
        assert re.fullmatch(r"[A-Za-z0-9._-]+\.html", page.name)


def test_no_page_references_the_network(site: Path) -> None:
    for page in pages(site):
        html = page.read_text(encoding="utf-8").replace(SVG_NAMESPACE, "")
        assert not re.search(
            r"https?:|//[a-z0-9.-]+\.[a-z]{2,}/|<link|@import|url\(|<script|<img"
            r"|<iframe|src=",
            html,
            re.IGNORECASE,
        ), page


def test_links_between_pages_resolve(site: Path) -> None:
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"#]+)"', html):
            assert (page.parent / href).resolve().is_file(), (page, href)


def test_person_page_shows_the_parts_an_executive_needs(site: Path) -> None:
    html = (site / "people" / "A1.html").read_text(encoding="utf-8")
    for part in (
        "Promotion readiness",
        "Current levels against targets",
        "What the next level",
        "How you see yourself",
        "Development suggestions",
        "Trends across quarters",
        "<svg",
    ):
        assert part in html, part
    # The manager's comment is shown; no rater id ever is.
    # Path data (d="M 131 6 ...") is geometry, not text a reader sees: left out of the search.
    shown = re.sub(r' d="[^"]*"', "", html).replace("M1.html", "")
    assert "clear contact reports" in html and "M1" not in shown


def test_peer_ratings_of_a_small_group_are_never_shown(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    with (data / "ratings.csv").open("a", encoding="utf-8") as ratings:
        ratings.write("2026Q3,A1,P1,peer,communication,1.5,only two peers said this\n")
        ratings.write("2026Q3,A1,P2,peer,communication,5,\n")
    run_cli(["review", str(data), "--out", str(tmp_path / "out")])
    html = (tmp_path / "out" / "people" / "A1.html").read_text(encoding="utf-8")
    assert "only two peers said this" not in html
    assert "hidden (fewer than 3 raters)" in html
    assert "3.2" not in html  # the mean of the two peer ratings (1.5 + 5) / 2 = 3.25


def test_russian_pages_are_in_russian(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    run_cli(["review", str(data), "--out", str(tmp_path / "out"), "--lang", "ru"])
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    person = (tmp_path / "out" / "people" / "A1.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in index and "Квартальная оценка персонала" in index
    assert "Готовность к повышению" in person and "Понимание бизнеса клиента" in person


def test_a_manager_cannot_subtract_their_way_to_one_peers_rating(
    tmp_path: Path, run_cli: RunCli
) -> None:
    # Manager 2.5 and one peer 4: the score (0.4·2.5 + 0.2·4) / 0.6 = 3.0 would give the peer away.
    data = write_small_agency(tmp_path / "data")
    with (data / "ratings.csv").open("a", encoding="utf-8") as ratings:
        ratings.write("2026Q3,A1,P1,peer,motivation,4,\n")
    run_cli(["review", str(data), "--out", str(tmp_path / "out")])
    out = tmp_path / "out"
    team = (out / "teams" / "Retail.html").read_text(encoding="utf-8")
    person = (out / "people" / "A1.html").read_text(encoding="utf-8")
    row = re.search(r'A1\.html">Alla Executive</a></th>.*?</tr>', team, re.DOTALL)
    assert row is not None
    cells = re.findall(r'<td class="lv [^"]*" title="([^"]*)">([^<]*)</td>', row.group(0))
    motivation = cells[8]  # the ninth competency of the framework
    assert motivation[1] == "·" and "3.00" not in motivation[0]
    mine = re.search(
        r"<th scope=\"row\">Motivation and team leadership</th>.*?</tr>", person, re.DOTALL
    )
    assert mine is not None and "3.00" not in mine.group(0) and "—" in mine.group(0)
    # The levels the pages withhold are not quoted in the reasons either.
    assert "Motivation and team leadership is below the level 4 the gate requires" in person
    # HR's own file keeps the full score (the raw combination is the hand-computed one).
    scores = (out / "scores.csv").read_text(encoding="utf-8")
    assert "2026Q3,A1,motivation,3.0," in scores


def test_templates_never_mark_text_safe_themselves() -> None:
    # Only chart code returns Markup (escaped as it is built); templates escape everything else.
    templates = Path(__file__).parents[2] / "skillkit" / "report" / "templates"
    for template in templates.glob("*.html"):
        assert "|safe" not in template.read_text(encoding="utf-8").replace(" ", ""), template
