"""Every page opens with the three things that matter, in sentences the reader can check."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path


def summary(page: Path) -> list[str]:
    found = re.search(
        r'<section class="summary"[^>]*>.*?<ul>(.*?)</ul>', page.read_text(encoding="utf-8"), re.S
    )
    assert found is not None, page
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))]


def rows(demo: Path) -> list[dict[str, str]]:
    with (demo / "readiness.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_organisation_page_sums_up_readiness_the_bench_and_the_data(demo: Path) -> None:
    people = rows(demo)
    count = {band: sum(r["band"] == band for r in people) for band in ("ready-now", "ready-1y")}
    ready, bench, data = summary(demo / "index.html")
    assert ready.startswith(f"{len(people)} people reviewed: {count['ready-now']} ready now")
    assert f"{count['ready-1y']} within a year" in ready
    holders = sum(r["role"] == "account-director" for r in people)
    assert bench == (
        f"{holders} people hold the role of Account director today; "
        f"{count['ready-now']} could step into it now."
    )
    lacking = sum(r["band"] == "insufficient-evidence" for r in people)
    assert data.startswith(f"{lacking} people without sufficient evidence")


def test_a_person_page_says_where_they_stand_their_largest_gaps_and_first_step(
    demo: Path,
) -> None:
    person = next(r for r in rows(demo) if r["band"] == "ready-1y" and r["what_it_takes"])
    page = demo / "people" / f"{person['employee_id']}.html"  # demo ids are already safe
    standing, gaps, step = summary(page)
    assert standing.startswith("Ready within a year; projected quarter: ")
    assert standing.endswith(f"{person['projected_ready_period']}.")
    assert gaps.startswith("Largest gaps to Account director: ") and "(level " in gaps
    assert step == f"First step: {person['what_it_takes'].split('; ')[0]}"


def test_a_team_page_names_counts_and_its_most_shared_gap(demo: Path) -> None:
    for page in (demo / "teams").glob("*.html"):
        ready, closest, gap = summary(page)
        assert re.fullmatch(r"\d+ people: \d+ ready now, \d+ more within two years\.", ready)
        assert closest.startswith(("Closest to the next role: ", "Nobody is projected"))
        assert gap.startswith(("Most shared gap: ", "Everyone rated is at or above"))
