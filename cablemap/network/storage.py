"""The built network as plain data: stored and read back without running any code.

A persisted network is one JSON document (parsed with orjson) holding only strings,
numbers, booleans, lists and objects, then a newline and a block of binary numbers;
reading it builds the :class:`Network` from those values with type checks on every
field. Nothing in the file is ever executed (unlike a pickle), so a forged file can at
worst be rejected: :func:`network_from_bytes` raises :class:`StoredNetworkError` for
anything that does not have the expected shape, and the caller then rebuilds the network
from the data.

The long numeric columns (edge ends, kinds, cables, segments and lengths; cable,
transfer and terrestrial edges; the flow network's arrays) are stored in the binary
block as little-endian int32 or float64 values, each named in the document by
``[start, count]``. Reading one is a copy into a stdlib :class:`array.array`: no value
is parsed or type-checked one by one, and their ranges are still checked. The network
also carries the place names and the status overlay it was built with, so answering a
route parses no TOML. The flow network, needed only for resilience questions, is read
and checked on first use (and built from the data instead if it is malformed).

Layout (version :data:`FORMAT_VERSION`)::

    {"format": "cablemap-network", "version": 3, "snapshot_id": ..., "provenance": {...},
     "nodes": [...],
     "edges": {"tail": C, "head": C, "kind": C, "cable": C, "segment": C, "km": C},
     "cable_ids": [...], "cable_edges": {"offsets": C, "edges": C}, "segment_ids": [...],
     "cables": [[id, name, rfs, planned, status, since, owners, suppliers], ...],
     "stations": [[id, name, iso2, country name, lon, lat, subdivision], ...],
     "places": {..., "everyday_names": {name: code}},
     "terrestrial_edges": {"edge": C, "kind": C, "a": [...], "b": [...]},
     "status_overlay": [[id, status, since, reason, [{source}], note], ...],
     "flow": {"tails": C, "heads": C, "capacity": C, ...}, ...}
    <newline>
    <binary columns>

where ``C`` is a column ``[start, count]`` in the binary block.
"""

from __future__ import annotations

import gc
import math
import sys
from array import array
from functools import partial
from itertools import chain, pairwise
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.network.graph import Network

FORMAT = "cablemap-network"
FORMAT_VERSION = 3


class StoredNetworkError(ValueError):
    """A stored network that is not one this code wrote (rebuild instead)."""


def network_to_bytes(network: Network) -> bytes:
    """Serialise the routing core of a network (not its dataset, topology or caches)."""
    import orjson

    flow = network.flow_network
    places = network.places
    tails, heads = (
        zip(*network.graph.edge_list(), strict=True) if network.graph.num_edges() else ((), ())
    )
    terrestrial = list(zip(*network.terrestrial_edges, strict=True)) or [(), (), (), ()]
    binary = _Packer()
    pack = binary.add
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "snapshot_id": network.snapshot_id,
        "provenance": network.provenance.as_dict(),
        "nodes": network.node_ids,
        "edges": {
            "tail": pack(tails),
            "head": pack(heads),
            "kind": pack(network.edges.kind),
            "cable": pack(network.edges.cable),
            "segment": pack(network.edges.segment),
            "km": pack(network.edges.km, "d"),
        },
        "cable_ids": network.cable_ids,
        "cable_edges": {
            "offsets": pack(_offsets(network.cable_edges)),
            "edges": pack(chain.from_iterable(network.cable_edges)),
        },
        "segment_ids": network.segment_ids,
        "cables": [
            [
                c.id,
                c.name,
                c.rfs_year,
                c.planned,
                c.status,
                c.status_since,
                list(c.owners),
                list(c.suppliers),
            ]
            for c in network.cables.values()
        ],
        "stations": [
            [s.id, s.name, s.iso2, s.country_name, s.lon, s.lat, s.subdivision]
            for s in network.stations.values()
        ],
        "places": {
            "by_country": places.stations_by_country,
            "country_names": places.country_names,
            "station_country": places.station_country,
            "by_subdivision": places.stations_by_subdivision,
            "by_city": places.stations_by_city,
            "city_names": places.city_names,
            "everyday_names": places._everyday_names(),
        },
        "country_source": network.country_source,
        "country_sink": network.country_sink,
        "station_cables": network.station_cables,
        "terrestrial_edges": {
            "edge": pack(terrestrial[0]),
            "kind": pack(terrestrial[1]),
            "a": terrestrial[2],
            "b": terrestrial[3],
        },
        "node_station": network.node_station,
        "transfer_edges": pack(network.transfer_edges),
        "warnings": [[w.kind, w.file, w.record, w.field, w.message] for w in network.warnings],
        "status_overlay": [
            [e.cable_id, e.status, e.since_year, e.reason, list(e.sources), e.note]
            for e in _status_overlay(network).values()
        ],
        "flow": {
            "tails": pack(flow.tails),
            "heads": pack(flow.heads),
            "capacity": pack(flow.capacity),
            "span_edge_cable": [[k, v] for k, v in flow.span_edge_cable.items()],
            "station_node": flow.station_node,
            "hub_node": flow.hub_node,
            "size": flow.size,
            "border_edges": flow.border_edges,
        },
    }
    return orjson.dumps(document) + b"\n" + binary.data()


