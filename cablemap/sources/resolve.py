"""Turn what the user typed into a :class:`Source`, and open a reader for it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from cablemap.config import Settings
from cablemap.errors import UserError, clip
from cablemap.sources.files import (
    ArchiveReader,
    DirectoryReader,
    FileData,
    find_layout_root,
    is_archive,
)

SourceKind = Literal["remote", "directory", "archive"]


@dataclass(frozen=True)
class NamedSource:
    """A well-known remote root with its licence terms."""

    url: str
    terms: str


NAMED_SOURCES: dict[str, NamedSource] = {
    "open": NamedSource(
        url="https://raw.githubusercontent.com/stevesong/open_undersea_cable_map/main/",
        terms=(
            "Open Undersea Cable Map: the last openly licensed copy of TeleGeography's "
            "Submarine Cable Map data, CC BY-NC-SA 3.0 (attribute 'Cable data: TeleGeography "
            "Submarine Cable Map (CC BY-NC-SA 3.0)'; non-commercial, share-alike)"
        ),
    ),
    "telegeography": NamedSource(
        url="https://www.submarinecablemap.com/api/v3/",
        terms=(
            "TeleGeography's live Submarine Cable Map API: commercial terms apply; use it only "
            "if you hold the rights to (see submarinecablemap.com)"
        ),
    ),
}


@dataclass(frozen=True)
class Source:
    """Where raw files come from: a kind and a location, and a name if it is a known one."""

    kind: SourceKind
    location: str
    name: str | None = None

    @property
    def terms(self) -> str | None:
        """The licence terms of a named source, else ``None``."""
        return NAMED_SOURCES[self.name].terms if self.name in NAMED_SOURCES else None


class Reader(Protocol):
    """What every reader offers: files by their path relative to the source root."""

    description: str

    def read(self, relpath: str, *, optional: bool = False) -> FileData | None:
        """Return one file (``None`` for a missing optional one)."""

    def read_many(self, relpaths: list[str]) -> object:
        """Yield many files, in any order."""

    def close(self) -> None:
        """Release what the reader holds."""


def resolve_source(spec: str) -> Source:
    """Resolve a source name, URL or path into a :class:`Source`.

    Parameters
    ----------
    spec
        ``open``, ``telegeography``, an ``https://`` root, a directory, or a ``.zip`` /
        ``.tar.gz`` archive of a v3 or v2 root.

    Raises
    ------
    UserError
        If the name is unknown, the URL scheme not allowed or the path does not exist.
    """
    if spec in NAMED_SOURCES:
        return Source("remote", NAMED_SOURCES[spec].url, spec)
    if "://" in spec:
        from cablemap.sources.remote import check_remote_root

        return Source("remote", check_remote_root(spec))
    path = Path(spec).expanduser()
    try:
        if path.is_dir():
            return Source("directory", str(path.resolve()))
        if path.is_file() and is_archive(path):
            return Source("archive", str(path.resolve()))
        exists = path.exists()
    except OSError as exc:  # ENAMETOOLONG, ELOOP, EACCES on a parent
        raise UserError(f"source {clip(spec)}: cannot use this path ({exc.strerror})") from exc
    if exists:
        raise UserError(f"source {clip(spec)}: a file that is not a .zip/.tar.gz/.tgz archive")
    names = ", ".join(NAMED_SOURCES)
    raise UserError(
        f"source {clip(spec)}: no such directory or archive, and not a source name ({names}) "
        "or an https:// URL"
    )


def open_reader(source: Source, settings: Settings) -> Reader:
    """Open a reader for a source; the caller closes it."""
    if source.kind == "directory":
        root = find_layout_root(Path(source.location), label=source.location)
        return DirectoryReader(root, max_bytes=settings.max_response_bytes)
    if source.kind == "archive":
        return ArchiveReader(Path(source.location), max_bytes=settings.max_response_bytes)
    from cablemap.sources.remote import RemoteReader

    return RemoteReader(
        source.location, settings, http_cache=settings.cache_dir / "http-cache.sqlite"
    )
