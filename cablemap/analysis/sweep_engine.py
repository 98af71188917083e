"""Answer one batch of failure scenarios against the baseline: the sweep's inner loop.

For every scenario and every ordered pair of countries whose answer changes: whether
the pair is still connected, the best route's km and one-way latency and their
increase, with a policy the best clean route and whether it was lost, and with
resilience the number of cable-disjoint routes. The numbers are those of
:func:`cablemap.analysis.matrix.compute_matrix` (and so of ``cablemap route``) with the
scenario's elements cut.

Only pairs whose baseline route uses an edge the scenario removes are searched again
(:mod:`cablemap.analysis.sweep_trees`); the rest keep the baseline's answer, which
is exact because a failure only makes edges dearer. Where a failure makes an edge
cheaper (the last usable cable of a country lost turns its stations into land
waypoints, see ``Network.blocked_terrestrial``) every pair is searched again.

Everything here is a pure function of the network, the :class:`SweepSetup` and the
scenarios, so a batch gives the same rows on any worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap.analysis.sweep_search import SearchGraph
from cablemap.analysis.sweep_trees import TreeIndex, build_tree_index
from cablemap.analysis.sweep_weights import fast_weights, scenario_weights, with_clean
from cablemap.network.graph import FIBRE_KM_PER_MS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cablemap.analysis.sweep_scenarios import Scenario
    from cablemap.network.graph import Network

SAME_KM = 1e-6
"""Two costs or km closer than this are the same answer."""

ROW_COLUMNS = (
    "scenario",
    "from_iso2",
    "to_iso2",
    "connected",
    "km",
    "latency_ms",
    "km_increase",
    "latency_increase_ms",
    "clean_km",
    "clean_lost",
    "disjoint_routes",
)
"""Columns of the per-pair rows, in order."""


@dataclass(frozen=True)
class SweepSetup:
    """What every scenario of one sweep shares: the countries, filters and policy."""

    codes: tuple[str, ...]
    """ISO codes of the countries, in the matrix's order."""
    excluded: frozenset[str]
    """Cables out under the filters (and cut whole by ``--cut``) in every scenario."""
    blocked: frozenset[int]
    """Edges removed in every scenario (segment, point and region ``--cut``)."""
    clean_blocked: frozenset[int] | None
    """Edges a clean route may not use (the policy's flags), or ``None`` without a policy."""
    terrestrial: str = "borders"
    change_cost: float = 300.0
    resilience: bool = False
    degraded_ms: float = 5.0
    """A pair is degraded when its one-way latency rises by at least this much."""


@dataclass(frozen=True)
class _Trees:
    """One kind of route (best, or best clean) in the baseline: weights, answers, index."""

    weights: np.ndarray
    cost: np.ndarray
    km: np.ndarray
    index: TreeIndex


@dataclass(frozen=True)
class Baseline:
    """The answers with nothing failed, and the trees to find what a failure changes."""

    best: _Trees
    clean: _Trees | None
    disjoint: np.ndarray | None
    search: SearchGraph

    def as_frame(self, codes: Sequence[str]) -> pd.DataFrame:
        """One row per ordered pair of distinct countries (the sweep's reference)."""
        n = len(codes)
        rows, cols = np.nonzero(~np.eye(n, dtype=bool))
        km = self.best.km[rows, cols]
        labels = np.asarray(codes, dtype=object)
        frame = pd.DataFrame(
            {
                "from_iso2": labels[rows],
                "to_iso2": labels[cols],
                "connected": np.isfinite(km),
                "km": np.where(np.isfinite(km), km, np.nan),
            }
        )
        frame["latency_ms"] = frame["km"] / FIBRE_KM_PER_MS
        clean = self.clean.km[rows, cols] if self.clean is not None else np.full(len(rows), np.inf)
        frame["clean_km"] = np.where(np.isfinite(clean), clean, np.nan)
        frame["disjoint_routes"] = _optional_ints(
            None if self.disjoint is None else self.disjoint[rows, cols], len(rows)
        )
        return frame


def compute_baseline(network: Network, setup: SweepSetup) -> Baseline:
    """The baseline: best (and clean) routes of every pair, and their indexed trees."""
    search = SearchGraph(network)
    weights = scenario_weights(network, setup, frozenset(), frozenset())
    sources, sinks = _terminals(network, setup.codes)

    def trees(w: np.ndarray) -> _Trees:
        cost, km, predecessors = search.trees(w, sources, sinks)
        index = build_tree_index(predecessors, sinks, search.tails, search.heads)
        return _Trees(w, cost, km, index)

    clean = trees(with_clean(weights, setup)) if setup.clean_blocked is not None else None
    disjoint = _disjoint(network, setup, frozenset()) if setup.resilience else None
    return Baseline(trees(weights), clean, disjoint, search)


