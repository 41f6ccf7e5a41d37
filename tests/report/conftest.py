"""Fixtures of the report tests: one reviewed site with a hostile person in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import write_small_agency

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A review of the small agency plus one person whose name, team and comment are hostile."""
    from click.testing import CliRunner

    from skillkit.cli import main

    root = tmp_path_factory.mktemp("site")
    data = write_small_agency(root / "data")
    with (data / "people.csv").open("a", encoding="utf-8") as people:
        people.write(f'X1,"{HOSTILE}",account-executive,"{HOSTILE}",M1,,\n')
    with (data / "ratings.csv").open("a", encoding="utf-8") as ratings:
        for competency in ("communication", "motivation"):
            ratings.write(f'2026Q3,X1,M1,manager,{competency},2,"{HOSTILE}"\n')
    result = CliRunner().invoke(main, ["review", str(data), "--out", str(root / "out")])
    assert result.exit_code == 0, result.output
    return root / "out"


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`skillkit demo` run once: the HR, team and person pages of the demo agency."""
    from click.testing import CliRunner

    from skillkit.cli import main

    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out
