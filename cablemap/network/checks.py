"""Check figures for a built topology: attachment, connectivity and length against the data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cablemap.network.geometry import geodesic_km, local_km

if TYPE_CHECKING:
    from cablemap.dataset.load import Dataset
    from cablemap.network.graph import Network
    from cablemap.network.tables import Topology

TRANSPACIFIC_PAIRS = (("US", "JP"), ("US", "AU"), ("US", "NZ"), ("US", "PH"), ("US", "TW"))
"""Country pairs whose common cables cross the Pacific (and mostly the antimeridian)."""


def topology_check(topology: Topology, dataset: Dataset) -> dict[str, Any]:
    """Compute the figures that say how well a topology matches the data.

    Parameters
    ----------
    topology
        The result of :func:`cablemap.network.topology.build_topology`.
    dataset
        The dataset it was built from (landings, station countries, stated lengths).

    Returns
    -------
    dict
        ``attachment``: landings, share attached, attachment distance quantiles (km),
        counts by method and the unattached landings. ``connectivity``: cables with two
        or more stations, the share whose stations are all connected through the
        cable's own segments, one exception per other cable (its station ``groups`` by
        component, ``unattached`` stations, number of ``spans`` and ``loose_ends`` of its
        drawing, and a ``reason`` in words), and the share once stations of one country
        in separate spans count as linked over land (for information only: such links
        are backhaul, not cable). ``length_ratio``:
        rebuilt over stated length (median, p10, p90, count, cables outside 0.5 to 2).
        ``transpacific``: for each cable landing on both sides of one of
        :data:`TRANSPACIFIC_PAIRS`, whether those stations are connected. ``repairs``:
        count and largest distance per kind. ``dead_ends``: the kept dead-end stubs.
    """
    components = cable_components(topology)
    country = dict(zip(dataset.stations["id"], dataset.stations["country_iso2"], strict=True))
    return {
        "attachment": _attachment_figures(topology.attachments, dataset.landings),
        "connectivity": _connectivity_figures(topology, dataset, components, country),
        "length_ratio": _length_figures(topology, dataset),
        "transpacific": _transpacific(dataset, components, country),
        "repairs": {
            str(kind): {"count": len(group), "max_km": float(group.max())}
            for kind, group in topology.repairs.groupby("kind")["distance_km"]
        },
        "dead_ends": _dead_ends(topology),
    }


def cable_components(topology: Topology) -> dict[str, dict[str, int]]:
    """Per cable, the connected component (a number) of each node of its segments."""
    result: dict[str, dict[str, int]] = {}
    segments = topology.segments
    for cable_id, rows in segments.groupby("cable_id", sort=False):
        parent: dict[str, str] = {}
        for a, b in zip(rows["from_node"], rows["to_node"], strict=True):
            root_a, root_b = _root(parent, a), _root(parent, b)
            if root_a != root_b:
                parent[root_a] = root_b
        roots = {node: _root(parent, node) for node in parent}
        numbers = {root: k for k, root in enumerate(dict.fromkeys(roots.values()))}
        result[str(cable_id)] = {node: numbers[root] for node, root in roots.items()}
    return result


def _root(parent: dict[str, str], node: str) -> str:
    parent.setdefault(node, node)
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _quantiles(values: pd.Series) -> dict[str, float]:
    array = np.asarray(values, dtype=float)
    if len(array) == 0:
        return dict.fromkeys(("median", "p90", "p99", "max"), float("nan"))
    p50, p90, p99 = np.percentile(array, [50, 90, 99])
    return {"median": float(p50), "p90": float(p90), "p99": float(p99), "max": float(array.max())}


def _attachment_figures(attachments: pd.DataFrame, landings: pd.DataFrame) -> dict[str, Any]:
    wanted = set(zip(landings["cable_id"], landings["station_id"], strict=True))
    made = attachments[attachments["method"] != "unattached"]
    attached = wanted & set(zip(made["cable_id"], made["station_id"], strict=True))
    missing = attachments[attachments["method"] == "unattached"]
    return {
        "landings": len(wanted),
        "attached": len(attached),
        "share_attached": len(attached) / len(wanted) if wanted else float("nan"),
        "distance_km": _quantiles(made["distance_km"]),
        "methods": {str(k): int(v) for k, v in attachments["method"].value_counts().items()},
        "unattached": [
            {"cable_id": c, "station_id": s, "nearest_km": float(d)}
            for c, s, d in zip(
                missing["cable_id"], missing["station_id"], missing["distance_km"], strict=True
            )
        ],
    }


def _connectivity_figures(
    topology: Topology,
    dataset: Dataset,
    components: dict[str, dict[str, int]],
    country: dict[str, str | None],
) -> dict[str, Any]:
    stations_of = dataset.landings.groupby("cable_id", sort=False)["station_id"].agg(
        lambda ids: list(dict.fromkeys(ids))
    )
    checked, exceptions, bridged = 0, [], 0
    for cable_id, station_ids in stations_of.items():
        if len(station_ids) < 2:
            continue
        checked += 1
        parts = components.get(str(cable_id), {})
        if len({parts.get(sid, -1 - k) for k, sid in enumerate(station_ids)}) > 1:
            exception = _exception(topology, dataset, str(cable_id), station_ids, parts, country)
            exceptions.append(exception)
            bridged += exception["connected_over_land"]
    connected = checked - len(exceptions)
    return {
        "cables_checked": checked,
        "connected": connected,
        "share_connected": connected / checked if checked else float("nan"),
        "share_connected_over_land": (connected + bridged) / checked if checked else float("nan"),
        "exceptions": exceptions,
    }


def _exception(
    topology: Topology,
    dataset: Dataset,
    cable_id: str,
    station_ids: list[str],
    parts: dict[str, int],
    country: dict[str, str | None],
) -> dict[str, Any]:
    """Describe why a cable's stations are not all connected."""
    unattached = [sid for sid in station_ids if sid not in parts]
    groups: dict[int, list[str]] = {}
    for sid in station_ids:
        if sid in parts:
            groups.setdefault(parts[sid], []).append(sid)
    spans = len(set(parts.values()))
    loose = sum(node.startswith("end:") for node in parts)
    reasons = []
    if unattached:
        reasons.append(f"not attached (no geometry close enough): {', '.join(unattached)}")
    over_land = False
    if len(groups) > 1:
        sea = _closest_approach(topology, cable_id, parts, list(groups))
        pair, land_km = _closest_stations(dataset, list(groups.values()))
        over_land = not unattached and _linked_by_country(list(groups.values()), country)
        same = "same" if country.get(pair[0]) == country.get(pair[1]) else "different"
        reasons.append(
            f"the drawing has {spans} separate spans ({loose} loose "
            f"ends) coming no closer than {sea:.0f} km to each other; the nearest stations "
            f"of different spans are {pair[0]} and {pair[1]}, {land_km:.0f} km apart "
            f"({same} country)"
        )
    return {
        "cable_id": cable_id,
        "groups": [sorted(g) for g in groups.values()],
        "unattached": unattached,
        "spans": spans,
        "loose_ends": loose,
        "connected_over_land": over_land,
        "reason": "; ".join(reasons),
    }