def _status_overlay(network: Network) -> dict[str, Any]:
    if network.status_overlay is not None:
        return network.status_overlay
    from cablemap.network.status import load_status_overlay

    return load_status_overlay()


def _offsets(lists: list[list[int]]) -> list[int]:
    """Where each list starts in the lists joined end to end, and where the last ends."""
    offsets = [0]
    for values in lists:
        offsets.append(offsets[-1] + len(values))
    return offsets


class _Packer:
    """The binary part being written: numeric columns end to end, little-endian."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, values: Any, typecode: str = "i") -> list[int]:
        """Append a column of int32 (``"d"``: float64) values; return ``[start, count]``."""
        column = array(typecode, values)
        if sys.byteorder == "big":
            column.byteswap()
        where = [self._size, len(column)]
        self._chunks.append(column.tobytes())
        self._size += len(self._chunks[-1])
        return where

    def data(self) -> bytes:
        return b"".join(self._chunks)


class _Binary:
    """The binary part being read: columns are copied out of it, each checked to lie in it."""

    def __init__(self, data: memoryview) -> None:
        self._data = data

    def column(self, where: Any, typecode: str = "i") -> array[Any]:
        """The column stored at ``[start, count]``: every value has its type by construction."""
        if type(where) is not list or len(where) != 2 or not set(map(type, where)) <= {int}:
            raise TypeError("expected a packed column [start, count]")
        start, count = where
        values = array(typecode)
        end = start + count * values.itemsize
        if start < 0 or count < 0 or end > len(self._data):
            raise ValueError("packed column outside the file")
        values.frombytes(self._data[start:end])
        if sys.byteorder == "big":
            values.byteswap()
        return values

    def indices(self, where: Any, size: int, what: str) -> list[int]:
        """A column of indices into something of ``size`` items, as a list."""
        values = self.column(where).tolist()
        _check_range(values, size, what)
        return values


def network_from_bytes(payload: bytes) -> Network:
    """Rebuild a network from :func:`network_to_bytes` output, checking every field.

    Raises
    ------
    StoredNetworkError
        Not JSON, another format or version, or any field of the wrong shape.
    """
    import orjson

    # Reading creates ~200,000 objects and none of them form cycles: the cyclic garbage
    # collector would only walk them again and again (~20% of the load time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _document_network(orjson, payload)
    finally:
        # They live as long as the network: moved to the oldest generation (freeze, then
        # unfreeze), the next young collections do not walk them all again (~3 ms). Not
        # when the caller froze objects itself: unfreeze would release those too.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if collecting:
            gc.enable()


def _document_network(orjson: Any, payload: bytes) -> Network:
    split = payload.find(b"\n")  # the JSON document, then the binary columns
    view = memoryview(payload)
    try:
        document = orjson.loads(view[:split] if split >= 0 else view)
    except orjson.JSONDecodeError as exc:
        raise StoredNetworkError(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StoredNetworkError("not a cablemap network")
    if document.get("version") != FORMAT_VERSION:
        raise StoredNetworkError(f"format version {document.get('version')!r}")
    try:
        return _network(document, _Binary(view[split + 1 :] if split >= 0 else view[:0]))
    except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
        raise StoredNetworkError(f"malformed: {type(exc).__name__}: {exc}") from None


def _network(d: dict[str, Any], binary: _Binary) -> Network:
    import rustworkx as rx

    from cablemap.dataset.provenance import provenance_from_dict
    from cablemap.network.graph import CableInfo, Edges, Network, StationInfo

    nodes = _strings(d["nodes"])
    e = d["edges"]
    tail, head = (binary.indices(e[k], len(nodes), "edge end") for k in ("tail", "head"))
    kind, cable, segment = (binary.column(e[k]).tolist() for k in ("kind", "cable", "segment"))
    km = binary.column(e["km"], "d").tolist()
    if not len(tail) == len(head) == len(kind) == len(cable) == len(segment) == len(km):
        raise ValueError("edge arrays of different lengths")
    if km and (min(km) < 0 or not math.isfinite(sum(km))):
        raise ValueError("edge lengths not finite and positive")
    graph = rx.PyDiGraph(multigraph=True)
    graph.add_nodes_from(range(len(nodes)))  # payload = index, as built
    graph.extend_from_weighted_edge_list(list(zip(tail, head, range(len(tail)), strict=True)))
    cables = {row[0]: CableInfo(*row) for row in _cable_rows(d["cables"])}
    stations = {row[0]: StationInfo(*row) for row in _station_rows(d["stations"])}
    cable_ids = _strings(d["cable_ids"])
    network = Network(
        snapshot_id=_str(d["snapshot_id"]),
        provenance=provenance_from_dict(d["provenance"]),
        graph=graph,
        node_ids=nodes,
        node_index={node: i for i, node in enumerate(nodes)},
        edges=Edges(kind, cable, segment, km),
        cable_ids=cable_ids,
        cable_position={c: i for i, c in enumerate(cable_ids)},
        cable_edges=_cable_edges(d["cable_edges"], binary, len(cable_ids), len(tail)),
        segment_ids=_strings(d["segment_ids"]),
        cables=cables,
        stations=stations,
        places=_places(d["places"]),
        country_source=_int_map(d["country_source"]),
        country_sink=_int_map(d["country_sink"]),
        station_cables=_tuples(d["station_cables"]),
        terrestrial_edges=_terrestrial(d["terrestrial_edges"], binary, len(tail)),
        node_station=tuple(_optional_strings(d["node_station"])),
        transfer_edges=tuple(binary.indices(d["transfer_edges"], len(tail), "transfer edge")),
        warnings=_warnings(d["warnings"]),
        status_overlay=_status_entries(d["status_overlay"]),
    )
    if len(network.node_station) != len(nodes):
        raise ValueError("node stations do not match the nodes")
    network._memo["stored-flow"] = partial(_stored_flow, d["flow"], binary)
    return network


def _stored_flow(f: Any, binary: _Binary, network: Network) -> Any:
    """The stored flow network, read and checked when first asked for (resilience).

    A flow section of the wrong shape is not used: the flow network is then built from
    the network and its data, as for a network built in this process.
    """
    try:
        return _flow(f, binary)
    except (KeyError, TypeError, ValueError, IndexError, OverflowError):
        from cablemap.network.flow import build_flow_network

        return build_flow_network(network)


def _places(p: dict[str, Any]) -> Any:
    from cablemap.network.places import PlaceIndex

    return PlaceIndex(
        stations_by_country=_tuples(p["by_country"]),
        country_names=_str_map(p["country_names"]),
        station_country=_str_map(p["station_country"]),
        stations_by_subdivision=_tuples(p["by_subdivision"]),
        stations_by_city=_tuples(p["by_city"]),
        city_names=_str_map(p["city_names"]),
        everyday_names=_str_map(p["everyday_names"]),
    )


def _cable_edges(c: dict[str, Any], binary: _Binary, cables: int, edges: int) -> list[list[int]]:
    """Each cable's edges, from the joined edge list and where each cable's part starts."""
    offsets = binary.column(c["offsets"]).tolist()
    joined = binary.indices(c["edges"], edges, "cable edge")
    if len(offsets) != cables + 1 or offsets[0] != 0 or offsets[-1] != len(joined):
        raise ValueError("cable edge offsets do not match the cables")
    if any(a > b for a, b in pairwise(offsets)):
        raise ValueError("cable edge offsets out of order")
    return [joined[a:b] for a, b in pairwise(offsets)]


def _terrestrial(
    t: dict[str, Any], binary: _Binary, edges: int
) -> tuple[tuple[int, int, str, str], ...]:
    """``(edge, kind, station, station)`` of every terrestrial edge."""
    edge = binary.indices(t["edge"], edges, "terrestrial edge")
    kind, a, b = binary.column(t["kind"]).tolist(), _strings(t["a"]), _strings(t["b"])
    if not len(edge) == len(kind) == len(a) == len(b):
        raise ValueError("terrestrial edge columns of different lengths")
    return tuple(zip(edge, kind, a, b, strict=True))


def _status_entries(rows: Any) -> dict[str, Any]:
    """The status overlay: id, status, since, reason, sources, note (string or null)."""
    from cablemap.network.status import CableStatus

    ids, status, since, reason, sources, notes = _columns(rows, (str, str, int, str, list, _NONE))
    for source_list in sources:
        if not set(map(type, source_list)) <= {dict}:
            raise TypeError("expected sources as objects")
        for source in source_list:
            _str_map(source)
    entries = zip(ids, status, since, reason, map(tuple, sources), notes, strict=True)
    return {row[0]: CableStatus(*row) for row in entries}


def _warnings(rows: Any) -> tuple[Any, ...]:
    if not isinstance(rows, list):
        raise TypeError("expected a list of warnings")
    if not rows:
        return ()
    from cablemap.dataset.records import DataWarning  # imports numpy: only when needed

    return tuple(DataWarning(*(_str(x) for x in row)) for row in rows)


def _flow(f: dict[str, Any], binary: _Binary) -> Any:
    from cablemap.network.flow import FlowNetwork

    tails, heads, capacity = (binary.column(f[k]) for k in ("tails", "heads", "capacity"))
    size = int(f["size"])
    if not len(tails) == len(heads) == len(capacity):
        raise ValueError("flow arrays of different lengths")
    _check_range(tails, size, "flow edge end")
    _check_range(heads, size, "flow edge end")
    return FlowNetwork(
        tails,
        heads,
        capacity,
        {int(k): _str(v) for k, v in f["span_edge_cable"]},
        _int_map(f["station_node"]),
        _int_map(f["hub_node"]),
        size,
        tuple(_ints(f["border_edges"])),
    )


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _check_range(values: array[int] | list[int], size: int, what: str) -> None:
    """Every value in ``range(size)`` (min and max run faster over a list than an array)."""
    if values and (min(values) < 0 or max(values) >= size):
        raise ValueError(f"{what} out of range")


# Type checks on whole lists run in C (``map(type, ...)``): a stored network holds about
# 150,000 values, and checking them one by one in Python cost 0.1 s per load.


def _strings(values: Any) -> list[str]:
    if type(values) is not list or not set(map(type, values)) <= {str}:
        raise TypeError("expected a list of strings")
    return values


def _ints(values: Any) -> list[int]:
    if type(values) is not list or not set(map(type, values)) <= {int}:
        raise TypeError("expected a list of integers")
    return values


_NONE = type(None)


def _columns(rows: Any, types: tuple[type, ...]) -> list[list[Any]]:
    """The columns of a list of equal-length rows, each checked against its types.

    A float column accepts integers (JSON writes 1.0 as 1) and converts them; a column
    typed ``None`` is a string or null; a column typed ``object`` is left to the caller.
    """
    if type(rows) is not list or not set(map(type, rows)) <= {list}:
        raise TypeError("expected a list of rows")
    if not rows:
        return [[] for _ in types]
    if set(map(len, rows)) != {len(types)}:
        raise ValueError(f"expected rows of {len(types)} values")
    columns = [list(column) for column in zip(*rows, strict=True)]
    for i, wanted in enumerate(types):
        found = set(map(type, columns[i]))
        if wanted is float:
            if not found <= {int, float}:
                raise TypeError("expected numbers")
            columns[i] = [float(v) for v in columns[i]]
        elif wanted is object:  # checked by the caller
            continue
        elif wanted is _NONE:
            if not found <= {str, _NONE}:
                raise TypeError("expected strings or null")
        elif not found <= {wanted}:
            raise TypeError(f"expected values of type {wanted.__name__}")
    return columns


def _cable_rows(rows: Any) -> list[tuple[Any, ...]]:
    """Cable rows: id, name, rfs, planned, status, since, owners, suppliers."""
    ids, names, rfs, planned, status, since, owners, suppliers = _columns(
        rows, (str, str, object, bool, str, object, list, list)
    )
    for column in (rfs, since):
        if not set(map(type, column)) <= {int, _NONE}:
            raise TypeError("expected an integer or null")
    for column in (owners, suppliers):  # checked whole, in C
        if not set(map(type, column)) <= {list}:
            raise TypeError("expected lists of names")
        if not set(map(type, chain.from_iterable(column))) <= {str}:
            raise TypeError("expected lists of strings")
    owner_lists = list(map(tuple, owners))
    supplier_lists = list(map(tuple, suppliers))
    return list(
        zip(ids, names, rfs, planned, status, since, owner_lists, supplier_lists, strict=True)
    )


def _station_rows(rows: Any) -> list[tuple[Any, ...]]:
    """Station rows: id, name, iso2, country name, lon, lat, subdivision or null."""
    return list(zip(*_columns(rows, (str, str, str, str, float, float, _NONE)), strict=True))


def _optional_strings(values: Any) -> list[str | None]:
    if type(values) is not list or not set(map(type, values)) <= {str, _NONE}:
        raise TypeError("expected a list of strings or nulls")
    return values


def _opt_int(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer or null")
    return value


# JSON object keys are always strings, so only the values of an object need checking.


def _str_map(value: Any) -> dict[str, str]:
    if type(value) is not dict or not set(map(type, value.values())) <= {str}:
        raise TypeError("expected an object of strings")
    return value


def _int_map(value: Any) -> dict[str, int]:
    if type(value) is not dict or not set(map(type, value.values())) <= {int}:
        raise TypeError("expected an object of integers")
    return value


def _tuples(value: Any) -> dict[str, tuple[str, ...]]:
    if type(value) is not dict or not set(map(type, value.values())) <= {list}:
        raise TypeError("expected an object of lists")
    if not set(map(type, chain.from_iterable(value.values()))) <= {str}:
        raise TypeError("expected lists of strings")
    return dict(zip(value, map(tuple, value.values()), strict=True))
