"""What every command shares: error reporting, options, writing files safely, progress.

Only click and the standard library are imported here, so every command module can import it
at load time and `skillkit --help` stays instant.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from skillkit.errors import InputError, Problem

F = TypeVar("F", bound=Callable[..., Any])
LANG = click.Choice(["en", "ru"])
EXIT_INPUT = 2
PAGE_FOLDERS = ("people", "teams")  # folders whose pages belong to skillkit alone


def reports_user_errors(command: F) -> F:
    """Print input problems as `file:line: where: message` and exit 2; bugs keep their traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            click.echo(
                f"skillkit: stopped on {len(error.problems)} problem(s).",
                err=True,
            )
            sys.exit(EXIT_INPUT)

    return wrapper  # type: ignore[return-value]


def generated_at() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set (for byte-identical reruns)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and not epoch.isdigit():
        raise InputError(
            [
                Problem(
                    "SOURCE_DATE_EPOCH",
                    None,
                    "",
                    f"expected whole seconds since 1970, got {epoch!r}",
                )
            ]
        )
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_files(
    out: Path,
    files: Mapping[str, bytes],
    *,
    prune_pages: bool = False,
    stream: Iterable[tuple[str, bytes]] = (),
) -> None:
    """Stage every file, then move it into place: all files land, or none.

    `stream` adds files made as they are read (a review's pages): each is staged on disk as
    it comes, so that they are never all in memory at once. With `prune_pages` (a review), the
    files an earlier review owned and this one does not write are removed (see
    `earlier_pages`); other writers leave everything else alone.

    A new OUT is built whole in a temporary folder beside it and renamed into place in one
    step. An existing OUT may hold the user's own files, so there each staged file replaces
    its namesake; staging inside OUT keeps every move on one file system, where a rename
    cannot fail half-way for want of space.
    """
    fresh = not out.exists()
    try:
        parent = (out.parent if fresh else out).resolve()
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".skillkit-", dir=parent))
    except OSError as exc:
        problem = Problem(str(out), None, "--out", f"cannot write here: {exc.strerror}")
        raise InputError([problem]) from None
    root = parent / out.name if fresh else parent
    previous = earlier_pages(root) if prune_pages and not fresh else set()
    written: list[str] = []
    try:
        for relative, content in itertools.chain(files.items(), stream):
            written.append(relative)
            target = (root / relative).resolve()
            if root not in target.parents:
                raise ValueError(f"refusing to write outside {root}: {relative}")
            staged = staging / relative
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(content)
        if fresh:
            staging.rename(root)
            mask = os.umask(0)  # mkdtemp's folder is private; OUT gets the usual permissions
            os.umask(mask)
            root.chmod(0o777 & ~mask)
            return
        for relative in written:
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).replace(root / relative)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # A leaver's page must not linger; only pages an earlier run wrote itself are removed.
    for page in previous - set(written):
        (root / page).unlink(missing_ok=True)


def earlier_pages(root: Path) -> set[str]:
    """Files the previous review owned by OUT/manifest.json: its pages (safe relative names
    only) and its rejected.csv, so that neither outlives the data it was made from."""
    try:
        about = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        listed = about.get("pages", [])
        owned = {"rejected.csv"} if about.get("rejected_rows") is not None else set()
    except (OSError, ValueError, AttributeError):
        return set()
    return owned | {
        page
        for page in listed
        if isinstance(page, str)
        and page.endswith(".html")
        and (root / page).resolve().parent in {root / folder for folder in PAGE_FOLDERS}
    }


class PageProgress:
    """A progress bar for the pages on a terminal (stderr), nothing otherwise or with --quiet."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __enter__(self) -> PageProgress:
        return self

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:  # the number of pages is known only once rendering starts
            self.bar = click.progressbar(length=total, label="Writing pages", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def echo_warnings(warnings: tuple[Problem, ...], quiet: bool) -> None:
    """Warnings never stop a run, but are never silent either."""
    if quiet:
        return
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def untranslated_warnings(
    standards: Mapping[str, Any], lang: str, shown: int = 3
) -> tuple[Problem, ...]:
    """A warning per framework or rubric (by name) with texts the pages show in English."""
    from skillkit.models import untranslated

    if lang == "en":
        return ()
    warnings = []
    for name, model in standards.items():
        missing = untranslated(model, "ru")
        if missing:
            first = ", ".join(missing[:shown]) + (", ..." if len(missing) > shown else "")
            message = (
                f"{len(missing)} texts have no Russian version; pages in Russian show them "
                f"in English ({first})"
            )
            warnings.append(Problem(name, None, "", message))
    return tuple(warnings)


def replace_files(files: Mapping[Path, bytes]) -> None:
    """Stage each file beside its target, then move them all into place: all or none land.

    For files that are not a folder's worth of outputs (an edited ratings.csv, one export, one
    page). A file replaced keeps its permissions; a new one gets the user's umask.
    """
    staged: dict[Path, Path] = {}
    try:
        for target, content in files.items():
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                # A fresh name opened exclusively: created with the umask, never shared.
                temporary = target.with_name(f".skillkit-{os.urandom(8).hex()}-{target.name}")
                with temporary.open("xb") as stream:
                    staged[target] = temporary
                    stream.write(content)
                if target.exists():
                    temporary.chmod(target.stat().st_mode & 0o7777)
            except OSError as exc:
                problem = Problem(str(target), None, "", f"cannot write here: {exc.strerror}")
                raise InputError([problem]) from None
        for target, temporary in staged.items():
            temporary.replace(target)
    finally:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)


framework_option = click.option(
    "--framework",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Competency framework YAML (default: bundled).",
)
rubric_option = click.option(
    "--rubric",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Rubric YAML (default: bundled).",
)
period_option = click.option(
    "--period", help="Quarter to review, e.g. 2026Q3 (default: the latest in the data)."
)
target_option = click.option(
    "--target", help="Target role id (default: the rubric's, account-director)."
)
max_file_option = click.option(
    "--max-file-mb",
    "max_file_mb",
    type=click.IntRange(1),
    default=1024,
    show_default=True,
    help="Refuse any input file larger than this many MiB.",
)


def mebibytes(amount: int) -> int:
    """--max-file-mb in bytes."""
    return amount << 20


def out_option(default: str, help: str) -> Callable[[Any], Any]:
    """--out FOLDER (never a file), worded for what the command writes there."""
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help,
    )


def quiet_option(help: str = "Print nothing but errors.") -> Callable[[Any], Any]:
    """--quiet: nothing on the terminal but what the command cannot do without."""
    return click.option("--quiet", is_flag=True, help=help)


jobs_option = click.option(
    "--jobs",
    type=click.IntRange(0),
    default=1,
    show_default=True,
    help="Render the person pages on this many processes (0: one per core).",
)


def jobs_wanted(jobs: int) -> int:
    """The processes to render on: `jobs`, or one per core this process may use for 0."""
    from skillkit.report.parallel import available_cores

    return jobs or available_cores()


def lang_option(help: str) -> Callable[[Any], Any]:
    """--lang en|ru (default en), worded for what the command writes."""
    return click.option("--lang", type=LANG, default="en", show_default=True, help=help)
