"""Benchmark: failure sweeps (issue 14): scenarios per second, incremental against naive.

On the real open snapshot (1x) and on the synthetic network grown 10x
(``benchmarks/synthetic.py``), every country, no policy:

- all single-cable failures, in this process (1 worker) and on 2 local processes;
- the same scenarios with every pair searched again ("naive", the baseline method: one
  all-country matrix per scenario), on a sample, projected to the whole sweep;
- pairs of cables, a sample of ``--pair-sample`` scenarios, projected to every pair on
  1 and 2 workers (the 2-worker projection uses the measured 2-process speed-up of the
  single-cable sweep);
- optionally Dask (``--dask``): the single-cable sweep on a LocalCluster of 1 and 2
  worker processes.

Each sweep writes its Parquet output to a temporary directory, so the figures include
storing the results. The machine's load average is printed: on a shared machine,
wall times grow with it.

Run: ``python benchmarks/bench_sweep.py [--factors 1 10] [--naive-sample 30]
[--pair-sample 300] [--dask]``
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import resource
import tempfile
import time
from pathlib import Path

from bench_load import DEFAULT_DATA, machine

CPU: list[float] = []
"""CPU seconds (this process and its finished children) of the last timed sweep."""


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_sweep(network, plan, scenarios, **options) -> float:
    """Wall seconds to run and store ``scenarios`` of ``plan`` (baseline included).

    The CPU seconds it took, children included, are left in :data:`CPU`: on a machine
    shared with other work they say more than the wall time.
    """
    from cablemap.analysis.sweep import run_sweep

    part = dataclasses.replace(plan, scenarios=scenarios)
    with tempfile.TemporaryDirectory() as tmp:
        cpu = cpu_seconds()
        started = time.perf_counter()
        run_sweep(network, part, Path(tmp) / "out.parquet", **options)
        CPU[:] = [cpu_seconds() - cpu]
        return time.perf_counter() - started


def naive_rate(network, plan, scenarios) -> float:
    """Scenarios per second when every pair is searched again."""
    from cablemap.analysis.sweep_engine import compute_baseline, run_scenario

    baseline = compute_baseline(network, plan.setup)
    started = time.perf_counter()
    cpu = time.process_time()
    for scenario in scenarios:
        run_scenario(network, plan.setup, baseline, scenario, naive=True)
    CPU[:] = [time.process_time() - cpu]
    return len(scenarios) / (time.perf_counter() - started)


def line(label: str, count: int, seconds: float) -> None:
    cpu = f"  cpu {CPU[0]:.1f} s ({1000 * CPU[0] / count:.0f} ms/scenario)" if CPU else ""
    print(f"{label:<48} {count:>7,} scenarios {seconds:>7.1f} s {count / seconds:>6.1f} /s{cpu}")


def projected(label: str, count: int, rate: float, cpu_ms: float, workers: int = 1) -> None:
    """A whole sweep projected from a sample: at the measured wall rate, and from CPU time.

    The CPU projection (``cpu_ms`` per scenario over ``workers`` busy cores) is what an
    unshared machine would take; the wall one is what this machine took at its load.
    """
    wall = count / rate
    cpu = count * cpu_ms / 1000 / workers
    print(
        f"{label:<48} {count:>7,} scenarios {wall:>7.0f} s wall ({wall / 3600:.2f} h) at this "
        f"load; {cpu:.0f} s ({cpu / 3600:.2f} h) from CPU time, projected"
    )


def cpu_ms(count: int) -> float:
    """CPU milliseconds per scenario of the last timed run."""
    return 1000 * CPU[0] / count


def bench(network, factor: int, args: argparse.Namespace) -> None:
    from cablemap.analysis.sweep import ScenarioSpec, plan_sweep
    from cablemap.analysis.sweep_engine import compute_baseline

    started = time.perf_counter()
    plan = plan_sweep(network, ScenarioSpec(single=("cables",)), batch_size=args.batch)
    compute_baseline(network, plan.setup)
    cables = plan.scenarios
    print(
        f"{factor}x: {len(cables)} cables in service, {len(plan.setup.codes)} countries; "
        f"plan + baseline {time.perf_counter() - started:.1f} s"
    )
    if factor == 1:
        one = timed_sweep(network, plan, cables, jobs=1)
        line("single cables, 1 worker (this process)", len(cables), one)
        one_cpu = cpu_ms(len(cables))
        two = timed_sweep(network, plan, cables, jobs=2)
        line("single cables, 2 local processes", len(cables), two)
        two_cpu = cpu_ms(len(cables))
        speedup = one / two
    else:
        sample = cables[:: max(1, len(cables) // args.scaled_sample)]
        one = timed_sweep(network, plan, sample, jobs=1)
        line("single cables (sample), 1 worker", len(sample), one)
        one_cpu = cpu_ms(len(sample))
        projected("all single cables, 1 worker", len(cables), len(sample) / one, one_cpu)
        two = timed_sweep(network, plan, sample * 2, jobs=2)
        line("single cables (sample x2), 2 local processes", 2 * len(sample), two)
        two_cpu = cpu_ms(2 * len(sample))
        projected("all single cables, 2 workers", len(cables), 2 * len(sample) / two, two_cpu, 2)
        speedup = (2 * len(sample) / two) / (len(sample) / one)
    rate_one = len(cables) / one if factor == 1 else len(sample) / one
    naive = naive_rate(network, plan, cables[:: max(1, len(cables) // args.naive_sample)])
    count = len(cables[:: max(1, len(cables) // args.naive_sample)])
    line("naive (every pair searched again, sample), 1 worker", count, count / naive)
    naive_cpu = cpu_ms(count)
    print(
        f"{'incremental against naive':<48} {rate_one / naive:.1f} x by wall time, "
        f"{naive_cpu / one_cpu:.1f} x by CPU time"
    )
    projected("all single cables, naive, 1 worker", len(cables), naive, naive_cpu)
    if args.dask:
        for workers in (1, 2):
            seconds = timed_sweep(network, plan, cables if factor == 1 else sample, workers=workers)
            line(
                f"single cables, Dask LocalCluster, {workers} worker(s)",
                len(cables) if factor == 1 else len(sample),
                seconds,
            )
    pairs = math.comb(len(cables), 2)
    plan_pairs = dataclasses.replace(plan, scenarios=_pair_sample(network, plan, args.pair_sample))
    seconds = timed_sweep(network, plan_pairs, plan_pairs.scenarios, jobs=1)
    line("pairs of cables (sample), 1 worker", len(plan_pairs.scenarios), seconds)
    rate = len(plan_pairs.scenarios) / seconds
    pair_cpu = cpu_ms(len(plan_pairs.scenarios))
    projected("all pairs of cables, 1 worker", pairs, rate, pair_cpu)
    projected(
        f"all pairs of cables, 2 workers (x{speedup:.2f} wall)",
        pairs,
        rate * speedup,
        pair_cpu * two_cpu / one_cpu,
        2,
    )
    projected("all pairs of cables, naive, 1 worker", pairs, naive, naive_cpu)


def _pair_sample(network, plan, size: int):
    """Every k-th pair of cables, spread over the whole list of pairs."""
    import itertools

    from cablemap.analysis.sweep_scenarios import Scenario, in_service_cables

    cables = in_service_cables(network, plan.setup.excluded)
    step = max(1, math.comb(len(cables), 2) // size)
    pairs = itertools.islice(itertools.combinations(cables, 2), 0, None, step)
    return [Scenario(f"pair:{a}+{b}", "pair", frozenset({a, b})) for a, b in pairs][:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--naive-sample", type=int, default=30)
    parser.add_argument("--pair-sample", type=int, default=300)
    parser.add_argument("--scaled-sample", type=int, default=60)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--dask", action="store_true")
    args = parser.parse_args()

    print(machine())
    print(f"data: {args.data}; load average {os.getloadavg()[0]:.2f}")
    for factor in args.factors:
        started = time.perf_counter()
        network = _network(args.data, factor)
        print(f"{factor}x network built in {time.perf_counter() - started:.1f} s")
        bench(network, factor, args)
        print(f"load average {os.getloadavg()[0]:.2f}")


def _network(data: Path, factor: int):
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    if factor == 1:
        return build_network(load_dataset(data))
    from synthetic import synthetic_dataset

    return build_network(synthetic_dataset(factor, data=data)[1])


if __name__ == "__main__":
    main()
