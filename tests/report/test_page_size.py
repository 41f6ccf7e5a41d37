"""Page sizes: a person page stays under 150 KB, a team page under 300 KB, and the organisation
page under 1 MB for 1,000 people, in English and in Russian (UTF-8 bytes, as written)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skillkit.demo import generate_agency
from skillkit.models import Lang
from skillkit.pipeline import Assessment, load_standards, review
from skillkit.report.render import render_org_page, render_site

KB = 1024
PERSON_LIMIT = 150 * KB
TEAM_LIMIT = 300 * KB
ORG_LIMIT = 1024 * KB
GENERATED_AT = "2026-01-01T00:00:00Z"
SECTION = re.compile(r'<section\b[^>]*?(?:id|class)="([^"]+)"[^>]*>.*?</section>', re.DOTALL)


def largest(folder: Path) -> tuple[Path, int]:
    """The biggest HTML page in `folder` and its size in bytes on disk."""
    sizes = {page: page.stat().st_size for page in folder.glob("*.html")}
    assert sizes, f"no pages in {folder}"
    page = max(sizes, key=lambda p: (sizes[p], p.name))
    return page, sizes[page]


def section_bytes(html: str) -> dict[str, int]:
    """UTF-8 bytes per <section> (by id, or class when it has none), biggest first; the rest
    of the page (head, inline CSS, nav, footer) as 'outside sections'."""
    sizes = {m.group(1): len(m.group(0).encode("utf-8")) for m in SECTION.finditer(html)}
    sizes["outside sections"] = len(html.encode("utf-8")) - sum(sizes.values())
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


def write_agency(folder: Path, people: int, quarters: int) -> Path:
    """The synthetic agency's CSVs in `folder`, written as `skillkit demo` writes them."""
    framework, rubric = load_standards()
    tables = generate_agency(framework, rubric, people=people, quarters=quarters, seed=7)
    folder.mkdir(parents=True)
    for name, frame in tables.items():
        (folder / f"{name}.csv").write_bytes(
            frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        )
    return folder


@pytest.fixture(scope="module")
def agency_1000(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    """1,000 people over 8 quarters, reviewed once as `skillkit review` would (model included)."""
    data = write_agency(tmp_path_factory.mktemp("agency-1000") / "data", 1000, 8)
    return review(data)


@pytest.mark.parametrize("out", ["demo", "demo_ru"])
@pytest.mark.parametrize(("folder", "limit"), [("people", PERSON_LIMIT), ("teams", TEAM_LIMIT)])
def test_every_person_and_team_page_of_the_demo_stays_under_its_limit(
    out: str, folder: str, limit: int, request: pytest.FixtureRequest
) -> None:
    page, size = largest(request.getfixturevalue(out) / folder)
    assert size < limit, f"{page.name} is {size / KB:.1f} KB, over {limit // KB} KB"


def test_the_organisation_page_alone_is_the_one_render_site_writes(tmp_path: Path) -> None:
    # The 1,000-person test renders index.html alone: it must be the page render_site writes.
    assessment = review(write_agency(tmp_path / "data", 40, 4))
    for lang in ("en", "ru"):
        alone = render_org_page(assessment, lang, GENERATED_AT)
        assert alone == render_site(assessment, lang, GENERATED_AT)["index.html"]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_organisation_page_for_1000_people_is_under_1_mb(
    agency_1000: Assessment, lang: Lang
) -> None:
    assert len(agency_1000.people) == 1000
    html = render_org_page(agency_1000, lang, GENERATED_AT)
    size = len(html.encode("utf-8"))
    sections = ", ".join(f"{name} {n / KB:.1f} KB" for name, n in section_bytes(html).items())
    assert size < ORG_LIMIT, f"index.html is {size / KB:.1f} KB, over 1 MB: {sections}"
