"""What a fresh big array costs, with glibc's defaults and with `skillkit.heap.keep_freed_memory`.

    python3 benchmarks/bench_heap.py --repeat 10

Each case runs in a fresh child process: one elementwise product (`values * 2.0`) into a new
array, `--repeat` times, freeing the result each time, on a column the size of the ratings at
10,000 and at 100,000 people (4.2 and 42 million float64). By default glibc maps every block
of 32 MiB or more fresh from the kernel and unmaps it when freed, so each product also pays a
page fault and the zeroing of every page; with the heap kept, the freed block is reused. The
table gives the median milliseconds per product and the bytes written per second.

This is a benchmark, not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import statistics
import time

from harness import machine, rule, run_child

SIZES = (4_231_370, 42_329_120)  # rating rows of the 10,000- and 100,000-people agencies


def measure(size: int, keep: bool, repeat: int) -> dict[str, float | bool]:
    """Child: median seconds of `repeat` products into a fresh array of `size` float64."""
    import numpy as np

    from skillkit.heap import keep_freed_memory

    kept = keep_freed_memory() if keep else False
    values = np.random.default_rng(7).random(size)
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        product = values * 2.0
        seconds.append(time.perf_counter() - started)
        del product
    return {"kept": kept, "seconds": statistics.median(seconds)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=10, help="products per case")
    parser.add_argument("--_measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._measure:
        import json

        size, keep, repeat = args._measure
        print(json.dumps(measure(int(size), keep == "keep", int(repeat))))
        return 0
    if args.repeat < 1:
        parser.error("--repeat: expected at least 1")
    print(machine())
    header = "| float64 values | MiB | heap | ms per product | GB/s written |"
    print(header)
    print(rule(header))
    for size in SIZES:
        for mode in ("default", "keep"):
            result = run_child(__file__, ["--_measure", str(size), mode, str(args.repeat)])
            if mode == "keep" and not result["kept"]:
                mode = "keep (not applied here)"
            seconds = float(result["seconds"])
            print(
                f"| {size:,} | {size * 8 / 2**20:,.0f} | {mode} | {seconds * 1000:.1f} "
                f"| {size * 8 / seconds / 1e9:.2f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
