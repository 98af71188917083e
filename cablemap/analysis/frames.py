"""A route answer as tables: one row per route, and the routes as GIS lines.

Rows are the answer's routes, then its best clean route when none of them is it (noted
``"best clean route"``), as maps and images show them. Fields are scalars only (lists
joined with ``"; "``), so the table reads the same from GeoPackage, GeoParquet and GeoJSON.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from cablemap.analysis.query import RouteReport
    from cablemap.analysis.routing import Route
    from cablemap.network.graph import Network

SEPARATOR = "; "


def listed_routes(report: RouteReport) -> tuple[Route, ...]:
    """The routes of the answer, then its best clean route when it is none of them."""
    routes = report.routes
    clean = report.clean_route
    if clean is not None and all(clean.cables != route.cables for route in routes):
        routes = (*routes, replace(clean, rank=len(routes) + 1, note="best clean route"))
    return routes


def routes_frame(report: RouteReport) -> pd.DataFrame:
    """One row per route: rank, km, latency, cables and countries; with a policy, flags."""
    import pandas as pd

    routes = listed_routes(report)
    frame = pd.DataFrame(
        {
            "rank": [r.rank for r in routes],
            "note": [r.note or None for r in routes],
            "from_place": [report.origin.name] * len(routes),
            "to_place": [report.destination.name] * len(routes),
            "km": [r.km for r in routes],
            "latency_ms": [r.latency_ms for r in routes],
            "rtt_ms": [r.rtt_ms for r in routes],
            "cost": [r.cost for r in routes],
            "hops": [len(r.hops) for r in routes],
            "cable_count": [len(r.cables) for r in routes],
            "cables": [SEPARATOR.join(r.cables) or None for r in routes],
            "cable_names": [_names(r) for r in routes],
            "transit_countries": [SEPARATOR.join(r.transit_countries) or None for r in routes],
            "assumed_km": [float(sum(h.km for h in r.hops if h.kind != "cable")) for r in routes],
        }
    )
    if report.policy is not None:
        frame["flagged"] = [r.flagged for r in routes]
        frame["flagged_hops"] = [sum(bool(h.flags) for h in r.hops) for r in routes]
        frame["flag_rules"] = [
            SEPARATOR.join(dict.fromkeys(f.rule for h in r.hops for f in h.flags)) or None
            for r in routes
        ]
    return frame


def routes_geodataframe(report: RouteReport) -> gpd.GeoDataFrame:
    """:func:`routes_frame` with one MultiLineString per route, valid in EPSG:4326.

    Cable hops follow their segments' drawn lines, assumed terrestrial hops the great
    circle through the stations they pass; lines are cut at the antimeridian.

    Raises
    ------
    ValueError
        If the answer carries no network (one made by hand, not by ``trace_routes``).
    """
    import geopandas as gpd
    import shapely

    from cablemap.network.antimeridian import lines_for_export

    if report.network is None:
        raise ValueError("this route answer has no network to take the cables' lines from")
    segments = report.network.topology.segments
    geometry_of = dict(zip(segments["segment_id"], segments.geometry, strict=True))
    lines = [_route_line(r, report.network, geometry_of) for r in listed_routes(report)]
    return gpd.GeoDataFrame(
        routes_frame(report),
        geometry=list(lines_for_export(shapely.MultiLineString(ls) for ls in lines)),
        crs="EPSG:4326",
    )


def _route_line(route: Route, network: Network, geometry_of: dict[str, object]) -> list[object]:
    """The lines of every hop of a route, in order (unwrapped longitudes allowed)."""
    from cablemap.network.layers import great_circle

    lines: list[object] = []
    for hop in route.hops:
        if hop.kind == "cable":
            lines.extend(geometry_of[s] for s in hop.segment_ids)
            continue
        stops = [network.stations[s] for s in (hop.from_station, *hop.via, hop.to_station)]
        lines.extend(great_circle(a, b) for a, b in pairwise(stops))
    return lines


def _names(route: Route) -> str | None:
    names = dict.fromkeys(h.cable_name for h in route.hops if h.cable_name)
    return SEPARATOR.join(n for n in names if n) or None
