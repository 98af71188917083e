"""One visual language for every output: colours, line styles, legend words, attribution.

Interactive maps (folium) and static images (matplotlib) both take their look from here,
so a map and an image of the same route read the same way.
"""

from __future__ import annotations

from cablemap.dataset.provenance import ATTRIBUTION as ATTRIBUTION

BASEMAP_ATTRIBUTION = "Basemap: Natural Earth (public domain)"

FLAGGED = "#d7301f"
"""Segments, cables and stations a policy flags."""
CLEAN = "#2166ac"
"""Route segments with no flag (or no policy given)."""
BACKHAUL = "#636363"
"""Assumed terrestrial backhaul: always drawn dashed."""
BACKHAUL_DASH = "6 6"
"""SVG/Leaflet dash pattern for backhaul (matplotlib: ``(0, (4, 4))``)."""
OTHER_CABLE = "#9ecae1"
"""Cables that are not part of the route, drawn faintly for context."""
DIRECT_CABLE = "#f1a340"
"""Cables landing in both places of a route question, drawn under the routes."""
CUT = "#000000"
"""Segments a question cuts (``--cut``, ``--cut-near``, ``--cut-in``): black, dashed."""
NOT_ROUTED = "#8c6d31"
"""Cables the status overlay keeps out of routes (retired, military, ...): drawn dotted."""
NOT_ROUTED_DASH = "2 6"
ALTERNATIVE_COLOURS = ("#2166ac", "#1b9e77", "#7570b3", "#e6ab02", "#66a61e", "#a6761d")
"""Route 1, 2, 3... when no policy colours them (flagged still wins: FLAGGED)."""
STATION = "#252525"

ROUTE_WEIGHT = 4.0
CABLE_WEIGHT = 1.2


def route_colour(rank: int, flagged: bool) -> str:
    """Colour of a route's cable hop: flagged red, else the route's own colour."""
    if flagged:
        return FLAGGED
    return ALTERNATIVE_COLOURS[(rank - 1) % len(ALTERNATIVE_COLOURS)]


LEGEND = (
    ("Flagged segment (policy)", FLAGGED, "solid"),
    ("Clean segment / route 1", CLEAN, "solid"),
    ("Assumed terrestrial link (backhaul, border)", BACKHAUL, "dashed"),
    ("Other cables", OTHER_CABLE, "solid"),
)
"""(label, colour, line style) for legends."""
