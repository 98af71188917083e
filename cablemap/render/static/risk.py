"""The risk figure: every cable segment by flag status, stations by exposure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from matplotlib.collections import LineCollection

from cablemap.render.static.clusters import merge_nearby
from cablemap.render.static.frame import (
    TEXT,
    agg_renderer,
    draw_basemap,
    draw_graticule,
    fit_extent,
    fit_world,
    new_figure,
)
from cablemap.render.static.labels import Labeller, plain_text, short_name
from cablemap.render.static.legend import (
    LEGEND_LABEL,
    line_handle,
    marker_handle,
    place_legend,
)
from cablemap.render.static.projection import central_longitude, in_view, world_centre, wrap_into
from cablemap.render.static.shapes import line_arrays
from cablemap.render.static.status import (
    OUT_OF_SERVICE,
    OUT_OF_SERVICE_DASHES,
    OUT_OF_SERVICE_LABEL,
    PLANNED_DASHES,
    PLANNED_LABEL,
    planned_cables,
)
from cablemap.render.static.titles import data_note, decorate
from cablemap.render.style import CLEAN, FLAGGED, STATION

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from cablemap.network.graph import Network
    from cablemap.policy.flags import PolicyFlags


def _exposure_area(exposure: float, *, world: bool = False) -> float:
    """Marker area (points²) of a station by the share of its cables a policy flags.

    On a world map a third of a country map's, so that the stations of a busy coast
    (Hong Kong, Taiwan, Japan, Singapore) stay apart instead of merging into one blob.
    """
    return (7.0 + 55.0 * exposure) / (3.0 if world else 1.0)


CLEAN_STATION_AREA = {False: 3.0, True: 1.2}
"""Marker area (points²) of a station with no flagged cable: country map, world map."""


def risk_figure(
    network: Network,
    flags: PolicyFlags,
    *,
    country: str | Sequence[str] | None = None,
    as_of: int | None = None,
    include_planned: bool = False,
) -> Figure:
    """Draw what a policy flags: every cable segment by flag status, stations by exposure.

    Parameters
    ----------
    network
        A built network.
    flags
        ``policy_flags(network, policy)``.
    country
        A place (country name or ISO code, subdivision, city, station id), or several
        (each may be a comma list, as ``--country`` takes them), to show only the cables
        landing there and their stations, framed on them; default: the world.
    as_of, include_planned
        Draw and count the cables in service in this year (default: this year), and the
        planned ones too if asked, as ``route`` uses them.

    Returns
    -------
    matplotlib.figure.Figure
        7.5 x 4.5 in; save it with :func:`save_figure`.

    Raises
    ------
    UnknownPlaceError, NoLandingStationError
        If ``country`` is not a country with landing stations.
    """
    from cablemap.analysis.places import resolve_scope
    from cablemap.analysis.stations import service_year
    from cablemap.policy.stations import station_exposure

    place = resolve_scope(network.places, [country] if isinstance(country, str) else country or ())
    within = place.station_ids if place is not None else None
    service = service_year(network, as_of, include_planned)
    drawn = _risk_segments(network, within)
    out = drawn["cable_id"].isin(service.not_built).to_numpy()
    segments = drawn[~out]
    exposures = [
        e
        for e in station_exposure(network.dataset, flags, excluded=service.excluded)
        if within is None or e.id in within
    ]
    geometries = np.asarray(segments.geometry.values, dtype=object)
    lons = np.array([s.lon for s in exposures])
    centre = central_longitude(lons) if place is not None else world_centre(geometries)
    flagged = segments["segment_id"].isin(flags.flagged_segments()).to_numpy()
    title = (
        f"{place.name}: cables and landing stations under {flags.policy.label}"
        if place is not None
        else f"Cables and landing stations flagged under {flags.policy.label}"
    )
    counts = _risk_subtitle(segments, flagged, exposures, labelled=place is not None)
    subtitle = f"Cables in service in {service.year}{_AND_PLANNED[include_planned]}: {counts}"
    world = place is None
    planned = segments["cable_id"].isin(planned_cables(network, set(segments["cable_id"])))
    with plain_text():
        fig, ax = new_figure(title)
        xs = wrap_into(np.array([s.lon for s in exposures]), centre)
        ys = np.array([s.lat for s in exposures])
        if world:
            fit_world(ax, centre)
        else:
            fit_extent(ax, xs, ys, centre, margin=0.15, min_span=12.0)
        draw_graticule(ax)
        draw_basemap(ax, centre, highlight=place.countries if place is not None else None)
        lines = _draw_flag_lines(ax, geometries, flagged, planned.to_numpy(), centre)
        _draw_exposure(ax, exposures, xs, ys, world=world)
        shown_out = _draw_out_of_service(ax, np.asarray(drawn.geometry.values[out]), centre)
        handles = _risk_handles(world=world, planned=bool(planned.any()), out=shown_out)
        _place_risk_legend(fig, ax, handles, exposures, np.column_stack([xs, ys]), lines)
        if not world:
            _label_exposed(fig, ax, exposures, xs, ys)
        decorate(fig, title, subtitle, data_note(network), network)
    return fig


_AND_PLANNED = {False: "", True: " (and planned)"}


def _place_risk_legend(
    fig: Figure,
    ax: Axes,
    handles: list[Line2D],
    exposures: Sequence[Any],
    xy: np.ndarray,
    lines: Sequence[np.ndarray],
) -> None:
    """The legend where it covers no flagged station, and the fewest others and lines.

    A station with no flagged cable weighs as much as ten points of line.
    """
    risky = np.array([s.risky for s in exposures], dtype=bool)
    points = np.asarray(ax.transData.transform(xy.reshape(-1, 2)))
    avoid = np.concatenate([np.repeat(points[~risky], 10, axis=0), _sample(ax, lines)])
    place_legend(ax, handles, agg_renderer(fig), keep=points[risky], avoid=avoid)


def _risk_segments(network: Network, within: frozenset[str] | None) -> Any:
    """The topology's segments: all, or those of the cables landing at these stations."""
    segments = network.topology.segments
    if within is None:
        return segments
    cables = {c for s in within for c in network.station_cables.get(s, ())}
    return segments[segments["cable_id"].isin(cables)]


