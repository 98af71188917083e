"""Shapely geometries as matplotlib input: vertex arrays of lines, paths of polygons."""

from __future__ import annotations

import numpy as np
import shapely
from matplotlib.path import Path as MplPath

_LINESTRING, _LINEARRING, _POLYGON = 1, 2, 3


def _simple_parts(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Single lines and polygons of (multi)geometries and collections, with their owners."""
    parts, owners = shapely.get_parts(np.asarray(geometries, dtype=object), return_index=True)
    inner, again = shapely.get_parts(parts, return_index=True)
    return inner, owners[again]


def line_arrays(geometries: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The ``(n, 2)`` vertex arrays of every line in ``geometries``, and their owners."""
    parts, owners = _simple_parts(geometries)
    is_line = np.isin(shapely.get_type_id(parts), (_LINESTRING, _LINEARRING))
    parts, owners = parts[is_line], owners[is_line]
    if len(parts) == 0:
        return [], owners
    coords, which = shapely.get_coordinates(parts, return_index=True)
    return np.split(coords, np.flatnonzero(np.diff(which)) + 1), owners


def polygon_paths(geometries: np.ndarray) -> list[MplPath]:
    """One matplotlib path per polygon (holes included) of ``geometries``."""
    parts, _ = _simple_parts(geometries)
    paths = []
    for polygon in parts[shapely.get_type_id(parts) == _POLYGON]:
        rings = [polygon.exterior, *polygon.interiors]
        vertices, codes = [], []
        for ring in rings:
            xy = shapely.get_coordinates(ring)
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            ring_codes[0], ring_codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            vertices.append(xy)
            codes.append(ring_codes)
        paths.append(MplPath(np.concatenate(vertices), np.concatenate(codes)))
    return paths
