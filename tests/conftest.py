"""Shared fixtures: an isolated cache per test, the real snapshots, a local HTTP server."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cablemap.config import Settings

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_V3 = FIXTURES / "mini-v3"
SHARED_DATA = Path(os.environ.get("CABLEMAP_SHARED_DATA", REPO.parent / "shared" / "data"))
OPEN_ROOT = SHARED_DATA / "open-undersea-cable-map"
V2_ROOT = SHARED_DATA / "telegeography-v2-2021-06"


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers used to select groups of tests."""
    config.addinivalue_line(
        "markers", "browser: opens pages in headless Chromium (deselect with -m 'not browser')"
    )


def _require(path: Path) -> Path:
    if not path.is_dir():
        message = f"real snapshot {path} is missing (set CABLEMAP_SHARED_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run the real-data tests, never skip them
        pytest.skip(message)
    return path


@pytest.fixture
def open_root() -> Path:
    """The real v3 snapshot (Open Undersea Cable Map), read in place."""
    return _require(OPEN_ROOT)


@pytest.fixture
def v2_root() -> Path:
    """The real v2 snapshot (TeleGeography 2021), read in place."""
    return _require(V2_ROOT)


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty cache and no data/source settings from the caller."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("CABLEMAP_CACHE_DIR", str(cache))
    for name in ("CABLEMAP_DATA", "CABLEMAP_SOURCE", "CABLEMAP_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return cache


@pytest.fixture
def fast_settings(isolated_cache: Path) -> Settings:
    """Settings with short timeouts and retries so failure tests finish quickly."""
    return Settings(
        cache_dir=isolated_cache,
        timeout_s=0.5,
        retries=2,
        backoff_s=0.01,
        max_backoff_s=0.2,
        progress=False,
    )


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A writable copy of the hand-made v3 fixture, for tests that damage it."""
    target = tmp_path / "mini-v3"
    shutil.copytree(MINI_V3, target, ignore=shutil.ignore_patterns("README.md"))
    return target


@dataclass
class Fault:
    """How the server misbehaves for one path: a status (``times`` times, then normal),
    a delay before answering, a truncated body (``times`` times), a Retry-After header,
    a body of its own with extra headers (sent chunked, with no length, if ``chunked``), or a
    body dripped one byte every ``drip_s``."""

    status: int | None = None
    times: int = 10**9
    location: str | None = None
    delay_s: float = 0.0
    truncate: bool = False
    retry_after: str | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drip_s: float = 0.0
    chunked: bool = False


@dataclass
class ServerLog:
    """What the server saw: requests per path and answers by status."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    conditional: int = 0


class FileServer:
    """A real HTTP server on 127.0.0.1 serving a directory, with ETags and faults."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.faults: dict[str, Fault] = {}
        self.delay_all_s = 0.0
        self.log = ServerLog()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def _answer(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        declared: int | None = None,
    ) -> None:
        with self._lock:
            self.log.statuses[status] += 1
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(declared if declared is not None else len(body)))
        handler.end_headers()
        try:
            handler.wfile.write(body)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.lstrip("/").split("?")[0]
        with self._lock:
            self.log.requests[path] += 1
            count = self.log.requests[path]
        fault = self.faults.get(path)
        time.sleep(self.delay_all_s + (fault.delay_s if fault else 0.0))
        if fault and fault.status and count <= fault.times:
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            if fault.location:
                extra["Location"] = fault.location
            self._answer(handler, fault.status, b"failing on purpose", extra)
            return
        file = (self.root / path).resolve()
        if not file.is_file() or self.root.resolve() not in file.parents:
            self._answer(handler, 404, b"not found")
            return
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Content-Type": "application/json"}
        if fault and fault.body is not None and fault.chunked:
            self._chunked(handler, fault.body, {**headers, **fault.headers})
            return
        if fault and fault.body is not None:
            self._answer(handler, 200, fault.body, {**fault.headers})
            return
        if fault and fault.drip_s:
            self._drip(handler, body, headers, fault.drip_s)
            return
        if handler.headers.get("If-None-Match") == etag:
            with self._lock:
                self.log.conditional += 1
            self._answer(handler, 304, b"", {"ETag": etag})
            return
        if fault and fault.truncate and count <= fault.times:
            self._answer(handler, 200, body[: len(body) // 2], headers, declared=len(body))
            handler.close_connection = True
            return
        self._answer(handler, 200, body, headers)

    def _chunked(
        self, handler: BaseHTTPRequestHandler, body: bytes, headers: dict[str, str]
    ) -> None:
        """Send the body in 64 KiB chunks with no Content-Length (its size is not announced)."""
        with self._lock:
            self.log.statuses[200] += 1
        handler.send_response(200)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            for start in range(0, len(body), 65536):
                chunk = body[start : start + 65536]
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    def _drip(
        self, handler: BaseHTTPRequestHandler, body: bytes, headers: dict[str, str], every_s: float
    ) -> None:
        """Send the body one byte at a time, ``every_s`` apart (a slow, steady server)."""
        handler.send_response(200)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            for i in range(len(body)):
                handler.wfile.write(body[i : i + 1])
                handler.wfile.flush()
                time.sleep(every_s)
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True


@pytest.fixture
def serve() -> Iterator[object]:
    """Start a :class:`FileServer` for a directory: ``server = serve(path)``."""
    servers: list[FileServer] = []

    def start(root: Path) -> FileServer:
        server = FileServer(root)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium (see ``tests/browser.py``); fails in CI when unavailable."""
    from browser import launch_browser

    yield from launch_browser()


def run_cablemap(*args: str, env: dict[str, str] | None = None, cache: object = None):
    """Run ``python -m cablemap ARGS`` as a user would: a real process, its own cache."""
    full_env = {**os.environ, **(env or {})}
    if cache is not None:
        full_env["CABLEMAP_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "cablemap", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )
