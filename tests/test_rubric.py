"""The bundled rubric: scale, source weights, evidence, KPIs and readiness rules of the issue."""

from __future__ import annotations

from skillkit.rubric import Rubric


def test_scale_is_one_to_five_in_halves(rubric: Rubric) -> None:
    assert (rubric.scale.min, rubric.scale.max, rubric.scale.step) == (1, 5, 0.5)


def test_self_ratings_carry_no_weight(rubric: Rubric) -> None:
    assert "self" not in rubric.sources
    assert set(rubric.sources) == {"manager", "peer", "direct_report", "client"}
    assert all(weight > 0 for weight in rubric.sources.values())


def test_evidence_rule_is_a_manager_or_three_others(rubric: Rubric) -> None:
    assert (rubric.evidence.min_manager, rubric.evidence.min_non_self) == (1, 3)


def test_the_six_kpis_of_the_domain_with_their_thresholds(rubric: Rubric) -> None:
    assert rubric.kpi_ids == (
        "client_retention",
        "client_nps",
        "organic_growth",
        "margin_vs_plan",
        "on_time_delivery",
        "response_time_hours",
    )
    assert rubric.kpi("client_retention").thresholds == {5: 95, 4: 90, 3: 85, 2: 75}
    response = rubric.kpi("response_time_hours")
    assert response.direction == "lower" and response.thresholds[5] == 2


def test_account_director_rule_is_the_default_of_the_issue(rubric: Rubric) -> None:
    rule = rubric.readiness.rule_for("account-director")
    assert rubric.readiness.target_role == "account-director"
    assert rule.gates == ("client-understanding", "commercial-acumen", "motivation")
    assert (rule.min_coverage, rule.max_levels_below, rule.sustain_quarters) == (0.8, 1, 2)
    assert rule.evidence_on_gates and rule.min_quarters_in_role == 4
    [kpi] = rule.kpis
    assert (kpi.kpi, kpi.threshold, kpi.quarters, kpi.of_last) == ("client_retention", 90, 2, 4)


def test_bands_and_anonymity(rubric: Rubric) -> None:
    assert (rubric.bands.ready_1y_quarters, rubric.bands.ready_2y_quarters) == (4, 8)
    assert (rubric.anonymity.min_raters, rubric.anonymity.min_group_size) == (3, 5)
