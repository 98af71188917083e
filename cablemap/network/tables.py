"""The topology's result: repaired cable graphs read back as segment and node tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cablemap.network.cablegraph import CableGraph
from cablemap.network.geometry import geodesic_km, line_lengths_km, unwrap_many
from cablemap.network.repair import CableBuild
from cablemap.network.tolerances import Tolerances

CRS = "EPSG:4326"

SEGMENT_COLUMNS = ["segment_id", "cable_id", "from_node", "to_node", "length_km"]
NODE_COLUMNS = ["node_id", "kind", "cable_id", "station_id"]
ATTACHMENT_COLUMNS = ["cable_id", "station_id", "method", "distance_km", "links", "node_id"]
REPAIR_COLUMNS = ["cable_id", "kind", "distance_km", "lon", "lat"]

_NodeRow = tuple[str, str | None, str | None, tuple[float, float]]
"""kind, owning cable, station id, (lon, lat)."""


@dataclass(frozen=True)
class Topology:
    """Segments between nodes for every cable, and how each station was attached.

    Attributes
    ----------
    segments
        GeoDataFrame (EPSG:4326), one row per segment: ``segment_id``
        (``<cable_id>:<n>``), ``cable_id``, ``from_node``, ``to_node``, ``length_km``
        (geodesic, WGS84 ellipsoid) and ``geometry``: a LineString from the
        ``from_node`` to the ``to_node`` through the drawing's vertices. Longitudes are
        unwrapped, so a segment crossing the antimeridian stays continuous and may leave
        [-180, 180] (see :func:`cablemap.network.geometry.split_at_antimeridian`).
    nodes
        GeoDataFrame (EPSG:4326): ``node_id``, ``kind`` (``station``,
        ``branching_unit`` or ``end``), ``cable_id`` (the one cable a branching unit or
        an end belongs to; missing for stations, which cables share), ``station_id``
        (stations only) and ``geometry`` (Point). Stations are identified by their
        station id (only stations attached to some cable appear), branching units by
        ``bu:<cable_id>:<n>``, the loose ends of dead-end stubs by ``end:<cable_id>:<n>``.
    attachments
        DataFrame, one row per cable landing: ``cable_id``, ``station_id``, ``method``
        (``endpoint``, ``on-line``, ``gap-joined`` or ``unattached``), ``distance_km``
        (geodesic, from the station to the point of the drawing it was attached to; for
        ``unattached``, the approximate distance to the nearest point of the drawing),
        ``links`` (separate spans of the drawing joined at the station; 0 when
        unattached) and ``node_id`` (the station's node; missing when unattached).
    repairs
        DataFrame of every change made to the drawings: ``cable_id``, ``kind``
        (``antimeridian``, ``gap``, ``t-junction``, ``station-link``, ``pruned-stub``),
        ``distance_km`` (the gap bridged; for a pruned stub, its length) and the
        ``lon``/``lat`` where it happened (the loose end, or the station).
    tolerances
        The tolerances the topology was built with.
    """

    segments: gpd.GeoDataFrame
    nodes: gpd.GeoDataFrame
    attachments: pd.DataFrame
    repairs: pd.DataFrame
    tolerances: Tolerances


def assemble(
    builds: Sequence[CableBuild],
    stations: dict[str, tuple[float, float]],
    tolerances: Tolerances,
) -> Topology:
    """Read every cable's repaired graph back as the tables of a :class:`Topology`."""
    rows: list[tuple[str, str, str]] = []
    chains: list[np.ndarray] = []
    nodes: dict[str, _NodeRow] = {}
    for build in builds:
        graph = build.graph
        names = _name_nodes(graph, nodes)
        for chain in graph.chains():
            if chain.start not in names:
                _name_loop(graph, chain.start, names, nodes)
            chains.append(chain.coords)
            rows.append((graph.cable_id, names[chain.start], names[chain.end]))
    lines = _clean(chains)
    segments = gpd.GeoDataFrame(
        {
            "segment_id": _segment_ids([row[0] for row in rows]),
            "cable_id": [row[0] for row in rows],
            "from_node": [row[1] for row in rows],
            "to_node": [row[2] for row in rows],
            "length_km": line_lengths_km(lines),
        },
        geometry=_linestrings(lines),
        crs=CRS,
    )
    return Topology(
        segments=segments,
        nodes=_nodes_table(nodes),
        attachments=_attachments_table(builds, stations),
        repairs=_repairs_table(builds),
        tolerances=tolerances,
    )


def _name_nodes(graph: CableGraph, nodes: dict[str, _NodeRow]) -> dict[int, str]:
    """Name every node point of one cable and record it in ``nodes``."""
    names: dict[int, str] = {}
    counts = {"branching_unit": 0, "end": 0}
    for point in range(len(graph.points)):
        if not graph.incident[point] or not graph.is_node(point):
            continue
        if point in graph.station_of:
            sid = graph.station_of[point]
            names[point] = sid
            nodes.setdefault(sid, ("station", None, sid, graph.points[point]))
            continue
        kind = "branching_unit" if graph.degree(point) >= 3 else "end"
        counts[kind] += 1
        prefix = "bu" if kind == "branching_unit" else "end"
        names[point] = f"{prefix}:{graph.cable_id}:{counts[kind]}"
        nodes[names[point]] = (kind, graph.cable_id, None, graph.points[point])
    return names


def _name_loop(
    graph: CableGraph, point: int, names: dict[int, str], nodes: dict[str, _NodeRow]
) -> None:
    """Name the point where a drawn loop without any node closes (kind ``end``)."""
    number = 1 + sum(name.startswith("end:") for name in names.values())
    names[point] = f"end:{graph.cable_id}:{number}"
    nodes[names[point]] = ("end", graph.cable_id, None, graph.points[point])


def _clean(chains: list[np.ndarray]) -> list[np.ndarray]:
    """Drop repeated vertices and unwrap longitudes across the antimeridian, all at once.

    The first and last vertex always stay, so a chain between two nodes at the very
    same place (two stations the data puts at one point) keeps two vertices and has
    length zero.
    """
    if not chains:
        return []
    coords = np.concatenate(chains)
    sizes = np.array([len(c) for c in chains])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
    keep[starts] = True
    keep[starts + sizes - 1] = True
    owner = np.repeat(np.arange(len(chains)), sizes)[keep]
    new_starts = np.searchsorted(owner, np.arange(len(chains)))
    return np.split(unwrap_many(coords[keep], new_starts), new_starts[1:])


def _segment_ids(cable_ids: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    ids = []
    for cable_id in cable_ids:
        counts[cable_id] = counts.get(cable_id, 0) + 1
        ids.append(f"{cable_id}:{counts[cable_id]}")
    return ids


def _linestrings(lines: list[np.ndarray]) -> np.ndarray:
    if not lines:
        return np.array([], dtype=object)
    index = np.repeat(np.arange(len(lines)), [len(line) for line in lines])
    return shapely.linestrings(np.concatenate(lines), indices=index)


def _nodes_table(nodes: dict[str, _NodeRow]) -> gpd.GeoDataFrame:
    values = list(nodes.values())
    xy = np.array([v[3] for v in values], dtype=float).reshape(-1, 2)
    return gpd.GeoDataFrame(
        {
            "node_id": list(nodes),
            "kind": [v[0] for v in values],
            "cable_id": [v[1] for v in values],
            "station_id": [v[2] for v in values],
        },
        geometry=shapely.points(xy) if len(xy) else np.array([], dtype=object),
        crs=CRS,
    )


def _attachments_table(
    builds: Sequence[CableBuild], stations: dict[str, tuple[float, float]]
) -> pd.DataFrame:
    landings = [(b.graph.cable_id, x) for b in builds for x in b.landings.values()]
    drawn = [x.drawn for _, x in landings if x.drawn is not None]
    here = [stations[x.station_id] for _, x in landings if x.drawn is not None]
    geodesic = iter(geodesic_km(np.array(here, dtype=float), np.array(drawn, dtype=float)))
    attached = [x.drawn is not None for _, x in landings]
    return pd.DataFrame(
        {
            "cable_id": [c for c, _ in landings],
            "station_id": [x.station_id for _, x in landings],
            "method": [x.method for _, x in landings],
            "distance_km": [
                float(next(geodesic)) if ok else x.approx_km
                for ok, (_, x) in zip(attached, landings, strict=True)
            ],
            "links": [x.links if ok else 0 for ok, (_, x) in zip(attached, landings, strict=True)],
            "node_id": [
                x.station_id if ok else None for ok, (_, x) in zip(attached, landings, strict=True)
            ],
        },
        columns=ATTACHMENT_COLUMNS,
    )


def _repairs_table(builds: Sequence[CableBuild]) -> pd.DataFrame:
    repairs = [(b.graph.cable_id, r) for b in builds for r in b.repairs]
    gaps = geodesic_km(
        np.array([r.a for _, r in repairs], dtype=float),
        np.array([r.b for _, r in repairs], dtype=float),
    )
    return pd.DataFrame(
        {
            "cable_id": [c for c, _ in repairs],
            "kind": [r.kind for _, r in repairs],
            "distance_km": [
                r.length_km if r.length_km is not None else float(gap)
                for (_, r), gap in zip(repairs, gaps, strict=True)
            ],
            "lon": [r.a[0] for _, r in repairs],
            "lat": [r.a[1] for _, r in repairs],
        },
        columns=REPAIR_COLUMNS,
    )
