"""Reading the data folder (or workbook): what loads, how it is typed, and what users are told."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from skillkit import tabular
from skillkit.errors import InputError
from skillkit.record_checks import RATINGS as RATINGS_KIND
from skillkit.record_checks import Sheet, _repeated
from skillkit.records import RecordRules, Records, load_records
from tests.conftest import COMPETENCIES

FIXTURES = Path(__file__).parent / "fixtures" / "records"
INVALID = FIXTURES / "invalid"

RULES = RecordRules(
    roles=(
        "account-coordinator",
        "account-executive",
        "senior-account-executive",
        "account-manager",
        "account-director",
        "group-account-director",
    ),
    competencies=COMPETENCIES,
    kpis=(
        "client_retention",
        "client_nps",
        "organic_growth",
        "margin_vs_plan",
        "on_time_delivery",
        "response_time_hours",
    ),
)


def problems(source: Path, rules: RecordRules = RULES) -> list[str]:
    """The stderr lines a user would see for `source`."""
    with pytest.raises(InputError) as caught:
        load_records(source, rules)
    return [str(p) for p in caught.value.problems]


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))


PEOPLE = "employee_id,name,role\nE001,Alice,account-director\nE002,Bob,account-executive\n"
RATINGS = (
    "period,employee_id,rater_id,source,competency,rating\n"
    "2026Q1,E001,E001,self,communication,4\n"
    "2026Q1,E002,E001,manager,communication,3\n"
)


# --- a valid folder -------------------------------------------------------------------------------


@pytest.fixture
def valid(monkeypatch: pytest.MonkeyPatch) -> Records:
    monkeypatch.chdir(FIXTURES)
    return load_records(Path("valid"), RULES)


def test_people_are_typed_stripped_and_sorted_by_employee_id(valid: Records) -> None:
    people = valid.people
    assert list(people.columns) == [
        "employee_id",
        "name",
        "role",
        "team",
        "manager_id",
        "hire_date",
        "role_start",
        "gender",
    ]
    assert people["employee_id"].tolist() == ["E001", "E002", "E003", "E004"]
    assert people["name"].tolist() == ["Alice Moreau", "Bob Stone", "Chen Li", "Dana Kerr"]
    assert people["team"].tolist() == ["North", "", "South", "South"]
    assert people["manager_id"].isna().tolist() == [True, False, False, False]
    assert people["gender"].tolist() == ["f", "m", "f", ""]
    assert people["hire_date"].tolist()[:3] == [
        pd.Timestamp("2019-04-01"),
        pd.Timestamp("2023-01-09"),
        pd.Timestamp("2021-06-14"),
    ]
    assert people["role_start"].isna().tolist() == [False, True, False, True]
    for column in ("employee_id", "name", "role", "team", "manager_id", "gender"):
        assert people[column].dtype == "string", column
    assert people["hire_date"].dtype == "datetime64[ns]"
    assert people["role_start"].dtype == "datetime64[ns]"
    assert people.index.equals(pd.RangeIndex(4))


def test_ratings_are_typed_and_sorted_by_period_employee_competency_source_rater(
    valid: Records,
) -> None:
    ratings = valid.ratings
    assert list(ratings.columns) == [
        "period",
        "employee_id",
        "rater_id",
        "source",
        "competency",
        "rating",
        "comment",
    ]
    keys = ["period", "employee_id", "competency", "source", "rater_id"]
    assert ratings[keys].values.tolist() == [
        ["2026Q1", "E001", "strategic-advice", "self", "E001"],
        ["2026Q1", "E002", "communication", "manager", "E001"],
        ["2026Q1", "E002", "communication", "peer", "E003"],
        ["2026Q1", "E002", "communication", "self", "E002"],
        ["2026Q1", "E003", "negotiation", "client", "C-17"],
        ["2026Q2", "E002", "communication", "manager", "E001"],
    ]
    assert ratings["rating"].dtype == np.float64
    np.testing.assert_array_equal(ratings["rating"], [5.0, 3.5, 3.0, 4.0, np.nan, 4.5])
    assert ratings["comment"].tolist() == ["", "", "", "", "not observed", "Clear, concise"]
    # Keys are categories, sorted, none unused; free text is a string per row.
    for column in keys:
        assert ratings[column].dtype == "category", column
        assert list(ratings[column].cat.categories) == sorted(set(ratings[column])), column
    assert ratings["comment"].dtype == "string"
    assert ratings.index.equals(pd.RangeIndex(6))


def test_kpis_and_promotions_are_typed_and_sorted(valid: Records) -> None:
    assert valid.kpis.values.tolist() == [
        ["2026Q1", "E002", "client_retention", 0.95],
        ["2026Q1", "E003", "client_nps", 42.0],
    ]
    assert valid.kpis["value"].dtype == np.float64
    assert valid.promotions["employee_id"].tolist() == ["E001", "E003"]
    assert (valid.promotions.dtypes == "string").all()


def test_files_read_are_listed_sorted(valid: Records) -> None:
    names = ["kpis.csv", "people.csv", "promotions.csv", "ratings.csv"]
    assert valid.files == tuple(Path("valid") / n for n in names)


def test_a_person_without_ratings_and_unknown_columns_are_warnings(valid: Records) -> None:
    assert [str(w) for w in valid.warnings] == [
        "valid/people.csv:5: employee_id: no ratings for 'E004' in ratings.csv",
        "valid/ratings.csv:1: header: ignoring unknown column(s) 'batch' (known: period, "
        "employee_id, rater_id, source, competency, rating, comment)",
    ]


def test_absent_optional_files_give_empty_typed_frames(tmp_path: Path) -> None:
    write(tmp_path, "people.csv", PEOPLE)
    write(tmp_path, "ratings.csv", RATINGS)
    records = load_records(tmp_path, RULES)
    assert list(records.kpis.columns) == ["period", "employee_id", "kpi", "value"]
    assert list(records.promotions.columns) == ["employee_id", "period", "from_role", "to_role"]
    assert len(records.kpis) == len(records.promotions) == 0
    assert records.kpis["value"].dtype == np.float64
    assert records.kpis["kpi"].dtype == "category"
    assert records.people["team"].tolist() == ["", ""]
    assert records.people["manager_id"].isna().all()
    assert records.people["hire_date"].dtype == "datetime64[ns]"
    assert records.ratings["comment"].tolist() == ["", ""]
    assert records.files == (tmp_path / "people.csv", tmp_path / "ratings.csv")
    assert records.warnings == ()


# --- what spreadsheets export ---------------------------------------------------------------------


def test_semicolons_decimal_commas_and_windows_1251_load(tmp_path: Path) -> None:
    write(
        tmp_path,
        "people.csv",
        "employee_id;name;role;team\n"
        "E001;Анна Иванова;account-director;Москва\n"
        "E002;Пётр Смирнов;account-executive;Москва\n",
        encoding="cp1251",
    )
    write(
        tmp_path,
        "ratings.csv",
        "period;employee_id;rater_id;source;competency;rating;comment\n"
        "2026Q1;E001;E001;self;communication;3,5;Уверенно ведёт клиента\n"
        "2026Q1;E002;E001;manager;communication;4;\n",
        encoding="cp1251",
    )
    write(tmp_path, "kpis.csv", "period;employee_id;kpi;value\n2026Q1;E002;client_nps;0,95\n")
    records = load_records(tmp_path, RULES)
    assert records.people["name"].tolist() == ["Анна Иванова", "Пётр Смирнов"]
    assert records.people["team"].tolist() == ["Москва", "Москва"]
    assert records.ratings["rating"].tolist() == [3.5, 4.0]
    assert records.ratings["comment"].tolist() == ["Уверенно ведёт клиента", ""]
    assert records.kpis["value"].tolist() == [0.95]


def test_utf8_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    write(tmp_path, "people.csv", PEOPLE.replace("Alice", "Zoë"), encoding="utf-8-sig")
    write(tmp_path, "ratings.csv", RATINGS, encoding="utf-8-sig")
    records = load_records(tmp_path, RULES)
    assert records.people.columns[0] == "employee_id"
    assert records.people["name"].tolist() == ["Zoë", "Bob"]
    assert records.ratings["employee_id"].tolist() == ["E001", "E002"]


# --- a workbook -----------------------------------------------------------------------------------


def _cell(column: str, text: str) -> object:
    """A CSV cell as a spreadsheet user would have typed it: numbers and dates are not text."""
    if text.strip() and column in ("rating", "value"):
        return float(text)
    if text and column in ("hire_date", "role_start"):
        return dt.datetime.fromisoformat(text)
    return text or None


def workbook_from(folder: Path, path: Path) -> None:
    """Copy a data folder into one .xlsx workbook, one sheet per CSV file."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for csv_path in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(csv_path.stem)
        with csv_path.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.reader(stream))
        sheet.append(rows[0])
        for row in rows[1:]:
            sheet.append([_cell(c, v) for c, v in zip(rows[0], row, strict=True)])
    book.save(path)


