"""The model as GIS layers: cables, segments, stations and terrestrial links.

Each layer is a GeoDataFrame in EPSG:4326 with one geometry type, every longitude in
[-180, 180] and lines cut at the antimeridian (:mod:`cablemap.network.antimeridian`),
and only scalar fields (text, integers, floats, booleans), so that it reads the same
from GeoPackage, GeoParquet and GeoJSON. Lists (owners, suppliers) are joined with
``"; "``. What a layer had to leave out is said in ``frame.attrs["notes"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cablemap.errors import UserError
from cablemap.network.antimeridian import lines_for_export
from cablemap.network.geometry import WGS84

if TYPE_CHECKING:
    from cablemap.network.graph import Network

CRS = "EPSG:4326"
SEPARATOR = "; "
"""How list values (owners, suppliers, rules) are joined into one text field."""
LINK_STEP_KM = 50.0
"""Terrestrial links are drawn along their great circle, a vertex every this many km."""


def model_layer(
    network: Network, name: str, *, as_of: int | None = None, include_planned: bool = False
) -> gpd.GeoDataFrame:
    """One layer of the model by name (see :data:`MODEL_LAYERS`).

    Parameters
    ----------
    network
        A built network.
    name
        ``cables``, ``segments``, ``stations`` or ``terrestrial_links``.
    as_of, include_planned
        Decide the ``in_service`` field of cables and segments, as in a route question
        (default: this year, planned cables out).

    Raises
    ------
    UserError
        For another name.
    """
    build = MODEL_LAYERS.get(name)
    if build is None:
        raise UserError(f"no layer {name!r}; choose from {', '.join(MODEL_LAYERS)}")
    out = network.cables_out_of_service(as_of=as_of, include_planned=include_planned)
    return build(network, out)


def cables_layer(network: Network, out_of_service: frozenset[str]) -> gpd.GeoDataFrame:
    """One MultiLineString per cable: its drawing, with owners, suppliers, RFS and status."""
    table = network.dataset.cables
    ids = table["id"].tolist()
    info = [network.cables[i] for i in ids]
    segments = network.topology.segments["cable_id"].value_counts()
    landings = network.dataset.landings.drop_duplicates()["cable_id"].value_counts()
    frame = pd.DataFrame(
        {
            "cable_id": ids,
            "name": [c.name for c in info],
            "owners": [_joined(c.owners) for c in info],
            "suppliers": [_joined(c.suppliers) for c in info],
            "rfs_year": pd.array([c.rfs_year for c in info], dtype="Int64"),
            "planned": [c.planned for c in info],
            "status": [c.status for c in info],
            "status_since": pd.array([c.status_since for c in info], dtype="Int64"),
            "in_service": [i not in out_of_service for i in ids],
            "stated_km": table["length_km"].astype("float64").to_numpy(),
            "segments": [int(segments.get(i, 0)) for i in ids],
            "stations": [int(landings.get(i, 0)) for i in ids],
            "url": [u if isinstance(u, str) and u else None for u in table["url"]],
        }
    )
    return _geo(frame, lines_for_export(table.geometry), "cables")


def segments_layer(network: Network, out_of_service: frozenset[str]) -> gpd.GeoDataFrame:
    """One MultiLineString per segment with its cable, ends, drawn and calibrated km.

    A segment whose two ends lie at one point (length 0) has no valid line geometry and is
    left out, with a note.
    """
    table = network.topology.segments
    calibrated = _calibrated_km(network)
    cable_ids = table["cable_id"].tolist()
    frame = pd.DataFrame(
        {
            "segment_id": table["segment_id"].tolist(),
            "cable_id": cable_ids,
            "cable_name": [network.cables[c].name for c in cable_ids],
            "from_node": table["from_node"].tolist(),
            "to_node": table["to_node"].tolist(),
            "drawn_km": table["length_km"].to_numpy(dtype=float),
            "km": [calibrated.get(i, km) for i, km in enumerate(table["length_km"].tolist())],
            "in_service": [c not in out_of_service for c in cable_ids],
        }
    )
    return _geo(frame, lines_for_export(table.geometry), "segments")


def stations_layer(network: Network, out_of_service: frozenset[str]) -> gpd.GeoDataFrame:
    """One Point per landing station with a cable: country, subdivision, cables landing."""
    stations = list(network.stations.values())
    landed = network.station_cables
    frame = pd.DataFrame(
        {
            "station_id": [s.id for s in stations],
            "name": [s.name for s in stations],
            "country": [s.iso2 for s in stations],
            "country_name": [s.country_name for s in stations],
            "subdivision": [s.subdivision for s in stations],
            "lon": [s.lon for s in stations],
            "lat": [s.lat for s in stations],
            "cables": [len(landed.get(s.id, ())) for s in stations],
            "cables_in_service": [
                sum(c not in out_of_service for c in landed.get(s.id, ())) for s in stations
            ],
        }
    )
    points = shapely.points(frame[["lon", "lat"]].to_numpy(dtype=float))
    return gpd.GeoDataFrame(frame, geometry=points, crs=CRS)


def terrestrial_layer(network: Network, out_of_service: frozenset[str]) -> gpd.GeoDataFrame:
    """One MultiLineString per assumed terrestrial link (backhaul or border), both ways once.

    Drawn along the great circle between its two stations, which is what the model tests
    against land; ``km`` is the assumed length routes are charged (geodesic x 1.5).
    """
    from cablemap.network.graph import BORDER

    seen: dict[tuple[str, str, int], int] = {}
    for edge, kind, a, b in network.terrestrial_edges:
        seen.setdefault((min(a, b), max(a, b), kind), edge)
    rows = sorted(seen.items())
    stations = network.stations
    frame = pd.DataFrame(
        {
            "link_id": [
                f"{'border' if k == BORDER else 'backhaul'}:{a}:{b}" for (a, b, k), _ in rows
            ],
            "kind": ["border" if k == BORDER else "backhaul" for (_, _, k), _ in rows],
            "from_station": [a for (a, _, _), _ in rows],
            "to_station": [b for (_, b, _), _ in rows],
            "from_country": [stations[a].iso2 for (a, _, _), _ in rows],
            "to_country": [stations[b].iso2 for (_, b, _), _ in rows],
            "km": [float(network.edges.km[edge]) for _, edge in rows],
            "assumed": [True] * len(rows),
        }
    )
    lines = [great_circle(stations[a], stations[b]) for (a, b, _), _ in rows]
    return _geo(frame, lines_for_export(lines), "terrestrial_links")


MODEL_LAYERS: dict[str, Callable[[Network, frozenset[str]], gpd.GeoDataFrame]] = {
    "cables": cables_layer,
    "segments": segments_layer,
    "stations": stations_layer,
    "terrestrial_links": terrestrial_layer,
}
"""The model's layers, in the order an export writes them."""


