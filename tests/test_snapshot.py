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
    store = SnapshotStore(fast_settings.cache_dir)
    assert store.list() == []  # a damaged snapshot is never listed as usable ...
    [damaged] = store.damaged()  # ... but reported as damaged, with what to do
    assert damaged.id == info.id and "unreadable manifest" in damaged.reason
    assert f"cablemap data remove {info.id}" in damaged.reason
    with pytest.raises(CacheError, match="unreadable manifest"):
        store.get(info.id)


def test_import_refuses_urls(fast_settings):
    with pytest.raises(UserError, match="data fetch --source"):
        import_snapshot("https://example.org/", settings=fast_settings)


def _damage(info, relpath="cable/beta-south.json", same_size=True):
    path = info.files_dir / relpath
    data = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(data.replace(b"{", b"[", 1) if same_size else data[:10])
    return path


def test_verify_finds_damage_and_reimport_repairs_it(fast_settings, mini_root):
    """Issue 11 item 6: identical content over a damaged copy replaces it."""
    store = SnapshotStore(fast_settings.cache_dir)
    info = import_snapshot(mini_root, settings=fast_settings).snapshot
    assert store.verify(info) == []
    _damage(info)
    problems = store.verify(info)
    assert problems == [f"{info.id}: cable/beta-south.json: sha256 does not match the manifest"]
    again = import_snapshot(mini_root, settings=fast_settings)
    assert again.changed  # not "unchanged; using stored snapshot"
    assert [s.id for s in store.list()] == [again.snapshot.id]
    assert store.current().id == again.snapshot.id
    assert store.verify(store.current()) == []


def test_load_checks_sizes_on_the_fast_path(fast_settings, mini_root):
    from cablemap.dataset.load import load_dataset

    info = import_snapshot(mini_root, settings=fast_settings).snapshot
    _damage(info, same_size=False)
    with pytest.raises(CacheError, match=r"damaged \(cable/beta-south.json .*data verify"):
        load_dataset(settings=fast_settings)


def test_remove_refuses_the_current_snapshot(fast_settings, mini_root):
    store = SnapshotStore(fast_settings.cache_dir)
    first = import_snapshot(mini_root, settings=fast_settings).snapshot
    with pytest.raises(UserError, match="is the current one; fetch or import another"):
        store.remove(first.id)
    doc = json.loads((mini_root / "cable" / "beta-south.json").read_text())
    doc["owners"] = "Someone Else"
    (mini_root / "cable" / "beta-south.json").write_text(json.dumps(doc))
    second = import_snapshot(mini_root, settings=fast_settings).snapshot
    with pytest.raises(UserError, match=f"cablemap data use {first.id}"):
        store.remove(second.id)
    store.remove(first.id)
    assert [s.id for s in store.list()] == [second.id] and not first.path.exists()
    with pytest.raises(UserError, match="no snapshot"):
        store.remove(first.id)
    with pytest.raises(UserError, match="malformed"):
        store.remove("../current")


@pytest.mark.parametrize("damage", ["no-counts", "garbage"])
def test_one_damaged_manifest_blocks_nothing(fast_settings, mini_root, damage):
    """Issue 11 item 6: a damaged old manifest does not block list, import or remove."""
    store = SnapshotStore(fast_settings.cache_dir)
    old = import_snapshot(mini_root, settings=fast_settings).snapshot
    manifest = old.path / "manifest.json"
    manifest.chmod(0o644)
    if damage == "no-counts":
        doc = json.loads(manifest.read_text())
        del doc["counts"]
        manifest.write_text(json.dumps(doc))
    else:
        manifest.write_bytes(b"\xff\xfe not json")
    assert store.list() == [] and [d.id for d in store.damaged()] == [old.id]
    doc = json.loads((mini_root / "cable" / "beta-south.json").read_text())
    doc["owners"] = "Someone Else"
    (mini_root / "cable" / "beta-south.json").write_text(json.dumps(doc))
    fresh = import_snapshot(mini_root, settings=fast_settings)
    assert fresh.changed and [s.id for s in store.list()] == [fresh.snapshot.id]
    store.remove(old.id)
    assert store.damaged() == []


def test_damaged_current_pointer_falls_back_to_the_newest(fast_settings, mini_root):
    store = SnapshotStore(fast_settings.cache_dir)
    info = import_snapshot(mini_root, settings=fast_settings).snapshot
    store.current_file.write_bytes(b"\xff\xfe\x00garbage")
    assert store.current().id == info.id