def _closest_approach(
    topology: Topology, cable_id: str, parts: dict[str, int], groups: list[int]
) -> float:
    """Approximate smallest distance (km) between the vertices of different spans."""
    segments = topology.segments[topology.segments["cable_id"] == cable_id]
    vertices: dict[int, list[np.ndarray]] = {}
    for node, geometry in zip(segments["from_node"], segments.geometry, strict=True):
        vertices.setdefault(parts[node], []).append(np.asarray(geometry.coords))
    best = float("inf")
    for i, first in enumerate(groups):
        a = np.concatenate(vertices[first])
        for second in groups[i + 1 :]:
            b = np.concatenate(vertices[second])
            best = min(best, min(float(local_km(b, *point).min()) for point in a))
    return best


def _closest_stations(dataset: Dataset, groups: list[list[str]]) -> tuple[tuple[str, str], float]:
    """The nearest two stations lying in different groups, and their geodesic distance."""
    where = dataset.stations.set_index("id").geometry
    pairs = [
        (a, b)
        for i, group in enumerate(groups)
        for other in groups[i + 1 :]
        for a in group
        for b in other
    ]
    a_xy = np.array([(where[a].x, where[a].y) for a, _ in pairs])
    b_xy = np.array([(where[b].x, where[b].y) for _, b in pairs])
    km = geodesic_km(a_xy, b_xy)
    best = int(np.argmin(km))
    return pairs[best], float(km[best])


def _linked_by_country(groups: list[list[str]], country: dict[str, str | None]) -> bool:
    """Whether groups chained by sharing a station country form a single group."""
    countries = [{country.get(sid) for sid in group} - {None} for group in groups]
    reached, frontier = {0}, [0]
    while frontier:
        current = frontier.pop()
        for k, other in enumerate(countries):
            if k not in reached and countries[current] & other:
                reached.add(k)
                frontier.append(k)
    return len(reached) == len(groups)


