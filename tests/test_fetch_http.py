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


def test_truncated_body_is_never_kept_in_the_http_cache(fast_settings, seeded):
    """Issue 11 item 5: after a truncated body the re-fetch downloads the file whole."""
    store, _first, server = seeded
    server.faults["cable/cable-geo.json"] = Fault(truncate=True, times=3)
    with pytest.raises(NetworkError, match="cable-geo.json"):
        fetch_snapshot(server.url, settings=fast_settings)
    assert server.log.conditional == 0
    result = fetch_snapshot(server.url, settings=fast_settings)  # the fault is used up
    stored = (result.snapshot.files_dir / "cable" / "cable-geo.json").read_bytes()
    assert stored == (server.root / "cable" / "cable-geo.json").read_bytes()
    assert server.log.conditional == 0  # no 304 for a damaged copy: nothing was cached
    assert server.log.requests["cable/cable-geo.json"] == 4
    assert _intact(store.current())


def test_redirect_loop_is_a_network_error(fast_settings, seeded):
    store, first, server = seeded
    server.faults["cable/cable-geo.json"] = Fault(
        status=302, location=server.url + "cable/cable-geo.json"
    )
    with pytest.raises(NetworkError, match="too many redirects"):
        fetch_snapshot(server.url, settings=fast_settings)
    _assert_unchanged(store, first)


def test_javascript_redirect_is_refused(fast_settings, seeded):
    store, first, server = seeded
    server.faults["cable/alpha-pacific.json"] = Fault(status=302, location="javascript:alert(1)")
    with pytest.raises(NetworkError, match="refused a redirect"):
        fetch_snapshot(server.url, settings=fast_settings)
    _assert_unchanged(store, first)


def test_bad_gzip_is_a_data_error(fast_settings, seeded):
    store, first, server = seeded
    server.faults["cable/cable-geo.json"] = Fault(
        body=b"\x1f\x8b not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(DataError, match="cable-geo.json: the body cannot be decoded"):
        fetch_snapshot(server.url, settings=fast_settings)
    _assert_unchanged(store, first)


@pytest.mark.parametrize("label", ["a" * 64, "a" * 300])
def test_overlong_host_name_is_a_user_error(fast_settings, label):
    with pytest.raises(UserError, match="not a valid URL") as caught:
        fetch_snapshot(f"https://{label}.example/", settings=fast_settings)
    assert len(str(caught.value)) < 400  # the argument is echoed cut short


def test_errors_name_the_url_after_a_redirect(fast_settings, seeded):
    """Issue 11 item 16: the failing URL is the redirect's target, not the original."""
    _store, _first, server = seeded
    server.faults["cable/cable-geo.json"] = Fault(status=301, location="/moved/cable-geo.json")
    with pytest.raises(NetworkError) as caught:
        fetch_snapshot(server.url, settings=fast_settings)
    message = str(caught.value)
    assert message.startswith(server.url + "moved/cable-geo.json: HTTP 404"), message


def test_error_lines_cut_long_arguments(fast_settings):
    with pytest.raises(UserError) as caught:
        fetch_snapshot("x" * 5000, settings=fast_settings)
    assert len(str(caught.value)) < 500 and "(5000 characters)" in str(caught.value)


def test_total_deadline_stops_a_dripping_server(fast_settings, seeded):
    """Issue 11 item 11: one byte every 0.2 s never trips the 0.5 s read timeout."""
    store, first, server = seeded
    server.faults["cable/cable-geo.json"] = Fault(drip_s=0.2)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="longer than its 1.5 s deadline"):
        fetch_snapshot(server.url, settings=fast_settings.with_changes(deadline_s=1.5))
    assert time.monotonic() - started < 3.5
    _assert_unchanged(store, first)


def test_deadline_setting_from_the_environment(monkeypatch):
    from cablemap.config import settings_from_env

    monkeypatch.setenv("CABLEMAP_FETCH_DEADLINE", "12.5")
    assert settings_from_env().deadline_s == 12.5
    monkeypatch.setenv("CABLEMAP_FETCH_DEADLINE", "soon")
    with pytest.raises(UserError, match="CABLEMAP_FETCH_DEADLINE"):
        settings_from_env()


def test_ctrl_c_ends_within_two_seconds_while_a_server_stalls(fast_settings, seeded):
    """Issue 11 item 11: Ctrl-C does not wait for worker threads' stalled requests."""
    store, first, server = seeded
    for name in ("alpha-pacific", "beta-south", "gamma-strait"):
        server.faults[f"cable/{name}.json"] = Fault(delay_s=20)
    env = {**os.environ, "CABLEMAP_CACHE_DIR": str(fast_settings.cache_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cablemap", "data", "fetch", "--source", server.url],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while server.log.requests["cable/beta-south.json"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=20)
    assert time.monotonic() - sent < 2.0
    assert proc.returncode == 130, err
    assert err.strip() == "cablemap: interrupted; nothing was changed"
    _assert_unchanged(store, first)


def test_404_and_damaged_http_cache_print_one_line(fast_settings, seeded):
    """Issue 11 items 9-10: no traceback from the HTTP cache's threads or logging."""
    _store, _first, server = seeded
    env = {**os.environ, "CABLEMAP_CACHE_DIR": str(fast_settings.cache_dir)}
    command = [sys.executable, "-m", "cablemap", "data", "fetch", "--source", server.url]
    fetched = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert fetched.returncode == 0, fetched.stderr
    server.faults["cable/gamma-strait.json"] = Fault(status=404)
    failed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert failed.returncode == 4
    assert failed.stderr.strip().splitlines() == [
        f"cablemap: error: {server.url}cable/gamma-strait.json: HTTP 404 Not Found; "
        "the source does not serve this file: check the source root"
    ]
    server.faults.clear()
    cache_db = fast_settings.cache_dir / "http-cache.sqlite"
    cache_db.write_bytes(b"this is not a database" * 500)
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
    assert again.stderr.strip() == ""


def _http_cache_bytes(cache_dir: Path) -> int:
    """Size of the HTTP cache database with its journal files (-wal, -shm)."""
    return sum(p.stat().st_size for p in cache_dir.glob("http-cache.sqlite*"))


def test_refused_oversized_body_leaves_no_space_in_the_http_cache(fast_settings, seeded):
    """Issue 11: a body over the cap, sent with no length, is not kept in http-cache.sqlite.

    hishel writes the body into SQLite as it is read and deletes it when it is refused;
    the file must give that space back, not keep the cap's worth of free pages.
    """
    store, first, server = seeded
    cap = 2 * 1024 * 1024
    settings = fast_settings.with_changes(max_response_bytes=cap)
    server.faults["cable/cable-geo.json"] = Fault(body=os.urandom(2 * cap), chunked=True)
    with pytest.raises(DataError, match=f"over the {cap}-byte limit"):
        fetch_snapshot(server.url, settings=settings)
    _assert_unchanged(store, first)
    assert server.log.requests["cable/cable-geo.json"] == 1  # not retried
    size = _http_cache_bytes(fast_settings.cache_dir)
    assert 0 < size < cap // 8, size  # the cache exists, without the refused body's pages
    del server.faults["cable/cable-geo.json"]
    healed = fetch_snapshot(server.url, settings=settings)  # the cache still works
    assert healed.changed and _intact(healed.snapshot)
    again = fetch_snapshot(server.url, settings=settings)
    assert again.revalidated == 6 and _http_cache_bytes(fast_settings.cache_dir) < cap // 8
