"""Time build_topology on the real data and print the median of several runs.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_topology.py [--runs 7] [--data PATH]

The data defaults to ``../shared/data/open-undersea-cable-map`` beside the project root.
Reading the files (``load_raw``) is timed separately and not included in the build time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from cablemap.dataset.load import load_dataset, load_raw
from cablemap.network import build_topology

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "open-undersea-cable-map"
)


def timed(function, runs: int) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    read_median, _, loaded = timed(lambda: load_raw(args.data), 3)
    raw, _ = loaded
    build_topology(raw)  # warm-up: imports, caches
    median, times, topo = timed(lambda: build_topology(raw), args.runs)
    dataset = load_dataset(args.data)
    ds_median, _, _ = timed(lambda: build_topology(dataset), args.runs)

    print(f"data: {args.data}")
    print(
        f"cables {len(raw.cables)}, stations {len(raw.stations)}, "
        f"segments {len(topo.segments)}, nodes {len(topo.nodes)}"
    )
    print(f"load_raw (not included):               median {read_median * 1000:7.1f} ms")
    print(
        f"build_topology(raw), {args.runs} runs:         median {median * 1000:7.1f} ms "
        f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})"
    )
    print(f"build_topology(dataset), {args.runs} runs:     median {ds_median * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
