"""Assumed terrestrial backhaul between the landing stations of one country.

The data has no terrestrial networks, so cablemap assumes one: within each country the
stations are joined by the edges of their **Delaunay triangulation** (computed in a local
plane around the country's stations), each link costed as its geodesic length times
:data:`BACKHAUL_FACTOR`, and links longer than :data:`BACKHAUL_MAX_KM` dropped. A
triangulation is a planar spanner: it joins every station to its natural neighbours with
about three links per station instead of a link between every two stations, and the
shortest chain of links between two stations is close to their direct distance
(measured on the real data: see ``docs/routing.md``). Real terrestrial fibre also runs
from city to city, not in straight lines between every pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

BACKHAUL_FACTOR = 1.5
"""Assumed terrestrial route length / great-circle distance for a backhaul link.

An assumption, not a measurement: land fibre follows roads, rails and rights of way, so
it is longer than the great circle. 1.5 keeps a backhaul detour dearer than an undersea
cable of the same straight-line length, so routes prefer real cables."""

BACKHAUL_MAX_KM = 4_000.0
"""Longest great-circle distance one backhaul link may bridge.

It admits links across the contiguous United States (New York - Los Angeles is 3,940 km)
and rules out "terrestrial" links from a mainland to far overseas territory
(Los Angeles - Honolulu 4,110 km; Guam). Links between nearer islands of one country
(Indonesia, the Philippines, Greece) are still assumed: the data has no coastlines to
tell land from sea."""


def geodesic_km(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Geodesic distances on the WGS84 ellipsoid, in km, element-wise."""
    import numpy as np
    from pyproj import Geod  # imported here: only building a network needs it

    _, _, metres = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres) / 1000.0


def backhaul_links(lons: Sequence[float], lats: Sequence[float]) -> list[tuple[int, int, float]]:
    """The backhaul links among one country's stations.

    Parameters
    ----------
    lons, lats
        The stations' coordinates (degrees).

    Returns
    -------
    list of (int, int, float)
        ``(i, j, km)`` with ``i < j`` indexing the inputs, and the link's assumed length
        (geodesic km times :data:`BACKHAUL_FACTOR`).
    """
    import numpy as np

    lon = np.asarray(lons, dtype=float)
    lat = np.asarray(lats, dtype=float)
    pairs = _triangulation_pairs(lon, lat)
    if not pairs:
        return []
    i = np.array([p[0] for p in pairs])
    j = np.array([p[1] for p in pairs])
    km = geodesic_km(lon[i], lat[i], lon[j], lat[j])
    keep = km <= BACKHAUL_MAX_KM
    return [
        (int(a), int(b), float(d) * BACKHAUL_FACTOR)
        for a, b, d in zip(i[keep], j[keep], km[keep], strict=True)
    ]


def _triangulation_pairs(lon: np.ndarray, lat: np.ndarray) -> list[tuple[int, int]]:
    """Index pairs joined by the Delaunay triangulation in a local plane.

    Longitudes are unwrapped around the stations' central meridian (so a country
    spanning the antimeridian stays contiguous) and scaled by the cosine of the mean
    latitude. Stations at identical points are joined to each other directly.
    """
    import numpy as np

    n = len(lon)
    if n < 2:
        return []
    centre = np.degrees(np.arctan2(np.sin(np.radians(lon)).mean(), np.cos(np.radians(lon)).mean()))
    x = ((lon - centre + 180.0) % 360.0 - 180.0) * np.cos(np.radians(lat.mean()))
    y = lat
    first_at: dict[tuple[float, float], int] = {}
    pairs: set[tuple[int, int]] = set()
    for index, key in enumerate(zip(x.tolist(), y.tolist(), strict=True)):
        if key in first_at:
            pairs.add((first_at[key], index))
        else:
            first_at[key] = index
    if len(first_at) == 2:
        pairs.add(tuple(sorted(first_at.values())))  # type: ignore[arg-type]
    elif len(first_at) > 2:
        import shapely

        points = shapely.multipoints(np.array(list(first_at)))
        edges = shapely.delaunay_triangles(points, only_edges=True)
        for line in shapely.get_parts(edges):
            (ax, ay), (bx, by) = shapely.get_coordinates(line).tolist()
            a, b = first_at[(ax, ay)], first_at[(bx, by)]
            pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)
