"""Windows around a centre longitude: lines and polygons moved into them, cut at their edges.

Segment geometries keep continuous (unwrapped) longitudes. A map is drawn in the
360-degree window ``[centre - 180, centre + 180]`` around a centre longitude
(:func:`centre_longitude`): lines and polygons are shifted by whole turns into it, so a
map can be centred anywhere, across the antimeridian included. Lines are never cut: one
that runs past an edge is drawn whole and again from the other edge; lines, points and
land within :data:`MARGIN_DEGREES` of an edge are drawn again past the other edge, so
the map reads on when panned across it. Coordinates are (lon, lat), as in shapely;
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
MARGIN_DEGREES = 60.0
"""Land is drawn this far past the window's edges, where lines crossing them run on;
the map cannot be panned further."""
COUNTRY_MARGIN = 0.15
"""A place's view holds its stations with this margin on each side (a share of the
span), as the static risk image frames a country."""
COUNTRY_MIN_SPAN = 12.0
"""The narrowest view of a place, in degrees of longitude (half that of latitude)."""


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


def _window_parts(
    geometries: np.ndarray, centre: float, margin: float = MARGIN_DEGREES
) -> list[list[np.ndarray]]:
    """Each line whole, moved into the window ``[centre - 180, centre + 180]``.

    Lines are shifted by whole turns so that their mean longitude lies in the window and
    are never cut: a line that runs past an edge keeps going (Leaflet draws it beyond the
    edge, over the land of :func:`_window_polygons`' margins). A line that comes within
    ``margin`` of an edge (or crosses it) is drawn again, a whole turn the other way, as
    a second part, so that it also enters the map from the opposite edge and the margin
    past that edge shows what is there. Every part keeps continuous longitudes: no step
    between two vertices is longer than the line's own.
    """
    xy, index = shapely.get_coordinates(geometries, return_index=True)
    count = len(geometries)
    sizes = np.bincount(index, minlength=count)
    means = np.bincount(index, weights=xy[:, 0], minlength=count) / np.maximum(sizes, 1)
    xy[:, 0] -= 360.0 * np.round((means - centre) / 360.0)[index]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    out = [[xy[starts[i] : starts[i + 1]]] if sizes[i] else [] for i in range(count)]
    west = np.full(count, np.inf)
    east = np.full(count, -np.inf)
    np.minimum.at(west, index, xy[:, 0])
    np.maximum.at(east, index, xy[:, 0])
    for turn, near in (
        (360.0, west < centre - 180.0 + margin),
        (-360.0, east > centre + 180.0 - margin),
    ):
        for i in np.flatnonzero(near):
            copy = out[i][0].copy()
            copy[:, 0] += turn
            out[i].append(copy)
    return out


def _lon_copies(lon: float, centre: float, margin: float = MARGIN_DEGREES) -> list[float]:
    """A point's longitude in the window, and a turn away too when near an edge.

    Within ``margin`` of an edge the point is repeated past the opposite edge, as
    :func:`_window_parts` repeats lines there.
    """
    inside = centre + ((lon - centre + 180.0) % 360.0 - 180.0)
    copies = [inside]
    if inside < centre - 180.0 + margin:
        copies.append(inside + 360.0)
    if inside > centre + 180.0 - margin:
        copies.append(inside - 360.0)
    return copies


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


def _framed(xy: np.ndarray, *, margin: float, min_span: float) -> list[list[float]]:
    """Leaflet bounds holding every (lon, lat) row with a margin, at least ``min_span`` wide.

    The same frame as the static risk image gives a country: the points' box, widened to
    ``min_span`` degrees of longitude (``min_span / 2`` of latitude), plus ``margin`` of
    the span on each side.
    """
    west, south = np.min(xy, axis=0)
    east, north = np.max(xy, axis=0)
    width = max(float(east - west), min_span) * (1 + 2 * margin)
    height = max(float(north - south), min_span / 2) * (1 + 2 * margin)
    mid_x, mid_y = float(west + east) / 2, float(south + north) / 2
    south_edge, north_edge = max(mid_y - height / 2, -85.0), min(mid_y + height / 2, 85.0)
    return [[south_edge, mid_x - width / 2], [north_edge, mid_x + width / 2]]


def _moved(geometries: np.ndarray, dx: np.ndarray | float) -> np.ndarray:
    """Geometries shifted east by ``dx`` degrees (one value, or one per geometry)."""
    coords, index = shapely.get_coordinates(geometries, return_index=True)
    coords[:, 0] += np.broadcast_to(np.asarray(dx, dtype=float), (len(geometries),))[index]
    return shapely.set_coordinates(np.array(geometries, dtype=object), coords)


def _window_polygons(polygons: np.ndarray, centre: float, margin: float = 0.0) -> list[Any]:
    """Polygons moved by whole turns into the window around ``centre``, cut at its edges.

    With a ``margin`` (degrees), the land just past each edge is drawn too (a copy of
    the other side), so that lines running past an edge (:func:`_window_parts`) still
    run along coastlines.
    """
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
    if margin <= 0.0 or not out:
        return out
    window = np.array(out, dtype=object)
    edges = (
        (360.0, shapely.box(centre + 180.0, -90.0, centre + 180.0 + margin, 90.0)),
        (-360.0, shapely.box(centre - 180.0 - margin, -90.0, centre - 180.0, 90.0)),
    )
    for turn, box in edges:
        parts = shapely.get_parts(shapely.intersection(_moved(window, turn), box))
        out += list(parts[(shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)])
    return out
