"""The routable network: every cable's segments joined at shared landing stations.

Nodes are landing stations (shared by every cable landing there), the branching units
and loose ends of single cables, and two helper nodes per country (a source feeding all
its stations, a sink fed by them), so that a route between two countries is one
shortest-path search. Edges, each stored in both directions:

- **cable** edges, one per segment, weighted by its geodesic length;
- **backhaul** edges between stations of the same country and **border** edges between
  stations of neighbouring countries: assumed terrestrial links over land (see
  :mod:`cablemap.network.terrestrial`), weighted by their assumed length;
- **terminal** edges of weight 0 from a country's (or subdivision's) source and to its
  sink.

Because a branching unit belongs to one cable, traffic can change cable only at a
landing station. The graph is built once; queries never modify it (they pass their own
weights), so one :class:`Network` serves any number of queries and threads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import rustworkx as rx

from cablemap.network.places import PlaceIndex, city_key, groups, place_names

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from cablemap.dataset.land import Land
    from cablemap.dataset.load import Dataset
    from cablemap.dataset.provenance import Provenance
    from cablemap.dataset.records import DataWarning
    from cablemap.network.flow import FlowNetwork
    from cablemap.network.status import CableStatus
    from cablemap.network.tables import Topology

from cablemap.network.calibration import (  # noqa: F401  (re-exported names)
    FIBRE_KM_PER_MS,
    FIBRE_REFRACTIVE_INDEX,
    SPEED_OF_LIGHT_KM_S,
)

CABLE, BACKHAUL, BORDER, TERMINAL, TRANSFER = 0, 1, 2, 3, 4
"""Edge kinds. A TRANSFER edge joins a landing station to its port on one cable: boarding
the cable there costs the query's change cost (see :meth:`Network.weights`)."""
DEFAULT_CHANGE_COST_KM = 300.0
"""Cost, in km, of boarding a cable at a landing station or crossing a land border.

An assumption (``--change-cost``): every change of cable means landing, switching and
often a different operator; 300 km of fibre is about 1.5 ms one way. It makes routes
prefer fewer cables when the extra distance is small (docs/routing.md, "Cost")."""
TERRESTRIAL_MODES = {"none": (), "domestic": (BACKHAUL,), "borders": (BACKHAUL, BORDER)}
"""``--terrestrial`` choices -> the terrestrial edge kinds a query may use."""
DEFAULT_TERRESTRIAL = "borders"


@dataclass(frozen=True)
class CableInfo:
    """What routing needs to know of a cable."""

    id: str
    name: str
    rfs_year: int | None
    planned: bool
    status: str = "in-service"
    """From the status overlay (``geodata/status.toml``); ``in-service`` if not listed."""
    status_since: int | None = None
    owners: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()


@dataclass(frozen=True)
class StationInfo:
    """What routing needs to know of a landing station."""

    id: str
    name: str
    iso2: str
    country_name: str
    lon: float
    lat: float
    subdivision: str | None = None


@dataclass(frozen=True)
class Edges:
    """Per directed edge (index = rustworkx edge index): kind, cable, segment, km."""

    kind: list[int] = field(default_factory=list)
    cable: list[int] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)
    km: list[float] = field(default_factory=list)


@dataclass
class DataParts:
    """The dataset and topology behind a network: held, or loaded on first use.

    A network loaded from disk carries only what routing needs; anything that needs the
    tables (policy flags, maps, geometry) loads them through ``loader`` once.
    """

    loader: Callable[[], tuple[Dataset, Topology]] | None = None
    dataset: Dataset | None = None
    topology: Topology | None = None

    def get(self) -> tuple[Dataset, Topology]:
        """The dataset and topology, loading them first if needed."""
        if self.dataset is None or self.topology is None:
            if self.loader is None:
                raise RuntimeError("this network has no dataset attached")
            self.dataset, self.topology = self.loader()
        return self.dataset, self.topology


