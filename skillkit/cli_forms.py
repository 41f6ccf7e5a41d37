"""`skillkit template` and `skillkit collect`: rating forms for managers, out and back in."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from skillkit.cli_common import (
    framework_option,
    lang_option,
    out_option,
    quiet_option,
    reports_user_errors,
    rubric_option,
)

# Only click and cli_common here: `skillkit --help` imports this module and must stay instant.
# The commands import the library inside their bodies.


@click.command()
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@click.option("--period", required=True, help="Quarter the forms are for, e.g. 2026Q4.")
@out_option("forms", "Folder for the forms (existing forms there are never overwritten).")
@framework_option
@rubric_option
@lang_option("Language of the forms.")
@quiet_option()
@reports_user_errors
def template(
    data: Path,
    period: str,
    out: Path,
    framework: Path | None,
    rubric: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    """Write one .xlsx rating form per manager (their reports × competencies) into --out."""
    from skillkit.cli_common import echo_warnings, generated_at, untranslated_warnings, write_files
    from skillkit.errors import InputError, Problem
    from skillkit.forms import build_forms, check_period
    from skillkit.models import Lang
    from skillkit.pipeline import load_standards, record_rules
    from skillkit.records import load_records

    check_period(period)  # a typo in --period is told before the data is read
    fw, rb = load_standards(framework, rubric)
    records = load_records(data, record_rules(fw, rb))
    echo_warnings(untranslated_warnings({"framework": fw, "rubric": rb}, lang), quiet)
    stamp = generated_at()
    forms = build_forms(records, fw, rb, period=period, lang=cast("Lang", lang), generated_at=stamp)
    if not forms:
        message = "no forms to make: nobody is anyone's manager (manager_id is empty everywhere)"
        raise InputError([Problem(str(data), None, "manager_id", message)])
    # A form already in --out may be a filled one sent back: replacing it would lose ratings.
    taken = [
        Problem(str(out / name), None, "", "already exists (remove it or choose another --out)")
        for name in sorted(forms)
        if (out / name).exists()
    ]
    if taken:
        raise InputError(taken)
    write_files(out, forms)
    if not quiet:
        click.echo(f"Wrote {len(forms)} rating form(s) for {period} to {out}.")


@click.command()
@click.argument("forms", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--into",
    "data",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Data folder whose ratings.csv receives the ratings.",
)
@framework_option
@rubric_option
@quiet_option()
@reports_user_errors
def collect(
    forms: Path, data: Path, framework: Path | None, rubric: Path | None, quiet: bool
) -> None:
    """Add the ratings of filled forms (one .xlsx or a folder) to --into's ratings.csv."""
    from skillkit.cli_common import echo_warnings, replace_files
    from skillkit.collect import collect_forms
    from skillkit.pipeline import load_standards

    fw, rb = load_standards(framework, rubric)
    collected = collect_forms(forms, data, fw, rb)
    if collected.content is not None:
        replace_files({data / "ratings.csv": collected.content})
    echo_warnings(collected.warnings, quiet)
    if not quiet:
        click.echo(
            f"Collected {collected.forms} form(s): {collected.added} rating(s) added to "
            f"{data / 'ratings.csv'}, {collected.already_there} already there, "
            f"{collected.empty} row(s) left empty (not rated)."
        )


COMMANDS: list[click.Command] = [template, collect]
