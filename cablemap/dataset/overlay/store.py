"""Which overlays are in use, and the overlays kept in the cache beside the snapshots.

In use, in this order: every overlay stored with ``cablemap data overlay add`` (by id),
then every ``--overlay FILE|NAME`` (``CABLEMAP_OVERLAY``, paths separated by the
platform's path separator), a NAME being an overlay shipped in ``geodata/overlays/``.

Stored overlays live in ``<cache>/overlays/<id>/``: the TOML file (under its own name)
and its GeoJSON file as they were added (checked first: a bad file is never stored).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cablemap.dataset.overlay.fields import SLUG
from cablemap.dataset.overlay.parse import OverlayError, read_overlay
from cablemap.errors import UserError, clip
from cablemap.resources import geodata_dir

if TYPE_CHECKING:
    from cablemap.config import Settings
    from cablemap.dataset.overlay.model import Overlay

SHIPPED_DIR = "overlays"
"""Folder of ``geodata/`` holding the overlays shipped with cablemap."""
STORE_DIR = "overlays"
"""Folder of the cache holding the stored overlays."""


@dataclass(frozen=True)
class OverlayFile:
    """An overlay in use: its file and how it came to be used."""

    path: Path
    origin: str
    """``stored``, ``shipped`` or ``given``."""


def shipped_overlays() -> dict[str, Path]:
    """The overlays shipped with cablemap, by name."""
    folder = geodata_dir() / SHIPPED_DIR
    return {p.stem: p for p in sorted(folder.glob("*.toml"))} if folder.is_dir() else {}


def stored_overlays(settings: Settings) -> list[OverlayFile]:
    """The overlays stored in the cache, by id."""
    folder = settings.cache_dir / STORE_DIR
    if not folder.is_dir():
        return []
    found = []
    for directory in sorted(folder.iterdir()):
        files = sorted(directory.glob("*.toml")) if SLUG.fullmatch(directory.name) else []
        if directory.is_dir() and len(files) == 1:
            found.append(OverlayFile(files[0], "stored"))
    return found


def resolve_overlay(spec: str) -> OverlayFile:
    """The file a ``--overlay`` value names: a path, or the name of a shipped overlay.

    Raises
    ------
    UserError
        Neither an existing file nor a shipped overlay's name.
    """
    path = Path(spec).expanduser()
    try:
        if path.is_file():
            return OverlayFile(path, "given")
    except OSError:  # a name too long for the file system is no file
        pass
    shipped = shipped_overlays()
    if spec in shipped:
        return OverlayFile(shipped[spec], "shipped")
    names = ", ".join(shipped) or "none"
    raise UserError(
        f"overlay {clip(spec)}: no such file, and no shipped overlay of that name "
        f"(shipped: {names})"
    )


def overlays_in_use(settings: Settings) -> list[OverlayFile]:
    """Stored overlays, then those given with ``--overlay`` / ``CABLEMAP_OVERLAY``."""
    return [*stored_overlays(settings), *(resolve_overlay(s) for s in settings.overlays)]


def load_overlays(settings: Settings) -> tuple[Overlay, ...]:
    """Read and check every overlay in use.

    Raises
    ------
    UserError
        Two overlays in use with the same id.
    OverlayError
        A malformed overlay (file and line named).
    """
    overlays = tuple(_read(f) for f in overlays_in_use(settings))
    seen: set[str] = set()
    for overlay in overlays:
        if overlay.id in seen:
            raise UserError(
                f"two overlays in use have the id {overlay.id!r}; remove one "
                "(cablemap data overlay list shows those in use)"
            )
        seen.add(overlay.id)
    return overlays


def _read(found: OverlayFile) -> Overlay:
    """Read one overlay in use; a damaged stored one says how to remove it."""
    try:
        return read_overlay(found.path)
    except OverlayError as exc:
        if found.origin != "stored":
            raise
        stored = found.path.parent.name
        raise OverlayError(
            f"{exc} (a stored overlay: `cablemap data overlay remove {stored}` removes it)"
        ) from None


def overlays_key(overlays: tuple[Overlay, ...]) -> str | None:
    """A key for the stored network that changes with the overlays' content, or ``None``."""
    if not overlays:
        return None
    digest = hashlib.sha256(_searoute_version().encode())
    for overlay in overlays:
        digest.update(f"{overlay.id}:{overlay.sha256}\n".encode())
    return digest.hexdigest()[:16]


def _searoute_version() -> str:
    """The version of searoute: its network decides the schematic paths stored."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("searoute")
    except PackageNotFoundError:
        return "none"


def add_overlay(settings: Settings, spec: str) -> Overlay:
    """Check an overlay, then store it in the cache (replacing one with the same id).

    Returns
    -------
    Overlay
        The overlay stored.
    """
    source = resolve_overlay(spec).path
    overlay = read_overlay(source)  # checked in full before anything is written
    target = settings.cache_dir / STORE_DIR / overlay.id
    staging = target.with_name(f".{overlay.id}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copyfile(source, staging / source.name)
    geometry = _geometry_name(source)
    if geometry is not None:
        shutil.copyfile(source.parent / geometry, staging / geometry)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return overlay


def _geometry_name(path: Path) -> str | None:
    import tomllib

    header = tomllib.loads(path.read_text(encoding="utf-8")).get("overlay", {})
    return header.get("geometry")


def remove_overlay(settings: Settings, overlay_id: str) -> None:
    """Delete a stored overlay.

    Raises
    ------
    UserError
        No stored overlay has that id.
    """
    folder = settings.cache_dir / STORE_DIR
    if not SLUG.fullmatch(overlay_id) or not (folder / overlay_id).is_dir():
        stored = ", ".join(f.path.parent.name for f in stored_overlays(settings)) or "none"
        raise UserError(f"no stored overlay {clip(overlay_id)} (stored: {stored})")
    shutil.rmtree(folder / overlay_id)
