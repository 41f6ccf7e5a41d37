"""Render pages on several cores: forked workers that share the review they were forked from."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence

# Set in the parent just before the workers are forked, and read by them: the review and its
# templates reach the workers through the fork's copy of memory, never through pickling.
_RENDER: Callable[[str], str] | None = None
CHUNK = 32  # pages per task: few enough round trips, small enough to keep every core busy


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity mask
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether workers can be forked here (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def in_processes(render: Callable[[str], str], keys: Sequence[str], jobs: int) -> Iterator[str]:
    """`render(key)` for every key, in order, computed by `jobs` forked worker processes."""
    global _RENDER
    if jobs <= 1 or len(keys) <= CHUNK or not can_fork():
        yield from (render(key) for key in keys)
        return
    chunks = [keys[i : i + CHUNK] for i in range(0, len(keys), CHUNK)]
    _RENDER = render
    # Frozen, the parent's objects are left out of the workers' garbage collections: a
    # collection would touch every object, and so copy the whole review into each worker.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for pages in pool.imap(_render_chunk, chunks):
                yield from pages
    finally:
        _RENDER = None
        gc.unfreeze()


def _render_chunk(keys: Sequence[str]) -> list[str]:
    """In a worker: the pages of one chunk."""
    assert _RENDER is not None, "a worker runs only in a pool forked by in_processes"
    return [_RENDER(key) for key in keys]
