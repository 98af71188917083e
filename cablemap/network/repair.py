"""Repair one cable's noded drawing into a connected graph of stations and junctions.

The steps, in order (each takes a :class:`CableBuild` and mutates its graph):

1. :func:`stitch_antimeridian`: a loose end at lon ~180 continues from a loose end at
   lon ~-180 on the same latitude;
2. :func:`land_ends`: a loose end near one of the cable's stations lands there
   (``endpoint``);
3. :func:`join_gaps`: a remaining loose end joins the nearest other line of the cable
   (its end: ``gap``; its middle: ``t-junction``, a branching unit);
4. :func:`attach_stations`: a station no end reached is put on the nearest point of the
   geometry, the line being split there (``on-line``); a station then joins any separate
   span passing right through it (``station-link``);
5. :func:`prune_stubs`: short dead-end overshoots are dropped (``pruned-stub``).

Whatever is added or removed is recorded as a :class:`Repair`, and how every station was
attached as a :class:`Landing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cablemap.network.cablegraph import CableGraph, Hit
from cablemap.network.geometry import line_lengths_km, local_km, local_km_matrix
from cablemap.network.tolerances import Tolerances

LonLat = tuple[float, float]


@dataclass
class Landing:
    """How one station of a cable was attached.

    ``approx_km`` comes from the local projection (the tables report the geodesic
    figure); ``drawn`` is the point of the drawing the station was attached to (``None``
    when unattached); ``links`` counts the separate spans joined at the station.
    """

    station_id: str
    method: str
    approx_km: float
    drawn: LonLat | None
    links: int = 1


@dataclass(frozen=True)
class Repair:
    """A change to a drawing: a connection from ``a`` to ``b``, or a stub removed.

    ``length_km`` is set for removed stubs (their drawn length); for connections the
    tables report the geodesic distance from ``a`` to ``b``.
    """

    kind: str
    a: LonLat
    b: LonLat
    length_km: float | None = None


@dataclass
class CableBuild:
    """One cable's graph while it is repaired, with its stations and what happened."""

    graph: CableGraph
    stations: dict[str, LonLat]
    tol: Tolerances
    station_point: dict[str, int] = field(default_factory=dict)
    landings: dict[str, Landing] = field(default_factory=dict)
    repairs: list[Repair] = field(default_factory=list)

    def point_of(self, station_id: str) -> int:
        """The graph point of a station, created on first use."""
        if station_id not in self.station_point:
            point = self.graph.add_point(self.stations[station_id], station_id)
            self.station_point[station_id] = point
        return self.station_point[station_id]


def repair_cable(build: CableBuild) -> CableBuild:
    """Run every repair step on one cable, in order; return the same build."""
    stitch_antimeridian(build)
    land_ends(build)
    join_gaps(build)
    attach_stations(build)
    prune_stubs(build)
    return build


def stitch_antimeridian(build: CableBuild) -> None:
    """Connect loose ends at lon ~180 to loose ends at lon ~-180, nearest pairs first."""
    graph, tol = build.graph, build.tol
    edge = 180.0 - tol.antimeridian_deg
    ends = [p for p in graph.free_ends() if abs(graph.points[p][0]) >= edge]
    east = [p for p in ends if graph.points[p][0] > 0]
    west = [p for p in ends if graph.points[p][0] < 0]
    if not east or not west:
        return
    km = local_km_matrix(
        np.array([graph.points[p] for p in east]), np.array([graph.points[p] for p in west])
    )
    pairs = sorted((float(km[i, j]), e, w) for i, e in enumerate(east) for j, w in enumerate(west))
    used: set[int] = set()
    for distance, e, w in pairs:
        if distance <= tol.gap_km and e not in used and w not in used:
            used.update((e, w))
            graph.connect(e, w)
            build.repairs.append(Repair("antimeridian", graph.points[e], graph.points[w]))


def land_ends(build: CableBuild) -> None:
    """Land every loose end lying near one of the cable's stations at the nearest one.

    Ends are taken nearest first; an end whose own line already lands at the same
    station at its other end stays loose (a short branch drawn from a station towards a
    trunk must not be bent back into a loop).
    """
    graph = build.graph
    ends = graph.free_ends()
    if not ends or not build.stations:
        return
    ids = list(build.stations)
    km = local_km_matrix(
        np.array([graph.points[p] for p in ends]), np.array(list(build.stations.values()))
    )
    nearest = np.argmin(km, axis=1)
    best = km[np.arange(len(ends)), nearest]
    candidates = sorted(
        (float(best[k]), end, ids[nearest[k]])
        for k, end in enumerate(ends)
        if best[k] <= build.tol.station_end_km
    )
    for distance, end, sid in candidates:
        point = build.station_point.get(sid)
        if point is not None and own_chain(graph, end)[1] == point:
            continue
        previous = build.landings.get(sid)
        if previous is None or distance < previous.approx_km:
            build.landings[sid] = Landing(sid, "endpoint", distance, graph.points[end])
        graph.merge_into(end, build.point_of(sid))