def _length_figures(topology: Topology, dataset: Dataset) -> dict[str, Any]:
    rebuilt = topology.segments.groupby("cable_id")["length_km"].sum()
    stated = dataset.cables.set_index("id")["length_km"].astype("float64")
    both = pd.DataFrame({"rebuilt": rebuilt, "stated": stated}).dropna()
    ratio = (both["rebuilt"] / both["stated"])[both["stated"] > 0]
    if len(ratio) == 0:
        return {
            "cables": 0,
            "scaled_to_stated": 0,
            "left_as_drawn": 0,
            "median": float("nan"),
            "p10": float("nan"),
            "p90": float("nan"),
            "outliers": [],
        }
    from cablemap.network.calibration import LENGTH_SCALE_MAX, LENGTH_SCALE_MIN

    p10, p50, p90 = np.percentile(ratio, [10, 50, 90])
    outliers = ratio[(ratio < 0.5) | (ratio > 2.0)].sort_values()
    scale = 1.0 / ratio
    scaled = int(((scale >= LENGTH_SCALE_MIN) & (scale <= LENGTH_SCALE_MAX)).sum())
    return {
        "cables": len(ratio),
        "scaled_to_stated": scaled,
        "left_as_drawn": len(ratio) - scaled,
        "scale_bounds": [LENGTH_SCALE_MIN, LENGTH_SCALE_MAX],
        "median": float(p50),
        "p10": float(p10),
        "p90": float(p90),
        "outliers": [{"cable_id": str(k), "ratio": float(v)} for k, v in outliers.items()],
    }


def _transpacific(
    dataset: Dataset, components: dict[str, dict[str, int]], country: dict[str, str | None]
) -> list[dict[str, Any]]:
    out = []
    for cable_id, rows in dataset.landings.groupby("cable_id", sort=True):
        by_country: dict[str | None, list[str]] = {}
        for sid in rows["station_id"]:
            by_country.setdefault(country.get(sid), []).append(sid)
        parts = components.get(str(cable_id), {})
        for a, b in TRANSPACIFIC_PAIRS:
            if a in by_country and b in by_country:
                side_a = {parts[s] for s in by_country[a] if s in parts}
                side_b = {parts[s] for s in by_country[b] if s in parts}
                out.append(
                    {
                        "cable_id": str(cable_id),
                        "countries": f"{a}-{b}",
                        "connected": bool(side_a & side_b),
                    }
                )
    return out


def _dead_ends(topology: Topology) -> list[dict[str, Any]]:
    """The kept dead-end stubs: where they end and how long the segment to them is."""
    ends = topology.nodes[topology.nodes["kind"] == "end"]
    segments = topology.segments
    out = []
    rows = zip(ends["node_id"], ends["cable_id"], ends.geometry, strict=True)
    for node_id, cable_id, point in rows:
        at_end = (segments["from_node"] == node_id) | (segments["to_node"] == node_id)
        touching = segments[at_end]
        out.append(
            {
                "node_id": node_id,
                "cable_id": cable_id,
                "lon": point.x,
                "lat": point.y,
                "segment_km": float(touching["length_km"].sum()),
            }
        )
    return out


def terrestrial_check(network: Network) -> dict[str, Any]:
    """Figures of the assumed terrestrial links: count, km, longest, water crossed.

    Parameters
    ----------
    network
        A built network.

    Returns
    -------
    dict
        Per kind (``backhaul``, ``border``): ``links`` (undirected), ``km`` (assumed
        length, summed), ``longest`` (its stations and km), ``max_water_km`` (the most
        water or foreign land any link's great circle crosses, re-measured here) and the
        allowance it must stay under.
    """
    from cablemap.dataset.land import load_land
    from cablemap.dataset.placement import land_parent
    from cablemap.network.graph import BACKHAUL
    from cablemap.network.terrestrial import (
        FOREIGN_LAND_ALLOWANCE_KM,
        WATER_ALLOWANCE_KM,
        water_km,
    )
    from cablemap.network.terrestrial import geodesic_km as link_km

    land = load_land()
    figures: dict[str, Any] = {}
    seen: set[tuple[str, str]] = set()
    rows: dict[str, list[tuple[str, str, float, float, float]]] = {"backhaul": [], "border": []}
    for edge, kind, a, b in network.terrestrial_edges:
        if (b, a) in seen:
            continue
        seen.add((a, b))
        name = "backhaul" if kind == BACKHAUL else "border"
        codes = {land_parent(network.stations[s].iso2) for s in (a, b)}
        sa, sb = network.stations[a], network.stations[b]
        lons, lats = np.array([sa.lon, sb.lon]), np.array([sa.lat, sb.lat])
        km = link_km(lons[:1], lats[:1], lons[1:], lats[1:])
        polygons = [land.by_iso2[c] for c in sorted(codes) if c in land.by_iso2]
        water, foreign = water_km(lons, lats, np.array([[0, 1]]), polygons, km)
        rows[name].append((a, b, float(network.edges.km[edge]), float(water[0]), float(foreign[0])))
    for name, links in rows.items():
        longest = max(links, key=lambda row: row[2], default=None)
        figures[name] = {
            "links": len(links),
            "km": round(sum(row[2] for row in links), 1),
            "longest": None
            if longest is None
            else {"from": longest[0], "to": longest[1], "km": round(longest[2], 1)},
            "max_water_km": round(max((row[3] for row in links), default=0.0), 1),
            "water_allowance_km": WATER_ALLOWANCE_KM,
            "max_foreign_land_km": round(max((row[4] for row in links), default=0.0), 1),
            "foreign_land_allowance_km": FOREIGN_LAND_ALLOWANCE_KM,
        }
    return figures
