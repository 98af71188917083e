"""The route figure: routes on their cables' real geometry, over the basemap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from matplotlib.collections import LineCollection

from cablemap.render.static.frame import (
    TEXT,
    agg_renderer,
    draw_basemap,
    draw_graticule,
    fit_extent,
    new_figure,
)
from cablemap.render.static.labels import Labeller, plain_text, short_name
from cablemap.render.static.legend import BACKHAUL_DASHES, place_legend
from cablemap.render.static.projection import central_longitude, in_view, into_window, wrap_into
from cablemap.render.static.route_captions import route_handles, route_subtitle
from cablemap.render.static.shapes import line_arrays
from cablemap.render.static.status import (
    OUT_OF_SERVICE,
    OUT_OF_SERVICE_DASHES,
    PLANNED_DASHES,
    out_of_service_cables,
)
from cablemap.render.static.strokes import (
    RouteStations,
    Stroke,
    drawable_routes,
    flag_sets,
    key_colour,
    route_strokes,
    route_width,
)
from cablemap.render.static.titles import data_note, decorate
from cablemap.render.style import FLAGGED, OTHER_CABLE, STATION
from cablemap.render.wording import route_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from cablemap.analysis.query import RouteReport
    from cablemap.analysis.routing import Route
    from cablemap.network.graph import Network


def route_figure(report: RouteReport, network: Network) -> Figure:
    """Draw a route report on a map: each route on its cables' real geometry.

    Segments a policy flags are red (``FLAGGED``), the rest in each route's colour
    (:func:`~cablemap.render.style.route_colour`); assumed backhaul is dashed; each
    route carries its rank in a circle; the stations the routes use are dots, their
    ends and changes labelled with short city names where labels do not collide.
    The map is plate carrée centred on the routes, so trans-Pacific routes stay whole.

    Parameters
    ----------
    report
        From :meth:`Network.route` (with ``policy=...`` to show flags).
    network
        The network the report was computed on.

    Returns
    -------
    matplotlib.figure.Figure
        7.5 x 4.5 in; save it with :func:`save_figure`.

    Raises
    ------
    UserError
        If the report holds no route.
    """
    routes = drawable_routes(report)
    flagged_segments, flagged_stations = flag_sets(network, report)
    strokes = [s for r in routes for s in route_strokes(r, network, flagged_segments)]
    stations = RouteStations()
    for route in routes:
        stations.add(route)
    sample = shapely.segmentize(np.array([s.geometry for s in strokes], dtype=object), 2.0)
    lons = shapely.get_coordinates(sample)[:, 0]
    centre = central_longitude(lons)
    with plain_text():
        title = route_title(report, network)
        fig, ax = new_figure(title)
        lines = _draw_strokes(ax, strokes, centre)
        xs, ys = _draw_route_stations(ax, network, stations, flagged_stations, centre)
        all_x = np.concatenate([xs, *(xy[:, 0] for xy in lines)])
        all_y = np.concatenate([ys, *(xy[:, 1] for xy in lines)])
        fit_extent(ax, all_x, all_y, centre, margin=0.1, min_span=8.0)
        draw_graticule(ax)
        draw_basemap(ax, centre)
        used = {seg for r in routes for h in r.hops for seg in h.segment_ids}
        out_shown = _draw_context(ax, network, centre, used, _left_out(network, report))
        markers = _rank_markers(ax, routes, strokes, centre) if len(routes) > 1 else []
        context = len(network.topology.segments) > len(used)
        handles = route_handles(routes, strokes, context=context, out_of_service=out_shown)
        renderer, line_points = agg_renderer(fig), _display_points(ax, lines)
        station_points = np.asarray(ax.transData.transform(np.column_stack([xs, ys])))
        place_legend(ax, handles, renderer, keep=station_points, avoid=line_points)
        labeller = Labeller(ax, renderer, line_points)
        for artist in (ax.get_legend(), *markers):
            labeller.block(artist)
        _label_route_stations(labeller, network, stations, xs, ys)
        decorate(fig, title, route_subtitle(report, routes), data_note(network), network)
    return fig


def _draw_strokes(ax: Axes, strokes: Sequence[Stroke], centre: float) -> list[np.ndarray]:
    """Draw route pieces grouped by (route, colour, dash); return the drawn vertex arrays."""
    pieces, owners = into_window(np.array([s.geometry for s in strokes], dtype=object), centre)
    lines, line_owner = line_arrays(pieces)
    source = owners[line_owner] if len(line_owner) else line_owner
    groups: dict[tuple[int, str, bool, bool], list[np.ndarray]] = {}
    for xy, index in zip(lines, source, strict=True):
        s = strokes[int(index)]
        groups.setdefault((s.rank, s.colour, s.dashed, s.planned), []).append(xy)
    for (rank, colour, dashed, planned), group in groups.items():
        style = BACKHAUL_DASHES if dashed else PLANNED_DASHES if planned else "solid"
        ax.add_collection(
            LineCollection(
                group,
                colors=colour,
                linewidths=1.0 if dashed else route_width(rank),
                linestyles=style,
                capstyle="round",
                joinstyle="round",
                zorder=6 if dashed else 4 + rank * 0.1,
            ),
            autolim=False,
        )
    return lines


def _draw_context(
    ax: Axes, network: Network, centre: float, skip: set[str], out: frozenset[str]
) -> bool:
    """Every other cable segment in view, faint, for context.

    Cables the question leaves out (``out``: planned, retired, non-commercial, ...) are
    dotted and lighter. Return whether any of them is in view.
    """
    segments = network.topology.segments
    others = segments[~segments["segment_id"].isin(skip).to_numpy()]
    away = others["cable_id"].isin(out).to_numpy()
    styles = (
        (~away, OTHER_CABLE, 0.35, "solid"),
        (away, OUT_OF_SERVICE, 0.4, OUT_OF_SERVICE_DASHES),
    )
    drawn = []
    for mask, colour, width, style in styles:
        geometries = np.asarray(others.geometry.values[mask], dtype=object)
        lines, _ = line_arrays(in_view(ax, geometries, centre)[0])
        ax.add_collection(
            LineCollection(
                lines, colors=colour, linewidths=width, linestyles=style, alpha=0.9, zorder=2
            ),
            autolim=False,
        )
        drawn.append(bool(lines))
    return drawn[1]


def _left_out(network: Network, report: RouteReport) -> frozenset[str]:
    """The cables the report's question left out (planned, retired, non-commercial, ...)."""
    filters = report.filters
    return out_of_service_cables(
        network,
        as_of=filters.as_of,
        include_planned=filters.include_planned,
        include_status=filters.include_status,
    )


