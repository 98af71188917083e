"""Routes between two places: the shortest, and alternatives that use other cables.

A route is an ordered list of hops. A **cable hop** runs along one cable from a landing
station to the next landing station it reaches (through any branching units); a
**backhaul hop** is a chain of assumed terrestrial links between stations of one
country, and a **border hop** an assumed terrestrial link across a land border.
Each hop starts where the previous one ended.

Routes are ranked by a **cost**: km, plus a change cost for every cable boarded at a
landing station and every land border crossed (``--change-cost``), so that a route
does not chain many cables to save a few km.

Alternatives (``k > 1``) are found by a best-first search over sets of excluded cables
(in the manner of Lawler's k-best method): the best route is found; then, for each cable
it uses, the best route that avoids that cable too; and so on from every route found.
Routes come out cheapest first, and each differs from every earlier one in its main
cables or its transit countries (a short hop between two stations of one place does not
make a route different). Each alternative avoids at least one cable of the route it was
derived from.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import rustworkx as rx

from cablemap.network.calibration import round_trip_ms
from cablemap.network.graph import (
    BACKHAUL,
    BORDER,
    CABLE,
    DEFAULT_CHANGE_COST_KM,
    FIBRE_KM_PER_MS,
    TERMINAL,
    TRANSFER,
    Network,
)
from cablemap.network.places import Place

if TYPE_CHECKING:
    from cablemap.policy.flags import Flag

MAX_SEARCHES_PER_ALTERNATIVE = 25
"""Bound on shortest-path searches spent per requested route, so a query with many
equivalent detours cannot run away."""


@dataclass(frozen=True)
class Hop:
    """One hop of a route (see the module docstring)."""

    kind: str
    cable_id: str | None
    cable_name: str | None
    from_station: str
    to_station: str
    from_country: str
    to_country: str
    km: float
    segment_ids: tuple[str, ...] = ()
    from_subdivision: str | None = None
    to_subdivision: str | None = None
    via: tuple[str, ...] = ()
    """Stations a backhaul hop passes on its way (its links join there)."""
    flags: tuple[Flag, ...] = ()
    """What a policy flags on this hop (empty without a policy)."""

    def with_subdivisions(self, start: str | None, end: str | None) -> Hop:
        """The hop with the ISO 3166-2 subdivisions of its two stations."""
        return replace(self, from_subdivision=start, to_subdivision=end)

    def as_dict(self) -> dict[str, Any]:
        """The hop in the JSON contract."""
        return {
            "kind": self.kind,
            "cable_id": self.cable_id,
            "cable_name": self.cable_name,
            "from_station": self.from_station,
            "to_station": self.to_station,
            "from_country": self.from_country,
            "to_country": self.to_country,
            "from_subdivision": self.from_subdivision,
            "to_subdivision": self.to_subdivision,
            "km": round(self.km, 1),
            "segments": list(self.segment_ids),
            "via": list(self.via),
            "flags": [flag.as_dict() for flag in self.flags],
        }


@dataclass(frozen=True)
class Route:
    """A route with its totals; ``cables`` in the order the route uses them."""

    rank: int
    km: float
    cables: tuple[str, ...]
    hops: tuple[Hop, ...]
    cost: float = 0.0
    """What the search minimised: km, plus the change cost for every cable boarded and
    every land border crossed (see :data:`~cablemap.network.graph.DEFAULT_CHANGE_COST_KM`)."""
    note: str = ""
    """What the route is when shown beside others ("best clean route"), else empty."""

    @property
    def transit_countries(self) -> tuple[str, ...]:
        """Countries the route passes between its ends, in order (ISO alpha-2)."""
        if not self.hops:
            return ()
        ends = {self.hops[0].from_country, self.hops[-1].to_country}
        passed = [hop.to_country for hop in self.hops[:-1]]
        return tuple(c for c in dict.fromkeys(passed) if c not in ends)

    @property
    def flagged(self) -> bool:
        """Whether any hop carries a policy flag."""
        return any(hop.flags for hop in self.hops)

    @property
    def latency_ms(self) -> float:
        """One-way propagation delay in fibre (see :data:`FIBRE_KM_PER_MS`)."""
        return self.km / FIBRE_KM_PER_MS

    @property
    def rtt_ms(self) -> float:
        """Modelled round-trip time (:func:`cablemap.network.calibration.round_trip_ms`)."""
        return round_trip_ms(self.km)

    def as_dict(self) -> dict[str, Any]:
        """The route in the JSON contract."""
        return {
            "rank": self.rank,
            "km": round(self.km, 1),
            "latency_ms": round(self.latency_ms, 2),
            "rtt_ms": round(self.rtt_ms, 1),
            "cost": round(self.cost, 1),
            "cables": list(self.cables),
            "transit_countries": list(self.transit_countries),
            "flagged": self.flagged,
            "hops": [hop.as_dict() for hop in self.hops],
        }


def endpoints(network: Network, origin: Place, destination: Place) -> tuple[int, int]:
    """The graph nodes a search runs between: a station, or a country's source/sink."""
    source = (
        network.node_index[origin.station]
        if origin.station is not None
        else network.country_source[origin.key]
    )
    target = (
        network.node_index[destination.station]
        if destination.station is not None
        else network.country_sink[destination.key]
    )
    return source, target


