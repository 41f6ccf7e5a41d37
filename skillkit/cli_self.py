"""`skillkit self-assess`: a person rates themselves, saves it into the data, sees their gaps."""

from __future__ import annotations

import shutil
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from skillkit.cli_common import (
    EXIT_INPUT,
    framework_option,
    lang_option,
    out_option,
    quiet_option,
    replace_files,
    reports_user_errors,
    rubric_option,
)

if TYPE_CHECKING:  # the library pulls pandas in: imported inside the command only
    from skillkit.models import Lang
    from skillkit.rubric import Rubric
    from skillkit.self_assessment import Answer, Question, Session
    from skillkit.self_gaps import PersonGaps


# The questionnaire speaks the person's language; errors stay in English as elsewhere.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "intro": "Self-assessment of {name} ({employee}) for {period}.",
        "how": (
            "For each competency, pick the level whose description fits what you did this "
            "quarter. Enter skips a competency (it stays as it is); Ctrl+C stops, saving nothing."
        ),
        "earlier": "Saved earlier for {period}: {rating}",
        "level": "Your level ({allowed}; Enter to skip)",
        "range": "{low}-{high}",
        "step": ", in steps of {step}",
        "retry": "Please type a level {allowed}, or press Enter to skip.",
        "example": "An example of it (optional, Enter for none)",
        "nothing": "Nothing answered: {path} is left as it was.",
        "saved": "Saved {n} self-rating(s) for {period} into {path}.",
        "gaps": "Gaps of {name} in {period}: {role}{target}",
        "target_role": "; target role {role}",
        "legend": (
            "level: from the others' ratings and KPIs (your own rating carries no weight); "
            "gap = target − level, positive: levels still to climb; · withheld on your page "
            "(it could reveal one rater's rating)"
        ),
        "competency": "competency",
        "you": "you",
        "assessed": "level",
        "target": "target",
        "gap": "gap",
        "page": "Your page: {path}",
        "stopped": "skillkit: self-assessment stopped before the end; nothing saved.",
    },
    "ru": {
        "intro": "Самооценка: {name} ({employee}), квартал {period}.",
        "how": (
            "По каждой компетенции выберите уровень, описание которого точнее всего совпадает "
            "с тем, что вы делали в этом квартале. Enter — пропустить (останется как есть); "
            "Ctrl+C — прервать без сохранения."
        ),
        "earlier": "Уже сохранено за {period}: {rating}",
        "level": "Ваш уровень ({allowed}; Enter — пропустить)",
        "range": "{low}–{high}",
        "step": ", шаг {step}",
        "retry": "Введите уровень {allowed} или нажмите Enter, чтобы пропустить.",
        "example": "Пример (необязательно, Enter — без примера)",
        "nothing": "Ответов нет: {path} не изменён.",
        "saved": "Сохранено самооценок за {period}: {n}, в {path}.",
        "gaps": "Разрывы: {name}, {period}: {role}{target}",
        "target_role": "; целевая роль {role}",
        "legend": (
            "уровень — по оценкам других и KPI (своя оценка не входит в балл); "
            "разрыв = цель − уровень, больше нуля — сколько уровней осталось; "
            "· скрыто на вашей странице (могло бы раскрыть оценку одного человека)"
        ),
        "competency": "компетенция",
        "you": "вы",
        "assessed": "уровень",
        "target": "цель",
        "gap": "разрыв",
        "page": "Ваша страница: {path}",
        "stopped": "skillkit: самооценка прервана; ничего не сохранено.",
    },
}


@click.command("self-assess")
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@click.option("--employee", required=True, help="The employee_id of the person rating themselves.")
@click.option("--period", help="Quarter rated, e.g. 2026Q3 (default: the latest in the data).")
@click.option(
    "--answers",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Answers file (.csv: competency,level,example; .yaml: competency: level) instead of "
    "the questions.",
)
@lang_option("Language of the questions, the gaps and the page.")
@out_option("reports", "Folder for the person's page (OUT/people/<employee>.html).")
@framework_option
@rubric_option
@quiet_option("Print nothing but the questions and errors.")
@reports_user_errors
def self_assess(
    data: Path,
    employee: str,
    period: str | None,
    answers: Path | None,
    lang: str,
    out: Path,
    framework: Path | None,
    rubric: Path | None,
    quiet: bool,
) -> None:
    """Rate yourself on every competency of DATA's framework; save it into DATA/ratings.csv.

    Shows each competency's five level descriptions and asks which fits (or reads --answers),
    saves the self-ratings for the quarter (a rerun replaces them), then prints the gaps to the
    current and the target role and writes the person's page into --out.
    """
    from skillkit.cli_common import echo_warnings, generated_at, untranslated_warnings
    from skillkit.self_answers import read_answers
    from skillkit.self_assessment import conclude, questions, start

    words = WORDS[lang]
    session = start(data, employee, period, framework, rubric)
    given = (
        read_answers(answers, session.framework, session.rubric)
        if answers is not None
        else _ask(session, questions(session.framework, cast("Lang", lang)), words)
    )
    if not given:
        if not quiet:
            click.echo(words["nothing"].format(path=session.ratings_path))
        return
    outcome = conclude(session, given, cast("Lang", lang), generated_at())
    page = out / outcome.page_path
    if out.resolve() not in page.resolve().parents:  # slugs never leave OUT; make sure
        raise ValueError(f"refusing to write outside {out}: {outcome.page_path}")
    replace_files(
        {session.ratings_path: outcome.ratings_csv, page: outcome.page_html.encode("utf-8")}
    )
    standards = {"framework": session.framework, "rubric": session.rubric}
    echo_warnings(outcome.assessment.warnings + untranslated_warnings(standards, lang), quiet)
    if quiet:
        return
    click.echo(
        words["saved"].format(n=len(given), period=session.period, path=session.ratings_path)
    )
    click.echo()
    _print_gaps(outcome.gaps, words)
    click.echo()
    click.echo(words["page"].format(path=page))


