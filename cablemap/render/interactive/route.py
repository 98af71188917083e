"""The route map: the routes of a report on their real cable geometry.

A route map is centred on the shortest arc of longitude covering the route, and every
line of the route is shifted by whole turns into the 360-degree window around that
centre, so a route from the United States to Japan is drawn across the Pacific and the
view is fitted to it. Context layers (other cables) are moved into that window whole.

Route 1 is drawn first and widest, each later route narrower on top of it, with a white
band under a piece that runs on a segment an earlier route uses, so that no route hides
another. The stations are named (:mod:`~cablemap.render.interactive.layout` places the
names and the legend in the browser); a route's two ends are larger dark dots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import folium
import numpy as np
import shapely

from cablemap.analysis.stations import service_year
from cablemap.network.geometry import unwrap_lons
from cablemap.policy.flags import policy_flags
from cablemap.policy.stations import StationExposure, station_exposure
from cablemap.render import style
from cablemap.render.interactive.basemap import _finish, _Map
from cablemap.render.interactive.classes import (
    BACKHAUL_CLASS,
    CASING_CLASS,
    DIRECT_CLASS,
    END_CLASS,
    FLAGGED_CLASS,
    NOT_ROUTED_CLASS,
    PLANNED_CLASS,
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
    PLANNED_DASH,
    _cable_names,
    _context_cables,
    _station_popup,
    _stations_layer,
)
from cablemap.render.interactive.layout import Label
from cablemap.render.interactive.markup import _e, _flags_html, _legend_html, _listed, _popup
from cablemap.render.interactive.names import short_cable_name, station_city
from cablemap.render.shown import shown_routes

if TYPE_CHECKING:
    from cablemap.analysis.query import RouteReport
    from cablemap.analysis.routing import Hop, Route
    from cablemap.network.graph import Network
    from cablemap.policy.flags import Flag, PolicyFlags

ROUTE_DECIMALS = 5
ROUTE_WEIGHTS = (8.0, 4.5, 2.5)
"""Line widths (pixels) of routes 1, 2, 3; later routes take the last, or at least
:data:`MIN_ROUTE_WEIGHT`."""
MIN_ROUTE_WEIGHT = 2.0
CASING_PX = 1.5
"""A route drawn on a segment an earlier route also uses gets a white band this much wider."""


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
    planned: bool = False
    """The hop's cable is not in service yet (planned, or ready for service later)."""
    between: tuple[str, str] = ("", "")
    """Names of the segment's two ends: stations, or "a branching unit at sea"."""
    status: str | None = None
    """The cable's status when the overlay keeps it out of routes by default (military,
    non-commercial, ...) and the question brought it back (``include_status``)."""


def _route_pieces(
    routes: Sequence[Route],
    network: Network,
    flags: PolicyFlags | None,
    planned: frozenset[str] = frozenset(),
    out: frozenset[str] = frozenset(),
) -> list[_Piece]:
    """One piece per cable segment of every cable hop, and one per backhaul hop.

    ``planned``: cables not yet in service in the report's year (their pieces are dashed);
    ``out``: cables the status overlay keeps out of routes by default (dotted).
    """
    segments = network.topology.segments
    geometry = dict(zip(segments["segment_id"], segments.geometry, strict=True))
    length = dict(zip(segments["segment_id"], segments["length_km"], strict=True))
    ends = zip(segments["from_node"].tolist(), segments["to_node"].tolist(), strict=True)
    nodes = dict(zip(segments["segment_id"].tolist(), ends, strict=True))
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
                km = float(length[segment_id])
                later = hop.cable_id in planned
                first, last = nodes[segment_id]
                between = (_node_name(network, first), _node_name(network, last))
                status = network.cables[hop.cable_id].status if hop.cable_id in out else None
                piece = _Piece(*common, segment_id, xy, found, km, later, between, status)
                pieces.append(piece)
    return pieces


def _route_weight(rank: int) -> float:
    """Line width of route ``rank`` in pixels: route 1 widest, each next one narrower.

    Routes are drawn in rank order, so where two routes share a cable the narrower
    later route runs inside the wider one and both stay visible.
    """
    return max(ROUTE_WEIGHTS[min(rank, len(ROUTE_WEIGHTS)) - 1], MIN_ROUTE_WEIGHT)


