"""Names from the data on the map: plain text only, shortened, placed without collisions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib.patheffects import withStroke

from cablemap.render.static.frame import TEXT

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.transforms import Bbox

_HALO = (withStroke(linewidth=2.2, foreground="white"),)
_LABEL_POSITIONS = (
    (4, 3, "left", "bottom"),
    (-4, 3, "right", "bottom"),
    (4, -3, "left", "top"),
    (-4, -3, "right", "top"),
)
"""Label offsets (points) and alignments, in order of preference: NE, NW, SE, SW."""


def plain_text() -> Any:
    """A context in which text is never read as mathtext or TeX (for names from the data)."""
    return mpl.rc_context({"text.parse_math": False, "text.usetex": False})


@dataclass
class Labeller:
    """Places short labels beside points, never over another label or a blocked artist.

    Among the four corners around a point, the first that also keeps clear of the
    ``avoid`` points (display coordinates, e.g. densified route lines) wins; failing
    that, the first clear of labels; failing that, the label is left out.
    """

    ax: Axes
    renderer: RendererBase
    avoid: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))
    taken: list[Bbox] = field(default_factory=list)

    def block(self, artist: Any) -> None:
        """Keep labels off an artist already drawn (the legend, a marker)."""
        self.taken.append(artist.get_window_extent(self.renderer).expanded(1.05, 1.1))

    def place(self, text: str, x: float, y: float, *, size: float = 6.0) -> bool:
        """Label the point ``(x, y)`` (data coordinates); return whether it was placed."""
        frame = self.ax.get_window_extent(self.renderer)
        candidates = []
        for dx, dy, ha, va in _LABEL_POSITIONS:
            label = self.ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=size,
                color=TEXT,
                zorder=15,
                path_effects=_HALO,
            )
            box = label.get_window_extent(self.renderer)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in self.taken):
                candidates.append((self._crossed(box), label, box))
            else:
                label.remove()
        if not candidates:
            return False
        _, label, box = min(candidates, key=lambda c: c[0])
        for _, other, _ in candidates:
            if other is not label:
                other.remove()
        self.taken.append(box)
        return True

    def _crossed(self, box: Bbox) -> bool:
        """Whether any point to avoid lies inside the box."""
        if len(self.avoid) == 0:
            return False
        x, y = self.avoid[:, 0], self.avoid[:, 1]
        return bool(np.any((x > box.x0) & (x < box.x1) & (y > box.y0) & (y < box.y1)))


def short_name(name: str, *, limit: int = 22) -> str:
    """A station's city: the name up to its first comma, at most ``limit`` characters."""
    city = name.split(",")[0].strip() or name.strip()
    return city if len(city) <= limit else city[: limit - 1].rstrip() + "…"


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
