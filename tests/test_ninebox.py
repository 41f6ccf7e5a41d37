"""The 9-box and the bench: hand-computed axes on tiny agencies, band cuts, and the SVG grid."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from skillkit.demo import generate_agency
from skillkit.framework import Framework
from skillkit.ninebox import BENCH_COLUMNS, NINE_BOX_COLUMNS, bench, nine_box
from skillkit.pipeline import Assessment, review
from skillkit.readiness import Readiness
from skillkit.report.grid import cell_keys
from skillkit.rubric import Rubric
from tests.conftest import COMPETENCIES, DOMAIN_TARGETS
from tests.test_review_edge_cases import Row, at, person, rated, uncalibrated, write_folder

# Account-director and group-account-director weights (framework): 1.5 + 1.25 + 1.5 + 1.5 + 6.
AD_WEIGHT = 11.75


def levels(*values: float) -> dict[str, float]:
    """Ratings of the ten competencies in the order of DOMAIN.md."""
    return dict(zip(COMPETENCIES, values, strict=True))


def met(role: str, count: int) -> dict[str, float]:
    """A role's targets with all but the first `count` competencies one level short."""
    targets = DOMAIN_TARGETS[role]
    return levels(*(t if k < count else t - 1 for k, t in enumerate(targets)))


def run(
    tmp_path: Path,
    people: Sequence[dict[str, str]],
    ratings: list[Row],
    kpis: list[tuple[str, str, str, float]] | None = None,
) -> Assessment:
    """Review a data folder with calibration off, so a lone manager's rating is the score."""
    folder = write_folder(tmp_path / "data", people, ratings, kpis)
    return review(folder, rubric_path=uncalibrated(tmp_path))


def row(box: pd.DataFrame, employee: str) -> pd.Series:
    return box.set_index("employee_id").loc[employee]


# --- performance and potential by hand --------------------------------------------------------


def test_fit_to_the_current_and_next_role_without_kpis_or_pace(tmp_path: Path) -> None:
    # Account manager: every AM target met but client understanding (9 of 10 equal weights).
    # Against the account-director targets: communication 1, strategic advice 1.25, commercial
    # acumen 1.5, motivation 1.5 and effectiveness (target 3) 1 are met: 6.25 of 11.75.
    ratings = rated("2026Q2", "M1", "D1", levels(2, 4, 3, 3, 4, 4, 3, 2, 4, 3))
    box = nine_box(run(tmp_path, [person("M1", "account-manager")], ratings))
    assert list(box.columns) == NINE_BOX_COLUMNS
    m1 = row(box, "M1")
    assert m1["performance"] == pytest.approx(0.9)
    assert m1["potential"] == pytest.approx(6.25 / AD_WEIGHT)  # one quarter: no pace yet
    assert (m1["performance_band"], m1["potential_band"], m1["cell"]) == (
        "high",
        "moderate",
        "high-moderate",
    )


def test_kpi_attainment_uses_each_kpis_latest_value_up_to_the_reviewed_quarter(
    tmp_path: Path,
) -> None:
    ratings = rated("2026Q2", "M1", "D1", at("account-manager", client_understanding=2.0))
    kpis = [
        ("2026Q2", "M1", "client_nps", 20.0),  # level 3: not attained
        ("2026Q1", "M1", "organic_growth", 6.0),  # level 4, its latest value: attained
        ("2025Q4", "M1", "margin_vs_plan", 1.0),  # level 4, but superseded ...
        ("2026Q2", "M1", "margin_vs_plan", -3.0),  # ... by level 2: not attained
        ("2026Q3", "M1", "client_nps", 60.0),  # after the reviewed quarter: never counted
    ]
    a = run(tmp_path, [person("M1", "account-manager")], ratings, kpis)
    assert a.period == "2026Q2"
    # Commercial acumen: 0.75 · 3 + 0.25 · 2 = 2.75, level 3 within the scale's tolerance.
    assert a.scores.query("period == '2026Q2' and competency == 'commercial-acumen'")[
        "level"
    ].tolist() == [3]
    m1 = row(nine_box(a), "M1")
    assert m1["performance"] == pytest.approx(0.75 * 0.9 + 0.25 * (1 / 3))
    assert m1["performance_band"] == "moderate"


