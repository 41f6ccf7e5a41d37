"""The C heap keeps what a run frees, so big arrays reuse it instead of fresh kernel pages."""

from __future__ import annotations

import subprocess
import sys

import pytest

from skillkit import cli

# In a child process: setting the heap up is for the whole process, and it must not change
# how this test process uses memory. The child frees a 256 MiB array and prints how much its
# resident memory fell (Linux's /proc gives the resident pages).
FREED = """
import sys
import numpy as np
from skillkit.heap import keep_freed_memory

kept = keep_freed_memory() if sys.argv[1] == "keep" else None
page = 4096

def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * page

block = np.ones(1 << 25)  # 256 MiB, every page touched
before = resident()
del block
print(kept, (before - resident()) >> 20)
"""
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and glibc")


def _freed(mode: str) -> tuple[str, int]:
    out = subprocess.run(
        [sys.executable, "-c", FREED, mode], check=True, capture_output=True, text=True
    ).stdout.split()
    return out[0], int(out[1])


@linux_only
def test_by_default_a_big_freed_array_goes_back_to_the_kernel() -> None:
    # The baseline the setting changes: without it, the next big array pays fresh pages.
    kept, returned = _freed("default")
    assert kept == "None"
    assert returned >= 250


@linux_only
def test_once_set_up_a_big_freed_array_stays_for_the_next_one() -> None:
    kept, returned = _freed("keep")
    assert kept == "True"
    assert returned < 8


def test_the_console_script_sets_the_heap_up_before_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr("skillkit.heap.keep_freed_memory", lambda: calls.append("heap"))
    monkeypatch.setattr(cli, "main", lambda: calls.append("command"))
    cli.run()
    assert calls == ["heap", "command"]
