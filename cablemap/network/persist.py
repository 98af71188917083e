"""Build the network once per snapshot (and per version of the building code), then reload.

The routing core of a built :class:`~cablemap.network.graph.Network` (graph, edges,
stations, places, flow network; not the dataset tables or the topology) is written as
plain JSON data (:mod:`cablemap.network.storage`) to a file stored beside the snapshot,
named after a hash of the code that builds it. Loading
it takes milliseconds and needs neither geopandas nor pandas; the tables are loaded only
if a caller asks for them (policy flags, maps).

- A different snapshot has its own file; changed building code changes the hash in the
  name, so a stale file is never used (and is removed).
- The file starts with a header holding the SHA-256 of the payload: a truncated or
  corrupt file is detected, rebuilt and replaced, never used.
- For ``--data PATH`` (no snapshot), the file lives in ``<cache>/networks/`` under a key
  made of the path and the size and modification time of its files.

Reading the file runs no code: it holds only JSON values, checked field by field, so a
forged or foreign file (a shared or restored cache) is rejected and rebuilt, never
executed. The SHA-256 header detects damage, not forgery; the JSON format is what makes a
forgery harmless.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from cablemap import __version__
from cablemap.config import Settings, settings_from_env
from cablemap.dataset.locate import DataLocation, locate_data
from cablemap.errors import UserError
from cablemap.resources import geodata_dir

if TYPE_CHECKING:
    from cablemap.dataset.load import Dataset
    from cablemap.network.graph import Network
    from cablemap.network.tables import Topology

MAGIC = b"cablemap-network 3 json "
_PACKAGE = Path(__file__).resolve().parents[1]
BUILD_PACKAGES = ("dataset", "sources", "network")
"""The packages whose code decides what a built network holds (every module in them)."""
BUILD_GEODATA = (
    "countries.toml",
    "areas.toml",
    "status.toml",
    "groups.toml",
    "place-names.toml",
    "land",
)
"""Curated files under ``geodata/`` that decide what a built network holds (the status
overlay and the place names are stored in it)."""


@cache
def code_hash() -> str:
    """A short hash of the network-building code, the curated files and pycountry's tables."""
    digest = hashlib.sha256(f"{__version__} {sys.version_info[:2]} {_pycountry_tables()}".encode())
    for package in BUILD_PACKAGES:
        for module in sorted((_PACKAGE / package).rglob("*.py")):
            digest.update(module.relative_to(_PACKAGE).as_posix().encode())
            digest.update(module.read_bytes())
    for relative in BUILD_GEODATA:
        target = geodata_dir() / relative
        files = sorted(target.rglob("*")) if target.is_dir() else [target] * target.exists()
        for file in (f for f in files if f.is_file()):
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _pycountry_tables() -> str:
    """Names, sizes and times of pycountry's ISO tables (they decide the codes stored).

    Found without importing pycountry (or importlib.metadata), which the route path
    would otherwise pay 0.05-0.08 s for.
    """
    from importlib.util import find_spec

    spec = find_spec("pycountry")
    if spec is None or spec.origin is None:
        return "?"
    tables = Path(spec.origin).parent / "databases"
    return ";".join(
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(tables.glob("*"))
    )


def network_file(location: DataLocation, settings: Settings) -> Path:
    """Where the built network for this data, these overlays and this code is stored."""
    overlays = _overlays_key(settings)
    name = f"network-{code_hash()}{f'-overlays-{overlays}' if overlays else ''}.json"
    if location.snapshot_dir is not None:
        return location.snapshot_dir.parent / name
    return settings.cache_dir / "networks" / f"direct-{_direct_key(location.direct)}-{name}"


def _overlays_key(settings: Settings) -> str | None:
    """The overlays' content key, or ``None`` when none is given or stored.

    The common case (no ``--overlay``, no stored overlay: the store's folder absent or
    empty) is decided from one directory listing, without importing the overlay reader
    (~30 ms on the route path).
    """
    store = settings.cache_dir / "overlays"  # overlay.store.STORE_DIR (a test checks)
    try:
        nothing_stored = not any(store.iterdir())
    except OSError:  # absent, or not a directory: the store reports what is wrong
        nothing_stored = not store.exists()
    if not settings.overlays and nothing_stored:
        return None
    from cablemap.dataset.overlay.store import load_overlays, overlays_key

    return overlays_key(load_overlays(settings))  # their content, not their paths