def test_learning_pace_counts_each_competencys_gain_and_not_its_dip(tmp_path: Path) -> None:
    first = at("account-executive")
    # Gains of half a level on three competencies, a half-level dip on effectiveness.
    second = levels(2.5, 2.5, 2, 2, 2, 2, 2, 1.5, 2, 1.5)
    ratings = rated("2026Q1", "A1", "M9", first) + rated("2026Q2", "A1", "M9", second)
    a1 = row(nine_box(run(tmp_path, [person("A1", "account-executive")], ratings)), "A1")
    # Levels now 2 2 2 2 2 2 2 1 2 1: every AE target but effectiveness, and of the senior
    # account executive's: strategic advice, commercial acumen, negotiation, motivation.
    pace = (3 * 0.5 / 10) / 0.5  # mean of max(slope, 0) over ten competencies, over 0.5
    assert pace == pytest.approx(0.3)
    assert a1["performance"] == pytest.approx(0.9)
    assert a1["potential"] == pytest.approx(0.75 * 0.4 + 0.25 * pace)
    assert a1["potential_band"] == "low"  # 0.375, below the first cut


def test_a_manager_rated_potential_is_blended_in_by_the_manager_share(tmp_path: Path) -> None:
    second = levels(2.5, 2.5, 2, 2, 2, 2, 2, 1.5, 2, 1.5)
    people: list[dict[str, str]] = []
    ratings: list[Row] = []
    for employee, given in (("A1", "4"), ("A2", ""), ("A3", "9"), ("A4", "1")):
        people.append(person(employee, "account-executive") | {"potential": given})
        ratings += rated("2026Q1", employee, "M9", at("account-executive"))
        ratings += rated("2026Q2", employee, "M9", second)
    box = nine_box(run(tmp_path, people, ratings)).set_index("employee_id")
    base = 0.75 * 0.4 + 0.25 * 0.3
    assert box.loc["A2", "potential"] == pytest.approx(base)  # none given
    assert box.loc["A3", "potential"] == pytest.approx(base)  # 9 is off the 1..5 scale
    assert box.loc["A1", "potential"] == pytest.approx(0.5 * base + 0.5 * 0.75)  # 4 → 0.75
    assert box.loc["A4", "potential"] == pytest.approx(0.5 * base)  # 1 → 0
    assert box.loc["A1", "potential_band"] == "moderate"
    assert box["performance"].tolist() == pytest.approx([0.9] * 4)  # performance untouched


def test_the_top_of_the_ladder_is_measured_against_its_own_role(tmp_path: Path) -> None:
    ratings = rated("2026Q2", "G1", "B1", at("group-account-director", client_understanding=4.0))
    g1 = row(nine_box(run(tmp_path, [person("G1", "group-account-director")], ratings)), "G1")
    expected = (AD_WEIGHT - 1.5) / AD_WEIGHT
    assert g1["performance"] == pytest.approx(expected)
    assert g1["potential"] == pytest.approx(expected)
    assert g1["cell"] == "high-high"


def test_people_without_a_score_in_the_reviewed_quarter_are_not_placed(tmp_path: Path) -> None:
    ratings = rated("2026Q1", "OLD", "D1", at("account-manager"))
    ratings += rated("2026Q2", "M1", "D1", at("account-manager"))
    ratings += rated("2026Q2", "S1", "S1", at("account-manager"), source="self")
    people = [person(e, "account-manager") for e in ("M1", "N1", "OLD", "S1")]
    box = nine_box(run(tmp_path, people, ratings)).set_index("employee_id")
    assert list(box.index) == ["M1", "N1", "OLD", "S1"]  # everyone, sorted
    for employee in ("N1", "OLD", "S1"):  # never rated, rated before, rated only by self
        assert pd.isna(box.loc[employee, "performance"])
        assert pd.isna(box.loc[employee, "potential"])
        assert box.loc[employee, ["performance_band", "potential_band", "cell"]].tolist() == [
            "",
            "",
            "",
        ]
    assert box.loc["M1", "cell"] == "high-low"


