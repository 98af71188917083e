"""Which routes a map or an image shows for one answer."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cablemap.analysis.query import RouteReport
    from cablemap.analysis.routing import Route


def shown_routes(report: RouteReport) -> tuple[Route, ...]:
    """The answer's routes, then its best clean route when no route shown is it.

    Without any route (only flagged ones exist and the question avoided them) the best
    route is shown, so a reader sees what the policy excludes.
    """
    routes = report.routes or ((report.best_route,) if report.best_route is not None else ())
    clean = report.clean_route
    if clean is not None and all(clean.cables != route.cables for route in routes):
        routes = (*routes, replace(clean, rank=len(routes) + 1, note="best clean route"))
    return routes
