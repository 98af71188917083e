"""Benchmark: interactive (folium) route and risk maps on the real open snapshot.

Loads the snapshot in place and builds the network once (not timed), applies
clean-network-2020 once (not timed), then times, over a fixed sample of country pairs
(k=3 routes): building the route map and writing it as a page file, self-contained and
linked; then the world and one-country risk maps. The first write, which also reads
Leaflet and the land basemap, is timed apart. Each figure is the median over pairs and
repetitions; sizes are those of the written files.

Goals: a route map written in under 0.3 s; the world risk map in under 2 s and 3 MB.

Run: ``python benchmarks/bench_maps.py [--runs 5]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
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
ROUTE_GOAL_S = 0.3
WORLD_GOAL_S = 2.0
WORLD_GOAL_BYTES = 3_000_000


def row(name: str, samples: list[float], sizes: list[int]) -> str:
    """One table row: median, min, max in ms, and the median file size."""
    ms = [s * 1e3 for s in samples]
    size = statistics.median(sizes) / 1e6
    return f"{name:<34} {statistics.median(ms):9.1f} {min(ms):9.1f} {max(ms):9.1f} {size:9.2f}"


def write_timed(make, path: Path, self_contained: bool) -> tuple[float, int]:
    """Build a map with ``make()`` and write its page: seconds, bytes."""
    from cablemap.files import write_atomically
    from cablemap.render import interactive

    started = time.perf_counter()
    page = interactive.to_html(make(), self_contained=self_contained)
    write_atomically(path, page)
    return time.perf_counter() - started, path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # xyzservices' notes about tile providers

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.policy.rules import load_policy
    from cablemap.render import interactive

    network = build_network(load_dataset(args.data))
    flags = policy_flags(network, load_policy(POLICY))
    reports = [trace_routes(network, a, b, k=3, policy=POLICY) for a, b in PAIRS]
    results: dict[str, tuple[list[float], list[int]]] = {}

    def record(name: str, make, self_contained: bool, out: Path) -> None:
        seconds, size = write_timed(make, out, self_contained)
        samples, sizes = results.setdefault(name, ([], []))
        samples.append(seconds)
        sizes.append(size)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "map.html"
        first = reports[0]
        record(
            "first route map (reads assets)",
            lambda: interactive.route_map(first, network),
            True,
            out,
        )
        for _ in range(args.runs):
            for report in reports:
                for self_contained in (True, False):
                    name = f"route map, {'self-contained' if self_contained else 'linked'}"
                    record(
                        name,
                        lambda r=report: interactive.route_map(r, network),
                        self_contained,
                        out,
                    )
            record(
                "world risk map, self-contained",
                lambda: interactive.risk_map(network, flags),
                True,
                out,
            )
            record(
                "world risk map, linked", lambda: interactive.risk_map(network, flags), False, out
            )
            record(
                "US risk map, self-contained",
                lambda: interactive.risk_map(network, flags, country="US"),
                True,
                out,
            )

    print(f"machine: {machine()}")
    print(f"data: {args.data} (snapshot {network.snapshot_id}); {len(PAIRS)} pairs, k=3, {POLICY}")
    print(f"{'':<34} {'median ms':>9} {'min ms':>9} {'max ms':>9} {'MB':>9}")
    for name, (samples, sizes) in results.items():
        print(row(name, samples, sizes))
    route = statistics.median(results["route map, self-contained"][0])
    world, world_sizes = results["world risk map, self-contained"]
    ok = (
        route < ROUTE_GOAL_S
        and statistics.median(world) < WORLD_GOAL_S
        and max(world_sizes) < WORLD_GOAL_BYTES
    )
    print(
        f"goals: route map < {ROUTE_GOAL_S} s, world risk map < {WORLD_GOAL_S} s and "
        f"< {WORLD_GOAL_BYTES / 1e6:.0f} MB: {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
