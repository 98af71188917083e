"""The built network is stored beside its snapshot, reloaded, and never used stale or corrupt."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from array import array
from dataclasses import replace

import pytest
from conftest import FIXTURES

from cablemap.analysis.query import trace_routes
from cablemap.fetch import import_snapshot
from cablemap.network import persist
from cablemap.network.storage import FORMAT_VERSION
from cablemap.snapshot import SnapshotStore


@pytest.fixture
def stored(fast_settings, mini_root):
    import_snapshot(mini_root, settings=fast_settings)
    return fast_settings


def _count_builds(monkeypatch):
    calls = []
    real = persist._build_and_store

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(persist, "_build_and_store", counting)
    return calls


def test_built_once_then_reloaded(stored, monkeypatch):
    builds = _count_builds(monkeypatch)
    first = persist.load_or_build_network(settings=stored)
    current = SnapshotStore(stored.cache_dir).current()
    files = list(current.path.glob("network-*.json"))
    assert len(files) == 1 and files[0].name == f"network-{persist.code_hash()}.json"
    second = persist.load_or_build_network(settings=stored)
    assert builds == [1]
    assert trace_routes(second, "US", "JP").as_dict() == trace_routes(first, "US", "JP").as_dict()
    # the tables load on demand from the snapshot
    assert second.parts.dataset is None
    assert len(second.dataset.cables) == 3 and second.topology.segments.shape[0] > 0


def test_corrupt_file_is_rebuilt_not_used(stored, monkeypatch):
    persist.load_or_build_network(settings=stored)
    target = next(SnapshotStore(stored.cache_dir).current().path.glob("network-*.json"))
    blob = target.read_bytes()
    for damaged in (
        blob[: len(blob) // 2],
        blob.replace(b"alpha-pacific", b"alpha-pacifix", 1),
        b"garbage",
    ):
        target.write_bytes(damaged)
        builds = _count_builds(monkeypatch)
        network = persist.load_or_build_network(settings=stored)
        assert builds == [1] and "alpha-pacific" in network.cables
        assert target.read_bytes() == blob  # rebuilt and stored again, identical


def test_changed_code_rebuilds_and_removes_the_stale_file(stored, monkeypatch):
    persist.load_or_build_network(settings=stored)
    snapshot_dir = SnapshotStore(stored.cache_dir).current().path
    old = next(snapshot_dir.glob("network-*.json"))
    monkeypatch.setattr(persist, "code_hash", lambda: "0123456789abcdef")
    builds = _count_builds(monkeypatch)
    persist.load_or_build_network(settings=stored)
    assert builds == [1] and not old.exists()
    assert [p.name for p in snapshot_dir.glob("network-*.json")] == [
        "network-0123456789abcdef.json"
    ]


def test_direct_data_key_follows_the_files(fast_settings, mini_root, monkeypatch):
    settings = fast_settings.with_changes(data_path=mini_root)
    persist.load_or_build_network(settings=settings)
    builds = _count_builds(monkeypatch)
    persist.load_or_build_network(settings=settings)
    assert builds == []
    detail = mini_root / "cable" / "beta-south.json"
    detail.write_text(detail.read_text().replace("Singtel", "Singtel Optus"))
    network = persist.load_or_build_network(settings=settings)
    assert (
        builds == [1]
        and "Singtel Optus" in network.dataset.cables.set_index("id").loc["beta-south"].owners
    )


def test_route_json_imports_no_heavy_library(open_root, isolated_cache):
    env = {**os.environ, "CABLEMAP_CACHE_DIR": str(isolated_cache)}
    args = [
        sys.executable,
        "-m",
        "cablemap",
        "--data",
        str(open_root),
        "route",
        "US",
        "JP",
        "--format",
        "json",
    ]
    assert subprocess.run(args, env=env, capture_output=True).returncode == 0  # warm the cache
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *args[1:]], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = {
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    imported = {name.split(".")[0] for name in modules}
    heavy = {"geopandas", "pandas", "shapely", "folium", "matplotlib", "scipy", "numpy", "pyproj"}
    heavy |= {"httpx", "hishel", "tqdm", "dask", "pycountry", "filelock", "difflib"}
    assert not heavy & imported, heavy & imported
    # The stored network holds the place names and status overlay (no TOML is parsed), and
    # resilience code and the flow network are read only for --resilience.
    unneeded = {"tomllib", "cablemap.analysis.resilience", "cablemap.network.flow"}
    unneeded |= {"cablemap.dataset.load", "cablemap.network.topology", "cablemap.policy.rules"}
    unneeded |= {"cablemap.dataset.countries"}  # only for names the data does not use
    unneeded |= {"cablemap.dataset.overlay.store", "cablemap.dataset.overlay.model"}  # overlays
    assert not unneeded & modules, unneeded & modules
    assert "cablemap.network.storage" in modules  # the answer came from the stored network


def test_forged_file_with_a_valid_digest_is_rejected_never_executed(stored, monkeypatch, tmp_path):
    """A pickle that would run a command, with a correct SHA-256 header, is not loaded."""
    import hashlib
    import pickle

    persist.load_or_build_network(settings=stored)
    target = next(SnapshotStore(stored.cache_dir).current().path.glob("network-*.json"))
    witness = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {witness}",))

    for payload in (
        pickle.dumps(Evil()),
        b'{"format": "cablemap-network", "version": %d, "nodes": [1, 2]}' % FORMAT_VERSION,
        b'{"format": "cablemap-network", "version": 2, "nodes": []}',  # an older format
        b'{"format": "cablemap-network", "version": 99}',
    ):
        digest = hashlib.sha256(payload).hexdigest().encode()
        target.write_bytes(persist.MAGIC + digest + b"\n" + payload)
        builds = _count_builds(monkeypatch)
        network = persist.load_or_build_network(settings=stored)
        assert builds == [1] and "alpha-pacific" in network.cables
        assert not witness.exists()


def test_stored_network_answers_like_the_built_one(open_root):
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.network.storage import network_from_bytes, network_to_bytes

    built = build_network(load_dataset(open_root))
    loaded = network_from_bytes(network_to_bytes(built))
    for a, b in [("US", "JP"), ("GB", "SG"), ("VN", "SG")]:
        one = trace_routes(built, a, b, k=3, resilience=True).as_dict()
        two = trace_routes(loaded, a, b, k=3, resilience=True).as_dict()
        assert one == two
    assert loaded.flow_network == built.flow_network


def test_read_only_cache_still_answers_with_a_one_line_note(open_root, isolated_cache, monkeypatch):
    """EROFS or ENOSPC when storing the built network: the route is still answered."""
    import errno

    from click.testing import CliRunner

    from cablemap import cli, files

    def refuse(path, writer):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(files, "write_with", refuse)
    result = CliRunner().invoke(
        cli.cli, ["--data", str(open_root), "route", "US", "JP", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "Read-only file system" in notes[0]
    assert '"routes"' in result.stdout


@pytest.mark.parametrize(
    ("code", "text"), [(28, "No space left on device"), (30, "Read-only file system")]
)
def test_full_or_read_only_disk_on_import_is_one_line(
    open_root, isolated_cache, monkeypatch, capsys, code, text
):
    """ENOSPC or EROFS while storing a snapshot: one line, exit 2, no internal error."""
    from cablemap import cli
    from cablemap.snapshot import SnapshotStore

    def refuse(self):
        raise OSError(code, text, str(isolated_cache / "staging"))

    monkeypatch.setattr(SnapshotStore, "staging", refuse)
    with pytest.raises(SystemExit) as ended:
        cli.main(["data", "import", str(open_root)])
    err = capsys.readouterr().err.strip().splitlines()
    assert ended.value.code == 2 and len(err) == 1
    assert err[0].startswith("cablemap: error:") and text in err[0] and "internal" not in err[0]


class _Stored:
    """A stored network opened for editing: its JSON document and its binary columns."""

    def __init__(self, payload):
        import orjson

        text, _, binary = payload.partition(b"\n")
        self.document = orjson.loads(text)
        self.binary = bytearray(binary)

    def payload(self):
        import orjson

        return orjson.dumps(self.document) + b"\n" + bytes(self.binary)

    def values(self, where, typecode="i"):
        """A column as the format stores it: little-endian int32 (or float64) values."""
        start, count = where
        column = array(typecode)
        column.frombytes(self.binary[start : start + count * column.itemsize])
        if sys.byteorder == "big":
            column.byteswap()
        return column.tolist()

    def set(self, where, index, value, typecode="i"):
        """Change one value of a column in place."""
        struct.pack_into(
            "<" + typecode, self.binary, where[0] + index * struct.calcsize(typecode), value
        )

    def append(self, values, typecode="i"):
        """A new column at the end of the binary block; its ``[start, count]``."""
        column = array(typecode, values)
        if sys.byteorder == "big":
            column.byteswap()
        where = [len(self.binary), len(column)]
        self.binary += column.tobytes()
        return where


def _mutations():
    """(what, change) pairs: each change puts one wrong value into a stored network."""

    def station_name(n):
        n.document["stations"][0][1] = 7

    def station_row_short(n):
        n.document["stations"][0].pop()

    def lon_text(n):
        n.document["stations"][0][4] = "east"

    def owner_number(n):
        n.document["cables"][0][6] = [1]

    def planned_text(n):
        n.document["cables"][0][3] = "yes"

    def rfs_float(n):
        n.document["cables"][0][2] = 2001.5

    def terrestrial_column_short(n):
        n.document["terrestrial_edges"]["a"].append("a")

    def terrestrial_edge_out_of_range(n):  # a whole row, of an edge that does not exist
        t, edges = n.document["terrestrial_edges"], n.document["edges"]["tail"][1]
        t["edge"] = n.append([*n.values(t["edge"]), edges])
        t["kind"] = n.append([*n.values(t["kind"]), 1])
        t["a"].append(n.document["stations"][0][0])
        t["b"].append(n.document["stations"][0][0])

    def node_station(n):
        n.document["node_station"][0] = 3

    def cable_edge_out_of_range(n):
        n.set(n.document["cable_edges"]["edges"], 0, 10**6)

    def cable_edge_offsets_backwards(n):
        n.set(n.document["cable_edges"]["offsets"], 1, 10**6)

    def transfer_edge_negative(n):
        n.set(n.document["transfer_edges"], 0, -1)

    def by_country(n):
        n.document["places"]["by_country"]["ZZ"] = [1]

    def country_names(n):
        n.document["places"]["country_names"]["ZZ"] = None

    def everyday_name(n):
        n.document["places"]["everyday_names"]["uk"] = ["GB"]

    def country_source(n):
        n.document["country_source"]["ZZ"] = True

    def edge_out_of_range(n):
        n.set(n.document["edges"]["tail"], 0, len(n.document["nodes"]))

    def edge_negative(n):
        n.set(n.document["edges"]["head"], 0, -1)

    def edge_column_short(n):
        n.document["edges"]["kind"][1] -= 1

    def km_not_a_number(n):
        n.set(n.document["edges"]["km"], 0, float("nan"), "d")

    def km_negative(n):
        n.set(n.document["edges"]["km"], 0, -1.0, "d")

    def column_as_a_list(n):
        n.document["edges"]["segment"] = n.values(n.document["edges"]["segment"])

    def column_outside_the_file(n):
        n.document["edges"]["cable"][0] = len(n.binary)

    def column_of_negative_length(n):
        n.document["edges"]["cable"][1] = -1

    def binary_block_cut_short(n):  # the flow columns come last, and are read lazily
        del n.binary[n.document["transfer_edges"][0] + 2 :]

    def status_since_text(n):
        n.document["status_overlay"][0][2] = "2010"

    def status_source_number(n):
        n.document["status_overlay"][0][4] = [{"url": 1}]

    def status_missing(n):
        del n.document["status_overlay"]

    return [
        (f.__name__, f)
        for f in (
            station_name,
            station_row_short,
            lon_text,
            owner_number,
            planned_text,
            rfs_float,
            terrestrial_column_short,
            terrestrial_edge_out_of_range,
            node_station,
            cable_edge_out_of_range,
            cable_edge_offsets_backwards,
            transfer_edge_negative,
            by_country,
            country_names,
            everyday_name,
            country_source,
            edge_out_of_range,
            edge_negative,
            edge_column_short,
            km_not_a_number,
            km_negative,
            column_as_a_list,
            column_outside_the_file,
            column_of_negative_length,
            binary_block_cut_short,
            status_since_text,
            status_source_number,
            status_missing,
        )
    ]


@pytest.mark.parametrize(("what", "change"), _mutations())
def test_a_stored_field_of_the_wrong_type_is_rejected(mini_root, what, change):
    """Reading checks every field: one wrong value anywhere rejects the whole file."""
    import gc

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.network.storage import StoredNetworkError, network_from_bytes, network_to_bytes

    built = build_network(load_dataset(mini_root))
    payload = network_to_bytes(built)
    loaded = network_from_bytes(payload)
    assert loaded.cables == built.cables and loaded.stations == built.stations
    assert network_from_bytes(_Stored(payload).payload()).cables == built.cables
    stored = _Stored(payload)
    change(stored)
    with pytest.raises(StoredNetworkError):
        network_from_bytes(stored.payload())
    assert gc.isenabled()  # the load pauses the garbage collector and always restores it


def test_the_stored_network_carries_its_place_names_and_status_overlay(mini_root, monkeypatch):
    """A stored network answers "UK" and reports the overlay's reasons with no TOML read."""
    from cablemap.dataset.load import load_dataset
    from cablemap.network import places, status
    from cablemap.network.graph import build_network
    from cablemap.network.storage import network_from_bytes, network_to_bytes

    built = build_network(load_dataset(mini_root))
    assert built.places.everyday_names == places.place_names()
    assert built.status_overlay == status.load_status_overlay()
    payload = network_to_bytes(built)

    def no_toml(name):
        raise AssertionError(f"{name} read on the route path")

    monkeypatch.setattr(places, "load_geodata_toml", no_toml)
    monkeypatch.setattr(status, "load_geodata_toml", no_toml)
    places.place_names.cache_clear()
    status.load_status_overlay.cache_clear()
    try:
        loaded = network_from_bytes(payload)
        assert loaded.places.everyday_names == built.places.everyday_names
        assert loaded.status_overlay == built.status_overlay
        assert loaded.places.resolve("America").iso2 == "US"  # only place-names.toml knows it
        assert loaded.places.resolve("america") == built.places.resolve("America")
        answer = trace_routes(loaded, "US", "JP").as_dict()
        assert answer == trace_routes(built, "US", "JP").as_dict()
    finally:
        places.place_names.cache_clear()
        status.load_status_overlay.cache_clear()


