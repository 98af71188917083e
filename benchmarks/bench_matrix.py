"""Benchmark: the country matrix over every country (issue: country exposure matrix).

Loads the real open snapshot from ../shared/data (in place, no cache), builds the
network, then times in one process: the matrix without a policy, with a policy, with
resilience, with both, and the heatmap (built and saved as PNG). The one-off costs a
first call pays (the policy's flags, the flow network) are timed separately, and the
matrix figures are medians over ``--runs`` runs once those are cached, as they are in
a long-running process; a command-line run pays both.

Speed goals (2 cores): under 5 s without a policy, 10 s with one, 60 s with resilience.

Run: ``python benchmarks/bench_matrix.py [--runs 5] [--policy clean-network-2020]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_load import DEFAULT_DATA, machine

from cablemap.policy.flags import policy_flags


def seconds(func, runs: int) -> tuple[float, float, float]:
    """Median, min and max wall time of ``runs`` calls, in seconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), min(samples), max(samples)


def once(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--policy", default="clean-network-2020")
    args = parser.parse_args()

    from cablemap.analysis.matrix import compute_matrix
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.policy.rules import load_policy
    from cablemap.render.heatmap import matrix_heatmap
    from cablemap.render.static import save_figure

    network = build_network(load_dataset(args.data))
    policy = load_policy(args.policy)
    first = [
        ("first call: policy flags", once(lambda: policy_flags(network, policy))),
        ("first call: flow network", once(lambda: network.flow_network)),
    ]
    frame = compute_matrix(network, policy=policy, resilience=True)
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "heatmap.png"
        rows = [
            ("matrix, no policy", seconds(lambda: compute_matrix(network), args.runs)),
            (
                "matrix, policy",
                seconds(lambda: compute_matrix(network, policy=policy), args.runs),
            ),
            (
                "matrix, resilience",
                seconds(lambda: compute_matrix(network, resilience=True), args.runs),
            ),
            (
                "matrix, policy + resilience",
                seconds(lambda: compute_matrix(network, policy=policy, resilience=True), args.runs),
            ),
            (
                "heatmap (2 panels) to PNG",
                seconds(lambda: save_figure(matrix_heatmap(frame), image), args.runs),
            ),
        ]
    count = len(network.places.stations_by_country)
    print(f"machine: {machine()}")
    print(
        f"data: {args.data}; {count} countries, {len(frame):,} ordered pairs; "
        f"graph: {network.graph.num_nodes()} nodes, {network.graph.num_edges()} edges"
    )
    print(f"policy: {policy.id}; {args.runs} runs (median, min, max in s)")
    print(f"{'step':<32}{'median':>9}{'min':>9}{'max':>9}")
    for name, value in first:
        print(f"{name:<32}{value:>9.2f}")
    for name, (med, low, high) in rows:
        print(f"{name:<32}{med:>9.2f}{low:>9.2f}{high:>9.2f}")


if __name__ == "__main__":
    main()
