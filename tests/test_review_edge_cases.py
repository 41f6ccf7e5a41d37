"""Edge cases of the whole review path: odd data folders run through `review` and the CLI."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from skillkit.bundled import bundled_file
from skillkit.cli import main
from skillkit.outputs import build_outputs, readiness_table
from skillkit.pipeline import Assessment, review
from skillkit.report.context import build_site
from skillkit.report.org import org_page
from skillkit.report.render import slugs
from skillkit.rubric import DEFAULT_RUBRIC
from tests.conftest import (
    COMPETENCIES,
    DOMAIN_TARGETS,
    FORMATS_BANDS,
    FORMATS_READINESS_COLUMNS,
    FORMATS_SCORE_COLUMNS,
)

RATING_COLUMNS = ["period", "employee_id", "rater_id", "source", "competency", "rating", "comment"]
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01T00:00:00Z

Row = tuple[str, str, str, str, str, float | None, str]


def person(
    employee_id: str,
    role: str,
    *,
    name: str | None = None,
    team: str = "Retail",
    role_start: str = "2020-01-01",
) -> dict[str, str]:
    """One people.csv row; role_start long ago unless given (empty means unknown)."""
    return {
        "employee_id": employee_id,
        "name": name or f"Person {employee_id}",
        "role": role,
        "team": team,
        "manager_id": "",
        "hire_date": "",
        "role_start": role_start,
    }


def rated(
    period: str,
    employee: str,
    rater: str,
    levels: Sequence[float | None] | Mapping[str, float | None],
    source: str = "manager",
) -> list[Row]:
    """One rater's ratings of every competency (a sequence in COMPETENCIES order, or a map)."""
    values = levels if isinstance(levels, Mapping) else dict(zip(COMPETENCIES, levels, strict=True))
    return [(period, employee, rater, source, c, v, "") for c, v in values.items()]


def at(role: str, **changes: float) -> dict[str, float]:
    """A role's target levels as ratings, with some competencies changed (ids use _ for -)."""
    levels = {c: float(t) for c, t in zip(COMPETENCIES, DOMAIN_TARGETS[role], strict=True)}
    levels.update({k.replace("_", "-"): v for k, v in changes.items()})
    return levels


