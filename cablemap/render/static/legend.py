"""The legend: its entries (line and dot handles) and the corner it goes in."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.lines import Line2D

from cablemap.render.style import LEGEND

if TYPE_CHECKING:
    from matplotlib.axes import Axes

BACKHAUL_DASHES = (0, (4, 4))
"""Line style of assumed backhaul: dashes of 4 points, gaps of 4."""
LEGEND_LABEL = {colour: label for label, colour, _ in LEGEND}
"""The legend words for each colour of :data:`cablemap.render.style.LEGEND`."""


def quietest_corner(ax: Axes, xs: np.ndarray, ys: np.ndarray) -> str:
    """The legend location ("upper left", ...) whose corner holds the fewest points."""
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    fx, fy = (xs - west) / (east - west), (ys - south) / (north - south)
    corners = {
        "lower left": (fx < 0.42) & (fy < 0.45),
        "lower right": (fx > 0.58) & (fy < 0.45),
        "upper left": (fx < 0.42) & (fy > 0.55),
        "upper right": (fx > 0.58) & (fy > 0.55),
    }
    return min(corners, key=lambda name: int(np.count_nonzero(corners[name])))


def add_legend(ax: Axes, handles: list[Line2D], loc: Any) -> None:
    """Add a legend of ``handles`` at ``loc`` (a matplotlib location), above the map."""
    legend = ax.legend(
        handles=handles,
        loc=loc,
        fontsize=6,
        frameon=True,
        framealpha=0.92,
        edgecolor="#bbbbbb",
        borderpad=0.6,
        handlelength=2.4,
        labelspacing=0.45,
    )
    legend.set_zorder(20)
    legend.get_frame().set_linewidth(0.4)


def line_handle(label: str, colour: str, width: float, *, dashed: bool = False) -> Line2D:
    """A legend entry for a line (dashed as backhaul when ``dashed``)."""
    style: Any = BACKHAUL_DASHES if dashed else "solid"
    return Line2D([], [], color=colour, linewidth=width, linestyle=style, label=label)


def marker_handle(label: str, colour: str, area: float) -> Line2D:
    """A legend entry for a station dot of marker area ``area`` (points²)."""
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markersize=math.sqrt(area),
        markerfacecolor=colour,
        markeredgecolor="white",
        markeredgewidth=0.4,
        label=label,
    )