def _draw_flag_lines(
    ax: Axes, geometries: np.ndarray, flagged: np.ndarray, planned: np.ndarray, centre: float
) -> list[np.ndarray]:
    """Segments red when flagged, blue when clean; planned cables dashed.

    Returns the drawn vertex arrays (data coordinates).
    """
    drawn: list[np.ndarray] = []
    for mask, colour, width, zorder in ((~flagged, CLEAN, 0.45, 3), (flagged, FLAGGED, 0.75, 4)):
        for is_planned, style in ((False, "solid"), (True, PLANNED_DASHES)):
            chosen = mask & (planned == is_planned)
            lines, _ = line_arrays(in_view(ax, geometries[chosen], centre)[0])
            ax.add_collection(
                LineCollection(
                    lines,
                    colors=colour,
                    linewidths=width,
                    linestyles=style,
                    alpha=0.85,
                    zorder=zorder,
                ),
                autolim=False,
            )
            drawn.extend(lines)
    return drawn


def _draw_out_of_service(ax: Axes, geometries: np.ndarray, centre: float) -> bool:
    """Cables not in service in the year drawn, dotted light grey; whether any is in view."""
    lines, _ = line_arrays(in_view(ax, np.asarray(geometries, dtype=object), centre)[0])
    ax.add_collection(
        LineCollection(
            lines,
            colors=OUT_OF_SERVICE,
            linewidths=0.45,
            linestyles=OUT_OF_SERVICE_DASHES,
            zorder=2,
        ),
        autolim=False,
    )
    return bool(lines)


def _sample(ax: Axes, lines: Sequence[np.ndarray]) -> np.ndarray:
    """Points along the lines every 1/200 of the map's width, in display coordinates."""
    strings = [shapely.LineString(xy) for xy in lines if len(xy) > 1]
    if not strings:
        return np.empty((0, 2))
    step = (ax.get_xlim()[1] - ax.get_xlim()[0]) / 200.0
    dense = shapely.segmentize(np.array(strings, dtype=object), step)
    return np.asarray(ax.transData.transform(shapely.get_coordinates(dense)))