def test_a_workbook_loads_exactly_like_the_csv_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook_from(FIXTURES / "valid", tmp_path / "agency.xlsx")
    monkeypatch.chdir(tmp_path)
    from_book = load_records(Path("agency.xlsx"), RULES)
    from_folder = load_records(FIXTURES / "valid", RULES)
    for name in ("people", "ratings", "kpis", "promotions"):
        pd.testing.assert_frame_equal(getattr(from_book, name), getattr(from_folder, name))
    assert from_book.files == (Path("agency.xlsx"),)
    assert [str(w) for w in from_book.warnings] == [
        "agency.xlsx[people]:5: employee_id: no ratings for 'E004' in the ratings sheet",
        "agency.xlsx[ratings]:1: header: ignoring unknown column(s) 'batch' (known: period, "
        "employee_id, rater_id, source, competency, rating, comment)",
    ]


def test_a_workbook_without_a_ratings_sheet_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = openpyxl.Workbook()
    book.active.title = "people"
    book.active.append(["employee_id", "name", "role"])
    book.active.append(["E001", "Alice", "ae"])
    book.save(tmp_path / "agency.xlsx")
    monkeypatch.chdir(tmp_path)
    assert problems(Path("agency.xlsx")) == [
        "agency.xlsx[people]:2: role: unknown role 'ae' (known: account-coordinator, "
        "account-director, account-executive, account-manager, group-account-director, "
        "senior-account-executive)",
        "agency.xlsx[ratings]: missing required sheet (a workbook needs sheets people and ratings)",
    ]


