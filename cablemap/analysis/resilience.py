"""How hard it is to cut two places apart: cable-disjoint routes and minimum cable cuts.

Resilience asks about cables, not kilometres, so it works on the cable-level flow
network of :mod:`cablemap.network.flow`.

A flow of value *n* from one place to the other is *n* routes that share no cable span;
by Menger's theorem (vertex form) the largest such *n* equals the fewest cable spans
whose failure disconnects the places, and a minimum cut lists them. A cable drawn as
several separate spans contributes one node pair per span (the data's 2-3 % of such
cables; see ``cablemap data check``), so a cut of one span is reported as its cable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cablemap.network.flow import FlowNetwork
from cablemap.network.places import Place

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np
    from scipy.sparse import csr_matrix

    from cablemap.network.graph import Network


@dataclass(frozen=True)
class Resilience:
    """Resilience of the connection between two places under the given exclusions."""

    disjoint_routes: int
    min_cut_cables: tuple[str, ...]
    critical_cables: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "disjoint_routes": self.disjoint_routes,
            "min_cut_cables": list(self.min_cut_cables),
            "critical_cables": list(self.critical_cables),
        }


def flow_capacity(
    flow: FlowNetwork,
    excluded: frozenset[str] = frozenset(),
    excluded_stations: frozenset[str] = frozenset(),
    borders: bool = True,
) -> np.ndarray:
    """Edge capacities with the ``excluded`` cables failed and ``excluded_stations`` closed.

    A failed cable's spans get capacity 0, and so does every edge at a closed station,
    and every border link unless ``borders`` (``--terrestrial borders``, the default).
    Returns a copy: the flow network itself is never modified.
    """
    import numpy as np

    tails, heads, base = flow.numpy()
    capacity = base.copy()
    for edge, cable_id in flow.span_edge_cable.items():
        if cable_id in excluded:
            capacity[edge] = 0
    if not borders:
        capacity[list(flow.border_edges)] = 0
    closed = [flow.station_node[s] for s in excluded_stations if s in flow.station_node]
    if closed:
        blocked = np.isin(tails, closed) | np.isin(heads, closed)
        capacity[blocked] = 0
    return capacity


def flow_graph(flow: FlowNetwork, capacity: np.ndarray) -> csr_matrix:
    """The flow network with these capacities, as the sparse matrix ``maximum_flow`` takes."""
    from scipy.sparse import csr_matrix

    tails, heads, _ = flow.numpy()
    return csr_matrix((capacity, (tails, heads)), shape=(flow.size, flow.size))


def source_side(flow: FlowNetwork, graph: csr_matrix, flows: csr_matrix, source: int) -> np.ndarray:
    """The source side of a minimum cut: nodes reachable from ``source`` in the residual graph.

    ``flows`` is a maximum flow on ``graph`` (``maximum_flow(graph, source, t).flow``).
    Returns a boolean array over the graph's nodes.
    """
    return reachable_from((graph - flows).tocsr(), source)


def reachable_from(graph: csr_matrix, source: int) -> np.ndarray:
    """Nodes reachable from ``source`` over edges of positive capacity (boolean array)."""
    import numpy as np
    from scipy.sparse.csgraph import breadth_first_order

    graph.data[graph.data < 0] = 0
    graph.eliminate_zeros()
    seen = np.zeros(graph.shape[0], dtype=bool)
    seen[breadth_first_order(graph, source, directed=True, return_predecessors=False)] = True
    return seen


def capacity_graph(
    tails: np.ndarray, heads: np.ndarray, capacity: np.ndarray, size: int
) -> csr_matrix:
    """The edges with positive capacity as a ``size`` x ``size`` sparse matrix."""
    from scipy.sparse import csr_matrix

    keep = capacity > 0
    return csr_matrix((capacity[keep], (tails[keep], heads[keep])), shape=(size, size))


def cut_cables(
    flow: FlowNetwork,
    tails: np.ndarray,
    heads: np.ndarray,
    capacity: np.ndarray,
    reachable: np.ndarray,
) -> tuple[str, ...]:
    """Cables whose usable span edges cross from the ``reachable`` side to the other."""
    cut = {
        cable_id
        for edge, cable_id in flow.span_edge_cable.items()
        if capacity[edge] > 0 and reachable[tails[edge]] and not reachable[heads[edge]]
    }
    return tuple(sorted(cut))


def cables_that_disconnect(
    flow: FlowNetwork,
    tails: np.ndarray,
    heads: np.ndarray,
    capacity: np.ndarray,
    candidates: Iterable[str],
    source: int,
    target: int,
    size: int,
) -> tuple[str, ...]:
    """Of ``candidates``, the cables whose loss alone leaves ``target`` unreachable."""
    found = []
    for cable_id in sorted(candidates):
        trial = capacity.copy()
        for edge, owner in flow.span_edge_cable.items():
            if owner == cable_id:
                trial[edge] = 0
        if not reachable_from(capacity_graph(tails, heads, trial, size), source)[target]:
            found.append(cable_id)
    return tuple(found)


def analyse_resilience(
    network: Network,
    flow: FlowNetwork,
    origin: Place,
    destination: Place,
    excluded: frozenset[str] = frozenset(),
    excluded_stations: frozenset[str] = frozenset(),
    *,
    borders: bool = True,
) -> Resilience:
    """Count cable-disjoint routes, find a minimum cable cut and the critical cables.

    Parameters
    ----------
    network
        The built network.
    flow
        Its flow network (``network.flow_network``).
    origin, destination
        The two places.
    excluded
        Cables treated as already failed (out of service, avoided).
    excluded_stations
        Stations treated as unusable (for example in a jurisdiction a policy excludes).

    Returns
    -------
    Resilience
        ``disjoint_routes`` (the maximum number of routes sharing no cable),
        ``min_cut_cables`` (a smallest set of cables whose failure disconnects the places)
        and ``critical_cables`` (cables every route uses: a cut of one cable).
    """
    from scipy.sparse.csgraph import maximum_flow

    source = _flow_node(flow, origin)
    target = _flow_node(flow, destination, sink=True)
    capacity = flow_capacity(flow, excluded, excluded_stations, borders)
    _apart_from_mainland(flow, capacity, origin, destination)
    graph = flow_graph(flow, capacity)
    tails, heads, _ = flow.numpy()
    result = maximum_flow(graph, source, target)
    value = int(result.flow_value)
    reachable = source_side(flow, graph, result.flow, source)
    cut = cut_cables(flow, tails, heads, capacity, reachable)
    critical = (
        _critical(flow, tails, heads, capacity, result.flow, source, target) if value == 1 else ()
    )
    return Resilience(value, cut, critical)


def _flow_node(flow: FlowNetwork, place: Place, *, sink: bool = False) -> int:
    if place.station is not None:
        return flow.station_node[place.station]
    if place.group is not None and sink:
        return flow.hub_node[f"{place.key}:in"]
    return flow.hub_node[place.key]


def _critical(
    flow: FlowNetwork,
    tails: np.ndarray,
    heads: np.ndarray,
    capacity: np.ndarray,
    flows: csr_matrix,
    source: int,
    target: int,
) -> tuple[str, ...]:
    """With a single route's worth of flow, the cables whose loss alone disconnects.

    Only cables on the one flow path can be critical; each is checked by removing it.
    """
    on_path = {
        cable_id
        for edge, cable_id in flow.span_edge_cable.items()
        if flows[tails[edge], heads[edge]] > 0
    }
    return cables_that_disconnect(flow, tails, heads, capacity, on_path, source, target, flow.size)


def _apart_from_mainland(flow: FlowNetwork, capacity: np.ndarray, *places: Place) -> None:
    """Cut a subdivision end's stations off their country's hub (in ``capacity``).

    The hub stands for backhaul that never fails; a subdivision cablemap names (Hawaii,
    Shetland, Kaliningrad) is non-contiguous, so its stations reach the rest of the
    country only by cable. Without this, Hawaii - Alaska would count the hub as a link.
    """
    import numpy as np

    tails, heads, _ = flow.numpy()
    for place in places:
        if place.subdivision is None or place.iso2 not in flow.hub_node:
            continue
        hub = flow.hub_node[place.iso2]
        nodes = [flow.station_node[s] for s in place.station_ids if s in flow.station_node]
        apart = (np.isin(tails, nodes) & (heads == hub)) | ((tails == hub) & np.isin(heads, nodes))
        capacity[apart] = 0
