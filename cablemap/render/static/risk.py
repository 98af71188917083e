"""The risk figure: every cable segment by flag status, stations by exposure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.collections import LineCollection

from cablemap.render.static.frame import (
    agg_renderer,
    draw_basemap,
    draw_graticule,
    fit_extent,
    new_figure,
)
from cablemap.render.static.labels import Labeller, plain_text, short_name
from cablemap.render.static.legend import (
    LEGEND_LABEL,
    add_legend,
    line_handle,
    marker_handle,
    quietest_corner,
)
from cablemap.render.static.projection import central_longitude, in_view, world_centre, wrap_into
from cablemap.render.static.shapes import line_arrays
from cablemap.render.static.titles import data_note, decorate
from cablemap.render.style import CLEAN, FLAGGED, STATION

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from cablemap.network.graph import Network
    from cablemap.policy.flags import PolicyFlags


def _exposure_area(exposure: float) -> float:
    """Marker area (points²) of a station by the share of its cables a policy flags."""
    return 7.0 + 55.0 * exposure


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
    segments = _risk_segments(network, within)
    segments = segments[~segments["cable_id"].isin(service.not_built)]
    exposures = [
        e
        for e in station_exposure(network.dataset, flags, excluded=service.excluded)
        if within is None or e.id in within
    ]
    geometries = np.asarray(segments.geometry.values, dtype=object)
    lons = np.array([s.lon for s in exposures])
    centre = central_longitude(lons) if place is not None else world_centre(geometries)
    flagged = segments["segment_id"].isin(flags.flagged_segments()).to_numpy()
    label = f"{flags.policy.name} {flags.policy.date_label}"
    title = (
        f"{place.name}: cables and landing stations under {label}"
        if place is not None
        else f"Cables and landing stations flagged under {label}"
    )
    subtitle = _risk_subtitle(segments, flagged, exposures, labelled=place is not None)
    planned = " (and planned)" if include_planned else ""
    subtitle = f"Cables in service in {service.year}{planned}: {subtitle}"
    with plain_text():
        fig, ax = new_figure(title)
        xs, ys = _draw_exposure(ax, exposures, centre)
        if place is None:
            whole = np.array([centre - 180, centre + 180]), np.array([-90, 90])
            fit_extent(ax, *whole, centre, margin=0.0, min_span=0.0)
            draw_graticule(ax)
            add_legend(ax, _risk_handles(), "lower left")
        else:
            fit_extent(ax, xs, ys, centre, margin=0.15, min_span=12.0)
            draw_graticule(ax)
            add_legend(ax, _risk_handles(), quietest_corner(ax, xs, ys))
            _label_exposed(fig, ax, exposures, xs, ys)
        draw_basemap(ax, centre, highlight=place.countries if place is not None else None)
        _draw_flag_lines(ax, geometries, flagged, centre)
        decorate(fig, title, subtitle, data_note(network))
    return fig


def _risk_segments(network: Network, within: frozenset[str] | None) -> Any:
    """The topology's segments: all, or those of the cables landing at these stations."""
    segments = network.topology.segments
    if within is None:
        return segments
    cables = {c for s in within for c in network.station_cables.get(s, ())}
    return segments[segments["cable_id"].isin(cables)]


def _draw_flag_lines(ax: Axes, geometries: np.ndarray, flagged: np.ndarray, centre: float) -> None:
    for mask, colour, width, zorder in ((~flagged, CLEAN, 0.45, 3), (flagged, FLAGGED, 0.75, 4)):
        lines, _ = line_arrays(in_view(ax, geometries[mask], centre)[0])
        ax.add_collection(
            LineCollection(lines, colors=colour, linewidths=width, alpha=0.85, zorder=zorder),
            autolim=False,
        )


def _draw_exposure(
    ax: Axes, exposures: Sequence[Any], centre: float
) -> tuple[np.ndarray, np.ndarray]:
    """Stations as dots, area by exposure, red when anything there is flagged."""
    ordered = sorted(exposures, key=lambda s: s.exposure)  # most exposed drawn on top
    xs = wrap_into(np.array([s.lon for s in ordered]), centre)
    ys = np.array([s.lat for s in ordered])
    ax.scatter(
        xs,
        ys,
        s=[_exposure_area(s.exposure) if s.risky else 3.0 for s in ordered],
        c=[FLAGGED if s.risky else STATION for s in ordered],
        alpha=0.75,
        edgecolors="white",
        linewidths=0.3,
        zorder=8,
    )
    back = {id(s): i for i, s in enumerate(ordered)}
    index = np.array([back[id(s)] for s in exposures], dtype=int)
    return xs[index], ys[index]


def _risk_handles() -> list[Line2D]:
    return [
        line_handle(LEGEND_LABEL[FLAGGED], FLAGGED, 1.5),
        line_handle("Clean segment", CLEAN, 1.0),
        marker_handle(
            "Station, all its cables flagged (or in an excluded place)",
            FLAGGED,
            _exposure_area(1.0),
        ),
        marker_handle("Station, half its cables flagged", FLAGGED, _exposure_area(0.5)),
        marker_handle("Station, no flagged cable", STATION, 3.0),
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
