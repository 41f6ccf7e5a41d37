"""The 9-box and the bench: counts for HR, names only for the team's own manager."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from tests.conftest import RunCli


def section(html: str) -> str:
    found = re.search(r'<section id="talent">.*?</section>', html, re.DOTALL)
    assert found is not None
    return found.group(0)


def readiness(demo: Path) -> list[dict[str, str]]:
    with (demo / "readiness.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_organisation_grid_counts_everyone_placed_and_names_no_one(demo: Path) -> None:
    org = section((demo / "index.html").read_text(encoding="utf-8"))
    rows = readiness(demo)
    placed = [r for r in rows if r["nine_box"]]
    counts = [int(n) for n in re.findall(r'class="sk-count"[^>]*>(\d+)<', org)]
    assert len(counts) == 9 and sum(counts) == len(placed)
    grid = org.split("<table")[0]
    assert not any(html.escape(r["name"]) in grid for r in rows)  # no name in the grid


def test_the_team_grid_names_its_own_people_and_no_one_else(demo: Path) -> None:
    rows = readiness(demo)
    team_page = sorted((demo / "teams").glob("*.html"))[0]
    grid = section(team_page.read_text(encoding="utf-8")).split("<table")[0]
    shown = {r["employee_id"]: html.escape(r["name"]) for r in rows}  # as the page writes it
    team = next(r["team"] for r in rows if shown[r["employee_id"]] in grid)
    for r in rows:
        if r["nine_box"] and r["team"] == team:
            assert shown[r["employee_id"]] in grid
        elif r["team"] != team:
            assert shown[r["employee_id"]] not in grid


def test_the_bench_has_a_row_per_position_of_the_target_role(demo: Path) -> None:
    org = section((demo / "index.html").read_text(encoding="utf-8"))
    holders = [r["name"] for r in readiness(demo) if r["role"] == "account-director"]
    listed = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', org)
    assert sorted(html.unescape(name) for name in listed) == sorted(holders)


def test_the_bench_is_for_the_role_the_review_targets(demo: Path, run_cli: RunCli) -> None:
    out = demo.parent / "targeting-group-heads"
    run_cli(["review", str(demo / "data"), "--out", str(out), "--target",
             "group-account-director", "--no-model", "--quiet"])  # fmt: skip
    org = section((out / "index.html").read_text(encoding="utf-8"))
    assert "Bench for Group account director" in org
    holders = [r["name"] for r in readiness(out) if r["role"] == "group-account-director"]
    listed = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', org)
    assert sorted(html.unescape(name) for name in listed) == sorted(holders)