def test_band_cuts_put_a_value_on_a_cut_in_the_band_above(tmp_path: Path) -> None:
    # Cuts 0.5 / 0.8 for performance and 0.4 / 0.7 for potential (the bundled rubric).
    people = [person(f"P{k}", "account-manager") for k in (4, 5, 7, 8)]
    ratings = [
        r for k in (4, 5, 7, 8) for r in rated("2026Q2", f"P{k}", "D1", met("account-manager", k))
    ]
    ae = at("account-executive")
    shapes = {
        "E3": ae | {"strategic-advice": 1.0, "effectiveness": 1.0},
        "E4": ae | {"effectiveness": 1.0},
        "E7": ae | {"client-understanding": 3.0, "communication": 3.0},
    }
    for employee, shape in shapes.items():
        people.append(person(employee, "account-executive"))
        ratings += rated("2026Q2", employee, "D1", shape)
    box = nine_box(run(tmp_path, people, ratings)).set_index("employee_id")
    performance = box.loc[["P4", "P5", "P7", "P8"], ["performance", "performance_band"]]
    assert performance["performance"].tolist() == pytest.approx([0.4, 0.5, 0.7, 0.8])
    assert performance["performance_band"].tolist() == ["low", "moderate", "moderate", "high"]
    potential = box.loc[["E3", "E4", "E7"], ["potential", "potential_band"]]
    assert potential["potential"].tolist() == pytest.approx([0.3, 0.4, 0.7])
    assert potential["potential_band"].tolist() == ["low", "moderate", "high"]


def test_the_demo_agency_is_placed_by_its_cuts(
    tmp_path: Path, framework: Framework, rubric: Rubric
) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    for name, frame in generate_agency(framework, rubric, people=40, quarters=4).items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    box = nine_box(review(folder))
    placed = box[box["cell"] != ""]
    assert len(placed) > 30
    assert set(placed["cell"]) <= set(cell_keys())
    assert placed[["performance", "potential"]].stack().between(0, 1).all()
    high = placed["performance"] >= 0.8
    assert (placed.loc[high, "performance_band"] == "high").all()
    assert (placed.loc[placed["potential"] < 0.4, "potential_band"] == "low").all()


# --- the bench ----------------------------------------------------------------------------------


