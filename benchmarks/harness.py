"""What the benchmark scripts share: fresh child processes, peak memory, the machine line."""

from __future__ import annotations

import json
import os
import platform
import resource
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def child_env() -> dict[str, str]:
    """Children import skillkit from this checkout, installed or not."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def maxrss_mib() -> float:
    """Peak resident set of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_child(script: str, args: list[str]) -> dict[str, Any]:
    """Run `script` as a fresh child process; its last stdout line is a JSON result."""
    command = [sys.executable, str(Path(script).resolve()), *args]
    completed = subprocess.run(
        command, env=child_env(), cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"child failed with exit code {completed.returncode}: {shlex.join(args)}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def rule(header: str) -> str:
    """Markdown separator row: left-align the first column, right-align the numbers."""
    cells = header.count("|") - 1
    return "|---|" + "---:|" * (cells - 1)


def machine() -> str:
    """One line on what the numbers were measured with."""
    import numpy
    import pandas
    import scipy

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"pandas {pandas.__version__}, numpy {numpy.__version__}, scipy {scipy.__version__}, "
        f"{platform.system()} {platform.release()}"
    )
