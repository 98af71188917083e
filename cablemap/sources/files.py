"""Readers for sources on disk: a directory, or a ``.zip`` / ``.tar.gz`` archive of one.

Archives are unpacked into a private temporary directory with every member checked, so
that no member can land outside it (absolute paths, ``..``, links) and the total size is
bounded; then they are read like a directory.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cablemap.errors import DataError, UserError
from cablemap.sources.layout import CABLE_GEO

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz")
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""Largest total size an archive may unpack to (guards against archive bombs)."""


@dataclass(frozen=True)
class FileData:
    """One raw file: its path relative to the source root, its bytes, validators."""

    relpath: str
    content: bytes
    etag: str | None = None
    last_modified: str | None = None
    revalidated: bool = False
    """True when an unchanged file was confirmed by the server (HTTP 304), not re-sent."""


class DirectoryReader:
    """Read raw files from a directory laid out like a v3 or v2 root."""

    def __init__(self, root: Path, *, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.description = str(root)

    def read(self, relpath: str, *, optional: bool = False) -> FileData | None:
        """Return one file, or ``None`` for a missing optional file."""
        path = self.root / relpath
        if not path.is_file():
            if optional:
                return None
            raise DataError(f"{path}: required file is missing; is {self.root} a v3/v2 root?")
        if path.stat().st_size > self.max_bytes:
            raise DataError(f"{path}: file is larger than {self.max_bytes} bytes; refusing it")
        return FileData(relpath, path.read_bytes())

    def read_many(self, relpaths: Iterable[str]) -> Iterator[FileData]:
        """Yield every named (required) file."""
        for relpath in relpaths:
            data = self.read(relpath)
            assert data is not None
            yield data

    def close(self) -> None:
        """Nothing to release for a directory."""


class ArchiveReader(DirectoryReader):
    """Unpack an archive safely into a temporary directory and read it from there."""

    def __init__(self, archive: Path, *, max_bytes: int) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="cablemap-archive-"))
        try:
            unpack_archive(archive, self._tmp)
            root = find_layout_root(self._tmp, label=str(archive))
        except BaseException:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise
        super().__init__(root, max_bytes=max_bytes)
        self.description = str(archive)

    def close(self) -> None:
        """Remove the unpacked files."""
        shutil.rmtree(self._tmp, ignore_errors=True)


def is_archive(path: Path) -> bool:
    """Tell whether a path names a supported archive by its suffix."""
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def unpack_archive(archive: Path, target: Path) -> None:
    """Unpack ``archive`` into ``target``, refusing members that would escape it.

    Raises
    ------
    DataError
        If the archive is unreadable, has an unsafe member or unpacks too large.
    """
    try:
        if archive.name.lower().endswith(".zip"):
            _unpack_zip(archive, target)
        else:
            _unpack_tar(archive, target)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise DataError(f"{archive}: cannot unpack archive ({exc})") from exc


def _check_member(archive: Path, name: str) -> None:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        raise DataError(f"{archive}: member {name!r} would be written outside the target")


def _unpack_zip(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise DataError(f"{archive}: unpacks to more than {MAX_UNPACKED_BYTES} bytes")
        for member in members:
            _check_member(archive, member.filename)
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                raise DataError(f"{archive}: member {member.filename!r} is a symbolic link")
        zf.extractall(target)


def _unpack_tar(archive: Path, target: Path) -> None:
    with tarfile.open(archive, "r:*") as tf:
        members = tf.getmembers()
        if sum(m.size for m in members) > MAX_UNPACKED_BYTES:
            raise DataError(f"{archive}: unpacks to more than {MAX_UNPACKED_BYTES} bytes")
        for member in members:
            _check_member(archive, member.name)
            if not (member.isfile() or member.isdir()):
                raise DataError(f"{archive}: member {member.name!r} is not a plain file")
        tf.extractall(target, filter="data")


def find_layout_root(top: Path, *, label: str) -> Path:
    """Find the directory under ``top`` (at most three levels down) that holds the layout."""
    for depth in range(4):
        pattern = "/".join(["*"] * depth + [CABLE_GEO]) if depth else CABLE_GEO
        matches = sorted(top.glob(pattern))
        if matches:
            return matches[0].parent.parent
    raise UserError(f"{label}: no {CABLE_GEO} found inside; it is not a v3/v2 cable dataset")