@dataclass(frozen=True)
class Network:
    """A built network, ready for any number of route queries.

    Build it with :func:`build_network`; ask it questions through the analysis layer
    (:func:`cablemap.analysis.query.trace_routes`, :mod:`cablemap.analysis.matrix`).
    """

    snapshot_id: str
    provenance: Provenance
    """Source, date, snapshot and attribution of the data (:mod:`cablemap.dataset.provenance`)."""
    graph: rx.PyDiGraph
    node_ids: list[str]
    node_index: dict[str, int]
    edges: Edges
    cable_ids: list[str]
    cable_position: dict[str, int]
    cable_edges: list[list[int]]
    segment_ids: list[str]
    cables: dict[str, CableInfo]
    stations: dict[str, StationInfo]
    places: PlaceIndex
    country_source: dict[str, int]
    country_sink: dict[str, int]
    """Source / sink node of each country code and subdivision code."""
    station_cables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Cables landing at each station (a station is usable when one of them is)."""
    terrestrial_edges: tuple[tuple[int, int, str, str], ...] = ()
    """``(edge, kind, station, station)`` of every terrestrial edge."""
    node_station: tuple[str | None, ...] = ()
    """The landing station of each graph node: itself, or the station a port belongs to."""
    transfer_edges: tuple[int, ...] = ()
    """Edges from a station to its ports (boarding a cable)."""
    warnings: tuple[DataWarning, ...] = ()
    """Records skipped while reading the data this network was built from."""
    status_overlay: dict[str, CableStatus] | None = None
    """The status overlay the cables' statuses came from, by cable id (its reasons and
    sources are reported with a route; a stored network carries it, so no TOML is parsed
    to answer a route); ``None``: read ``geodata/status.toml``."""
    parts: DataParts = field(default_factory=lambda: DataParts(), repr=False, compare=False)
    _flags: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Policy flags computed on this network, by policy (kept by :mod:`cablemap.policy.flags`)."""
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def dataset(self) -> Dataset:
        """The dataset the network was built from (loaded on first use if persisted)."""
        return self.parts.get()[0]

    @property
    def topology(self) -> Topology:
        """The topology the network was built from (loaded on first use if persisted)."""
        return self.parts.get()[1]

    def __repr__(self) -> str:
        return (
            f"<Network {self.snapshot_id}: {len(self.cables)} cables, "
            f"{len(self.segment_ids)} segments, {len(self.stations)} stations>"
        )

    def to_geodataframe(
        self, layer: str = "segments", *, as_of: int | None = None, include_planned: bool = False
    ) -> Any:
        """One layer of the model as a GeoDataFrame valid in EPSG:4326.

        Parameters
        ----------
        layer
            ``cables``, ``segments``, ``stations`` or ``terrestrial_links`` (see
            :mod:`cablemap.network.layers` and ``docs/gis.md``).
        as_of, include_planned
            Decide the ``in_service`` field, as in a route question.

        Returns
        -------
        geopandas.GeoDataFrame
            One geometry type, longitudes in [-180, 180], lines cut at the antimeridian.
        """
        from cablemap.network.layers import model_layer

        return model_layer(self, layer, as_of=as_of, include_planned=include_planned)

    def to_frame(
        self, layer: str = "segments", *, as_of: int | None = None, include_planned: bool = False
    ) -> Any:
        """:meth:`to_geodataframe` without the geometry (a pandas DataFrame)."""
        import pandas as pd

        frame = self.to_geodataframe(layer, as_of=as_of, include_planned=include_planned)
        return pd.DataFrame(frame.drop(columns=frame.geometry.name))

    def edges_touching(self, station_ids: frozenset[str]) -> frozenset[int]:
        """Every edge (any kind) at one of these stations or at one of its cable ports."""
        nodes = {n for n, s in enumerate(self.node_station) if s is not None and s in station_ids}
        found: set[int] = set()
        for node in nodes:
            found.update(e for _, _, e in self.graph.in_edges(node))
            found.update(e for _, _, e in self.graph.out_edges(node))
        return frozenset(found)

    @cached_property
    def reverse_graph(self) -> rx.PyDiGraph:
        """The graph with every edge reversed (for distances *to* a node), built once."""
        # Built from the swapped edge list: rustworkx's copy() + reverse() grows with the
        # square of node degree (19 s on a 100x synthetic network, against 0.25 s here).
        # Payloads (edge indices) are kept, so the same weight lists apply.
        reverse = rx.PyDiGraph(multigraph=True)
        reverse.add_nodes_from(range(self.graph.num_nodes()))
        reverse.add_edges_from([(v, u, e) for u, v, e in self.graph.weighted_edge_list()])
        return reverse

    @cached_property
    def flow_network(self) -> FlowNetwork:
        """The cable-level flow network for resilience questions (built on first use).

        A stored network reads its flow network on first use too (see
        :mod:`cablemap.network.storage`): a route without ``--resilience`` never needs it.
        """
        stored = self._memo.get("stored-flow")
        if stored is not None:
            return stored(self)  # type: ignore[no-any-return]
        from cablemap.network.flow import build_flow_network

        return build_flow_network(self)

    def cables_out_of_service(
        self,
        *,
        as_of: int | None = None,
        include_planned: bool = False,
        include_status: Iterable[str] = (),
    ) -> frozenset[str]:
        """Cables not usable in ``as_of`` (default: this year).

        A cable is in service when its RFS year is known and not after ``as_of`` (an
        unknown RFS year counts as in service unless the cable is planned), and it is
        not planned, unless ``include_planned``. Cables the status overlay marks retired
        or cancelled (from their year), military, non-commercial or built for an
        occupied territory are out too, unless their status is in ``include_status``.
        """
        year = as_of if as_of is not None else dt.datetime.now(dt.UTC).year
        kinds = tuple(sorted(set(include_status)))
        key = f"out-of-service:{year}:{include_planned}:{kinds}"
        cached = self._memo.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        out = out_of_service(self.cables.values(), year, include_planned, kinds)
        self._memo[key] = out
        return out

    def blocked_terrestrial(
        self, excluded_cables: frozenset[str], terrestrial: str = DEFAULT_TERRESTRIAL
    ) -> frozenset[int]:
        """Terrestrial edges a query may not use.

        Those of a kind ``terrestrial`` leaves out (see :data:`TERRESTRIAL_MODES`), and
        those with a station none of whose cables is usable (every cable excluded): such
        a station is no waypoint. Exception: in a country where no station has a usable
        cable (all its cables cut), every station stays a waypoint, so that the country
        still reaches its neighbours by land (Vietnam in 2023, see ``docs/model.md``).
        """
        key = f"terrestrial:{terrestrial}"
        cached = self._memo.get(key)
        if cached is not None and cached[0] == excluded_cables:
            return cached[1]  # type: ignore[no-any-return]
        kinds = TERRESTRIAL_MODES[terrestrial]
        usable = {  # a station with a cable not excluded (issuperset runs in C: 5x faster)
            station
            for station, cables in self.station_cables.items()
            if not excluded_cables.issuperset(cables)
        }
        served = {self.stations[s].iso2 for s in usable}
        usable |= {
            s
            for s, info in self.stations.items()
            if info.iso2 not in served and self._legitimate(s)
        }
        blocked = frozenset(
            edge
            for edge, kind, a, b in self.terrestrial_edges
            if kind not in kinds or a not in usable or b not in usable
        )
        self._memo[key] = (excluded_cables, blocked)
        return blocked

    def _legitimate(self, station: str) -> bool:
        """Whether a station serves a cable that is not military, non-commercial or occupied.

        A station whose cables are all military, non-commercial or built for an occupied
        territory (Kerch, in occupied Crimea; the Guantanamo base) is no terrestrial
        waypoint even when its country has no other. A station whose cables are merely
        retired or not yet built (Taipa, Macau, on the retired SEA-ME-WE 3) still is.
        """
        illegitimate = ("military", "non-commercial", "occupied-territory")
        return any(
            self.cables[c].status not in illegitimate for c in self.station_cables.get(station, ())
        )

    def weights(
        self,
        excluded_cables: frozenset[str] | set[str],
        change_cost: float = DEFAULT_CHANGE_COST_KM,
    ) -> list[float]:
        """Edge weights for one query.

        km on cable and terrestrial edges, ``change_cost`` on boarding a cable (station to
        port) and added to every border link; infinity on the edges of excluded cables.
        """
        key = f"weights:{change_cost}"
        base = self._memo.get(key)
        if base is None:
            base = list(self.edges.km)
            for edge in self.transfer_edges:
                base[edge] = change_cost
            for edge, kind, _, _ in self.terrestrial_edges:
                if kind == BORDER:
                    base[edge] = self.edges.km[edge] + change_cost
            self._memo[key] = base
        weights = list(base)
        for cable_id in excluded_cables:
            position = self.cable_position.get(cable_id)
            if position is not None:
                for edge in self.cable_edges[position]:
                    weights[edge] = float("inf")
        return weights


