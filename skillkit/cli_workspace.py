"""`skillkit init`: a workspace with the standards to edit and the input files to fill."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from skillkit.cli_common import reports_user_errors


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Write into a folder that is not empty, overwriting the workspace's files there.",
)
@reports_user_errors
def init(directory: Path, force: bool) -> None:
    """Create a workspace in DIR to run the quarterly review from.

    DIR gets copies of the bundled framework and rubric to edit, the four input files with
    their headers and one example row each, and a README of the quarterly routine.
    """
    from skillkit.cli_common import write_files
    from skillkit.errors import InputError, Problem
    from skillkit.workspace import FRAMEWORK, RUBRIC, workspace_files

    files = workspace_files()
    try:
        occupied = directory.is_dir() and any(directory.iterdir())
    except OSError as exc:
        raise InputError(
            [Problem(str(directory), None, "", f"cannot read: {exc.strerror}")]
        ) from None
    if occupied:
        if (directory / "manifest.json").is_file():
            # A workspace keeps its reports in a folder of their own, never the other way round.
            message = "holds a review's reports (manifest.json); make the workspace elsewhere"
            raise InputError([Problem(str(directory), None, "", message)])
        if not force:
            present = sorted(name for name in files if (directory / name).exists())
            would = f"would overwrite {', '.join(present)}" if present else "overwrites nothing"
            message = (
                f"the folder is not empty; pass --force to write the workspace into it "
                f"({would}; other files are left alone)"
            )
            raise InputError([Problem(str(directory), None, "", message)])
    write_files(directory, files)
    standards = f"--framework {FRAMEWORK} --rubric {RUBRIC}"
    click.echo(f"Created a skillkit workspace in {directory}: {len(files)} files.")
    click.echo(
        "\n".join(
            [
                "Next:",
                f"  cd {shlex.quote(str(directory))}",
                f"  edit {FRAMEWORK} and {RUBRIC} to fit your agency",
                "  replace the example rows in data/*.csv with your own",
                f"  skillkit validate data {standards}",
                f"  skillkit review data {standards} --out reports/",
                "README.md there describes the whole quarterly routine.",
            ]
        )
    )


COMMANDS: list[click.Command] = [init]
