"""`skillkit self-assess`: a person rates themselves at the terminal or from a file of answers.

The self-ratings land in ratings.csv as `self` rows of the quarter (a rerun replaces them, every
other byte of the file stays), the gaps to the current and the target role are printed, and the
person's own page, and no one else's, is written.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from skillkit.cli import main
from skillkit.framework import Framework
from skillkit.rubric import Rubric
from skillkit.self_assessment import parse_level, questions
from tests.conftest import COMPETENCIES, FIXTURES, RunCli
from tests.test_cli import write_small_agency

ANSWERS = FIXTURES / "self_assessment"
RETRY = "Please type a level 1-5, in steps of 0.5, or press Enter to skip."
HOSTILE = "<img src=x onerror=alert(1)>"


def answer_interactively(args: list[str], typed: str, expect: int = 0) -> Result:
    """Run `self-assess` with `typed` as the keyboard; real exceptions (bugs) stay loud."""
    result = CliRunner().invoke(main, ["self-assess", *args], input=typed)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == expect, (result.output, result.stderr)
    return result


def from_file(
    run_cli: RunCli, data: Path, answers: Path, out: Path, *more: str, expect: int = 0
) -> Result:
    """Run `self-assess` for A1 on `answers`, as a script would."""
    args = ["self-assess", "--employee", "A1", str(data), "--answers", str(answers)]
    return run_cli([*args, "--out", str(out), *more], expect=expect)


def keys(*answers: str) -> str:
    """What the person types: one line per prompt, '' for Enter."""
    return "".join(f"{line}\n" for line in answers)


def self_rows(data: Path) -> list[dict[str, str]]:
    text = (data / "ratings.csv").read_text(encoding="utf-8")
    return [r for r in csv.DictReader(io.StringIO(text)) if r["source"] == "self"]


def a1_self_rows(data: Path) -> list[tuple[str, str, str, str]]:
    return [
        (r["period"], r["competency"], r["rating"], r["comment"])
        for r in self_rows(data)
        if r["employee_id"] == "A1"
    ]


def gaps_table(output: str) -> dict[str, list[str]]:
    """The printed gaps, competency name → the other cells, read back from the terminal."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("competency "))
    rows = {}
    for line in lines[start + 1 :]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) < 5:
            break
        rows[cells[0]] = cells[1:]
    return rows


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The small agency: A1, an account executive rated by their manager M1 in two quarters."""
    return write_small_agency(tmp_path / "data")


def test_the_questions_are_the_frameworks_competencies_with_five_described_levels(
    framework: Framework,
) -> None:
    asked = questions(framework, "ru")
    assert tuple(q.competency for q in asked) == COMPETENCIES
    first = asked[0]
    assert first.name == "Понимание бизнеса клиента"
    assert [(c.level, c.name) for c in first.levels] == [
        (1, "Базовый"),
        (2, "Практикующий"),
        (3, "Уверенный"),
        (4, "Продвинутый"),
        (5, "Ведущий"),
    ]
    assert first.levels[0].description.startswith("Точно и полностью фиксирует бриф")


@pytest.mark.parametrize(("typed", "level"), [("3", 3.0), (" 2,5 ", 2.5), ("4.5", 4.5)])
def test_a_level_may_be_a_half_with_a_point_or_a_comma(
    rubric: Rubric, typed: str, level: float
) -> None:
    assert parse_level(typed, rubric) == level


@pytest.mark.parametrize("typed", ["0", "5.5", "2.25", "three", "", "nan"])
def test_a_level_off_the_scale_says_what_is_allowed(rubric: Rubric, typed: str) -> None:
    with pytest.raises(ValueError, match=re.escape("expected a level from 1 to 5 in steps of 0.5")):
        parse_level(typed, rubric)


def test_interactive_answers_are_saved_as_self_rows_of_the_latest_quarter(
    data: Path, tmp_path: Path
) -> None:
    before = (data / "ratings.csv").read_bytes()
    typed = keys(
        "3",  # client understanding
        "wrote the spring brief alone",
        "x",  # communication: not a level, asked again
        "7",  # off the scale, asked again
        "4",
        "",  # no example
        "",  # relationship management: skipped
        "2,5",  # campaign delivery, with a decimal comma
        "",
        *[""] * 6,  # the last six skipped
    )
    result = answer_interactively(
        ["--employee", "A1", str(data), "--out", str(tmp_path / "out")], typed
    )
    assert "[1/10] Client understanding" in result.stdout
    assert "  1  Foundation: Takes down the client's brief" in result.stdout
    assert "  5  Leading: The client's leadership consults them" in result.stdout
    assert result.stdout.count(RETRY) == 2
    after = (data / "ratings.csv").read_bytes()
    assert after == before + (
        b"2026Q3,A1,A1,self,client-understanding,3,wrote the spring brief alone\n"
        b"2026Q3,A1,A1,self,communication,4,\n"
        b"2026Q3,A1,A1,self,campaign-delivery,2.5,\n"
    )
    assert f"Saved 3 self-rating(s) for 2026Q3 into {data / 'ratings.csv'}." in result.stdout


def test_a_rerun_replaces_the_self_rows_in_place_never_duplicates(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    out = tmp_path / "out"
    from_file(run_cli, data, ANSWERS / "answers.csv", out)
    first = (data / "ratings.csv").read_text(encoding="utf-8").splitlines()
    from_file(run_cli, data, ANSWERS / "answers.yaml", out)
    second = (data / "ratings.csv").read_text(encoding="utf-8").splitlines()
    assert a1_self_rows(data) == [
        (
            "2026Q3",
            "client-understanding",
            "3",
            "wrote the brief for the spring launch, agreed first time",
        ),
        ("2026Q3", "communication", "3.5", ""),  # the yaml's answer, where the csv's one was
        (
            "2026Q3",
            "strategic-advice",
            "2",
            "brought the competitor's new format to the status call",
        ),
    ]
    changed = [i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b]
    assert changed == [first.index("2026Q3,A1,A1,self,communication,4,")]
    assert len(second) == len(first) + 1
    # Answering the same way twice leaves the file as the first time left it.
    from_file(run_cli, data, ANSWERS / "answers.yaml", out)
    assert (data / "ratings.csv").read_text(encoding="utf-8").splitlines() == second


def test_answers_from_a_csv_file_skip_a_blank_level(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    before = (data / "ratings.csv").read_bytes()
    from_file(run_cli, data, ANSWERS / "answers.csv", tmp_path / "out", "--quiet")
    assert (data / "ratings.csv").read_bytes() == before + (
        b'2026Q3,A1,A1,self,client-understanding,3,"wrote the brief for the spring launch, '
        b'agreed first time"\n'
        b"2026Q3,A1,A1,self,communication,4,\n"
    )


def test_answers_from_a_yaml_file_for_a_named_quarter(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    from_file(run_cli, data, ANSWERS / "answers.yaml", tmp_path / "out", "--period", "2026Q2")
    assert a1_self_rows(data) == [
        ("2026Q2", "communication", "3.5", ""),
        (
            "2026Q2",
            "strategic-advice",
            "2",
            "brought the competitor's new format to the status call",
        ),
    ]


def test_in_russian_the_levels_and_the_questions_are_russian(data: Path, tmp_path: Path) -> None:
    before = (data / "ratings.csv").read_bytes()
    out = tmp_path / "out"
    args = ["--employee", "A1", str(data), "--lang", "ru", "--out", str(out)]
    result = answer_interactively(args, keys(*[""] * 10))
    assert "[1/10] Понимание бизнеса клиента" in result.stdout
    assert "  1  Базовый: Точно и полностью фиксирует бриф" in result.stdout
    assert "  4  Продвинутый: " in result.stdout
    assert "Ваш уровень (1–5, шаг 0,5; Enter — пропустить)" in result.stdout
    assert f"Ответов нет: {data / 'ratings.csv'} не изменён." in result.stdout
    assert (data / "ratings.csv").read_bytes() == before
    assert not out.exists()


@pytest.mark.parametrize("case", ["bad-answers.csv", "bad-answers.yaml"])
def test_a_bad_answers_file_names_every_mistake_and_writes_nothing(
    case: str, data: Path, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ANSWERS)  # messages name the file as it was given
    before = (data / "ratings.csv").read_bytes()
    out = tmp_path / "out"
    result = run_cli(
        ["self-assess", "--employee", "A1", str(data), "--answers", case, "--out", str(out)],
        expect=2,
    )
    expected = (ANSWERS / f"{case}.expected.txt").read_text(encoding="utf-8")
    assert result.stderr == expected
    assert (data / "ratings.csv").read_bytes() == before
    assert not out.exists()


def test_yaml_tags_never_run(data: Path, tmp_path: Path, run_cli: RunCli) -> None:
    answers = tmp_path / "evil.yaml"
    answers.write_text('communication: !!python/object/apply:os.system ["touch pwned"]\n')
    result = run_cli(
        ["self-assess", "--employee", "A1", str(data), "--answers", str(answers)], expect=2
    )
    assert result.stderr.startswith(
        f"{answers}:1: yaml: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
    )


def test_an_unknown_employee_is_named_before_any_question(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    result = answer_interactively(["--employee", "X9", str(data)], keys("3"), expect=2)
    assert result.stderr == (
        f"--employee: unknown employee 'X9' (not in {data / 'people.csv'})\n"
        "skillkit: stopped on 1 problem(s).\n"
    )
    assert "[1/10]" not in result.stdout


def test_a_workbook_is_refused_since_the_answers_go_into_ratings_csv(
    tmp_path: Path, run_cli: RunCli
) -> None:
    book = tmp_path / "agency.xlsx"
    book.write_bytes(b"PK")
    result = run_cli(["self-assess", "--employee", "A1", str(book)], expect=2)
    assert result.stderr.startswith(f"{book}: self-assess needs a data folder")


def test_the_end_of_input_before_the_last_question_saves_nothing(
    data: Path, tmp_path: Path
) -> None:
    before = (data / "ratings.csv").read_bytes()
    out = tmp_path / "out"
    result = answer_interactively(
        ["--employee", "A1", str(data), "--out", str(out)], keys("3", ""), expect=2
    )
    assert "self-assessment stopped before the end; nothing saved" in result.stderr
    assert (data / "ratings.csv").read_bytes() == before
    assert not out.exists()


def test_the_printed_gaps_are_the_scores_of_the_review(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    result = from_file(run_cli, data, ANSWERS / "answers.csv", tmp_path / "out")
    printed = gaps_table(result.stdout)
    assert "Account executive; target role Account director" in result.stdout
    # By hand: in 2026Q3 the manager rated A1's communication 3, so the level is 3; an
    # account executive needs 2 (gap −1), an account director 4 (gap +1). Self said 4.
    assert printed["Communication"] == ["4", "3", "2", "-1", "4", "+1"]
    # Client understanding: the manager's 2.5 is level 2, as needed now; two short of director.
    assert printed["Client understanding"] == ["3", "2", "2", "0", "4", "+2"]
    assert printed["Negotiation"][0] == "—"  # left blank in the answers: not rated
    run_cli(["review", str(data), "--out", str(tmp_path / "review"), "--no-model", "--quiet"])
    with (tmp_path / "review" / "scores.csv").open(encoding="utf-8") as handle:
        scores = [r for r in csv.DictReader(handle) if r["period"] == "2026Q3"]
    names = dict(zip(COMPETENCIES, printed, strict=True))
    for row in (r for r in scores if r["employee_id"] == "A1"):
        level, target, gap = printed[names[row["competency"]]][1:4]
        assert (level, target, int(gap)) == (row["level"], row["target_level"], int(row["gap"]))


def test_the_page_is_the_persons_alone_with_their_name_as_text(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    people = data / "people.csv"
    people.write_text(people.read_text(encoding="utf-8").replace("Alla Executive", HOSTILE))
    out = tmp_path / "out"
    result = from_file(run_cli, data, ANSWERS / "answers.csv", out)
    page = out / "people" / "A1.html"
    assert f"Your page: {page}" in result.stdout
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "people",
        "people/A1.html",
    ]
    html = page.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html
    assert "wrote the brief for the spring launch" in html  # the example, beside the others'


def test_a_page_beside_a_review_leaves_everyone_elses_pages_alone(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    out = tmp_path / "out"
    run_cli(["review", str(data), "--out", str(out), "--no-model", "--quiet"])
    kept = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "A1.html"}
    from_file(run_cli, data, ANSWERS / "answers.csv", out, "--quiet")
    assert {p: p.read_bytes() for p in kept} == kept
    assert "wrote the brief for the spring launch" in (out / "people" / "A1.html").read_text()


def test_a_windows_export_keeps_its_encoding_separator_and_line_endings(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    ratings = data / "ratings.csv"
    text = ratings.read_text(encoding="utf-8").replace(",", ";").replace("2.5", "2,5")
    text = text.replace("clear contact reports", "понятные отчёты о встречах")
    ratings.write_bytes(text.replace("\n", "\r\n").encode("cp1251"))
    before = ratings.read_bytes()
    answers = tmp_path / "answers.yaml"
    answers.write_text("communication: {level: 4, example: провёл встречу с клиентом; сам}\n")
    from_file(run_cli, data, answers, tmp_path / "out")
    added = '2026Q3;A1;A1;self;communication;4;"провёл встречу с клиентом; сам"\r\n'
    assert ratings.read_bytes() == before + added.encode("cp1251")
    run_cli(["validate", str(data)])


def test_a_utf8_file_with_a_bom_keeps_it(data: Path, tmp_path: Path, run_cli: RunCli) -> None:
    ratings = data / "ratings.csv"
    ratings.write_bytes(b"\xef\xbb\xbf" + ratings.read_bytes())
    before = ratings.read_bytes()
    from_file(run_cli, data, ANSWERS / "answers.yaml", tmp_path / "out")
    after = ratings.read_bytes()
    assert after.startswith(before) and after.count(b"\xef\xbb\xbf") == 1


def test_an_example_without_a_comment_column_adds_one(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    ratings = data / "ratings.csv"
    rows = [line.rsplit(",", 1)[0] for line in ratings.read_text(encoding="utf-8").splitlines()]
    ratings.write_text("\n".join(rows) + "\n", encoding="utf-8")
    from_file(run_cli, data, ANSWERS / "answers.csv", tmp_path / "out")
    lines = ratings.read_text(encoding="utf-8").splitlines()
    assert lines[: len(rows)] == [rows[0] + ",comment"] + [row + "," for row in rows[1:]]
    assert a1_self_rows(data)[0][3] == "wrote the brief for the spring launch, agreed first time"
    run_cli(["validate", str(data)])


def test_an_example_never_becomes_a_spreadsheet_formula(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text('competency,level,example\ncommunication,4,"=HYPERLINK(""http://x"")"\n')
    from_file(run_cli, data, answers, tmp_path / "out")
    assert a1_self_rows(data) == [("2026Q3", "communication", "4", '\'=HYPERLINK("http://x")')]


def test_a_rating_of_oneself_under_another_source_is_not_overwritten(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    ratings = data / "ratings.csv"
    with ratings.open("a", encoding="utf-8") as handle:
        handle.write("2026Q3,A1,A1,manager,communication,3,\n")
    line = len(ratings.read_text(encoding="utf-8").splitlines())
    before = ratings.read_bytes()
    result = from_file(run_cli, data, ANSWERS / "answers.csv", tmp_path / "out", expect=2)
    assert result.stderr.startswith(
        f"{ratings}:{line}: source: a 'manager' rating by 'A1' of themselves on 'communication' "
        "in 2026Q3 leaves no room for the self rating"
    )
    assert ratings.read_bytes() == before


def test_a_quarter_before_the_person_was_hired_is_refused(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    before = (data / "ratings.csv").read_bytes()
    result = from_file(
        run_cli, data, ANSWERS / "answers.csv", tmp_path / "out", "--period", "2023Q4", expect=2
    )
    assert "--period: 'A1' was not employed yet in 2023Q4 (hire_date 2024-03-01)" in result.stderr
    assert (data / "ratings.csv").read_bytes() == before
    assert not (tmp_path / "out").exists()


def test_an_example_a_windows_file_cannot_hold_is_refused(
    data: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    ratings = data / "ratings.csv"
    text = ratings.read_text(encoding="utf-8").replace("clear contact reports", "чёткие отчёты")
    ratings.write_bytes(text.encode("cp1251"))
    before = ratings.read_bytes()
    answers = tmp_path / "answers.yaml"
    answers.write_text("communication: {level: 4, example: won the pitch 🎉}\n", encoding="utf-8")
    result = from_file(run_cli, data, answers, tmp_path / "out", expect=2)
    assert result.stderr.startswith(
        f"{ratings}: comment: '🎉' cannot be written in the file's Windows-1251 encoding"
    )
    assert ratings.read_bytes() == before
