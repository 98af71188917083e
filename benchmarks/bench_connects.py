"""Benchmark: "what connects A and B" questions (direct cables, costs, clean route, cuts).

Times in one process on the real open snapshot: route + k=10 + resilience with a policy
(direct cables and the clean route included), route with a region cut, and the
all-country matrix with and without a region cut. Medians over pairs and runs.

Run: ``python benchmarks/bench_connects.py [--runs 5]``
"""

from __future__ import annotations

import argparse

from bench_all import timed
from bench_load import DEFAULT_DATA, machine
from bench_network import PAIRS, median_ms, time_calls

from cablemap.analysis.matrix import compute_matrix
from cablemap.analysis.query import trace_routes

POLICY = "clean-network-2020"
REGION = "red-sea"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    args = parser.parse_args()

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    network = build_network(load_dataset(args.data))
    trace_routes(network, "US", "JP", resilience=True, policy=POLICY, cut_in=[REGION])  # warm
    compute_matrix(network)
    rows = [
        (
            "route + k=10 + resilience",
            time_calls(
                lambda a, b: trace_routes(network, a, b, k=10, resilience=True), PAIRS, args.runs
            ),
        ),
        (
            "same, with a policy (clean route)",
            time_calls(
                lambda a, b: trace_routes(network, a, b, k=10, resilience=True, policy=POLICY),
                PAIRS,
                args.runs,
            ),
        ),
        (
            f"route with --cut-in {REGION}",
            time_calls(lambda a, b: trace_routes(network, a, b, cut_in=[REGION]), PAIRS, args.runs),
        ),
        ("matrix, all countries", timed(lambda: compute_matrix(network), args.runs)),
        (
            f"matrix, all countries, --cut-in {REGION}",
            timed(lambda: compute_matrix(network, cut_in=[REGION]), args.runs),
        ),
        (
            "matrix with policy and region cut",
            timed(lambda: compute_matrix(network, policy=POLICY, cut_in=[REGION]), args.runs),
        ),
    ]
    print(f"machine: {machine()}")
    print(f"data: {args.data}; {len(PAIRS)} pairs x {args.runs} runs (median, min, max in ms)")
    print(f"{'step':<44}{'median':>9}{'min':>9}{'max':>9}")
    for name, samples in rows:
        med, low, high = median_ms(samples)
        print(f"{name:<44}{med:>9.2f}{low:>9.2f}{high:>9.2f}")


if __name__ == "__main__":
    main()