@dataclass(frozen=True)
class _Path:
    """A search result before it is turned into hops: length, cables, edges."""

    km: float
    cables: tuple[str, ...]
    edges: tuple[int, ...]
    cost: float = 0.0


class _Searcher:
    """Shortest-path searches for one query, on the query's own copy of the weights.

    Avoiding a cable sets its edges' weights to infinity for one search and restores them
    afterwards; the network itself is never modified. The first search is a plain
    Dijkstra search. Searches that avoid more cables (alternatives) use A* guided by the
    exact distance to the target without those extra exclusions, computed once by a
    search on the reversed graph: avoiding cables only makes routes longer, so that
    distance never overestimates and A* stays exact while visiting few nodes.
    """

    def __init__(
        self,
        network: Network,
        source: int,
        target: int,
        excluded: frozenset[str],
        excluded_edges: frozenset[int] = frozenset(),
        change_cost: float = DEFAULT_CHANGE_COST_KM,
    ):
        self.network = network
        self.source = source
        self.target = target
        self.weights = list(_query_weights(network, excluded, excluded_edges, change_cost))
        self._to_target: list[float] | None = None

    def search(self, avoided: frozenset[str] = frozenset()) -> _Path | None:
        network, weights = self.network, self.weights
        guide = self._distance_to_target() if avoided else None
        changed = [
            edge
            for cable_id in avoided
            for edge in network.cable_edges[network.cable_position[cable_id]]
            if not math.isinf(weights[edge])
        ]
        saved = [weights[edge] for edge in changed]
        for edge in changed:
            weights[edge] = math.inf
        try:
            nodes = self._nodes(guide)
            edges = None if nodes is None else _edges_along(network, nodes, weights)
        finally:
            for edge, weight in zip(changed, saved, strict=True):
                weights[edge] = weight
        if edges is None:
            return None
        kinds, cable_of = network.edges.kind, network.edges.cable
        cables = tuple(
            dict.fromkeys(network.cable_ids[cable_of[e]] for e in edges if kinds[e] == CABLE)
        )
        km = sum(network.edges.km[e] for e in edges)
        return _Path(km, cables, tuple(edges), sum(weights[e] for e in edges))

    def _nodes(self, guide: list[float] | None) -> list[int] | None:
        graph, cost = self.network.graph, self.weights.__getitem__
        if guide is None:
            paths = rx.dijkstra_shortest_paths(
                graph, self.source, target=self.target, weight_fn=cost
            )
            return list(paths[self.target]) if self.target in paths else None
        try:
            path = rx.astar_shortest_path(
                graph, self.source, self.target.__eq__, cost, guide.__getitem__
            )
        except rx.NoPathFound:
            return None
        return list(path)

    def _distance_to_target(self) -> list[float]:
        if self._to_target is None:
            lengths = rx.dijkstra_shortest_path_lengths(
                self.network.reverse_graph, self.target, edge_cost_fn=self.weights.__getitem__
            )
            to_target = [math.inf] * self.network.graph.num_nodes()
            for node, km in lengths.items():
                to_target[node] = km
            to_target[self.target] = 0.0
            self._to_target = to_target
        return self._to_target


