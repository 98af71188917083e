"""Assumed terrestrial links: backhaul inside a country, and links across land borders.

The data has no terrestrial networks, so cablemap assumes some, and only over land
(Natural Earth 1:50m, ``geodata/land/``):

- **backhaul** joins landing stations of one country (ISO 3166-1 code, so Puerto Rico
  and Hong Kong are apart from the United States and China). Candidates are the edges of
  the stations' Delaunay triangulation (a planar spanner, about three links a station),
  computed twice: over every station, and over the stations of cables in service today,
  so that default queries never depend on a waypoint they cannot use. A candidate is
  kept only if its great circle runs over that country's own land, crossing at most
  :data:`WATER_ALLOWANCE_KM` of water (estuaries, bays, bridged straits) and
  :data:`FOREIGN_LAND_ALLOWANCE_KM` of any other land, and is at most
  :data:`BACKHAUL_MAX_KM` long. Islands and exclaves therefore connect only
  by cable: Shetland to Orkney, Svalbard to Norway, Kaliningrad to St Petersburg and
  Hawaii to Alaska are not linked.
- **border** links join two countries whose land touches, between their nearest
  stations whose great circle runs over the two countries' land (same allowance); up
  to :data:`BORDER_LINKS_PER_PAIR` per pair, so that a query whose nearest station is
  out of service still finds one.

Every link is costed as its geodesic length times :data:`BACKHAUL_FACTOR`. A query uses a
link only when both its stations serve a cable usable under the query's filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

BACKHAUL_FACTOR = 1.5
"""Assumed terrestrial route length / great-circle distance for a terrestrial link.

An assumption, not a measurement: land fibre follows roads, rails and rights of way, so
it is longer than the great circle. 1.5 keeps a terrestrial detour dearer than an
undersea cable of the same straight-line length, so routes prefer real cables."""

BACKHAUL_MAX_KM = 4_000.0
"""Longest great-circle distance one terrestrial link may bridge (New York - Los
Angeles is 3,940 km)."""

WATER_ALLOWANCE_KM = 25.0
"""Most water a terrestrial link may cross, in km along its great circle: admits
estuaries, bays and bridged straits (the Great Belt, 18 km; the Oresund, 16 km; the
Johor causeway) and rules out open sea (Shetland - Orkney, 80 km)."""

FOREIGN_LAND_ALLOWANCE_KM = 5.0
"""Most land of any other country (or of a territory without ISO code, such as Northern
Cyprus or Somaliland) a link may cross: room for generalised borders at 1:50m, no more."""

LINK_COAST_KM = 5.0
"""The first and last km of a link are not tested: stations sit on the coast, which
the 1:50m land generalises by a few km."""

SAMPLE_KM = 4.0
"""Spacing of the points at which a link is tested against land."""
COARSE_SAMPLE_KM = 20.0
"""Spacing of a first, coarse test that rules out links far over the allowances."""

BORDER_LINKS_PER_PAIR = 3
BORDER_CANDIDATES = 12
"""Nearest station pairs tested per pair of neighbouring countries."""


@dataclass(frozen=True)
class Link:
    """One assumed terrestrial link: indices of its two stations, lengths in km."""

    a: int
    b: int
    geodesic_km: float
    water_km: float
    foreign_km: float = 0.0

    @property
    def km(self) -> float:
        """The assumed route length (geodesic km times :data:`BACKHAUL_FACTOR`)."""
        return self.geodesic_km * BACKHAUL_FACTOR


def geodesic_km(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Geodesic distances on the WGS84 ellipsoid, in km, element-wise."""
    import numpy as np
    from pyproj import Geod  # imported here: only building a network needs it

    _, _, metres = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres) / 1000.0


