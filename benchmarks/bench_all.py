"""Benchmark: every headline figure in one table, on the real data and grown 10x and 100x.

In one process, on the real open snapshot (1x): loading the dataset from the snapshot
cache, building the network (topology + graph), loading a persisted network (if
``cablemap.network.persist.load_or_build_network`` exists), one route, route + k=10 +
resilience, the country matrix (if ``cablemap.analysis.matrix.compute_matrix`` exists), a
route map and the world risk map (built and turned into a page), and the command line
end to end (``python -m cablemap --data PATH route US JP --format json`` as a
subprocess, cache warmed by one run first). Then the core figures (build network, one
route, route + k=10 + resilience) on synthetic data grown 10x and 100x by
``synthetic.py`` (jittered copies of every cable joined at shared stations), with each
figure's growth against 1x.

Peers, timed in the same run on the same questions: networkx (Dijkstra on the same
directed graph, ``networkx_baseline`` of ``bench_network.py``, at every scale) and
searoute (``searoute.searoute(origin, destination)`` between the end stations of our best
route for each pair; its own fixed sea network, so 1x only). Neither is a dependency of
the package; install them into the environment to include them, else they are skipped::

    pip install networkx searoute

Each figure is the median over the country pairs and repetitions (min, max and the
number of samples beside it). On a 2-core machine the 100x build takes about 40 s per
run and its first full query another 20 s, so factors of 100 and more use fewer
repetitions (``--large-runs``); the whole run takes about two minutes and 1.5 GiB.

Run: ``python benchmarks/bench_all.py [--runs 5] [--scaled-runs 3] [--large-runs 1]
[--factors 10 100] [--cli-runs 5]``
"""

from __future__ import annotations

import argparse
import gc
import importlib
import inspect
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_load import DEFAULT_DATA, REPO, machine
from bench_network import PAIRS, networkx_baseline

from cablemap.analysis.query import trace_routes
from cablemap.policy.flags import policy_flags

MAP_PAIRS = PAIRS[:6]
POLICY = "clean-network-2020"
CORE = ("build network (topology + graph)", "one route", "route + k=10 + resilience")
NX_ROUTE = "one route, networkx (peer)"
CLI_ARGS = ("route", "US", "JP", "--format", "json")


@dataclass
class Row:
    """One line of the table: a figure at one scale, as samples in seconds or a note."""

    name: str
    scale: int
    samples: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1e3


def timed(func: Callable[[], Any], runs: int) -> list[float]:
    """Seconds of ``runs`` calls."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return samples


def over_pairs(func: Callable[[str, str], Any], pairs: list[tuple[str, str]], runs: int):
    """Seconds of ``func(a, b)`` for every pair, ``runs`` times over."""
    samples = []
    for _ in range(runs):
        for a, b in pairs:
            started = time.perf_counter()
            func(a, b)
            samples.append(time.perf_counter() - started)
    return samples


def optional(module: str, name: str) -> Callable[..., Any] | None:
    """``module.name`` if another change has added it by now, else ``None``."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def call_adapting(func: Callable[..., Any], candidates: list[tuple[tuple, dict]]):
    """Call ``func`` with the first candidate arguments its signature accepts."""
    signature = inspect.signature(func)
    for args, kwargs in candidates:
        try:
            signature.bind(*args, **kwargs)
        except TypeError:
            continue
        return args, kwargs
    raise TypeError(f"no known way to call {func.__qualname__}{signature}")


# --- the real data (1x) -------------------------------------------------------------------


def load_figures(data: Path, settings: Any, runs: int) -> tuple[Row, Any]:
    """Load the dataset from the snapshot cache (the snapshot is imported first)."""
    from cablemap.dataset.load import load_dataset
    from cablemap.fetch import import_snapshot

    import_snapshot(data, settings=settings)
    dataset = load_dataset(settings=settings)  # warm the OS file cache and lazy imports
    row = Row("load dataset from cache", 1, timed(lambda: load_dataset(settings=settings), runs))
    return row, dataset


def build_figures(dataset: Any, scale: int, runs: int) -> tuple[Row, Any]:
    """Build the whole network (topology + graph) ``runs`` times; the last one is kept."""
    from cablemap.network.graph import build_network
    from cablemap.network.topology import build_topology

    built: list[Any] = []

    def build() -> None:
        built[:] = [build_network(dataset, topology=build_topology(dataset))]

    return Row(CORE[0], scale, timed(build, runs)), built[0]


