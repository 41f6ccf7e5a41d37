"""`skillkit score` and `skillkit readiness`: tables for the terminal, CSV, XLSX and JSON files."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

# Options as cli.py spells them. They are not imported from there: cli.py imports this module
# while it is still loading, and importing it back here would tie the two in a cycle.
FORMATS = ("table", "csv", "xlsx", "json")  # as skillkit.exports.FORMATS (no pandas at import)
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options `score` and `readiness` share, in the order `--help` lists them."""
    options = [
        click.argument("data", type=click.Path(exists=True, path_type=Path)),
        click.option(
            "--framework",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Competency framework YAML (default: bundled).",
        ),
        click.option(
            "--rubric",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Rubric YAML (default: bundled).",
        ),
        click.option(
            "--period", help="Quarter to review, e.g. 2026Q3 (default: the latest in the data)."
        ),
        click.option("--target", help="Target role id (default: the rubric's, account-director)."),
        click.option(
            "--lang",
            type=click.Choice(["en", "ru"]),
            default="en",
            show_default=True,
            help="Language of the table and of reasons.",
        ),
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
def score(
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
    all_periods: bool,
    no_model: bool,
) -> None:
    """Competency levels per person in DATA: the rows of scores.csv, for one quarter or all.

    The terminal shows level/target per person and competency; csv, xlsx and json hold
    every column of scores.csv.
    """
    from skillkit.cli import reports_user_errors

    chosen = _chosen_format(fmt, output)
    reports_user_errors(_export)(
        "score",
        data,
        framework=framework,
        rubric=rubric,
        period=period,
        target=target,
        lang=lang,
        fmt=chosen,
        output=output,
        employees=employees,
        team=team,
        model=False,  # the model feeds readiness only; skip the cost of training it
        all_periods=all_periods,
    )


@click.command()
@_options
@click.option("--no-model", is_flag=True, help="Do not train the promotion model.")
def readiness(
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
    no_model: bool,
) -> None:
    """Who is ready for the target role in DATA: the rows of readiness.csv.

    The terminal lists the readiest first with role, band, the chance of being ready now,
    the projected quarter and the main reason; csv, xlsx and json hold every column of
    readiness.csv, in its order.
    """
    from skillkit.cli import reports_user_errors

    chosen = _chosen_format(fmt, output)
    reports_user_errors(_export)(
        "readiness",
        data,
        framework=framework,
        rubric=rubric,
        period=period,
        target=target,
        lang=lang,
        fmt=chosen,
        output=output,
        employees=employees,
        team=team,
        model=not no_model,
    )


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
    data: Path,
    *,
    framework: Path | None,
    rubric: Path | None,
    period: str | None,
    target: str | None,
    lang: str,
    fmt: str,
    output: Path | None,
    employees: tuple[str, ...],
    team: str | None,
    model: bool,
    all_periods: bool = False,
) -> None:
    from skillkit import exports
    from skillkit.cli import echo_warnings, generated_at
    from skillkit.models import Lang
    from skillkit.pipeline import review

    language: Lang = "ru" if lang == "ru" else "en"
    assessment = review(data, framework, rubric, period=period, target=target, model=model)
    if kind == "score":
        table = exports.score_rows(
            assessment, all_periods=all_periods, employees=employees, team=team
        )
        render = exports.scores_text
    else:
        table = exports.readiness_rows(assessment, language, employees=employees, team=team)
        render = exports.readiness_text
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
    _write_file(output, content)
    click.echo(f"Wrote {len(table)} {kind} rows to {output}")


def _write_file(path: Path, content: bytes) -> None:
    """Write `content` to a temp file beside `path`, then rename: never a partial file there."""
    from skillkit.errors import InputError, Problem

    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The file gets the mode a plain write would give it (a temp file starts private).
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = Path(handle.name)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.chmod(mode)
        temporary.replace(path)
    except OSError as exc:
        problem = Problem(str(path), None, "-o", f"cannot write here: {exc.strerror or exc}")
        raise InputError([problem]) from None
    finally:
        if temporary is not None:  # gone once renamed; left behind only by a failure
            temporary.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


COMMANDS: list[click.Command] = [score, readiness]
