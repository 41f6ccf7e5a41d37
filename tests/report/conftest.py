"""Fixtures of the report tests: reviewed sites (one with a hostile person) and one Chromium."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import write_small_agency

HOSTILE = "<script>alert(1)</script>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _invoke(args: list[str]) -> None:
    from click.testing import CliRunner

    from skillkit.cli import main

    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A review of the small agency plus one person whose name, team and comment are hostile."""
    root = tmp_path_factory.mktemp("site")
    data = write_small_agency(root / "data")
    with (data / "people.csv").open("a", encoding="utf-8") as people:
        people.write(f'X1,"{HOSTILE}",account-executive,"{HOSTILE}",M1,,\n')
    with (data / "ratings.csv").open("a", encoding="utf-8") as ratings:
        for competency in ("communication", "motivation"):
            ratings.write(f'2026Q3,X1,M1,manager,{competency},2,"{HOSTILE}"\n')
    _invoke(["review", str(data), "--out", str(root / "out")])
    return root / "out"


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`skillkit demo` run once: the HR, team and person pages of the demo agency."""
    out = tmp_path_factory.mktemp("demo")
    _invoke(["demo", "--out", str(out), "--quiet"])
    return out


@pytest.fixture(scope="session")
def demo_ru(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`skillkit demo --lang ru` run once: 80 people, enough for the promotion model to train."""
    out = tmp_path_factory.mktemp("demo-ru")
    _invoke(["demo", "--out", str(out), "--lang", "ru", "--people", "80", "--quiet"])
    return out


@dataclass(frozen=True)
class ReportPage:
    """One HTML page of a review and the language it is written in."""

    path: Path
    lang: str


# Every kind of page (organisation, team, person) in English, in Russian and with hostile input,
# plus a person at the top of the ladder (no target role). Labels are fixed so that tests can be
# parametrised over them before the reviews exist.
REPORT_PAGES = (
    "en/index",
    "en/team",
    "en/person",
    "en/person-top",
    "ru/index",
    "ru/team",
    "ru/person",
    "site/index",
    "site/team-hostile",
    "site/person-hostile",
)


def _kinds(out: Path, lang: str, prefix: str) -> dict[str, ReportPage]:
    """The organisation page, the first team, the first person assessed for a next role and
    the first at the top of the ladder (whose page has no target to aim at)."""
    with (out / "readiness.csv").open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    aiming = next(row["employee_id"] for row in rows if row["target_role"])
    top = next(row["employee_id"] for row in rows if not row["target_role"])
    return {
        f"{prefix}/index": ReportPage(out / "index.html", lang),
        f"{prefix}/team": ReportPage(sorted((out / "teams").glob("*.html"))[0], lang),
        f"{prefix}/person": ReportPage(out / "people" / f"{aiming}.html", lang),
        f"{prefix}/person-top": ReportPage(out / "people" / f"{top}.html", lang),
    }


@pytest.fixture(scope="session")
def report_pages(site: Path, demo: Path, demo_ru: Path) -> dict[str, ReportPage]:
    """REPORT_PAGES by label."""
    hostile_team = next(
        p for p in (site / "teams").glob("*.html") if "&lt;script&gt;" in p.read_text("utf-8")
    )
    pages = {
        **_kinds(demo, "en", "en"),
        **_kinds(demo_ru, "ru", "ru"),
        "site/index": ReportPage(site / "index.html", "en"),
        "site/team-hostile": ReportPage(hostile_team, "en"),
        "site/person-hostile": ReportPage(site / "people" / "X1.html", "en"),
    }
    return {label: pages[label] for label in REPORT_PAGES}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the whole session; never a browser download."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield instance
        instance.close()
