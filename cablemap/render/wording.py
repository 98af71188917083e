"""The words cablemap puts on every map and image: route titles and short names.

Matplotlib-free, so that the HTML maps (:mod:`cablemap.render.interactive`) and the
static images (:mod:`cablemap.render.static`) share one rule without the HTML path
importing matplotlib.

The data has no short-name field, but most long cable names carry their usual
abbreviation in brackets ("Pacific Light Cable Network (PLCN)", "Asia-America Gateway
(AAG) Cable System"), and every station name starts with its city ("Hermosa Beach, CA,
United States").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.analysis.query import RouteReport
    from cablemap.network.graph import Network

CITY_LIMIT = 22
"""A station's city longer than this is cut."""


def route_title(report: RouteReport, network: Network) -> str:
    """The question in words: the two ends, and the policy's name and date if any.

    ``"Philippines to United States under FCC Covered List, as of 2025-12-01"``; the
    answer (routes, km, ms) is the subtitle's (:func:`route_subtitle`).
    """

    def end(place: Any) -> str:
        return network.stations[place.station].name if place.station else place.name

    title = f"{end(report.origin)} to {end(report.destination)}"
    return f"{title} under {report.policy.label}" if report.policy is not None else title


def short_cable(name: str, *, limit: int = 20) -> str:
    """A cable's short name: the abbreviation the data gives in brackets, else cut short.

    The first bracketed abbreviation anywhere in the name (``Asia-America Gateway (AAG)
    Cable System`` gives ``AAG``), or a leading one before a bracketed long form (``HICS
    (Hawaii Inter-Island Cable System)``); failing that, the name up to ``limit``
    characters.
    """
    stripped = " ".join(name.split())
    for inner in re.findall(r"\(([^()]*)\)", stripped):
        if _is_abbreviation(inner.strip()):
            return inner.strip()
    head = stripped.split("(", 1)[0].strip()
    if "(" in stripped and _is_abbreviation(head):
        return head
    return _clean_cut(stripped, limit)


_GENERIC = frozenset(
    (
        "cable",
        "cables",
        "system",
        "systems",
        "submarine",
        "subsea",
        "network",
        "fiber",
        "fibre",
        "optic",
    )
)
"""Words a long cable name can lose first: they say what every cable is."""


def _clean_cut(name: str, limit: int) -> str:
    """A name of at most ``limit`` characters: generic words dropped, then cut at a word.

    A short last word (a number, ``1``, ``N``) is kept after the cut, so that
    ``Scotland-Northern Ireland 1`` and ``... 4`` stay apart.
    """
    if len(name) <= limit:
        return name
    words = [w for w in name.split() if w.casefold() not in _GENERIC] or name.split()
    shorter = " ".join(words)
    if len(shorter) <= limit:
        return shorter
    tail = f" {words[-1]}" if len(words) > 1 and len(words[-1]) <= 3 else ""
    room = limit - 1 - len(tail)
    cut = shorter[:room]
    if shorter[room] not in " -/" and re.search(r"[ \-/]", cut):
        cut = cut[: max(cut.rfind(" "), cut.rfind("-"), cut.rfind("/"))]
    return f"{cut.rstrip(' -/,')}…{tail}"


def _is_abbreviation(text: str) -> bool:
    """Short, and mostly capitals and digits (``AAG``, ``BaSICS``, ``LV-SE 1``, ``CS²``).

    ``UK-Belgium`` (one of two ``Pan European Crossing`` cables) is not: that bracket
    tells the cables apart rather than naming one.
    """
    letters = text.replace(" ", "")
    if not 0 < len(text) <= 14 or text.count(" ") > 1:
        return False
    loud = sum(1 for c in letters if c.isupper() or c.isdigit() or c in "-²")
    return loud / len(letters) >= 0.5


def station_city(name: str, *, limit: int = CITY_LIMIT) -> str:
    """A landing station's city: its name up to the first comma, cut at ``limit``."""
    city = name.split(",")[0].strip() or name.strip()
    return city if len(city) <= limit else city[: limit - 1].rstrip() + "\u2026"
