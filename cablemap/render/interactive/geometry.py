"""Windows around a centre longitude: lines and polygons moved into them, cut at their edges.

Segment geometries keep continuous (unwrapped) longitudes. A map is drawn in the
360-degree window ``[centre - 180, centre + 180]`` around a centre longitude
(:func:`centre_longitude`): lines and polygons are shifted by whole turns into it, and
the few that still cross its edges are cut there, so a map can be centred anywhere,
across the antimeridian included. Coordinates are (lon, lat), as in shapely;
:func:`_latlon` is the one place that swaps them into folium's (lat, lon).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely

SIMPLIFY_DEGREES = 0.01
"""Tolerance for simplifying context cables (about 1 km); route segments are not simplified."""
WORLD_BOUNDS = ((-58.0, -180.0), (78.0, 180.0))


def centre_longitude(lons: Iterable[float] | np.ndarray) -> float:
    """The centre of the shortest arc of longitude that covers every given longitude.

    Parameters
    ----------
    lons
        Longitudes in degrees, wrapped or not.

    Returns
    -------
    float
        A longitude in ``[-180, 180)``; the arc is the circle minus its largest empty gap.
    """
    values = np.sort(np.mod(np.fromiter(lons, dtype=float), 360.0))
    if values.size == 0:
        return 0.0
    gaps = np.diff(np.append(values, values[0] + 360.0))
    widest = int(np.argmax(gaps))
    start = values[(widest + 1) % values.size]
    centre = start + (360.0 - gaps[widest]) / 2.0
    return float((centre + 180.0) % 360.0 - 180.0)


def _shift_line(xy: np.ndarray, centre: float) -> np.ndarray:
    """Shift a continuous line by whole turns so its mean longitude is within 180 of ``centre``."""
    turns = np.round((float(np.mean(xy[:, 0])) - centre) / 360.0)
    out = np.array(xy, dtype=float)
    out[:, 0] -= 360.0 * turns
    return out


def _wrap_lon(lon: float, centre: float) -> float:
    return centre + ((lon - centre + 180.0) % 360.0 - 180.0)


def _window_parts(geometries: np.ndarray, centre: float) -> list[list[np.ndarray]]:
    """Each line as parts inside the window ``[centre - 180, centre + 180]``.

    Lines are shifted by whole turns towards the centre; the few that still cross the
    window's edge are cut there (:func:`_cut_at_edges`).
    """
    xy, index = shapely.get_coordinates(geometries, return_index=True)
    count = len(geometries)
    sizes = np.bincount(index, minlength=count)
    means = np.bincount(index, weights=xy[:, 0], minlength=count) / np.maximum(sizes, 1)
    xy[:, 0] -= 360.0 * np.round((means - centre) / 360.0)[index]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    out = [[xy[starts[i] : starts[i + 1]]] if sizes[i] else [] for i in range(count)]
    crossing = np.unique(index[(xy[:, 0] < centre - 180.0) | (xy[:, 0] > centre + 180.0)])
    if crossing.size:
        cut = _cut_at_edges([out[i][0] for i in crossing], centre)
        for i, parts in zip(crossing, cut, strict=True):
            out[i] = parts
    return out


def _cut_at_edges(lines: list[np.ndarray], centre: float) -> list[list[np.ndarray]]:
    """Cut continuous lines at ``centre +- 180``; every part moved into the window."""
    geometries = shapely.linestrings(
        np.concatenate(lines), indices=np.repeat(np.arange(len(lines)), [len(x) for x in lines])
    )
    out: list[list[np.ndarray]] = [[] for _ in lines]
    for band in (-1, 0, 1):
        west = centre - 180.0 + 360.0 * band
        pieces = shapely.intersection(geometries, shapely.box(west, -90.0, west + 360.0, 90.0))
        parts, owners = shapely.get_parts(pieces, return_index=True)
        for part, owner in zip(parts, owners, strict=True):
            if shapely.get_type_id(part) == 1 and not shapely.is_empty(part):  # a LineString
                xy = shapely.get_coordinates(part)
                xy[:, 0] -= 360.0 * band
                out[owner].append(xy)
    return out


def _simplified(geometries: Iterable[Any]) -> np.ndarray:
    """Context lines simplified to :data:`SIMPLIFY_DEGREES` (plain Douglas-Peucker)."""
    return shapely.simplify(
        np.asarray(geometries, dtype=object), SIMPLIFY_DEGREES, preserve_topology=False
    )


def _latlon(xy: np.ndarray, decimals: int) -> list[list[float]]:
    """(lon, lat) rows to folium's [lat, lon] pairs: the one place that swaps the order."""
    return np.round(np.asarray(xy)[:, ::-1], decimals).tolist()


def _bounds(xy: np.ndarray) -> list[list[float]]:
    """Leaflet bounds [[south, west], [north, east]] of (lon, lat) rows."""
    west, south = np.min(xy, axis=0)
    east, north = np.max(xy, axis=0)
    return [[float(south), float(west)], [float(north), float(east)]]


def _moved(geometries: np.ndarray, dx: np.ndarray | float) -> np.ndarray:
    """Geometries shifted east by ``dx`` degrees (one value, or one per geometry)."""
    coords, index = shapely.get_coordinates(geometries, return_index=True)
    coords[:, 0] += np.broadcast_to(np.asarray(dx, dtype=float), (len(geometries),))[index]
    return shapely.set_coordinates(np.array(geometries, dtype=object), coords)


def _window_polygons(polygons: np.ndarray, centre: float) -> list[Any]:
    """Polygons moved by whole turns into the window around ``centre``, cut at its edges."""
    bounds = shapely.bounds(polygons)
    middle = (bounds[:, 0] + bounds[:, 2]) / 2.0
    moved = _moved(polygons, -360.0 * np.round((middle - centre) / 360.0))
    bounds = shapely.bounds(moved)
    inside = (bounds[:, 0] >= centre - 180.0) & (bounds[:, 2] <= centre + 180.0)
    out = list(moved[inside])
    crossing = moved[~inside]
    for band in (-1, 0, 1) if crossing.size else ():
        west = centre - 180.0 + 360.0 * band
        parts = shapely.get_parts(
            shapely.intersection(crossing, shapely.box(west, -90.0, west + 360.0, 90.0))
        )
        parts = parts[shapely.get_type_id(parts) == 3]
        out += list(_moved(parts, -360.0 * band)) if parts.size else []
    return out