def test_a_file_that_is_not_a_workbook_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "agency.xlsx").write_text("not a zip file")
    monkeypatch.chdir(tmp_path)
    [message] = problems(Path("agency.xlsx"))
    assert message.startswith("agency.xlsx: cannot read as an .xlsx workbook: ")


# --- invalid inputs, as data ----------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(p.name for p in INVALID.iterdir() if p.is_dir()))
def test_invalid_folder_reports_every_problem(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVALID)
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert problems(Path(case)) == expected


def test_long_lists_of_known_ids_are_cut_after_twelve(tmp_path: Path) -> None:
    write(tmp_path, "people.csv", PEOPLE)
    write(tmp_path, "ratings.csv", RATINGS.replace("3\n", "3\n2026Q1,E002,E001,manager,c99,3\n"))
    rules = RecordRules(
        roles=RULES.roles, competencies=tuple(f"c{i:02d}" for i in range(15)), kpis=()
    )
    known = ", ".join(f"c{i:02d}" for i in range(12))
    assert problems(tmp_path, rules) == [
        f"{tmp_path}/ratings.csv:2: competency: unknown competency 'communication' (known: "
        f"{known}, ...)",
        f"{tmp_path}/ratings.csv:3: competency: unknown competency 'communication' (known: "
        f"{known}, ...)",
        f"{tmp_path}/ratings.csv:4: competency: unknown competency 'c99' (known: {known}, ...)",
    ]


def test_a_custom_scale_is_checked_and_named(tmp_path: Path) -> None:
    write(tmp_path, "people.csv", PEOPLE)
    write(tmp_path, "ratings.csv", RATINGS.replace(",4\n", ",7\n").replace(",3\n", ",2.5\n"))
    rules = RecordRules(RULES.roles, RULES.competencies, RULES.kpis, scale_max=7, scale_step=1)
    assert problems(tmp_path, rules) == [
        f"{tmp_path}/ratings.csv:3: rating: expected a number from 1 to 7 in steps of 1, got '2.5'"
    ]


def test_a_missing_source_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert problems(Path("data")) == [
        "data: no such file or folder (expected a data folder or an .xlsx workbook)"
    ]


def test_a_data_folder_needs_both_required_files(tmp_path: Path) -> None:
    tmp_path.joinpath("data").mkdir()
    needs = "missing required file (a data folder needs people.csv and ratings.csv)"
    assert problems(tmp_path / "data") == [
        f"{tmp_path}/data/people.csv: {needs}",
        f"{tmp_path}/data/ratings.csv: {needs}",
    ]


# --- the vectorised checks on category codes ------------------------------------------------------


def _coded_frame(rows: int, seed: int) -> pd.DataFrame:
    """Key columns as the reader makes them (sorted categories), with "" and missing values."""
    rng = np.random.default_rng(seed)
    columns = {}
    for name, choices in (("period", ["2026Q1", "2026Q2"]), ("who", ["b", "a", "", "c"])):
        values = rng.choice(np.array([*choices, None], dtype=object), rows)
        columns[name] = pd.Categorical(values, categories=sorted(set(choices)))
    return pd.DataFrame(columns)


@pytest.mark.parametrize("rows", [0, 1, 3, 40])  # none repeated, and some
def test_repeated_keys_are_the_rows_pandas_calls_duplicated(rows: int) -> None:
    frame = _coded_frame(rows, seed=rows)
    for keys in (("period",), ("period", "who")):
        expected = frame.duplicated(list(keys), keep=False).to_numpy()
        assert _repeated(frame, keys).tolist() == expected.tolist()
        assert _repeated(frame.astype(object), keys).tolist() == expected.tolist()


def test_isin_looks_at_each_category_once_and_a_missing_value_is_not_in() -> None:
    frame = _coded_frame(40, seed=1)
    sheet = Sheet(RATINGS_KIND, tabular.Table("r.csv", frame, np.arange(2, 42)), "ratings.csv")
    for allowed in ({"a", "c"}, set(), {"", "b", "zzz"}):
        expected = frame["who"].isin(list(allowed)).to_numpy()
        assert sheet.isin("who", allowed).tolist() == expected.tolist()
    assert frame["who"].isna().any()
