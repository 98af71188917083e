"""The words of a route figure: title, subtitle and legend entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cablemap.render.static.frame import TEXT
from cablemap.render.static.legend import LEGEND_LABEL, line_handle
from cablemap.render.static.status import (
    OUT_OF_SERVICE,
    OUT_OF_SERVICE_DASHES,
    OUT_OF_SERVICE_LABEL,
    PLANNED_DASHES,
    PLANNED_LABEL,
)
from cablemap.render.static.strokes import Stroke, key_colour, route_width
from cablemap.render.style import BACKHAUL, FLAGGED, OTHER_CABLE
from cablemap.render.wording import short_cable

if TYPE_CHECKING:
    from matplotlib.lines import Line2D

    from cablemap.analysis.query import RouteReport
    from cablemap.analysis.routing import Route


def route_subtitle(report: RouteReport, routes: Sequence[Route]) -> str:
    """The answer (routes, best km and ms), the filters, and which routes the policy flags."""
    filters = report.filters
    best = min(routes, key=lambda r: r.km)
    count = f"{len(routes)} route{'s' if len(routes) != 1 else ''}"
    parts = [f"{count}, best {best.km:,.0f} km, {best.latency_ms:.1f} ms one way"]
    service = f"in service in {filters.as_of}" if filters.as_of else "in service now"
    parts.append(f"cables {service}")
    if filters.include_planned:
        parts.append("planned included")
    if filters.avoid_cables:
        parts.append(f"avoiding {', '.join(filters.avoid_cables)}")
    if report.policy is None:
        parts.append("no policy applied")
    else:
        flagged = [str(r.rank) for r in routes if r.flagged]
        if len(flagged) == len(routes) > 1:
            which = f"all {len(routes)} routes flagged"
        elif flagged:
            plural = "s" if len(flagged) > 1 else ""
            which = f"route{plural} {', '.join(flagged)} of {len(routes)} flagged"
        else:
            which = "no route flagged"
        parts.append(f"{which} (red: flagged segments)")
        if not report.routes:
            parts.append("no clean route exists; the best route is shown")
    return "; ".join(parts)


def route_handles(
    routes: Sequence[Route],
    strokes: Sequence[Stroke],
    *,
    context: bool,
    out_of_service: bool = False,
) -> list[Line2D]:
    """Legend entries: each route (cables, km, ms), then flagged, planned, backhaul, others.

    ``out_of_service``: cables out of service (dotted) are in view.
    """
    handles = []
    for route in routes:
        names = list(
            dict.fromkeys(short_cable(h.cable_name or "") for h in route.hops if h.kind == "cable")
        )
        shown = names if len(names) <= 3 else [*names[:2], f"{len(names) - 2} more"]
        cables = " + ".join(shown)
        state = " (flagged)" if route.flagged else ""
        colour = key_colour(route, strokes)
        label = f"{route.rank}  {cables}: {route.km:,.0f} km, {route.latency_ms:.1f} ms{state}"
        label += f" ({route.note})" if route.note else ""
        handles.append(line_handle(label, colour, route_width(route.rank)))
    colours = {s.colour for s in strokes}
    if FLAGGED in colours:
        handles.append(line_handle(LEGEND_LABEL[FLAGGED], FLAGGED, 2.0))
    if any(s.planned for s in strokes):
        handles.append(line_handle(PLANNED_LABEL, TEXT, 1.2, style=PLANNED_DASHES))
    if BACKHAUL in colours:
        handles.append(line_handle(LEGEND_LABEL[BACKHAUL], BACKHAUL, 1.0, dashed=True))
    if context:
        handles.append(line_handle(LEGEND_LABEL[OTHER_CABLE], OTHER_CABLE, 1.0))
    if out_of_service:
        handles.append(
            line_handle(OUT_OF_SERVICE_LABEL, OUT_OF_SERVICE, 1.0, style=OUT_OF_SERVICE_DASHES)
        )
    return handles
