"""Time and size a full review of the synthetic demo agency, one fresh process per size.

    python3 benchmarks/bench_review.py --people 60 1000 10000 --quarters 8 --seed 7

For each size the agency from `skillkit.demo.generate_agency` is written as CSVs into a temporary
folder by one child process; a second, fresh child then times each stage on its own:

- load:    `skillkit.records.load_records` with `skillkit.pipeline.record_rules`
- assess:  `skillkit.pipeline.assess_records`
- outputs: `skillkit.outputs.build_outputs(..., html=False)` (scores.csv, readiness.csv, manifest)
- html:    `skillkit.report.render.render_site(assessment, lang, "2026-01-01T00:00:00Z")`

Peak memory is the measuring child's `ru_maxrss` (resident set, so pandas' and numpy's buffers
count, which tracemalloc would miss); the `# {...}` JSON line on stderr also has it after the
imports and after each stage (`rss_after`), which tells where the peak is reached. The data is
generated in the other child, so it does not inflate the peak. Pages are counted and sized as
UTF-8 bytes, as written.

`--repeat R` runs the measuring child R times and reports the median time of each stage and the
largest peak. `--profile DIR` additionally writes one cProfile file per size and stage to DIR
(`python3 -m pstats DIR/10000-assess.prof`, then `sort cumulative`, `stats 25`); times measured
under the profiler are inflated.

Prints a Markdown table ready for the README's Performance section and the exact command.
This is a benchmark, not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from harness import machine, maxrss_mib, rule, run_child

if TYPE_CHECKING:
    from skillkit.models import Lang

GENERATED_AT = "2026-01-01T00:00:00Z"
STAGES = ("load", "assess", "outputs", "html")
T = TypeVar("T")


def generate(people: int, quarters: int, seed: int, folder: Path) -> dict[str, Any]:
    """Child: write the demo agency's CSVs into `folder`, as `skillkit demo` does."""
    from skillkit.demo import generate_agency
    from skillkit.pipeline import load_standards

    started = time.perf_counter()
    framework, rubric = load_standards()
    tables = generate_agency(framework, rubric, people=people, quarters=quarters, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        (folder / f"{name}.csv").write_bytes(
            frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        )
    return {
        "seconds": time.perf_counter() - started,
        "rows": {name: len(frame) for name, frame in tables.items()},
        "csv_bytes": sum(path.stat().st_size for path in folder.glob("*.csv")),
    }


def measure(folder: Path, lang: Lang, profile: Path | None, label: str) -> dict[str, Any]:
    """Child: time each stage of a review of `folder`, with the peak memory after each."""
    import_started = time.perf_counter()
    from skillkit.bundled import bundled_file
    from skillkit.framework import DEFAULT_FRAMEWORK
    from skillkit.outputs import build_outputs
    from skillkit.pipeline import assess_records, load_standards, record_rules
    from skillkit.records import load_records
    from skillkit.report.render import render_site
    from skillkit.rubric import DEFAULT_RUBRIC

    framework, rubric = load_standards()
    standards = {
        "framework": bundled_file("competencies", DEFAULT_FRAMEWORK),
        "rubric": bundled_file("rubrics", DEFAULT_RUBRIC),
    }
    result: dict[str, Any] = {
        "import_seconds": time.perf_counter() - import_started,
        "rss_after": {"imports": maxrss_mib()},
        "seconds": {},
    }

    def stage(name: str, run: Callable[[], T]) -> T:
        profiler = cProfile.Profile() if profile else None
        context: AbstractContextManager[Any] = profiler if profiler else nullcontext()
        started = time.perf_counter()
        with context:
            value = run()
        result["seconds"][name] = time.perf_counter() - started
        result["rss_after"][name] = maxrss_mib()
        if profiler and profile:
            profile.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(profile / f"{label}-{name}.prof")
        return value

    records = stage("load", lambda: load_records(folder, record_rules(framework, rubric)))
    assessment = stage("assess", lambda: assess_records(records, framework, rubric))
    files = stage(
        "outputs",
        lambda: build_outputs(
            assessment, lang=lang, generated_at=GENERATED_AT, standards=standards, html=False
        ),
    )
    pages = stage("html", lambda: render_site(assessment, lang, GENERATED_AT))
    page_bytes = [len(text.encode("utf-8")) for text in pages.values()]
    result.update(
        rating_rows=len(records.ratings),
        score_rows=len(assessment.scores),
        output_bytes={path: len(content) for path, content in files.items()},
        pages=len(pages),
        page_bytes_total=sum(page_bytes),
        page_bytes_max=max(page_bytes, default=0),
        peak_rss_mib=maxrss_mib(),
        period=assessment.period,
    )
    return result


def bench_size(
    people: int, quarters: int, seed: int, lang: str, repeat: int, profile: Path | None
) -> dict[str, Any]:
    """Generate one agency, then measure its review `repeat` times, each in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="skillkit-bench-") as tmp:
        folder = Path(tmp) / "data"
        made = run_child(
            __file__, ["--_generate", str(people), str(quarters), str(seed), str(folder)]
        )
        print(
            f"# {people} people x {quarters} quarters: generated {made['rows']} "
            f"in {made['seconds']:.1f} s ({made['csv_bytes'] / 2**20:.1f} MiB of CSV)",
            file=sys.stderr,
        )
        runs = []
        for _ in range(repeat):
            extra = ["--_profile", str(profile)] if profile else []
            runs.append(run_child(__file__, ["--_measure", str(folder), lang, str(people), *extra]))
    summary = dict(runs[-1])
    summary["seconds"] = {
        name: statistics.median(run["seconds"][name] for run in runs) for name in STAGES
    }
    summary["peak_rss_mib"] = max(run["peak_rss_mib"] for run in runs)
    summary.update(people=people, quarters=quarters, generated=made)
    print(f"# {json.dumps(summary)}", file=sys.stderr)
    return summary


def markdown(results: list[dict[str, Any]]) -> str:
    """The README table: one row per size."""
    header = (
        "| people × quarters | rating rows | load s | assess s | CSV+JSON s | HTML s | total s "
        "| peak RSS MiB | pages | HTML total KiB | mean page KiB |"
    )
    lines = [header, rule(header)]
    for r in results:
        s = r["seconds"]
        total_kib = r["page_bytes_total"] / 1024
        lines.append(
            f"| {r['people']:,} × {r['quarters']} | {r['rating_rows']:,} "
            f"| {s['load']:.2f} | {s['assess']:.2f} | {s['outputs']:.2f} | {s['html']:.2f} "
            f"| {sum(s.values()):.2f} | {r['peak_rss_mib']:,.0f} | {r['pages']:,} "
            f"| {total_kib:,.0f} | {total_kib / max(r['pages'], 1):,.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments; run every size in fresh processes; print the table and the command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--people", type=int, nargs="+", default=[60, 1000, 10000])
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lang", choices=["en", "ru"], default="en")
    parser.add_argument("--repeat", type=int, default=1, help="measuring runs per size")
    parser.add_argument("--profile", type=Path, help="write cProfile files per stage here")
    # Internal: what the child processes run.
    parser.add_argument("--_generate", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--_measure", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--_profile", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._generate:
        people, quarters, seed, folder = args._generate
        print(json.dumps(generate(int(people), int(quarters), int(seed), Path(folder))))
        return 0
    if args._measure:
        folder, lang, label = args._measure
        print(json.dumps(measure(Path(folder), cast("Lang", lang), args._profile, label)))
        return 0

    if args.repeat < 1:
        parser.error("--repeat: expected at least 1")
    profile = args.profile.resolve() if args.profile else None
    results = [
        bench_size(n, args.quarters, args.seed, args.lang, args.repeat, profile)
        for n in args.people
    ]
    command = [
        "python3",
        "benchmarks/bench_review.py",
        *(argv if argv is not None else sys.argv[1:]),
    ]
    print(markdown(results))
    print()
    print(f"Measured with `{shlex.join(command)}` on {machine()}.")
    if profile:
        print(f"cProfile files in {profile}; times above include the profiler's overhead.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