def _query_weights(
    network: Network,
    excluded: frozenset[str],
    excluded_edges: frozenset[int],
    change_cost: float,
) -> list[float]:
    """The query's edge weights, kept for the last few question settings (read-only)."""
    key = ("query-weights", excluded, excluded_edges, change_cost)
    memo = network._memo
    cached = memo.get(key)
    if cached is None:
        cached = network.weights(excluded, change_cost)
        for edge in excluded_edges:
            cached[edge] = math.inf
        stale = [k for k in list(memo) if isinstance(k, tuple) and k[0] == "query-weights"]
        for old in stale[:-7]:  # keep at most 8 settings
            memo.pop(old, None)
        memo[key] = cached
    return cached  # type: ignore[no-any-return]


def shortest_route(
    network: Network, origin: Place, destination: Place, excluded: frozenset[str] = frozenset()
) -> Route | None:
    """The cheapest route avoiding the ``excluded`` cables, or ``None`` if there is none."""
    path = _Searcher(network, *endpoints(network, origin, destination), excluded).search()
    return None if path is None else _route(network, 1, path)


def find_routes(
    network: Network,
    origin: Place,
    destination: Place,
    *,
    k: int = 1,
    excluded: frozenset[str] = frozenset(),
    excluded_edges: frozenset[int] = frozenset(),
    change_cost: float = DEFAULT_CHANGE_COST_KM,
) -> list[Route]:
    """Up to ``k`` routes, cheapest first, each different in its cables or transit countries.

    Parameters
    ----------
    network
        The built network.
    origin, destination
        Resolved places (see :class:`~cablemap.network.places.PlaceIndex`).
    k
        How many routes at most.
    excluded
        Cables no route may use (out of service, or avoided by the user).
    excluded_edges
        Graph edges no route may use (for example those a policy flags).
    change_cost
        Km charged for every cable boarded and every land border crossed.

    Returns
    -------
    list of Route
        Empty when no route exists under the exclusions. Two routes never share both
        their main cables (those carrying at least :data:`MAIN_CABLE_SHARE` of the route
        or :data:`MAIN_CABLE_KM`) and their transit countries.
    """
    searcher = _Searcher(
        network, *endpoints(network, origin, destination), excluded, excluded_edges, change_cost
    )
    best = searcher.search()
    if best is None:
        return []
    found = [_route(network, 1, best)]
    seen = {_signature(found[0])}
    tried: set[frozenset[str]] = {frozenset()}
    counter = itertools.count()
    # Heap entries: (lower bound on cost, tie-break, path or None if not searched yet,
    # avoided). A child is pushed unsearched with its parent's cost as its bound (avoiding
    # more cables never makes a route cheaper) and searched only when it reaches the top,
    # so children that could never make the k best are never searched.
    heap: list[tuple[float, int, _Path | None, frozenset[str]]] = []
    budget = MAX_SEARCHES_PER_ALTERNATIVE * k

    def push_children(path: _Path, avoided: frozenset[str]) -> None:
        for cable in path.cables:
            more = avoided | {cable}
            if more not in tried:
                tried.add(more)
                heapq.heappush(heap, (path.cost, next(counter), None, more))

    if k > 1:
        push_children(best, frozenset())
    while heap and len(found) < k and budget > 0:
        _, _, path, avoided = heapq.heappop(heap)
        if path is None:
            budget -= 1
            searched = searcher.search(avoided)
            if searched is not None:
                heapq.heappush(heap, (searched.cost, next(counter), searched, avoided))
            continue
        route = _route(network, len(found) + 1, path)
        if _signature(route) not in seen:
            seen.add(_signature(route))
            found.append(route)
        push_children(path, avoided)
    return found


