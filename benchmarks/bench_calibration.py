"""Time and size rater calibration and the calibrated scoring, one fresh process per size.

    python3 benchmarks/bench_calibration.py --people 1000 10000 --quarters 8 --repeat 3

For each size, one child process builds the synthetic agency of `skillkit.demo.generate_agency`
(vectorised numpy: everyone rated by their line manager, three to five team-mates, their direct
reports and client contacts, about six non-self raters per person and quarter, on the bundled
framework's ten competencies) and pickles its ratings, KPIs and roles by quarter into a temporary
folder. A second, fresh child loads them untimed and then times, on the latest quarter:

- keys:      the ratings' key columns made categories, once, as `skillkit.pipeline` does;
- calibrate: `skillkit.calibration.calibrate(ratings, rubric, period)`, the additive model on
  the rubric's window of quarters (the non-self ratings in it are the "fitted" ratings);
- score:     `skillkit.scoring.score(ratings, kpis, roles, framework, rubric, calibration)`
  over every quarter, as `skillkit.pipeline.assess_records` calls it.

Peak memory is the measuring child's `ru_maxrss` (resident set, so numpy's and scipy's buffers
count); the RSS after loading the data (and importing scipy's sparse solvers, untimed) is
reported too, so the growth due to the two stages is visible. The data is generated in the
other child, so it does not inflate the peak.

`--repeat R` runs the measuring child R times per size and reports the median time of each stage
and the largest peak. Below the Markdown table, the time per rating of the largest size over the
smallest tells whether the cost grows linearly (a ratio near 1) with the number of ratings:
per fitted rating for calibrate, per rating row for score.

This is a benchmark, not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from harness import machine, maxrss_mib, rule, run_child

STAGES = ("keys", "calibrate", "score")
TABLES = ("ratings", "kpis", "roles")
T = TypeVar("T")


def generate(people: int, quarters: int, seed: int, folder: Path) -> dict[str, Any]:
    """Child: pickle the demo agency's ratings, KPIs and roles by quarter into `folder`."""
    import pandas as pd

    from skillkit import periods
    from skillkit.demo import generate_agency
    from skillkit.history import roles_by_period
    from skillkit.pipeline import load_standards

    started = time.perf_counter()
    framework, rubric = load_standards()
    tables = generate_agency(framework, rubric, people=people, quarters=quarters, seed=seed)
    labels = sorted(tables["ratings"]["period"].astype(str).unique(), key=periods.to_ordinal)
    roles = roles_by_period(tables["people"], tables["promotions"], labels)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("ratings", tables["ratings"]), ("kpis", tables["kpis"]), ("roles", roles)):
        pd.to_pickle(frame, folder / f"{name}.pkl")
    return {
        "seconds": time.perf_counter() - started,
        "rows": {name: len(tables[name]) for name in ("ratings", "kpis")},
    }


def measure(folder: Path) -> dict[str, Any]:
    """Child: load the pickled tables, then time calibrate and score, with the peak memory."""
    # calibrate imports scipy's sparse solvers on first use: import them here, untimed, so the
    # stage measures the fit and not a one-off import (about 0.2 s) that would swamp small sizes.
    import pandas as pd
    import scipy.sparse.csgraph
    import scipy.sparse.linalg  # noqa: F401

    from skillkit import periods, scoring
    from skillkit.calibration import calibrate
    from skillkit.pipeline import RATING_KEYS, load_standards

    framework, rubric = load_standards()
    ratings, kpis, roles = (pd.read_pickle(folder / f"{name}.pkl") for name in TABLES)
    observed = ratings.dropna(subset=["rating"])
    period = max(observed["period"].astype(str).unique(), key=periods.to_ordinal)
    result: dict[str, Any] = {"rss_after": {"load": maxrss_mib()}, "seconds": {}}

    def stage(name: str, run: Callable[[], T]) -> T:
        started = time.perf_counter()
        value = run()
        result["seconds"][name] = time.perf_counter() - started
        result["rss_after"][name] = maxrss_mib()
        return value

    # As the pipeline does: the key columns become categories once, for every stage after.
    keyed = stage("keys", lambda: ratings.astype({key: "category" for key in RATING_KEYS}))
    calibration = stage("calibrate", lambda: calibrate(keyed, rubric, period))
    scores = stage(
        "score",
        lambda: scoring.score(keyed, kpis, roles, framework, rubric, calibration),
    )
    # Raters per person and quarter, as the window the effects were fitted on saw them.
    others = observed[
        (observed["source"].astype(str) != "self")
        & observed["period"].astype(str).isin(calibration.window)
    ]
    per_person = others.groupby(["period", "employee_id"], observed=True)["rater_id"].nunique()
    result.update(
        period=period,
        window=list(calibration.window),
        rating_rows=len(ratings),
        fitted=calibration.n_ratings,
        raters=len(calibration.effects),
        components=calibration.components,
        raters_per_person=float(per_person.mean()),
        score_rows=len(scores),
        peak_rss_mib=maxrss_mib(),
    )
    return result