def test_bench_counts_candidates_per_band_in_the_team_and_across_the_agency(
    tmp_path: Path,
) -> None:
    holders = [
        person("D1", "account-director", team="Retail"),
        person("D2", "account-director", team="Media"),
        person("D3", "account-director", team=""),
    ]
    crafted = [  # employee, team, target role, band, quarters to ready
        ("C1", "Retail", "account-director", "ready-now", 0.0),
        ("C2", "Retail", "account-director", "ready-1y", 3.0),
        ("C3", "Retail", "account-director", "ready-1y", 2.0),
        ("C4", "Retail", "account-director", "not-yet", 12.0),
        ("C5", "Retail", "account-director", "ready-2y", 6.0),
        ("C6", "Media", "account-director", "ready-now", 0.0),
        ("C7", "", "account-director", "ready-now", 0.0),
        ("X1", "Retail", "senior-account-executive", "ready-now", 0.0),
    ]
    people = holders + [person(e, "account-manager", team=t) for e, t, *_ in crafted]
    a = run(tmp_path, people, rated("2026Q2", "C1", "D1", at("account-manager")))
    table = pd.DataFrame(
        [(e, target, band, q) for e, _, target, band, q in crafted],
        columns=["employee_id", "target_role", "band", "quarters_to_ready"],
    )
    readiness = Readiness(people=table, reasons=a.readiness.reasons, plan=a.readiness.plan)
    result = bench(dataclasses.replace(a, readiness=readiness))
    assert list(result.columns) == BENCH_COLUMNS
    rows = result.set_index("employee_id")
    assert list(rows.index) == ["D1", "D2", "D3"]
    team = ["team_ready_now", "team_ready_1y", "team_ready_2y"]
    assert rows.loc["D1", team].tolist() == [1, 2, 1]
    assert rows.loc["D1", "team_candidates"] == ("C1", "C3", "C2", "C5")  # readiest first
    assert rows.loc["D2", team].tolist() == [1, 0, 0]
    assert rows.loc["D2", "team_candidates"] == ("C6",)
    assert rows.loc["D3", team].tolist() == [0, 0, 0]  # an unknown team is nobody's team
    assert rows.loc["D3", "team_candidates"] == ()
    agency = ["agency_ready_now", "agency_ready_1y", "agency_ready_2y"]
    assert rows[agency].drop_duplicates().values.tolist() == [[3, 2, 1]]


def test_bench_takes_readiness_from_the_review(tmp_path: Path) -> None:
    periods = ("2026Q1", "2026Q2")
    ratings = [r for p in periods for r in rated(p, "M1", "D9", at("account-director"))]
    kpis = [(p, "M1", "client_retention", 92.0) for p in periods]
    people = [
        person("M1", "account-manager", team="Retail"),
        person("D1", "account-director", team="Retail"),
        person("D2", "account-director", team="Media"),
    ]
    a = run(tmp_path, people, ratings, kpis)
    assert a.readiness.people.set_index("employee_id").loc["M1", "band"] == "ready-now"
    rows = bench(a).set_index("employee_id")
    assert rows.loc["D1", "team_candidates"] == ("M1",)
    assert rows.loc["D2", "team_candidates"] == ()
    assert rows["agency_ready_now"].tolist() == [1, 1]
    assert bench(a, "group-account-director").empty  # nobody holds that role here
    # M1 holds account-manager but nobody aims for it (below it, everyone aims higher).
    nobody = bench(a, "account-manager").set_index("employee_id")
    assert nobody.loc["M1", "team_candidates"] == ()
    assert nobody.loc["M1", ["team_ready_now", "agency_ready_now"]].tolist() == [0, 0]


# --- the SVG grid -------------------------------------------------------------------------------


def test_a_potential_with_a_decimal_comma_counts_and_junk_is_named_in_the_warnings(
    tmp_path: Path,
) -> None:
    people: list[dict[str, str]] = []
    ratings: list[Row] = []
    for employee, given in (("A1", "4,5"), ("A2", "x"), ("A3", "9"), ("A4", " 3 ")):
        people.append(person(employee, "account-executive") | {"potential": given})
        ratings += rated("2026Q2", employee, "M9", at("account-executive"))
    assessment = run(tmp_path, people, ratings)
    box = nine_box(assessment).set_index("employee_id")
    base = box.loc["A2", "potential"]  # junk: no manager's view blended in
    assert box.loc["A1", "potential"] == pytest.approx(0.5 * base + 0.5 * 0.875)  # 4.5 → 0.875
    assert box.loc["A4", "potential"] == pytest.approx(0.5 * base + 0.5 * 0.5)
    warned = [str(w) for w in assessment.warnings if w.where == "potential"]
    assert warned == [
        f"{tmp_path / 'data' / 'people.csv'}: potential: A2: expected a number from 1 to 5, "
        "got 'x'; left out of the 9-box",
        f"{tmp_path / 'data' / 'people.csv'}: potential: A3: expected a number from 1 to 5, "
        "got '9'; left out of the 9-box",
    ]
