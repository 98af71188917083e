"""Write output files safely: to a temporary file beside the target, then rename.

A failed run (an error, Ctrl-C) never leaves a half-written file, and never replaces a
file the user already had. Further rules, the same for every output:

- A file that is replaced keeps its permission bits (a 0600 file stays 0600); a new
  file gets the usual ``0666 & ~umask``.
- An output path that is a symbolic link is written *through*: the link is resolved
  and its target replaced, so the link stays a link (a dangling link creates its
  target). The directory checks apply to the target.
- A command writing several files renders them all first, then writes them with
  :func:`write_all`: all are written or none; on a failure the files just written are
  removed and the user's earlier files are put back.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

from cablemap.errors import UserError


def write_atomically(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` all at once (see the module docstring)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return write_with(path, lambda tmp: tmp.write_bytes(data))


def check_output_path(path: Path, suffixes: tuple[str, ...] = ()) -> Path:
    """Check, before any work, that a file can be written at ``path``.

    Raises
    ------
    UserError
        If its directory does not exist, it is a directory, or its suffix is not one of
        ``suffixes`` (when given).
    """
    path = Path(path).expanduser()
    if path.is_symlink():
        try:  # write through the link (see the module docstring)
            path = path.resolve(strict=False)
        except (OSError, RuntimeError) as exc:
            raise UserError(f"cannot write {path}: a symbolic link that loops ({exc})") from exc
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UserError(f"cannot write {path}: directory {directory} does not exist")
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a directory; give a file name")
    if suffixes and path.suffix.lower() not in suffixes:
        raise UserError(f"cannot write {path}: the file name must end in {' or '.join(suffixes)}")
    return path


def write_with(path: Path, writer: Callable[[Path], object]) -> Path:
    """Let ``writer`` fill a temporary file beside ``path``, then move it into place.

    Raises
    ------
    UserError
        If the directory does not exist, ``path`` is a directory, or the file cannot be
        written there (permissions, full disk); the user's file, if any, is untouched.
    """
    path = check_output_path(path)
    tmp = _temporary(path, writer)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_all(files: Mapping[Path, str | bytes]) -> list[Path]:
    """Write several files, all or none (see the module docstring).

    Every file is first written to a temporary name beside its target; only when all
    are complete are they moved into place. If a move fails, the targets already moved
    get their previous content back (or are removed if they are new).

    Returns
    -------
    list of pathlib.Path
        The paths written (symbolic links resolved), in the order given.

    Raises
    ------
    UserError
        If any file cannot be written; then no target has changed.
    """
    targets = [check_output_path(path) for path in files]
    temps: list[Path] = []
    try:
        for target, content in zip(targets, files.values(), strict=True):
            data = content.encode("utf-8") if isinstance(content, str) else content
            temps.append(_temporary(target, partial(Path.write_bytes, data=data)))
        _move_all(temps, targets)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return targets


def _temporary(path: Path, writer: Callable[[Path], object]) -> Path:
    """A complete temporary file beside ``path``, with the mode ``path`` will have."""
    try:
        import tempfile  # writers only: read commands do not pay its import

        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    os.close(handle)
    tmp = Path(name)
    try:
        writer(tmp)
        tmp.chmod(_mode_for(path))
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _move_all(temps: list[Path], targets: list[Path]) -> None:
    """Move each temporary file onto its target; on a failure, undo the moves made."""
    backups: dict[Path, Path | None] = {}
    try:
        for tmp, target in zip(temps, targets, strict=True):
            backups[target] = _backup(target)
            os.replace(tmp, target)
    except BaseException as exc:
        for target, backup in backups.items():
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UserError(
                f"cannot write {target}: {exc.strerror or exc}; no file was changed"
            ) from exc
        raise
    for backup in backups.values():
        if backup is not None:
            backup.unlink(missing_ok=True)


def _backup(target: Path) -> Path | None:
    """A hard link to ``target`` (or ``None`` if it does not exist), to restore it from."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.{os.getpid()}.bak")
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:
        import shutil

        shutil.copy2(target, backup)
    return backup


def _mode_for(path: Path) -> int:
    """The permission bits for ``path``: those of the file there, else the usual ones."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    current = os.umask(0o022)
    os.umask(current)
    return current