def load_or_build_network(
    path: str | Path | None = None, *, settings: Settings | None = None, strict: bool = False
) -> Network:
    """The network of the data in use: reloaded if stored, else built and stored.

    Parameters
    ----------
    path
        A v3/v2 root or archive to use instead of the current snapshot.
    settings
        Settings; default: from the environment.
    strict
        Raise a :class:`~cablemap.errors.DataError` if records were skipped.
    """
    settings = settings or settings_from_env()
    location = locate_data(path, settings=settings)
    target = network_file(location, settings)
    network = _read(target)
    if network is None:
        network = _build_and_store(location, settings, target)
    else:
        network.parts.loader = lambda: _load_parts(location, settings)
    if strict:
        from cablemap.dataset.records import raise_if_any

        raise_if_any(network.warnings)
    return network


def _read(target: Path) -> Network | None:
    """The stored network, or ``None`` if absent, truncated, corrupt or unreadable."""
    try:
        blob = target.read_bytes()
    except OSError:
        return None
    header, _, payload = blob.partition(b"\n")
    if not header.startswith(MAGIC) or header[len(MAGIC) :] != _digest(payload):
        return None
    from cablemap.network.storage import StoredNetworkError, network_from_bytes

    try:
        return network_from_bytes(payload)  # plain data: reading it runs no code
    except StoredNetworkError:
        return None


def _build_and_store(location: DataLocation, settings: Settings, target: Path) -> Network:
    from cablemap.network.graph import build_network

    dataset, topology = _load_parts(location, settings)
    network = build_network(dataset, topology=topology)
    from cablemap.network.storage import network_to_bytes

    payload = network_to_bytes(network)  # builds the flow network too, stored with the rest
    try:
        from cablemap.files import write_atomically

        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, MAGIC + _digest(payload) + b"\n" + payload)
        _remove_stale(target)
    except (OSError, UserError) as exc:  # a read-only or full cache costs speed only
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        network._memo["store-error"] = (
            f"note: the built network could not be stored in {target.parent} "
            f"({reason[:200]}); it is kept in memory and rebuilt next time"
        )
    return network


KEEP_DIRECT = 5
"""Networks of ``--data`` paths kept in the cache (the most recently used ones)."""


def _remove_stale(target: Path) -> None:
    """Delete networks built by other code for this snapshot; keep few direct ones."""
    for stale in target.parent.glob(target.name.replace(code_hash(), "*")):
        if stale != target:
            stale.unlink(missing_ok=True)
    for legacy in target.parent.glob("*network-*.pickle"):  # the format before JSON
        legacy.unlink(missing_ok=True)
    if target.name.startswith("direct-"):
        others = sorted(target.parent.glob("direct-*.json"), key=lambda p: p.stat().st_mtime)
        for old in others[:-KEEP_DIRECT]:
            if old != target:
                old.unlink(missing_ok=True)


def _load_parts(location: DataLocation, settings: Settings) -> tuple[Dataset, Topology]:
    from cablemap.dataset.load import load_located
    from cablemap.network.topology import build_topology

    dataset = load_located(location, settings=settings)
    return dataset, build_topology(dataset)


def _digest(payload: bytes) -> bytes:
    return hashlib.sha256(payload).hexdigest().encode("ascii")


def _direct_key(path: Path) -> str:
    """A key that changes when the directory's (or archive's) files change."""
    root = path.expanduser().resolve()
    digest = hashlib.sha256(str(root).encode())
    if root.is_file():
        files = [root]
    elif (root / "cable").is_dir():  # the files a v3/v2 root is read from
        # os.scandir, not Path.glob: ~520 files are stat'ed on every command run on --data.
        with os.scandir(root / "cable") as entries:
            cable_files = sorted(
                (e.name, e.stat()) for e in entries if e.name.endswith(".json") and e.is_file()
            )
        for name, stat in cable_files:
            digest.update(f"cable/{name}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
        files = [
            f
            for f in (root / "landing-point" / "landing-point-geo.json", root / "config.json")
            if f.is_file()
        ]
    else:  # the root sits deeper (an unpacked download): every JSON file below
        files = sorted(p for p in root.rglob("*.json") if p.is_file())
    for file in files:
        stat = file.stat()
        digest.update(
            f"{file.relative_to(root) if file != root else ''}"
            f"|{stat.st_size}|{stat.st_mtime_ns}\n".encode()
        )
    return digest.hexdigest()[:16]
