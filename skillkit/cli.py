"""The `skillkit` command: a thin click layer that parses, calls the library, writes, exits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from skillkit import __version__
from skillkit.cli_common import (
    PageProgress,
    earlier_pages,
    echo_warnings,
    framework_option,
    generated_at,
    jobs_option,
    jobs_wanted,
    lang_option,
    max_file_option,
    mebibytes,
    out_option,
    period_option,
    quiet_option,
    reports_user_errors,
    rubric_option,
    target_option,
    untranslated_warnings,
    write_files,
)
from skillkit.errors import InputError, Problem

if TYPE_CHECKING:
    from skillkit.models import Lang
    from skillkit.pipeline import Assessment


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="skillkit")
def main() -> None:
    """Assess account executives against a competency framework and plan promotions.

    Reads a data folder (people.csv, ratings.csv, optional kpis.csv and promotions.csv) or one
    .xlsx workbook, scores every competency per quarter, decides who is ready for account
    director, and writes HTML reports for HR, managers and each person, plus CSVs.
    """


def _run_review(
    data: Path,
    out: Path,
    *,
    framework: Path | None,
    rubric: Path | None,
    period: str | None,
    target: str | None,
    lang: str,
    html: bool,
    quiet: bool,
    model: bool = True,
    skip_invalid: bool = False,
    max_file_mb: int = 1024,
    pdf: bool = False,
    jobs: int = 1,
) -> Assessment:
    from skillkit.bundled import bundled_file
    from skillkit.framework import DEFAULT_FRAMEWORK
    from skillkit.outputs import review_outputs
    from skillkit.pipeline import review
    from skillkit.rubric import DEFAULT_RUBRIC

    assessment = review(
        data,
        framework,
        rubric,
        period=period,
        target=target,
        model=model,
        skip_invalid=skip_invalid,
        max_file_bytes=mebibytes(max_file_mb),
    )
    standards = {
        "framework": framework or bundled_file("competencies", DEFAULT_FRAMEWORK),
        "rubric": rubric or bundled_file("rubrics", DEFAULT_RUBRIC),
    }
    earlier_pdfs = _earlier_pdfs(out)
    with PageProgress(enabled=not quiet and sys.stderr.isatty()) as progress:
        made = review_outputs(
            assessment,
            lang=cast("Lang", lang),
            generated_at=generated_at(),
            standards=standards,
            html=html,
            progress=progress,
            jobs=jobs_wanted(jobs),
        )
        # Pages are staged as they are rendered, so memory stays flat however many people.
        write_files(out, made.files, prune_pages=True, stream=made.pages)
    files = made.names
    # A PDF an earlier --pdf run printed must not outlive or contradict its page: a leaver's
    # goes, and so does every other until this run prints it again (or not, without --pdf).
    for stale in sorted(earlier_pdfs):
        (out / stale).unlink(missing_ok=True)
    echo_warnings(
        assessment.warnings
        + untranslated_warnings(
            {"framework": assessment.framework, "rubric": assessment.rubric}, lang
        ),
        quiet,
    )
    rejected = assessment.records.rejected
    if rejected is not None and len(rejected) and not quiet:
        rows = assessment.records.rejected_rows or 0
        click.echo(
            f"set aside {rows} row{'' if rows == 1 else 's'} with problems "
            f"(each with its reason in {out / 'rejected.csv'}):",
            err=True,
        )
        for r in rejected.itertuples(index=False):
            click.echo(f"rejected: {r.file}:{r.line}: {r.column}: {r.reason}", err=True)
    if not quiet:
        bands = assessment.readiness.people["band"].value_counts()
        summary = ", ".join(f"{band} {int(n)}" for band, n in sorted(bands.items()) if band)
        click.echo(f"Reviewed {assessment.period}: {len(assessment.people)} people ({summary}).")
        click.echo(
            f"Wrote {len(files)} files to {out}" + (f"; open {out / 'index.html'}" if html else ".")
        )
    if pdf:
        pages = sorted(name for name in files if name.endswith(".html"))
        _write_pdfs(out, pages, quiet)
    return assessment


def _earlier_pdfs(out: Path) -> set[str]:
    """The PDFs beside the pages an earlier review wrote (its index page included)."""
    from skillkit.pdf import pdf_name

    pages = [page for page in earlier_pages(out.resolve()) if page.endswith(".html")]
    return {pdf_name(page) for page in pages} | ({"index.pdf"} if pages else set())


class _PdfProgress(PageProgress):
    """PageProgress's bar, labelled for the PDFs."""

    def __call__(self, done: int, total: int) -> None:
        if self.enabled and self.bar is None:
            self.bar = click.progressbar(length=total, label="Printing PDFs", file=sys.stderr)
            self.bar.__enter__()
        super().__call__(done, total)


def _write_pdfs(out: Path, pages: list[str], quiet: bool) -> None:
    """Print the pages just written to PDFs beside them: all of them, or none.

    Without Chromium the HTML stands and a warning says so (exit 0); a Chromium that fails on
    a page stops the run (exit 2), the HTML written all the same.
    """
    from skillkit.pdf import ChromiumMissingError, PdfError, find_chromium, print_pages

    written = "the HTML reports were written"
    try:
        chromium = find_chromium()
    except ChromiumMissingError as missing:
        # Said even with --quiet: the user asked for PDFs and gets none.
        click.echo(f"warning: {missing.problem} — {written}", err=True)
        return
    try:
        with _PdfProgress(enabled=not quiet and sys.stderr.isatty()) as progress:
            pdfs = print_pages(chromium, out, pages, progress=progress)
    except PdfError as failed:
        problem = failed.problem
        raise InputError(
            [Problem(problem.file, problem.line, problem.where, f"{problem.message} — {written}")]
        ) from None
    write_files(out, pdfs)
    if not quiet:
        click.echo(f"Printed {len(pdfs)} PDFs beside the pages; open {out / 'index.pdf'}")


