"""Rendering on several cores: the same pages, byte for byte, in the same order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillkit.report.parallel import CHUNK, available_cores, can_fork, in_processes
from tests.conftest import RunCli


def _shout(key: str) -> str:
    return f"{key.upper()}:{os.getpid()}"


@pytest.mark.skipif(not can_fork(), reason="workers are forked")
def test_workers_return_every_page_in_order_from_other_processes() -> None:
    keys = [f"p{n:03d}" for n in range(5 * CHUNK + 7)]
    pages = list(in_processes(_shout, keys, jobs=2))
    assert [page.split(":")[0] for page in pages] == [key.upper() for key in keys]
    assert str(os.getpid()) not in {page.split(":")[1] for page in pages}


def test_one_job_or_a_few_pages_stay_in_this_process() -> None:
    for keys, jobs in ((["a", "b"], 4), ([f"k{n}" for n in range(3 * CHUNK)], 1)):
        pages = list(in_processes(_shout, keys, jobs))
        assert {page.split(":")[1] for page in pages} == {str(os.getpid())}


def test_the_cores_available_are_counted() -> None:
    assert 1 <= available_cores() <= (os.cpu_count() or 1)


@pytest.mark.skipif(not can_fork(), reason="workers are forked")
def test_a_review_on_two_processes_writes_the_same_bytes_as_on_one(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    run_cli(["demo", "--out", str(tmp_path / "one"), "--people", "60", "--quiet"])
    run_cli(
        [
            "review",
            str(tmp_path / "one" / "data"),
            "--out",
            str(tmp_path / "two"),
            "--jobs",
            "2",
            "--quiet",
        ]
    )
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*.html")
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*.html")
    }
    assert len(one) > 60 and one == two
    assert (tmp_path / "one" / "scores.csv").read_bytes() == (
        tmp_path / "two" / "scores.csv"
    ).read_bytes()