def bench_size(people: int, quarters: int, seed: int, repeat: int) -> dict[str, Any]:
    """Generate one agency, then measure it `repeat` times, each in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="skillkit-bench-") as tmp:
        folder = Path(tmp) / "data"
        made = run_child(
            __file__, ["--_generate", str(people), str(quarters), str(seed), str(folder)]
        )
        print(
            f"# {people} people x {quarters} quarters: generated {made['rows']} "
            f"in {made['seconds']:.1f} s",
            file=sys.stderr,
        )
        runs = [run_child(__file__, ["--_measure", str(folder)]) for _ in range(repeat)]
    summary = dict(runs[-1])
    summary["seconds"] = {
        name: statistics.median(run["seconds"][name] for run in runs) for name in STAGES
    }
    summary["runs"] = [run["seconds"] for run in runs]
    summary["peak_rss_mib"] = max(run["peak_rss_mib"] for run in runs)
    summary.update(people=people, quarters=quarters, generated=made)
    print(f"# {json.dumps(summary)}", file=sys.stderr)
    return summary


def _per_rating(result: dict[str, Any]) -> dict[str, float]:
    """Microseconds per fitted rating (calibrate) and per rating row (score)."""
    seconds = result["seconds"]
    return {
        "keys": 1e6 * seconds["keys"] / max(result["rating_rows"], 1),
        "calibrate": 1e6 * seconds["calibrate"] / max(result["fitted"], 1),
        "score": 1e6 * seconds["score"] / max(result["rating_rows"], 1),
    }


def markdown(results: list[dict[str, Any]]) -> str:
    """One row per size, then the per-rating time of the largest size over the smallest."""
    header = (
        "| people × quarters | rating rows | fitted ratings | raters | raters per person-quarter "
        "| keys s | calibrate s | µs per fitted rating | score s | µs per rating row "
        "| RSS after load MiB | peak RSS MiB |"
    )
    lines = [header, rule(header)]
    for r in results:
        s, per = r["seconds"], _per_rating(r)
        lines.append(
            f"| {r['people']:,} × {r['quarters']} | {r['rating_rows']:,} | {r['fitted']:,} "
            f"| {r['raters']:,} | {r['raters_per_person']:.1f} "
            f"| {s['keys']:.2f} | {s['calibrate']:.2f} | {per['calibrate']:.2f} "
            f"| {s['score']:.2f} | {per['score']:.2f} "
            f"| {r['rss_after']['load']:,.0f} | {r['peak_rss_mib']:,.0f} |"
        )
    if len(results) > 1:
        small, large = min(results, key=_size), max(results, key=_size)
        ratios = {name: _per_rating(large)[name] / _per_rating(small)[name] for name in STAGES}
        lines.append("")
        lines.append(
            f"Time per rating, {large['people']:,} people over {small['people']:,}: "
            f"keys {ratios['keys']:.2f}×, calibrate {ratios['calibrate']:.2f}×, "
            f"score {ratios['score']:.2f}× "
            "(1.00× is linear scaling)."
        )
    return "\n".join(lines)


def _size(result: dict[str, Any]) -> int:
    return int(result["people"])


def main(argv: list[str] | None = None) -> int:
    """Parse arguments; run every size in fresh processes; print the table and the command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--people", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="measuring runs per size")
    # Internal: what the child processes run.
    parser.add_argument("--_generate", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--_measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._generate:
        people, quarters, seed, folder = args._generate
        print(json.dumps(generate(int(people), int(quarters), int(seed), Path(folder))))
        return 0
    if args._measure:
        print(json.dumps(measure(args._measure)))
        return 0

    if args.repeat < 1:
        parser.error("--repeat: expected at least 1")
    results = [bench_size(n, args.quarters, args.seed, args.repeat) for n in args.people]
    command = [
        "python3",
        "benchmarks/bench_calibration.py",
        *(argv if argv is not None else sys.argv[1:]),
    ]
    print(markdown(results))
    print()
    print(f"Measured with `{shlex.join(command)}` on {machine()}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