def test_concurrent_imports_of_the_same_content_do_not_collide(fast_settings, mini_root):
    """Issue 11 item 13: both stage at once; the lock makes the second reuse the first."""
    import threading

    from cablemap.fetch import fetch_snapshot

    barrier = threading.Barrier(2, timeout=30)
    results, errors = [], []

    def staged(relpath):
        if relpath == "cable/gamma-strait.json":  # the last file: both have staged all
            barrier.wait()

    def run():
        try:
            results.append(fetch_snapshot(str(mini_root), settings=fast_settings, on_file=staged))
        except Exception as exc:  # collected, asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(r.changed for r in results) == [False, True]
    assert len(SnapshotStore(fast_settings.cache_dir).list()) == 1


def test_import_of_an_overlong_path_is_one_user_error(fast_settings):
    """Issue 11 items 10 and 16: ENAMETOOLONG is a user error, the path echoed cut short."""
    with pytest.raises(UserError, match="cannot use this path") as caught:
        import_snapshot("/" + "d" * 5000, settings=fast_settings)
    assert len(str(caught.value)) < 400 and "(5001 characters)" in str(caught.value)


def _two_snapshots(fast_settings, mini_root):
    """An old snapshot (to forge) and a newer, current one (to stay unaffected)."""
    old = import_snapshot(mini_root, settings=fast_settings).snapshot
    doc = json.loads((mini_root / "cable" / "beta-south.json").read_text())
    doc["owners"] = "Someone Else"
    (mini_root / "cable" / "beta-south.json").write_text(json.dumps(doc))
    return old, import_snapshot(mini_root, settings=fast_settings).snapshot


def _forge(info, relpath: str, target_bytes: bytes) -> None:
    """Rename one manifest entry to ``relpath``, recording ``target_bytes``'s size and hash."""
    import hashlib

    manifest = info.path / "manifest.json"
    manifest.chmod(0o644)
    doc = json.loads(manifest.read_text())
    doc["files"].pop("cable/gamma-strait.json")
    doc["files"][relpath] = {
        "sha256": hashlib.sha256(target_bytes).hexdigest(),
        "bytes": len(target_bytes),
    }
    manifest.write_text(json.dumps(doc))


ESCAPING = ["../../../secret.txt", "cable/../../../../secret.txt", "/tmp/secret.txt", "C:/x"]


@pytest.mark.parametrize("relpath", [*ESCAPING, "a\\..\\b", "cable//x.json", "./x", ""])
def test_manifest_paths_outside_the_snapshot_are_refused(fast_settings, mini_root, relpath):
    """Issue 11: a forged manifest cannot make verify or the load read outside the snapshot."""
    store = SnapshotStore(fast_settings.cache_dir)
    old, current = _two_snapshots(fast_settings, mini_root)
    secret = fast_settings.cache_dir / "secret.txt"  # what ../../../ reaches from files/
    secret.write_bytes(b"not for cablemap")
    _forge(old, relpath, secret.read_bytes())
    [damaged] = store.damaged()
    assert damaged.id == old.id and repr(relpath) in damaged.reason
    assert "outside the snapshot directory" in damaged.reason
    assert [s.id for s in store.list()] == [current.id] and store.current().id == current.id
    assert store.verify(current) == []
    with pytest.raises(CacheError, match="outside the snapshot directory"):
        store.use(old.id)


def test_manifest_entry_of_the_wrong_shape_is_damage(fast_settings, mini_root):
    store = SnapshotStore(fast_settings.cache_dir)
    old, current = _two_snapshots(fast_settings, mini_root)
    manifest = old.path / "manifest.json"
    manifest.chmod(0o644)
    doc = json.loads(manifest.read_text())
    doc["files"]["cable/gamma-strait.json"] = "a string, not an entry"
    manifest.write_text(json.dumps(doc))
    [damaged] = store.damaged()
    assert "lacks its bytes or sha256" in damaged.reason
    assert [s.id for s in store.list()] == [current.id]


def test_verify_refuses_a_stored_file_that_is_a_link_out(fast_settings, mini_root):
    """A symbolic link inside files/ (a forged cache) is reported, never followed."""
    store = SnapshotStore(fast_settings.cache_dir)
    _old, current = _two_snapshots(fast_settings, mini_root)
    stored = current.files_dir / "cable" / "gamma-strait.json"
    outside = fast_settings.cache_dir / "outside.json"
    outside.write_bytes(stored.read_bytes())  # same bytes: only the place is wrong
    stored.parent.chmod(0o755)
    stored.unlink()
    stored.symlink_to(outside)
    assert store.verify(current) == [
        f"{current.id}: cable/gamma-strait.json: leads outside the snapshot directory"
    ]
