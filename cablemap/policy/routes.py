"""Policies meet routes: which hops a policy flags, and what avoiding them costs."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cablemap.network.graph import CABLE

if TYPE_CHECKING:
    from cablemap.network.graph import Network
    from cablemap.network.routing import Hop, Route
    from cablemap.policy.flags import Flag, PolicyFlags


def flagged_edges(network: Network, flags: PolicyFlags) -> frozenset[int]:
    """Graph edges a clean route may not use.

    The cable edges of flagged segments, and every edge at a flagged landing station
    (backhaul included: traffic would pass through an excluded jurisdiction).
    """
    segments = flags.flagged_segments()
    edges = {
        edge
        for edge, kind in enumerate(network.edges.kind)
        if kind == CABLE and network.segment_ids[network.edges.segment[edge]] in segments
    }
    return frozenset(edges | network.edges_touching(flags.flagged_stations()))


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


def ownership_flagged_cables(flags: PolicyFlags) -> frozenset[str]:
    """Cables flagged for who owns or built them (not merely where they land)."""
    return frozenset(
        cable_id
        for cable_id, cable_flags in flags.cables.items()
        if any(f.applies_to in ("owner", "supplier") for f in cable_flags)
    )


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