def join_gaps(build: CableBuild) -> None:
    """Join each loose end to the nearest other line within ``gap_km``, nearest first."""
    graph, tol = build.graph, build.tol
    candidates = []
    for end in graph.free_ends():
        hit = graph.nearest(graph.points[end], exclude=own_chain(graph, end)[0])
        if hit is not None and hit.km <= tol.gap_km:
            candidates.append((hit.km, end))
    for _, end in sorted(candidates):
        if graph.degree(end) != 1:
            continue  # joined meanwhile, as the target of a nearer end
        chain, far = own_chain(graph, end)
        hit = graph.nearest(graph.points[end], exclude=chain)
        if hit is None or hit.km > tol.gap_km:
            continue
        target = target_point(graph, hit, tol.snap_km)
        if target in (far, end):
            continue  # the nearest line is the end's own: an overshoot, see prune_stubs
        loose = graph.degree(target) == 1 and target not in graph.station_of
        graph.connect(end, target)
        kind = "gap" if loose else "t-junction"
        build.repairs.append(Repair(kind, graph.points[end], graph.points[target]))


def own_chain(graph: CableGraph, end: int) -> tuple[set[int], int]:
    """The edges from a loose end to the first node point, and that point."""
    edges: set[int] = set()
    point = end
    while True:
        edge = next((e for e in graph.incident[point] if e not in edges), None)
        if edge is None:
            return edges, point
        edges.add(edge)
        point = graph.edges[edge].b if graph.edges[edge].a == point else graph.edges[edge].a
        if graph.is_node(point):
            return edges, point


def target_point(graph: CableGraph, hit: Hit, snap_km: float, *, stations: bool = True) -> int:
    """The point to join at a hit: an end of the hit edge within ``snap_km``, else a split.

    With ``stations`` false, a station's point is never snapped to (a station being
    attached must not be tied to a neighbouring station it merely lies near).
    """
    edge = graph.edges[hit.edge]
    where = graph.hit_point(hit)
    for point in (edge.a, edge.b):
        if not stations and point in graph.station_of:
            continue
        if local_km(np.array([graph.points[point]]), *where)[0] <= snap_km:
            return point
    return graph.split(hit)


def attach_stations(build: CableBuild) -> None:
    """Attach each station no end reached, then let stations join spans passing through.

    All stations are attached before any is linked to a separate span, so that linking
    sees every station in its final place.
    """
    for sid, lonlat in build.stations.items():
        if sid not in build.landings:
            _attach_nearest(build, sid, lonlat)
    if not build.station_point:
        return
    first = next(iter(build.station_point.values()))
    if len(build.graph.component_edges(first)) == len(build.graph.edges):
        return  # a single span: nothing to link
    for sid, lonlat in build.stations.items():
        if build.landings[sid].drawn is not None:
            _link_spans(build, sid, lonlat)


def _attach_nearest(build: CableBuild, sid: str, lonlat: LonLat) -> None:
    """Attach a station at the nearest point of its cable's geometry, if close enough."""
    graph = build.graph
    hit = graph.nearest(lonlat)
    if hit is None or hit.km > build.tol.station_line_km:
        distance = hit.km if hit is not None else float("inf")
        build.landings[sid] = Landing(sid, "unattached", distance, None)
        return
    where = graph.hit_point(hit)
    method = _attach_at(build, sid, target_point(graph, hit, build.tol.snap_km, stations=False))
    build.landings[sid] = Landing(sid, method, hit.km, where)


def _link_spans(build: CableBuild, sid: str, lonlat: LonLat) -> None:
    """Join to the station every separate span passing within ``station_span_km``."""
    graph = build.graph
    while True:
        exclude = graph.component_edges(build.station_point[sid])
        if len(exclude) == len(graph.edges):
            return
        hit = graph.nearest(lonlat, exclude=exclude)
        if hit is None or hit.km > build.tol.station_span_km:
            return
        where = graph.hit_point(hit)
        _attach_at(build, sid, target_point(graph, hit, build.tol.snap_km, stations=False))
        build.landings[sid].links += 1
        build.repairs.append(Repair("station-link", lonlat, where))


def _attach_at(build: CableBuild, sid: str, target: int) -> str:
    """Bring the station to a point of the drawing; return the attachment method.

    The point moves to the station (the line then runs through the station), unless it
    is another station's point (two stations the data puts at one place): then a straight
    connector joins the two (``gap-joined``).
    """
    graph = build.graph
    station = build.point_of(sid)
    if target in graph.station_of:
        graph.connect(station, target)
        return "gap-joined"
    method = "endpoint" if graph.degree(target) == 1 else "on-line"
    graph.merge_into(target, station)
    return method


def prune_stubs(build: CableBuild) -> None:
    """Drop dead-end stubs shorter than ``stub_km`` hanging off a junction or a station."""
    graph = build.graph
    for end in graph.free_ends():
        chain, far = own_chain(graph, end)
        if far == end or (far not in graph.station_of and graph.degree(far) < 3):
            continue
        length = float(np.sum(line_lengths_km([graph.edges[e].coords for e in chain])))
        if length < build.tol.stub_km:
            for edge in chain:
                graph.remove_edge(edge)
            stub = Repair("pruned-stub", graph.points[end], graph.points[far], length)
            build.repairs.append(stub)
