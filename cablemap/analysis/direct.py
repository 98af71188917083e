"""Direct cables: every usable cable that lands in both places of a question.

One shortest path answers "how does traffic go", not "what connects A and B": the
second question wants every cable landing in both, with the stations at each end, who
owns and built it, and what a policy says of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.network.graph import Network
    from cablemap.network.places import Place
    from cablemap.policy.flags import Flag, PolicyFlags


@dataclass(frozen=True)
class DirectCable:
    """A cable landing in both places, usable under the question's filters and cuts."""

    id: str
    name: str
    from_stations: tuple[str, ...]
    to_stations: tuple[str, ...]
    owners: tuple[str, ...]
    suppliers: tuple[str, ...]
    rfs_year: int | None
    flags: tuple[Flag, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``direct_cables`` in a route answer)."""
        return {
            "id": self.id,
            "name": self.name,
            "from_stations": list(self.from_stations),
            "to_stations": list(self.to_stations),
            "owners": list(self.owners),
            "suppliers": list(self.suppliers),
            "rfs_year": self.rfs_year,
            "flagged": bool(self.flags),
            "flags": [flag.as_dict() for flag in self.flags],
        }


def direct_cables(
    network: Network,
    origin: Place,
    destination: Place,
    excluded: frozenset[str],
    flags: PolicyFlags | None = None,
    cut_edges: frozenset[int] = frozenset(),
) -> list[DirectCable]:
    """Every cable not ``excluded`` that joins a station of each place.

    A cable with cut segments (``cut_edges``) counts only if its remaining segments
    still join a station of the first place to one of the second.

    Parameters
    ----------
    network
        A built network.
    origin, destination
        The two places.
    excluded
        Cables out of service, avoided or cut whole.
    flags
        A policy's flags, attached to each cable (owner, supplier and landing flags).
    cut_edges
        Graph edges removed by the question's cuts.

    Returns
    -------
    list of DirectCable
        Flagged cables first, then by name.
    """
    at_origin = _landing(network, origin.station_ids)
    at_destination = _landing(network, destination.station_ids)

    found = []
    for cable_id in sorted(at_origin.keys() & at_destination.keys()):
        if cable_id in excluded:
            continue
        ends = at_origin[cable_id], at_destination[cable_id]
        if cut_edges and not _still_joins(network, cable_id, *ends, cut_edges):
            continue
        cable = network.cables[cable_id]
        found.append(
            DirectCable(
                cable_id,
                cable.name,
                tuple(at_origin[cable_id]),
                tuple(at_destination[cable_id]),
                cable.owners,
                cable.suppliers,
                cable.rfs_year,
                tuple(flags.cables.get(cable_id, ())) if flags is not None else (),
            )
        )
    return sorted(found, key=lambda c: (not c.flags, c.name.casefold()))


def _landing(network: Network, stations: tuple[str, ...]) -> dict[str, list[str]]:
    """Cable id -> the given stations it lands at (kept per station set, read-only)."""
    key = ("landing", stations)
    cached = network._memo.get(key)
    if cached is None:
        cached = {}
        for station in stations:
            for cable_id in network.station_cables.get(station, ()):
                cached.setdefault(cable_id, []).append(station)
        network._memo[key] = cached
    return cached  # type: ignore[no-any-return]


def _still_joins(
    network: Network,
    cable_id: str,
    starts: list[str],
    ends: list[str],
    cut_edges: frozenset[int],
) -> bool:
    """Whether the cable's uncut segments join a start station to an end station."""
    graph = network.graph
    edges = [e for e in network.cable_edges[network.cable_position[cable_id]] if e not in cut_edges]
    neighbours: dict[int, list[int]] = {}
    for edge in edges:
        u, v = graph.get_edge_endpoints_by_index(edge)
        neighbours.setdefault(u, []).append(v)
    index = network.node_index
    frontier = [index[f"{s}@{cable_id}"] for s in starts if f"{s}@{cable_id}" in index]
    targets = {index[f"{s}@{cable_id}"] for s in ends if f"{s}@{cable_id}" in index}
    seen = set(frontier)
    while frontier:
        node = frontier.pop()
        if node in targets:
            return True
        for nxt in neighbours.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False