def _ask(
    session: Session, asked: tuple[Question, ...], words: Mapping[str, str]
) -> tuple[Answer, ...]:
    """The questionnaire: five numbered descriptions per competency, a level, an example."""
    from skillkit.self_assessment import Answer

    intro = words["intro"].format(
        name=_plain(session.name), employee=_plain(session.employee), period=session.period
    )
    click.echo(intro)
    click.echo(click.wrap_text(words["how"], width=_width()))
    given: list[Answer] = []
    try:
        for number, question in enumerate(asked, start=1):
            click.echo()
            click.secho(f"[{number}/{len(asked)}] {_plain(question.name)}", bold=True)
            click.echo(click.wrap_text(_plain(question.description), width=_width()))
            for choice in question.levels:
                text = f"{choice.name}: {choice.description}"
                click.echo(
                    click.wrap_text(
                        _plain(text),
                        width=_width(),
                        initial_indent=f"  {choice.level}  ",
                        subsequent_indent="     ",
                    )
                )
            if question.competency in session.earlier:
                earlier = f"{session.earlier[question.competency]:g}"
                click.echo(words["earlier"].format(period=session.period, rating=earlier))
            rating = _ask_level(session.rubric, words)
            if rating is None:
                continue
            example = click.prompt(words["example"], default="", show_default=False)
            given.append(Answer(question.competency, rating, str(example).strip()))
    except click.Abort:
        # Ctrl+C, or the end of piped input: leave the data exactly as it was.
        click.echo(err=True)
        click.echo(words["stopped"], err=True)
        sys.exit(EXIT_INPUT)
    return tuple(given)


def _ask_level(rubric: Rubric, words: Mapping[str, str]) -> float | None:
    """A level typed until it is one the rubric allows; None when skipped with Enter."""
    from skillkit.self_assessment import parse_level

    allowed = _allowed(rubric, words)
    while True:
        text = click.prompt(words["level"].format(allowed=allowed), default="", show_default=False)
        if not str(text).strip():
            return None
        try:
            return parse_level(str(text), rubric)
        except ValueError:
            click.echo(words["retry"].format(allowed=allowed))


def _allowed(rubric: Rubric, words: Mapping[str, str]) -> str:
    """'1-5' or '1-5, in steps of 0.5', as the rubric's scale has it, in the person's words."""
    from skillkit.self_assessment import level_range

    low, high, step = level_range(rubric)
    decimal = "," if words is WORDS["ru"] else "."
    shown = words["range"].format(low=f"{low:g}", high=f"{high:g}")
    if step < 1:
        shown += words["step"].format(step=f"{step:g}".replace(".", decimal))
    return shown


def _print_gaps(gaps: PersonGaps, words: Mapping[str, str]) -> None:
    """A plain-text table: competency, own rating, level, and the gaps to both roles."""
    target = words["target_role"].format(role=gaps.target_role_name) if gaps.target_role else ""
    title = words["gaps"].format(
        name=_plain(gaps.name), period=gaps.period, role=gaps.role_name, target=target
    )
    click.echo(title)
    header = [words["competency"], words["you"], words["assessed"], words["target"], words["gap"]]
    if gaps.target_role:
        header += [f"{words['target']}: {gaps.target_role_name}", words["gap"]]
    rows = []
    for row in gaps.rows:
        level = "·" if row.withheld else _number(row.level)
        cells = [
            _plain(row.name),
            _number(row.self_rating),
            level,
            str(row.target),
            _signed(row.gap),
        ]
        if gaps.target_role:
            cells += [_number(row.next_target), _signed(row.next_gap)]
        rows.append(cells)
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    for line in [header, *rows]:
        first = line[0].ljust(widths[0])
        rest = "  ".join(
            cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)
        )
        click.echo(f"{first}  {rest}".rstrip())
    click.echo(click.wrap_text(words["legend"], width=_width()))


def _number(value: float | int | None) -> str:
    return "—" if value is None else f"{value:g}"


def _signed(value: int | None) -> str:
    return "—" if value is None else f"{value:+d}" if value else "0"


def _width() -> int:
    """The terminal's width, at most 100 (80 when unknown, as under a test runner)."""
    return min(shutil.get_terminal_size((80, 24)).columns, 100)


def _plain(text: str) -> str:
    """Data as terminal text: control characters (escape sequences) shown, never obeyed."""
    return "".join(c if unicodedata.category(c) != "Cc" else repr(c)[1:-1] for c in str(text))


COMMANDS: list[click.Command] = [self_assess]
