"""The C heap asked to keep the memory a run frees, so that big arrays reuse it (glibc only)."""

from __future__ import annotations

import ctypes
import sys

# mallopt(3) parameters, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4


def keep_freed_memory() -> bool:
    """Serve every block from malloc's heap and never give freed memory back; True when done.

    By default glibc maps each block of 32 MiB or more fresh from the kernel, and unmaps it
    when it is freed. At 100,000 people most arrays are that big (7 million scores, 42 million
    ratings), so every new one pays a page fault and the zeroing of every page: on the
    benchmark machine an elementwise product over 42 million values wrote 2–6 GB/s into fresh
    pages and 8–9 GB/s into reused ones (`benchmarks/bench_heap.py`). This is why the review's
    cost grew faster than its data: more of its arrays cross 32 MiB (README, Performance).

    The price: memory freed during the run stays with the process until it exits. That suits
    a command, so the `skillkit` command calls this; a notebook may, knowing it. Elsewhere than
    Linux with glibc (macOS, Windows, musl) this does nothing and returns False.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return False
    # glibc's own symbol: musl has a mallopt too, a stub that does nothing.
    if not hasattr(libc, "gnu_get_libc_version") or not hasattr(libc, "mallopt"):
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # mallopt(3): M_MMAP_MAX 0 stops mapping big blocks; M_TRIM_THRESHOLD -1 stops trimming.
    return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, -1))
