"""Getting around the reports: every link resolves, clicks lead where they say, pages hold together.

The link check reads the HTML files in Python; everything else runs in Debian's Chromium, offline,
one browser context per test.
"""

from __future__ import annotations

import csv
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.report.conftest import CHROMIUM

# The link check needs no browser; every other test is marked `browser` one by one.
in_chromium = pytest.mark.browser
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
LANGS = ("en", "ru")
KINDS = ("org", "team", "person")
WIDE, NARROW, HEIGHT = 1280, 400, 900
every_kind_of_page = pytest.mark.parametrize(
    ("lang", "kind"), [(lang, kind) for lang in LANGS for kind in KINDS]
)
# A code point of the last private-use plane: no installed font has a glyph for it, so Chromium
# draws the font's "missing glyph" box; Cyrillic drawn that way would measure exactly the same.
NO_GLYPH = "\U0010fffd"
# Old Permic, a Cyrillic-era script no Debian font covers: the control that shows the comparison
# above really does notice letters without glyphs.
UNSUPPORTED_SCRIPT = "".join(map(chr, range(0x10350, 0x1037A)))


# --- which pages ------------------------------------------------------------------------------


def _site(request: pytest.FixtureRequest, lang: str) -> Path:
    """The English (`demo`) or Russian (`demo_ru`) demo site."""
    site: Path = request.getfixturevalue("demo" if lang == "en" else "demo_ru")
    return site


def _page_of(site: Path, kind: str) -> Path:
    """The organisation page, the first team, or the first person assessed for a next role."""
    if kind == "org":
        return site / "index.html"
    if kind == "team":
        return sorted((site / "teams").glob("*.html"))[0]
    with (site / "readiness.csv").open(encoding="utf-8") as table:
        aiming = next(row["employee_id"] for row in csv.DictReader(table) if row["target_role"])
    return site / "people" / f"{aiming}.html"


# --- the link check (Python only) -------------------------------------------------------------


class _LinksAndIds(HTMLParser):
    """Every <a href> of a page and every id an element carries."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href") is not None:
            self.hrefs.append(str(values["href"]))


@cache
def _parsed(page: Path) -> _LinksAndIds:
    parser = _LinksAndIds()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser


def _broken_links(site: Path) -> tuple[list[str], int]:
    """What is wrong with the links of every HTML page of a site, and how many links it has."""
    broken: list[str] = []
    pages = sorted(site.rglob("*.html"))
    checked = 0
    for page in pages:
        for href in _parsed(page).hrefs:
            checked += 1
            where = f"{page.relative_to(site)}: href={href!r}"
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                broken.append(f"{where}: not relative (the reports are read offline)")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_relative_to(site.resolve()):
                broken.append(f"{where}: leaves the report folder")
            elif not target.is_file():
                broken.append(f"{where}: no such file")
            elif parts.fragment and unquote(parts.fragment) not in _parsed(target).ids:
                broken.append(f"{where}: no element with id {parts.fragment!r} in {target.name}")
    return broken, checked


@pytest.mark.parametrize("lang", LANGS)
def test_every_link_on_every_page_leads_to_an_existing_page_and_anchor(
    request: pytest.FixtureRequest, lang: str
) -> None:
    site = _site(request, lang)
    pages = list(site.rglob("*.html"))
    assert len(pages) > 20 and (site / "index.html") in pages  # org + teams + people
    broken, checked = _broken_links(site)
    assert broken == [], "\n".join(broken[:30])
    assert checked > 2 * len(pages)  # the parser really saw the links


def test_the_link_check_notices_a_missing_page_anchor_and_an_absolute_link(
    tmp_path: Path,
) -> None:
    (tmp_path / "index.html").write_text(
        '<a href="#here" id="here">ok</a> <a href="gone.html">1</a> <a href="#nowhere">2</a>'
        ' <a href="https://example.com/">3</a> <a href="file:///etc/passwd">4</a>'
        ' <a href="../outside.html">5</a>',
        encoding="utf-8",
    )
    broken, checked = _broken_links(tmp_path)
    assert checked == 6
    assert [line.rsplit(": ", 1)[1] for line in broken] == [
        "no such file",
        "no element with id 'nowhere' in index.html",
        "not relative (the reports are read offline)",
        "not relative (the reports are read offline)",
        "leaves the report folder",
    ]


# --- the browser ------------------------------------------------------------------------------


@contextmanager
def _opened(browser: Any, page: Path, width: int = WIDE) -> Iterator[Any]:
    """A tab of its own context showing `page`; any request off this machine is refused."""
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, offline=True)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    tab = context.new_page()
    tab.requests, tab.errors = [], []
    tab.on("request", lambda req: tab.requests.append(req.url))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    try:
        tab.goto(page.as_uri())
        yield tab
        assert all(url.startswith(("file:", "data:")) for url in tab.requests), tab.requests
        assert tab.errors == []
    finally:
        context.close()


def _follow(tab: Any, link: Any) -> str:
    """Click `link`, wait until its target is shown and return the link's text."""
    text: str = link.inner_text().strip()
    target = urljoin(tab.url, link.get_attribute("href"))
    link.click()
    tab.wait_for_url(target)
    tab.wait_for_load_state()
    return text