def _rank_markers(
    ax: Axes, routes: Sequence[Route], strokes: Sequence[Stroke], centre: float
) -> list[Any]:
    """A numbered circle on each route's longest cable piece (staggered along shared ones)."""
    markers = []
    for position, route in enumerate(routes):
        cable = [s.geometry for s in strokes if s.rank == route.rank and not s.dashed]
        if not cable:
            continue
        lines, _ = line_arrays(into_window(np.array(cable, dtype=object), centre)[0])
        if not lines:
            continue
        longest = shapely.LineString(
            max(lines, key=lambda xy: shapely.length(shapely.LineString(xy)))
        )
        step = (position + 1) // 2 * (1 if position % 2 else -1)
        point = shapely.line_interpolate_point(longest, 0.5 + 0.14 * step, normalized=True)
        markers.append(
            ax.text(
                point.x,
                point.y,
                str(route.rank),
                ha="center",
                va="center",
                fontsize=5.5,
                weight="bold",
                color=TEXT,
                zorder=12,
                bbox={
                    "boxstyle": "circle,pad=0.25",
                    "facecolor": "white",
                    "edgecolor": key_colour(route, strokes),
                    "linewidth": 1.0,
                },
            )
        )
    return markers


def _draw_route_stations(
    ax: Axes, network: Network, stations: RouteStations, flagged: frozenset[str], centre: float
) -> tuple[np.ndarray, np.ndarray]:
    """Dots for the stations (ends larger, passed ones smaller); return their x and y."""
    size = {"end": 16.0, "change": 10.0, "via": 5.0}
    ordered = stations.ordered()
    infos = [network.stations[sid] for sid, _ in ordered]
    xs = wrap_into(np.array([s.lon for s in infos]), centre)
    ys = np.array([s.lat for s in infos])
    colours = [FLAGGED if sid in flagged else STATION for sid, _ in ordered]
    areas = [size[role] for _, role in ordered]
    ax.scatter(xs, ys, s=areas, c=colours, edgecolors="white", linewidths=0.5, zorder=10)
    return xs, ys


def _display_points(ax: Axes, lines: Sequence[np.ndarray]) -> np.ndarray:
    """Points every few pixels along the lines, in display coordinates (for labels to avoid)."""
    if not lines:
        return np.empty((0, 2))
    step = (ax.get_xlim()[1] - ax.get_xlim()[0]) / 400.0
    strings = np.array([shapely.LineString(xy) for xy in lines if len(xy) > 1], dtype=object)
    dense = shapely.segmentize(strings, step)
    return np.asarray(ax.transData.transform(shapely.get_coordinates(dense)))


def _label_route_stations(
    labeller: Labeller,
    network: Network,
    stations: RouteStations,
    xs: np.ndarray,
    ys: np.ndarray,
) -> None:
    """Label ends and changes (never passed-through stations), skipping collisions."""
    for (station_id, role), x, y in zip(stations.ordered(), xs, ys, strict=True):
        if role != "via":
            labeller.place(short_name(network.stations[station_id].name), float(x), float(y))
