"""Rating forms: `template` writes one protected form per manager, `collect` reads them back."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path

import openpyxl
import pytest

from skillkit.collect import collect_forms
from skillkit.demo import generate_agency
from skillkit.errors import InputError
from skillkit.forms import build_forms
from skillkit.framework import Framework
from skillkit.pipeline import record_rules, review
from skillkit.records import load_records
from skillkit.rubric import Rubric
from tests.conftest import COMPETENCIES, RunCli
from tests.test_cli import write_small_agency

HEADER = ["period", "employee_id", "name", "competency", "competency_name", "rating", "comment"]
CHOICES_EN = [
    "1 — Foundation",
    1.5,
    "2 — Practising",
    2.5,
    "3 — Proficient",
    3.5,
    "4 — Advanced",
    4.5,
    "5 — Leading",
]
Filled = Mapping[tuple[str, str], tuple[object, object]]


def template(run_cli: RunCli, data: Path, out: Path, *extra: str) -> dict[str, Path]:
    """Run `skillkit template` for 2026Q4; the forms by file name."""
    run_cli(["template", str(data), "--period", "2026Q4", "--out", str(out), *extra])
    return {path.name: path for path in sorted(out.iterdir())}


def fill(form: Path, cells: Filled) -> None:
    """Type ratings and comments into a form as a manager would: (employee, competency) → cells."""
    book = openpyxl.load_workbook(form)
    sheet = book["ratings"]
    rows = {(r[1].value, r[3].value): r for r in sheet.iter_rows(min_row=2)}
    for key, (rating, comment) in cells.items():
        rows[key][5].value, rows[key][6].value = rating, comment
    book.save(form)


def form_rows(form: Path, sheet: str = "ratings") -> list[tuple[object, ...]]:
    """The cells of a sheet, header first."""
    book = openpyxl.load_workbook(form)
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


def ratings_of(data: Path, period: str) -> list[dict[str, str]]:
    """The rows of DATA/ratings.csv for `period`, in file order."""
    with (data / "ratings.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["period"] == period]


def row(
    employee: str, rater: str, competency: str, rating: str, comment: str = ""
) -> dict[str, str]:
    """One manager rating of 2026Q4 as ratings.csv holds it."""
    return {
        "period": "2026Q4",
        "employee_id": employee,
        "rater_id": rater,
        "source": "manager",
        "competency": competency,
        "rating": rating,
        "comment": comment,
    }


def write_demo_agency(folder: Path, framework: Framework, rubric: Rubric) -> Path:
    """The demo agency of 40 people over four quarters (up to 2026Q3) as a data folder."""
    folder.mkdir(parents=True)
    for name, frame in generate_agency(framework, rubric, people=40, quarters=4).items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


# --- template -------------------------------------------------------------------------------


def test_one_form_per_manager_lists_exactly_their_reports_by_competency(
    tmp_path: Path, run_cli: RunCli, framework: Framework
) -> None:
    data = write_small_agency(tmp_path / "data")
    forms = template(run_cli, data, tmp_path / "forms")
    assert list(forms) == ["2026Q4-D1.xlsx", "2026Q4-M1.xlsx"]  # A1 manages no one
    names = [c.name.en for c in framework.competencies]
    assert form_rows(forms["2026Q4-M1.xlsx"]) == [
        tuple(HEADER),
        *[
            ("2026Q4", "A1", "Alla Executive", competency, name, None, None)
            for competency, name in zip(COMPETENCIES, names, strict=True)
        ],
    ]
    assert [r[1] for r in form_rows(forms["2026Q4-D1.xlsx"])[1:]] == ["M1"] * 10
    book = openpyxl.load_workbook(forms["2026Q4-M1.xlsx"])
    assert book.sheetnames == ["ratings", "levels", "form"]
    assert book["form"].sheet_state == "veryHidden"  # the rater is not a cell a manager edits
    meta = {r[0]: r[1] for r in book["form"].iter_rows(max_col=2, values_only=True)}
    assert (meta["manager_id"], meta["period"], meta["source"]) == ("M1", "2026Q4", "manager")


def test_the_demo_agency_gets_a_form_for_every_manager_with_all_of_their_reports(
    tmp_path: Path, run_cli: RunCli, framework: Framework, rubric: Rubric
) -> None:
    data = write_demo_agency(tmp_path / "data", framework, rubric)
    forms = template(run_cli, data, tmp_path / "forms")
    with (data / "people.csv").open(encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    reports: dict[str, set[str]] = {}
    for person in people:
        if person["manager_id"]:
            reports.setdefault(person["manager_id"], set()).add(person["employee_id"])
    assert sorted(forms) == sorted(f"2026Q4-{manager}.xlsx" for manager in reports)
    for manager, team in reports.items():
        cells = form_rows(forms[f"2026Q4-{manager}.xlsx"])[1:]
        pairs = [(r[1], r[3]) for r in cells]
        assert pairs == sorted(pairs, key=lambda p: (p[0], COMPETENCIES.index(p[1])))
        assert set(pairs) == {(e, c) for e in team for c in COMPETENCIES}
        assert len(pairs) == len(team) * len(COMPETENCIES)


def test_rating_cells_offer_the_scale_with_level_names_in_a_drop_down(
    tmp_path: Path, run_cli: RunCli
) -> None:
    forms = template(run_cli, write_small_agency(tmp_path / "data"), tmp_path / "forms")
    book = openpyxl.load_workbook(forms["2026Q4-M1.xlsx"])
    (validation,) = book["ratings"].data_validations.dataValidation
    assert validation.type == "list" and str(validation.sqref) == "F2:F11"
    sheet, cells = validation.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    assert [c.value for (c,) in book[sheet][first:last]] == CHOICES_EN


def test_only_rating_and_comment_cells_are_unlocked_on_protected_sheets(
    tmp_path: Path, run_cli: RunCli
) -> None:
    forms = template(run_cli, write_small_agency(tmp_path / "data"), tmp_path / "forms")
    book = openpyxl.load_workbook(forms["2026Q4-M1.xlsx"])
    assert book.security.lockStructure
    assert all(sheet.protection.sheet for sheet in book.worksheets)
    sheet = book["ratings"]
    assert sheet.freeze_panes == "A2"
    unlocked = {
        (cell.row, HEADER[cell.column - 1])
        for row in sheet.iter_rows()
        for cell in row
        if not cell.protection.locked
    }
    assert unlocked == {(r, c) for r in range(2, 12) for c in ("rating", "comment")}
    assert sheet.column_dimensions["G"].width > sheet.column_dimensions["A"].width


@pytest.mark.parametrize(
    ("lang", "level_name", "choice"),
    [("en", "Proficient", "3 — Proficient"), ("ru", "Уверенный", "3 — Уверенный")],
)
def test_the_levels_sheet_describes_every_level_in_the_chosen_language(
    tmp_path: Path,
    run_cli: RunCli,
    framework: Framework,
    lang: str,
    level_name: str,
    choice: str,
) -> None:
    data = write_small_agency(tmp_path / "data")
    forms = template(run_cli, data, tmp_path / "forms", "--lang", lang)
    levels = form_rows(forms["2026Q4-M1.xlsx"], "levels")[1:]
    assert len(levels) == 5 * len(COMPETENCIES)
    communication = framework.competency("communication")
    name = communication.name.ru if lang == "ru" else communication.name.en
    indicator = communication.level(3).indicator
    assert (
        name,
        "communication",
        3,
        level_name,
        indicator.ru if lang == "ru" else indicator.en,
    ) in (levels)
    ratings = form_rows(forms["2026Q4-M1.xlsx"])
    assert ratings[2][3:5] == ("communication", name)
    book = openpyxl.load_workbook(forms["2026Q4-M1.xlsx"])
    assert book["form"]["D6"].value == choice


def test_the_same_inputs_give_byte_identical_forms(
    tmp_path: Path, framework: Framework, rubric: Rubric
) -> None:
    data = write_small_agency(tmp_path / "data")
    records = load_records(data, record_rules(framework, rubric))
    first, second = (
        build_forms(
            records, framework, rubric, period="2026Q4", generated_at="2026-10-01T09:00:00Z"
        )
        for _ in range(2)
    )
    assert first == second


def test_a_period_that_is_no_quarter_is_refused_before_anything_is_written(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    out = tmp_path / "forms"
    args = ["template", str(data), "--period", "2026Q5", "--out", str(out)]
    result = run_cli(args, expect=2)
    assert result.stderr.splitlines()[0] == "--period: expected a quarter like 2026Q4, got '2026Q5'"
    assert not out.exists()


def test_template_never_overwrites_a_form_already_in_the_folder(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    forms = template(run_cli, data, tmp_path / "forms")
    fill(forms["2026Q4-M1.xlsx"], {("A1", "negotiation"): ("3 — Proficient", None)})
    filled = forms["2026Q4-M1.xlsx"].read_bytes()
    args = ["template", str(data), "--period", "2026Q4", "--out", str(tmp_path / "forms")]
    result = run_cli(args, expect=2)
    form = tmp_path / "forms" / "2026Q4-M1.xlsx"
    assert f"{form}: already exists (remove it or choose another --out)" in result.stderr
    assert form.read_bytes() == filled


def test_hostile_ids_and_names_give_safe_file_names_and_inert_cells(
    tmp_path: Path, run_cli: RunCli
) -> None:
    hyperlink = '=HYPERLINK("http://evil.example","x")'
    long_id = "m" * 300
    people = [
        ("employee_id", "name", "role", "manager_id"),
        (hyperlink, "+Eve", "account-director", ""),
        ("../../x", "@SUM(A1)", "account-manager", hyperlink),
        ("CON", "Con", "account-manager", "../../x"),
        ("Менеджер", "Мария", "account-manager", "CON"),
        ("x", "Ex", "account-manager", "Менеджер"),
        (long_id, "Long", "account-executive", "x"),
        ("a/b", "Ab", "account-executive", long_id),
        ("a\\b", "-1", "account-executive", "a/b"),
        ("e1", "\tTab", "account-executive", "a\\b"),
    ]
    data = tmp_path / "data"
    data.mkdir()
    with (data / "people.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(people)
    (data / "ratings.csv").write_text(
        "period,employee_id,rater_id,source,competency,rating,comment\n", encoding="utf-8"
    )
    out = tmp_path / "out" / "forms"
    forms = template(run_cli, data, out)
    assert all(re.fullmatch(r"2026Q4-[A-Za-z0-9._-]{1,90}\.xlsx", name) for name in forms)
    assert len(forms) == 8 and "2026Q4-Menedzher.xlsx" in forms
    # No name Windows refuses to create (CON.xlsx, con.anything.xlsx, ...).
    assert not {name.split(".", 1)[0].lower() for name in forms} & {"con", "prn", "aux", "nul"}
    assert {p.relative_to(tmp_path) for p in (tmp_path).rglob("*.xlsx")} == {
        Path("out/forms") / name for name in forms
    }
    (hostile,) = [f for f in forms.values() if form_rows(f)[1][1] == "../../x"]
    book = openpyxl.load_workbook(hostile)
    cell = book["ratings"]["C2"]
    assert (cell.value, cell.data_type) == ("'@SUM(A1)", "s")
    meta = {r[0]: r[1] for r in book["form"].iter_rows(max_col=2, values_only=True)}
    assert meta["manager_id"] == "'" + hyperlink
    # The ids read back exactly: the rating lands on the right person, by the right manager.
    fill(hostile, {("../../x", "negotiation"): (4, "'=1+1")})
    run_cli(["collect", str(hostile), "--into", str(data)])
    assert ratings_of(data, "2026Q4") == [row("../../x", hyperlink, "negotiation", "4", "'=1+1")]


# --- collect --------------------------------------------------------------------------------


def test_round_trip_adds_exactly_the_filled_ratings_and_a_review_sees_them(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    before = (data / "ratings.csv").read_bytes()
    forms = template(run_cli, data, tmp_path / "forms")
    fill(
        forms["2026Q4-M1.xlsx"],
        {
            ("A1", "client-understanding"): ("4 — Advanced", None),
            ("A1", "communication"): (3.5, 'clear, "timely" reports'),
            ("A1", "negotiation"): ("2", None),  # typed, not picked
            ("A1", "motivation"): (None, "not seen this quarter"),
        },
    )
    fill(forms["2026Q4-D1.xlsx"], {("M1", "strategic-advice"): ("4,5", None)})
    result = run_cli(["collect", str(tmp_path / "forms"), "--into", str(data)])
    assert result.stdout == (
        f"Collected 2 form(s): 5 rating(s) added to {data / 'ratings.csv'}, 0 already there, "
        "15 row(s) left empty (not rated).\n"
    )
    assert ratings_of(data, "2026Q4") == [
        row("A1", "M1", "client-understanding", "4"),
        row("A1", "M1", "communication", "3.5", 'clear, "timely" reports'),
        row("A1", "M1", "motivation", "", "not seen this quarter"),
        row("A1", "M1", "negotiation", "2"),
        row("M1", "D1", "strategic-advice", "4.5"),
    ]
    assert (data / "ratings.csv").read_bytes().startswith(before)  # earlier lines untouched
    assessment = review(data, model=False)
    assert assessment.period == "2026Q4"
    seen = assessment.ratings[assessment.ratings["period"] == "2026Q4"]
    ratings = [f"{value:g}" for value in seen["rating"]]
    assert sorted(zip(seen["employee_id"], seen["competency"], ratings, strict=True)) == [
        ("A1", "client-understanding", "4"),
        ("A1", "communication", "3.5"),
        ("A1", "motivation", "nan"),  # not observed, with its comment
        ("A1", "negotiation", "2"),
        ("M1", "strategic-advice", "4.5"),
    ]
    again = run_cli(["collect", str(tmp_path / "forms"), "--into", str(data)])
    assert "0 rating(s) added" in again.stdout and "5 already there" in again.stdout
    assert len(ratings_of(data, "2026Q4")) == 5


def test_round_trip_on_the_demo_agency_reaches_the_review(
    tmp_path: Path, run_cli: RunCli, framework: Framework, rubric: Rubric
) -> None:
    data = write_demo_agency(tmp_path / "data", framework, rubric)
    forms = template(run_cli, data, tmp_path / "forms", "--lang", "ru")
    filled = 0
    for form in forms.values():
        pairs = [(r[1], r[3]) for r in form_rows(form)[1:]]
        fill(form, {pair: ("3 — Уверенный", None) for pair in pairs})
        filled += len(pairs)
    result = run_cli(["collect", str(tmp_path / "forms"), "--into", str(data), "--quiet"])
    assert result.output == ""
    added = ratings_of(data, "2026Q4")
    assert len(added) == filled and {r["rating"] for r in added} == {"3"}
    assessment = review(data, model=False)
    assert assessment.period == "2026Q4"
    latest = assessment.ratings[assessment.ratings["period"] == "2026Q4"]
    assert len(latest) == filled and set(latest["source"]) == {"manager"}


def test_ratings_already_in_ratings_csv_are_skipped_and_a_different_one_is_refused(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    out = tmp_path / "forms"
    run_cli(["template", str(data), "--period", "2026Q3", "--out", str(out)])
    form = out / "2026Q3-M1.xlsx"
    fill(
        form,
        {
            ("A1", "communication"): ("3 — Proficient", "clear contact reports"),  # line 81
            ("A1", "client-understanding"): (2.5, None),  # as on line 44
        },
    )
    result = run_cli(["collect", str(form), "--into", str(data)])
    assert "0 rating(s) added" in result.stdout and "2 already there" in result.stdout
    before = (data / "ratings.csv").read_bytes()
    fill(form, {("A1", "effectiveness"): ("4 — Advanced", None)})
    result = run_cli(["collect", str(form), "--into", str(data)], expect=2)
    assert result.stderr.splitlines() == [
        f"{form}[ratings]:11: rating: 'M1' already rated 'A1' on 'effectiveness' in 2026Q3 in "
        f"{data / 'ratings.csv'}:79: 2.5; the form has 4 (collect never overwrites: change "
        "ratings.csv itself to replace a rating)",
        "skillkit: stopped on 1 problem(s).",
    ]
    assert (data / "ratings.csv").read_bytes() == before


def test_a_changed_rating_after_collecting_is_a_conflict_naming_the_new_line(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    forms = template(run_cli, data, tmp_path / "forms")
    fill(forms["2026Q4-M1.xlsx"], {("A1", "client-understanding"): ("4 — Advanced", None)})
    run_cli(["collect", str(tmp_path / "forms"), "--into", str(data)])
    fill(forms["2026Q4-M1.xlsx"], {("A1", "client-understanding"): ("3 — Proficient", "better")})
    result = run_cli(["collect", str(tmp_path / "forms"), "--into", str(data)], expect=2)
    assert result.stderr.splitlines()[0] == (
        f"{forms['2026Q4-M1.xlsx']}[ratings]:2: rating: 'M1' already rated 'A1' on "
        f"'client-understanding' in 2026Q4 in {data / 'ratings.csv'}:82: 4; the form has 3 with "
        "comment 'better' (collect never overwrites: change ratings.csv itself to replace a rating)"
    )


def test_every_bad_cell_is_named_and_nothing_is_written(tmp_path: Path, run_cli: RunCli) -> None:
    data = write_small_agency(tmp_path / "data")
    before = (data / "ratings.csv").read_bytes()
    forms = template(run_cli, data, tmp_path / "forms")
    form = forms["2026Q4-M1.xlsx"]
    fill(
        form,
        {
            ("A1", "client-understanding"): (9, None),
            ("A1", "communication"): ("lots", None),
            ("A1", "negotiation"): (3.25, None),
            ("A1", "motivation"): ("=2+2", None),
            ("A1", "effectiveness"): ("4 — Advanced", None),
        },
    )
    book = openpyxl.load_workbook(form)
    sheet = book["ratings"]
    sheet["D11"] = "negotation"  # typed over a locked cell, e.g. after removing the protection
    sheet["B4"].value, sheet["F4"].value = "Z9", 3
    sheet["A5"].value, sheet["F5"].value = "2026Q5", 3
    sheet["B6"].value, sheet["F6"].value = "D1", 3
    book.save(form)
    result = run_cli(["collect", str(tmp_path / "forms"), "--into", str(data)], expect=2)
    known = ", ".join(sorted(COMPETENCIES))
    at = f"{form}[ratings]"
    assert result.stderr.splitlines() == [
        f"{at}:2: rating: expected a number from 1 to 5 in steps of 0.5, got '9'",
        f"{at}:3: rating: expected a number from 1 to 5 in steps of 0.5, got 'lots'",
        f"{at}:4: employee_id: unknown employee 'Z9' (not in people.csv)",
        f"{at}:5: period: expected a quarter like 2026Q3, got '2026Q5'",
        f"{at}:6: employee_id: 'D1' does not report to 'M1' in people.csv (no manager)",
        f"{at}:8: rating: expected a number from 1 to 5 in steps of 0.5, got '3.25'",
        f"{at}:10: rating: expected a value, got a formula '=2+2'",
        f"{at}:11: competency: unknown competency 'negotation' (known: {known})",
        "skillkit: stopped on 8 problem(s).",
    ]
    assert (data / "ratings.csv").read_bytes() == before


def test_a_form_naming_someone_else_or_no_one_is_refused(
    tmp_path: Path, run_cli: RunCli, framework: Framework, rubric: Rubric
) -> None:
    data = write_small_agency(tmp_path / "data")
    forms = template(run_cli, data, tmp_path / "forms")
    fill(forms["2026Q4-M1.xlsx"], {("A1", "negotiation"): (3, None)})
    book = openpyxl.load_workbook(forms["2026Q4-M1.xlsx"])
    book["form"]["B3"] = "D1"  # a manager's form passed off as their own manager's
    book.save(forms["2026Q4-M1.xlsx"])
    book["form"]["B3"] = "M9"
    book.save(tmp_path / "forms" / "unknown.xlsx")
    openpyxl.Workbook().save(tmp_path / "forms" / "notes.xlsx")
    (tmp_path / "forms" / "broken.xlsx").write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        collect_forms(tmp_path / "forms", data, framework, rubric)
    messages = [str(p) for p in caught.value.problems]
    forms_dir = tmp_path / "forms"
    assert messages[0] == (
        f"{forms_dir}/2026Q4-M1.xlsx[ratings]:8: employee_id: 'A1' does not report to 'D1' in "
        "people.csv (their manager there is 'M1')"
    )
    assert messages[1].startswith(f"{forms_dir}/broken.xlsx: cannot read as an .xlsx workbook: ")
    assert messages[2:] == [
        f"{forms_dir}/notes.xlsx: not a skillkit rating form (forms are made by `skillkit "
        "template`)",
        f"{forms_dir}/unknown.xlsx[form]:3: manager_id: unknown manager 'M9' (not an "
        "employee_id in people.csv)",
    ]


def test_collect_keeps_the_files_separator_encoding_and_extra_columns(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    lines = (data / "ratings.csv").read_text(encoding="utf-8").splitlines()
    # A Russian Excel export: Windows-1251, semicolons, decimal commas, CRLF, a column of its own.
    semicolons = [line.replace(",", ";") + ";" for line in lines]
    semicolons[0] = semicolons[0][:-1] + ";batch"
    text = "\r\n".join(semicolons).replace("2.5", "2,5").replace("clear contact reports", "ясно")
    original = text.encode("cp1251") + b"\r\n"
    (data / "ratings.csv").write_bytes(original)
    forms = template(run_cli, data, tmp_path / "forms")
    fill(forms["2026Q4-M1.xlsx"], {("A1", "negotiation"): (3.5, "Отлично")})
    result = run_cli(["collect", str(tmp_path / "forms"), "--into", str(data)])
    assert result.stderr == (
        f"warning: {data / 'ratings.csv'}:1: header: ignoring unknown column(s) 'batch' (known: "
        "period, employee_id, rater_id, source, competency, rating, comment)\n"
    )
    merged = (data / "ratings.csv").read_bytes()
    assert merged == b"\xef\xbb\xbf" + original.decode("cp1251").encode("utf-8") + (
        "2026Q4;A1;M1;manager;negotiation;3,5;Отлично;\r\n".encode()
    )


def test_forms_written_into_a_report_folder_leave_its_pages_alone(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    out = tmp_path / "reports"
    run_cli(["review", str(data), "--out", str(out), "--no-model", "--quiet"])
    pages = sorted(p.relative_to(out) for p in out.rglob("*.html"))
    forms = template(run_cli, data, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*.html")) == pages
    assert {"2026Q4-D1.xlsx", "2026Q4-M1.xlsx"} <= set(forms)


def test_a_comment_is_refused_rather_than_lost_when_ratings_csv_has_no_comment_column(
    tmp_path: Path, run_cli: RunCli
) -> None:
    data = write_small_agency(tmp_path / "data")
    lines = (data / "ratings.csv").read_text(encoding="utf-8").splitlines()
    trimmed = [line.rsplit(",", 1)[0] for line in lines if not line.endswith("reports")]
    (data / "ratings.csv").write_text("\n".join(trimmed) + "\n", encoding="utf-8")
    forms = template(run_cli, data, tmp_path / "forms")
    fill(
        forms["2026Q4-M1.xlsx"],
        {("A1", "negotiation"): (3, "well prepared"), ("A1", "motivation"): (4, None)},
    )
    result = run_cli(["collect", str(tmp_path / "forms"), "--into", str(data)], expect=2)
    assert result.stderr.splitlines()[0] == (
        f"{forms['2026Q4-M1.xlsx']}[ratings]:8: comment: ratings.csv has no comment column to "
        "keep this comment in (add the column)"
    )
