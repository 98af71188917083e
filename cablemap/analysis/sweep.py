"""Failure sweeps: every scenario's effect on every country pair, and a ranking by impact.

:func:`plan_sweep` turns the question (which scenarios, which countries, filters,
cuts that apply to every scenario, a policy) into a :class:`SweepPlan`;
:func:`run_sweep` runs its batches on an executor (:mod:`cablemap.analysis.sweep_executors`)
and stores the results as they come (:mod:`cablemap.analysis.sweep_store`), skipping the
batches an interrupted run already stored; :func:`rank_scenarios` orders the scenarios by
impact. The per-scenario work is :mod:`cablemap.analysis.sweep_engine`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap.analysis.sweep_engine import SweepSetup
from cablemap.analysis.sweep_scenarios import Scenario
from cablemap.errors import INTERRUPTED_EXIT_CODE, CablemapError, UserError

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.network.graph import Network
    from cablemap.policy.rules import Policy

SINGLE_KINDS = ("cables", "segments", "stations")
FORMAT = "cablemap-sweep 1"
DEFAULT_BATCH = 25
RANK_BY = (
    "countries_cut_off",
    "pairs_disconnected",
    "pairs_degraded",
    "clean_routes_lost",
    "max_latency_increase_ms",
)
"""The order of impact: countries cut off first, then pairs disconnected, degraded, clean
routes lost, and the largest latency increase."""


class SweepInterruptedError(CablemapError):
    """A sweep stopped by Ctrl-C: the finished batches are stored and ``--resume`` continues."""

    exit_code = INTERRUPTED_EXIT_CODE


@dataclass(frozen=True)
class ScenarioSpec:
    """Which scenarios to run (several kinds may be combined)."""

    single: tuple[str, ...] = ()
    """Any of ``cables``, ``segments``, ``stations``: each element fails alone."""
    pairs: bool = False
    """Every pair of cables."""
    regions: bool = False
    """Every named region (``--cut-in`` regions)."""
    owners: bool = False
    """Each registry entity's cables."""
    random: int = 0
    """This many random draws of ``failures`` cables."""
    failures: int = 2
    weight: str | None = None
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (in the sweep's manifest)."""
        return {
            "single": list(self.single),
            "pairs": self.pairs,
            "regions": self.regions,
            "owners": self.owners,
            "random": self.random,
            "failures": self.failures if self.random else None,
            "weight": self.weight if self.random else None,
            "seed": self.seed if self.random else None,
        }


@dataclass(frozen=True)
class SweepPlan:
    """A sweep ready to run: its setup, scenarios and manifest."""

    setup: SweepSetup
    scenarios: list[Scenario] = field(repr=False)
    manifest: dict[str, Any] = field(repr=False)
    batch_size: int = DEFAULT_BATCH

    def batches(self, skip: Iterable[int] = ()) -> list[tuple[int, int, list[Scenario]]]:
        """``(number, first position, scenarios)`` of every batch not in ``skip``."""
        done = set(skip)
        size = self.batch_size
        return [
            (number, start, self.scenarios[start : start + size])
            for number, start in enumerate(range(0, len(self.scenarios), size))
            if number not in done
        ]


def plan_sweep(
    network: Network,
    spec: ScenarioSpec,
    *,
    countries: Iterable[str] | None = None,
    policy: Policy | str | None = None,
    resilience: bool = False,
    degraded_ms: float = 5.0,
    as_of: int | None = None,
    include_planned: bool = False,
    terrestrial: str = "borders",
    include_status: Iterable[str] = (),
    change_cost: float = 300.0,
    cut: Iterable[str] = (),
    cut_near: Iterable[str] = (),
    cut_in: Iterable[str] = (),
    batch_size: int = DEFAULT_BATCH,
) -> SweepPlan:
    """Resolve a sweep's question into scenarios and the setup every worker shares.

    Parameters
    ----------
    network
        A built network.
    spec
        Which scenarios.
    countries
        Countries (names, codes, groups); default every country with a landing station.
    policy
        Adds the best clean route and ``clean_lost`` per pair.
    resilience
        Add cable-disjoint routes per pair (scenarios that fail whole cables only).
    degraded_ms
        A pair is degraded when its one-way latency rises by at least this.
    as_of, include_planned, terrestrial, include_status, change_cost, cut, cut_near, cut_in
        As for ``cablemap route`` and ``cablemap matrix``: the cuts apply to every
        scenario and to the baseline.
    batch_size
        Scenarios per batch (a batch is the unit of work, of storage and of resuming).

    Raises
    ------
    UserError
        No scenario asked for, none found, or a bad option.
    """
    from cablemap.analysis.cuts import resolve_cuts
    from cablemap.analysis.matrix import _country_codes, _load_policy
    from cablemap.analysis.query import _check_options, _check_statuses

    _check_options(1, terrestrial, change_cost)
    if batch_size < 1 or degraded_ms < 0:
        raise UserError("--batch-size must be at least 1 and --degraded-ms at least 0")
    kinds = _check_statuses(include_status)
    codes = tuple(_country_codes(network, countries))
    cuts = resolve_cuts(network, cut=tuple(cut), near=tuple(cut_near), regions=tuple(cut_in))
    excluded = (
        network.cables_out_of_service(
            as_of=as_of, include_planned=include_planned, include_status=kinds
        )
        | cuts.cables
    )
    rules = _load_policy(policy)
    clean = None
    if rules is not None:
        from cablemap.policy.exclusions import flagged_edges
        from cablemap.policy.flags import policy_flags

        clean = flagged_edges(network, policy_flags(network, rules))
    setup = SweepSetup(
        codes, excluded, cuts.edges, clean, terrestrial, change_cost, resilience, degraded_ms
    )
    scenarios = build_scenarios(network, spec, excluded)
    if not scenarios:
        raise UserError("no scenario to run under these filters; see `cablemap sweep --help`")
    manifest = {
        "format": FORMAT,
        "scenarios": spec.as_dict(),
        "scenario_count": len(scenarios),
        "batch_size": batch_size,
        "countries": list(codes),
        "snapshot": network.snapshot_id,
        "data": network.provenance.as_dict(),
        "policy": rules.id if rules is not None else None,
        "policy_date": rules.as_of.isoformat() if rules is not None else None,
        "filters": {
            "as_of": as_of,
            "include_planned": include_planned,
            "terrestrial": terrestrial,
            "include_status": list(kinds),
            "change_cost": change_cost,
            "cuts": cuts.as_list(),
        },
        "resilience": resilience,
        "degraded_ms": degraded_ms,
    }
    return SweepPlan(setup, scenarios, manifest, batch_size)


def build_scenarios(
    network: Network, spec: ScenarioSpec, excluded: frozenset[str]
) -> list[Scenario]:
    """Every scenario the spec asks for, kind by kind, in a fixed order."""
    from cablemap.analysis import sweep_scenarios as s

    single: dict[str, Callable[[Network, frozenset[str]], list[Scenario]]] = {
        "cables": s.single_cables,
        "segments": s.single_segments,
        "stations": s.single_stations,
    }
    found: list[Scenario] = []
    for kind in spec.single:
        if kind not in single:
            raise UserError(f"--single {kind!r}: give one of {', '.join(SINGLE_KINDS)}")
        found += single[kind](network, excluded)
    if spec.pairs:
        found += s.cable_pairs(network, excluded)
    if spec.regions:
        found += s.region_scenarios(network)
    if spec.owners:
        found += s.owner_scenarios(network, excluded)
    if spec.random:
        found += s.random_scenarios(
            network,
            excluded,
            count=spec.random,
            failures=spec.failures,
            seed=spec.seed,
            weight=spec.weight,
        )
    return found


@dataclass(frozen=True)
class SweepRun:
    """What a run did: batches run now, batches found done, scenarios in all."""

    path: Path
    batches_run: int
    batches_skipped: int
    scenarios: int


def run_sweep(
    network: Network,
    plan: SweepPlan,
    output: str | Path,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SweepRun:
    """Run a planned sweep and store its results in the directory ``output``.

    Parameters
    ----------
    network, plan
        The network and :func:`plan_sweep`'s plan.
    output
        The Parquet dataset directory (:mod:`cablemap.analysis.sweep_store`).
    jobs
        Local processes (1: in this process). Ignored with Dask.
    scheduler, workers, client
        Run on Dask distributed instead: a scheduler's address, a new ``LocalCluster`` of
        this many workers, or a ``distributed.Client``.
    resume
        Continue the sweep stored in ``output``, skipping its finished batches.
    progress
        Called with the number of scenarios of each batch stored.

    Returns
    -------
    SweepRun
        How many batches ran now and how many were found done.
    """
    from cablemap.analysis import sweep_executors as ex
    from cablemap.analysis.sweep_engine import compute_baseline
    from cablemap.analysis.sweep_store import SweepStore

    store = SweepStore(output)
    done = store.open(plan.manifest, resume=resume)
    batches = plan.batches(skip=done)
    baseline = compute_baseline(network, plan.setup)
    store.write_baseline(baseline.as_frame(plan.setup.codes))
    if progress is not None and done:
        progress(sum(len(b) for n, _, b in plan.batches() if n in done))
    if scheduler is not None or workers is not None or client is not None:
        payload = ex.make_payload(network, plan.setup)
        results = ex.run_dask(payload, batches, scheduler=scheduler, workers=workers, client=client)
    elif jobs > 1 and len(batches) > 1:
        results = ex.run_processes(ex.make_payload(network, plan.setup), batches, jobs)
    else:
        results = ex.run_here(network, plan.setup, baseline, batches)
    size = {number: len(scenarios) for number, _, scenarios in batches}
    for number, rows, summaries in results:
        store.write_batch(number, rows, summaries)
        if progress is not None:
            progress(size[number])
    return SweepRun(store.path, len(batches), len(done), len(plan.scenarios))


def rank_scenarios(summaries: pd.DataFrame) -> pd.DataFrame:
    """Scenarios from most to least impact (:data:`RANK_BY`), numbered from 1 in ``rank``.

    Ties keep the sweep's scenario order.
    """
    if summaries.empty:
        return summaries.assign(rank=[])
    ordered = summaries.sort_values(
        [*RANK_BY, "order"], ascending=[False] * len(RANK_BY) + [True], kind="stable"
    ).reset_index(drop=True)
    ordered.insert(0, "rank", range(1, len(ordered) + 1))
    return ordered
