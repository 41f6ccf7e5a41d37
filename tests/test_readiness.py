"""Readiness for account director: each rule can fail alone, and says why and what it takes."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pytest

from skillkit import scoring
from skillkit.framework import Framework
from skillkit.history import roles_by_period
from skillkit.readiness import Readiness, assess, target_roles
from skillkit.rubric import Rubric
from skillkit.trends import trends as fit_trends

LATEST, BEFORE = "2026Q3", "2026Q2"
DIRECTOR = {
    "client-understanding": 4,
    "communication": 4,
    "relationship-management": 4,
    "campaign-delivery": 4,
    "strategic-advice": 4,
    "commercial-acumen": 4,
    "negotiation": 4,
    "business-development": 4,
    "motivation": 4,
    "effectiveness": 3,
}


def scenario(
    framework: Framework,
    rubric: Rubric,
    *,
    latest: Mapping[str, float] | None = None,
    before: Mapping[str, float] | None = None,
    retention: float = 92.0,
    role_start: str = "2024-01-01",
    peers_only: tuple[str, ...] = (),
    key_dtype: str | None = None,
) -> Readiness:
    """An account manager rated by the manager at the account-director targets, with changes.

    `key_dtype` recasts the text keys of the scores and KPIs that readiness reads.
    """
    rows = []
    for period, changes in ((BEFORE, before or {}), (LATEST, latest or {})):
        for competency, target in DIRECTOR.items():
            value = changes.get(competency, float(target))
            if period == LATEST and competency in peers_only:
                rows += [(period, "E1", f"P{i}", "peer", competency, value) for i in (1, 2)]
            else:
                rows.append((period, "E1", "M1", "manager", competency, value))
    ratings = pd.DataFrame(
        rows, columns=["period", "employee_id", "rater_id", "source", "competency", "rating"]
    ).assign(comment="")
    kpis = pd.DataFrame(
        {
            "period": [BEFORE, LATEST],
            "employee_id": "E1",
            "kpi": "client_retention",
            "value": retention,
        }
    )
    people = pd.DataFrame(
        {
            "employee_id": ["E1"],
            "name": ["Anna"],
            "role": ["account-manager"],
            "team": ["T"],
            "manager_id": [None],
            "hire_date": [pd.NaT],
            "role_start": [pd.Timestamp(role_start)],
        }
    )
    promotions = pd.DataFrame(columns=["employee_id", "period", "from_role", "to_role"])
    roles = roles_by_period(people, promotions, [BEFORE, LATEST])
    scores = scoring.score(ratings, kpis, roles, framework, rubric)
    trends = fit_trends(scores, LATEST, rubric.trend_quarters)
    if key_dtype is not None:
        keys = ["period", "employee_id", "competency", "kpi"]
        scores = scores.astype({key: key_dtype for key in keys if key in scores})
        kpis = kpis.astype({key: key_dtype for key in keys if key in kpis})
    return assess(scores, trends, people, kpis, promotions, framework, rubric, LATEST)


def band(result: Readiness) -> str:
    return str(result.people.set_index("employee_id").loc["E1", "band"])


def failed_rules(result: Readiness) -> set[str]:
    return set(result.reasons["rule"])


@pytest.mark.parametrize("key_dtype", ["category", "object", "string"])
def test_the_keys_dtype_changes_nothing(
    framework: Framework, rubric: Rubric, key_dtype: str
) -> None:
    # A gate, a far-below competency, evidence and the KPI rule all fail: every kind of reason.
    changes = {"latest": {"motivation": 3.0, "negotiation": 2.0}, "retention": 80.0}
    as_text = scenario(framework, rubric, peers_only=("commercial-acumen",), **changes)
    coded = scenario(
        framework, rubric, peers_only=("commercial-acumen",), key_dtype=key_dtype, **changes
    )
    assert {"gate", "too_far_below", "evidence", "kpi"} <= failed_rules(as_text)
    for got, expected in zip(
        (coded.people, coded.reasons, coded.plan),
        (as_text.people, as_text.reasons, as_text.plan),
        strict=True,
    ):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_reasons_hold_text_as_str_whichever_kinds_of_reason_turn_up(
    framework: Framework, rubric: Rubric
) -> None:
    # Every kind failing, then none but the time in role: an empty kind must not turn a text
    # column into object (it did for competency and extra, depending on the review).
    many = scenario(
        framework,
        rubric,
        peers_only=("commercial-acumen",),
        latest={"motivation": 3.0, "negotiation": 2.0},
        retention=80.0,
    ).reasons
    few = scenario(framework, rubric, role_start="2026-06-01").reasons
    assert {"gate", "too_far_below", "evidence", "kpi"} <= set(many["rule"])
    assert set(few["rule"]) == {"time_in_role"}
    for reasons in (many, few):
        for column in ("employee_id", "rule", "competency", "kpi", "extra"):
            assert reasons[column].dtype == "str", column


def test_someone_meeting_every_rule_for_two_quarters_is_ready_now(
    framework: Framework, rubric: Rubric
) -> None:
    result = scenario(framework, rubric)
    assert band(result) == "ready-now"
    assert failed_rules(result) == set()
    assert result.people.loc[0, "projected_ready_period"] == LATEST
    assert result.plan.empty


@pytest.mark.parametrize(
    ("case", "changes", "rule", "expected_band"),
    [
        ("a gate below target", {"latest": {"motivation": 3.0}}, "gate", "not-yet"),
        (
            "coverage under 80 %",
            {"latest": {"communication": 3.0, "negotiation": 3.0, "campaign-delivery": 3.0}},
            "coverage",
            "not-yet",
        ),
        (
            "one competency two levels short",
            {"latest": {"negotiation": 2.0}},
            "too_far_below",
            "not-yet",
        ),
        ("not sustained for two quarters", {"before": {"motivation": 3.0}}, "sustain", "ready-1y"),
        (
            "a gate without enough evidence",
            {"peers_only": ("motivation",)},
            "evidence",
            "insufficient-evidence",
        ),
        ("too short a time in role", {"role_start": "2026-01-15"}, "time_in_role", "ready-1y"),
        ("client retention under 90", {"retention": 85.0}, "kpi", "ready-1y"),
    ],
)
def test_each_rule_failing_alone_blocks_readiness_and_says_why(
    framework: Framework,
    rubric: Rubric,
    case: str,
    changes: dict[str, object],
    rule: str,
    expected_band: str,
) -> None:
    result = scenario(framework, rubric, **changes)  # type: ignore[arg-type]
    assert failed_rules(result) == {rule}, case
    assert band(result) == expected_band, case


def test_a_gate_miss_names_the_competency_and_the_level_needed(
    framework: Framework, rubric: Rubric
) -> None:
    result = scenario(framework, rubric, latest={"motivation": 3.0})
    reason = result.reasons.iloc[0]
    assert (reason["competency"], reason["value"], reason["required"]) == ("motivation", 3, 4)
    plan = result.plan.set_index("competency")
    assert list(plan.index) == ["motivation"] and plan.loc["motivation", "required_level"] == 4


def test_progress_projects_a_ready_quarter_and_a_flat_line_projects_none(
    framework: Framework, rubric: Rubric
) -> None:
    # Motivation rose from 3.0 to 3.5 in a quarter: 3.75 is reached next quarter, then it
    # must hold for a second one.
    rising = scenario(framework, rubric, before={"motivation": 3.0}, latest={"motivation": 3.5})
    assert band(rising) == "ready-1y"
    assert rising.people.loc[0, "projected_ready_period"] == "2027Q1"
    flat = scenario(framework, rubric, before={"motivation": 3.0}, latest={"motivation": 3.0})
    assert band(flat) == "not-yet"
    assert flat.people.loc[0, "projected_ready_period"] == ""


def test_time_in_role_delays_the_projection(framework: Framework, rubric: Rubric) -> None:
    result = scenario(framework, rubric, role_start="2026-01-15")  # 3 quarters by 2026Q3
    assert result.people.loc[0, "projected_ready_period"] == "2026Q4"


def test_people_at_or_above_the_target_aim_for_the_next_rung(framework: Framework) -> None:
    people = pd.DataFrame(
        {"role": ["account-executive", "account-director", "group-account-director"]}
    )
    assert target_roles(people, framework, "account-director").tolist() == [
        "account-director",
        "group-account-director",
        "",
    ]