def test_left_out_by_status_reports_the_stored_overlay(mini_root):
    """The reasons a route gives come from the overlay stored with the network."""
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.network.status import CableStatus
    from cablemap.network.storage import network_from_bytes, network_to_bytes

    built = build_network(load_dataset(mini_root))
    report = trace_routes(built, "US", "JP")
    assert report.as_dict()["left_out_by_status"] == []
    retired = report.direct_cables[0].id
    entry = CableStatus(retired, "retired", 2001, "a stored reason", ({"url": "https://x.test"},))
    marked = replace(
        built,
        cables={**built.cables, retired: replace(built.cables[retired], status="retired")},
        status_overlay={retired: entry},
    )
    loaded = network_from_bytes(network_to_bytes(marked))
    assert loaded.status_overlay == {retired: entry}
    left_out = replace(report, network=loaded).left_out_by_status()
    assert [(e["id"], e["reason"], e["sources"]) for e in left_out] == [
        (retired, "a stored reason", [{"url": "https://x.test"}])
    ]


def test_a_malformed_flow_section_is_rebuilt_on_first_use(mini_root):
    """The flow network is read when resilience first asks for it; a bad one is rebuilt."""
    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.network.storage import network_from_bytes, network_to_bytes

    built = build_network(load_dataset(mini_root))
    stored = _Stored(network_to_bytes(built))
    loaded = network_from_bytes(stored.payload())
    assert "flow_network" not in loaded.__dict__  # not read until asked for
    assert loaded.flow_network == built.flow_network
    stored.set(stored.document["flow"]["tails"], 0, stored.document["flow"]["size"])
    forged = network_from_bytes(stored.payload())
    forged.parts.loader = lambda: built.parts.get()  # the data it is rebuilt from
    assert forged.flow_network == built.flow_network