def build_network(dataset: Dataset, *, topology: Topology | None = None) -> Network:
    """Build the routable network of a dataset.

    Parameters
    ----------
    dataset
        The loaded dataset.
    topology
        Its topology, if already built; default: built here.

    Returns
    -------
    Network
        The network; build once, query many times.
    """
    from cablemap.network.calibration import length_scales
    from cablemap.network.status import load_status_overlay
    from cablemap.network.topology import build_topology

    topology = topology if topology is not None else build_topology(dataset)
    stations = _station_infos(dataset)
    cables = _cable_infos(dataset)
    station_cables = _station_cables(dataset, stations)
    not_today = out_of_service(cables.values(), dt.datetime.now(dt.UTC).year, False)
    usable_today = {
        s for s, landed in station_cables.items() if any(c not in not_today for c in landed)
    }
    builder = _Builder(stations)
    builder.add_segments(topology, list(cables), length_scales(topology, dataset))
    builder.add_terrestrial(usable_today)
    places = _place_index(dataset, stations)
    builder.add_terminals(places)
    return Network(
        snapshot_id=dataset.snapshot_id,
        provenance=dataset.provenance,
        graph=builder.graph,
        node_ids=builder.node_ids,
        node_index=builder.node_index,
        edges=builder.edges,
        cable_ids=list(cables),
        cable_position={cable_id: i for i, cable_id in enumerate(cables)},
        cable_edges=builder.cable_edges,
        segment_ids=[str(x) for x in topology.segments.segment_id],
        cables=cables,
        stations=stations,
        places=places,
        country_source=builder.country_source,
        country_sink=builder.country_sink,
        station_cables=station_cables,
        terrestrial_edges=tuple(builder.terrestrial),
        node_station=tuple(builder.node_station),
        transfer_edges=tuple(builder.transfer),
        warnings=dataset.warnings,
        status_overlay=load_status_overlay(),
        parts=DataParts(dataset=dataset, topology=topology),
    )


