"""`skillkit template` and `skillkit collect`: rating forms for managers, out and back in."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import cast

import click

# Only click here: `skillkit --help` imports this module and must stay instant. The commands
# import the library, and skillkit.cli's helpers, inside their bodies.
_STANDARD = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command()
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@click.option("--period", required=True, help="Quarter the forms are for, e.g. 2026Q4.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("forms"),
    show_default=True,
    help="Folder for the forms (existing forms there are never overwritten).",
)
@click.option("--framework", type=_STANDARD, help="Competency framework YAML (default: bundled).")
@click.option("--rubric", type=_STANDARD, help="Rubric YAML (default: bundled).")
@click.option(
    "--lang",
    type=click.Choice(["en", "ru"]),
    default="en",
    show_default=True,
    help="Language of the forms.",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
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
    from skillkit.cli import reports_user_errors

    reports_user_errors(_template)(data, period, out, framework, rubric, lang, quiet)


def _template(
    data: Path,
    period: str,
    out: Path,
    framework: Path | None,
    rubric: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    from skillkit.cli import generated_at
    from skillkit.errors import InputError, Problem
    from skillkit.forms import build_forms, check_period
    from skillkit.models import Lang
    from skillkit.pipeline import load_standards, record_rules
    from skillkit.records import load_records

    check_period(period)  # a typo in --period is told before the data is read
    fw, rb = load_standards(framework, rubric)
    records = load_records(data, record_rules(fw, rb))
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
    write_beside(out, forms)
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
@click.option("--framework", type=_STANDARD, help="Competency framework YAML (default: bundled).")
@click.option("--rubric", type=_STANDARD, help="Rubric YAML (default: bundled).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def collect(
    forms: Path, data: Path, framework: Path | None, rubric: Path | None, quiet: bool
) -> None:
    """Add the ratings of filled forms (one .xlsx or a folder) to --into's ratings.csv."""
    from skillkit.cli import reports_user_errors

    reports_user_errors(_collect)(forms, data, framework, rubric, quiet)


def _collect(
    forms: Path, data: Path, framework: Path | None, rubric: Path | None, quiet: bool
) -> None:
    from skillkit.cli import echo_warnings
    from skillkit.forms import collect_forms
    from skillkit.pipeline import load_standards

    fw, rb = load_standards(framework, rubric)
    collected = collect_forms(forms, data, fw, rb)
    if collected.content is not None:
        write_beside(data, {"ratings.csv": collected.content})
    echo_warnings(collected.warnings, quiet)
    if not quiet:
        click.echo(
            f"Collected {collected.forms} form(s): {collected.added} rating(s) added to "
            f"{data / 'ratings.csv'}, {collected.already_there} already there, "
            f"{collected.empty} row(s) left empty (not rated)."
        )


def write_beside(folder: Path, files: Mapping[str, bytes]) -> None:
    """Stage the files in a temporary folder inside `folder`, then move each into place.

    Not `cli.write_atomically`: that one also removes the pages an earlier review listed in
    the folder's manifest.json, which must not happen to a report folder that receives forms.
    """
    from skillkit.errors import InputError, Problem

    try:
        folder.mkdir(parents=True, exist_ok=True)
        root = folder.resolve()
        staging = Path(tempfile.mkdtemp(prefix=".skillkit-", dir=root))
    except OSError as exc:
        problem = Problem(str(folder), None, "", f"cannot write here: {exc.strerror}")
        raise InputError([problem]) from None
    try:
        for name, content in files.items():
            if (root / name).resolve().parent != root:
                raise ValueError(f"refusing to write outside {root}: {name}")
            staged = staging / name
            staged.write_bytes(content)
            if (root / name).exists():
                shutil.copymode(root / name, staged)  # ratings.csv keeps its permissions
        for name in files:
            (staging / name).replace(root / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


COMMANDS: list[click.Command] = [template, collect]