def test_loading_leaves_objects_the_caller_froze_frozen(mini_root):
    """The load moves its objects to the oldest GC generation, but never unfreezes others."""
    import gc

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.network.storage import network_from_bytes, network_to_bytes

    payload = network_to_bytes(build_network(load_dataset(mini_root)))
    gc.freeze()
    try:
        network_from_bytes(payload)
        assert gc.get_freeze_count() > 0 and gc.isenabled()  # unfreeze would make it 0
    finally:
        gc.unfreeze()
    network = network_from_bytes(payload)
    assert gc.get_freeze_count() == 0
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(network) in oldest and id(network.stations) in oldest and id(network.places) in oldest


def test_a_stored_overlay_keys_the_network_file_and_none_leaves_it_plain(stored):
    """The network's file name follows the overlays in use, stored ones included, and is
    plain with none (the fast path that does not import the overlay reader)."""
    from cablemap.dataset.locate import locate_data
    from cablemap.dataset.overlay.store import add_overlay, remove_overlay

    location = locate_data(None, settings=stored)
    assert "-overlays-" not in persist.network_file(location, stored).name
    overlay = add_overlay(stored, str(FIXTURES / "overlays" / "mini.toml"))
    assert "-overlays-" in persist.network_file(location, stored).name
    remove_overlay(stored, overlay.id)
    assert "-overlays-" not in persist.network_file(location, stored).name
