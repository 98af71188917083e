"""What a route report puts on the map: its pieces (strokes), stations and colours."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import shapely

from cablemap.errors import UserError
from cablemap.policy.flags import policy_flags
from cablemap.render.style import BACKHAUL, FLAGGED, route_colour

if TYPE_CHECKING:
    from cablemap.analysis.query import RouteReport
    from cablemap.analysis.routing import Route
    from cablemap.network.graph import Network


@dataclass(frozen=True)
class Stroke:
    """One drawn piece of a route: geometry (unwrapped degrees), colour, dashed or not."""

    rank: int
    geometry: shapely.Geometry
    colour: str
    dashed: bool
    planned: bool = False
    """A piece of a planned cable (a question with ``include_planned``): drawn dashed."""


@dataclass
class RouteStations:
    """The stations of the drawn routes, by role, in labelling priority."""

    ends: dict[str, None] = field(default_factory=dict)
    changes: dict[str, None] = field(default_factory=dict)
    passed: dict[str, None] = field(default_factory=dict)

    def add(self, route: Route) -> None:
        """Record a route's end stations, the stations where it changes, those it passes."""
        hops = route.hops
        self.ends.update(dict.fromkeys((hops[0].from_station, hops[-1].to_station)))
        self.changes.update(dict.fromkeys(hop.to_station for hop in hops[:-1]))
        self.passed.update(dict.fromkeys(s for hop in hops for s in hop.via))

    def ordered(self) -> list[tuple[str, str]]:
        """``(station id, role)`` pairs, each station once, ends first."""
        out: dict[str, str] = {}
        for role, group in (("end", self.ends), ("change", self.changes), ("via", self.passed)):
            for station_id in group:
                out.setdefault(station_id, role)
        return list(out.items())


def route_width(rank: int) -> float:
    """Line width of route ``rank``.

    The best is widest and drawn lowest, so a narrower alternative on top of it shows
    both where they share a cable.
    """
    return max(0.8, 2.6 - 0.6 * (rank - 1))


def drawable_routes(report: RouteReport) -> tuple[Route, ...]:
    """The routes to draw: :func:`cablemap.render.shown.shown_routes`.

    Raises
    ------
    UserError
        If the report holds no route at all.
    """
    from cablemap.render.shown import shown_routes

    routes = shown_routes(report)
    if not routes:
        raise UserError("this route report holds no route to draw")
    return routes


def flag_sets(network: Network, report: RouteReport) -> tuple[frozenset[str], frozenset[str]]:
    """Flagged segment ids and station ids under the report's policy (none without one)."""
    if report.policy is None:
        return frozenset(), frozenset()
    flags = policy_flags(network, report.policy)
    return flags.flagged_segments(), flags.flagged_stations()


def route_strokes(route: Route, network: Network, flagged: frozenset[str]) -> list[Stroke]:
    """Every piece of a route: cable segments (flagged red) and backhaul (dashed)."""
    geometry_of = _segment_geometries(network)
    strokes = []
    for hop in route.hops:
        if hop.kind == "cable":
            cable = network.cables.get(hop.cable_id or "")
            planned = cable is not None and cable.planned
            for segment_id in hop.segment_ids:
                colour = route_colour(route.rank, segment_id in flagged)
                geometry = geometry_of[segment_id]
                strokes.append(Stroke(route.rank, geometry, colour, False, planned))
        else:
            path = [network.stations[s] for s in (hop.from_station, *hop.via, hop.to_station)]
            lons = np.unwrap(np.radians([s.lon for s in path])) * 180.0 / math.pi
            line = shapely.LineString(np.column_stack([lons, [s.lat for s in path]]))
            strokes.append(Stroke(route.rank, line, BACKHAUL, True))
    # A 0 km piece (two stations at one point, a degenerate drawn segment) draws nothing.
    return [s for s in strokes if shapely.length(s.geometry) > 0]


def _segment_geometries(network: Network) -> dict[str, shapely.Geometry]:
    segments = network.topology.segments
    return dict(zip(segments["segment_id"], segments.geometry, strict=True))


def key_colour(route: Route, strokes: Sequence[Stroke]) -> str:
    """The colour standing for a route in the legend and on its marker.

    Red when every cable piece of the route is flagged, else the route's own colour.
    """
    drawn = {s.colour for s in strokes if s.rank == route.rank and not s.dashed}
    return FLAGGED if drawn == {FLAGGED} else route_colour(route.rank, False)
