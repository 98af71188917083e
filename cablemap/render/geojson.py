"""GeoJSON (RFC 7946) of routes: each hop on its real cable geometry, and the stations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from cablemap.dataset.provenance import ATTRIBUTION
from cablemap.network.geometry import split_at_antimeridian

if TYPE_CHECKING:
    from cablemap.analysis.query import RouteReport
    from cablemap.network.graph import Network


def route_geojson(report: RouteReport, network: Network) -> dict[str, Any]:
    """A FeatureCollection: one feature per hop, then one per station the routes touch.

    Cable hops follow their segments' drawn geometry, cut at the antimeridian as RFC 7946
    asks; backhaul hops are straight lines marked ``"assumed": true``.
    """
    geometry_of = dict(
        zip(network.topology.segments.segment_id, network.topology.segments.geometry, strict=True)
    )
    features: list[dict[str, Any]] = []
    touched: dict[str, None] = {}
    for route in report.routes:
        for number, hop in enumerate(route.hops, start=1):
            touched[hop.from_station] = None
            touched[hop.to_station] = None
            if hop.kind == "cable":
                lines = [geometry_of[s] for s in hop.segment_ids]
                geometry = _multiline([np.asarray(line.coords) for line in lines])
            else:
                a, b = network.stations[hop.from_station], network.stations[hop.to_station]
                geometry = _multiline([np.array([[a.lon, a.lat], [b.lon, b.lat]])])
            properties = {"route": route.rank, "hop": number, **hop.as_dict()}
            properties["assumed"] = hop.kind == "backhaul"
            features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    for station_id in touched:
        station = network.stations[station_id]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [station.lon, station.lat]},
                "properties": {
                    "station": station.id,
                    "name": station.name,
                    "country": station.iso2,
                },
            }
        )
    summary = report.as_dict()
    summary["routes"] = [{k: v for k, v in r.items() if k != "hops"} for r in summary["routes"]]
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {**summary, "attribution": ATTRIBUTION},
    }


def _multiline(lines: list[np.ndarray]) -> dict[str, Any]:
    parts = [part for line in lines for part in split_at_antimeridian(line)]
    return shapely.geometry.mapping(shapely.MultiLineString(parts))