def _h1(tab: Any) -> str:
    text: str = tab.locator("h1").inner_text()
    return text.strip()


@in_chromium
@needs_chromium
@pytest.mark.parametrize("lang", LANGS)
def test_a_reader_clicks_from_the_organisation_to_a_person_and_back_by_the_breadcrumbs(
    browser: Any, request: pytest.FixtureRequest, lang: str
) -> None:
    site = _site(request, lang)
    with _opened(browser, site / "index.html") as tab:
        organisation = _h1(tab)

        team = _follow(tab, tab.locator("#teams a").first)
        assert "/teams/" in tab.url and team in _h1(tab)
        team_url = tab.url

        person = _follow(tab, tab.locator("#heatmap tbody th[scope=row] a").first)
        assert "/people/" in tab.url and _h1(tab) == person

        crumbs = tab.locator("header nav.crumbs")
        assert crumbs.get_by_role("link").all_inner_texts()[1:] == [team]
        _follow(tab, crumbs.get_by_role("link", name=team, exact=True))
        assert tab.url == team_url and team in _h1(tab)

        _follow(tab, tab.locator("header nav.crumbs").get_by_role("link").first)
        assert tab.url == (site / "index.html").as_uri() and _h1(tab) == organisation


@in_chromium
@needs_chromium
@pytest.mark.parametrize("lang", LANGS)
def test_a_contents_link_scrolls_its_section_into_view(
    browser: Any, request: pytest.FixtureRequest, lang: str
) -> None:
    with _opened(browser, _site(request, lang) / "index.html") as tab:
        link = tab.locator("nav.toc a[href='#fairness']")
        section = tab.locator("section#fairness")
        assert section.bounding_box()["y"] > HEIGHT  # below the fold before the click
        link.click()
        tab.wait_for_url("**/index.html#fairness")
        top = section.bounding_box()["y"]
        assert -1 <= top < HEIGHT / 2, top  # at the top of the viewport, give or take a subpixel


# --- what every kind of page looks like ---------------------------------------------------------

STRUCTURE_JS = """() => {
  const all = (selector) => [...document.querySelectorAll(selector)];
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const brief = (el) => el.outerHTML.slice(0, 120);
  const summary = document.querySelector("main section.summary");
  const first = document.querySelector("main section:not(.summary)");
  return {
    h1Shown: all("h1").filter(shown).length,
    landmarks: ["body > header", "main"].map((sel) => all(sel).filter(shown).length),
    navs: all("nav").map((nav) => [nav.className, shown(nav)]),
    summary: summary && {
      shown: shown(summary),
      heading: summary.querySelector("h2").textContent.trim(),
      bottom: summary.getBoundingClientRect().bottom,
    },
    firstSectionTop: first && first.getBoundingClientRect().top,
    svgs: all("main svg[role=img]").length,
    badSvgs: all("main svg[role=img]").filter((svg) => {
      const title = svg.querySelector(":scope > title");
      return !shown(svg) || !(title && title.textContent.trim());
    }).map(brief),
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
  };
}"""

