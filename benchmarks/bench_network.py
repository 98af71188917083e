"""Benchmark: build the network, one route, route + k=10 + resilience (issue: routes).

Loads the real open snapshot from ../shared/data (in place, no cache), then times in one
process: the topology, the graph, a single best route, and route + 10 alternatives +
resilience, over a fixed sample of country pairs on different oceans. Each figure is the
median over pairs and repetitions. networkx, if installed, is timed on the same graph
and queries (single best route) as a baseline.

Run: ``python benchmarks/bench_network.py [--runs 5]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench_load import DEFAULT_DATA, machine

from cablemap.analysis.query import trace_routes

PAIRS = [
    ("US", "JP"),
    ("GB", "US"),
    ("FR", "SG"),
    ("BR", "ZA"),
    ("AU", "IN"),
    ("CL", "PE"),
    ("EG", "IT"),
    ("NZ", "US"),
    ("NG", "PT"),
    ("KR", "TW"),
    ("IS", "GB"),
    ("AE", "IN"),
]


def median_ms(samples: list[float]) -> tuple[float, float, float]:
    """Median, min and max of seconds, in ms."""
    return statistics.median(samples) * 1e3, min(samples) * 1e3, max(samples) * 1e3


def time_calls(func, calls: list[tuple], runs: int) -> list[float]:
    """Wall time of every call, ``runs`` times over."""
    samples = []
    for _ in range(runs):
        for args in calls:
            started = time.perf_counter()
            func(*args)
            samples.append(time.perf_counter() - started)
    return samples


def networkx_baseline(network, pairs, runs):
    """The same single-route queries with networkx on the same directed graph."""
    try:
        import networkx as nx
    except ImportError:
        return None
    graph = nx.MultiDiGraph()
    for edge, (u, v) in enumerate(network.graph.edge_list()):
        graph.add_edge(u, v, key=edge, weight=network.edges.km[edge])
    calls = [(network.country_source[a], network.country_sink[b]) for a, b in pairs]
    return time_calls(lambda s, t: nx.dijkstra_path(graph, s, t, weight="weight"), calls, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.network.topology import build_topology

    dataset = load_dataset(args.data)
    topo_s, graph_s = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        topology = build_topology(dataset)
        built = time.perf_counter()
        network = build_network(dataset, topology=topology)
        graph_s.append(time.perf_counter() - built)
        topo_s.append(built - started)
    whole = [t + g for t, g in zip(topo_s, graph_s, strict=True)]
    trace_routes(network, "US", "JP", resilience=True)  # warm: flow network, reverse graph, imports
    one = time_calls(lambda a, b: trace_routes(network, a, b), PAIRS, args.runs)
    full = time_calls(
        lambda a, b: trace_routes(network, a, b, k=10, resilience=True), PAIRS, args.runs
    )
    rows = [
        ("topology from dataset", median_ms(topo_s)),
        ("graph from topology", median_ms(graph_s)),
        ("build network (both)", median_ms(whole)),
        ("one route", median_ms(one)),
        ("route + k=10 + resilience", median_ms(full)),
    ]
    baseline = networkx_baseline(network, PAIRS, args.runs)
    if baseline:
        rows.append(("one route, networkx baseline", median_ms(baseline)))
    print(f"machine: {machine()}")
    print(
        f"data: {args.data}; graph: {network.graph.num_nodes()} nodes, "
        f"{network.graph.num_edges()} directed edges"
    )
    print(f"pairs: {len(PAIRS)} x {args.runs} runs (median, min, max in ms)")
    print(f"{'step':<32}{'median':>9}{'min':>9}{'max':>9}")
    for name, (med, low, high) in rows:
        print(f"{name:<32}{med:>9.2f}{low:>9.2f}{high:>9.2f}")


if __name__ == "__main__":
    main()