def persisted_figures(dataset: Any, settings: Any, runs: int) -> Row:
    """Load a persisted network (first call builds and saves it, not counted)."""
    name = "load persisted network"
    func = optional("cablemap.network.persist", "load_or_build_network")
    if func is None:
        return Row(name, 1, note="n/a (not implemented)")
    try:
        args, kwargs = call_adapting(
            func,
            [((), {"settings": settings}), ((dataset,), {"settings": settings}), ((), {})],
        )
        func(*args, **kwargs)
        return Row(name, 1, timed(lambda: func(*args, **kwargs), runs))
    except Exception as error:  # a peer's work in progress must not stop the run
        return Row(name, 1, note=f"n/a ({type(error).__name__}: {error})"[:60])


def route_figures(network: Any, scale: int, runs: int) -> list[Row]:
    """The first full query (builds the network's caches), one route, route + k=10 + resilience.

    The first query with alternatives and resilience builds the reverse graph and the
    flow network, once per network; it is timed on its own.
    """
    first = timed(lambda: trace_routes(network, "US", "JP", k=10, resilience=True), 1)
    return [
        Row("first k=10 + resilience (caches)", scale, first),
        Row(CORE[1], scale, over_pairs(network.route, PAIRS, runs)),
        Row(
            CORE[2],
            scale,
            over_pairs(
                lambda a, b: trace_routes(network, a, b, k=10, resilience=True), PAIRS, runs
            ),
        ),
    ]


def matrix_figures(network: Any, runs: int) -> Row:
    """The country matrix (its default: every country), if ``compute_matrix`` exists."""
    name = "country matrix (all countries)"
    func = optional("cablemap.analysis.matrix", "compute_matrix")
    if func is None:
        return Row(name, 1, note="n/a (not implemented)")
    try:
        args, kwargs = call_adapting(func, [((network,), {}), ((), {"network": network})])
        matrix = func(*args, **kwargs)  # warm: imports and the network's caches
        row = Row(name, 1, timed(lambda: func(*args, **kwargs), runs))
        row.note = f"matrix: {len(matrix)} rows (ordered country pairs)"
        return row
    except Exception as error:  # a peer's work in progress must not stop the run
        return Row(name, 1, note=f"n/a ({type(error).__name__}: {error})"[:60])


def map_figures(network: Any, runs: int) -> list[Row]:
    """A route map and the world risk map, built and turned into a self-contained page."""
    from cablemap.policy.rules import load_policy
    from cablemap.render import interactive

    warnings.simplefilter("ignore")  # xyzservices' notes about tile providers
    flags = policy_flags(network, load_policy(POLICY))
    reports = [trace_routes(network, a, b, k=3, policy=POLICY) for a, b in MAP_PAIRS]
    page = interactive.to_html  # the first page also reads Leaflet and the basemap
    page(interactive.route_map(reports[0], network), self_contained=True)
    route_s = []
    for _ in range(runs):
        for report in reports:
            started = time.perf_counter()
            page(interactive.route_map(report, network), self_contained=True)
            route_s.append(time.perf_counter() - started)
    world_s = timed(lambda: page(interactive.risk_map(network, flags), self_contained=True), runs)
    return [
        Row("route map (route_map + to_html)", 1, route_s),
        Row("world map (risk_map + to_html)", 1, world_s),
    ]


def cli_figures(data: Path, cache: str, runs: int) -> Row:
    """``python -m cablemap --data PATH route US JP --format json``, cache warmed first."""
    env = {**os.environ, "CABLEMAP_CACHE_DIR": cache}
    env.pop("CABLEMAP_DATA", None)
    command = [sys.executable, "-m", "cablemap", "--data", str(data), *CLI_ARGS]

    def run() -> None:
        subprocess.run(command, env=env, cwd=REPO, check=True, capture_output=True)

    run()
    return Row("CLI route US JP --format json", 1, timed(run, runs))


# --- peers --------------------------------------------------------------------------------


def networkx_figures(network: Any, scale: int, runs: int) -> Row:
    """networkx on the same graph and pairs (skipped if networkx is not installed)."""
    samples = networkx_baseline(network, PAIRS, runs)
    if samples is None:
        return Row(NX_ROUTE, scale, note="skipped (pip install networkx)")
    return Row(NX_ROUTE, scale, samples)