def water_km(
    lons: np.ndarray,
    lats: np.ndarray,
    pairs: np.ndarray,
    land: Sequence[object],
    lengths: np.ndarray,
    sample_km: float = SAMPLE_KM,
) -> tuple[np.ndarray, np.ndarray]:
    """Km of each link's great circle off ``land``: over water, and over other land.

    Parameters
    ----------
    lons, lats
        Station coordinates (degrees).
    pairs
        ``(n, 2)`` station indices of the links.
    land
        (Prepared) shapely polygons: the land the links may run over.
    lengths
        Each link's geodesic length in km.
    sample_km
        Spacing of the tested points.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Per link, the km over water and the km over any other country's land (every
        Natural Earth feature counts, coded or not). For a link more than both
        allowances off ``land`` the split is not computed: all of it counts as water.
    """
    import numpy as np
    import shapely

    from cablemap.dataset.land import load_land

    if len(pairs) == 0:
        return np.zeros(0), np.zeros(0)
    ends = _unit_vectors(lons[pairs.ravel()], lats[pairs.ravel()]).reshape(-1, 2, 3)
    counts = np.maximum(np.ceil(lengths / sample_km).astype(int), 1)
    link = np.repeat(np.arange(len(pairs)), counts)
    step = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + 0.5) / (
        np.repeat(counts, counts)
    )
    along = step * np.repeat(lengths, counts)
    tested = (along > LINK_COAST_KM) & (along < np.repeat(lengths, counts) - LINK_COAST_KM)
    points = _slerp(ends[link, 0], ends[link, 1], step)
    lon = np.degrees(np.arctan2(points[:, 1], points[:, 0]))
    lat = np.degrees(np.arcsin(np.clip(points[:, 2], -1.0, 1.0)))
    on_land = np.zeros(len(lon), dtype=bool)
    for polygon in land:
        on_land |= shapely.contains_xy(polygon, lon, lat)
    off_mask = tested & ~on_land
    per_sample = lengths / counts
    off_km = np.bincount(link, weights=off_mask.astype(float), minlength=len(pairs)) * per_sample
    # Only links that could pass both allowances need their off-land points told apart
    # (water or other land): the others fail whatever the split, and are most of them.
    undecided = off_km <= WATER_ALLOWANCE_KM + FOREIGN_LAND_ALLOWANCE_KM
    off = np.flatnonzero(off_mask & undecided[link])
    foreign = np.zeros(len(lon), dtype=bool)
    if len(off):
        inside, _ = load_land().tree.query(shapely.points(lon[off], lat[off]), predicate="within")
        foreign[off[inside]] = True
    foreign_km = np.bincount(link, weights=foreign.astype(float), minlength=len(pairs))
    foreign_km *= per_sample
    return off_km - foreign_km, foreign_km


def backhaul_links(
    lons: np.ndarray,
    lats: np.ndarray,
    station_sets: Sequence[np.ndarray],
    land: Sequence[object],
) -> list[Link]:
    """The backhaul links among one country's stations (see the module docstring).

    Parameters
    ----------
    lons, lats
        The country's station coordinates.
    station_sets
        Index arrays of stations to triangulate (all, and those in service today).
    land
        The country's land polygons.
    """
    import numpy as np

    distinct = {tuple(members.tolist()): members for members in station_sets}.values()
    pairs = sorted({p for members in distinct for p in _triangulation_pairs(lons, lats, members)})
    return _keep_over_land(lons, lats, np.array(pairs, dtype=np.intp).reshape(-1, 2), land)


def border_links(
    lons: np.ndarray,
    lats: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    land: Sequence[object],
) -> list[Link]:
    """Up to :data:`BORDER_LINKS_PER_PAIR` links between two neighbouring countries.

    Parameters
    ----------
    lons, lats
        Coordinates of all stations the indices refer to.
    left, right
        Station indices of the two countries.
    land
        The two countries' land polygons.
    """
    import numpy as np

    a = np.repeat(left, len(right))
    b = np.tile(right, len(left))
    km = geodesic_km(lons[a], lats[a], lons[b], lats[b])
    nearest = np.argsort(km, kind="stable")[:BORDER_CANDIDATES]
    pairs = np.stack([a[nearest], b[nearest]], axis=1)
    return _keep_over_land(lons, lats, pairs, land)[:BORDER_LINKS_PER_PAIR]


