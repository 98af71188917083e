"""Plate carrée with a central meridian chosen from the data: the window and the seam.

Every coordinate is moved into the window ``[centre - 180, centre + 180]``; lines and
polygons that cross the seam (``centre + 180``) are cut there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import shapely

from cablemap.render.static.basemap import load_basemap

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def wrap_into(lons: np.ndarray | float, centre: float) -> np.ndarray:
    """Longitudes moved by whole turns into ``[centre - 180, centre + 180)``."""
    return (np.asarray(lons, dtype=float) - centre + 180.0) % 360.0 - 180.0 + centre


def central_longitude(lons: Iterable[float]) -> float:
    """The centre of the shortest arc of longitude holding every value.

    The map's seam (``centre + 180``) then falls in the widest gap between the values, so
    nothing drawn from them is cut. Densify lines first (their vertices may be far apart).
    """
    values = np.unique(np.mod(np.fromiter(lons, dtype=float), 360.0))
    if len(values) == 0:
        return 0.0
    gaps = np.diff(np.append(values, values[0] + 360.0))
    widest = int(np.argmax(gaps))
    start = values[(widest + 1) % len(values)]
    arc = 360.0 - float(gaps[widest])
    return float(wrap_into(start + arc / 2.0, 0.0))


def world_centre(geometries: np.ndarray, *, step: float = 5.0) -> float:
    """The central longitude of a world map whose seam cuts the fewest lines and least land.

    Each candidate seam (every ``step`` degrees) scores the lines it crosses (judged by
    their bounding boxes) plus the degrees of latitude of land it runs over (a seam
    through a continent cuts few cables but splits the continent); ties go to the seam
    nearest 180°, the usual one.
    """
    bounds = shapely.bounds(np.asarray(geometries, dtype=object))
    bounds = bounds[~np.isnan(bounds[:, 0])]
    land = load_basemap().geometries
    seams = np.arange(-180.0, 180.0, step)
    meridians = shapely.linestrings([[[s, -85.0], [s, 85.0]] for s in seams])
    scores = []
    for seam, meridian in zip(seams, meridians, strict=True):
        crossed = np.floor((bounds[:, 2] - seam) / 360) > np.floor((bounds[:, 0] - seam) / 360)
        on_land = float(shapely.length(shapely.intersection(meridian, land)).sum())
        scores.append(int(np.count_nonzero(crossed)) + on_land)
    distance = np.abs(wrap_into(seams - 180.0, 0.0))
    best = min(range(len(seams)), key=lambda i: (round(scores[i], 3), distance[i]))
    return float(wrap_into(seams[best] + 180.0, 0.0))


def into_window(geometries: np.ndarray, centre: float) -> tuple[np.ndarray, np.ndarray]:
    """Move geometries into ``[centre - 180, centre + 180]``, cutting them at the seam.

    Parameters
    ----------
    geometries
        Lines or polygons in degrees; longitudes may be unwrapped (beyond ±180).
    centre
        The map's central longitude.

    Returns
    -------
    tuple of numpy.ndarray
        The pieces inside the window, and for each the index of the geometry it came from.
    """
    geoms = np.asarray(geometries, dtype=object)
    bounds = shapely.bounds(geoms)
    if len(geoms) == 0 or np.all(np.isnan(bounds[:, 0])):
        return np.empty(0, dtype=object), np.empty(0, dtype=int)
    west = centre - 180.0
    first = math.floor((np.nanmin(bounds[:, 0]) - west) / 360.0)
    last = math.floor((np.nanmax(bounds[:, 2]) - west) / 360.0)
    pieces, owners = [], []
    for lap in range(first, last + 1):
        offset = 360.0 * lap
        window = shapely.box(west + offset, -95.0, west + offset + 360.0, 95.0)
        cut = shapely.intersection(geoms, window)
        keep = np.flatnonzero(~shapely.is_empty(cut))
        shift = np.array([offset, 0.0])
        pieces.append(shapely.transform(cut[keep], lambda xy, d=shift: xy - d))
        owners.append(keep)
    return np.concatenate(pieces), np.concatenate(owners)


def in_view(ax: Axes, geometries: np.ndarray, centre: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`into_window`, then cut to the axes' limits (set them first) plus a margin.

    Nothing outside the view is drawn, so an SVG of a small area stays small.
    """
    pieces, owners = into_window(geometries, centre)
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    pad = 0.02 * (east - west)
    view = shapely.box(west - pad, south - pad, east + pad, north + pad)
    cut = shapely.intersection(pieces, view)
    keep = ~shapely.is_empty(cut)
    return cut[keep], owners[keep]
