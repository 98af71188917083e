"""The page: figure size, colours, the map axes, its extent, graticule and land."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from cablemap.render.static.basemap import load_basemap
from cablemap.render.static.projection import in_view, wrap_into
from cablemap.render.static.shapes import polygon_paths

if TYPE_CHECKING:
    from collections.abc import Collection

    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase

FIGURE_SIZE_IN = (7.5, 4.5)
"""Width and height of every figure, in inches (fits an A4 page)."""
PNG_DPI = 200
"""Resolution of PNG output: 1500 x 900 pixels."""

LAND = "#e1e1e1"
LAND_HIGHLIGHT = "#c8c8c8"
LAND_EDGE = "#ffffff"
OCEAN = "#f6f9fc"
GRATICULE = "#e3e9ef"
TEXT = "#222222"
MUTED_TEXT = "#555555"

AXES_BOX = (0.06, 0.09, 0.925, 0.785)
"""Map axes in figure fractions: left, bottom, width, height."""


def agg_renderer(fig: Figure) -> RendererBase:
    """The figure's Agg renderer, to measure text before saving."""
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(fig)
    return canvas.get_renderer()


def new_figure(label: str) -> tuple[Figure, Axes]:
    """An empty A4-sized figure on the Agg canvas, with a map axes."""
    fig = Figure(figsize=FIGURE_SIZE_IN, dpi=PNG_DPI, facecolor="white")
    FigureCanvasAgg(fig)
    fig.set_label(label)
    ax = fig.add_axes(AXES_BOX)
    ax.set_facecolor(OCEAN)
    ax.set_axisbelow(True)
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_color("#9a9a9a")
    ax.tick_params(labelsize=5.5, length=2, width=0.4, colors=MUTED_TEXT, pad=1.5)
    return fig, ax


def draw_basemap(
    ax: Axes, centre: float, *, highlight: str | Collection[str] | None = None
) -> None:
    """Land in light grey (``highlight``, ISO alpha-2 codes or one code, a shade darker).

    Draw it after the limits are set: only what is in view is drawn.
    """
    basemap = load_basemap()
    pieces, owners = in_view(ax, basemap.geometries, centre)
    codes = {highlight} if isinstance(highlight, str) else set(highlight or ())
    chosen = np.array([basemap.iso2[i] in codes for i in owners], dtype=bool)
    for mask, colour in ((~chosen, LAND), (chosen, LAND_HIGHLIGHT)):
        paths = polygon_paths(pieces[mask])
        if paths:
            ax.add_collection(
                PathCollection(
                    paths, facecolor=colour, edgecolor=LAND_EDGE, linewidth=0.3, zorder=1
                ),
                autolim=False,
            )


def _box_ratio(ax: Axes) -> float:
    """Width / height of the axes box on the page."""
    box = ax.get_position()
    width_in, height_in = FIGURE_SIZE_IN
    return float(width_in * box.width / (height_in * box.height))


def fit_extent(
    ax: Axes, xs: np.ndarray, ys: np.ndarray, centre: float, *, margin: float, min_span: float
) -> None:
    """Limits that hold every point with a margin, filling the axes at equal aspect."""
    west, east = float(np.min(xs)), float(np.max(xs))
    south, north = float(np.min(ys)), float(np.max(ys))
    width = max(east - west, min_span) * (1 + 2 * margin)
    height = max(north - south, min_span / 2) * (1 + 2 * margin)
    ratio = _box_ratio(ax)
    width, height = max(width, height * ratio), max(height, width / ratio)
    height = min(height, 180.0)
    width = min(max(width, height * ratio), 360.0)
    mid_x = min(max((west + east) / 2, centre - 180 + width / 2), centre + 180 - width / 2)
    mid_y = min(max((south + north) / 2, -90 + height / 2), 90 - height / 2)
    ax.set_xlim(mid_x - width / 2, mid_x + width / 2)
    ax.set_ylim(mid_y - height / 2, mid_y + height / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.apply_aspect()  # the box as drawn, so display coordinates hold from here


def draw_graticule(ax: Axes) -> None:
    """Degree ticks (longitudes named in ``[-180, 180]``) and a faint grid."""
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    steps = (1, 2, 5, 10, 15, 20, 30, 45, 60)
    ax.xaxis.set_major_locator(MultipleLocator(next(s for s in steps if (east - west) / s <= 9)))
    ax.yaxis.set_major_locator(MultipleLocator(next(s for s in steps if (north - south) / s <= 7)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _degrees(x, "E", "W", wrap=True)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _degrees(y, "N", "S", wrap=False)))
    ax.grid(True, color=GRATICULE, linewidth=0.4)


def _degrees(value: float, positive: str, negative: str, *, wrap: bool) -> str:
    """``150°E``, ``30°S``, ``0°``, ``180°``."""
    if wrap:
        value = float(wrap_into(value, 0.0))
        if math.isclose(value, -180.0):
            return "180°"
    number = f"{abs(value):g}°"
    if math.isclose(value, 0.0, abs_tol=1e-9):
        return number
    return number + (positive if value > 0 else negative)


WORLD_LATITUDES = (-60.0, 80.0)
"""South and north edges of a world map: every landing station and cable lies between
(the open snapshot: 55°S to 78°N), Antarctica and the Arctic Ocean do not."""


def fit_world(ax: Axes, centre: float) -> None:
    """The whole width of the world between :data:`WORLD_LATITUDES`, filling the axes.

    One degree of latitude is drawn ``1 / cos(φ₁)`` times as long as one of longitude:
    an equirectangular projection whose standard parallels ``±φ₁`` (about 40°) make the
    strip 360° wide and 140° high fill the axes box, so mid-latitudes (Europe, East
    Asia, the US) are stretched east-west less than in plate carrée.
    """
    south, north = WORLD_LATITUDES
    ax.set_xlim(centre - 180.0, centre + 180.0)
    ax.set_ylim(south, north)
    ax.set_aspect(360.0 / ((north - south) * _box_ratio(ax)), adjustable="box")
    ax.apply_aspect()


def standard_parallel(ax: Axes) -> float:
    """The standard parallel (degrees) of the axes' equirectangular projection."""
    aspect = ax.get_aspect()
    return math.degrees(math.acos(1.0 / float(aspect if aspect != "equal" else 1.0)))
