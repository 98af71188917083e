"""Benchmark: the command line's route path, whole process, as a user runs it.

Imports the real open snapshot into a temporary cache, runs ``python -m cablemap route US
JP --format json`` once to store the network, then times more runs of it, as
subprocesses, from the stored snapshot (the normal use) and on ``--data PATH`` (a
directory used directly). Prints the median wall time and the median CPU time
(user + system, from ``getrusage``) of each: the CPU time is what a loaded machine cannot
inflate, the wall time what a user waits on an idle one.

Bytecode: an installed package carries compiled ``.pyc`` files. A checkout run with
``PYTHONDONTWRITEBYTECODE=1`` (set on some CI machines and containers, and on ours) never
gets them, so every run compiles every module again. The main rows write bytecode into a
fresh ``PYTHONPYCACHEPREFIX`` during the warm-up, as an install does (compiling
cablemap's modules on every run costs about 75 ms more here).

Run: ``python benchmarks/bench_cli.py [--runs 11] [--data ../shared/data/open-undersea-cable-map]``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "open-undersea-cable-map"
ROUTE = ["route", "US", "JP", "--format", "json"]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import machine  # noqa: E402


def run_timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one subprocess run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=REPO, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(label: str, command: list[str], env: dict[str, str], runs: int) -> None:
    """Warm once, then print the medians (and minima) of ``runs`` runs."""
    subprocess.run(command, env=env, cwd=REPO, check=True, capture_output=True)
    walls, cpus = zip(*(run_timed(command, env) for _ in range(runs)), strict=True)
    print(
        f"{label:44s} wall {statistics.median(walls):6.3f} s (min {min(walls):.3f})"
        f"   cpu {statistics.median(cpus):6.3f} s (min {min(cpus):.3f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    print(f"data: {args.data}; {args.runs} runs after one warm-up (median, min)")
    with tempfile.TemporaryDirectory(prefix="cablemap-bench-cli-") as cache:
        env = {**os.environ, "CABLEMAP_CACHE_DIR": cache, "PYTHONPYCACHEPREFIX": f"{cache}/pyc"}
        for name in ("CABLEMAP_DATA", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        cablemap = [sys.executable, "-m", "cablemap"]
        subprocess.run(
            [*cablemap, "data", "import", str(args.data)], env=env, check=True, capture_output=True
        )
        measure("route US JP --format json (stored snapshot)", [*cablemap, *ROUTE], env, args.runs)
        measure(
            "same, on --data PATH",
            [*cablemap, "--data", str(args.data), *ROUTE],
            env,
            args.runs,
        )
        measure(
            "python -c pass (the interpreter alone)", [sys.executable, "-c", "pass"], env, args.runs
        )


if __name__ == "__main__":
    main()