def _station_infos(dataset: Dataset) -> dict[str, StationInfo]:
    landed = set(dataset.landings.station_id)
    table = dataset.stations[
        dataset.stations.id.isin(landed) & dataset.stations.country_iso2.notna()
    ]
    return {
        row.id: StationInfo(
            row.id,
            row.name,
            row.country_iso2,
            row.country_name,
            row.geometry.x,
            row.geometry.y,
            row.subdivision if isinstance(row.subdivision, str) else None,
        )
        for row in table.itertuples()
    }


def _cable_infos(dataset: Dataset) -> dict[str, CableInfo]:
    """What routing needs of each cable, with the status overlay applied."""
    from dataclasses import replace

    from cablemap.network.status import load_status_overlay

    overlay = load_status_overlay()
    cables = {}
    for row in dataset.cables.itertuples():
        rfs = None if row.rfs_year is dataset.cables.rfs_year.dtype.na_value else int(row.rfs_year)
        info = CableInfo(
            row.id,
            row.name,
            rfs,
            bool(row.planned),
            owners=tuple(str(o) for o in row.owners),
            suppliers=tuple(str(s) for s in row.suppliers),
        )
        status = overlay.get(row.id)
        if dataset.overlays is not None and row.id in dataset.overlays.status_stated:
            status = None  # a user's overlay record states its status: that one holds
        if status is not None and status.status == "in-service":  # a planned cable now lit
            info = replace(info, rfs_year=status.since_year, planned=False)
        elif status is not None:
            info = replace(info, status=status.status, status_since=status.since_year)
        if dataset.overlays is not None and row.id in dataset.overlays.statuses:
            kind, since, _ = dataset.overlays.statuses[row.id]  # an overlay retired it
            info = replace(info, status=kind, status_since=since)
        cables[row.id] = info
    return cables


def _station_cables(
    dataset: Dataset, stations: dict[str, StationInfo]
) -> dict[str, tuple[str, ...]]:
    landed: dict[str, list[str]] = {}
    for cable_id, station_id in zip(
        dataset.landings.cable_id.tolist(), dataset.landings.station_id.tolist(), strict=True
    ):
        if station_id in stations:
            landed.setdefault(station_id, []).append(cable_id)
    return {station: tuple(dict.fromkeys(cables)) for station, cables in landed.items()}


