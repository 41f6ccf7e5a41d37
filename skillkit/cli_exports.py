"""`skillkit score` and `skillkit readiness`: tables for the terminal, CSV, XLSX and JSON files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from skillkit.cli_common import (
    framework_option,
    lang_option,
    period_option,
    replace_files,
    reports_user_errors,
    rubric_option,
    target_option,
)

FORMATS = ("table", "csv", "xlsx", "json")  # as skillkit.exports.FORMATS (no pandas at import)
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options `score` and `readiness` share, in the order `--help` lists them."""
    options = [
        click.argument("data", type=click.Path(exists=True, path_type=Path)),
        framework_option,
        rubric_option,
        period_option,
        target_option,
        lang_option("Language of the table and of reasons."),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            help="table (for the terminal), csv, xlsx or json "
            "(default: from the -o file's extension, else table).",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, writable=True, path_type=Path),
            help="Write to FILE (atomically) instead of the terminal; xlsx needs it.",
        ),
        click.option(
            "--employee",
            "employees",
            multiple=True,
            metavar="ID",
            help="Only this employee_id (repeat for more).",
        ),
        click.option("--team", help="Only this team (with --employee: those of them in it)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command()
@_options
@click.option("--all-periods", is_flag=True, help="Every quarter up to --period, not just it.")
@click.option("--no-model", is_flag=True, help="Accepted as readiness does; scores need no model.")
@reports_user_errors
def score(no_model: bool, **options: Any) -> None:
    """Competency levels per person in DATA: the rows of scores.csv, for one quarter or all.

    The terminal shows level/target per person and competency; csv, xlsx and json hold
    every column of scores.csv.
    """
    del no_model  # the model feeds readiness only: scores skip the cost of training it
    _export("score", model=False, **options)


@click.command()
@_options
@click.option("--no-model", is_flag=True, help="Do not train the promotion model.")
@reports_user_errors
def readiness(no_model: bool, **options: Any) -> None:
    """Who is ready for the target role in DATA: the rows of readiness.csv.

    The terminal lists the readiest first with role, band, the chance of being ready now,
    the projected quarter and the main reason; csv, xlsx and json hold every column of
    readiness.csv, in its order.
    """
    _export("readiness", model=not no_model, **options)


def _chosen_format(fmt: str | None, output: Path | None) -> str:
    """--format, else what -o's extension says, else table; contradictions are usage errors."""
    implied = SUFFIXES.get(output.suffix.lower()) if output is not None else None
    if fmt is not None and implied is not None and implied != fmt:
        raise click.UsageError(
            f"-o {output} names a .{implied} file but --format is {fmt}; "
            "make them agree (or drop --format)",
            click.get_current_context(),
        )
    chosen = fmt or implied or "table"
    if chosen == "xlsx" and output is None:
        raise click.UsageError(
            "--format xlsx writes a workbook, which needs a file: add -o FILE.xlsx",
            click.get_current_context(),
        )
    return chosen


def _export(
    kind: str,
    *,
    data: Path,
    framework: Path | None,
    rubric: Path | None,
    period: str | None,
    target: str | None,
    lang: str,
    fmt: str | None,
    output: Path | None,
    employees: tuple[str, ...],
    team: str | None,
    model: bool,
    all_periods: bool = False,
) -> None:
    """Review DATA and give back one of its tables in the chosen format."""
    fmt = _chosen_format(fmt, output)  # a contradiction is told before the data is read
    from skillkit import exports, terminal_exports
    from skillkit.cli_common import echo_warnings, generated_at
    from skillkit.models import Lang
    from skillkit.pipeline import review

    language: Lang = "ru" if lang == "ru" else "en"
    assessment = review(data, framework, rubric, period=period, target=target, model=model)
    if kind == "score":
        table = exports.score_rows(
            assessment, all_periods=all_periods, employees=employees, team=team
        )
        render = terminal_exports.scores_text
    else:
        table = exports.readiness_rows(assessment, language, employees=employees, team=team)
        render = terminal_exports.readiness_text
    echo_warnings(assessment.warnings, quiet=False)
    if fmt == "table":
        width = shutil.get_terminal_size().columns  # COLUMNS overrides; 80 when not a terminal
        text = render(assessment, table, language, width) + "\n"
        if output is None:
            click.echo(text, nl=False)  # click encodes for the terminal at hand
            return
        content = text.encode("utf-8")
    elif fmt == "csv":
        content = exports.csv_bytes(table)
    elif fmt == "json":
        content = exports.json_bytes(table)
    else:
        content = exports.xlsx_bytes(table, kind, generated_at=generated_at())
    if output is None:
        click.echo(content, nl=False)
        return
    replace_files({output: content})
    click.echo(f"Wrote {len(table)} {kind} rows to {output}")


COMMANDS: list[click.Command] = [score, readiness]
