"""Time and size `skillkit review` on synthetic agencies, against the floor of reading its CSVs.

    python3 benchmarks/bench_review.py --people 1000 10000 100000 --quarters 8 --repeat 3 --jobs 2

For each size the agency from `skillkit.demo.generate_agency` is written as CSVs into a temporary
folder by one child process (its time is reported: the generator is vectorised). Then, each the
median of `--repeat` fresh processes (wall time) and the largest peak resident set, the floor
and the no-html review in turn, so that "× floor" is the median of paired runs' ratios:

- floor:    a fresh `python3` that imports pandas and reads the four CSVs with
            `pandas.read_csv(engine="pyarrow")`, imports included: what no review can beat;
- no-html:  `python3 -m skillkit review DATA --out OUT --no-html --quiet` (scores, readiness,
            CSV and JSON outputs only);
- full:     `python3 -m skillkit review DATA --out OUT --quiet` (every page, on one process), and
            with `--jobs N` > 1 also `... --jobs N` (person pages on N processes);
- pages/s:  in one fresh process, after the review, the person pages rendered one after another
            on one core (the first `--sample` people; pages are the same size throughout): the
            rate of the renderer itself, without reading, assessing or writing.

Peak memory is the child's own `ru_maxrss` as `os.wait4` reports it (for `--jobs`, the largest
single process: the workers are forked and share the parent's pages until they write to them).
Full reviews run `--repeat-full` times (default 1: at 100,000 people one takes many minutes).

It prints a Markdown table for the README's Performance section, the ratios the targets are
stated in (no-html over the floor; 100,000 over 10,000 people when both ran), and the command.

`--stages` also times each stage in-process (load, assess, outputs, html), and `--profile DIR`
writes one cProfile file per size and stage to DIR (`python3 -m pstats DIR/10000-assess.prof`,
then `sort cumulative`, `stats 25`); times measured under the profiler are inflated.
This is a benchmark, not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from harness import ROOT, child_env, machine, maxrss_mib, rule, run_child

if TYPE_CHECKING:
    from skillkit.models import Lang

GENERATED_AT = "2026-01-01T00:00:00Z"
MAX_FILE_MB = 8192
STAGES = ("load", "assess", "outputs", "html")
TABLES = ("people", "ratings", "kpis", "promotions")
FLOOR = (
    "import sys, pandas\n"
    "for name in {tables!r}:\n"
    "    pandas.read_csv(sys.argv[1] + '/' + name + '.csv', engine='pyarrow')\n"
)
T = TypeVar("T")


def generate(people: int, quarters: int, seed: int, folder: Path) -> dict[str, Any]:
    """Child: write the demo agency's CSVs into `folder`, as `skillkit demo` does."""
    from skillkit.csv_text import csv_pieces
    from skillkit.demo import generate_agency
    from skillkit.pipeline import load_standards

    started = time.perf_counter()
    framework, rubric = load_standards()
    tables = generate_agency(framework, rubric, people=people, quarters=quarters, seed=seed)
    generated = time.perf_counter() - started
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        with (folder / f"{name}.csv").open("wb") as handle:
            handle.writelines(csv_pieces(frame))  # 42 million rows at 100,000 people
    return {
        "generate_seconds": generated,
        "seconds": time.perf_counter() - started,
        "rows": {name: len(frame) for name, frame in tables.items()},
        "csv_bytes": sum(path.stat().st_size for path in folder.glob("*.csv")),
    }


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one fresh child process running `command`."""
    # Errors go to a file, not a pipe: a pipe nobody reads until the child ends could fill up
    # and stall a chatty child.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, env=child_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace")
            raise SystemExit(f"{shlex.join(command)} failed:\n{detail}")
    peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return wall, peak


def repeated(command: list[str], times: int) -> dict[str, float]:
    """Median wall time and largest peak over `times` fresh runs of `command`."""
    return summary([timed(command) for _ in range(times)])


def summary(runs: list[tuple[float, float]]) -> dict[str, float]:
    """Median wall time and largest peak of (wall, peak) runs."""
    return {"seconds": statistics.median(w for w, _ in runs), "peak_mib": max(p for _, p in runs)}


def against_floor(
    floor: list[str], command: list[str], times: int
) -> tuple[dict[str, float], dict[str, float]]:
    """The floor and `command` run in turn, `times` each: each one's `summary`, and with the
    command's the median of its paired ratios to the floor (`over_floor`).

    In turn rather than all of one then all of the other: this machine's speed drifts over
    minutes (the floor alone took 1.3 to 2.8 s), and a ratio of runs minutes apart mixes the
    drift into it.
    """
    pairs = [(timed(floor), timed(command)) for _ in range(times)]
    measured = summary([c for _, c in pairs])
    measured["over_floor"] = statistics.median(c[0] / f[0] for f, c in pairs)
    return summary([f for f, _ in pairs]), measured


def render_rate(folder: Path, lang: Lang, sample: int) -> dict[str, Any]:
    """Child: person pages per second on one core, after an untimed review of `folder`."""
    from skillkit.pipeline import review
    from skillkit.report.render import SitePages

    assessment = review(folder, max_file_bytes=MAX_FILE_MB << 20)
    started = time.perf_counter()
    site = SitePages(assessment, lang, GENERATED_AT)
    setup = time.perf_counter() - started
    people = list(site.person_paths)[:sample]
    started = time.perf_counter()
    size = sum(len(site.person(employee).encode("utf-8")) for employee in people)
    seconds = time.perf_counter() - started
    return {
        "setup_seconds": setup,
        "pages": len(people),
        "pages_per_second": len(people) / seconds,
        "mean_page_kib": size / len(people) / 1024,
        "people": len(site.person_paths),
    }


def measure(folder: Path, lang: Lang, profile: Path | None, label: str) -> dict[str, Any]:
    """Child: time each stage of a review of `folder` in-process, with the peak after each."""
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

    rules = record_rules(framework, rubric)
    records = stage("load", lambda: load_records(folder, rules, max_bytes=MAX_FILE_MB << 20))
    assessment = stage("assess", lambda: assess_records(records, framework, rubric))
    stage(
        "outputs",
        lambda: build_outputs(
            assessment, lang=lang, generated_at=GENERATED_AT, standards=standards, html=False
        ),
    )
    pages = stage("html", lambda: render_site(assessment, lang, GENERATED_AT))
    result.update(pages=len(pages), peak_rss_mib=maxrss_mib())
    return result


def bench_size(people: int, args: argparse.Namespace, profile: Path | None) -> dict[str, Any]:
    """Generate one agency, then measure the floor and the reviews, each in fresh processes."""
    result: dict[str, Any] = {"people": people, "quarters": args.quarters}
    with tempfile.TemporaryDirectory(prefix="skillkit-bench-") as tmp:
        folder, out = Path(tmp) / "data", Path(tmp) / "out"
        made = run_child(
            __file__, ["--_generate", str(people), str(args.quarters), str(args.seed), str(folder)]
        )
        result["generated"] = made
        note(f"{people:,} people: generated {made['rows']} in {made['seconds']:.1f} s")
        floor = [sys.executable, "-c", FLOOR.format(tables=TABLES), str(folder)]
        review = [sys.executable, "-m", "skillkit", "review", str(folder), "--out", str(out)]
        review += ["--max-file-mb", str(MAX_FILE_MB)]  # ratings.csv is 2.2 GB at 100,000 people
        lang = ["--lang", args.lang, "--quiet"]
        result["floor"], result["no_html"] = against_floor(
            floor, [*review, "--no-html", *lang], args.repeat
        )
        note(f"  floor {result['floor']}")
        note(f"  review --no-html {result['no_html']}")
        if not args.no_full:
            result["full"] = repeated([*review, *lang], args.repeat_full)
            note(f"  review {result['full']}")
            if args.jobs > 1:
                jobs = ["--jobs", str(args.jobs)]
                result["full_jobs"] = repeated([*review, *lang, *jobs], args.repeat_full)
                note(f"  review --jobs {args.jobs} {result['full_jobs']}")
            result["render"] = run_child(
                __file__, ["--_render", str(folder), args.lang, str(args.sample)]
            )
            note(f"  render {result['render']}")
        if args.stages:
            label = ["--_profile", str(profile)] if profile else []
            result["stages"] = run_child(
                __file__, ["--_measure", str(folder), args.lang, str(people), *label]
            )
            note(f"  stages {result['stages']['seconds']}")
    print(f"# {json.dumps(result)}", file=sys.stderr)
    return result


def note(text: str) -> None:
    """Progress on stderr, so that stdout holds only the table."""
    print(f"# {text}", file=sys.stderr, flush=True)


def markdown(results: list[dict[str, Any]], jobs: int) -> str:
    """The README table: one row per size."""
    header = (
        "| people × quarters | rating rows | CSV MiB | generate s | floor s | review --no-html s "
        "| × floor | peak MiB | review s | peak MiB "
        + (f"| review --jobs {jobs} s " if jobs > 1 else "")
        + "| person pages/s, 1 core |"
    )
    lines = [header, rule(header)]
    for r in results:
        floor, bare = r["floor"], r["no_html"]
        full, rate = r.get("full"), r.get("render")
        cells = [
            f"{r['people']:,} × {r['quarters']}",
            f"{r['generated']['rows']['ratings']:,}",
            f"{r['generated']['csv_bytes'] / 2**20:,.0f}",
            f"{r['generated']['seconds']:.1f}",
            f"{floor['seconds']:.2f}",
            f"{bare['seconds']:.2f}",
            f"{bare['over_floor']:.1f}",
            f"{bare['peak_mib']:,.0f}",
            f"{full['seconds']:.1f}" if full else "—",
            f"{full['peak_mib']:,.0f}" if full else "—",
        ]
        if jobs > 1:
            cells.append(f"{r['full_jobs']['seconds']:.1f}" if "full_jobs" in r else "—")
        cells.append(f"{rate['pages_per_second']:.0f}" if rate else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratios(results: list[dict[str, Any]]) -> list[str]:
    """The ratios the targets are stated in."""
    by_size = {r["people"]: r for r in results}
    lines = [
        f"- review --no-html over the floor at {n:,} people: "
        f"{r['no_html']['over_floor']:.1f}× (median of paired runs)"
        for n, r in by_size.items()
    ]
    if 10_000 in by_size and 100_000 in by_size:
        small, large = by_size[10_000], by_size[100_000]
        for key, what in (("no_html", "review --no-html"), ("full", "review")):
            if key in small and key in large:
                ratio = large[key]["seconds"] / small[key]["seconds"]
                lines.append(f"- {what}, 100,000 over 10,000 people: {ratio:.1f}×")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Parse arguments; run every size in fresh processes; print the table and the command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--people", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lang", choices=["en", "ru"], default="en")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor and --no-html")
    parser.add_argument("--repeat-full", type=int, default=1, help="runs of each full review")
    parser.add_argument("--jobs", type=int, default=1, help="also a full review with --jobs N")
    parser.add_argument("--sample", type=int, default=2000, help="person pages to render")
    parser.add_argument("--no-full", action="store_true", help="skip the full reviews")
    parser.add_argument("--stages", action="store_true", help="also time stages in-process")
    parser.add_argument("--profile", type=Path, help="with --stages: cProfile files here")
    # Internal: what the child processes run.
    parser.add_argument("--_generate", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--_measure", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--_render", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--_profile", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._generate or args._measure or args._render:
        # The children stand for the `skillkit` command, which sets the C heap up like this.
        from skillkit.heap import keep_freed_memory

        keep_freed_memory()
    if args._generate:
        people, quarters, seed, folder = args._generate
        print(json.dumps(generate(int(people), int(quarters), int(seed), Path(folder))))
        return 0
    if args._measure:
        folder, lang, label = args._measure
        print(json.dumps(measure(Path(folder), cast("Lang", lang), args._profile, label)))
        return 0
    if args._render:
        folder, lang, sample = args._render
        print(json.dumps(render_rate(Path(folder), cast("Lang", lang), int(sample))))
        return 0

    if min(args.repeat, args.repeat_full, args.sample) < 1:
        parser.error("--repeat, --repeat-full and --sample: expected at least 1")
    profile = args.profile.resolve() if args.profile else None
    results = [bench_size(n, args, profile) for n in args.people]
    command = ["python3", "benchmarks/bench_review.py", *(argv or sys.argv[1:])]
    print(markdown(results, args.jobs))
    print()
    print("\n".join(ratios(results)))
    print()
    print(f"Measured with `{shlex.join(command)}` on {machine()}.")
    if profile:
        print(f"cProfile files in {profile}; stage times include the profiler's overhead.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
