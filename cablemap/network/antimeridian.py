"""Lines as they leave the program: valid in EPSG:4326, cut at the antimeridian.

The topology keeps every segment continuous across the antimeridian (its longitudes are
unwrapped, so a trans-Pacific segment may run from 170 to 215 degrees; -220 to 242 on
the open snapshot). GIS software reads such coordinates as invalid in EPSG:4326, and
RFC 7946 asks for lines cut at +-180. :func:`lines_for_export` turns any lines into
MultiLineStrings with every longitude in [-180, 180], cut where they cross +-180, with
no part of zero length; only the lines that leave [-180, 180] or jump across it between
two vertices are cut (with
:func:`cablemap.network.geometry.split_at_antimeridian`, the cut the route GeoJSON uses).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from cablemap.network.geometry import split_at_antimeridian


def lines_for_export(geometries: Iterable[BaseGeometry | None]) -> np.ndarray:
    """Each line as a MultiLineString valid in EPSG:4326, cut at the antimeridian.

    Parameters
    ----------
    geometries
        LineStrings or MultiLineStrings in (lon, lat) degrees, longitudes possibly
        unwrapped beyond +-180 (``None`` is passed through).

    Returns
    -------
    numpy.ndarray
        One MultiLineString per input, longitudes in [-180, 180]; ``None`` where nothing
        of positive length is left (a line whose vertices all lie at one point).
    """
    geoms = np.asarray(list(geometries), dtype=object)
    out = np.empty(len(geoms), dtype=object)
    if not len(geoms):
        return out
    parts, owner = shapely.get_parts(geoms, return_index=True)
    bad_part = shapely.length(parts) <= 0.0
    plain = ~_wrapping(geoms) & (shapely.get_num_geometries(geoms) > 0)
    plain[owner[bad_part]] = False
    if plain.any():  # the common case, in one vectorised call
        keep = plain[owner]
        rows = np.flatnonzero(plain)
        compact = np.searchsorted(rows, owner[keep])
        out[rows] = shapely.multilinestrings(parts[keep], indices=compact)
    for i in np.flatnonzero(~plain):
        out[i] = _cut(geoms[i])
    return out


def _cut(geom: BaseGeometry | None) -> shapely.MultiLineString | None:
    """One line cut at the antimeridian, without parts of length zero (``None`` if empty)."""
    if geom is None or shapely.is_empty(geom):
        return None
    pieces = [shapely.get_coordinates(part) for part in shapely.get_parts(geom)]
    cut = [piece for part in pieces for piece in split_at_antimeridian(part)]
    kept = [part for part in cut if _has_length(part)]
    return shapely.MultiLineString(kept) if kept else None


def _wrapping(geoms: np.ndarray) -> np.ndarray:
    """Which geometries leave [-180, 180] or jump more than 180 degrees between vertices."""
    bounds = shapely.bounds(geoms)
    wraps = (bounds[:, 0] < -180.0) | (bounds[:, 2] > 180.0)
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    jumps = (np.abs(np.diff(coords[:, 0])) > 180.0) & (index[1:] == index[:-1])
    wraps[index[1:][jumps]] = True
    return wraps


def _has_length(coords: np.ndarray) -> bool:
    """Whether a polyline has two distinct vertices (a line of length zero is invalid)."""
    return len(coords) >= 2 and bool(np.any(coords != coords[0]))
