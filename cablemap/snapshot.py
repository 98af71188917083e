"""The local cache: immutable snapshots of raw files, each with a manifest.

Layout under the cache directory::

    snapshots/<id>/manifest.json   source, layout, fetched-at time, counts, sha256 of files
    snapshots/<id>/files/...       the raw files, exactly as the source served them
    staging/<pid>-<random>/        a snapshot being written (never read)
    current                        the id of the snapshot in use
    lock                           held while a snapshot is committed or removed

Integrity: every load checks that each file listed in the manifest exists with the
size the manifest records (cheap: one ``stat`` per file); ``cablemap data verify``
re-hashes every file against the manifest's sha256 values. A snapshot whose manifest
is unreadable or incomplete is *damaged*: it is listed as such and never blocks the
other snapshots; ``cablemap data remove ID`` deletes it.

A snapshot is written in ``staging/`` and moved into ``snapshots/`` with one atomic
rename once complete, so a failed or interrupted fetch leaves nothing behind that could
be mistaken for a snapshot, and the current one stays as it was. Files are made
read-only once stored.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cablemap.errors import CacheError, UserError, clip

if TYPE_CHECKING:
    from filelock import FileLock


def _token_hex(nbytes: int) -> str:
    """A random name part for staging files (``secrets`` is imported by writers only)."""
    import secrets

    return secrets.token_hex(nbytes)


def _rmtree(path: Path, *, ignore_errors: bool = False) -> None:
    """``shutil.rmtree``; shutil is imported by writers only (read commands skip it)."""
    import shutil

    shutil.rmtree(path, ignore_errors=ignore_errors)


MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
_SNAPSHOT_ID = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8,64}")
_REQUIRED = {
    "id": str,
    "source": dict,
    "fetched_at": str,
    "layout": str,
    "counts": dict,
    "files": dict,
}
_REQUIRED_COUNTS = ("cables", "landing_points")
LOCK_TIMEOUT_S = 600.0
"""How long a writer waits for another writer to the same cache before giving up."""


def is_snapshot_id(text: str) -> bool:
    """Tell whether ``text`` has the form of a snapshot id (``20261122T104143Z-84c02faac9bd``)."""
    return _SNAPSHOT_ID.fullmatch(text) is not None


@dataclass(frozen=True)
class DamagedSnapshot:
    """A snapshot directory whose manifest cannot be used, and why."""

    id: str
    path: Path
    reason: str


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
        """Every complete, undamaged snapshot, oldest first (see :meth:`damaged`)."""
        infos = []
        for path in self._snapshot_dirs():
            with contextlib.suppress(CacheError):
                info = self._read(path)
                if info is not None:
                    infos.append(info)
        return sorted(infos, key=lambda i: (i.fetched_at, i.id))

    def damaged(self) -> builtins.list[DamagedSnapshot]:
        """Snapshots whose manifest is unreadable or incomplete, by id."""
        found = []
        for path in self._snapshot_dirs():
            try:
                self._read(path)
            except CacheError as exc:
                found.append(DamagedSnapshot(path.name, path, str(exc)))
        return sorted(found, key=lambda d: d.id)

    def lock(self) -> FileLock:
        """The lock that serialises writers (commit, replace, remove) to this cache."""
        from filelock import FileLock  # writers only: read commands do not pay its import

        self.cache_dir.mkdir(parents=True, exist_ok=True)
        return FileLock(self.cache_dir / "lock", timeout=LOCK_TIMEOUT_S)

    def _snapshot_dirs(self) -> builtins.list[Path]:
        if not self.snapshots_dir.is_dir():
            return []
        return [
            p for p in self.snapshots_dir.iterdir() if p.is_dir() and _SNAPSHOT_ID.fullmatch(p.name)
        ]

    def get(self, snapshot_id: str) -> SnapshotInfo:
        """Return one snapshot by id.

        Raises
        ------
        UserError
            If the id is malformed or no such snapshot exists.
        """
        if not _SNAPSHOT_ID.fullmatch(snapshot_id):
            raise UserError(f"snapshot id {clip(snapshot_id)} is malformed; {self.known_ids()}")
        info = self._read(self.snapshots_dir / snapshot_id)
        if info is None:
            raise UserError(f"no snapshot {clip(snapshot_id)}; {self.known_ids()}")
        return info

    def known_ids(self, *, limit: int = 8) -> str:
        """The stored ids for an error line: the newest ``limit``, and how many more."""
        ids = [info.id for info in self.list()]
        if not ids:
            return (
                "no snapshot is stored yet (`cablemap data list` is empty): run "
                "`cablemap data fetch` or `cablemap data import PATH`"
            )
        shown = ", ".join(reversed(ids[-limit:]))
        more = f" and {len(ids) - limit} older" if len(ids) > limit else ""
        return f"stored snapshots (newest first): {shown}{more} (`cablemap data list`)"

    def current(self) -> SnapshotInfo | None:
        """The snapshot in use: the one chosen last, else the newest; ``None`` if empty."""
        with contextlib.suppress(OSError, ValueError):  # a damaged pointer: use the newest
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

    def remove(self, snapshot_id: str) -> None:
        """Delete a snapshot (damaged ones too); the current one is refused unless damaged.

        Raises
        ------
        UserError
            If the id is malformed or unknown, or names the current snapshot.
        """
        if not _SNAPSHOT_ID.fullmatch(snapshot_id):
            raise UserError(
                f"snapshot id {clip(snapshot_id)} is malformed; `cablemap data list` shows the ids"
            )
        path = self.snapshots_dir / snapshot_id
        if not path.is_dir():
            raise UserError(f"no snapshot {snapshot_id!r}; `cablemap data list` shows the ids")
        with self.lock_or_fail():
            current = self.current_id()
            if current == snapshot_id and not self._is_damaged(path):  # damaged: unusable anyway
                others = [i.id for i in self.list() if i.id != snapshot_id]
                hint = (
                    f"make another current first (`cablemap data use {others[-1]}`)"
                    if others
                    else "fetch or import another snapshot first"
                )
                raise UserError(
                    f"snapshot {snapshot_id} is the current one; {hint}, then remove it"
                )
            self._delete(path)

    def verify(self, info: SnapshotInfo) -> builtins.list[str]:
        """Re-hash every file against the manifest; one line per problem (none if intact)."""
        problems = []
        root = info.files_dir.resolve()
        for relpath, entry in sorted(info.manifest["files"].items()):
            file = info.files_dir / relpath
            if root not in file.resolve().parents:  # a symbolic link out of the snapshot
                problems.append(f"{info.id}: {relpath}: leads outside the snapshot directory")
                continue
            try:
                data = file.read_bytes()
            except OSError as exc:
                problems.append(f"{info.id}: {relpath}: missing or unreadable ({exc.strerror})")
                continue
            if len(data) != entry.get("bytes", len(data)):
                problems.append(
                    f"{info.id}: {relpath}: {len(data)} bytes, the manifest says {entry['bytes']}"
                )
            elif hashlib.sha256(data).hexdigest() != entry.get("sha256"):
                problems.append(f"{info.id}: {relpath}: sha256 does not match the manifest")
        return problems

    def check_sizes(self, info: SnapshotInfo) -> None:
        """The fast check on every load: each listed file exists with its recorded size.

        Raises
        ------
        CacheError
            Naming the first damaged file and what to do.
        """
        root = str(info.files_dir)  # plain os.stat: a fifth of pathlib's cost per file
        for relpath, entry in info.manifest["files"].items():
            try:
                size = os.stat(f"{root}/{relpath}").st_size
            except OSError:
                size = -1
            if size != entry.get("bytes", size):
                raise CacheError(
                    f"snapshot {info.id} is damaged ({relpath} is missing or changed); run "
                    "`cablemap data verify`, then fetch or import it again to repair it"
                )

    def replace_damaged(self, info: SnapshotInfo) -> None:
        """Delete a damaged snapshot so that an intact copy can be committed in its place."""
        self._delete(info.path)

    @contextlib.contextmanager
    def lock_or_fail(self) -> Iterator[None]:
        """Hold :meth:`lock`; a one-line error if another writer holds it too long."""
        from filelock import Timeout

        lock = self.lock()
        try:
            lock.acquire()
        except Timeout as exc:
            raise CacheError(
                f"{lock.lock_file}: another cablemap process has been writing to this cache for "
                f"{LOCK_TIMEOUT_S:g} s; wait for it to end, then try again"
            ) from exc
        try:
            yield
        finally:
            lock.release()

    def current_id(self) -> str | None:
        """The id :meth:`current` would give, without reading its manifest (never raises)."""
        try:
            chosen = self.current_file.read_text(encoding="utf-8").strip()
        except (OSError, ValueError):
            chosen = ""
        if _SNAPSHOT_ID.fullmatch(chosen) and (self.snapshots_dir / chosen).is_dir():
            return chosen
        newest = self.list()
        return newest[-1].id if newest else None

    def _delete(self, path: Path) -> None:
        """Move a snapshot out of ``snapshots/`` in one rename, then delete it."""
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        doomed = self.staging_dir / f"{os.getpid()}-{_token_hex(6)}-removed"
        try:
            path.rename(doomed)
        except OSError as exc:
            raise CacheError(f"{path}: cannot remove the snapshot ({exc.strerror})") from exc
        _rmtree(doomed, ignore_errors=True)

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
        path = self.staging_dir / f"{os.getpid()}-{_token_hex(6)}"
        path.mkdir()
        try:
            yield path
        finally:
            _rmtree(path, ignore_errors=True)

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
        if target.is_dir() and self._is_damaged(target):
            self._delete(target)  # a damaged copy of the same content, same second
        try:
            staging.rename(target)
        except OSError as exc:
            raise CacheError(f"{target}: cannot store the snapshot ({exc})") from exc
        _write_atomically(self.current_file, snapshot_id + "\n")
        info = self._read(target)
        assert info is not None
        return info

    def _is_damaged(self, path: Path) -> bool:
        try:
            return self._read(path) is None
        except CacheError:
            return True

    def _read(self, path: Path) -> SnapshotInfo | None:
        if not _SNAPSHOT_ID.fullmatch(path.name):
            return None
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise CacheError(
                f"{path / MANIFEST}: unreadable manifest ({exc}); "
                f"run `cablemap data remove {path.name}` and fetch again"
            ) from exc
        if not isinstance(manifest, dict) or manifest.get("id") != path.name:
            raise CacheError(
                f"{path / MANIFEST}: manifest does not match its snapshot; "
                f"run `cablemap data remove {path.name}`"
            )
        missing = [k for k, kind in _REQUIRED.items() if not isinstance(manifest.get(k), kind)]
        counts = manifest["counts"] if isinstance(manifest.get("counts"), dict) else None
        if counts is not None:
            missing += [
                f"counts.{k}" for k in _REQUIRED_COUNTS if not isinstance(counts.get(k), int)
            ]
        if missing:
            raise CacheError(
                f"{path / MANIFEST}: manifest lacks {', '.join(missing)}; "
                f"run `cablemap data remove {path.name}` and fetch again"
            )
        _check_file_entries(path, manifest["files"])
        return SnapshotInfo(path.name, path, manifest)

    def _clean_abandoned_staging(self) -> None:
        """Remove staging directories left by processes that no longer run (killed ones)."""
        if not self.staging_dir.is_dir():
            return
        for path in self.staging_dir.iterdir():
            pid = path.name.split("-", 1)[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                _rmtree(path, ignore_errors=True)


def unsafe_relpath(relpath: object) -> bool:
    """Tell whether a manifest's file path could name something outside its snapshot.

    A stored file's path is relative, in POSIX form, made of plain names: an absolute
    path, a ``..`` or ``.`` part, an empty part, a backslash, a drive (``C:``) or a NUL
    is refused, as is anything that is not a string.
    """
    if not isinstance(relpath, str) or not relpath or "\\" in relpath or "\0" in relpath:
        return True
    parts = relpath.split("/")
    return relpath.startswith("/") or ":" in parts[0] or any(p in ("", ".", "..") for p in parts)


def _check_file_entries(path: Path, files: dict[str, Any]) -> None:
    """Refuse a manifest whose file list names a path outside the snapshot or is malformed.

    Raises
    ------
    CacheError
        Naming the snapshot and the first bad path.
    """
    for relpath, entry in files.items():
        if unsafe_relpath(relpath):
            raise CacheError(
                f"{path / MANIFEST}: manifest lists the file {clip(relpath)}, a path outside "
                f"the snapshot directory (a forged or damaged manifest); run "
                f"`cablemap data remove {path.name}`"
            )
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("bytes"), int)
            and isinstance(entry.get("sha256"), str)
        ):
            raise CacheError(
                f"{path / MANIFEST}: manifest entry of {clip(relpath)} lacks its bytes or "
                f"sha256; run `cablemap data remove {path.name}` and fetch again"
            )


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
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{_token_hex(4)}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