def _piece_line(
    piece: _Piece, network: Network, policy_name: str | None, *, several: bool
) -> folium.PolyLine:
    """The polyline of one piece, coloured and classed, with escaped popup and tooltip.

    ``several``: the map draws more than one route (route 1 is then a little
    transparent, so that a narrower route on the same cable shows through its colour).
    """
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
    classes += [PLANNED_CLASS] if piece.planned else []
    classes += [NOT_ROUTED_CLASS] if piece.status else []
    dash = (
        style.BACKHAUL_DASH
        if backhaul
        else PLANNED_DASH
        if piece.planned
        else style.NOT_ROUTED_DASH
        if piece.status
        else None
    )
    line = folium.PolyLine(
        _latlon(piece.coords, ROUTE_DECIMALS),
        color=colour,
        weight=_route_weight(piece.rank),
        opacity=0.75 if several and piece.rank == 1 else 0.95,
        dash_array=dash,
        class_name=" ".join(classes),
    )
    what = (
        f"Assumed terrestrial link ({hop.kind})"
        if backhaul
        else (hop.cable_name or hop.cable_id or "")
    ) + (" (planned: not in service yet)" if piece.planned else "")
    what += f" ({piece.status}: not routed over unless asked for)" if piece.status else ""
    start, end = network.stations[hop.from_station], network.stations[hop.to_station]
    detail = (
        f"<div>This segment: {_e(piece.between[0])} &ndash; {_e(piece.between[1])}, "
        f"{piece.km:,.0f} km</div>"
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


def _routes_group(
    pieces: Sequence[_Piece],
    usage: dict[str, list[str]],
    ends: set[str],
    exposures: dict[str, StationExposure],
    network: Network,
    policy: str | None,
    centre: float,
) -> folium.FeatureGroup:
    """Layer "Routes": the pieces, route 1 first and widest, then the station markers."""
    group = folium.FeatureGroup(name="Routes")
    several = len({p.rank for p in pieces}) > 1
    for piece in sorted(pieces, key=lambda p: p.rank):
        if piece.segment_id in _drawn_below(pieces, piece.rank):
            group.add_child(_casing(piece))
        group.add_child(_piece_line(piece, network, policy, several=several))
    names = _cable_names(network)
    for station_id, uses in usage.items():
        if station_id in exposures:
            end = station_id in ends
            marker = _station_marker(exposures[station_id], network, names, uses, centre, end=end)
            group.add_child(marker)
    return group


def _drawn_below(pieces: Sequence[_Piece], rank: int) -> set[str]:
    """The segments of the routes ranked before ``rank`` (drawn under it)."""
    return {p.segment_id for p in pieces if p.rank < rank and p.segment_id}


def _casing(piece: _Piece) -> folium.PolyLine:
    """A white band under a piece that runs on a segment an earlier route also uses.

    The earlier, wider route then shows on both sides of the white band, and the later
    route inside it, even when both are red (flagged).
    """
    return folium.PolyLine(
        _latlon(piece.coords, ROUTE_DECIMALS),
        color="#ffffff",
        weight=_route_weight(piece.rank) + CASING_PX,
        opacity=0.9,
        interactive=False,
        class_name=CASING_CLASS,
    )


def _node_name(network: Network, node: str) -> str:
    """A segment end's name: its station's, or "a branching unit at sea"."""
    station = network.stations.get(node)
    return station.name if station is not None else "a branching unit at sea"


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
    *,
    end: bool,
) -> folium.CircleMarker:
    """A white dot (red outline: flagged station); a route's start or end larger, dark."""
    flagged = bool(exposure.station_flags)
    classes = [STATION_CLASS] + ([FLAGGED_CLASS] if flagged else []) + ([END_CLASS] if end else [])
    marker = folium.CircleMarker(
        [exposure.lat, _wrap_lon(exposure.lon, centre)],
        radius=7 if end else 5,
        color=style.FLAGGED if flagged else style.STATION,
        weight=3 if end else 2,
        fill=True,
        fill_color=style.STATION if end and not flagged else "#ffffff",
        fill_opacity=1.0,
        class_name=" ".join(classes),
    )
    extra = f"<div>On {_listed(uses)}</div>"
    popup = _station_popup(exposure, network, names, extra)
    marker.add_child(_Bind(popup, _e(exposure.name)))
    return marker


def _route_label(route: Route) -> str:
    """A route's legend line: its cables by short name, km, one-way ms, flagged, note."""
    names = list(
        dict.fromkeys(
            short_cable_name(hop.cable_name or hop.cable_id or "")
            for hop in route.hops
            if hop.kind == "cable"
        )
    )
    shown = names if len(names) <= 3 else [*names[:2], f"{len(names) - 2} more"]
    cables = " + ".join(shown) if shown else "over land"
    return (
        f"Route {route.rank}: {cables}, {route.km:,.0f} km, {route.latency_ms:.1f} ms"
        + (", flagged" if route.flagged else "")
        + (f" ({route.note})" if route.note else "")
    )