def _terminals(network: Network, codes: Sequence[str]) -> tuple[list[int], list[int]]:
    return (
        [network.country_source[c] for c in codes],
        [network.country_sink[c] for c in codes],
    )


def _disjoint(network: Network, setup: SweepSetup, cables: frozenset[str]) -> np.ndarray:
    from cablemap.analysis.matrix import disjoint_route_counts

    excluded = setup.excluded | cables
    return disjoint_route_counts(
        network, setup.codes, excluded, borders=setup.terrestrial == "borders"
    )


def _after(
    network: Network,
    setup: SweepSetup,
    search: SearchGraph,
    trees: _Trees,
    weights: np.ndarray,
    naive: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cost and km of every pair with these weights; and the pair indices searched again."""
    n = len(setup.codes)
    if naive or bool((weights < trees.weights).any()):
        pairs = np.arange(n * n, dtype=np.int64)
    else:
        pairs = trees.index.affected_pairs(np.flatnonzero(weights > trees.weights))
    cost, km = trees.cost.copy(), trees.km.copy()
    if len(pairs) == 0:
        return cost, km, pairs
    o, d = pairs // n, pairs % n
    origins = np.unique(o)
    sources, sinks = _terminals(network, setup.codes)
    costs, predecessors, entry_km = search.search(weights, [sources[i] for i in origins])
    row = np.searchsorted(origins, o)
    targets = np.asarray(sinks, dtype=np.int64)[d]
    cost[o, d] = costs[row, targets]
    km[o, d] = search.km_along(predecessors, entry_km, row, targets)
    return cost, km, pairs


def run_scenario(
    network: Network,
    setup: SweepSetup,
    baseline: Baseline,
    scenario: Scenario,
    *,
    naive: bool = False,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The changed pairs of one scenario and its summary.

    Parameters
    ----------
    network, setup, baseline
        The sweep's network, setup and :func:`compute_baseline`.
    scenario
        What fails.
    naive
        Search every pair again instead of only those the failure touches (for
        benchmarks and tests: the answers are the same).

    Returns
    -------
    tuple
        The rows (:data:`ROW_COLUMNS`) of every pair whose answer differs from the
        baseline, and the scenario's summary (see :func:`summarise`).
    """
    weights = fast_weights(network, setup, baseline.best.weights, scenario)
    search = baseline.search
    cost, km, searched = _after(network, setup, search, baseline.best, weights, naive)
    clean_km = None
    if baseline.clean is not None:
        clean_weights = with_clean(weights, setup)
        _, clean_km, _ = _after(network, setup, search, baseline.clean, clean_weights, naive)
    disjoint = None
    if baseline.disjoint is not None and scenario.cables and not scenario.edges:
        disjoint = _disjoint(network, setup, scenario.cables)
    changed = _changed(baseline, cost, km, clean_km, disjoint)
    rows = _rows(setup, baseline, scenario, changed, km, clean_km, disjoint)
    return rows, summarise(setup, baseline, scenario, rows, km, len(searched))


def _changed(
    baseline: Baseline,
    cost: np.ndarray,
    km: np.ndarray,
    clean_km: np.ndarray | None,
    disjoint: np.ndarray | None,
) -> np.ndarray:
    """Mask of the pairs (origin x destination, off the diagonal) whose answer changed."""
    best = baseline.best
    changed = _differs(cost, best.cost) | _differs(km, best.km)
    if clean_km is not None and baseline.clean is not None:
        changed |= _differs(clean_km, baseline.clean.km)
    if disjoint is not None and baseline.disjoint is not None:
        changed |= disjoint != baseline.disjoint
    np.fill_diagonal(changed, False)
    return changed


def _differs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    both = np.isfinite(a) & np.isfinite(b)
    gap = np.abs(np.where(both, a, 0.0) - np.where(both, b, 0.0))
    return (np.isfinite(a) != np.isfinite(b)) | (both & (gap > SAME_KM))


def _rows(
    setup: SweepSetup,
    baseline: Baseline,
    scenario: Scenario,
    changed: np.ndarray,
    km: np.ndarray,
    clean_km: np.ndarray | None,
    disjoint: np.ndarray | None,
) -> pd.DataFrame:
    o, d = np.nonzero(changed)
    labels = np.asarray(setup.codes, dtype=object)
    new = km[o, d]
    old = baseline.best.km[o, d]
    connected = np.isfinite(new)
    new_km = np.where(connected, new, np.nan)
    both = connected & np.isfinite(old)
    increase = np.full(len(o), np.nan)
    increase[both] = new[both] - old[both]
    frame = pd.DataFrame(
        {
            "scenario": np.full(len(o), scenario.id, dtype=object),
            "from_iso2": labels[o],
            "to_iso2": labels[d],
            "connected": connected,
            "km": new_km,
            "latency_ms": new_km / FIBRE_KM_PER_MS,
            "km_increase": increase,
            "latency_increase_ms": increase / FIBRE_KM_PER_MS,
        }
    )
    if clean_km is not None and baseline.clean is not None:
        clean = clean_km[o, d]
        frame["clean_km"] = np.where(np.isfinite(clean), clean, np.nan)
        frame["clean_lost"] = pd.array(
            np.isfinite(baseline.clean.km[o, d]) & ~np.isfinite(clean), dtype="boolean"
        )
    else:
        frame["clean_km"] = np.full(len(o), np.nan)
        frame["clean_lost"] = pd.array([pd.NA] * len(o), dtype="boolean")
    frame["disjoint_routes"] = _optional_ints(None if disjoint is None else disjoint[o, d], len(o))
    return frame


def _optional_ints(values: np.ndarray | None, size: int) -> Any:
    if values is None:
        return pd.array([pd.NA] * size, dtype="Int64")
    return pd.array(values.astype(np.int64), dtype="Int64")


SUMMARY_COLUMNS = (
    "scenario",
    "kind",
    "label",
    "cables",
    "countries_cut_off",
    "pairs_disconnected",
    "pairs_degraded",
    "clean_routes_lost",
    "pairs_fewer_routes",
    "pairs_changed",
    "max_latency_increase_ms",
    "cut_off",
    "pairs_searched",
)
"""Columns of a scenario's summary, in order."""


def summarise(
    setup: SweepSetup,
    baseline: Baseline,
    scenario: Scenario,
    rows: pd.DataFrame,
    km: np.ndarray,
    searched: int,
) -> dict[str, Any]:
    """A scenario's impact: countries cut off, pairs disconnected, degraded, clean lost.

    A country is cut off when it reached at least one other country before and reaches
    none now (over cables and assumed land links alike). A pair is degraded when it
    stays connected and its one-way latency rises by at least ``setup.degraded_ms``.
    """
    reached = np.isfinite(km)
    before = np.isfinite(baseline.best.km)
    np.fill_diagonal(reached, False)
    np.fill_diagonal(before, False)
    cut_off = before.any(axis=1) & ~reached.any(axis=1)
    lost = rows["clean_lost"].fillna(False).to_numpy(dtype=bool)
    increase = rows["latency_increase_ms"].to_numpy(dtype=float)
    fewer = 0
    if rows["disjoint_routes"].notna().any():
        assert baseline.disjoint is not None
        o = pd.Index(setup.codes).get_indexer(rows["from_iso2"])
        d = pd.Index(setup.codes).get_indexer(rows["to_iso2"])
        fewer = int((rows["disjoint_routes"].to_numpy() < baseline.disjoint[o, d]).sum())
    return {
        "scenario": scenario.id,
        "kind": scenario.kind,
        "label": scenario.label,
        "cables": ",".join(sorted(scenario.cables)),
        "countries_cut_off": int(cut_off.sum()),
        "pairs_disconnected": int((before & ~reached).sum()),
        "pairs_degraded": int(np.nansum(increase >= setup.degraded_ms)),
        "clean_routes_lost": int(lost.sum()),
        "pairs_fewer_routes": fewer,
        "pairs_changed": len(rows),
        "max_latency_increase_ms": float(np.nanmax(increase))
        if np.isfinite(increase).any()
        else 0.0,
        "cut_off": ",".join(np.asarray(setup.codes)[cut_off]),
        "pairs_searched": searched,
    }


def run_batch(
    network: Network,
    setup: SweepSetup,
    baseline: Baseline,
    scenarios: Sequence[Scenario],
    first: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows and summaries of a batch of scenarios, in the scenarios' order.

    ``first`` is the position of the batch's first scenario in the whole sweep; the
    summaries carry it in ``order``, so results sort the same however they were batched.
    """
    frames, summaries = [], []
    for position, scenario in enumerate(scenarios, start=first):
        rows, summary = run_scenario(network, setup, baseline, scenario)
        frames.append(rows)
        summaries.append({"order": position, **summary})
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ROW_COLUMNS)
    return rows, pd.DataFrame(summaries, columns=["order", *SUMMARY_COLUMNS])