def out_of_service(
    cables: Iterable[CableInfo],
    year: int,
    include_planned: bool,
    include_status: Iterable[str] = (),
) -> frozenset[str]:
    """Ids of cables not usable in ``year`` (see :meth:`Network.cables_out_of_service`)."""
    from cablemap.network.status import DATED_STATUSES, EXCLUDED_STATUSES

    excluded_status = set(EXCLUDED_STATUSES) - set(include_status)
    return frozenset(
        cable.id
        for cable in cables
        if (cable.planned and not include_planned)
        or (cable.rfs_year is not None and cable.rfs_year > year)
        or (cable.rfs_year is None and cable.planned)
        or (
            cable.status in excluded_status
            and (cable.status not in DATED_STATUSES or (cable.status_since or 0) <= year)
        )
    )


def _place_index(dataset: Dataset, stations: dict[str, StationInfo]) -> PlaceIndex:
    by_country: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for station in stations.values():
        by_country.setdefault(station.iso2, []).append(station.id)
        names.setdefault(station.iso2, station.country_name)
    return PlaceIndex(
        stations_by_country={iso2: tuple(ids) for iso2, ids in by_country.items()},
        country_names=names,
        station_country={s.id: s.iso2 for s in stations.values()},
        stations_by_subdivision=_by_subdivision(stations),
        everyday_names=place_names(),
        **_by_city(dataset, stations),
    )


def _by_city(dataset: Dataset, stations: dict[str, StationInfo]) -> dict[str, Any]:
    by_city: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    cities = zip(dataset.stations.id.tolist(), dataset.stations.city.tolist(), strict=True)
    for station_id, city in cities:
        if station_id not in stations or not isinstance(city, str) or not city.strip():
            continue
        # "Hermosa Beach, CA" is also "Hermosa Beach": US cities carry their state.
        for name in dict.fromkeys((city.strip(), city.split(",")[0].strip())):
            key = name.casefold()
            by_city.setdefault(key, []).append(station_id)
            names.setdefault(key, name)
    return {
        "stations_by_city": {key: tuple(ids) for key, ids in by_city.items()},
        "city_names": names,
    }


