"""Routes between two points on land (cities, data centres), not only between stations.

A measured round trip runs between two cities, not two landing stations, so comparing
it with the model needs the terrestrial legs at each end: from the city to a landing
station of its country, assumed over land at :data:`BACKHAUL_FACTOR` times the
geodesic distance, like any terrestrial link. The route is the cheapest combination of
a start leg, a network route and an end leg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import rustworkx as rx

from cablemap.errors import UserError
from cablemap.network.graph import DEFAULT_TERRESTRIAL
from cablemap.network.terrestrial import BACKHAUL_FACTOR

if TYPE_CHECKING:
    from cablemap.network.graph import Network

START_STATIONS = 8
"""Nearest usable stations of the start country tried as the first landing station."""


@dataclass(frozen=True)
class Point:
    """A place on land: longitude, latitude and the ISO 3166-1 code of its country."""

    lon: float
    lat: float
    iso2: str


def point_to_point_km(
    network: Network,
    start: Point,
    end: Point,
    *,
    terrestrial: str = DEFAULT_TERRESTRIAL,
) -> float | None:
    """Length in km of the shortest route between two points, legs to stations included.

    Parameters
    ----------
    network
        A built network.
    start, end
        The two points; each must be in a country with landing stations.
    terrestrial
        As for :func:`cablemap.analysis.query.trace_routes`.

    Returns
    -------
    float or None
        The km (legs at :data:`BACKHAUL_FACTOR` times their geodesic length), or
        ``None`` when no route joins them with today's cables.
    """
    excluded = network.cables_out_of_service()
    weights = network.weights(excluded)
    for edge in network.blocked_terrestrial(excluded, terrestrial):
        weights[edge] = math.inf
    usable = _usable(network, excluded)
    first = _legs(network, start, usable)[:START_STATIONS]
    last = {station: leg for leg, station in _legs(network, end, usable)}
    best = math.inf
    for leg, station in first:
        lengths = rx.dijkstra_shortest_path_lengths(
            network.graph, network.node_index[station], edge_cost_fn=weights.__getitem__
        )
        for target, end_leg in last.items():
            node = network.node_index[target]
            km = lengths[node] if node in lengths else (0.0 if station == target else math.inf)  # noqa: SIM401  (no .get on rustworkx mappings)
            best = min(best, leg + km + end_leg)
    return None if math.isinf(best) else best


def _usable(network: Network, excluded: frozenset[str]) -> set[str]:
    return {
        station
        for station, cables in network.station_cables.items()
        if any(cable not in excluded for cable in cables)
    }


def _legs(network: Network, point: Point, usable: set[str]) -> list[tuple[float, str]]:
    """``(leg km, station)`` for the usable stations of the point's country, nearest first."""
    stations = [s for s in network.places.stations_by_country.get(point.iso2, ()) if s in usable]
    if not stations:
        raise UserError(f"{point.iso2} has no landing station in service to route from")
    legs = [
        (_geodesic_km(point, network.stations[s].lon, network.stations[s].lat), s) for s in stations
    ]
    return sorted((km * BACKHAUL_FACTOR, s) for km, s in legs)


def _geodesic_km(point: Point, lon: float, lat: float) -> float:
    from pyproj import Geod

    _, _, metres = Geod(ellps="WGS84").inv(point.lon, point.lat, lon, lat)
    return float(metres) / 1000.0