SUMMARY_HEADING = {"en": "In short", "ru": "Коротко"}


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR", png[:16]
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@in_chromium
@needs_chromium
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_page_structure_in_a_full_page_screenshot_at_1280_px(
    browser: Any, request: pytest.FixtureRequest, lang: str, kind: str
) -> None:
    path = _page_of(_site(request, lang), kind)
    with _opened(browser, path) as tab:
        found = tab.evaluate(STRUCTURE_JS)
        width, height = _png_size(tab.screenshot(full_page=True))
    where = f"{lang}/{kind}: {path.name}"

    assert width == WIDE, where
    assert height == found["scrollHeight"] > HEIGHT, (where, height)
    assert found["h1Shown"] == 1, where
    assert found["landmarks"] == [1, 1], (where, "header, main", found["landmarks"])
    navs = dict(found["navs"])
    assert all(navs.values()), (where, "hidden nav", navs)
    assert ("crumbs" in navs) == (kind != "org"), (
        where,
        "breadcrumbs below the organisation",
        navs,
    )
    assert kind != "org" or "toc" in navs, (where, "contents on the organisation page", navs)
    summary = found["summary"]
    assert summary and summary["shown"], where
    assert summary["heading"] == SUMMARY_HEADING[lang], where
    assert summary["bottom"] <= found["firstSectionTop"], (where, summary, found)
    assert found["svgs"] > 0 and found["badSvgs"] == [], (where, found["badSvgs"])
    assert found["scrollWidth"] <= WIDE, (where, found["scrollWidth"])


@in_chromium
@needs_chromium
@every_kind_of_page
def test_every_table_has_a_visible_header_row(
    browser: Any, request: pytest.FixtureRequest, lang: str, kind: str
) -> None:
    path = _page_of(_site(request, lang), kind)
    with _opened(browser, path) as tab:
        tables = tab.locator("main table").all()
        headless = [
            table.evaluate("t => t.caption ? t.caption.textContent.trim() : t.outerHTML")
            for table in tables
            if not table.locator(":scope > thead").is_visible()
        ]
    assert len(tables) > 0, f"{lang}/{kind}: {path.name}"
    assert headless == [], f"{lang}/{kind}: {path.name}: tables without a visible thead: {headless}"


@in_chromium
@needs_chromium
@every_kind_of_page
def test_a_400_px_wide_page_has_no_horizontal_page_scroll(
    browser: Any, request: pytest.FixtureRequest, lang: str, kind: str
) -> None:
    path = _page_of(_site(request, lang), kind)
    with _opened(browser, path, width=NARROW) as tab:
        scroll_width = tab.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= NARROW + 1, f"{lang}/{kind}: {path.name}: scrollWidth {scroll_width}"


# --- Cyrillic ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cyrillic_person(demo_ru: Path) -> tuple[Path, str]:
    """The page of the Russian demo's first person whose name is written in Cyrillic."""
    with (demo_ru / "data" / "people.csv").open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    row = next(r for r in rows if re.search("[А-Яа-яЁё]", r["name"]))
    return demo_ru / "people" / f"{row['employee_id']}.html", row["name"]


GLYPH_WIDTHS_JS = """([noGlyph, unsupported]) => {
  const h1 = document.querySelector("h1");
  const letters = [...h1.textContent].filter((c) => /\\p{Script=Cyrillic}/u.test(c));
  const measure = (text) => {
    const span = document.createElement("span");
    span.textContent = text;
    h1.appendChild(span);
    const width = span.getBoundingClientRect().width;
    span.remove();
    return width;
  };
  const range = document.createRange();
  range.selectNodeContents(h1);
  return {
    text: h1.textContent,
    textWidth: range.getBoundingClientRect().width,
    letters: letters.length,
    cyrillic: measure(letters.join("")),
    missing: measure(noGlyph.repeat(letters.length)),
    unsupported: measure(unsupported.slice(0, 2 * letters.length)),
  };
}"""


@in_chromium
@needs_chromium
def test_a_cyrillic_name_is_drawn_with_real_glyphs_on_a_russian_person_page(
    browser: Any, cyrillic_person: tuple[Path, str]
) -> None:
    page, name = cyrillic_person
    with _opened(browser, page) as tab:
        assert tab.locator("html").get_attribute("lang") == "ru"
        found = tab.evaluate(GLYPH_WIDTHS_JS, [NO_GLYPH, UNSUPPORTED_SCRIPT])
    assert found["text"].strip() == name
    assert found["letters"] == len(name.replace(" ", ""))
    assert found["textWidth"] > 0 and found["cyrillic"] > 0, found
    # Letters missing from every font are all drawn as the same box: the control measures so...
    assert abs(found["unsupported"] - found["missing"]) < 0.01, found
    # ...and the Cyrillic letters do not.
    assert abs(found["cyrillic"] - found["missing"]) > 1, found