def _keep_over_land(
    lons: np.ndarray, lats: np.ndarray, pairs: np.ndarray, land: Sequence[object]
) -> list[Link]:
    if len(pairs) == 0:
        return []
    km = geodesic_km(lons[pairs[:, 0]], lats[pairs[:, 0]], lons[pairs[:, 1]], lats[pairs[:, 1]])
    short = km <= BACKHAUL_MAX_KM
    pairs, km = pairs[short], km[short]
    # A coarse pass first: a link off land at three or more points 20 km apart crosses
    # well over both allowances, and most rejected links (across open sea) are such.
    coarse_water, _ = water_km(lons, lats, pairs, land, km, COARSE_SAMPLE_KM)
    maybe = coarse_water < 3 * COARSE_SAMPLE_KM
    pairs, km = pairs[maybe], km[maybe]
    water, foreign = water_km(lons, lats, pairs, land, km)
    return [
        Link(int(i), int(j), float(d), float(w), float(f))
        for (i, j), d, w, f in zip(pairs.tolist(), km, water, foreign, strict=True)
        if w <= WATER_ALLOWANCE_KM and f <= FOREIGN_LAND_ALLOWANCE_KM
    ]


def _unit_vectors(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    import numpy as np

    lon, lat = np.radians(lons), np.radians(lats)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)


def _slerp(start: np.ndarray, end: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Points at fraction ``t`` along the great circles from ``start`` to ``end``."""
    import numpy as np

    dot = np.clip((start * end).sum(axis=1), -1.0, 1.0)
    omega = np.arccos(dot)
    small = omega < 1e-9
    sin_omega = np.where(small, 1.0, np.sin(omega))
    wa = np.where(small, 1.0 - t, np.sin((1.0 - t) * omega) / sin_omega)
    wb = np.where(small, t, np.sin(t * omega) / sin_omega)
    return wa[:, None] * start + wb[:, None] * end


def _triangulation_pairs(
    lon: np.ndarray, lat: np.ndarray, members: np.ndarray
) -> list[tuple[int, int]]:
    """Index pairs (into ``lon``/``lat``) joined by the Delaunay triangulation of ``members``.

    Longitudes are unwrapped around the stations' central meridian (so a country
    spanning the antimeridian stays contiguous) and scaled by the cosine of the mean
    latitude. Stations at identical points are joined to each other directly.
    """
    import numpy as np

    if len(members) < 2:
        return []
    lon, lat = lon[members], lat[members]
    centre = np.degrees(np.arctan2(np.sin(np.radians(lon)).mean(), np.cos(np.radians(lon)).mean()))
    x = ((lon - centre + 180.0) % 360.0 - 180.0) * np.cos(np.radians(lat.mean()))
    first_at: dict[tuple[float, float], int] = {}
    pairs: set[tuple[int, int]] = set()
    for index, key in enumerate(zip(x.tolist(), lat.tolist(), strict=True)):
        if key in first_at:
            pairs.add((first_at[key], index))
        else:
            first_at[key] = index
    if len(first_at) == 2:
        pairs.add(tuple(sorted(first_at.values())))  # type: ignore[arg-type]
    elif len(first_at) > 2:
        import shapely

        edges = shapely.delaunay_triangles(
            shapely.multipoints(np.array(list(first_at))), only_edges=True
        )
        ends = shapely.get_coordinates(shapely.get_parts(edges)).reshape(-1, 2, 2).tolist()
        for (ax, ay), (bx, by) in ends:
            a, b = first_at[(ax, ay)], first_at[(bx, by)]
            pairs.add((min(a, b), max(a, b)))
    return sorted((int(members[a]), int(members[b])) for a, b in pairs)
