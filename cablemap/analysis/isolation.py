"""Which cables' loss cuts a place off from every other country.

The question ``route --resilience`` asks of two places, asked of one place and the rest
of the world: on the cable-level flow network (:mod:`cablemap.network.flow`), a source
at the place's hub and one sink fed by the hub of every other country. The maximum
flow is the number of ways out that share no cable span; a minimum cut lists a smallest
set of cables whose loss leaves no way out; a cable every way out uses is a single
point of failure.

Land is kept apart: assumed border links never fail in the flow network, so a country
with a land border could never be cut off by cables. The cut is therefore computed by
sea (border links closed), and the countries the place still reaches over a land border
are listed beside it. In Vietnam in 2023, with all five international cables faulty,
traffic went overland through China and Cambodia (tests/real_world/cable_cuts.toml).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cablemap.analysis.resilience import (
    _apart_from_mainland,
    cables_that_disconnect,
    capacity_graph,
    cut_cables,
    flow_capacity,
    source_side,
)
from cablemap.network.flow import UNLIMITED

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

    from cablemap.network.flow import FlowNetwork
    from cablemap.network.graph import Network
    from cablemap.network.places import Place


@dataclass(frozen=True)
class Isolation:
    """How hard it is to cut a place off from every other country by sea."""

    ways_out: int
    """Ways out by sea that share no cable span (the maximum flow)."""
    min_cut_cables: tuple[str, ...]
    """A smallest set of cables whose loss leaves no way out by sea."""
    single_points: tuple[str, ...]
    """Cables whose loss alone leaves no way out by sea."""
    land_neighbours: tuple[str, ...]
    """Countries reached over an assumed land-border link (ISO codes), which no cut breaks."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "ways_out_by_sea": self.ways_out,
            "min_cut_cables": list(self.min_cut_cables),
            "single_points_of_failure": list(self.single_points),
            "land_neighbours": list(self.land_neighbours),
        }


def isolate(network: Network, place: Place, excluded: frozenset[str]) -> Isolation:
    """Find the cables whose loss cuts ``place`` off from every other country by sea.

    Parameters
    ----------
    network
        A built network.
    place
        A country, territory or subdivision (a subdivision's way to its own country's
        other stations counts as a way out, and goes by cable only).
    excluded
        Cables already out (not in service in the year asked about, planned, retired).

    Returns
    -------
    Isolation
        Ways out, a minimum cut, the single points of failure and the land neighbours.
    """
    from scipy.sparse.csgraph import maximum_flow

    flow = network.flow_network
    source = flow.hub_node[place.key]
    sink = flow.size
    capacity = flow_capacity(flow, excluded, borders=False)
    _apart_from_mainland(flow, capacity, place)
    tails, heads, capacity = _with_sink(flow, capacity, place, sink)
    graph = capacity_graph(tails, heads, capacity, sink + 1)
    result = maximum_flow(graph, source, sink)
    value = int(result.flow_value)
    cut = cut_cables(flow, tails, heads, capacity, source_side(flow, graph, result.flow, source))
    single = _single_points(flow, tails, heads, capacity, result.flow, source, sink, value)
    return Isolation(value, cut, single, _land_neighbours(network, place, excluded))


def _with_sink(
    flow: FlowNetwork, capacity: np.ndarray, place: Place, sink: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edge arrays with an edge from every other country's hub to ``sink``."""
    import numpy as np

    tails, heads, _ = flow.numpy()
    others = [
        node
        for code, node in flow.hub_node.items()
        if ":" not in code and "-" not in code and (code != place.iso2 or place.subdivision)
    ]
    return (
        np.concatenate([tails, np.array(others, dtype=tails.dtype)]),
        np.concatenate([heads, np.full(len(others), sink, dtype=heads.dtype)]),
        np.concatenate([capacity, np.full(len(others), UNLIMITED, dtype=capacity.dtype)]),
    )


def _single_points(
    flow: FlowNetwork,
    tails: np.ndarray,
    heads: np.ndarray,
    capacity: np.ndarray,
    flows: csr_matrix,
    source: int,
    sink: int,
    value: int,
) -> tuple[str, ...]:
    """Cables whose loss alone leaves no way out.

    Only a cable carrying every unit of the maximum flow can be one (the ways out not
    using a cable survive its loss); each such cable is removed in turn and checked.
    """
    if value == 0:
        return ()
    carried: dict[str, int] = {}
    for edge, cable_id in flow.span_edge_cable.items():
        if flows[tails[edge], heads[edge]] > 0:
            carried[cable_id] = carried.get(cable_id, 0) + 1
    candidates = [c for c, n in carried.items() if n >= value]
    return cables_that_disconnect(flow, tails, heads, capacity, candidates, source, sink, sink + 1)


def _land_neighbours(network: Network, place: Place, excluded: frozenset[str]) -> tuple[str, ...]:
    """Countries still reached over an assumed land-border link with every cable lost.

    Every cable landing at the place is taken as lost. Only links a route could then
    use (``Network.blocked_terrestrial``): with no cable left, the place's stations stay
    waypoints unless they stand on occupied ground, and the neighbour's station must keep
    a cable. So Vietnam reaches Cambodia (as in 2023), while Ukraine's one station in the
    data, Kerch in occupied Crimea, does not make Russia its land neighbour.
    """
    from cablemap.network.graph import BORDER

    inside = set(place.station_ids)
    lost = {c for s in inside for c in network.station_cables.get(s, ())}
    blocked = network.blocked_terrestrial(excluded | lost)
    found = {
        network.stations[b].iso2
        for edge, kind, a, b in network.terrestrial_edges
        if kind == BORDER and edge not in blocked and a in inside and b not in inside
    }
    return tuple(sorted(found - {place.iso2}))
