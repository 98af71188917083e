"""Names from the data on the map: plain text only, shortened, placed without collisions."""

from __future__ import annotations

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
