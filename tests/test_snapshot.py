import json

import pytest

from cablemap.errors import CacheError, UserError
from cablemap.fetch import fetch_snapshot, import_snapshot
from cablemap.snapshot import SnapshotStore


def test_import_list_use(fast_settings, mini_root):
    store = SnapshotStore(fast_settings.cache_dir)
    assert store.list() == [] and store.current() is None
    first = import_snapshot(mini_root, settings=fast_settings).snapshot
    doc = json.loads((mini_root / "cable" / "beta-south.json").read_text())
    doc["owners"] = "Someone Else"
    (mini_root / "cable" / "beta-south.json").write_text(json.dumps(doc))
    second = import_snapshot(mini_root, settings=fast_settings).snapshot
    assert [s.id for s in store.list()] == [first.id, second.id]
    assert store.current().id == second.id
    store.use(first.id)
    assert store.current().id == first.id
    manifest = first.manifest
    assert manifest["layout"] == "v3" and manifest["source"]["kind"] == "directory"
    assert manifest["fetched_at"].endswith("Z")
    assert set(manifest["counts"]) == {"cables", "landing_points", "cable_landings", "countries"}
    assert len(manifest["files"]["cable/cable-geo.json"]["sha256"]) == 64


def test_identical_content_is_not_stored_twice(fast_settings, mini_root):
    first = import_snapshot(mini_root, settings=fast_settings)
    again = import_snapshot(mini_root, settings=fast_settings)
    assert first.changed and not again.changed and again.snapshot.id == first.snapshot.id
    assert len(SnapshotStore(fast_settings.cache_dir).list()) == 1


@pytest.mark.parametrize("bad", ["../../etc", "nope", "20260101T000000Z-zzzz"])
def test_use_refuses_bad_ids(fast_settings, bad):
    with pytest.raises(UserError, match="data list"):
        SnapshotStore(fast_settings.cache_dir).use(bad)


def test_failed_import_leaves_nothing(fast_settings, mini_root):
    (mini_root / "cable" / "cable-geo.json").write_text("not json")
    store = SnapshotStore(fast_settings.cache_dir)
    with pytest.raises(Exception, match="malformed JSON"):
        import_snapshot(mini_root, settings=fast_settings)
    assert store.list() == [] and not any(store.staging_dir.iterdir())


def test_abandoned_staging_of_a_dead_process_is_cleaned(fast_settings, mini_root):
    store = SnapshotStore(fast_settings.cache_dir)
    dead = store.staging_dir / "999999999-deadbeef"
    (dead / "files").mkdir(parents=True)
    fetch_snapshot(str(mini_root), settings=fast_settings)
    assert not dead.exists()


def test_corrupt_manifest_is_reported(fast_settings, mini_root):
    info = import_snapshot(mini_root, settings=fast_settings).snapshot
    manifest = info.path / "manifest.json"
    manifest.chmod(0o644)
    manifest.write_text("{broken")
    with pytest.raises(CacheError, match="unreadable manifest"):
        SnapshotStore(fast_settings.cache_dir).list()


def test_import_refuses_urls(fast_settings):
    with pytest.raises(UserError, match="data fetch --source"):
        import_snapshot("https://example.org/", settings=fast_settings)
