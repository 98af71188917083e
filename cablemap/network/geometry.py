"""Plain numeric geometry on (lon, lat) degrees: local distances, nearest points, lengths.

Everything here works on numpy arrays of ``(lon, lat)`` pairs and knows about the
antimeridian: longitude differences are always wrapped into ``[-180, 180)``, so two
points at lon 179.9999 and -179.9998 are metres apart, not half the globe.

Two distance measures are used on purpose:

- a local equirectangular approximation (:func:`local_km`) for *choosing* (nearest point,
  which end is closer); its error is below 1 % for the tens of kilometres the
  topology tolerances deal with;
- the WGS84 ellipsoid (:data:`WGS84`, :func:`geodesic_km`, :func:`line_lengths_km`) for
  every *reported* figure (segment lengths, attachment distances).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
"""The geodesic calculator on the WGS84 ellipsoid."""

KM_PER_DEG_LAT = 110.574
"""Kilometres per degree of latitude (WGS84, near the equator; 111.69 at the poles)."""

KM_PER_DEG_LON_EQUATOR = 111.320
"""Kilometres per degree of longitude at the equator (WGS84)."""


def wrap_lon(delta: np.ndarray | float) -> np.ndarray:
    """Wrap longitude differences (degrees) into ``[-180, 180)``."""
    return (np.asarray(delta, dtype=float) + 180.0) % 360.0 - 180.0


def local_xy(lonlat: np.ndarray, lon0: float, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """Project ``(lon, lat)`` rows to kilometres east and north of ``(lon0, lat0)``.

    An equirectangular projection centred on the reference point (and valid across the
    antimeridian); within the tens of kilometres the topology tolerances deal with, its
    distances are good to about 1 %.
    """
    lonlat = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    km_per_deg_lon = KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    x = ((lonlat[:, 0] - lon0 + 180.0) % 360.0 - 180.0) * km_per_deg_lon
    return x, (lonlat[:, 1] - lat0) * KM_PER_DEG_LAT


def local_km(lonlat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """Approximate distances (km) from ``(lon0, lat0)`` to each ``(lon, lat)`` row."""
    x, y = local_xy(lonlat, lon0, lat0)
    return np.hypot(x, y)


def local_km_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Approximate distances (km) from every row of ``a`` (``(n, 2)``) to every row of ``b``.

    Each row of ``a`` is the centre of its own local projection.
    """
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    km_per_deg_lon = KM_PER_DEG_LON_EQUATOR * np.cos(np.radians(a[:, 1:2]))
    x = ((b[None, :, 0] - a[:, 0:1] + 180.0) % 360.0 - 180.0) * km_per_deg_lon
    y = (b[None, :, 1] - a[:, 1:2]) * KM_PER_DEG_LAT
    return np.hypot(x, y)


def nearest_on_segments(
    starts: np.ndarray, ends: np.ndarray, lon0: float, lat0: float
) -> tuple[int, float, float]:
    """Find the straight piece nearest to a point, in the local projection around it.

    Parameters
    ----------
    starts, ends
        ``(n, 2)`` arrays of ``(lon, lat)``: piece ``i`` runs from ``starts[i]`` to
        ``ends[i]`` (n >= 1).
    lon0, lat0
        The query point.

    Returns
    -------
    tuple of (int, float, float)
        Index of the nearest piece, the position ``t`` in ``[0, 1]`` of the nearest point
        along it, and the approximate distance in km.
    """
    ax, ay = local_xy(starts, lon0, lat0)
    bx, by = local_xy(ends, lon0, lat0)
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.where(length2 > 0.0, -(ax * dx + ay * dy) / length2, 0.0), 0.0, 1.0)
    dist = np.hypot(ax + t * dx, ay + t * dy)
    i = int(np.argmin(dist))
    return i, float(t[i]), float(dist[i])


