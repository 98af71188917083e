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


def write_with(path: Path, writer: Callable[[Path], object]) -> Path:
    """Let ``writer`` fill a temporary file beside ``path``, then move it into place.

    Raises
    ------
    UserError
        If the directory does not exist or cannot be written.
    """
    path = Path(path).expanduser()
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UserError(f"cannot write {path}: directory {directory} does not exist")
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    os.close(handle)
    tmp = Path(name)
    try:
        writer(tmp)
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    current = os.umask(0o022)
    os.umask(current)
    return current
