"""The README tells the truth: set-up commands, CI, commands and flags, output columns, bands."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from skillkit.cli import main
from skillkit.outputs import READINESS_COLUMNS
from skillkit.readiness import BANDS
from skillkit.scoring import SCORE_COLUMNS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks() -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", README, re.DOTALL)


def test_readme_opens_with_the_demo_and_the_test_command() -> None:
    first = code_blocks()[0].strip().splitlines()
    assert README.index("```") < README.index("## ")  # before any other section
    assert len(first) == 2
    assert first[0].endswith("&& skillkit demo")
    assert first[1].endswith("&& python3 -m pytest")


def test_ci_runs_the_readmes_test_command() -> None:
    test_command = code_blocks()[0].strip().splitlines()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_flag_of_every_command_is_documented(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    flags = set(re.findall(r"^\s+(--[a-z-]+)", result.output, re.MULTILINE)) - {"--help"}
    usage = next(
        (
            line
            for line in README.splitlines()
            if re.match(rf"skillkit {command}\s+(\[|[A-Z]+\b)", line)
        ),
        None,
    )
    assert usage is not None, f"`skillkit {command}` has no usage line in the README"
    for flag in flags:
        assert flag in usage, f"{flag} of `skillkit {command}` missing from the README"
    documented = set(re.findall(r"--[a-z-]+", usage))
    assert documented <= flags, f"README documents flags `{command}` lacks"


def test_the_commands_the_readme_lists_exist() -> None:
    result = CliRunner().invoke(main, ["--help"])
    listed = set(re.findall(r"^skillkit ([\w-]+)", README, re.MULTILINE))
    available = set(re.findall(r"^  ([\w-]+)\s", result.output, re.MULTILINE))
    assert listed <= available


def test_output_columns_are_as_documented() -> None:
    assert ", ".join(SCORE_COLUMNS) in README
    readiness = ", ".join(READINESS_COLUMNS[:7])
    assert readiness in README
    assert ", ".join(READINESS_COLUMNS[7:]) in README


def test_bands_are_as_documented() -> None:
    for band in BANDS:
        assert f"`{band}`" in README


def test_no_unmeasured_placeholder_is_left() -> None:
    assert "MEASUREMENTS" not in README and "TODO" not in README