def _geo(frame: pd.DataFrame, geometry: np.ndarray, layer: str) -> gpd.GeoDataFrame:
    """The frame with its geometry; rows left without one are dropped, with a note."""
    missing = np.array([g is None for g in geometry], dtype=bool)
    notes = []
    if missing.any():
        key = frame.columns[0]
        ids = ", ".join(frame.loc[missing, key].astype(str))
        notes.append(
            f"{layer}: {int(missing.sum())} left out, their line has length 0 "
            f"(every vertex at one point): {ids}"
        )
    kept = gpd.GeoDataFrame(
        frame.loc[~missing].reset_index(drop=True), geometry=list(geometry[~missing]), crs=CRS
    )
    kept.attrs["notes"] = notes
    return kept


def _calibrated_km(network: Network) -> dict[int, float]:
    """The km routes are charged on each segment (by row of the segment table)."""
    from cablemap.network.graph import CABLE

    edges = network.edges
    return {
        segment: float(km)
        for kind, segment, km in zip(edges.kind, edges.segment, edges.km, strict=True)
        if kind == CABLE
    }


def great_circle(a: object, b: object) -> shapely.LineString:
    """The geodesic between two stations (``lon``/``lat`` attributes), a vertex every 50 km."""
    lon1, lat1, lon2, lat2 = (float(getattr(s, f)) for s in (a, b) for f in ("lon", "lat"))
    _, _, metres = WGS84.inv(lon1, lat1, lon2, lat2)
    steps = int(metres / 1000.0 // LINK_STEP_KM)
    between = WGS84.npts(lon1, lat1, lon2, lat2, steps) if steps > 0 else []
    return shapely.LineString([(lon1, lat1), *between, (lon2, lat2)])


def _joined(values: Iterable[str]) -> str | None:
    text = SEPARATOR.join(str(v) for v in values)
    return text or None
