"""The pages in a real browser: Debian's Chromium driven by Playwright, offline, no requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report.conftest import CHROMIUM, HOSTILE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records every request and every console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.requests, tab.errors = [], []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


def test_organisation_page_renders_offline_with_no_requests(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    assert page.title().startswith("Quarterly talent review")
    for chart in page.locator("#pipeline svg").all():
        assert chart.bounding_box()["height"] > 50
    assert page.locator("#heatmap table").is_visible()
    assert all(url.startswith(("file://", "data:")) for url in page.requests), page.requests
    assert page.errors == []


def test_a_click_leads_from_a_team_to_a_person(page: Any, site: Path) -> None:
    page.goto((site / "teams" / "Retail.html").as_uri())
    page.get_by_role("link", name="Alla Executive").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/people/A1.html")
    radar = page.locator("#radar svg")
    box = radar.bounding_box()
    assert box["width"] > 200 and box["height"] > 200
    assert page.locator("#competencies tbody tr").count() == 10
    assert page.errors == []


def test_a_hostile_name_is_shown_as_text_and_never_runs(page: Any, site: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((site / "people" / "X1.html").as_uri())
    assert page.locator("h1").inner_text() == HOSTILE
    assert dialogs == [] and page.locator("script").count() == 0


def test_print_layout_hides_navigation(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    page.emulate_media(media="print")
    assert not page.locator("nav.toc").is_visible()
    assert page.locator("#heatmap").is_visible()
