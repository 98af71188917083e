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
    files = list(current.path.glob("network-*.pickle"))
    assert len(files) == 1 and files[0].name == f"network-{persist.code_hash()}.pickle"
    second = persist.load_or_build_network(settings=stored)
    assert builds == [1]
    assert trace_routes(second, "US", "JP").as_dict() == trace_routes(first, "US", "JP").as_dict()
    # the tables load on demand from the snapshot
    assert second.parts.dataset is None
    assert len(second.dataset.cables) == 3 and second.topology.segments.shape[0] > 0


def test_corrupt_file_is_rebuilt_not_used(stored, monkeypatch):
    persist.load_or_build_network(settings=stored)
    target = next(SnapshotStore(stored.cache_dir).current().path.glob("network-*.pickle"))
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
    old = next(snapshot_dir.glob("network-*.pickle"))
    monkeypatch.setattr(persist, "code_hash", lambda: "0123456789abcdef")
    builds = _count_builds(monkeypatch)
    persist.load_or_build_network(settings=stored)
    assert builds == [1] and not old.exists()
    assert [p.name for p in snapshot_dir.glob("network-*.pickle")] == [
        "network-0123456789abcdef.pickle"
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
