"""The cable-level flow network: stations, country hubs and cable spans as a flow graph.

Resilience questions (:mod:`cablemap.analysis.resilience`) ask about cables, not
kilometres, so they work on this small flow network, built once per
:class:`~cablemap.network.graph.Network`:

- every landing station is a node, and every country a hub node joined to its stations
  with unlimited capacity (backhaul is assumed never to fail);
- every connected span of a cable is a pair of nodes ``in -> out`` with capacity 1,
  joined from and to each station that span attaches to.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from cablemap.network.graph import Network

UNLIMITED = 1 << 20
"""Capacity of links assumed never to fail (station to hub, station to cable span)."""


@dataclass(frozen=True)
class FlowNetwork:
    """The cable-level flow network (see the module docstring)."""

    tails: array[int]
    heads: array[int]
    capacity: array[int]
    """Edge arrays as stdlib arrays: a stored network reloads without importing numpy."""
    span_edge_cable: dict[int, str]
    """Index into the edge arrays of each span's ``in -> out`` edge -> its cable id."""
    station_node: dict[str, int]
    hub_node: dict[str, int]
    size: int
    border_edges: tuple[int, ...] = ()
    """Edges of the assumed links across land borders (cut with ``--terrestrial``)."""

    def numpy(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Tails, heads and capacities as numpy arrays (views: no copy)."""
        import numpy as np

        return (
            np.frombuffer(self.tails, dtype=np.intc),
            np.frombuffer(self.heads, dtype=np.intc),
            np.frombuffer(self.capacity, dtype=np.intc),
        )


def build_flow_network(network: Network) -> FlowNetwork:
    """Build the flow network from a network's stations and cable spans."""
    from cablemap.network.checks import cable_components

    tails: list[int] = []
    heads: list[int] = []
    capacity: list[int] = []
    span_edge_cable: dict[int, str] = {}
    station_node = {station_id: i for i, station_id in enumerate(network.stations)}
    size = len(station_node)
    hub_node: dict[str, int] = {}

    def link(a: int, b: int, cap: int) -> None:
        tails.append(a)
        heads.append(b)
        capacity.append(cap)

    for station_id, station in network.stations.items():
        if station.iso2 not in hub_node:
            hub_node[station.iso2] = size
            size += 1
        link(station_node[station_id], hub_node[station.iso2], UNLIMITED)
        link(hub_node[station.iso2], station_node[station_id], UNLIMITED)
        if station.subdivision is not None:  # a route end; adds no path the country's hub lacks
            if station.subdivision not in hub_node:
                hub_node[station.subdivision] = size
                size += 1
            link(station_node[station_id], hub_node[station.subdivision], UNLIMITED)
            link(hub_node[station.subdivision], station_node[station_id], UNLIMITED)
    # Groups and cities as route ends: a source hub feeding their stations and a sink hub
    # fed by them, so that no flow can pass through a group (the EU is no link).
    for code, node in network.country_source.items():
        if code.startswith(("group:", "city:")):
            hub_node[code], hub_node[f"{code}:in"] = size, size + 1
            size += 2
            for _, station_node_index, _ in network.graph.out_edges(node):
                station_id = network.node_ids[station_node_index]
                link(hub_node[code], station_node[station_id], UNLIMITED)
                link(station_node[station_id], hub_node[f"{code}:in"], UNLIMITED)
    # Border links, assumed never to fail like backhaul (the default --terrestrial).
    from cablemap.network.graph import BORDER

    border_edges = []
    for _, kind, a, b in network.terrestrial_edges:
        if kind == BORDER and a in station_node and b in station_node:
            border_edges.append(len(tails))
            link(station_node[a], station_node[b], UNLIMITED)
    for cable_id, components in cable_components(network.topology).items():
        spans: dict[int, list[str]] = {}
        for station_id, span in components.items():
            if station_id in station_node:
                spans.setdefault(span, []).append(station_id)
        for members in spans.values():
            if len(members) < 2:
                continue
            span_in, span_out = size, size + 1
            size += 2
            span_edge_cable[len(tails)] = cable_id
            link(span_in, span_out, 1)
            for station_id in members:
                link(station_node[station_id], span_in, UNLIMITED)
                link(span_out, station_node[station_id], UNLIMITED)
    return FlowNetwork(
        array("i", tails),
        array("i", heads),
        array("i", capacity),
        span_edge_cable,
        station_node,
        hub_node,
        size,
        tuple(border_edges),
    )