@main.command()
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@framework_option
@rubric_option
@period_option
@target_option
@out_option("reports", "Output folder.")
@lang_option("Report language.")
@click.option("--no-html", is_flag=True, help="Write only the CSV and JSON outputs.")
@click.option("--no-model", is_flag=True, help="Do not train the promotion model.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Set rows with problems aside (listed in OUT/rejected.csv) instead of stopping.",
)
@max_file_option
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print every page to an A4 PDF beside it (needs Chromium or Chrome).",
)
@jobs_option
@quiet_option()
@reports_user_errors
def review(
    data: Path,
    framework: Path | None,
    rubric: Path | None,
    period: str | None,
    target: str | None,
    out: Path,
    lang: str,
    no_html: bool,
    no_model: bool,
    skip_invalid: bool,
    max_file_mb: int,
    pdf: bool,
    jobs: int,
    quiet: bool,
) -> None:
    """Review DATA (a data folder or an .xlsx workbook) and write reports into --out."""
    if pdf and no_html:
        raise click.UsageError("--pdf prints the HTML pages: it cannot go with --no-html.")
    _run_review(
        data,
        out,
        framework=framework,
        rubric=rubric,
        period=period,
        target=target,
        lang=lang,
        html=not no_html,
        quiet=quiet,
        model=not no_model,
        skip_invalid=skip_invalid,
        max_file_mb=max_file_mb,
        pdf=pdf,
        jobs=jobs,
    )


@main.command()
@out_option("reports", "Output folder; the data goes to OUT/data.")
@click.option(
    "--people",
    type=click.IntRange(12, 100_000),
    default=150,  # as skillkit.demo.DEMO_PEOPLE (not imported: --help stays light)
    show_default=True,
    help="Number of people in the agency.",
)
@click.option(
    "--quarters",
    type=click.IntRange(2, 40),
    default=12,  # as skillkit.demo.DEMO_QUARTERS
    show_default=True,
    help="Quarters of history.",
)
@click.option("--seed", type=click.IntRange(0), default=7, show_default=True, help="Random seed.")
@lang_option("Report language.")
@click.option("--pdf", is_flag=True, help="Also print every page to an A4 PDF beside it.")
@jobs_option
@quiet_option()
@reports_user_errors
def demo(
    out: Path, people: int, quarters: int, seed: int, lang: str, pdf: bool, jobs: int, quiet: bool
) -> None:
    """Generate a realistic synthetic agency into OUT/data and review it into OUT."""
    from skillkit.csv_text import csv_bytes
    from skillkit.demo import generate_agency
    from skillkit.pipeline import load_standards

    framework, rubric = load_standards()
    tables = generate_agency(
        framework, rubric, people=people, quarters=quarters, seed=seed, lang=cast("Lang", lang)
    )
    files = {f"data/{name}.csv": csv_bytes(frame) for name, frame in tables.items()}
    write_files(out, files)
    if not quiet:
        click.echo(
            f"Wrote a demo agency of {people} people over {quarters} quarters to {out / 'data'}"
        )
    _run_review(
        out / "data",
        out,
        framework=None,
        rubric=None,
        period=None,
        target=None,
        lang=lang,
        html=True,
        quiet=quiet,
        pdf=pdf,
        jobs=jobs,
    )


@main.command()
@click.argument("data", required=False, type=click.Path(exists=True, path_type=Path))
@framework_option
@rubric_option
@max_file_option
@reports_user_errors
def validate(
    data: Path | None, framework: Path | None, rubric: Path | None, max_file_mb: int
) -> None:
    """Check the framework, the rubric and (if given) DATA; report every problem."""
    from skillkit.standards import load_standards  # no pandas: checking YAML stays instant

    fw, rb = load_standards(framework, rubric)
    click.echo(
        f"framework {fw.id} {fw.version}: {len(fw.competencies)} competencies, "
        f"{len(fw.roles)} roles: ok"
    )
    click.echo(
        f"rubric {rb.id} {rb.version}: {len(rb.kpis)} KPIs, target role "
        f"{rb.readiness.target_role}: ok"
    )
    # Not an error: an English-only framework works, and Russian pages say it in English.
    names = {"framework": str(framework or "framework"), "rubric": str(rubric or "rubric")}
    echo_warnings(untranslated_warnings({names["framework"]: fw, names["rubric"]: rb}, "ru"), False)
    if data is not None:
        from skillkit.pipeline import record_rules
        from skillkit.records import load_records

        records = load_records(data, record_rules(fw, rb), max_bytes=mebibytes(max_file_mb))
        n_periods = records.ratings["period"].nunique()
        click.echo(
            f"data {data}: {len(records.people)} people, {len(records.ratings)} ratings "
            f"over {n_periods} quarters: ok"
        )
        echo_warnings(records.warnings, quiet=False)


def run() -> None:
    """The `skillkit` console script: the C heap set up for big arrays, then the command."""
    from skillkit.heap import keep_freed_memory

    keep_freed_memory()  # a no-op where it cannot apply: the command runs all the same
    main()


def _register() -> None:
    """Commands kept in modules of their own, one per workflow (click only at import)."""
    from skillkit import cli_exports, cli_forms, cli_self, cli_workspace

    for module in (cli_workspace, cli_forms, cli_self, cli_exports):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
