"""Benchmark: loading the dataset from the snapshot cache (issue: foundation).

Imports the real open snapshot from ../shared/data into a temporary cache, then times,
in one process, reading the records (``load_raw``) and building the validated
GeoDataFrames (``load_dataset``) from that cache. Prints the median of several runs and
the machine it ran on.

Run: ``python benchmarks/bench_load.py [--runs 15] [--data ../shared/data/open-undersea-cable-map]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "open-undersea-cable-map"


def machine() -> str:
    """One line describing the machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def timed(func, runs: int) -> tuple[float, float, float]:
    """Median, min and max wall time of ``runs`` calls, in milliseconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["CABLEMAP_CACHE_DIR"] = cache
        os.environ.pop("CABLEMAP_DATA", None)
        import geopandas  # noqa: F401  (import cost is not part of loading)

        from cablemap.config import settings_from_env
        from cablemap.dataset.load import load_dataset, load_raw
        from cablemap.fetch import import_snapshot

        settings = settings_from_env()
        started = time.perf_counter()
        snapshot = import_snapshot(args.data, settings=settings).snapshot
        import_ms = (time.perf_counter() - started) * 1000
        load_raw(settings=settings)  # warm the OS file cache and lazy imports once
        rows = [
            ("import snapshot (once)", (import_ms, import_ms, import_ms)),
            ("read records from cache", timed(lambda: load_raw(settings=settings), args.runs)),
            ("load_dataset from cache", timed(lambda: load_dataset(settings=settings), args.runs)),
        ]
        counts = snapshot.counts
    print(f"machine: {machine()}")
    print(
        f"data: {args.data} ({counts['cables']} cables, {counts['landing_points']} landing points)"
    )
    print(f"runs: {args.runs} (median, min, max in ms)")
    print(f"{'step':<28}{'median':>9}{'min':>9}{'max':>9}")
    for name, (median, low, high) in rows:
        print(f"{name:<28}{median:>9.1f}{low:>9.1f}{high:>9.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
