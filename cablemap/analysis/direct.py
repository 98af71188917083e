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
) -> list[DirectCable]:
    """Every cable not ``excluded`` that lands at a station of each place.

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
