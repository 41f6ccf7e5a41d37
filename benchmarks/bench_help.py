"""Time `skillkit --help` and `skillkit validate` as a user runs them; check their imports.

    python3 benchmarks/bench_help.py --runs 10

Runs `python3 -m skillkit --help` (and the installed `skillkit` console script, when one is on
PATH) as fresh subprocesses, `--runs` times each after one untimed warm-up (so the OS file cache
is warm, as it is for a user's second call), and prints the min and median wall time.

Then runs `python3 -X importtime -m skillkit --help` and fails (exit 1) if pandas, numpy,
scikit-learn or jinja2 was imported: the CLI must import them inside command bodies only, so
that `--help` stays instant. The slowest imports are printed to show where the time goes.

`python3 -m skillkit` imports skillkit from this checkout; the console script uses whatever
installation it belongs to. This is a benchmark, not a test: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time

from harness import ROOT, child_env

HEAVY = ("pandas", "numpy", "scipy", "sklearn", "jinja2")


def time_command(command: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of `runs` fresh runs of `command` (after one untimed warm-up)."""
    seconds = []
    for attempt in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(
            command, env=child_env(), cwd=ROOT, stdout=subprocess.DEVNULL, check=True, text=True
        )
        if attempt:
            seconds.append(time.perf_counter() - started)
    return seconds


def imported_modules(command: list[str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) for every module `command` imports, via -X importtime."""
    completed = subprocess.run(
        command, env=child_env(), cwd=ROOT, capture_output=True, check=True, text=True
    )
    modules = []
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        modules.append((int(cumulative), name.strip()))
    return modules


def main(argv: list[str] | None = None) -> int:
    """Time every way to call `skillkit --help`, then check what it imported."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--top", type=int, default=8, help="slowest imports to list")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs: expected at least 1")

    commands = [
        [sys.executable, "-m", "skillkit", "--help"],
        # Checking the bundled YAML needs no pandas either: it must stay under a second.
        [sys.executable, "-m", "skillkit", "validate"],
    ]
    script = shutil.which("skillkit")
    if script:
        commands.append([script, "--help"])
    else:
        print("(no `skillkit` console script on PATH: timing `python3 -m skillkit` only)")

    print("| command | runs | min s | median s |\n|---|---:|---:|---:|")
    for command in commands:
        seconds = time_command(command, args.runs)
        shown = shlex.join(["python3", *command[1:]] if command[0] == sys.executable else command)
        print(
            f"| `{shown}` | {len(seconds)} | {min(seconds):.3f} "
            f"| {statistics.median(seconds):.3f} |"
        )
    baseline = time_command([sys.executable, "-c", "pass"], args.runs)
    print(
        f"| `python3 -c pass` (interpreter start) | {len(baseline)} | {min(baseline):.3f} "
        f"| {statistics.median(baseline):.3f} |"
    )

    modules = imported_modules([sys.executable, "-X", "importtime", "-m", "skillkit", "--help"])
    names = {name for _, name in modules}
    print(f"\n`python3 -X importtime -m skillkit --help` imports {len(names)} modules; slowest:")
    for cumulative, name in sorted(modules, reverse=True)[: args.top]:
        print(f"  {cumulative / 1000:7.1f} ms  {name}")
    heavy = sorted(name for name in names if name.split(".")[0] in HEAVY)
    checking = imported_modules([sys.executable, "-X", "importtime", "-m", "skillkit", "validate"])
    heavy_validate = sorted(
        {name for _, name in checking if name.split(".")[0] in HEAVY and "." not in name}
    )
    if heavy_validate:
        print(f"FAIL: `skillkit validate` imports {', '.join(heavy_validate)}", file=sys.stderr)
        return 1
    invocation = shlex.join(["python3", "benchmarks/bench_help.py", *(argv or sys.argv[1:])])
    print(f"\nMeasured with `{invocation}` on Python {platform.python_version()}.")
    if heavy:
        print(f"FAIL: `skillkit --help` imports {', '.join(heavy)}", file=sys.stderr)
        return 1
    print(f"ok: `skillkit --help` and `skillkit validate` import none of {', '.join(HEAVY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
