"""Natural Earth land: which country a point is in, and which countries share a border.

The polygons are Natural Earth's 1:50m admin-0 countries (``geodata/land/``, public
domain), read once per process with GDAL's TopoJSON driver. Each feature carries its ISO
3166-1 alpha-2 code (from the numeric id, via pycountry), or ``""`` where ISO has none
(Northern Cyprus, Somaliland, Kosovo, the Siachen Glacier, "Indian Ocean Ter.").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from cablemap.errors import DataError
from cablemap.resources import geodata_dir

if TYPE_CHECKING:
    import numpy as np
    import shapely

LAND_FILE = "land/countries-50m.json"
KM_PER_DEGREE = 111.195
"""Kilometres per degree of a great circle on a sphere of the Earth's mean radius."""
STATION_COAST_KM = 25.0
"""A station this close to a country's land counts as on it: 1:50m coastlines are
generalised by a few km, and some stations sit on small islands Natural Earth omits."""


@dataclass(frozen=True)
class Land:
    """Natural Earth countries: codes, names and (valid) geometries, one row per feature."""

    iso2: tuple[str, ...]
    names: tuple[str, ...]
    geometries: np.ndarray
    by_iso2: dict[str, object]
    """The union of each code's features (prepared for fast point tests)."""
    tree: shapely.STRtree
    """An STRtree over :attr:`geometries` (every feature, coded or not)."""

    def locate(self, lons: np.ndarray, lats: np.ndarray) -> list[str]:
        """The ISO code of the land each point is on or near, ``""`` where none is.

        A point inside a feature gets its code; else the nearest feature within
        :data:`STATION_COAST_KM` (measured in degrees scaled by the cosine of the
        latitude); else ``""``.
        """
        import numpy as np
        import shapely

        points = shapely.points(lons, lats)
        tree = self.tree
        inside_point, inside_feature = tree.query(points, predicate="intersects")
        found = [""] * len(points)
        for p, f in zip(inside_point.tolist(), inside_feature.tolist(), strict=True):
            if not found[p]:
                found[p] = self.iso2[f] or found[p]
        missing = np.array([i for i, code in enumerate(found) if not code], dtype=np.intp)
        if len(missing):
            reach = STATION_COAST_KM / KM_PER_DEGREE / np.cos(np.radians(np.abs(lats[missing])))
            near_point, near_feature = tree.query_nearest(
                points[missing], max_distance=float(reach.max()), return_distance=False
            )
            for p, f in zip(near_point.tolist(), near_feature.tolist(), strict=True):
                index = int(missing[p])
                distance = shapely.distance(points[index], self.geometries[f])
                if not found[index] and distance <= reach[p]:
                    found[index] = self.iso2[f]
        return found

    def neighbours(self) -> frozenset[tuple[str, str]]:
        """Pairs of ISO codes ``(a, b)``, ``a < b``, whose land shares a border."""
        import shapely

        codes = [c for c in self.by_iso2 if c]
        geometries = [self.by_iso2[c] for c in codes]
        tree = shapely.STRtree(geometries)
        left, right = tree.query(geometries, predicate="intersects")
        return frozenset(
            (min(codes[a], codes[b]), max(codes[a], codes[b]))
            for a, b in zip(left.tolist(), right.tolist(), strict=True)
            if a != b
        )


@cache
def load_land() -> Land:
    """The shipped Natural Earth countries (read once per process).

    Raises
    ------
    DataError
        The file is missing or unreadable (reinstall cablemap).
    """
    import numpy as np
    import pycountry
    import pyogrio
    import shapely

    path = geodata_dir() / LAND_FILE
    try:
        _, _, wkb, fields = pyogrio.raw.read(path, layer="countries")
    except Exception as exc:  # GDAL raises its own error types
        raise DataError(
            f"{path}: cannot read the land polygons ({exc}); reinstall cablemap"
        ) from exc
    geometries = np.array([_split_at_antimeridian(g) for g in shapely.from_wkb(wkb)])
    invalid = ~shapely.is_valid(geometries)
    geometries[invalid] = shapely.make_valid(geometries[invalid])
    codes = []
    for numeric in fields[0]:
        record = pycountry.countries.get(numeric=str(numeric)) if numeric else None
        codes.append(record.alpha_2 if record and record.alpha_2 != "AQ" else "")
    by_iso2: dict[str, object] = {}
    for code in sorted(set(codes) - {""}):
        union = shapely.union_all(geometries[np.array(codes) == code])
        shapely.prepare(union)
        by_iso2[code] = union
    return Land(
        tuple(codes),
        tuple(str(n) for n in fields[1]),
        geometries,
        by_iso2,
        shapely.STRtree(geometries),
    )


def _split_at_antimeridian(geometry: object) -> object:
    """Cut polygons that wrap across the antimeridian into parts within +-180 degrees.

    world-atlas's TopoJSON is made for spherical rendering: a few rings (eastern Russia,
    Fiji, Antarctica) jump from -180 to +180 and back. Read as planar polygons they would
    cover the wrong side of the globe (Russia's Chukotka over Alaska). Such a ring's
    longitudes are unwrapped into one continuous run and the result is cut at the
    antimeridian, each piece shifted back into range. Antarctica (no station) has no code.
    """
    import numpy as np
    import shapely
    import shapely.affinity

    parts = shapely.get_parts(geometry)
    bounds = shapely.bounds(parts)
    if not (bounds[:, 2] - bounds[:, 0] > 180.0).any():
        return geometry
    pieces = []
    for part, (x0, _, x1, _) in zip(parts, bounds, strict=True):
        if x1 - x0 <= 180.0:
            pieces.append(part)
            continue
        ring = shapely.get_coordinates(shapely.get_exterior_ring(part))
        ring[:, 0] = np.degrees(np.unwrap(np.radians(ring[:, 0])))
        unwrapped = shapely.make_valid(shapely.Polygon(ring))
        for shift in (-360.0, 0.0, 360.0):
            window = shapely.box(-180.0 - shift, -90.0, 180.0 - shift, 90.0)
            piece = shapely.intersection(unwrapped, window)
            if not piece.is_empty:
                pieces.extend(shapely.get_parts(shapely.affinity.translate(piece, xoff=shift)))
    polygons = [p for p in pieces if shapely.get_type_id(p) == 3]
    return shapely.multipolygons(polygons)
