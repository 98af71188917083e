"""Benchmark: static route and risk images (PNG and SVG) on the real open snapshot.

Loads the snapshot in place and builds the network once (not timed), then times, over a
fixed sample of country pairs (k=3 routes, clean-network-2020 flags): building the route
figure, writing it as PNG, and the two together ("route image", the figure a user waits
for after the route itself is known); then the SVG and compact-PNG variants and the world
and one-country risk images. The first figure, which also loads the basemap, is timed
apart. Each figure is the median over pairs and repetitions.

Goal: a static route image (figure + PNG) under 2 s (median).

Run: ``python benchmarks/bench_static.py [--runs 3]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_load import DEFAULT_DATA, machine

from cablemap.analysis.query import trace_routes
from cablemap.policy.flags import policy_flags

PAIRS = [
    ("US", "JP"),
    ("GB", "SG"),
    ("BR", "ZA"),
    ("AU", "US"),
    ("FR", "SG"),
    ("CL", "PE"),
]
POLICY = "clean-network-2020"
GOAL_S = 2.0


def row(name: str, samples: list[float]) -> str:
    """One table row: median, min, max in ms."""
    ms = [s * 1e3 for s in samples]
    return f"{name:<32}{statistics.median(ms):>9.1f}{min(ms):>9.1f}{max(ms):>9.1f}"


def timed(func, *args, **kwargs):
    """``(result, seconds)`` of one call."""
    started = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.policy.rules import load_policy

    network = build_network(load_dataset(args.data))
    reports = [trace_routes(network, a, b, k=3, policy=POLICY) for a, b in PAIRS]
    flags = policy_flags(network, load_policy(POLICY))

    _, import_s = timed(__import__, "cablemap.render.static")
    static = sys.modules["cablemap.render.static"]
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as out:
        png, svg = Path(out) / "route.png", Path(out) / "route.svg"
        fig, first_s = timed(static.route_figure, reports[0], network)
        static.save_figure(fig, png)
        for _ in range(args.runs):
            for report in reports:
                fig, build_s = timed(static.route_figure, report, network)
                _, png_s = timed(static.save_figure, fig, png)
                samples.setdefault("route figure", []).append(build_s)
                samples.setdefault("  write PNG (1500x900)", []).append(png_s)
                samples.setdefault("route image (figure + PNG)", []).append(build_s + png_s)
                fig = static.route_figure(report, network)
                samples.setdefault("  write SVG", []).append(timed(static.save_figure, fig, svg)[1])
                fig = static.route_figure(report, network)
                _, compact_s = timed(static.save_figure, fig, png, compact=True)
                samples.setdefault("  write compact PNG", []).append(compact_s)
            for label, country in (("risk image, world", None), ("risk image, Japan", "JP")):
                started = time.perf_counter()
                static.save_figure(static.risk_figure(network, flags, country=country), png)
                samples.setdefault(f"{label} (+ PNG)", []).append(time.perf_counter() - started)

    print(f"machine: {machine()}")
    print(f"data: {args.data}; policy {POLICY}; k=3")
    print(f"pairs: {len(PAIRS)} x {args.runs} runs (median, min, max in ms)")
    print(f"import cablemap.render.static (matplotlib): {import_s * 1e3:.0f} ms")
    print(f"first route figure (loads the basemap):     {first_s * 1e3:.0f} ms")
    print(f"{'step':<32}{'median':>9}{'min':>9}{'max':>9}")
    for name, values in samples.items():
        print(row(name, values))
    median = statistics.median(samples["route image (figure + PNG)"])
    verdict = "meets" if median < GOAL_S else "MISSES"
    print(f"route image median {median:.2f} s {verdict} the {GOAL_S:.0f} s goal")


if __name__ == "__main__":
    main()
