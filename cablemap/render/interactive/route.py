"""The route map: the routes of a report on their real cable geometry.

A route map is centred on the shortest arc of longitude covering the route, and every
line of the route is shifted by whole turns into the 360-degree window around that
centre, so a route from the United States to Japan is drawn across the Pacific and the
view is fitted to it. Context layers (other cables) are cut at the window's edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import folium
import numpy as np
import shapely

from cablemap.network.geometry import unwrap_lons
from cablemap.policy.flags import policy_flags
from cablemap.policy.stations import StationExposure, station_exposure
from cablemap.render import style
from cablemap.render.interactive.basemap import _finish, _Map
from cablemap.render.interactive.classes import (
    BACKHAUL_CLASS,
    DIRECT_CLASS,
    FLAGGED_CLASS,
    ROUTE_CLASS,
    STATION_CLASS,
)
from cablemap.render.interactive.elements import _Bind
from cablemap.render.interactive.geometry import (
    WORLD_BOUNDS,
    _bounds,
    _latlon,
    _shift_line,
    _wrap_lon,
    centre_longitude,
)
from cablemap.render.interactive.layers import (
    _cable_names,
    _context_cables,
    _station_popup,
    _stations_layer,
)
from cablemap.render.interactive.markup import _e, _flags_html, _legend_html, _listed, _popup
from cablemap.render.shown import shown_routes

if TYPE_CHECKING:
    from cablemap.analysis.query import RouteReport
    from cablemap.analysis.routing import Hop, Route
    from cablemap.network.graph import Network
    from cablemap.policy.flags import Flag, PolicyFlags

ROUTE_DECIMALS = 5


@dataclass(frozen=True)
class _Piece:
    """One drawn line of a route: a cable segment, or a whole backhaul hop."""

    rank: int
    number: int
    hop_count: int
    hop: Hop
    segment_id: str | None
    coords: np.ndarray
    flags: tuple[Flag, ...]
    km: float


def _route_pieces(
    routes: Sequence[Route], network: Network, flags: PolicyFlags | None
) -> list[_Piece]:
    """One piece per cable segment of every cable hop, and one per backhaul hop."""
    segments = network.topology.segments
    geometry = dict(zip(segments["segment_id"], segments.geometry, strict=True))
    length = dict(zip(segments["segment_id"], segments["length_km"], strict=True))
    pieces = []
    for route in routes:
        for number, hop in enumerate(route.hops, start=1):
            common = (route.rank, number, len(route.hops), hop)
            if hop.kind != "cable":
                ids = (hop.from_station, *hop.via, hop.to_station)
                xy = unwrap_lons(
                    np.array([[network.stations[s].lon, network.stations[s].lat] for s in ids])
                )
                pieces.append(_Piece(*common, None, xy, hop.flags, hop.km))
                continue
            for segment_id in hop.segment_ids:
                found = flags.segments.get(segment_id, ()) if flags is not None else ()
                xy = shapely.get_coordinates(geometry[segment_id])
                pieces.append(_Piece(*common, segment_id, xy, found, float(length[segment_id])))
    return pieces


def _piece_line(piece: _Piece, network: Network, policy_name: str | None) -> folium.PolyLine:
    """The polyline of one piece, coloured and classed, with escaped popup and tooltip."""
    hop, flagged = piece.hop, bool(piece.flags)
    backhaul = hop.kind != "cable"
    colour = (
        style.FLAGGED
        if flagged
        else (style.BACKHAUL if backhaul else style.route_colour(piece.rank, False))
    )
    classes = [ROUTE_CLASS, f"{ROUTE_CLASS}-{piece.rank}"]
    classes += [FLAGGED_CLASS] if flagged else []
    classes += [BACKHAUL_CLASS] if backhaul else []
    line = folium.PolyLine(
        _latlon(piece.coords, ROUTE_DECIMALS),
        color=colour,
        weight=style.ROUTE_WEIGHT,
        opacity=0.9,
        dash_array=style.BACKHAUL_DASH if backhaul else None,
        class_name=" ".join(classes),
    )
    what = (
        f"Assumed terrestrial link ({hop.kind})"
        if backhaul
        else (hop.cable_name or hop.cable_id or "")
    )
    start, end = network.stations[hop.from_station], network.stations[hop.to_station]
    detail = (
        f"<div>Segment {_e(piece.segment_id)}: {piece.km:,.0f} km</div>"
        if piece.segment_id
        else f"<div>Via: {_listed([network.stations[s].name for s in hop.via])}</div>"
        if hop.via
        else ""
    )
    popup = _popup(
        f"<b>Route {piece.rank}</b>, hop {piece.number} of {piece.hop_count}: <b>{_e(what)}</b>",
        f"<div>{_e(start.name)} &rarr; {_e(end.name)}: {hop.km:,.0f} km</div>",
        detail,
        _flags_html(piece.flags, f"Flagged under {policy_name}") if policy_name else "",
    )
    tooltip = f"Route {piece.rank}: {_e(what)}" + (" (flagged)" if flagged else "")
    line.add_child(_Bind(popup, tooltip))
    return line


def _route_usage(routes: Sequence[Route]) -> dict[str, list[str]]:
    """Station id -> where the routes use it ("route 1 start", "route 2 hop 3"...)."""
    usage: dict[str, list[str]] = {}
    for route in routes:
        last = len(route.hops)
        for number, hop in enumerate(route.hops, start=1):
            for station, where in ((hop.from_station, number - 1), (hop.to_station, number)):
                label = "start" if where == 0 else "end" if where == last else f"after hop {where}"
                entry = f"route {route.rank} ({label})"
                if entry not in usage.setdefault(station, []):
                    usage[station].append(entry)
    return usage


def _station_marker(
    exposure: StationExposure,
    network: Network,
    names: dict[str, str],
    uses: list[str],
    centre: float,
) -> folium.CircleMarker:
    flagged = bool(exposure.station_flags)
    marker = folium.CircleMarker(
        [exposure.lat, _wrap_lon(exposure.lon, centre)],
        radius=6,
        color=style.FLAGGED if flagged else style.STATION,
        weight=2,
        fill=True,
        fill_color="#ffffff",
        fill_opacity=1.0,
        class_name=f"{STATION_CLASS} {FLAGGED_CLASS}" if flagged else STATION_CLASS,
    )
    extra = f"<div>On {_listed(uses)}</div>"
    popup = _station_popup(exposure, network, names, extra)
    marker.add_child(_Bind(popup, _e(exposure.name)))
    return marker


def _route_legend(report: RouteReport, routes: Sequence[Route], policy: str | None) -> str:
    entries = []
    for route in routes:
        count = len(route.cables)
        label = (
            f"Route {route.rank}: {route.km:,.0f} km, {route.latency_ms:.1f} ms, "
            f"{count} cable{'s' if count != 1 else ''}"
            + (", flagged" if route.flagged else "")
            + (f" ({route.note})" if route.note else "")
        )
        kind = "flagged-route" if route.flagged else "solid"
        entries.append((label, style.route_colour(route.rank, False), kind))
    known = {colour: label for label, colour, _ in style.LEGEND}
    if policy:
        entries.append((known[style.FLAGGED], style.FLAGGED, "solid"))
    if report.direct_cables:
        entries.append(
            (
                f"Direct cable (lands in both; {len(report.direct_cables)})",
                style.DIRECT_CABLE,
                "solid",
            )
        )
    if any(hop.kind != "cable" for route in routes for hop in route.hops):
        entries.append((known[style.BACKHAUL], style.BACKHAUL, "dashed"))
    entries.append((known[style.OTHER_CABLE], style.OTHER_CABLE, "solid"))
    entries.append(("Landing station on a route", style.STATION, "dot"))
    if policy:
        entries.append(("Risky station (layer; size: share flagged)", style.FLAGGED, "dot-filled"))
    notes = [f"Policy: {policy}" if policy else "No policy applied"]
    if report.clean is not None and not report.clean.get("clean_route_exists", True):
        notes.append("No route avoids every flagged hop: the best (flagged) route is shown")
    if report.provenance is not None:
        notes.append(f"Data: {report.provenance.short()}")
    else:
        notes.append(f"Data snapshot {report.snapshot_id}")
    title = f"{report.origin.name} \u2192 {report.destination.name}"
    return _legend_html(title, notes, entries)


def route_map(report: RouteReport, network: Network) -> folium.Map:
    """Draw the routes of a report on an interactive map.

    Parameters
    ----------
    report
        The answer of :meth:`Network.route` (with a policy, flagged segments are red).
    network
        The network the report was computed on.

    Returns
    -------
    folium.Map
        Layers "Routes" (one line per cable segment and per backhaul hop, one marker
        per station the routes touch), "All cables" and, with a policy, "Risky
        stations"; a legend; the view fitted to the routes, across the antimeridian
        where they cross it.
    """
    routes = shown_routes(report)
    flags = policy_flags(network, report.policy) if report.policy is not None else None
    policy = (
        f"{report.policy.name} {report.policy.date_label}" if report.policy is not None else None
    )
    pieces = _route_pieces(routes, network, flags)
    usage = _route_usage(routes)
    exposures = station_exposure(network.dataset, flags)
    points = np.array([[network.stations[s].lon, network.stations[s].lat] for s in usage])
    points = points.reshape(-1, 2)
    centre = centre_longitude(np.concatenate([p.coords[:, 0] for p in pieces] + [points[:, 0]]))
    pieces = [replace(p, coords=_shift_line(p.coords, centre)) for p in pieces]
    points[:, 0] = [_wrap_lon(lon, centre) for lon in points[:, 0]]
    every = np.concatenate([p.coords for p in pieces] + [points])
    middle = float(np.mean(points[:, 1])) if len(points) else 20.0
    m = _Map(f"cablemap: {report.origin.name} to {report.destination.name}", [middle, centre])
    m.add_child(_context_cables(network, centre))
    if report.direct_cables:
        direct = frozenset(c.id for c in report.direct_cables)
        m.add_child(
            _context_cables(
                network,
                centre,
                name=f"Direct cables ({len(direct)})",
                only=direct,
                colour=style.DIRECT_CABLE,
                weight=style.CABLE_WEIGHT + 0.6,
                class_name=DIRECT_CLASS,
            )
        )
    if flags is not None:
        risky = [e for e in exposures if e.risky]
        m.add_child(_stations_layer(risky, network, centre, name="Risky stations", show=False))
    group = folium.FeatureGroup(name="Routes")
    for piece in sorted(pieces, key=lambda p: -p.rank):  # route 1 drawn last, on top
        group.add_child(_piece_line(piece, network, policy))
    by_id = {e.id: e for e in exposures if e.id in usage}
    names = _cable_names(network)
    for station_id, uses in usage.items():
        if station_id in by_id:
            group.add_child(_station_marker(by_id[station_id], network, names, uses, centre))
    m.add_child(group)
    bounds = _bounds(every) if len(every) else [list(b) for b in WORLD_BOUNDS]
    m.attributions[0] = network.provenance.attribution  # with overlays and licences
    return _finish(m, _route_legend(report, routes, policy), bounds)
