"""Write output files safely: to a temporary file beside the target, then rename.

A failed run (an error, Ctrl-C) never leaves a half-written file, and never replaces a
file the user already had.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
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
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    os.close(handle)
    tmp = Path(name)
    try:
        writer(tmp)
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    current = os.umask(0o022)
    os.umask(current)
    return current
