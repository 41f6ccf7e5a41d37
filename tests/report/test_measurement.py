"""The measurement the pages report: calibration for HR only, agreement flags, self against
others as counts, and source groups that never expose a small group of raters."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from skillkit.report.privacy import source_groups
from tests.conftest import COMPETENCIES, RunCli

NORTH = [f"P{i:02d}" for i in range(1, 7)]
SOUTH = [f"P{i:02d}" for i in range(7, 13)]
PEERS = ("PEER-A", "PEER-B", "PEER-C")
MOTIVATION = "motivation"


def true_level(person: int) -> float:
    """Levels 2.0, 2.5, 3.0, 3.5 in turn: people differ, so agreement can be measured."""
    return 2.0 + (person % 4) * 0.5


def write_agency(folder: Path) -> Path:
    """Twelve account managers in two teams; raters agree on everything but motivation."""
    folder.mkdir(parents=True)
    people = [
        {
            "employee_id": p,
            "name": f"Person {p}",
            "role": "account-manager",
            "team": "North" if p in NORTH else "South",
            "manager_id": "",
            "hire_date": "2019-01-01",
            "role_start": "2020-01-01",
        }
        for p in NORTH + SOUTH
    ]
    pd.DataFrame(people).to_csv(folder / "people.csv", index=False)
    rows = []
    for period in ("2026Q2", "2026Q3"):
        for i, person in enumerate(NORTH + SOUTH, start=1):
            manager = "MGR-N" if person in NORTH else "MGR-S"
            for competency in COMPETENCIES:
                for k, (rater, source) in enumerate(
                    [(manager, "manager"), *((peer, "peer") for peer in PEERS)]
                ):
                    level = true_level(i)
                    if competency == MOTIVATION:  # raters who see different people entirely
                        level = float((i * (k + 2) + k) % 5 + 1)
                    elif rater == "MGR-N":  # North's manager is lenient by half a level
                        level += 0.5
                    rows.append((period, person, rater, source, competency, level, ""))
    # Others see P01 at 2.55 (with its clients), P02 at 2.4 (a lone client says 1), P03 at 3.5.
    self_ratings = {"P01": 4.0, "P02": 1.0, "P03": 5.0}
    for person, level in self_ratings.items():
        rows.append(("2026Q3", person, person, "self", "communication", level, ""))
    # P01: two clients and one direct report, merged into "others"; P02: a lone client.
    rows += [
        ("2026Q3", "P01", "CL-1", "client", "communication", 3.0, "CLIENT-MERGED-NOTE"),
        ("2026Q3", "P01", "CL-2", "client", "communication", 3.0, ""),
        ("2026Q3", "P01", "DR-1", "direct_report", "communication", 2.0, ""),
        ("2026Q3", "P02", "CL-9", "client", "communication", 1.0, "CLIENT-ALONE-NOTE"),
    ]
    columns = ["period", "employee_id", "rater_id", "source", "competency", "rating", "comment"]
    pd.DataFrame(rows, columns=columns).to_csv(folder / "ratings.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from skillkit.cli import main

    root = tmp_path_factory.mktemp("measurement")
    data = write_agency(root / "data")
    result = CliRunner().invoke(main, ["review", str(data), "--out", str(root / "out")])
    assert result.exit_code == 0, result.output
    return root / "out"


def page(out: Path, relative: str) -> str:
    return (out / relative).read_text(encoding="utf-8")


def section(html: str, anchor: str) -> str:
    """The HTML of one `<section id=...>`."""
    found = re.search(rf'<section id="{anchor}">.*?</section>', html, re.DOTALL)
    assert found is not None, anchor
    return found.group(0)


def test_rater_ids_appear_in_the_hr_calibration_section_and_nowhere_else(out: Path) -> None:
    org = page(out, "index.html")
    calibration = section(org, "calibration")
    assert any(peer in calibration for peer in PEERS)
    outside = org.replace(calibration, "")
    files = [*out.glob("*/*.html"), *out.glob("*.csv"), out / "manifest.json"]
    pages = [outside] + [p.read_text(encoding="utf-8") for p in files]
    for html in pages:
        for rater in (*PEERS, "CL-1", "CL-2", "DR-1", "CL-9"):
            assert rater not in html


def test_the_calibration_section_reports_model_spread_extremes_and_movement(out: Path) -> None:
    calibration = section(page(out, "index.html"), "calibration")
    assert "964 ratings by 9 raters in 2026Q2–2026Q3" in calibration  # the window holds two
    assert "Most lenient raters" in calibration and "Most severe raters" in calibration
    assert "Standard deviation" in calibration and "moved competency scores" in calibration
    assert calibration.count("<svg") == 2  # effects, and scores before against after


def test_low_agreement_on_a_gate_is_flagged_where_readiness_relies_on_it(out: Path) -> None:
    agreement = section(page(out, "index.html"), "agreement")
    motivation = re.search(r"Motivation and team leadership</th>(.*?)</tr>", agreement, re.DOTALL)
    assert motivation is not None and "⚑" in motivation.group(1)
    communication = re.search(r"Communication</th>(.*?)</tr>", agreement, re.DOTALL)
    assert communication is not None and "⚑" not in communication.group(1)
    # Motivation is a gate for account director: every account manager's readiness uses it.
    with (out / "readiness.csv").open(encoding="utf-8") as handle:
        flagged = {row["employee_id"]: row["low_agreement"] for row in csv.DictReader(handle)}
    assert set(flagged.values()) == {MOTIVATION}
    person = page(out, "people/P01.html")
    assert "Raters agreed little on Motivation and team leadership" in section(person, "readiness")
    assert "low rater agreement" in section(person, "competencies")
    assert "Raters agreed little on Motivation" in page(out, "teams/North.html")


def test_the_team_page_counts_blind_spots_and_hidden_strengths_without_ratings(
    out: Path,
) -> None:
    perception = section(page(out, "teams/North.html"), "perception")
    row = re.search(r"Communication</th>(.*?)</tr>", perception, re.DOTALL)
    assert row is not None
    assert re.findall(r'<td class="num">(\d+)</td>', row.group(1)) == ["2", "1"]
    assert "4.0" not in perception and "5.0" not in perception  # no one's self rating
    south = section(page(out, "teams/South.html"), "perception")
    assert re.findall(r'<td class="num">(\d+)</td>', south) == ["0"] * 20


def test_the_person_sees_their_own_blind_spot(out: Path) -> None:
    mine = section(page(out, "people/P01.html"), "self")
    assert "blind spot" in mine and re.search(r">\+1\.\d<", mine)


def test_small_source_groups_merge_into_others_or_stay_hidden(out: Path) -> None:
    # P01: peers 3, clients 2, a direct report 1: the two small groups show together.
    merged = section(page(out, "people/P01.html"), "sources")
    assert re.search(r"Others: Direct reports, Clients</th><td class=\"num\">3</td>", merged)
    assert re.search(r"Peers</th><td class=\"num\">3</td><td class=\"num\">\d", merged)
    assert ">Clients</th>" not in merged and ">Direct reports</th>" not in merged
    assert (
        "<strong>Others: Direct reports, Clients</strong> · Communication: CLIENT-MERGED-NOTE"
        in merged
    )
    # P02: peers 3 and one client. Shown apart, the peers' mean and the scores (which weigh
    # clients .25 and peers .20) would give the client's rating away: they show together.
    folded = section(page(out, "people/P02.html"), "sources")
    assert "Others: Peers, Clients" in folded and ">Peers</th>" not in folded
    assert "CLIENT-ALONE-NOTE" in folded  # under "others", never under the client's name


def test_raters_who_left_every_rating_empty_do_not_make_a_crowd(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_agency(tmp_path / "data")
    rows = pd.read_csv(data / "ratings.csv", keep_default_na=False, dtype=str)
    # P05's second and third peers leave their ratings empty; the first writes a comment.
    p05 = (rows["employee_id"] == "P05") & (rows["period"] == "2026Q3")
    rows.loc[p05 & rows["rater_id"].isin(["PEER-B", "PEER-C"]), "rating"] = ""
    first = p05 & (rows["rater_id"] == "PEER-A") & (rows["competency"] == "negotiation")
    rows.loc[first, "comment"] = "ONE-PEER-NOTE"
    rows.to_csv(data / "ratings.csv", index=False)
    run_cli(["review", str(data), "--out", str(tmp_path / "out")])
    sources = section(page(tmp_path / "out", "people/P05.html"), "sources")
    assert re.search(r"Peers</th><td class=\"num\">1</td><td class=\"num muted\">hidden", sources)
    for html in (p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.html")):
        assert "ONE-PEER-NOTE" not in html


def test_a_person_page_never_sets_a_raw_rating_beside_its_calibrated_score(out: Path) -> None:
    # North's manager rates half a level high; calibration takes it out of P04's scores. The
    # page must not show the manager's raw mean next to them, or the difference is the
    # manager's effect, which belongs to the HR page only.
    p04 = page(out, "people/P04.html")
    manager = re.search(r"Manager</th><td class=\"num\">1</td><td class=\"num\">([\d.]+)<", p04)
    assert manager is not None
    raw = true_level(4) + 0.5  # what the manager said on every competency but motivation
    assert float(manager.group(1)) != pytest.approx(raw, abs=0.05)
    scores = pd.read_csv(out / "scores.csv")
    mine = scores[(scores["employee_id"] == "P04") & (scores["period"] == "2026Q3")]
    assert (mine["score"] < mine["score_raw"]).sum() >= 8  # the leniency was taken out


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        # (source, raters) of one person → the group each is shown under ("" = hidden)
        ({"manager": 1, "peer": 4, "client": 3}, ["manager", "peer", "client"]),
        ({"manager": 1, "peer": 2, "direct_report": 1}, ["manager", "others", "others"]),
        ({"manager": 1, "peer": 3, "client": 2}, ["manager", "others", "others"]),
        ({"manager": 1, "peer": 3, "client": 1}, ["manager", "others", "others"]),
        ({"manager": 1, "peer": 5, "client": 4, "direct_report": 1},
         ["manager", "peer", "others", "others"]),  # the smallest big group joins the small one
        ({"peer": 2, "client": 2, "direct_report": 2}, ["others", "others", "others"]),
        ({"peer": 1, "client": 1}, ["", ""]),  # two raters in all: nothing to hide them in
        ({"manager": 1, "client": 2}, ["manager", ""]),
        ({"self": 1, "client": 4}, ["self", "client"]),
    ],
)  # fmt: skip
def test_source_groups_follow_the_anonymity_rule(
    groups: dict[str, int], expected: list[str]
) -> None:
    sizes = pd.DataFrame(
        {"employee_id": "E1", "source": list(groups), "raters": list(groups.values())}
    )
    assert source_groups(sizes, min_raters=3).tolist() == expected


def test_the_rule_counts_each_persons_groups_separately() -> None:
    sizes = pd.DataFrame(
        {"employee_id": ["E1", "E2", "E2"], "source": ["peer", "peer", "client"],
         "raters": [2, 2, 1]}
    )  # fmt: skip
    assert source_groups(sizes, min_raters=3).tolist() == ["", "others", "others"]


def test_the_review_runs_uncalibrated_when_the_rubric_says_none(
    tmp_path: Path, run_cli: RunCli
) -> None:
    from skillkit.bundled import bundled_file
    from skillkit.rubric import DEFAULT_RUBRIC

    rubric = bundled_file("rubrics", DEFAULT_RUBRIC).read_text(encoding="utf-8")
    path = tmp_path / "plain.yaml"
    path.write_text(rubric.replace("  method: additive\n", "  method: none\n"), encoding="utf-8")
    data = write_agency(tmp_path / "data")
    run_cli(["review", str(data), "--rubric", str(path), "--out", str(tmp_path / "out")])
    scores = pd.read_csv(tmp_path / "out" / "scores.csv").dropna(subset=["score"])
    assert (scores["score"] == scores["score_raw"]).all()
    calibration = section(page(tmp_path / "out", "index.html"), "calibration")
    assert "switched off" in calibration and "PEER-A" not in calibration


def test_the_manifest_says_how_scores_were_calibrated_without_naming_raters(out: Path) -> None:
    import json

    manifest = json.loads(page(out, "manifest.json"))
    assert manifest["calibration"] == {
        "method": "additive",
        "window": ["2026Q2", "2026Q3"],
        "shrinkage": 5.0,
        "ratings": 964,
        "raters": 9,
        "components": 1,
    }
    assert "PEER-A" not in page(out, "manifest.json")


def test_lenient_raters_rate_above_zero_and_severe_ones_below(out: Path) -> None:
    calibration = section(page(out, "index.html"), "calibration")
    tables = re.findall(r"<table class=\"raters\">.*?</table>", calibration, re.DOTALL)
    lenient, severe = (re.findall(r'<td class="num">([+−][\d.]+)</td>', t) for t in tables)
    assert lenient and all(e.startswith("+") for e in lenient)
    assert severe and all(e.startswith("−") for e in severe)
    # North's manager rates half a level high on all but motivation, where raters disagree
    # anyway, and heads the list: a little under .5, as effects average zero over all raters.
    assert re.search(r"MGR-N</th><td>Manager</td><td class=\"num\">\+0\.[34]\d", tables[0])
    assert tables[0].index("MGR-N") < tables[0].index("PEER-C")
