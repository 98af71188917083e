"""The built network is stored beside its snapshot, reloaded, and never used stale or corrupt."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cablemap.analysis.query import trace_routes
from cablemap.fetch import import_snapshot
from cablemap.network import persist
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
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    heavy = {"geopandas", "pandas", "shapely", "folium", "matplotlib", "scipy", "numpy", "pyproj"}
    assert not heavy & imported, heavy & imported


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
        b'{"format": "cablemap-network", "version": 2, "nodes": [1, 2]}',
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
        one.pop("left_out_by_status"), two.pop("left_out_by_status")
        assert one == two


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


def _mutations():
    """(what, change) pairs: each change puts one wrong-typed value into a stored document."""

    def station_name(d):
        d["stations"][0][1] = 7

    def station_row_short(d):
        d["stations"][0].pop()

    def lon_text(d):
        d["stations"][0][4] = "east"

    def owner_number(d):
        d["cables"][0][6] = [1]

    def planned_text(d):
        d["cables"][0][3] = "yes"

    def rfs_float(d):
        d["cables"][0][2] = 2001.5

    def terrestrial_row(d):
        d["terrestrial_edges"].append([0, 1, "a"])

    def node_station(d):
        d["node_station"][0] = 3

    def cable_edges(d):
        d["cable_edges"][0] = ["x"]

    def by_country(d):
        d["places"]["by_country"]["ZZ"] = [1]

    def country_names(d):
        d["places"]["country_names"]["ZZ"] = None

    def country_source(d):
        d["country_source"]["ZZ"] = True

    def edge_out_of_range(d):
        d["edges"]["tail"][0] = len(d["nodes"])

    return [
        (f.__name__, f)
        for f in (
            station_name,
            station_row_short,
            lon_text,
            owner_number,
            planned_text,
            rfs_float,
            terrestrial_row,
            node_station,
            cable_edges,
            by_country,
            country_names,
            country_source,
            edge_out_of_range,
        )
    ]


@pytest.mark.parametrize(("what", "change"), _mutations())
def test_a_stored_field_of_the_wrong_type_is_rejected(mini_root, what, change):
    """Reading checks every field: one wrong value anywhere rejects the whole file."""
    import gc

    import orjson

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network
    from cablemap.network.storage import StoredNetworkError, network_from_bytes, network_to_bytes

    built = build_network(load_dataset(mini_root))
    payload = network_to_bytes(built)
    loaded = network_from_bytes(payload)
    assert loaded.cables == built.cables and loaded.stations == built.stations
    document = orjson.loads(payload)
    change(document)
    with pytest.raises(StoredNetworkError):
        network_from_bytes(orjson.dumps(document))
    assert gc.isenabled()  # the load pauses the garbage collector and always restores it
