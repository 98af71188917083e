"""The working graph of one cable while its topology is built.

Points are places where drawn lines end, meet or get split; edges are polylines between
two points (a drawn piece, or a straight connector added to bridge a gap). The repair
steps in :mod:`cablemap.network.repair` mutate one :class:`CableGraph` per cable, then
:meth:`CableGraph.chains` reads it back as chains between *node* points (stations and
points where the degree is not two).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cablemap.network.geometry import interpolate, nearest_on_segments

_AT_VERTEX = 1e-9
"""A split this close (as a fraction of a piece) to a vertex happens at the vertex."""


@dataclass
class Edge:
    """A polyline from point ``a`` to point ``b``; ``coords`` include both end points."""

    a: int
    b: int
    coords: np.ndarray


@dataclass(frozen=True)
class Hit:
    """The point of an edge nearest to a query point (approximate distance in km)."""

    edge: int
    piece: int
    t: float
    km: float


@dataclass(frozen=True)
class Chain:
    """A walk between two node points through points of degree two."""

    start: int
    end: int
    coords: np.ndarray


@dataclass
class CableGraph:
    """Points and edges of one cable's drawing (mutable, for the build steps)."""

    cable_id: str
    points: list[tuple[float, float]] = field(default_factory=list)
    station_of: dict[int, str] = field(default_factory=dict)
    edges: dict[int, Edge] = field(default_factory=dict)
    incident: list[set[int]] = field(default_factory=list)
    _by_coords: dict[tuple[float, float], int] = field(default_factory=dict)
    _next_edge: int = 0
    _index: tuple[np.ndarray, ...] | None = None

    @classmethod
    def from_lines(cls, cable_id: str, lines: list[np.ndarray]) -> CableGraph:
        """Build the graph of noded lines: lines sharing an end point share a point."""
        graph = cls(cable_id)
        for line in lines:
            a = graph.point_at(line[0])
            b = graph.point_at(line[-1])
            graph.add_edge(a, b, line)
        return graph

    def point_at(self, lonlat: np.ndarray | tuple[float, float]) -> int:
        """The point at exactly these coordinates, created if new."""
        key = (float(lonlat[0]), float(lonlat[1]))
        if key not in self._by_coords:
            self._by_coords[key] = self.add_point(key)
        return self._by_coords[key]

    def add_point(self, lonlat: tuple[float, float], station_id: str | None = None) -> int:
        """Add a point (a station's point when ``station_id`` is given); return its id."""
        self.points.append((float(lonlat[0]), float(lonlat[1])))
        self.incident.append(set())
        point = len(self.points) - 1
        if station_id is not None:
            self.station_of[point] = station_id
        return point

    def add_edge(self, a: int, b: int, coords: np.ndarray) -> int:
        """Add an edge from ``a`` to ``b`` along ``coords`` (which include both); return its id."""
        edge = self._next_edge
        self._next_edge += 1
        self.edges[edge] = Edge(a, b, np.asarray(coords, dtype=float))
        self.incident[a].add(edge)
        self.incident[b].add(edge)
        self._index = None
        return edge

    def connect(self, a: int, b: int) -> int:
        """Join two points with a straight connector edge."""
        return self.add_edge(a, b, np.array([self.points[a], self.points[b]]))

    def remove_edge(self, edge: int) -> Edge:
        """Remove an edge and return it."""
        removed = self.edges.pop(edge)
        self.incident[removed.a].discard(edge)
        self.incident[removed.b].discard(edge)
        self._index = None
        return removed

    def degree(self, point: int) -> int:
        """Number of edge ends at a point (a loop counts twice)."""
        return sum(2 if self.edges[e].a == self.edges[e].b else 1 for e in self.incident[point])

    def free_ends(self) -> list[int]:
        """Points where exactly one edge ends and no station sits."""
        return [
            p for p in range(len(self.points)) if p not in self.station_of and self.degree(p) == 1
        ]

    def nearest(self, lonlat: tuple[float, float], exclude: set[int] | None = None) -> Hit | None:
        """The nearest point on any edge not in ``exclude`` (``None`` if there is none)."""
        starts, ends, edge_of, piece_of = self._pieces()
        if exclude:
            excluded = np.zeros(self._next_edge, dtype=bool)
            excluded[list(exclude)] = True
            keep = ~excluded[edge_of]
            starts, ends = starts[keep], ends[keep]
            edge_of, piece_of = edge_of[keep], piece_of[keep]
        if len(starts) == 0:
            return None
        i, t, km = nearest_on_segments(starts, ends, lonlat[0], lonlat[1])
        return Hit(int(edge_of[i]), int(piece_of[i]), t, km)

    def hit_point(self, hit: Hit) -> tuple[float, float]:
        """The coordinates of a :class:`Hit`."""
        coords = self.edges[hit.edge].coords
        return interpolate(coords[hit.piece], coords[hit.piece + 1], hit.t)

    def split(self, hit: Hit) -> int:
        """Split an edge at a hit and return the point there (an existing end if at one)."""
        edge = self.edges[hit.edge]
        coords = edge.coords
        vertex = hit.piece if hit.t <= _AT_VERTEX else hit.piece + 1
        if hit.t <= _AT_VERTEX or hit.t >= 1.0 - _AT_VERTEX:
            if vertex == 0:
                return edge.a
            if vertex == len(coords) - 1:
                return edge.b
            cut = coords[vertex]
            head, tail = coords[: vertex + 1], coords[vertex:]
        else:
            cut = np.array(self.hit_point(hit))
            head = np.vstack([coords[: hit.piece + 1], [cut]])
            tail = np.vstack([[cut], coords[hit.piece + 1 :]])
        point = self.add_point((float(cut[0]), float(cut[1])))
        self.remove_edge(hit.edge)
        self.add_edge(edge.a, point, head)
        self.add_edge(point, edge.b, tail)
        return point

    def merge_into(self, point: int, target: int) -> None:
        """Move every edge end at ``point`` to ``target``, extending the geometry to it.

        Used to land a line end or a split point at a station: the drawn line then runs
        on to the station's own coordinates.
        """
        if point == target:
            return
        there = np.array([self.points[target]])
        for e in list(self.incident[point]):
            edge = self.remove_edge(e)
            coords = edge.coords
            a, b = edge.a, edge.b
            if a == point:
                a, coords = target, np.vstack([there, coords])
            if b == point:
                b, coords = target, np.vstack([coords, there])
            self.add_edge(a, b, coords)

    def component_edges(self, point: int) -> set[int]:
        """The edges reachable from a point."""
        seen_points, seen_edges, stack = {point}, set(), [point]
        while stack:
            for e in self.incident[stack.pop()]:
                if e in seen_edges:
                    continue
                seen_edges.add(e)
                for q in (self.edges[e].a, self.edges[e].b):
                    if q not in seen_points:
                        seen_points.add(q)
                        stack.append(q)
        return seen_edges

    def is_node(self, point: int) -> bool:
        """Whether a point ends segments: a station, or a degree other than two."""
        return point in self.station_of or self.degree(point) != 2

    def chains(self) -> list[Chain]:
        """Walk the graph into chains between node points (each edge used once).

        A closed loop without any node point becomes one chain from a point back to
        itself.
        """
        used: set[int] = set()
        chains: list[Chain] = []
        starts = [p for p in range(len(self.points)) if self.incident[p] and self.is_node(p)]
        for start in starts:
            for e in sorted(self.incident[start]):
                if e not in used:
                    chains.append(self._walk(start, e, used))
        for e in sorted(self.edges):
            if e not in used:
                chains.append(self._walk(self.edges[e].a, e, used))
        return chains

    def _walk(self, start: int, edge: int, used: set[int]) -> Chain:
        parts: list[np.ndarray] = []
        point = start
        while True:
            used.add(edge)
            current = self.edges[edge]
            forward = current.a == point
            parts.append(current.coords if forward else current.coords[::-1])
            point = current.b if forward else current.a
            if point == start or self.is_node(point):
                break
            edge = next(e for e in self.incident[point] if e not in used)
        coords = np.vstack([parts[0]] + [part[1:] for part in parts[1:]])
        return Chain(start, point, coords)

    def _pieces(self) -> tuple[np.ndarray, ...]:
        if self._index is None:
            ids = list(self.edges)
            coords = [self.edges[e].coords for e in ids]
            sizes = np.array([len(c) - 1 for c in coords], dtype=int)
            starts = np.concatenate([c[:-1] for c in coords]) if ids else np.zeros((0, 2))
            ends = np.concatenate([c[1:] for c in coords]) if ids else np.zeros((0, 2))
            edge_of = np.repeat(np.array(ids, dtype=int), sizes)
            piece_of = np.concatenate([np.arange(n) for n in sizes]) if ids else np.zeros(0, int)
            self._index = (starts, ends, edge_of, piece_of)
        return self._index
