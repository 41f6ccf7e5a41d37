"""Shared fixtures: paths, the bundled standards, and a CLI runner that keeps bugs loud."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from skillkit.cli import main
from skillkit.framework import Framework, load_framework
from skillkit.rubric import Rubric, load_rubric

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
# The ten competency ids of DOMAIN.md, in the order of its table.
COMPETENCIES = (
    "client-understanding",
    "communication",
    "relationship-management",
    "campaign-delivery",
    "strategic-advice",
    "commercial-acumen",
    "negotiation",
    "business-development",
    "motivation",
    "effectiveness",
)

# Target levels by role, in the order of the competency table of DOMAIN.md.
DOMAIN_TARGETS = {
    "account-coordinator": [1, 2, 1, 2, 1, 1, 1, 1, 1, 1],
    "account-executive": [2, 2, 2, 2, 2, 2, 2, 1, 2, 2],
    "senior-account-executive": [3, 3, 3, 3, 2, 2, 2, 2, 2, 2],
    "account-manager": [3, 3, 3, 3, 3, 3, 3, 2, 3, 3],
    "account-director": [4, 4, 4, 4, 4, 4, 4, 4, 4, 3],
    "group-account-director": [5, 5, 5, 4, 5, 5, 5, 5, 5, 4],
}
# What FORMATS.md promises users, restated here so that a change to the code cannot move it.
FORMATS_SCORE_COLUMNS = [
    "period",
    "employee_id",
    "competency",
    "score_raw",
    "score",
    "level",
    "target_level",
    "gap",
    "n_raters",
    "ci_low",
    "ci_high",
    "evidence",
]
FORMATS_READINESS_COLUMNS = [
    "employee_id",
    "name",
    "role",
    "target_role",
    "band",
    "reasons",
    "projected_ready_period",
]
FORMATS_BANDS = {"ready-now", "ready-1y", "ready-2y", "not-yet", "insufficient-evidence"}


@pytest.fixture(scope="session")
def framework() -> Framework:
    """The bundled framework."""
    return load_framework()


@pytest.fixture(scope="session")
def rubric(framework: Framework) -> Rubric:
    """The bundled rubric."""
    return load_rubric(framework)


RunCli = Callable[..., Result]


@pytest.fixture
def run_cli() -> RunCli:
    """Invoke the CLI in-process; assert the exit code; re-raise real exceptions (bugs)."""

    def run(args: Sequence[str], expect: int = 0, input: str | None = None) -> Result:
        result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == expect, (result.output, result.stderr)
        return result

    return run
