"""The team page: drops of a level on the levels it shows, never on a withheld one."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import RunCli
from tests.test_review_edge_cases import at, person, rated, write_folder


def test_a_drop_of_a_level_is_listed_unless_the_level_is_withheld(
    tmp_path: Path, run_cli: RunCli
) -> None:
    ratings = rated("2026Q2", "X1", "M9", at("account-manager", motivation=4.0))
    ratings += rated("2026Q3", "X1", "M9", at("account-manager", motivation=3.0))
    ratings += rated("2026Q2", "Y1", "M9", at("account-manager", negotiation=4.0))
    ratings += rated("2026Q3", "Y1", "M9", at("account-manager", negotiation=3.0))
    # One peer beside the manager on Y1's negotiation: that level is withheld from the pages.
    ratings.append(("2026Q3", "Y1", "P1", "peer", "negotiation", 3.0, ""))
    people = [person("X1", "account-manager", name="Xenia"), person("Y1", "account-manager")]
    out = tmp_path / "out"
    run_cli(["review", str(write_folder(tmp_path / "data", people, ratings)), "--out", str(out)])
    team = (out / "teams" / "Retail.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="regressions">.*?</section>', team, re.DOTALL)
    assert section is not None
    rows = re.findall(r"<tr><th scope=\"row\"><a [^>]*>([^<]*)</a></th><td>([^<]*)</td>"
                      r"<td>([^<]*)</td></tr>", section.group(0))  # fmt: skip
    assert rows == [("Xenia", "Motivation and team leadership", "4 → 3")]
    mine = (out / "people" / "X1.html").read_text(encoding="utf-8")
    assert "↓ down from level 4" in mine and "a quarter, trend level" in mine