def _by_subdivision(stations: dict[str, StationInfo]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for station in stations.values():
        if station.subdivision is not None:
            found.setdefault(station.subdivision, []).append(station.id)
    return {code: tuple(ids) for code, ids in found.items()}


class _Builder:
    """Collects nodes and edges into a rustworkx graph, with the per-edge arrays."""

    def __init__(self, stations: dict[str, StationInfo]) -> None:
        self.stations = stations
        self.graph = rx.PyDiGraph(multigraph=True)
        self.node_ids: list[str] = []
        self.node_index: dict[str, int] = {}
        self.edges = Edges()
        self.cable_edges: list[list[int]] = []
        self.country_source: dict[str, int] = {}
        self.country_sink: dict[str, int] = {}
        self.terrestrial: list[tuple[int, int, str, str]] = []
        self.transfer: list[int] = []
        self.node_station: list[str | None] = []
        for station_id in stations:
            self.node(station_id)

    def node(self, node_id: str, station: str | None = None) -> int:
        index = self.node_index.get(node_id)
        if index is None:
            index = self.graph.add_node(len(self.node_ids))  # payload = index
            self.node_ids.append(node_id)
            self.node_index[node_id] = index
            self.node_station.append(station or (node_id if node_id in self.stations else None))
        return index

    def port(self, station_id: str, cable_id: str) -> int:
        """The node where ``cable_id`` lands at ``station_id``, joined to the station."""
        node_id = f"{station_id}@{cable_id}"
        if node_id in self.node_index:
            return self.node_index[node_id]
        port = self.node(node_id, station_id)
        station = self.node_index[station_id]
        self.transfer.append(self.edge(station, port, TRANSFER, 0.0))
        self.edge(port, station, TRANSFER, 0.0)
        return port

    def edge(self, a: int, b: int, kind: int, km: float, cable: int = -1, segment: int = -1) -> int:
        index = self.graph.add_edge(a, b, len(self.edges.kind))
        self.edges.kind.append(kind)
        self.edges.cable.append(cable)
        self.edges.segment.append(segment)
        self.edges.km.append(km)
        return index

    def add_segments(
        self, topology: Topology, cable_ids: list[str], scales: dict[str, float]
    ) -> None:
        position = {cable_id: i for i, cable_id in enumerate(cable_ids)}
        self.cable_edges = [[] for _ in cable_ids]
        segments = topology.segments
        for i, (cable_id, a, b, km) in enumerate(
            zip(
                segments.cable_id,
                segments.from_node,
                segments.to_node,
                segments.length_km,
                strict=True,
            )
        ):
            if cable_id not in position:
                continue
            c = position[cable_id]
            km = float(km) * scales.get(cable_id, 1.0)
            u = self.port(a, cable_id) if a in self.stations else self.node(a)
            v = self.port(b, cable_id) if b in self.stations else self.node(b)
            self.cable_edges[c].append(self.edge(u, v, CABLE, float(km), c, i))
            self.cable_edges[c].append(self.edge(v, u, CABLE, float(km), c, i))

    def add_terrestrial(self, usable_today: set[str]) -> None:
        """Backhaul inside each country and links across land borders (over land only)."""
        import numpy as np

        from cablemap.dataset.land import load_land
        from cablemap.dataset.placement import land_parent
        from cablemap.network.terrestrial import backhaul_links, border_links

        land = load_land()
        ids = list(self.stations)
        lons = np.array([self.stations[i].lon for i in ids])
        lats = np.array([self.stations[i].lat for i in ids])
        by_country: dict[str, list[int]] = {}
        for index, station_id in enumerate(ids):
            by_country.setdefault(self.stations[station_id].iso2, []).append(index)
        for code, members in by_country.items():
            region = _polygons(land, {code if code in land.by_iso2 else land_parent(code)})
            if not region:
                continue
            everyone = np.array(members)
            today = np.array([i for i in members if ids[i] in usable_today], dtype=np.intp)
            for link in backhaul_links(lons, lats, (everyone, today), region):
                self._terrestrial(ids[link.a], ids[link.b], BACKHAUL, link.km)
        for a, b in sorted(land.neighbours()):
            if a in by_country and b in by_country:
                both = _polygons(land, {a, b})
                left, right = np.array(by_country[a]), np.array(by_country[b])
                for link in border_links(lons, lats, left, right, both):
                    self._terrestrial(ids[link.a], ids[link.b], BORDER, link.km)

    def _terrestrial(self, a: str, b: str, kind: int, km: float) -> None:
        u, v = self.node_index[a], self.node_index[b]
        self.terrestrial.append((self.edge(u, v, kind, km), kind, a, b))
        self.terrestrial.append((self.edge(v, u, kind, km), kind, b, a))

    def add_terminals(self, places: PlaceIndex) -> None:
        """Source and sink nodes for every country, subdivision, group and city of stations."""
        for station in self.stations.values():
            for code in (station.iso2, station.subdivision):
                if code is not None:
                    self._terminal(code, station.id)
        for group_id, _, members in {v[0]: v for v in groups().values()}.values():
            for member in members:
                for station_id in places.stations_by_country.get(member, ()):
                    self._terminal(f"group:{group_id}", station_id)
        for key, station_ids in places.stations_by_city.items():
            for station_id in station_ids:
                iso2 = self.stations[station_id].iso2
                if sum(places.station_country[s] == iso2 for s in station_ids) > 1:
                    self._terminal(f"city:{city_key(key)}:{iso2}", station_id)

    def _terminal(self, code: str, station_id: str) -> None:
        if code not in self.country_source:
            self.country_source[code] = self.node(f"source:{code}")
            self.country_sink[code] = self.node(f"sink:{code}")
        index = self.node_index[station_id]
        self.edge(self.country_source[code], index, TERMINAL, 0.0)
        self.edge(index, self.country_sink[code], TERMINAL, 0.0)


def _polygons(land: Land, codes: set[str]) -> list[object]:
    """The (prepared) land polygons of these codes; codes without land are skipped."""
    return [land.by_iso2[c] for c in sorted(codes) if c in land.by_iso2]
