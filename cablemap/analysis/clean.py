"""Policies meet routes: each hop's flags, and what avoiding flagged hops costs."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.analysis.routing import Hop, Route
    from cablemap.policy.flags import Flag, PolicyFlags


def annotate(route: Route, flags: PolicyFlags) -> Route:
    """The route with each hop's flags attached."""
    return replace(route, hops=tuple(_hop_flags(hop, flags) for hop in route.hops))


def _hop_flags(hop: Hop, flags: PolicyFlags) -> Hop:
    found: list[Flag] = []
    if hop.kind == "cable":
        for segment_id in hop.segment_ids:
            found.extend(flags.segments.get(segment_id, ()))
    else:
        for station_id in (hop.from_station, *hop.via, hop.to_station):
            found.extend(flags.stations.get(station_id, ()))
    unique = list({(f.rule, f.reason): f for f in found}.values())
    return replace(hop, flags=tuple(unique))


def detour(best: Route, clean: Route | None) -> dict[str, Any]:
    """What avoiding flagged hops costs: extra km and ms, or that no clean route exists."""
    if clean is None:
        return {"clean_route_exists": False, "best_km": round(best.km, 1)}
    return {
        "clean_route_exists": True,
        "best_km": round(best.km, 1),
        "clean_km": round(clean.km, 1),
        "detour_km": round(clean.km - best.km, 1),
        "detour_ms": round(clean.latency_ms - best.latency_ms, 2),
        "best_route_flagged": best.flagged,
    }