def _route_legend(
    report: RouteReport,
    routes: Sequence[Route],
    title: str,
    pieces: Sequence[_Piece],
    context: tuple[bool, bool],
) -> str:
    """The legend: the routes, then the line and marker styles drawn, then the notes.

    ``context``: whether the context layer has planned cables, and cables the status
    overlay keeps out of routes.
    """
    policy = report.policy.label if report.policy is not None else None
    entries = []
    for route in routes:
        kind = "flagged-route" if route.flagged else "solid"
        entries.append((_route_label(route), style.route_colour(route.rank, False), kind))
    known = {colour: label for label, colour, _ in style.LEGEND}
    if policy:
        entries.append((known[style.FLAGGED], style.FLAGGED, "solid"))
    if report.direct_cables:
        count = len(report.direct_cables)
        entries.append((f"Direct cable (lands in both; {count})", style.DIRECT_CABLE, "solid"))
    if any(hop.kind != "cable" for route in routes for hop in route.hops):
        entries.append((known[style.BACKHAUL], style.BACKHAUL, "dashed"))
    if any(p.planned for p in pieces) or context[0]:
        entries.append(("Planned cable (not in service yet)", style.OTHER_CABLE, "dashed"))
    if context[1] or any(p.status for p in pieces):
        entries.append(
            ("Not routed over: retired, military, non-commercial", style.NOT_ROUTED, "dotted")
        )
    entries.append((known[style.OTHER_CABLE], style.OTHER_CABLE, "solid"))
    entries.append(("Route start or end", style.STATION, "dot-end"))
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
    return _legend_html(title, notes, entries)


def _labels(
    usage: dict[str, list[str]], ends: set[str], network: Network, centre: float
) -> list[Label]:
    """A label per station the routes use: its city, and for a route end its country code."""
    labels = []
    for station_id in usage:
        station = network.stations[station_id]
        city = station_city(station.name)
        end = station_id in ends
        text = f"{city} ({station.iso2})" if end else city
        labels.append(Label(text, _wrap_lon(station.lon, centre), station.lat, end))
    return labels


def _route_ends(routes: Sequence[Route]) -> set[str]:
    """The stations where the routes start or end."""
    return {s for r in routes if r.hops for s in (r.hops[0].from_station, r.hops[-1].to_station)}


def _sampled(pieces: Sequence[_Piece], step_km: float = 150.0) -> list[tuple[float, float]]:
    """Points along the route lines (about one per ``step_km``) for the legend to avoid."""
    points: list[tuple[float, float]] = []
    for piece in pieces:
        count = max(2, min(len(piece.coords), int(piece.km / step_km) + 2))
        index = np.linspace(0, len(piece.coords) - 1, count).round().astype(int)
        points += [(float(x), float(y)) for x, y in piece.coords[index]]
    return points


def _route_heading(report: RouteReport, network: Network, routes: Sequence[Route]) -> str:
    """The map's title: the same words as the static image's (``route_title``)."""
    from cablemap.render.wording import route_title

    return route_title(report, network)


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
        Layers "Routes" (one line per cable segment and per backhaul hop, route 1
        widest and lowest; one marker per station the routes touch, the ends larger),
        "Station names" (each station's city, the ends with their country), "All
        cables" (planned ones dashed) and, with a policy, "Risky stations"; a legend
        placed clear of the route ends; the view fitted to the routes, across the
        antimeridian where they cross it.
    """
    routes = shown_routes(report)
    flags = policy_flags(network, report.policy) if report.policy is not None else None
    policy = report.policy.label if report.policy is not None else None
    service = service_year(network, report.filters.as_of, False)
    out = service.excluded - service.not_built
    pieces = _route_pieces(routes, network, flags, service.not_built, out)
    usage = _route_usage(routes)
    ends = _route_ends(routes)
    exposures = station_exposure(network.dataset, flags)
    points = np.array([[network.stations[s].lon, network.stations[s].lat] for s in usage])
    points = points.reshape(-1, 2)
    centre = centre_longitude(np.concatenate([p.coords[:, 0] for p in pieces] + [points[:, 0]]))
    pieces = [replace(p, coords=_shift_line(p.coords, centre)) for p in pieces]
    points[:, 0] = [_wrap_lon(lon, centre) for lon in points[:, 0]]
    every = np.concatenate([p.coords for p in pieces] + [points])
    middle = float(np.mean(points[:, 1])) if len(points) else 20.0
    title = _route_heading(report, network, routes) if routes else report.origin.name
    m = _Map(title, [middle, centre])
    context = _context_cables(network, centre, planned=service.not_built, out=out)
    m.add_child(context)
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
                planned=service.not_built,
            )
        )
    if flags is not None:
        risky = [e for e in exposures if e.risky]
        m.add_child(_stations_layer(risky, network, centre, name="Risky stations", show=False))
    by_id = {e.id: e for e in exposures if e.id in usage}
    m.add_child(_routes_group(pieces, usage, ends, by_id, network, policy, centre))
    bounds = _bounds(every) if len(every) else [list(b) for b in WORLD_BOUNDS]
    kinds = (bool(service.not_built), bool(out))
    legend = _route_legend(report, routes, title, pieces, kinds)
    end_points = [
        (float(x), float(y)) for (x, y), s in zip(points, usage, strict=True) if s in ends
    ]
    avoid = [(float(x), float(y)) for x, y in points] + _sampled(pieces)
    labels = _labels(usage, ends, network, centre)
    m.attributions[0] = network.provenance.attribution  # with overlays and licences
    return _finish(m, legend, bounds, labels=labels, ends=end_points, avoid=avoid)
