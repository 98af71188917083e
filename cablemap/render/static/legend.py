"""The legend: its entries (line and dot handles) and the corner it goes in."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.lines import Line2D

from cablemap.render.style import LEGEND

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.legend import Legend

BACKHAUL_DASHES = (0, (4, 4))
"""Line style of assumed backhaul: dashes of 4 points, gaps of 4."""
LEGEND_LABEL = {colour: label for label, colour, _ in LEGEND}
"""The legend words for each colour of :data:`cablemap.render.style.LEGEND`."""


LEGEND_STEPS = 20
"""Positions tried along each edge of the map for the legend (corners included)."""
_LEGEND_INSET = 0.012
"""Gap between the legend and the map's edge, as a fraction of the map's size."""


def place_legend(
    ax: Axes,
    handles: list[Line2D],
    renderer: RendererBase,
    *,
    keep: np.ndarray,
    avoid: np.ndarray,
) -> Legend:
    """Add the legend where it hides none of the ``keep`` points, and least of ``avoid``.

    The legend is measured once, then slid along the four edges of the map
    (:data:`LEGEND_STEPS` positions each, the corners among them): the position covering
    the fewest ``keep`` points (station markers, route ends) wins, ties going to the one
    covering the fewest ``avoid`` points (lines, other stations), then to the one
    nearest a corner.

    Parameters
    ----------
    ax
        The map axes, its limits set.
    handles
        The legend entries.
    renderer
        The figure's renderer (to measure the legend).
    keep, avoid
        Points in display coordinates, shape ``(n, 2)``.

    Returns
    -------
    matplotlib.legend.Legend
        The legend, added to ``ax``.
    """
    frame = ax.get_window_extent(renderer)
    size = add_legend(ax, handles, "upper left").get_window_extent(renderer)
    width, height = size.width / frame.width, size.height / frame.height
    best: tuple[int, int, float] | None = None
    chosen = (_LEGEND_INSET, _LEGEND_INSET)
    for x, y in _edge_positions(width, height):
        x0, y0 = frame.x0 + x * frame.width, frame.y0 + y * frame.height
        box = (x0, y0, x0 + size.width, y0 + size.height)
        corner = min(x - _LEGEND_INSET, 1 - _LEGEND_INSET - width - x)
        corner += min(y - _LEGEND_INSET, 1 - _LEGEND_INSET - height - y)
        score = (_inside(keep, box), _inside(avoid, box), round(corner, 6))
        if best is None or score < best:
            best, chosen = score, (x, y)
    return add_legend(ax, handles, "lower left", anchor=chosen)


def _edge_positions(width: float, height: float) -> list[tuple[float, float]]:
    """Lower-left corners (axes fractions) of a ``width`` x ``height`` box along the edges."""
    low = _LEGEND_INSET
    right, top = max(low, 1 - low - width), max(low, 1 - low - height)
    xs = np.linspace(low, right, LEGEND_STEPS)
    ys = np.linspace(low, top, LEGEND_STEPS)
    return [
        *((float(x), y) for x in xs for y in (low, top)),
        *((x, float(y)) for y in ys for x in (low, right)),
    ]


def _inside(points: np.ndarray, box: tuple[float, float, float, float]) -> int:
    """How many of ``points`` (display coordinates) lie inside ``box`` or within 8 pixels.

    8 pixels (3 points at 200 dpi) is about the radius of the largest station marker.
    """
    if len(points) == 0:
        return 0
    pad = 8.0
    x0, y0, x1, y1 = box
    x, y = points[:, 0], points[:, 1]
    return int(np.count_nonzero((x > x0 - pad) & (x < x1 + pad) & (y > y0 - pad) & (y < y1 + pad)))


def add_legend(
    ax: Axes, handles: list[Line2D], loc: Any, *, anchor: tuple[float, float] | None = None
) -> Legend:
    """Add a legend of ``handles`` at ``loc`` (a matplotlib location), above the map.

    With ``anchor`` (axes fractions), the point of the legend that ``loc`` names is put
    there exactly. It replaces any legend the axes had.
    """
    legend = ax.legend(
        handles=handles,
        loc=loc,
        bbox_to_anchor=anchor,
        borderaxespad=0.0 if anchor is not None else 0.5,
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
    return legend


def line_handle(
    label: str, colour: str, width: float, *, dashed: bool = False, style: Any = None
) -> Line2D:
    """A legend entry for a line (dashed as backhaul when ``dashed``, or in ``style``)."""
    style = style if style is not None else BACKHAUL_DASHES if dashed else "solid"
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
