"""The local cache: immutable snapshots of raw files, each with a manifest.

Layout under the cache directory::

    snapshots/<id>/manifest.json   source, layout, fetched-at time, counts, sha256 of files
    snapshots/<id>/files/...       the raw files, exactly as the source served them
    staging/<pid>-<random>/        a snapshot being written (never read)
    current                        the id of the snapshot in use

A snapshot is written in ``staging/`` and moved into ``snapshots/`` with one atomic
rename once complete, so a failed or interrupted fetch leaves nothing behind that could
be mistaken for a snapshot, and the current one stays as it was. Files are made
read-only once stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cablemap.errors import CacheError, UserError

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
_SNAPSHOT_ID = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8,64}")


@dataclass(frozen=True)
class SnapshotInfo:
    """One stored snapshot, as its manifest describes it."""

    id: str
    path: Path
    manifest: dict[str, Any]

    @property
    def files_dir(self) -> Path:
        """Directory holding the raw files (the v3/v2 root)."""
        return self.path / "files"

    @property
    def fetched_at(self) -> str:
        """When the snapshot was made (ISO 8601, UTC)."""
        return str(self.manifest["fetched_at"])

    @property
    def counts(self) -> dict[str, int]:
        """Counts of cables, landing points, cable-landings and countries."""
        return dict(self.manifest["counts"])


class SnapshotStore:
    """The snapshots under one cache directory.

    Parameters
    ----------
    cache_dir
        The cablemap cache directory (created on first write).
    """

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.snapshots_dir = cache_dir / "snapshots"
        self.staging_dir = cache_dir / "staging"
        self.current_file = cache_dir / "current"

    def list(self) -> list[SnapshotInfo]:
        """Every complete snapshot, oldest first."""
        if not self.snapshots_dir.is_dir():
            return []
        infos = [self._read(path) for path in self.snapshots_dir.iterdir() if path.is_dir()]
        return sorted((i for i in infos if i is not None), key=lambda i: (i.fetched_at, i.id))

    def get(self, snapshot_id: str) -> SnapshotInfo:
        """Return one snapshot by id.

        Raises
        ------
        UserError
            If the id is malformed or no such snapshot exists.
        """
        if not _SNAPSHOT_ID.fullmatch(snapshot_id):
            raise UserError(
                f"snapshot id {snapshot_id!r} is malformed; `cablemap data list` shows the ids"
            )
        info = self._read(self.snapshots_dir / snapshot_id)
        if info is None:
            raise UserError(f"no snapshot {snapshot_id!r}; `cablemap data list` shows the ids")
        return info

    def current(self) -> SnapshotInfo | None:
        """The snapshot in use: the one chosen last, else the newest; ``None`` if empty."""
        with contextlib.suppress(OSError):
            chosen = self.current_file.read_text(encoding="utf-8").strip()
            if _SNAPSHOT_ID.fullmatch(chosen):
                info = self._read(self.snapshots_dir / chosen)
                if info is not None:
                    return info
        snapshots = self.list()
        return snapshots[-1] if snapshots else None

    def use(self, snapshot_id: str) -> SnapshotInfo:
        """Make a snapshot the current one and return it."""
        info = self.get(snapshot_id)
        _write_atomically(self.current_file, info.id + "\n")
        return info

    def find_content(self, content_sha256: str) -> SnapshotInfo | None:
        """Return a stored snapshot with exactly this content, if there is one."""
        for info in self.list():
            if info.manifest.get("content_sha256") == content_sha256:
                return info
        return None

    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh private directory for a snapshot being written; removed on exit.

        Whatever happens inside (an error, Ctrl-C), the directory is deleted when the block
        ends unless :meth:`commit` has moved it into place.
        """
        self._clean_abandoned_staging()
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        path = self.staging_dir / f"{os.getpid()}-{secrets.token_hex(6)}"
        path.mkdir()
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def commit(self, staging: Path, manifest: dict[str, Any]) -> SnapshotInfo:
        """Write the manifest, move the staged snapshot into place, make it current."""
        snapshot_id = str(manifest["id"])
        if not _SNAPSHOT_ID.fullmatch(snapshot_id):
            raise CacheError(f"refusing to store a snapshot with the malformed id {snapshot_id!r}")
        manifest = {"format": MANIFEST_FORMAT, **manifest}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _make_read_only(staging)
        self.snapshots_dir.mkdir(parents=True, exist_ok=True)
        target = self.snapshots_dir / snapshot_id
        try:
            staging.rename(target)
        except OSError as exc:
            raise CacheError(f"{target}: cannot store the snapshot ({exc})") from exc
        _write_atomically(self.current_file, snapshot_id + "\n")
        info = self._read(target)
        assert info is not None
        return info

    def _read(self, path: Path) -> SnapshotInfo | None:
        if not _SNAPSHOT_ID.fullmatch(path.name):
            return None
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise CacheError(
                f"{path / MANIFEST}: unreadable manifest ({exc}); delete {path} and fetch again"
            ) from exc
        if not isinstance(manifest, dict) or manifest.get("id") != path.name:
            raise CacheError(
                f"{path / MANIFEST}: manifest does not match its snapshot; delete {path}"
            )
        return SnapshotInfo(path.name, path, manifest)

    def _clean_abandoned_staging(self) -> None:
        """Remove staging directories left by processes that no longer run (killed ones)."""
        if not self.staging_dir.is_dir():
            return
        for path in self.staging_dir.iterdir():
            pid = path.name.split("-", 1)[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _make_read_only(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
