"""The built network as plain data: stored and read back without running any code.

A persisted network is one JSON document (parsed with orjson) holding only strings,
numbers, booleans, lists and objects; reading it builds the :class:`Network` from those
values with type checks on every field. Nothing in the file is ever executed (unlike a
pickle), so a forged file can at worst be rejected: :func:`network_from_bytes` raises
:class:`StoredNetworkError` for anything that does not have the expected shape, and the
caller then rebuilds the network from the data.

Layout (version :data:`FORMAT_VERSION`)::

    {"format": "cablemap-network", "version": 2, "snapshot_id": ..., "provenance": {...},
     "nodes": [...],
     "edges": {"tail": [...], "head": [...], "kind": [...], "cable": [...],
               "segment": [...], "km": [...]},
     "cables": [[id, name, rfs, planned, status, since, owners, suppliers], ...], ...}
"""

from __future__ import annotations

import gc
from array import array
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.network.graph import Network

FORMAT = "cablemap-network"
FORMAT_VERSION = 2


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
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "snapshot_id": network.snapshot_id,
        "provenance": network.provenance.as_dict(),
        "nodes": network.node_ids,
        "edges": {
            "tail": tails,
            "head": heads,
            "kind": network.edges.kind,
            "cable": network.edges.cable,
            "segment": network.edges.segment,
            "km": network.edges.km,
        },
        "cable_ids": network.cable_ids,
        "cable_edges": network.cable_edges,
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
        },
        "country_source": network.country_source,
        "country_sink": network.country_sink,
        "station_cables": network.station_cables,
        "terrestrial_edges": network.terrestrial_edges,
        "node_station": network.node_station,
        "transfer_edges": network.transfer_edges,
        "warnings": [[w.kind, w.file, w.record, w.field, w.message] for w in network.warnings],
        "flow": {
            "tails": flow.tails.tolist(),
            "heads": flow.heads.tolist(),
            "capacity": flow.capacity.tolist(),
            "span_edge_cable": [[k, v] for k, v in flow.span_edge_cable.items()],
            "station_node": flow.station_node,
            "hub_node": flow.hub_node,
            "size": flow.size,
            "border_edges": flow.border_edges,
        },
    }
    return orjson.dumps(document)


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
        if collecting:
            gc.enable()


def _document_network(orjson: Any, payload: bytes) -> Network:
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise StoredNetworkError(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StoredNetworkError("not a cablemap network")
    if document.get("version") != FORMAT_VERSION:
        raise StoredNetworkError(f"format version {document.get('version')!r}")
    try:
        return _network(document)
    except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
        raise StoredNetworkError(f"malformed: {type(exc).__name__}: {exc}") from None


def _network(d: dict[str, Any]) -> Network:
    import rustworkx as rx

    from cablemap.dataset.provenance import provenance_from_dict
    from cablemap.network.graph import CableInfo, Edges, Network, StationInfo
    from cablemap.network.places import PlaceIndex

    nodes = _strings(d["nodes"])
    e = d["edges"]
    tail, head = _ints(e["tail"]), _ints(e["head"])
    kind, cable, segment, km = (
        _ints(e["kind"]),
        _ints(e["cable"]),
        _ints(e["segment"]),
        _floats(e["km"]),
    )
    if not len(tail) == len(head) == len(kind) == len(cable) == len(segment) == len(km):
        raise ValueError("edge arrays of different lengths")
    if (tail and max(max(tail), max(head)) >= len(nodes)) or min([0, *tail, *head]) < 0:
        raise ValueError("edge end out of range")
    graph = rx.PyDiGraph(multigraph=True)
    graph.add_nodes_from(range(len(nodes)))
    graph.add_edges_from(list(zip(tail, head, range(len(tail)), strict=True)))
    cables = {row[0]: CableInfo(*row) for row in _cable_rows(d["cables"])}
    stations = {row[0]: StationInfo(*row) for row in _station_rows(d["stations"])}
    p = d["places"]
    places = PlaceIndex(
        stations_by_country=_tuples(p["by_country"]),
        country_names=_str_map(p["country_names"]),
        station_country=_str_map(p["station_country"]),
        stations_by_subdivision=_tuples(p["by_subdivision"]),
        stations_by_city=_tuples(p["by_city"]),
        city_names=_str_map(p["city_names"]),
    )
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
        cable_edges=_int_lists(d["cable_edges"]),
        segment_ids=_strings(d["segment_ids"]),
        cables=cables,
        stations=stations,
        places=places,
        country_source=_int_map(d["country_source"]),
        country_sink=_int_map(d["country_sink"]),
        station_cables=_tuples(d["station_cables"]),
        terrestrial_edges=tuple(
            zip(*_columns(d["terrestrial_edges"], (int, int, str, str)), strict=True)
        ),
        node_station=tuple(_optional_strings(d["node_station"])),
        transfer_edges=tuple(_ints(d["transfer_edges"])),
        warnings=_warnings(d["warnings"]),
    )
    if len(network.node_station) != len(nodes):
        raise ValueError("node stations do not match the nodes")
    network.__dict__["flow_network"] = _flow(d["flow"])
    return network


def _warnings(rows: Any) -> tuple[Any, ...]:
    if not isinstance(rows, list):
        raise TypeError("expected a list of warnings")
    if not rows:
        return ()
    from cablemap.dataset.records import DataWarning  # imports numpy: only when needed

    return tuple(DataWarning(*(_str(x) for x in row)) for row in rows)


def _flow(f: dict[str, Any]) -> Any:
    from cablemap.network.flow import FlowNetwork

    tails, heads, capacity = (array("i", _ints(f[k])) for k in ("tails", "heads", "capacity"))
    size = int(f["size"])
    if not len(tails) == len(heads) == len(capacity):
        raise ValueError("flow arrays of different lengths")
    if tails and (max(max(tails), max(heads)) >= size or min(min(tails), min(heads)) < 0):
        raise ValueError("flow edge end out of range")
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


def _floats(values: Any) -> list[float]:
    if type(values) is not list or not set(map(type, values)) <= {int, float}:
        raise TypeError("expected a list of numbers")
    return [float(v) for v in values]


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
    owner_lists = [tuple(_strings(x)) for x in owners]
    supplier_lists = [tuple(_strings(x)) for x in suppliers]
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


def _int_lists(values: Any) -> list[list[int]]:
    if type(values) is not list or not set(map(type, values)) <= {list}:
        raise TypeError("expected a list of lists")
    if not set(map(type, chain.from_iterable(values))) <= {int}:
        raise TypeError("expected lists of integers")
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
    return {k: tuple(v) for k, v in value.items()}