def write_folder(
    folder: Path,
    people: Iterable[Mapping[str, str]],
    ratings: Iterable[Row],
    kpis: Iterable[tuple[str, str, str, float]] | None = None,
    promotions: Iterable[tuple[str, str, str, str]] | None = None,
) -> Path:
    """A data folder as FORMATS.md describes it; kpis.csv and promotions.csv only when given."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(list(people)).to_csv(folder / "people.csv", index=False)
    pd.DataFrame(list(ratings), columns=RATING_COLUMNS).to_csv(folder / "ratings.csv", index=False)
    if kpis is not None:
        frame = pd.DataFrame(list(kpis), columns=["period", "employee_id", "kpi", "value"])
        frame.to_csv(folder / "kpis.csv", index=False)
    if promotions is not None:
        columns = ["employee_id", "period", "from_role", "to_role"]
        pd.DataFrame(list(promotions), columns=columns).to_csv(
            folder / "promotions.csv", index=False
        )
    return folder


def uncalibrated(folder: Path) -> Path:
    """A copy of the bundled rubric with rater calibration switched off."""
    text = bundled_file("rubrics", DEFAULT_RUBRIC).read_text(encoding="utf-8")
    assert "  method: additive\n" in text
    path = folder / "uncalibrated.yaml"
    path.write_text(text.replace("  method: additive\n", "  method: none\n"), encoding="utf-8")
    return path


def cli(args: Sequence[str], expect: int = 0) -> Result:
    """Run the CLI in-process with a fixed clock; real exceptions (bugs) are re-raised."""
    result = CliRunner().invoke(main, list(args), env=EPOCH, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == expect, (result.output, result.stderr)
    return result


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_id(assessment: Assessment) -> pd.DataFrame:
    return assessment.readiness.people.set_index("employee_id")


def score_cell(assessment: Assessment, period: str, employee: str, competency: str) -> pd.Series:
    s = assessment.scores
    match = s[
        (s["period"] == period) & (s["employee_id"] == employee) & (s["competency"] == competency)
    ]
    assert len(match) == 1
    return match.iloc[0]


def reason_rules(assessment: Assessment, employee: str) -> list[str]:
    reasons = assessment.readiness.reasons
    return reasons.loc[reasons["employee_id"] == employee, "rule"].tolist()


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def ready_manager(
    folder: Path,
    periods: Sequence[str] = ("2026Q1", "2026Q2"),
    promotions: Iterable[tuple[str, str, str, str]] | None = None,
) -> Path:
    """An account manager meeting every account-director rule in each of `periods`."""
    ratings = [r for p in periods for r in rated(p, "M1", "D1", at("account-director"))]
    kpis = [(p, "M1", "client_retention", 92.0) for p in periods]
    return write_folder(folder, [person("M1", "account-manager")], ratings, kpis, promotions)


# --- people with little or nothing to go on --------------------------------------------------


def test_a_person_without_any_ratings_is_insufficient_evidence_and_warned(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "data",
        [person("M1", "account-manager"), person("N1", "account-executive")],
        rated("2026Q2", "M1", "D1", at("account-director")),
    )
    a = review(folder)
    row = by_id(a).loc["N1"]
    assert row["band"] == "insufficient-evidence"
    assert row["projected_ready_period"] == ""
    assert reason_rules(a, "N1") == ["no_data"]
    assert not (a.scores["employee_id"] == "N1").any()
    assert [str(w) for w in a.warnings if "'N1'" in str(w)]  # warned once, by the records
    table = readiness_table(a, "en").set_index("employee_id")
    assert table.loc["N1", "reasons"] == "No ratings by others and no KPIs in 2026Q2"
    assert pd.isna(table.loc["N1", "quarters_to_ready"])


def test_a_person_rated_only_in_an_older_quarter_keeps_history_but_lacks_evidence_now(
    tmp_path: Path,
) -> None:
    ratings = rated("2025Q4", "OLD", "D1", at("account-director"))
    ratings += rated("2026Q2", "M1", "D1", at("account-director"))
    folder = write_folder(
        tmp_path / "data",
        [person("M1", "account-manager"), person("OLD", "account-manager")],
        ratings,
    )
    a = review(folder)
    assert a.period == "2026Q2" and a.periods == ("2025Q4", "2026Q2")
    assert set(a.scores.loc[a.scores["employee_id"] == "OLD", "period"]) == {"2025Q4"}
    assert by_id(a).loc["OLD", "band"] == "insufficient-evidence"
    assert reason_rules(a, "OLD") == ["no_data"]
    assert any(w.where == "OLD" and "2026Q2" in w.message for w in a.warnings)


def test_a_competency_nobody_observed_has_no_score_and_insufficient_evidence(
    tmp_path: Path,
) -> None:
    levels: dict[str, float | None] = dict(at("account-executive"))
    levels["negotiation"] = None  # "not observed" by the only rater
    folder = write_folder(
        tmp_path / "data", [person("A1", "account-executive")], rated("2026Q2", "A1", "M9", levels)
    )
    out = tmp_path / "out"
    cli(["review", str(folder), "--out", str(out), "--no-html"])
    rows = {r["competency"]: r for r in read_csv(out / "scores.csv")}
    assert len(rows) == 10
    negotiation = rows["negotiation"]
    assert (negotiation["score"], negotiation["level"], negotiation["gap"]) == ("", "", "")
    assert (negotiation["n_raters"], negotiation["evidence"]) == ("0", "insufficient")
    assert negotiation["target_level"] == "2"
    assert rows["communication"]["evidence"] == "sufficient"


def test_when_everyone_lacks_evidence_every_output_is_still_written(tmp_path: Path) -> None:
    people = [person("A1", "account-executive"), person("A2", "account-executive")]
    # Two peers are fewer than the three non-self raters the rubric needs; self carries no weight.
    ratings = rated("2026Q2", "A1", "A2", at("account-director"), "peer")
    ratings += rated("2026Q2", "A1", "P7", at("account-director"), "peer")
    ratings += rated("2026Q2", "A2", "A2", at("account-director"), "self")
    folder = write_folder(tmp_path / "data", people, ratings)
    out = tmp_path / "out"
    cli(["review", str(folder), "--out", str(out)])
    readiness = read_csv(out / "readiness.csv")
    assert {r["band"] for r in readiness} == {"insufficient-evidence"}
    scores = read_csv(out / "scores.csv")
    assert {r["evidence"] for r in scores} == {"insufficient"}
    # A self rating alone is no score at all, but the person is observed that quarter.
    assert {r["score"] for r in scores if r["employee_id"] == "A2"} == {""}
    assert {r["score"] for r in scores if r["employee_id"] == "A1"} != {""}
    assert sorted(files_of(out)) == [
        "index.html",
        "manifest.json",
        "people/A1.html",
        "people/A2.html",
        "readiness.csv",
        "scores.csv",
        "teams/Retail.html",
    ]


# --- numbers checked by hand ----------------------------------------------------------------


def test_hand_computed_score_renormalises_sources_blends_kpis_and_bounds_the_interval(
    tmp_path: Path,
) -> None:
    rm = "relationship-management"
    ratings: list[Row] = [
        ("2026Q2", "E1", "M9", "manager", rm, 4.0, ""),
        ("2026Q2", "E1", "C1", "client", rm, 3.0, ""),
        ("2026Q2", "E1", "P1", "peer", rm, 2.0, ""),
        ("2026Q2", "E1", "P2", "peer", rm, 3.0, ""),
        ("2026Q2", "E1", "P3", "peer", rm, 4.0, ""),
        ("2026Q2", "E1", "E1", "self", rm, 5.0, ""),
    ]
    kpis = [("2026Q2", "E1", "client_retention", 92.0), ("2026Q2", "E1", "client_nps", 35.0)]
    folder = write_folder(tmp_path / "data", [person("E1", "account-executive")], ratings, kpis)
    # The combination itself, with rater calibration switched off (it has its own tests).
    row = score_cell(review(folder, rubric_path=uncalibrated(tmp_path)), "2026Q2", "E1", rm)
    # Sources present: manager .40 × 4, client .25 × 3, peers .20 × mean(2, 3, 4) = 3; no
    # direct reports, so the weights renormalise over .85. Self (5) carries no weight.
    rating = (0.40 * 4 + 0.25 * 3 + 0.20 * 3) / 0.85  # 3.4706
    # Retention 92 ≥ 90 and NPS 35 ≥ 30 are both level 4, each weighted 1.0 for this competency.
    blended = 0.75 * rating + 0.25 * 4.0  # 3.6029
    assert row["score"] == pytest.approx(blended) and row["score_raw"] == row["score"]
    assert row["level"] == 3  # 3.6029 + .25 tolerance < 4
    assert row["target_level"] == 2 and row["gap"] == -1
    assert row["n_raters"] == 5 and row["evidence"] == "sufficient"
    # Interval: pooled rater spread around the cell mean (ratings 4, 3, 2, 3, 4: mean 3.2,
    # squares 2.8 over 4 degrees of freedom), times sqrt(Σ w²/n) / Σ w, shrunk by the KPI blend.
    sigma = (2.8 / 4) ** 0.5
    se = sigma * (0.40**2 / 1 + 0.25**2 / 1 + 0.20**2 / 3) ** 0.5 / 0.85 * 0.75
    assert row["ci_low"] == pytest.approx(blended - 1.959964 * se)
    assert row["ci_high"] == pytest.approx(blended + 1.959964 * se)


def test_hand_computed_projection_adds_the_sustain_window_to_the_trend(tmp_path: Path) -> None:
    # Motivation, a gate, climbs 2.5 → 3.0 → 3.5 (slope .5): level 4 needs 3.75, one quarter
    # away; holding it for the two-quarter sustain window makes it two quarters: 2026Q4.
    ratings: list[Row] = []
    for period, motivation in (("2025Q4", 2.5), ("2026Q1", 3.0), ("2026Q2", 3.5)):
        ratings += rated(period, "M1", "D1", at("account-director", motivation=motivation))
    kpis = [(p, "M1", "client_retention", 92.0) for p in ("2026Q1", "2026Q2")]
    folder = write_folder(tmp_path / "data", [person("M1", "account-manager")], ratings, kpis)
    a = review(folder)
    row = by_id(a).loc["M1"]
    assert (row["band"], row["projected_ready_period"], row["quarters_to_ready"]) == (
        "ready-1y",
        "2026Q4",
        2.0,
    )
    trend = a.trends.set_index(["employee_id", "competency"]).loc[("M1", "motivation")]
    assert trend["slope"] == pytest.approx(0.5) and trend["n_points"] == 3
    plan = a.readiness.plan.set_index("competency").loc["motivation"]
    assert (plan["level"], plan["required_level"], plan["quarters_needed"]) == (3, 4, 1.0)
    assert reason_rules(a, "M1") == ["gate"]


def test_trend_slope_counts_calendar_quarters_across_a_gap(tmp_path: Path) -> None:
    ratings = rated("2025Q3", "A1", "M9", at("account-executive", communication=2.0))
    ratings += rated("2026Q1", "A1", "M9", at("account-executive", communication=3.0))
    folder = write_folder(tmp_path / "data", [person("A1", "account-executive")], ratings)
    trends = review(folder).trends.set_index(["employee_id", "competency"])
    # Two quarters apart (2025Q4 is missing), so one level is half a level per quarter.
    assert trends.loc[("A1", "communication"), "slope"] == pytest.approx(0.5)


# --- the sustain window -----------------------------------------------------------------------


def test_someone_at_target_in_two_consecutive_quarters_is_ready_now(tmp_path: Path) -> None:
    a = review(ready_manager(tmp_path / "data"))
    row = by_id(a).loc["M1"]
    assert (row["band"], row["projected_ready_period"], row["quarters_to_ready"]) == (
        "ready-now",
        "2026Q2",
        0.0,
    )
    assert reason_rules(a, "M1") == []


def test_one_good_quarter_after_a_weak_one_is_not_yet_ready(tmp_path: Path) -> None:
    ratings = rated("2026Q1", "M1", "D1", at("account-director", motivation=3.0))
    ratings += rated("2026Q2", "M1", "D1", at("account-director"))
    kpis = [(p, "M1", "client_retention", 92.0) for p in ("2026Q1", "2026Q2")]
    folder = write_folder(tmp_path / "data", [person("M1", "account-manager")], ratings, kpis)
    a = review(folder)
    row = by_id(a).loc["M1"]
    assert (row["band"], row["projected_ready_period"]) == ("ready-1y", "2026Q3")
    assert reason_rules(a, "M1") == ["sustain"]


def test_a_quarter_missing_from_the_whole_data_does_not_break_the_sustain_window(
    tmp_path: Path,
) -> None:
    a = review(ready_manager(tmp_path / "data", periods=("2025Q3", "2026Q1")))
    assert a.periods == ("2025Q3", "2026Q1")
    assert by_id(a).loc["M1", "band"] == "ready-now"
    assert reason_rules(a, "M1") == []


def test_thin_evidence_in_the_quarter_before_projects_readiness_into_the_future(
    tmp_path: Path,
) -> None:
    # 2026Q1: two peers only (insufficient evidence on the gates); 2026Q2: the manager.
    ratings = rated("2026Q1", "M1", "P1", at("account-director"), "peer")
    ratings += rated("2026Q1", "M1", "P2", at("account-director"), "peer")
    ratings += rated("2026Q2", "M1", "D1", at("account-director"))
    kpis = [(p, "M1", "client_retention", 92.0) for p in ("2026Q1", "2026Q2")]
    folder = write_folder(tmp_path / "data", [person("M1", "account-manager")], ratings, kpis)
    a = review(folder)
    row = by_id(a).loc["M1"]
    assert row["band"] == "ready-1y"
    assert "evidence" in reason_rules(a, "M1")
    # Not ready now, so the earliest ready quarter is later than the reviewed one.
    assert row["projected_ready_period"] == "2026Q3"
    assert row["quarters_to_ready"] >= 1


# --- promotions and time in role --------------------------------------------------------------


def test_a_promotion_in_the_window_sets_each_quarters_targets_and_the_time_in_role(
    tmp_path: Path,
) -> None:
    ratings: list[Row] = []
    for period in ("2025Q3", "2025Q4", "2026Q1", "2026Q2"):
        ratings += rated(period, "M1", "D1", at("account-director"))
    kpis = [(p, "M1", "client_retention", 92.0) for p in ("2026Q1", "2026Q2")]
    promotions = [("M1", "2025Q4", "senior-account-executive", "account-manager")]
    people = [person("M1", "account-manager", role_start="")]
    folder = write_folder(tmp_path / "data", people, ratings, kpis, promotions)
    a = review(folder)
    s = a.scores
    targets = s[s["competency"] == "client-understanding"].set_index("period")["target_level"]
    # Senior AE before the promotion; account manager from the quarter it took effect.
    assert targets.to_dict() == {"2025Q3": 3, "2025Q4": 3, "2026Q1": 3, "2026Q2": 3}
    strategic = s[s["competency"] == "strategic-advice"].set_index("period")["target_level"]
    assert strategic.to_dict() == {"2025Q3": 2, "2025Q4": 3, "2026Q1": 3, "2026Q2": 3}
    row = by_id(a).loc["M1"]
    # role_start is empty, so time in role runs from the promotion: 2025Q4..2026Q2 = 3 quarters.
    assert row["quarters_in_role"] == 3
    assert (row["band"], row["projected_ready_period"]) == ("ready-1y", "2026Q3")
    assert reason_rules(a, "M1") == ["time_in_role"]


def test_role_start_wins_over_the_promotion_history_for_time_in_role(tmp_path: Path) -> None:
    ratings = [
        r for p in ("2026Q1", "2026Q2") for r in rated(p, "M1", "D1", at("account-director"))
    ]
    promotions = [("M1", "2025Q4", "senior-account-executive", "account-manager")]
    people = [person("M1", "account-manager", role_start="2024-07-15")]
    folder = write_folder(tmp_path / "data", people, ratings, None, promotions)
    row = by_id(review(folder)).loc["M1"]
    assert row["quarters_in_role"] == 8  # 2024Q3..2026Q2
    assert row["band"] == "ready-now"


# --- --period and --target --------------------------------------------------------------------


def later_data_folder(folder: Path) -> Path:
    """S1 was a senior AE until promoted to account manager in 2026Q2; data runs to 2026Q3."""
    ratings: list[Row] = []
    for period in ("2025Q4", "2026Q1"):
        ratings += rated(period, "S1", "D1", at("senior-account-executive"))
    for period in ("2026Q2", "2026Q3"):
        ratings += rated(period, "S1", "D1", at("account-director"))
    kpis = [
        ("2026Q1", "S1", "client_retention", 80.0),
        ("2026Q2", "S1", "client_retention", 97.0),
        ("2026Q3", "S1", "client_retention", 97.0),
    ]
    promotions = [("S1", "2026Q2", "senior-account-executive", "account-manager")]
    people = [person("S1", "account-manager", role_start="")]
    return write_folder(folder, people, ratings, kpis, promotions)


def test_an_earlier_period_ignores_later_quarters_in_scores_trends_and_kpi_rules(
    tmp_path: Path,
) -> None:
    a = review(later_data_folder(tmp_path / "data"), period="2026Q1")
    assert a.period == "2026Q1" and a.periods == ("2025Q4", "2026Q1")
    assert set(a.scores["period"]) == {"2025Q4", "2026Q1"}
    # Flat at senior-AE levels: later jumps to director levels do not leak into the slope
    # (negotiation has no KPI evidence, so only the ratings move it).
    trend = a.trends.set_index(["employee_id", "competency"]).loc[("S1", "negotiation")]
    assert (trend["slope"], trend["n_points"]) == (0.0, 2)
    # Later retention of 97 would satisfy the KPI rule; at 2026Q1 only 80 is known.
    kpi = a.readiness.reasons[a.readiness.reasons["rule"] == "kpi"]
    assert kpi[["employee_id", "value"]].values.tolist() == [["S1", 0.0]]
    # Scores use the role held at the time: senior AE targets.
    assert score_cell(a, "2026Q1", "S1", "strategic-advice")["target_level"] == 2


def test_an_earlier_period_assesses_the_role_held_then(tmp_path: Path) -> None:
    a = review(later_data_folder(tmp_path / "data"), period="2026Q1", target="account-manager")
    row = by_id(a).loc["S1"]
    assert row["role"] == "senior-account-executive"
    assert row["target_role"] == "account-manager"


def test_time_in_role_is_not_counted_before_the_role_began(tmp_path: Path) -> None:
    a = review(later_data_folder(tmp_path / "data"), period="2026Q1")
    assert "time_in_role" not in reason_rules(a, "S1")
    assert by_id(a).loc["S1", "quarters_in_role"] != 0


def test_an_earlier_period_shows_no_later_kpis_on_the_person_page(tmp_path: Path) -> None:
    a = review(later_data_folder(tmp_path / "data"), period="2026Q1")
    files = build_outputs(a, lang="en", generated_at="2026-01-01T00:00:00Z", standards={})
    page = files["people/S1.html"].decode("utf-8")
    assert "2026Q2" not in page and "2026Q3" not in page


def test_target_flag_aims_people_at_or_above_it_at_the_next_rung(tmp_path: Path) -> None:
    roles = list(DOMAIN_TARGETS)
    people = [person(f"P{i}", role) for i, role in enumerate(roles)]
    ratings = [r for i, role in enumerate(roles) for r in rated("2026Q2", f"P{i}", "X", at(role))]
    folder = write_folder(tmp_path / "data", people, ratings)
    out = tmp_path / "out"
    cli(["review", str(folder), "--out", str(out), "--target", "senior-account-executive"])
    targets = {r["role"]: r["target_role"] for r in read_csv(out / "readiness.csv")}
    assert targets == {
        "account-coordinator": "senior-account-executive",
        "account-executive": "senior-account-executive",
        "senior-account-executive": "account-manager",
        "account-manager": "account-director",
        "account-director": "group-account-director",
        "group-account-director": "",
    }
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["target_role"] == "senior-account-executive"


def test_unknown_target_or_period_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    folder = ready_manager(tmp_path / "data")
    out = tmp_path / "out"
    result = cli(["review", str(folder), "--out", str(out), "--target", "ceo"], expect=2)
    assert result.stderr.startswith("--target: unknown role 'ceo' (known: account-coordinator")
    result = cli(["review", str(folder), "--out", str(out), "--period", "2025Q4"], expect=2)
    assert "no ratings in 2025Q4 (periods in the data: 2026Q1, 2026Q2)" in result.stderr
    assert not out.exists()


def test_the_top_of_the_ladder_has_no_target_and_says_why(tmp_path: Path) -> None:
    # The top rung has no rung to be assessed for: band and target role stay empty (README);
    # everyone else gets one of the FORMATS.md bands.
    people = [person("G1", "group-account-director"), person("D1", "account-director")]
    ratings = rated("2026Q2", "G1", "X", at("group-account-director"))
    ratings += rated("2026Q2", "D1", "G1", at("account-director"))
    out = tmp_path / "out"
    cli(["review", str(write_folder(tmp_path / "data", people, ratings)), "--out", str(out)])
    rows = {r["employee_id"]: r for r in read_csv(out / "readiness.csv")}
    top = rows["G1"]
    assert (top["target_role"], top["projected_ready_period"], top["coverage"]) == ("", "", "")
    assert top["reasons"] == "Top of the ladder: no further rung to assess"
    assert top["band"] == ""
    assert rows["D1"]["target_role"] == "group-account-director"
    assert rows["D1"]["band"] in FORMATS_BANDS
    page = (out / "people" / "G1.html").read_text(encoding="utf-8")
    assert "Group account director" in page or "group account director" in page.lower()


def test_a_review_of_only_people_at_the_top_of_the_ladder_writes_its_outputs(
    tmp_path: Path,
) -> None:
    ratings = rated("2026Q2", "G1", "X", at("group-account-director"))
    folder = write_folder(tmp_path / "data", [person("G1", "group-account-director")], ratings)
    out = tmp_path / "out"
    cli(["review", str(folder), "--out", str(out)])
    (row,) = read_csv(out / "readiness.csv")
    assert row["reasons"] == "Top of the ladder: no further rung to assess"


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_readiness_csv_builds_when_nobody_needs_a_plan(tmp_path: Path) -> None:
    a = review(ready_manager(tmp_path / "data"))
    table = readiness_table(a, "en")
    assert table.loc[0, "what_it_takes"] == "" and table.loc[0, "reasons"] == ""


# --- input shapes --------------------------------------------------------------------------------


def test_without_kpis_csv_readiness_rests_on_the_ratings(tmp_path: Path) -> None:
    ratings = [
        r for p in ("2026Q1", "2026Q2") for r in rated(p, "M1", "D1", at("account-director"))
    ]
    folder = write_folder(tmp_path / "data", [person("M1", "account-manager")], ratings)
    out = tmp_path / "out"
    cli(["review", str(folder), "--out", str(out)])
    (row,) = read_csv(out / "readiness.csv")
    assert (row["band"], row["reasons"]) == ("ready-now", "")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["inputs"]) == {
        "people.csv",
        "ratings.csv",
        "framework:account-management.yaml",
        "rubric:quarterly-review.yaml",
    }


def test_an_xlsx_workbook_gives_the_same_csvs_as_the_folder(tmp_path: Path) -> None:
    folder = ready_manager(
        tmp_path / "data",
        promotions=[("M1", "2024Q1", "senior-account-executive", "account-manager")],
    )
    workbook = tmp_path / "agency.xlsx"
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name in ("people", "ratings", "kpis", "promotions"):
            frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
            frame.to_excel(writer, sheet_name=name, index=False)
    cli(["review", str(folder), "--out", str(tmp_path / "a"), "--no-html"])
    cli(["review", str(workbook), "--out", str(tmp_path / "b"), "--no-html"])
    for name in ("scores.csv", "readiness.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert "agency.xlsx" in manifest["inputs"]


def test_a_person_without_a_team_gets_a_safe_team_page(tmp_path: Path) -> None:
    people = [person("A1", "account-executive", team=""), person("A2", "account-executive")]
    ratings = rated("2026Q2", "A1", "M9", at("account-executive"))
    ratings += rated("2026Q2", "A2", "M9", at("account-executive"))
    out = tmp_path / "out"
    cli(["review", str(write_folder(tmp_path / "data", people, ratings)), "--out", str(out)])
    assert sorted(p.name for p in (out / "teams").iterdir()) == ["Retail.html", "item.html"]
    page = (out / "people" / "A1.html").read_text(encoding="utf-8")
    assert 'href="../teams/item.html"' in page


def test_unicode_names_ids_and_teams_stay_readable_and_get_safe_unique_slugs(
    tmp_path: Path,
) -> None:
    people = [
        person("Иван", "account-executive", name="Иван Петров", team="Север"),
        person("Пётр", "account-manager", name="Пётр Ёлкин", team="Юг"),
        person("../boss", "account-director", name="Ёжик <b>", team="../Север"),
    ]
    ratings = rated("2026Q2", "Иван", "Пётр", at("account-executive"))
    ratings += rated("2026Q2", "Пётр", "../boss", at("account-manager"))
    ratings += rated("2026Q2", "../boss", "X", at("account-director"))
    folder = write_folder(tmp_path / "data", people, ratings)
    out = tmp_path / "out"
    cli(["review", str(folder), "--out", str(out), "--lang", "ru"])
    written = sorted(files_of(out))
    pages = [p for p in written if p.startswith(("people/", "teams/"))]
    assert len([p for p in pages if p.startswith("people/")]) == 3
    assert len([p for p in pages if p.startswith("teams/")]) == 3
    for page in pages:
        name = page.split("/", 1)[1]
        assert ".." not in name and "/" not in name and name.isascii()
    assert all((out / p).resolve().is_relative_to(out.resolve()) for p in written)
    readiness = {r["employee_id"]: r for r in read_csv(out / "readiness.csv")}
    assert readiness["Иван"]["name"] == "Иван Петров" and readiness["Иван"]["team"] == "Север"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Пётр Ёлкин" in index or "Север" in index
    boss = next(
        (out / p).read_text(encoding="utf-8")
        for p in pages
        if p.startswith("people/") and "Ёжик" in (out / p).read_text(encoding="utf-8")
    )
    assert "Ёжик &lt;b&gt;" in boss and "Ёжик <b>" not in boss


def test_a_rater_who_is_also_rated_is_scored_on_their_own_ratings_only(tmp_path: Path) -> None:
    people = [person("M1", "account-manager"), person("A1", "account-executive")]
    ratings = rated("2026Q2", "A1", "M1", [2.0] * 10)  # M1 rates A1 ...
    ratings += rated("2026Q2", "M1", "D1", [4.0] * 10)  # ... and is rated by D1
    ratings += rated("2026Q2", "M1", "M1", [5.0] * 10, "self")
    a = review(write_folder(tmp_path / "data", people, ratings))
    assert score_cell(a, "2026Q2", "A1", "communication")["score"] == pytest.approx(2.0)
    mine = score_cell(a, "2026Q2", "M1", "communication")
    assert mine["score"] == pytest.approx(4.0) and mine["n_raters"] == 1


# --- formats and determinism ----------------------------------------------------------------------


def small_agency(folder: Path) -> Path:
    """Two teams, a promotion, ties in names and bands, comments, KPIs: enough to reorder."""
    people = [
        person("A2", "account-executive", name="Same Name", team="North"),
        person("A1", "account-executive", name="Same Name", team="North"),
        person("M1", "account-manager", team="South"),
        person("M2", "account-manager", team="South", role_start=""),
    ]
    ratings: list[Row] = []
    for period in ("2026Q1", "2026Q2"):
        for employee in ("A1", "A2"):
            ratings += rated(period, employee, "M1", at("account-executive"))
        for employee in ("M1", "M2"):
            ratings += rated(period, employee, "D1", at("account-director", motivation=3.5))
            ratings += rated(period, employee, employee, at("account-director"), "self")
    ratings.append(("2026Q2", "A1", "P1", "peer", "communication", 3.0, "clear; quick"))
    kpis = [(p, e, "client_retention", 91.0) for p in ("2026Q1", "2026Q2") for e in ("M1", "M2")]
    promotions = [("M2", "2025Q1", "senior-account-executive", "account-manager")]
    return write_folder(folder, people, ratings, kpis, promotions)


def shuffled_copy(source: Path, target: Path, seed: int) -> Path:
    """The same data with every file's rows in another order."""
    target.mkdir(parents=True)
    rng = random.Random(seed)
    for path in sorted(source.iterdir()):
        header, *rows = path.read_text(encoding="utf-8").splitlines()
        rng.shuffle(rows)
        (target / path.name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return target


def test_outputs_are_byte_identical_across_runs_and_input_row_orders(tmp_path: Path) -> None:
    data = small_agency(tmp_path / "data")
    other = shuffled_copy(data, tmp_path / "shuffled", seed=3)
    runs = []
    for name, folder in (("one", data), ("two", data), ("three", other)):
        cli(["review", str(folder), "--out", str(tmp_path / name)])
        runs.append(files_of(tmp_path / name))
    assert runs[0] == runs[1]
    # Input hashes differ with the row order; everything else must not.
    assert runs[0].keys() == runs[2].keys()
    different = sorted(k for k in runs[0] if runs[0][k] != runs[2][k])
    assert different == ["manifest.json"]


def test_csv_outputs_follow_formats(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cli(["review", str(small_agency(tmp_path / "data")), "--out", str(out), "--no-html"])
    scores = read_csv(out / "scores.csv")
    assert list(scores[0]) == FORMATS_SCORE_COLUMNS
    assert len(scores) == 2 * 4 * 10
    assert {r["evidence"] for r in scores} <= {"sufficient", "insufficient"}
    keys = [(r["period"], r["employee_id"], r["competency"]) for r in scores]
    assert len(set(keys)) == len(keys)
    readiness = read_csv(out / "readiness.csv")
    assert list(readiness[0])[:7] == FORMATS_READINESS_COLUMNS
    assert [r["employee_id"] for r in readiness] == ["A1", "A2", "M1", "M2"]
    assert {r["band"] for r in readiness} <= FORMATS_BANDS
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {"skillkit_version", "framework", "rubric", "inputs", "periods", "generated_at"} <= set(
        manifest
    )
    assert manifest["periods"] == ["2026Q1", "2026Q2"]
    assert manifest["generated_at"] == "2026-01-01T00:00:00Z"
    assert set(manifest["inputs"]) >= {"people.csv", "ratings.csv", "kpis.csv", "promotions.csv"}
    text = (out / "readiness.csv").read_text(encoding="utf-8")
    assert pd.read_csv(io.StringIO(text)).shape[0] == 4


# --- anonymity ------------------------------------------------------------------------------------


def heat_of(folder: Path) -> dict[str, list[str]]:
    a = review(folder)
    people = a.records.people
    site = build_site(
        a,
        "en",
        "2026-01-01T00:00:00Z",
        slugs(people["employee_id"].astype(str)),
        slugs(people["team"].astype(str)),
    )
    return {row.label: [c.text for c in row.cells] for row in org_page(site).heat}


def teams_folder(folder: Path, sizes: Mapping[str, int]) -> Path:
    people, ratings = [], []
    for team, size in sizes.items():
        level = 3.0 if team == "Big" else 1.0
        for i in range(size):
            employee = f"{team}{i}"
            people.append(person(employee, "account-executive", team=team))
            ratings += rated("2026Q2", employee, "BOSS", [level] * 10)
    return write_folder(folder, people, ratings)


def test_a_one_person_team_is_hidden_with_a_complement_in_the_org_heatmap(tmp_path: Path) -> None:
    heat = heat_of(teams_folder(tmp_path / "data", {"Big": 6, "Mid": 5, "Solo": 1}))
    assert heat["Solo"] == ["hidden"] * 10
    # Otherwise Solo = total × 12 − Big × 6 − Mid × 5: the smallest visible team hides too.
    assert heat["Mid"] == ["hidden"] * 10
    assert heat["Big"] == ["3.0"] * 10


def test_small_teams_hidden_together_cannot_be_recovered_by_subtraction(tmp_path: Path) -> None:
    heat = heat_of(teams_folder(tmp_path / "data", {"Big": 6, "B": 2, "C": 2}))
    assert heat["B"] == heat["C"] == ["hidden"] * 10
    # Total (10 people) and Big (6) both shown would give B ∪ C, four people, by subtraction.
    assert heat["Big"] == ["hidden"] * 10 or "Total" not in heat


def test_a_single_peers_rating_is_not_shown_on_the_person_page(tmp_path: Path) -> None:
    people = [person("E1", "account-executive"), person("P1", "account-executive")]
    ratings = rated("2026Q2", "E1", "P1", at("account-executive", client_understanding=3.5), "peer")
    ratings += rated("2026Q2", "E1", "E1", [2.0] * 10, "self")
    ratings += rated("2026Q2", "P1", "M9", at("account-executive"))
    out = tmp_path / "out"
    cli(["review", str(write_folder(tmp_path / "data", people, ratings)), "--out", str(out)])
    page = (out / "people" / "E1.html").read_text(encoding="utf-8")
    assert ">3.50<" not in page and ">3.5<" not in page


def test_self_ratings_alone_do_not_make_a_quarter_the_latest_but_can_be_chosen(
    tmp_path: Path,
) -> None:
    # Self-assessments for 2026Q4 arrive before the managers' forms: by default the review
    # stays on 2026Q3; asked for 2026Q4 it reviews it, everyone short of evidence.
    ratings = rated("2026Q3", "A1", "M9", at("account-executive"))
    ratings += rated("2026Q4", "A1", "A1", at("account-executive"), "self")
    data = write_folder(tmp_path / "data", [person("A1", "account-executive")], ratings)
    assert review(data, model=False).period == "2026Q3"
    chosen = review(data, period="2026Q4", model=False)
    assert chosen.period == "2026Q4"
    assert set(chosen.readiness.people["band"]) == {"insufficient-evidence"}


def test_someone_rated_before_but_not_in_the_reviewed_quarter_is_named_in_a_warning(
    tmp_path: Path,
) -> None:
    # A rated in both quarters, B only in the first; C never rated (the records warn of him).
    ratings = rated("2026Q2", "A", "M1", at("account-executive"))
    ratings += rated("2026Q3", "A", "M1", at("account-executive"))
    ratings += rated("2026Q2", "B", "M1", at("account-executive"))
    people = [person(p, "account-executive") for p in ("A", "B", "C")]
    a = review(write_folder(tmp_path / "data", people, ratings))
    unseen = [w for w in a.warnings if "no ratings or KPIs in" in w.message]
    assert [(w.where, w.message) for w in unseen] == [("B", "no ratings or KPIs in 2026Q3")]
