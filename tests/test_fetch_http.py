"""Fetching over HTTP from a real server on 127.0.0.1: success, retries and every failure.

After each failure the previous snapshot must still be current and intact, and no
half-written snapshot may be left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Fault

from cablemap.errors import DataError, NetworkError, UserError
from cablemap.fetch import fetch_snapshot
from cablemap.snapshot import SnapshotStore


def _intact(info) -> bool:
    for relpath, entry in info.manifest["files"].items():
        if hashlib.sha256((info.files_dir / relpath).read_bytes()).hexdigest() != entry["sha256"]:
            return False
    return True


def _assert_unchanged(store: SnapshotStore, before) -> None:
    assert store.current().id == before.id
    assert [s.id for s in store.list()] == [before.id]
    assert _intact(store.current())
    staging = store.staging_dir
    assert not staging.exists() or not any(staging.iterdir())


@pytest.fixture
def seeded(fast_settings, mini_root, serve):
    """A cache holding one snapshot of the mini fixture, and a server for a changed copy."""
    first = fetch_snapshot(str(mini_root), settings=fast_settings).snapshot
    changed = mini_root.parent / "changed"
    import shutil

    shutil.copytree(mini_root, changed)
    doc = json.loads((changed / "cable" / "beta-south.json").read_text())
    doc["owners"] = "Singtel"
    (changed / "cable" / "beta-south.json").write_text(json.dumps(doc))
    return SnapshotStore(fast_settings.cache_dir), first, serve(changed)


def test_fetch_success_then_revalidation(fast_settings, seeded):
    store, first, server = seeded
    result = fetch_snapshot(server.url, settings=fast_settings)
    assert result.changed and result.snapshot.id != first.id
    assert store.current().id == result.snapshot.id
    assert result.snapshot.manifest["source"] == {
        "kind": "remote",
        "location": server.url,
        "name": None,
    }
    assert result.snapshot.counts["cables"] == 3
    assert all(entry["etag"] for entry in result.snapshot.manifest["files"].values())
    assert server.log.conditional == 0
    # Re-fetch: every file is revalidated with its ETag (304), nothing new is stored.
    again = fetch_snapshot(server.url, settings=fast_settings)
    assert not again.changed and again.snapshot.id == result.snapshot.id
    assert server.log.conditional == len(result.snapshot.manifest["files"]) == 6
    assert again.revalidated == server.log.conditional
    assert server.log.statuses[304] == server.log.conditional


def test_500_then_success_is_retried(fast_settings, seeded):
    _store, _first, server = seeded
    server.faults["cable/beta-south.json"] = Fault(status=500, times=1)
    result = fetch_snapshot(server.url, settings=fast_settings)
    assert result.changed
    assert server.log.requests["cable/beta-south.json"] == 2


def test_429_honours_retry_after(fast_settings, seeded):
    _store, _first, server = seeded
    server.faults["cable/alpha-pacific.json"] = Fault(status=429, times=1, retry_after="1")
    settings = fast_settings.with_changes(backoff_s=0.0, max_backoff_s=5.0)
    started = time.monotonic()
    result = fetch_snapshot(server.url, settings=settings)
    assert result.changed and time.monotonic() - started >= 1.0
    assert server.log.requests["cable/alpha-pacific.json"] == 2


def test_persistent_500_fails_and_keeps_previous(fast_settings, seeded):
    store, first, server = seeded
    server.faults["cable/beta-south.json"] = Fault(status=503)
    with pytest.raises(NetworkError, match=r"beta-south.json: HTTP 503 after 3 attempts"):
        fetch_snapshot(server.url, settings=fast_settings)
    _assert_unchanged(store, first)


def test_timeout_fails_and_keeps_previous(fast_settings, seeded):
    store, first, server = seeded
    server.faults["landing-point/landing-point-geo.json"] = Fault(delay_s=1.0)
    with pytest.raises(NetworkError, match="timed out"):
        fetch_snapshot(server.url, settings=fast_settings.with_changes(retries=1))
    _assert_unchanged(store, first)


def test_truncated_body_fails_and_keeps_previous(fast_settings, seeded):
    store, first, server = seeded
    server.faults["cable/cable-geo.json"] = Fault(truncate=True)
    with pytest.raises(NetworkError, match="cable-geo.json"):
        fetch_snapshot(server.url, settings=fast_settings)
    assert server.log.requests["cable/cable-geo.json"] == 3  # retried
    _assert_unchanged(store, first)


def test_404_for_one_cable_file_fails_and_keeps_previous(fast_settings, seeded):
    store, first, server = seeded
    server.faults["cable/gamma-strait.json"] = Fault(status=404)
    with pytest.raises(NetworkError, match=r"gamma-strait.json: HTTP 404"):
        fetch_snapshot(server.url, settings=fast_settings)
    assert server.log.requests["cable/gamma-strait.json"] == 1  # a 404 is not retried
    _assert_unchanged(store, first)


def test_hostile_id_is_never_requested_or_written(fast_settings, seeded):
    store, first, server = seeded
    geo = server.root / "cable" / "cable-geo.json"
    doc = json.loads(geo.read_text())
    doc["features"][0]["properties"]["id"] = "../../../escaped"
    geo.write_text(json.dumps(doc))
    with pytest.raises(DataError, match="unsafe id '../../../escaped'"):
        fetch_snapshot(server.url, settings=fast_settings)
    assert not any("escaped" in path for path in server.log.requests)
    assert not list(fast_settings.cache_dir.parent.rglob("escaped*"))
    _assert_unchanged(store, first)


def test_oversized_response_is_refused(fast_settings, seeded):
    store, first, server = seeded
    with pytest.raises(DataError, match="limit|over"):
        fetch_snapshot(server.url, settings=fast_settings.with_changes(max_response_bytes=1000))
    _assert_unchanged(store, first)


def test_interrupt_in_process_keeps_previous(fast_settings, seeded):
    store, first, server = seeded
    seen = []

    def interrupt(relpath):
        seen.append(relpath)
        if len(seen) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch_snapshot(server.url, settings=fast_settings, on_file=interrupt)
    _assert_unchanged(store, first)


def test_ctrl_c_on_the_command_line_keeps_previous(fast_settings, seeded, tmp_path):
    """A real SIGINT to a real `cablemap data fetch` while files are arriving."""
    store, first, server = seeded
    server.delay_all_s = 0.3
    env = {**os.environ, "CABLEMAP_CACHE_DIR": str(fast_settings.cache_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cablemap", "data", "fetch", "--source", server.url],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while sum(server.log.requests.values()) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    staging = list(store.staging_dir.glob("*/files"))
    assert staging, "the fetch should be writing into a staging directory by now"
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert err.strip() == "cablemap: interrupted; nothing was changed"
    _assert_unchanged(store, first)


def test_whole_real_snapshot_over_http(fast_settings, open_root, serve):
    server = serve(open_root)
    result = fetch_snapshot(server.url, settings=fast_settings.with_changes(timeout_s=10))
    counts = result.snapshot.counts
    assert (counts["cables"], counts["landing_points"], counts["cable_landings"]) == (
        521,
        1414,
        2378,
    )
    assert len(result.snapshot.manifest["files"]) == 521 + 3
    assert (
        server.log.requests["landing-point/zeebrugge-belgium.json"] == 0
    )  # index pages not needed
    again = fetch_snapshot(server.url, settings=fast_settings.with_changes(timeout_s=10))
    assert not again.changed and again.revalidated == 524 and server.log.statuses[304] == 524


@pytest.mark.parametrize(
    "url", ["http://example.org/", "ftp://127.0.0.1/", "file:///etc/", "https://"]
)
def test_only_https_or_loopback_http(url, fast_settings):
    with pytest.raises(UserError, match="only https://"):
        fetch_snapshot(url, settings=fast_settings)


def test_named_sources_resolve():
    from cablemap.sources import resolve_source

    assert resolve_source("open").location.startswith(
        "https://raw.githubusercontent.com/stevesong/"
    )
    assert "commercial" in resolve_source("telegeography").terms
    with pytest.raises(UserError, match="not a source name"):
        resolve_source("nonexistent-source")


def test_first_use_fetches_the_default_source(fast_settings, mini_root, serve):
    from cablemap.dataset.load import load_dataset

    server = serve(mini_root)
    ds = load_dataset(settings=fast_settings.with_changes(source=server.url))
    assert ds.counts["cables"] == 3 and not ds.snapshot_id.startswith("direct:")
    assert SnapshotStore(fast_settings.cache_dir).current().id == ds.snapshot_id


def test_snapshot_files_are_read_only(fast_settings, mini_root):
    info = fetch_snapshot(str(mini_root), settings=fast_settings).snapshot
    geo = Path(info.files_dir) / "cable" / "cable-geo.json"
    assert not os.access(geo, os.W_OK) or os.geteuid() == 0
    assert oct(geo.stat().st_mode & 0o777) == "0o444"


def test_redirect_may_not_leave_https_or_loopback(fast_settings, seeded):
    store, first, server = seeded
    server.faults["cable/cable-geo.json"] = Fault(status=302, location="http://example.invalid/x")
    with pytest.raises(NetworkError, match="a redirect may not leave https"):
        fetch_snapshot(server.url, settings=fast_settings)
    _assert_unchanged(store, first)


def test_total_size_cap(fast_settings, seeded):
    store, first, server = seeded
    with pytest.raises(DataError, match="exceeds 3000 bytes in all"):
        fetch_snapshot(server.url, settings=fast_settings.with_changes(max_total_bytes=3000))
    _assert_unchanged(store, first)


def test_malformed_url_is_a_user_error(fast_settings):
    with pytest.raises(UserError, match="not a valid URL"):
        fetch_snapshot("https://[::1", settings=fast_settings)


def test_import_finds_the_root_one_level_down(fast_settings, mini_root, tmp_path):
    import shutil

    nest = tmp_path / "nest"
    shutil.copytree(mini_root, nest / "open_undersea_cable_map-main")
    assert fetch_snapshot(str(nest), settings=fast_settings).snapshot.counts["cables"] == 3
