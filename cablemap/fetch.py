"""Copy a source into a new snapshot: download or read, validate, store all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cablemap import __version__
from cablemap.config import Settings, settings_from_env
from cablemap.dataset.read import directory_getter, parse_json, read_root
from cablemap.dataset.records import DataWarning, RawData
from cablemap.errors import DataError, UserError, clip
from cablemap.snapshot import SnapshotInfo, SnapshotStore
from cablemap.sources import Source, open_reader, resolve_source
from cablemap.sources.files import FileData
from cablemap.sources.layout import (
    CABLE_GEO,
    INDEX_FILES,
    OPTIONAL_FILES,
    cable_detail_path,
    cable_ids_from_geo,
    detect_layout,
)

ProgressHook = Callable[[str], None]
"""Called with each file's relative path as it is stored (tests use it to interrupt)."""


@dataclass(frozen=True)
class FetchResult:
    """What a fetch or import did."""

    snapshot: SnapshotInfo
    changed: bool
    source: Source
    warnings: list[DataWarning] = field(default_factory=list)
    downloaded: int = 0
    revalidated: int = 0


def fetch_snapshot(
    source: str | None = None,
    *,
    settings: Settings | None = None,
    on_file: ProgressHook | None = None,
) -> FetchResult:
    """Fetch a source into a new snapshot and make it current.

    All or nothing: if anything fails (network, bad data, Ctrl-C) no snapshot is added
    and the current one is untouched. If the content is identical to a stored snapshot,
    that one becomes current and nothing new is stored.

    Parameters
    ----------
    source
        A source name (``open``, ``telegeography``), an ``https://`` root, a directory or
        an archive; default: the ``source`` setting.
    settings
        Settings to use; default: from the environment.
    on_file
        Called with each stored file's path, in completion order.

    Returns
    -------
    FetchResult
        The current snapshot afterwards and whether it is new.
    """
    settings = settings or settings_from_env()
    resolved = resolve_source(source or settings.source)
    store = SnapshotStore(settings.cache_dir)
    reader = open_reader(resolved, settings)
    try:
        with store.staging() as staging:
            files, revalidated = _copy_files(reader, staging / "files", settings, on_file)
            raw = read_root(directory_getter(staging / "files"))
            content = _content_sha256(files)
            with store.lock_or_fail():  # one writer at a time: a twin waits, then reuses
                info, changed = _commit_or_reuse(store, staging, content, resolved, raw, files)
    finally:
        reader.close()
    return FetchResult(
        info,
        changed,
        resolved,
        raw.warnings,
        downloaded=len(files) - revalidated,
        revalidated=revalidated,
    )


def _commit_or_reuse(
    store: SnapshotStore,
    staging: Path,
    content: str,
    source: Source,
    raw: RawData,
    files: dict[str, dict[str, Any]],
) -> tuple[SnapshotInfo, bool]:
    """Reuse an intact stored snapshot of the same content, else commit the staged one.

    A stored copy of the same content that fails verification is replaced, so that a
    re-fetch or re-import repairs a damaged snapshot instead of keeping it.
    """
    existing = store.find_content(content)
    if existing is not None:
        if not store.verify(existing):
            return store.use(existing.id), False
        store.replace_damaged(existing)
    return store.commit(staging, _manifest(source, raw, files, content)), True


def import_snapshot(path: str | Path, *, settings: Settings | None = None) -> FetchResult:
    """Store a local directory or archive as a new snapshot (no network).

    Raises
    ------
    UserError
        If ``path`` is a URL or a source name rather than a local path.
    """
    text = str(path)
    try:
        exists = "://" not in text and Path(text).expanduser().exists()
    except OSError as exc:  # ENAMETOOLONG, EACCES on a parent
        raise UserError(f"import {clip(text)}: cannot use this path ({exc.strerror})") from exc
    if not exists:
        raise UserError(
            f"import {clip(text)}: not an existing directory or archive; to download, "
            "use `cablemap data fetch --source URL`"
        )
    return fetch_snapshot(text, settings=settings)


def _copy_files(
    reader: Any, target: Path, settings: Settings, on_file: ProgressHook | None
) -> tuple[dict[str, dict[str, Any]], int]:
    """Read the index files, then every cable detail file, storing them under ``target``.

    Returns the manifest entry of every file and how many were revalidated (HTTP 304).
    """
    from tqdm import tqdm

    stored: dict[str, dict[str, Any]] = {}
    revalidated = 0

    total = 0

    def store(data: FileData) -> None:
        nonlocal revalidated, total
        revalidated += data.revalidated
        total += len(data.content)
        if total > settings.max_total_bytes:
            raise DataError(
                f"{reader.description}: the snapshot exceeds {settings.max_total_bytes} bytes "
                "in all; refusing it (a damaged or hostile source?)"
            )
        path = target / data.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.content)
        stored[data.relpath] = {
            "sha256": hashlib.sha256(data.content).hexdigest(),
            "bytes": len(data.content),
            "etag": data.etag,
            "last_modified": data.last_modified,
        }
        if on_file is not None:
            on_file(data.relpath)

    for relpath in INDEX_FILES:
        first = reader.read(relpath)
        store(first)
    cable_geo = parse_json((target / CABLE_GEO).read_bytes(), CABLE_GEO)
    ids = cable_ids_from_geo(cable_geo, detect_layout(cable_geo))
    for relpath in OPTIONAL_FILES:
        optional = reader.read(relpath, optional=True)
        if optional is not None:
            store(optional)
    with tqdm(
        total=len(ids),
        unit="file",
        desc=f"cable files from {reader.description}",
        disable=_progress_disabled(settings),
        leave=False,
    ) as bar:
        for data in reader.read_many([cable_detail_path(i) for i in ids]):
            store(data)
            bar.update()
    return stored, revalidated


def _progress_disabled(settings: Settings) -> bool | None:
    return None if settings.progress is None else not settings.progress


def _content_sha256(files: dict[str, dict[str, Any]]) -> str:
    digest = hashlib.sha256()
    for relpath in sorted(files):
        digest.update(f"{relpath}\0{files[relpath]['sha256']}\n".encode())
    return digest.hexdigest()


def _manifest(
    source: Source, raw: RawData, files: dict[str, dict[str, Any]], content: str
) -> dict[str, Any]:
    from cablemap.dataset.summary import summarize

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    summary = summarize(raw)
    return {
        "id": f"{now:%Y%m%dT%H%M%SZ}-{content[:12]}",
        "source": {"kind": source.kind, "location": source.location, "name": source.name},
        "layout": raw.layout,
        "fetched_at": now.isoformat().replace("+00:00", "Z"),
        "cablemap_version": __version__,
        "content_sha256": content,
        "counts": summary["counts"],
        "warnings": summary["warnings"],
        "files": files,
    }