def _draw_exposure(
    ax: Axes, exposures: Sequence[Any], xs: np.ndarray, ys: np.ndarray, *, world: bool
) -> None:
    """Stations as dots, area by exposure, red when anything there is flagged.

    On a world map, flagged stations closer than the largest dot are drawn as one dot,
    that of the most exposed (:func:`merge_nearby`): a dot then stands for a place.
    """
    risky = np.array([s.risky for s in exposures], dtype=bool)
    exposure = np.array([s.exposure for s in exposures], dtype=float)
    shown = np.ones(len(exposures), dtype=bool)
    if world and risky.any():
        spacing = math.sqrt(_exposure_area(1.0, world=True)) * ax.figure.dpi / 72.0
        points = np.asarray(ax.transData.transform(np.column_stack([xs, ys])))[risky]
        owner = merge_nearby(points, exposure[risky], spacing)
        shown[np.flatnonzero(risky)] = owner == np.arange(len(owner))
    order = np.flatnonzero(shown)[np.argsort(exposure[shown], kind="stable")]  # most on top
    ax.scatter(
        xs[order],
        ys[order],
        s=[
            _exposure_area(exposure[i], world=world) if risky[i] else CLEAN_STATION_AREA[world]
            for i in order
        ],
        c=[FLAGGED if risky[i] else STATION for i in order],
        alpha=0.75,
        edgecolors="white",
        linewidths=0.3,
        zorder=8,
    )


def _risk_handles(*, world: bool, planned: bool, out: bool) -> list[Line2D]:
    """Legend entries: flagged and clean lines, planned and out-of-service ones if drawn, dots."""
    handles = [
        line_handle(LEGEND_LABEL[FLAGGED], FLAGGED, 1.5),
        line_handle("Clean segment", CLEAN, 1.0),
    ]
    if planned:
        handles.append(line_handle(PLANNED_LABEL, TEXT, 1.0, style=PLANNED_DASHES))
    if out:
        handles.append(
            line_handle(OUT_OF_SERVICE_LABEL, OUT_OF_SERVICE, 1.0, style=OUT_OF_SERVICE_DASHES)
        )
    return [
        *handles,
        marker_handle(
            "Station: all flagged or excluded",
            FLAGGED,
            _exposure_area(1.0, world=world),
        ),
        marker_handle(
            "Station: half its cables flagged", FLAGGED, _exposure_area(0.5, world=world)
        ),
        marker_handle("Station: no cable flagged", STATION, CLEAN_STATION_AREA[world]),
    ]


def _label_exposed(
    fig: Figure, ax: Axes, exposures: Sequence[Any], xs: np.ndarray, ys: np.ndarray
) -> None:
    """Label the most exposed stations (up to 10) with their flagged/total cables."""
    labeller = Labeller(ax, agg_renderer(fig))
    legend = ax.get_legend()
    if legend is not None:
        labeller.block(legend)
    placed = 0
    for station, x, y in zip(exposures, xs, ys, strict=True):
        if placed >= 10 or not station.risky:
            break
        text = f"{short_name(station.name)} {len(station.flagged_cables)}/{len(station.cables)}"
        placed += labeller.place(text, float(x), float(y), size=5.5)


def _risk_subtitle(
    segments: Any, flagged: np.ndarray, exposures: Sequence[Any], *, labelled: bool
) -> str:
    km = segments["length_km"].to_numpy(dtype=float)
    risky = sum(1 for s in exposures if s.risky)
    labels = "; labels: flagged / all cables at a station" if labelled else ""
    return (
        f"{int(flagged.sum()):,} of {len(segments):,} cable segments flagged "
        f"({km[flagged].sum():,.0f} of {km.sum():,.0f} km); "
        f"{risky:,} of {len(exposures):,} landing stations have a flagged cable{labels}"
    )
