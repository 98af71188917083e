"""Cuts: the cable segments removed for one question.

A cut names what fails:

- ``CABLE`` (id, display name or abbreviation): the whole cable;
- ``CABLE:N``: one segment, with the ids ``cablemap cable`` shows (``seamewe-5:3``);
- ``near LON,LAT[,KM]``: every segment passing within KM (default 50) of the point;
- ``in REGION``: every segment crossing a named region of ``geodata/regions.geojson``
  (Red Sea, Luzon Strait, Baltic Sea, ...), or the polygons of a GeoJSON file.

Segments are the pieces of one cable between consecutive stations or branching units,
so a segment cut leaves the rest of the cable in service, as real faults do. Cuts by
point or region read the segments' drawn geometry (the topology); cable and segment
cuts need only the network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap.analysis.lookup import resolve_cable
from cablemap.errors import UserError
from cablemap.resources import geodata_dir

if TYPE_CHECKING:
    from cablemap.network.graph import Network

REGIONS_FILE = "regions.geojson"
DEFAULT_NEAR_KM = 50.0
MAX_REGION_FILE_BYTES = 16 * 1024 * 1024
"""A user's region file larger than this is refused (it should hold a few polygons)."""


@dataclass(frozen=True)
class Cut:
    """One cut and what it removed: whole cables, and segments of other cables."""

    spec: str
    kind: str
    cables: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``cuts`` in a route answer)."""
        return {
            "spec": self.spec,
            "kind": self.kind,
            "cables": list(self.cables),
            "segments": list(self.segments),
        }


@dataclass(frozen=True)
class Cuts:
    """All cuts of one question, and the graph edges they remove."""

    cuts: tuple[Cut, ...] = ()
    cables: frozenset[str] = frozenset()
    edges: frozenset[int] = field(default=frozenset(), repr=False)

    def as_list(self) -> list[dict[str, Any]]:
        """The JSON form: one object per cut."""
        return [cut.as_dict() for cut in self.cuts]


def resolve_cuts(
    network: Network,
    *,
    cut: tuple[str, ...] = (),
    near: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
) -> Cuts:
    """Resolve cut specifications into cables and graph edges to remove.

    Parameters
    ----------
    network
        A built network.
    cut
        ``CABLE`` or ``CABLE:N`` (segment) specifications.
    near
        ``LON,LAT[,KM]`` specifications.
    regions
        Region names (see :func:`region_names`) or paths of GeoJSON files.

    Raises
    ------
    UserError
        An unknown cable, segment or region, a malformed point, or an unreadable file.
    """
    found = [_cable_or_segment(network, spec) for spec in cut]
    found += [_near(network, spec) for spec in near]
    found += [_region(network, spec) for spec in regions]
    cables = frozenset(c for item in found for c in item.cables)
    segments = {s for item in found for s in item.segments}
    return Cuts(tuple(found), cables, _segment_edges(network, segments))


def _segment_edges(network: Network, segments: set[str]) -> frozenset[int]:
    if not segments:
        return frozenset()
    index = {s: i for i, s in enumerate(network.segment_ids) if s in segments}
    wanted = set(index.values())
    return frozenset(e for e, seg in enumerate(network.edges.segment) if seg >= 0 and seg in wanted)


def _cable_or_segment(network: Network, spec: str) -> Cut:
    text = spec.strip()
    if not text:
        raise UserError("--cut: empty value; give a cable id, name or CABLE:SEGMENT")
    if re.fullmatch(r".+:\d+", text) and text not in network.cables:
        name, number = text.rsplit(":", 1)
        segment = f"{resolve_cable(network, name)}:{number}"
        if segment not in set(network.segment_ids):
            cable = segment.rsplit(":", 1)[0]
            known = [s for s in network.segment_ids if s.startswith(cable + ":")]
            hint = (
                f"its segments are {known[0]} to {known[-1]}" if known else "see `cablemap cable`"
            )
            raise UserError(f"--cut: no segment {text[:80]!r}; {hint}")
        return Cut(text, "segment", segments=(segment,))
    return Cut(text, "cable", cables=(resolve_cable(network, text),))


def _near(network: Network, spec: str) -> Cut:
    parts = [p.strip() for p in spec.split(",")]
    try:
        lon, lat = float(parts[0]), float(parts[1])
        km = float(parts[2]) if len(parts) == 3 else DEFAULT_NEAR_KM
    except (ValueError, IndexError):
        raise UserError(
            f"--cut-near: {spec[:80]!r} is not LON,LAT[,KM] (for example 43.3,12.6,100)"
        ) from None
    if len(parts) > 3 or not (-180 <= lon <= 180 and -90 <= lat <= 90 and 0 < km <= 5000):
        raise UserError(
            f"--cut-near: {spec[:80]!r}: longitude -180..180, latitude -90..90, km 0..5000"
        )
    segments = _segments_near(network, lon, lat, km)
    return Cut(spec, "near", segments=segments)


def _segments_near(network: Network, lon: float, lat: float, km: float) -> tuple[str, ...]:
    import numpy as np
    import shapely
    from pyproj import CRS, Transformer

    segments = network.topology.segments
    lines = np.asarray(segments.geometry)
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    to_local = Transformer.from_crs("EPSG:4326", local, always_xy=True)
    near = np.zeros(len(lines), dtype=bool)
    for shift in (-360.0, 0.0, 360.0):  # drawn longitudes run past +-180
        reach = km / 111.0 / max(np.cos(np.radians(min(abs(lat), 89.0))), 0.01) + 1.0
        box = shapely.box(
            lon + shift - reach, lat - km / 111.0 - 1, lon + shift + reach, lat + km / 111.0 + 1
        )
        candidates = np.flatnonzero(shapely.intersects(lines, box) & ~near)
        for i in candidates:
            coords = shapely.get_coordinates(lines[i])
            x, y = to_local.transform(coords[:, 0] - shift, coords[:, 1])
            line = shapely.linestrings(np.column_stack([x, y]))
            near[i] = shapely.dwithin(line, shapely.Point(0, 0), km * 1000.0)
    return tuple(str(s) for s in segments["segment_id"][near])


def _region(network: Network, spec: str) -> Cut:
    import numpy as np
    import shapely

    polygon, name = _region_polygon(spec)
    segments = network.topology.segments
    lines = np.asarray(segments.geometry)
    hit = np.zeros(len(lines), dtype=bool)
    for shift in (-360.0, 0.0, 360.0):  # drawn longitudes run past +-180
        hit |= shapely.intersects(lines, shapely.affinity.translate(polygon, xoff=shift))
    return Cut(name, "region", segments=tuple(str(s) for s in segments["segment_id"][hit]))


@cache
def shipped_regions() -> dict[str, tuple[str, object]]:
    """Region id -> (name, polygon) from ``geodata/regions.geojson``."""
    import shapely

    data = json.loads((geodata_dir() / REGIONS_FILE).read_text(encoding="utf-8"))
    return {
        f["properties"]["id"]: (f["properties"]["name"], shapely.geometry.shape(f["geometry"]))
        for f in data["features"]
    }


def region_names() -> list[str]:
    """The ids of the shipped regions."""
    return sorted(shipped_regions())


def _region_polygon(spec: str) -> tuple[object, str]:
    import shapely.affinity  # noqa: F401  (used by callers through shapely.affinity)

    key = spec.strip().casefold().replace(" ", "-")
    regions = shipped_regions()
    if key in regions:
        return regions[key][1], key
    path = Path(spec).expanduser()
    if path.suffix.lower() in (".geojson", ".json") and path.is_file():
        return _polygon_file(path), str(path.name)
    raise UserError(
        f"--cut-in: {spec[:80]!r} is neither a shipped region ({', '.join(region_names())}) "
        "nor a .geojson file"
    )


def _polygon_file(path: Path) -> object:
    import shapely

    try:
        if path.stat().st_size > MAX_REGION_FILE_BYTES:
            raise UserError(f"--cut-in: {path.name} is larger than 16 MiB; simplify the polygon")
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data.get("features", [data]) if isinstance(data, dict) else []
        shapes = [
            shapely.geometry.shape(f.get("geometry", f)) for f in features if isinstance(f, dict)
        ]
    except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise UserError(
            f"--cut-in: cannot read {path.name} as GeoJSON ({type(exc).__name__}); "
            "give a FeatureCollection of polygons in lon/lat"
        ) from None
    polygons = [s for s in shapes if s.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        raise UserError(f"--cut-in: {path.name} holds no polygon; give Polygon features in lon/lat")
    return shapely.make_valid(shapely.union_all(polygons))