MAIN_CABLE_SHARE = 0.05
MAIN_CABLE_KM = 200.0
"""A cable is one of a route's main cables when it carries at least this share of the
route's km or this many km; a short hop between two stations of one place is not."""


def _signature(route: Route) -> tuple[frozenset[str], frozenset[str]]:
    """What makes two routes different to a reader: main cables and transit countries."""
    per_cable: dict[str, float] = {}
    for hop in route.hops:
        if hop.cable_id is not None:
            per_cable[hop.cable_id] = per_cable.get(hop.cable_id, 0.0) + hop.km
    floor = min(MAIN_CABLE_KM, MAIN_CABLE_SHARE * route.km)
    main = frozenset(c for c, km in per_cable.items() if km >= floor)
    return main, frozenset(route.transit_countries)


def _route(network: Network, rank: int, path: _Path) -> Route:
    hops = _hops(network, list(path.edges))
    return Route(rank=rank, km=path.km, cables=path.cables, hops=tuple(hops), cost=path.cost)


def _edges_along(network: Network, nodes: list[int], weights: list[float]) -> list[int] | None:
    """The cheapest usable edge between each two consecutive nodes of a path."""
    path = []
    for u, v in itertools.pairwise(nodes):
        # Edge payloads equal rustworkx edge indices (edges are added in order).
        edge = min(network.graph.edge_indices_from_endpoints(u, v), key=weights.__getitem__)
        if math.isinf(weights[edge]):
            return None  # only excluded edges lead on: the search found no real route
        path.append(edge)
    return path


def _hops(network: Network, edge_path: list[int]) -> list[Hop]:
    """Group a path's edges into hops that end at landing stations."""
    edges = network.edges
    hops: list[Hop] = []
    run: list[int] = []
    for edge in edge_path:
        kind = edges.kind[edge]
        if kind in (TERMINAL, TRANSFER):
            continue
        if kind in (BACKHAUL, BORDER):
            hops.append(_terrestrial_hop(network, hops, edge))
            continue
        run.append(edge)
        end = _ends(network, edge)[1]
        if network.node_station[network.graph.get_edge_endpoints_by_index(edge)[1]] is not None:
            start = _ends(network, run[0])[0]
            cable_id = network.cable_ids[edges.cable[edge]]
            segment_ids = tuple(network.segment_ids[edges.segment[e]] for e in run)
            km = sum(edges.km[e] for e in run)
            hops.append(_hop(network, "cable", cable_id, start, end, km, segment_ids))
            run = []
    return hops


def _terrestrial_hop(network: Network, hops: list[Hop], edge: int) -> Hop:
    """The hop for a terrestrial edge, merged into the previous hop if that is backhaul.

    Consecutive backhaul links make one hop (the stations between are ``via``); a border
    link is always a hop of its own.
    """
    edges = network.edges
    name = "backhaul" if edges.kind[edge] == BACKHAUL else "border"
    a, b = _ends(network, edge)
    if name == "backhaul" and hops and hops[-1].kind == "backhaul":
        last = hops.pop()
        merged = _hop(network, name, None, last.from_station, b, last.km + edges.km[edge], ())
        return replace(merged, via=(*last.via, last.to_station))
    return _hop(network, name, None, a, b, edges.km[edge], ())


def _ends(network: Network, edge: int) -> tuple[str, str]:
    """The edge's two ends: landing stations (for a station or its port), else node ids."""
    u, v = network.graph.get_edge_endpoints_by_index(edge)
    station = network.node_station
    return station[u] or network.node_ids[u], station[v] or network.node_ids[v]


def _hop(
    network: Network,
    kind: str,
    cable_id: str | None,
    a: str,
    b: str,
    km: float,
    segment_ids: tuple[str, ...],
) -> Hop:
    sa, sb = network.stations[a], network.stations[b]
    name = network.cables[cable_id].name if cable_id is not None else None
    return Hop(
        kind,
        cable_id,
        name,
        a,
        b,
        sa.iso2,
        sb.iso2,
        km,
        segment_ids,
        sa.subdivision,
        sb.subdivision,
    )
