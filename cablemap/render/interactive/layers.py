"""Layers both maps draw: every cable, faint; landing stations sized by their exposure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import folium
import numpy as np

from cablemap.policy.stations import StationExposure
from cablemap.render import style
from cablemap.render.interactive.classes import (
    CABLE_CLASS,
    NOT_ROUTED_CLASS,
    OTHER_STATION_CLASS,
    PLANNED_CLASS,
    RISKY_STATION_CLASS,
)
from cablemap.render.interactive.elements import _encode, _Features, _point_item
from cablemap.render.interactive.geometry import _lon_copies, _simplified, _window_parts
from cablemap.render.interactive.markup import MAX_LISTED, _e, _listed, _popup

if TYPE_CHECKING:
    from cablemap.network.graph import Network

PLANNED_DASH = "10 6"
"""Dash pattern of cables not in service yet (planned, or ready for service later)."""


def _cable_names(network: Network) -> dict[str, str]:
    cables = network.dataset.cables
    return dict(zip(cables["id"], cables["name"], strict=True))


def _context_cables(
    network: Network,
    centre: float,
    *,
    name: str = "All cables",
    only: frozenset[str] | None = None,
    colour: str = style.OTHER_CABLE,
    weight: float = style.CABLE_WEIGHT,
    class_name: str = CABLE_CLASS,
    planned: frozenset[str] = frozenset(),
    out: frozenset[str] = frozenset(),
) -> folium.FeatureGroup:
    """Cable segments, simplified, with their cable's name as tooltip.

    Every segment, faint, as context by default; the segments of the ``only`` cables in
    ``colour`` to highlight them (the direct cables of a route map). Cables in
    ``planned`` (not in service yet) are dashed, those in ``out`` (kept out of routes by
    the status overlay) dotted in :data:`style.NOT_ROUTED`.
    """
    segments = network.topology.segments
    if only is not None:
        segments = segments[segments["cable_id"].isin(only)]
    parts = _window_parts(_simplified(segments.geometry), centre)
    names = _cable_names(network)
    order = {cable_id: i for i, cable_id in enumerate(names)}
    tooltips = [_e(cable_name) for cable_name in names.values()]
    items = [
        [_context_kind(cable_id, planned, out), -1, order[cable_id], encoded]
        for encoded, cable_id in zip(_encode(parts), segments["cable_id"], strict=True)
        if encoded and cable_id in order
    ]
    line = {"color": colour, "weight": weight, "opacity": 0.8, "className": class_name}
    styles = [
        line,
        {**line, "dashArray": PLANNED_DASH, "className": f"{class_name} {PLANNED_CLASS}"},
        {
            **line,
            "color": style.NOT_ROUTED,
            "opacity": 0.6,
            "dashArray": style.NOT_ROUTED_DASH,
            "className": f"{class_name} {NOT_ROUTED_CLASS}",
        },
    ]
    group = folium.FeatureGroup(name=_e(name))
    group.add_child(_Features(items, styles, [], tooltips))
    return group


def _context_kind(cable_id: str, planned: frozenset[str], out: frozenset[str]) -> int:
    """Style of a context cable: 0 in service, 1 planned (dashed), 2 not routed (dotted)."""
    return 1 if cable_id in planned else 2 if cable_id in out else 0


def _station_popup(
    exposure: StationExposure, network: Network, names: dict[str, str], extra: str = ""
) -> str:
    """Name, country, routes (``extra``), exposure, cables landing there, reasons."""
    station = network.stations.get(exposure.id)
    country = station.country_name if station else exposure.country_name
    cables = [names.get(c, c) for c in exposure.cables]
    flagged = [names.get(c, c) for c in exposure.flagged_cables]
    parts = [
        f"<b>{_e(exposure.name)}</b><br>{_e(country)} ({_e(exposure.iso2)})",
        extra,
        f"<div>Cables landing here ({len(cables)}): {_listed(cables)}</div>",
    ]
    if exposure.risky:
        parts.append(
            f"<div><b>Exposure {exposure.exposure:.0%}</b>: {len(flagged)} of {len(cables)}"
            f" cables flagged{' (excluded jurisdiction)' if exposure.station_flags else ''}"
            f": {_listed(flagged)}</div>"
        )
        reasons = "".join(f"<li>{_e(r)}</li>" for r in exposure.reasons[:MAX_LISTED])
        more = len(exposure.reasons) - MAX_LISTED
        reasons += f"<li>and {more} more</li>" if more > 0 else ""
        parts.append(f"<div>Why:<ul>{reasons}</ul></div>")
    return _popup(*parts)


def _station_radius(exposure: StationExposure) -> float:
    """Marker radius in pixels: area grows with the share of flagged cables."""
    return 2.5 + 5.5 * float(np.sqrt(exposure.exposure)) if exposure.risky else 2.0


def _stations_layer(
    exposures: Sequence[StationExposure],
    network: Network,
    centre: float,
    *,
    name: str,
    show: bool = True,
) -> folium.FeatureGroup:
    """Stations as circle markers sized by exposure, risky ones in :data:`style.FLAGGED`."""
    names = _cable_names(network)
    styles = [
        {
            "color": style.FLAGGED,
            "weight": 1.5,
            "fillColor": style.FLAGGED,
            "fillOpacity": 0.45,
            "className": RISKY_STATION_CLASS,
        },
        {
            "color": style.STATION,
            "weight": 0.8,
            "fillColor": "#ffffff",
            "fillOpacity": 0.9,
            "className": OTHER_STATION_CLASS,
        },
    ]
    ordered = sorted(exposures, key=lambda e: e.exposure)  # most exposed drawn on top
    items = [
        _point_item(0 if e.risky else 1, number, number, _station_radius(e), lon, e.lat)
        for number, e in enumerate(ordered)
        for lon in _lon_copies(e.lon, centre)  # near an edge: also past the other one
    ]
    popups = [_station_popup(e, network, names) for e in ordered]
    tooltips = [
        _e(e.name) + (f" ({e.exposure:.0%} of cables flagged)" if e.risky else "") for e in ordered
    ]
    group = folium.FeatureGroup(name=_e(name), show=show)
    group.add_child(_Features(items, styles, popups, tooltips))
    return group
