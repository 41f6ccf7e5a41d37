"""The synthetic agency: shape, integrity, determinism and the realism the demo relies on."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skillkit import demo
from skillkit.csv_text import csv_text
from skillkit.framework import Framework
from skillkit.periods import to_ordinal
from skillkit.pipeline import record_rules
from skillkit.records import load_records
from skillkit.rubric import Rubric

PEOPLE_COLUMNS = [
    "employee_id", "name", "role", "team", "manager_id", "hire_date", "role_start",
    "gender", "age_band",
]  # fmt: skip
RATINGS_COLUMNS = ["period", "employee_id", "rater_id", "source", "competency", "rating", "comment"]
KPIS_COLUMNS = ["period", "employee_id", "kpi", "value"]
PROMOTIONS_COLUMNS = ["employee_id", "period", "from_role", "to_role"]
CLIENT_FACING = {
    "client-understanding", "communication", "relationship-management", "strategic-advice",
    "effectiveness",
}  # fmt: skip


@pytest.fixture(scope="module")
def agency(framework: Framework, rubric: Rubric) -> dict[str, pd.DataFrame]:
    return demo.generate_agency(framework, rubric)


@pytest.fixture(scope="module")
def world(framework: Framework, rubric: Rubric) -> demo.World:
    size = (demo.DEMO_PEOPLE, demo.DEMO_QUARTERS)
    return demo._simulate(framework, rubric, *size, 7, demo.DEFAULT_LAST_PERIOD)[1]


def _truth(world: demo.World, ratings: pd.DataFrame) -> demo.Array:
    """The true level behind each rating row."""
    person = {e: i for i, e in enumerate(world.ids)}
    quarter = {p: i for i, p in enumerate(world.periods)}
    comp = {c: i for i, c in enumerate(world.comps)}
    truth: demo.Array = world.latent[
        ratings["employee_id"].map(person).to_numpy(),
        ratings["period"].map(quarter).to_numpy(),
        ratings["competency"].map(comp).to_numpy(),
    ]
    return truth


def test_same_seed_gives_identical_frames(framework: Framework, rubric: Rubric) -> None:
    first = demo.generate_agency(framework, rubric, people=30, quarters=4, seed=3)
    again = demo.generate_agency(framework, rubric, people=30, quarters=4, seed=3)
    for key in ("people", "ratings", "kpis", "promotions"):
        pd.testing.assert_frame_equal(first[key], again[key])


def test_different_seeds_differ(framework: Framework, rubric: Rubric) -> None:
    one = demo.generate_agency(framework, rubric, people=30, quarters=4, seed=3)
    two = demo.generate_agency(framework, rubric, people=30, quarters=4, seed=4)
    assert not one["people"].equals(two["people"])
    assert not one["ratings"].equals(two["ratings"])


def test_columns_are_exactly_the_formats(agency: dict[str, pd.DataFrame]) -> None:
    assert set(agency) == {"people", "ratings", "kpis", "promotions"}
    assert list(agency["people"].columns) == PEOPLE_COLUMNS
    assert list(agency["ratings"].columns) == RATINGS_COLUMNS
    assert list(agency["kpis"].columns) == KPIS_COLUMNS
    assert list(agency["promotions"].columns) == PROMOTIONS_COLUMNS


def test_values_are_what_a_csv_holds(agency: dict[str, pd.DataFrame]) -> None:
    for name, frame in agency.items():
        assert frame.index.equals(pd.RangeIndex(len(frame))), name
        for column in frame.columns:
            if column in ("rating", "value"):
                assert frame[column].dtype == np.float64
            else:
                assert frame[column].map(lambda v: isinstance(v, str)).all(), (name, column)
    people = agency["people"]
    for column in ("hire_date", "role_start"):
        dates = people[column][people[column] != ""]
        assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
        assert pd.to_datetime(dates).le(pd.Timestamp("2026-09-30")).all()
    known = people[people["role_start"] != ""]
    assert (known["hire_date"] <= known["role_start"]).all()
    assert 0.05 <= (people["role_start"] == "").mean() <= 0.15
    assert people["hire_date"].ne("").all()


def test_the_ratings_text_is_categorical_as_astype_category_makes_it(
    agency: dict[str, pd.DataFrame],
) -> None:
    # Tens of millions of rating rows at 100,000 people: their text as categories (the values
    # used, sorted), the other tables' as str; either way a CSV holds the same text.
    ratings = agency["ratings"]
    text = [c for c in ratings.columns if c != "rating"]
    assert all(isinstance(ratings[c].dtype, pd.CategoricalDtype) for c in text)
    assert ratings["period"].cat.codes.dtype == np.int8
    plain = ratings.astype(dict.fromkeys(text, str))
    pd.testing.assert_frame_equal(plain.astype(dict.fromkeys(text, "category")), ratings)
    assert ratings.to_csv(index=False) == plain.to_csv(index=False)
    assert csv_text(ratings) == csv_text(plain)  # as `skillkit demo` writes it
    assert "" in ratings["comment"].cat.categories  # no comment: an empty cell
    for name in ("people", "kpis", "promotions"):
        frame = agency[name]
        assert all(frame[c].dtype == "str" for c in frame.columns if c != "value"), name


def test_frames_are_sorted(agency: dict[str, pd.DataFrame]) -> None:
    assert agency["people"]["employee_id"].is_monotonic_increasing
    for name in ("ratings", "kpis"):
        frame = agency[name]
        keys = frame[["period", "employee_id"]].apply(tuple, axis=1)
        assert keys.is_monotonic_increasing, name
    promotions = agency["promotions"]
    assert promotions[["period", "employee_id"]].apply(tuple, axis=1).is_monotonic_increasing


def test_ids_are_unique_and_references_exist(agency: dict[str, pd.DataFrame]) -> None:
    people, ratings = agency["people"], agency["ratings"]
    ids = set(people["employee_id"])
    assert people["employee_id"].is_unique
    assert people["employee_id"].str.fullmatch(r"E\d{3}").all()
    assert set(people["manager_id"]) - {""} <= ids
    assert (people["manager_id"] == "").sum() == 1  # the top group account director
    for name in ("ratings", "kpis", "promotions"):
        assert set(agency[name]["employee_id"]) <= ids, name
    insiders = ratings[ratings["source"] != "client"]
    assert set(insiders["rater_id"]) <= ids
    clients = ratings[ratings["source"] == "client"]
    assert clients["rater_id"].str.fullmatch(r"C\d{3,}").all()


def test_raters_stand_in_the_right_relation(agency: dict[str, pd.DataFrame]) -> None:
    people = agency["people"].set_index("employee_id")
    ratings = agency["ratings"]
    self_rows = ratings[ratings["source"] == "self"]
    # Categorical ids with their own categories each: compared as text.
    assert (self_rows["rater_id"].astype(str) == self_rows["employee_id"].astype(str)).all()
    by_manager = ratings[ratings["source"] == "manager"]
    assert (by_manager["rater_id"].to_numpy() == people.loc[by_manager["employee_id"], "manager_id"]
            .to_numpy()).all()  # fmt: skip
    by_report = ratings[ratings["source"] == "direct_report"]
    managers = people.loc[by_report["rater_id"], "manager_id"].to_numpy()
    assert (managers == by_report["employee_id"].to_numpy()).all()
    peers = ratings[ratings["source"] == "peer"]
    assert (peers["rater_id"].astype(str) != peers["employee_id"].astype(str)).all()
    same_team = people.loc[peers["rater_id"], "team"].to_numpy()
    assert (same_team == people.loc[peers["employee_id"], "team"].to_numpy()).all()
    assert set(ratings["source"]) == {"self", "manager", "peer", "direct_report", "client"}


def test_clients_rate_client_facing_competencies_of_senior_people(
    agency: dict[str, pd.DataFrame], framework: Framework
) -> None:
    people = agency["people"].set_index("employee_id")
    clients = agency["ratings"][agency["ratings"]["source"] == "client"]
    assert set(clients["competency"]) <= CLIENT_FACING
    rungs = people.loc[clients["employee_id"], "role"].map(framework.rung)
    assert (rungs >= framework.rung("senior-account-executive")).all()
    per_person = clients.groupby(["period", "employee_id"])["rater_id"].nunique()
    assert per_person.between(1, 2).all()


def test_no_one_rates_a_person_twice_on_a_competency_in_a_quarter(
    agency: dict[str, pd.DataFrame],
) -> None:
    keys = ["period", "employee_id", "rater_id", "competency"]
    assert not agency["ratings"].duplicated(keys).any()
    assert not agency["kpis"].duplicated(["period", "employee_id", "kpi"]).any()


def test_the_tables_load_as_valid_records(
    agency: dict[str, pd.DataFrame], framework: Framework, rubric: Rubric, tmp_path: Path
) -> None:
    for name, frame in agency.items():
        (tmp_path / f"{name}.csv").write_bytes(
            frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        )
    records = load_records(tmp_path, record_rules(framework, rubric))
    assert len(records.people) == len(agency["people"])
    assert len(records.ratings) == len(agency["ratings"])
    assert len(records.kpis) == len(agency["kpis"])
    assert len(records.promotions) == len(agency["promotions"])
    assert "O'Neill" in " ".join(records.people["name"])


def test_ratings_lie_on_the_scale_in_half_steps(agency: dict[str, pd.DataFrame]) -> None:
    ratings = agency["ratings"]
    given = ratings["rating"].dropna()
    assert given.between(1.0, 5.0).all()
    assert ((given * 2) % 1 == 0).all()
    assert (given * 2 % 2 == 1).any()  # halves are used
    assert ratings["rating"].isna().any()  # some competencies not observed
    assert ratings.loc[ratings["source"].isin(["self", "manager"]), "rating"].notna().all()
    comments = ratings["comment"][ratings["comment"] != ""]
    assert 0 < len(comments) < 0.1 * len(ratings)
    assert ratings.loc[comments.index, "rating"].notna().all()


def test_every_competency_rated_by_manager_and_self(
    agency: dict[str, pd.DataFrame], framework: Framework
) -> None:
    ratings = agency["ratings"]
    for source in ("self", "manager"):
        rows = ratings[ratings["source"] == source]
        counts = rows.groupby(["period", "employee_id"])["competency"].nunique()
        assert (counts == len(framework.competency_ids)).all(), source


def test_default_agency_is_a_pyramid_over_fifteen_teams(
    agency: dict[str, pd.DataFrame], framework: Framework
) -> None:
    people = agency["people"]
    counts = people["role"].value_counts()
    assert set(counts.index) == set(framework.role_ids)
    assert len(people) == demo.DEMO_PEOPLE == 150
    assert counts["group-account-director"] == 4  # one for every four teams
    assert counts["account-director"] >= 15
    for junior in framework.role_ids[:4]:
        assert counts[junior] > counts["account-director"]
    # Nine practice names; the six that hold two teams are numbered, the others are not.
    assert sorted(people["team"].unique()) == sorted(
        [*(f"{name} {k}" for name in ("Retail & FMCG", "Financial Services", "Automotive",
                                      "Tech & Telecom", "Healthcare", "Travel & Leisure")
           for k in (1, 2)),
         "Media & Entertainment", "Energy & Utilities", "Public Sector"]
    )  # fmt: skip
    assert (
        people.groupby("team")["role"].apply(lambda r: (r == "account-director").sum()) >= 1
    ).all()
    assert set(people["gender"]) == {"F", "M"}
    assert set(people["age_band"]) == {"<30", "30-39", "40+"}
    assert people["name"].str.contains("'").any()
    assert people["name"].str.fullmatch(r"[A-Z][a-z]+ [A-Z][A-Za-z']+").all()


def test_line_management_follows_the_ladder(
    agency: dict[str, pd.DataFrame], framework: Framework
) -> None:
    people = agency["people"].set_index("employee_id")
    managed = people[people["manager_id"] != ""]
    boss = people.loc[managed["manager_id"]]
    boss_rung = boss["role"].map(framework.rung).to_numpy()
    own_rung = managed["role"].map(framework.rung).to_numpy()
    assert (boss_rung >= own_rung).all()
    assert (boss_rung[own_rung < 5] > own_rung[own_rung < 5]).all()
    ads = managed[managed["role"] == "account-director"]
    assert (people.loc[ads["manager_id"], "role"] == "group-account-director").all()
    top = people[people["manager_id"] == ""]
    assert (top["role"] == "group-account-director").all()
    juniors = managed[managed["role"].isin(["account-coordinator", "account-executive"])]
    assert (people.loc[juniors["manager_id"], "role"] == "account-manager").mean() > 0.8
    inside = managed[~managed["role"].isin(["account-director", "group-account-director"])]
    assert (people.loc[inside["manager_id"], "team"].to_numpy() == inside["team"].to_numpy()).all()


def test_self_ratings_run_lenient(agency: dict[str, pd.DataFrame], world: demo.World) -> None:
    ratings = agency["ratings"].dropna(subset=["rating"])
    pairs = (
        ratings[ratings["source"].isin(["self", "manager"])]
        .pivot_table(
            index=["period", "employee_id", "competency"], columns="source", values="rating"
        )
        .dropna()
    )
    assert 0.2 < (pairs["self"] - pairs["manager"]).mean() < 0.8
    own = ratings[ratings["source"] == "self"]
    residual = own["rating"].to_numpy() - _truth(world, own)
    assert 0.25 < residual.mean() < 0.55
    managers = ratings[ratings["source"] == "manager"]
    assert (
        np.corrcoef(managers["rating"], _truth(world, managers))[0, 1]
        > np.corrcoef(own["rating"], _truth(world, own))[0, 1]
    )


def test_raters_differ_in_leniency(agency: dict[str, pd.DataFrame], world: demo.World) -> None:
    ratings = agency["ratings"].dropna(subset=["rating"])
    managers = ratings[ratings["source"] == "manager"].copy()
    managers["residual"] = managers["rating"].to_numpy() - _truth(world, managers)
    per_rater = managers.groupby("rater_id")["residual"].mean()
    assert per_rater.std() > 0.2
    assert per_rater.max() > 0.5 and per_rater.min() < -0.4


def test_kpis_follow_the_levels_they_evidence(
    agency: dict[str, pd.DataFrame], world: demo.World, rubric: Rubric
) -> None:
    kpis = agency["kpis"]
    assert set(kpis["kpi"]) == set(rubric.kpi_ids)
    assert kpis["value"].notna().all()
    assert (kpis["value"].round(1) == kpis["value"]).all()
    person = {e: i for i, e in enumerate(world.ids)}
    quarter = {p: i for i, p in enumerate(world.periods)}
    for kpi in rubric.kpis:
        rows = kpis[kpis["kpi"] == kpi.id]
        weight = np.array([kpi.evidences.get(c, 0.0) for c in world.comps])
        level = world.latent[rows["employee_id"].map(person), rows["period"].map(quarter)] @ weight
        sign = 1 if kpi.direction == "higher" else -1
        assert np.corrcoef(sign * rows["value"], level)[0, 1] > 0.6, kpi.id
    times = kpis.loc[kpis["kpi"] == "response_time_hours", "value"]
    assert (times > 0).all()
    retention = kpis.loc[kpis["kpi"] == "client_retention", "value"]
    assert retention.between(50, 100).all() and 80 < retention.median() < 95


def test_only_senior_account_executives_and_above_report_kpis(
    agency: dict[str, pd.DataFrame], framework: Framework
) -> None:
    people = agency["people"].set_index("employee_id")
    roles = people.loc[agency["kpis"]["employee_id"], "role"]
    assert "account-coordinator" not in set(roles)
    assert "account-executive" not in set(roles)
    seniors = people.index[people["role"].map(framework.rung) >= 2]
    assert len(set(seniors) - set(agency["kpis"]["employee_id"])) == 0


def test_promotions_match_current_roles(
    agency: dict[str, pd.DataFrame], framework: Framework
) -> None:
    people = agency["people"].set_index("employee_id")
    promotions = agency["promotions"]
    assert len(promotions) >= 3
    assert promotions["employee_id"].is_unique
    current = people.loc[promotions["employee_id"]]
    assert (promotions["to_role"].to_numpy() == current["role"].to_numpy()).all()
    below = [framework.role_ids[framework.rung(r) - 1] for r in promotions["to_role"]]
    assert list(promotions["from_role"]) == below
    start = pd.to_datetime(current["role_start"])
    quarter = start.dt.year * 4 + (start.dt.month - 1) // 3
    assert list(quarter) == [to_ordinal(p) for p in promotions["period"]]
    assert promotions["period"].between("2023Q4", "2026Q3").all()


def test_data_has_realistic_gaps(agency: dict[str, pd.DataFrame]) -> None:
    people, ratings = agency["people"], agency["ratings"]
    last = ratings[ratings["period"] == "2026Q3"]
    rated = set(last.loc[last["source"] == "manager", "employee_id"])
    managed = set(people.loc[people["manager_id"] != "", "employee_id"])
    assert 1 <= len(managed - rated) <= 2
    history = ratings.groupby("employee_id")["period"].nunique()
    assert (history == 2).any()
    assert set(ratings["period"]) == {f"{y}Q{q}" for y, q in
                                      [(2023, 4), *((y, q) for y in (2024, 2025)
                                                    for q in range(1, 5)),
                                       (2026, 1), (2026, 2), (2026, 3)]}  # fmt: skip


def test_a_realistic_mix_of_readiness_for_account_director(
    agency: dict[str, pd.DataFrame], world: demo.World, framework: Framework, rubric: Rubric
) -> None:
    rule = rubric.readiness.rules["account-director"]
    goal = np.array([framework.role("account-director").targets[c] for c in world.comps])
    gates = [world.comps.index(g) for g in rule.gates]
    tolerance = rubric.scale.level_tolerance
    candidates = np.flatnonzero(np.isin(world.rung, [2, 3]))
    kpis = agency["kpis"]
    retention = kpis[kpis["kpi"] == "client_retention"].pivot_table(
        index="employee_id", columns="period", values="value"
    )
    ready = close = 0
    for i in candidates:
        at_goal = world.latent[i, -2:, :] >= goal - tolerance
        kept = retention.loc[world.ids[i]].iloc[-4:] if world.ids[i] in retention.index else []
        retained = int((np.asarray(kept) >= 90).sum()) >= 2
        if at_goal[:, gates].all() and at_goal.mean() >= 0.8 and retained:
            ready += 1
        elif (world.latent[i, -1, gates] >= goal[gates] - 0.8).all():
            close += 1
    # Of the 65 senior account executives and account managers: a few ready, some close, and
    # most still some way off.
    assert 0.05 <= ready / len(candidates) <= 0.2
    assert close / len(candidates) >= 0.05
    assert (len(candidates) - ready - close) / len(candidates) >= 0.5


def test_other_sizes_and_periods(framework: Framework, rubric: Rubric) -> None:
    small = demo.generate_agency(framework, rubric, people=12, quarters=2, last_period="2025Q1")
    assert len(small["people"]) == 12 and small["people"]["team"].nunique() == 1
    assert set(small["ratings"]["period"]) == {"2024Q4", "2025Q1"}
    big = demo.generate_agency(framework, rubric, people=2000, quarters=8, seed=11)
    people = big["people"]
    assert len(people) == 2000 and people["employee_id"].str.fullmatch(r"E\d{4}").all()
    assert 150 <= people["team"].nunique() <= 250
    assert set(people["manager_id"]) - {""} <= set(people["employee_id"])
    assert set(big["ratings"]["employee_id"]) == set(people["employee_id"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"people": 11}, "people: expected a whole number of at least 12, got 11"),
        ({"people": True}, "people: expected a whole number of at least 12, got True"),
        ({"people": 20.0}, "people: expected a whole number of at least 12, got 20.0"),
        ({"quarters": 1}, "quarters: expected a whole number of at least 2, got 1"),
        ({"seed": -1}, "seed: expected a whole number of at least 0, got -1"),
        ({"last_period": "2026-3"}, "not a quarter label: '2026-3'"),
    ],
)
def test_bad_arguments_are_rejected(
    framework: Framework, rubric: Rubric, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        demo.generate_agency(framework, rubric, **kwargs)  # type: ignore[arg-type]


def test_a_russian_demo_is_the_same_agency_with_russian_names_in_cyrillic(
    framework: Framework, rubric: Rubric, agency: dict[str, pd.DataFrame]
) -> None:
    russian = demo.generate_agency(framework, rubric, lang="ru")
    for table in ("ratings", "kpis", "promotions"):
        pd.testing.assert_frame_equal(russian[table], agency[table])
    before, after = agency["people"], russian["people"]
    same = ["employee_id", "role", "manager_id", "hire_date", "role_start", "gender", "age_band"]
    pd.testing.assert_frame_equal(after[same], before[same])
    cyrillic = after["name"].str.contains("[А-Яа-яЁё]")
    assert 0.3 < cyrillic.mean() < 0.6  # the Russian staff, about 45%
    assert not after["name"][~cyrillic].ne(before["name"][~cyrillic]).any()  # others unchanged
    # A woman's surname takes the feminine ending, a man's does not.
    women = after[cyrillic & (after["gender"] == "F")]["name"]
    men = after[cyrillic & (after["gender"] == "M")]["name"]
    assert women.str.endswith("а").all() and not men.str.endswith("а").any()
    assert after["team"].str.contains("[А-Яа-я]").all()
    # Teams that shared a name keep their numbers, so they stay apart.
    assert after["team"].nunique() == before["team"].nunique()
