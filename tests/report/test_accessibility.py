"""Accessibility of every kind of page, in a real browser: axe-core and the structure we promise.

axe-core comes from the installed `axe-playwright-python` package (it bundles axe.min.js) and is
injected by Playwright into Debian's Chromium: nothing is downloaded while the tests run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.report.conftest import CHROMIUM, REPORT_PAGES, ReportPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
BLOCKING = ("serious", "critical")

# What the issue promises of every page, read from the DOM Chromium built (not from the source).
STRUCTURE_JS = """() => {
  const all = (selector) => [...document.querySelectorAll(selector)];
  const brief = (el) => el.outerHTML.slice(0, 160);
  const topLevel = (el) => !el.closest("article, aside, main, nav, section");
  const named = (svg) => {
    const title = svg.querySelector(":scope > title");
    return Boolean((title && title.textContent.trim()) ||
                   (svg.getAttribute("aria-label") || "").trim());
  };
  return {
    lang: document.documentElement.getAttribute("lang"),
    h1: all("h1").length,
    banner: all("header").filter(topLevel).length,
    nav: all("nav").filter((n) => (n.getAttribute("aria-label") || "").trim()).length,
    unnamedNav: all("nav").filter((n) => !(n.getAttribute("aria-label") || "").trim()).map(brief),
    main: all("main").length,
    thWithoutScope: all("th:not([scope])").map(brief),
    svgNotImage: all("svg").filter((s) => !s.parentElement.closest("svg"))
      .filter((s) => s.getAttribute("role") !== "img" || !named(s)).map(brief),
    svgCount: all("svg").length,
  };
}"""


@pytest.fixture(scope="module")
def axe() -> Any:
    """The axe-core runner of the installed package (its bundled axe.min.js, no download)."""
    sync_axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    return sync_axe.Axe()


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[Any]:
    """One tab for the module, which refuses any request that would leave the machine."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    page = context.new_page()
    yield page
    context.close()


def _open(tab: Any, report_pages: dict[str, ReportPage], label: str) -> ReportPage:
    report = report_pages[label]
    tab.goto(report.path.as_uri())
    return report


def _describe(violation: dict[str, Any]) -> str:
    targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:8])
    more = len(violation["nodes"]) - 8
    extra = f" (+{more} more)" if more > 0 else ""
    return (
        f"{violation['id']} [{violation['impact']}] {violation['help']}: {targets}{extra}\n"
        f"    e.g. {violation['nodes'][0]['html'][:200]}"
    )


@pytest.mark.parametrize("label", REPORT_PAGES)
def test_axe_finds_no_serious_or_critical_violation(
    tab: Any, axe: Any, report_pages: dict[str, ReportPage], label: str
) -> None:
    report = _open(tab, report_pages, label)
    results = axe.run(tab, options={"resultTypes": ["violations"]})
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    if blocking:
        pytest.fail(f"{report.path}:\n" + "\n".join(map(_describe, blocking)), pytrace=False)


@pytest.mark.parametrize("label", REPORT_PAGES)
def test_page_has_the_promised_structure(
    tab: Any, report_pages: dict[str, ReportPage], label: str
) -> None:
    report = _open(tab, report_pages, label)
    found = tab.evaluate(STRUCTURE_JS)
    where = str(report.path)
    assert found["lang"] == report.lang, where
    assert found["h1"] == 1, where
    assert found["banner"] == 1 and found["main"] == 1, (where, found)
    assert found["nav"] >= 1 and found["unnamedNav"] == [], (where, found["unnamedNav"])
    assert found["thWithoutScope"] == [], (where, found["thWithoutScope"])
    assert found["svgCount"] > 0, where  # every kind of page draws at least one chart
    assert found["svgNotImage"] == [], (where, found["svgNotImage"])
