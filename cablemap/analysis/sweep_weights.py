"""Edge costs with a scenario's elements failed, as the matrix and ``route --cut`` set them.

:func:`scenario_weights` computes them as :func:`cablemap.analysis.matrix.compute_matrix`
does (the network's weights with the failed cables excluded, terrestrial links of
stations left without a usable cable closed, cut edges at infinity).
:func:`fast_weights` gets the same array from the baseline's in a fraction of the time,
and falls back to the full computation in the one case where a failure makes edges
usable again (a country losing its last usable cable).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from cablemap.analysis.sweep_engine import SweepSetup
    from cablemap.analysis.sweep_scenarios import Scenario
    from cablemap.network.graph import Network


def scenario_weights(
    network: Network, setup: SweepSetup, cables: frozenset[str], edges: frozenset[int]
) -> np.ndarray:
    """Edge costs with these cables and edges failed, as ``compute_matrix`` sets them."""
    excluded = setup.excluded | cables
    weights = np.asarray(network.weights(excluded, setup.change_cost), dtype=float)
    blocked = network.blocked_terrestrial(excluded, setup.terrestrial) | setup.blocked | edges
    if blocked:
        weights[np.fromiter(blocked, dtype=np.int64, count=len(blocked))] = math.inf
    return weights


def fast_weights(
    network: Network, setup: SweepSetup, base: np.ndarray, scenario: Scenario
) -> np.ndarray:
    """:func:`scenario_weights`, computed from the baseline's weights.

    Failing cables also closes the terrestrial links of every station left with no
    usable cable (``Network.blocked_terrestrial``). While each such station's country
    keeps another station with a usable cable, that is all that changes, and the
    baseline's weights with the scenario's cables, edges and those links at infinity are
    the same answer at a fraction of the cost. When a country loses its last usable
    cable its stations turn into land waypoints instead: then the weights are computed
    in full.
    """
    excluded = setup.excluded | scenario.cables
    lost = {
        station
        for cable_id in scenario.cables
        for station in _landings(network)[0].get(cable_id, ())
        if not any(c not in excluded for c in network.station_cables.get(station, ()))
    }
    if lost:
        countries = {network.stations[s].iso2 for s in lost}
        for station, cables in network.station_cables.items():
            country = network.stations[station].iso2
            if (
                station not in lost
                and country in countries
                and any(c not in excluded for c in cables)
            ):
                countries.discard(country)
        if countries:  # a country with no usable cable left
            return scenario_weights(network, setup, scenario.cables, scenario.edges)
    weights = base.copy()
    failed = [e for c in scenario.cables for e in _cable_edges(network, c)]
    failed += [e for s in lost for e in _landings(network)[1].get(s, ())]
    failed += list(scenario.edges)
    if failed:
        weights[np.asarray(failed, dtype=np.int64)] = math.inf
    return weights


def _cable_edges(network: Network, cable_id: str) -> list[int]:
    position = network.cable_position.get(cable_id)
    return network.cable_edges[position] if position is not None else []


def _landings(network: Network) -> tuple[dict[str, list[str]], dict[str, list[int]]]:
    """Stations of each cable and terrestrial edges of each station (once per network)."""
    cached = network._memo.get("sweep-landings")
    if cached is None:
        stations: dict[str, list[str]] = {}
        for station, cables in network.station_cables.items():
            for cable in cables:
                stations.setdefault(cable, []).append(station)
        links: dict[str, list[int]] = {}
        for edge, _, a, b in network.terrestrial_edges:
            links.setdefault(a, []).append(edge)
            links.setdefault(b, []).append(edge)
        cached = network._memo["sweep-landings"] = (stations, links)
    return cached  # type: ignore[no-any-return]


def with_clean(weights: np.ndarray, setup: SweepSetup) -> np.ndarray:
    """The costs a clean route sees: these, with the policy's flagged edges at infinity."""
    clean = weights.copy()
    assert setup.clean_blocked is not None
    if setup.clean_blocked:
        clean[np.fromiter(setup.clean_blocked, dtype=np.int64)] = math.inf
    return clean