def interpolate(start: Sequence[float], end: Sequence[float], t: float) -> tuple[float, float]:
    """The point at fraction ``t`` from ``start`` to ``end``, across the antimeridian too."""
    dlon = (float(end[0]) - float(start[0]) + 180.0) % 360.0 - 180.0
    lon = (float(start[0]) + t * dlon + 180.0) % 360.0 - 180.0
    return lon, float(start[1]) + t * (float(end[1]) - float(start[1]))


def geodesic_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Geodesic distances (km, WGS84) between paired ``(lon, lat)`` rows of ``a`` and ``b``."""
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    if len(a) == 0:
        return np.zeros(0)
    _, _, metres = WGS84.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return np.asarray(metres) / 1000.0


def line_lengths_km(lines: Sequence[np.ndarray]) -> np.ndarray:
    """Geodesic lengths (km, WGS84) of many polylines in one vectorised call.

    Parameters
    ----------
    lines
        ``(n_i, 2)`` arrays of ``(lon, lat)``, each with one or more rows.

    Returns
    -------
    numpy.ndarray
        One length per line.
    """
    if not lines:
        return np.zeros(0)
    coords = np.concatenate(lines)
    walked = np.concatenate([[0.0], np.cumsum(geodesic_km(coords[:-1], coords[1:]))])
    last = np.cumsum([len(line) for line in lines]) - 1
    first = last - np.array([len(line) - 1 for line in lines])
    return walked[last] - walked[first]


def unwrap_lons(coords: np.ndarray) -> np.ndarray:
    """Make a polyline continuous across the antimeridian.

    Longitudes after the first are shifted by multiples of 360 so that consecutive
    vertices are never more than 180 degrees apart; a trans-Pacific line then reads
    e.g. 179.9, 180.2, 181.0 instead of jumping to -179.8.
    """
    coords = np.array(coords, dtype=float).reshape(-1, 2)
    return unwrap_many(coords, np.zeros(1, dtype=int))


def unwrap_many(coords: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """:func:`unwrap_lons` for many polylines stored one after the other.

    Parameters
    ----------
    coords
        ``(n, 2)`` rows of all the polylines, concatenated.
    starts
        The row where each polyline begins (ascending, first 0).

    Returns
    -------
    numpy.ndarray
        A copy of ``coords`` with each polyline's longitudes unwrapped.
    """
    out = np.array(coords, dtype=float)
    if len(out) < 2:
        return out
    raw = np.diff(out[:, 0])
    turns = np.concatenate([[0], np.rint((wrap_lon(raw) - raw) / 360.0).astype(int)])
    turns[starts] = 0
    laps = np.cumsum(turns)
    laps -= np.repeat(laps[starts], np.diff(np.append(starts, len(out))))
    out[:, 0] += 360.0 * laps
    return out


def split_at_antimeridian(coords: np.ndarray) -> list[np.ndarray]:
    """Cut a (possibly unwrapped) polyline into parts with longitudes in ``[-180, 180]``.

    Meant for renderers and GeoJSON export (RFC 7946 asks for lines cut at the
    antimeridian); the topology itself keeps continuous, unwrapped segment geometries.

    Parameters
    ----------
    coords
        ``(n, 2)`` array of ``(lon, lat)``.

    Returns
    -------
    list of numpy.ndarray
        The parts as ``(m, 2)`` arrays, west to east within each 360-degree band.
    """
    line = shapely.LineString(unwrap_lons(coords))
    west, _, east, _ = line.bounds
    parts: list[np.ndarray] = []
    for band in range(math.floor((west + 180.0) / 360.0), math.floor((east + 180.0) / 360.0) + 1):
        offset = 360.0 * band
        window = shapely.box(offset - 180.0, -90.0, offset + 180.0, 90.0)
        for part in shapely.get_parts(shapely.intersection(line, window)):
            if isinstance(part, shapely.LineString) and not part.is_empty:
                xy = shapely.get_coordinates(part)
                xy[:, 0] -= offset
                parts.append(xy)
    return parts
