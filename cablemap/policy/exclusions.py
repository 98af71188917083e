"""What a policy excludes from the network: graph edges and cables a clean route may not use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cablemap.network.graph import CABLE

if TYPE_CHECKING:
    from cablemap.network.graph import Network
    from cablemap.policy.flags import PolicyFlags


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


def ownership_flagged_cables(flags: PolicyFlags) -> frozenset[str]:
    """Cables flagged for who owns or built them (not merely where they land)."""
    return frozenset(
        cable_id
        for cable_id, cable_flags in flags.cables.items()
        if any(f.applies_to in ("owner", "supplier") for f in cable_flags)
    )
