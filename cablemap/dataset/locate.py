"""Where the data in use is: a stored snapshot, or a root given directly.

Kept apart from the readers so that finding the data (for example to reload a stored
network) imports nothing heavy.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cablemap.config import Settings


@dataclass(frozen=True)
class DataLocation:
    """Where the data in use is: a stored snapshot, or a root given directly."""

    label: str
    """The snapshot id, or ``"direct:<name>"``: the directory's or archive's name, never
    its whole path, which is local to one machine and must not reach a deliverable."""
    snapshot_dir: Path | None = None
    """The snapshot's files directory (``None`` for a direct path)."""
    direct: Path = Path()
    """The directory or archive given directly (when ``snapshot_dir`` is ``None``)."""
    source_name: str | None = None
    """The name of the source the snapshot was fetched from (``"open"``), if any."""


def locate_data(path: str | Path | None = None, *, settings: Settings) -> DataLocation:
    """Find the data to use.

    ``path``, else ``--data`` / ``CABLEMAP_DATA``, else the stored snapshot chosen with
    ``--snapshot`` (the ``snapshot_id`` setting; it does not become current), else the
    current snapshot; with none of them, the default source is fetched first (first use).
    """
    direct = path if path is not None else settings.data_path
    if direct is not None:
        direct = Path(direct).expanduser()
        return DataLocation(f"direct:{Path(os.path.abspath(direct)).name or direct}", direct=direct)
    from cablemap.snapshot import SnapshotStore

    store = SnapshotStore(settings.cache_dir)
    if settings.snapshot_id is not None:  # --snapshot: that one, which does not become current
        chosen = store.get(settings.snapshot_id)
        store.check_sizes(chosen)
        return DataLocation(chosen.id, snapshot_dir=chosen.files_dir)
    current = store.current()
    if current is not None:
        store.check_sizes(current)  # the fast check; `cablemap data verify` re-hashes
    else:
        from cablemap.fetch import fetch_snapshot

        print(
            f"cablemap: no data yet: fetching '{settings.source}' into {settings.cache_dir} "
            "(first use; set CABLEMAP_DATA or --data to use a local copy instead)",
            file=sys.stderr,
        )
        current = fetch_snapshot(settings=settings).snapshot
    source = current.manifest.get("source")
    name = source.get("name") if isinstance(source, dict) else None
    return DataLocation(
        current.id,
        snapshot_dir=current.files_dir,
        source_name=name if isinstance(name, str) else None,
    )
