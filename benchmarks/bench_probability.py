"""Time the ready probability (the rater bootstrap) inside a review, one fresh process per size.

    python3 benchmarks/bench_probability.py --people 1000 10000 --quarters 8 --repeat 3

Each child writes the demo agency of `skillkit.demo.generate_agency` as CSV files (untimed),
reviews it with `skillkit.pipeline.review(..., model=False)` (timed: load and assess), and
times the call to `skillkit.probability.ready_probability` the pipeline makes, with the number
of people it was asked about and the number it had to resample (those who could pass with every
score at its best rating; the others get 0 without a draw). Medians of `--repeat` children.

This is a benchmark, not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import machine, run_child

HEADER = "| people × quarters | assessed | resampled | draws | ready probability s | review s |"


def measure(people: int, quarters: int, seed: int) -> dict[str, Any]:
    """Child: build the agency, review it, and time the ready probability within the review."""
    from skillkit import pipeline, probability
    from skillkit.demo import generate_agency

    framework, rubric = pipeline.load_standards()
    tables = generate_agency(framework, rubric, people=people, quarters=quarters, seed=seed)
    timing: dict[str, Any] = {"resampled": 0}
    original_share, original_probability = (
        probability._resampled_share,
        probability.ready_probability,
    )

    def counted_share(coded: Any, kpi: Any, ids: list[str], *rest: Any) -> Any:
        timing["resampled"] += len(ids)
        return original_share(coded, kpi, ids, *rest)

    def timed_probability(readiness: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        found = original_probability(readiness, *args, **kwargs)
        timing["seconds"] = time.perf_counter() - started
        timing["assessed"] = int(found.notna().sum())
        return found

    # Wrapped where they are looked up: the pipeline's own name and the module's helper.
    probability.__dict__["_resampled_share"] = counted_share
    pipeline.__dict__["ready_probability"] = timed_probability
    with tempfile.TemporaryDirectory(prefix="skillkit-bench-") as tmp:
        for name, frame in tables.items():
            frame.to_csv(Path(tmp) / f"{name}.csv", index=False)
        started = time.perf_counter()
        pipeline.review(Path(tmp), model=False)
        timing["review"] = time.perf_counter() - started
    return timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--_measure", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._measure:
        print(json.dumps(measure(*args._measure)))
        return
    from skillkit.probability import DRAWS

    print(HEADER)
    print("|---|" + "---:|" * (HEADER.count("|") - 2))
    for people in args.people:
        size = [str(people), str(args.quarters), str(args.seed)]
        runs = [run_child(__file__, ["--_measure", *size]) for _ in range(args.repeat)]
        seconds = statistics.median(run["seconds"] for run in runs)
        review = statistics.median(run["review"] for run in runs)
        last = runs[-1]
        print(
            f"| {people:,} × {args.quarters} | {last['assessed']:,} | {last['resampled']:,} | "
            f"{DRAWS} | {seconds:.2f} | {review:.2f} |",
            flush=True,
        )
    print(f"\nMeasured on {machine()}.", file=sys.stderr)


if __name__ == "__main__":
    main()