def searoute_figures(network: Any, runs: int) -> list[Row]:
    """searoute between the end stations of our best route for each pair."""
    try:
        import searoute
    except ImportError:
        return [Row("one route, searoute (peer)", 1, note="skipped (pip install searoute)")]
    ends = []
    for a, b in PAIRS:
        hops = trace_routes(network, a, b).routes[0].hops
        start, end = network.stations[hops[0].from_station], network.stations[hops[-1].to_station]
        ends.append(((start.lon, start.lat), (end.lon, end.lat)))
    first = timed(lambda: searoute.searoute(*ends[0]), 1)
    return [
        Row("first searoute call (loads its net)", 1, first),
        Row("one route, searoute (peer)", 1, over_pairs(searoute.searoute, ends, runs)),
    ]


# --- synthetic scales ---------------------------------------------------------------------


def scaled_figures(data: Path, factor: int, runs: int, sizes: list[str]) -> list[Row]:
    """Core figures and the networkx peer on the real data grown ``factor`` times."""
    from synthetic import build_dataset, scale_raw

    from cablemap.dataset.load import load_raw

    raw, _ = load_raw(data)
    started = time.perf_counter()
    grown = scale_raw(raw, factor)
    dataset = build_dataset(grown, snapshot_id=f"synthetic:{factor}x")
    made_s = time.perf_counter() - started
    build, network = build_figures(dataset, factor, runs)
    rows = [build, *route_figures(network, factor, runs), networkx_figures(network, factor, runs)]
    sizes.append(size_line(f"{factor}x", network) + f"; generated + tables in {made_s:.1f} s")
    return rows


def size_line(label: str, network: Any) -> str:
    """Cables, stations, segments and graph size of one network."""
    return (
        f"{label}: {len(network.cables)} cables, {len(network.stations)} stations, "
        f"{len(network.topology.segments)} segments, graph {network.graph.num_nodes()} nodes "
        f"/ {network.graph.num_edges()} directed edges"
    )


def peak_gib() -> float:
    """The process's peak resident memory so far, in GiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


# --- the table ----------------------------------------------------------------------------


def print_table(rows: list[Row], header: list[str]) -> None:
    """One table: figure, scale, median, min, max (ms), samples, growth against 1x."""
    base = {row.name: row.median_ms for row in rows if row.scale == 1 and row.samples}
    for line in [*header, *(row.note for row in rows if row.samples and row.note)]:
        print(line)
    print(f"{'figure':<38}{'scale':>6}{'median':>11}{'min':>11}{'max':>11}{'n':>5}{'vs 1x':>9}")
    for row in rows:
        lead = f"{row.name:<38}{f'{row.scale}x':>6}"
        if not row.samples:
            print(f"{lead}  {row.note}")
            continue
        low, high = min(row.samples) * 1e3, max(row.samples) * 1e3
        ratio = ""
        if row.scale != 1 and row.name in base:
            ratio = f"{row.median_ms / base[row.name]:.1f}x"
        line = f"{lead}{row.median_ms:>11.2f}{low:>11.2f}{high:>11.2f}{len(row.samples):>5}"
        print(f"{line}{ratio:>9}".rstrip())
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5, help="repetitions at 1x")
    parser.add_argument("--scaled-runs", type=int, default=3, help="repetitions at 10x")
    parser.add_argument("--large-runs", type=int, default=1, help="repetitions at >= 100x")
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--factors", type=int, nargs="*", default=[10, 100])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        os.environ["CABLEMAP_CACHE_DIR"] = cache
        os.environ.pop("CABLEMAP_DATA", None)
        import geopandas  # noqa: F401  (import cost is not part of loading)

        from cablemap.config import settings_from_env

        settings = settings_from_env()
        load, dataset = load_figures(args.data, settings, args.runs)
        build, network = build_figures(dataset, 1, args.runs)
        rows = [load, build, persisted_figures(dataset, settings, args.runs)]
        rows += route_figures(network, 1, args.runs)
        rows += [matrix_figures(network, args.runs), *map_figures(network, args.runs)]
        rows.append(cli_figures(args.data, cache, args.cli_runs))
    rows += [networkx_figures(network, 1, args.runs), *searoute_figures(network, args.runs)]
    sizes = [size_line("1x", network)]
    del network, dataset
    for factor in args.factors:
        gc.collect()
        runs = args.scaled_runs if factor < 100 else args.large_runs
        rows += scaled_figures(args.data, factor, runs, sizes)
    print_table(
        rows,
        [
            f"machine: {machine()}",
            f"data: {args.data}; pairs: {len(PAIRS)} (maps: {len(MAP_PAIRS)}, k=3, {POLICY})",
            *sizes,
            f"peak memory (max RSS) of the run: {peak_gib():.1f} GiB",
            "times in ms; n = samples (pairs x runs); vs 1x = median against the 1x median",
        ],
    )


if __name__ == "__main__":
    main()
