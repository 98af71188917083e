"""Locate the project's own curated data files (``geodata/``).

In a source checkout (or an editable install) they live in ``geodata/`` at the top of the
repository; a built wheel carries the same files as ``cablemap/geodata/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from cablemap.errors import DataError

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def geodata_dir() -> Path:
    """Return the directory holding the curated data files."""
    for candidate in (_PACKAGE_DIR / "geodata", _PACKAGE_DIR.parent / "geodata"):
        if candidate.is_dir():
            return candidate
    raise DataError("the curated data directory geodata/ is missing; reinstall cablemap")


@cache
def load_geodata_toml(name: str) -> dict[str, Any]:
    """Parse one TOML file of ``geodata/`` (cached; callers must not mutate the result)."""
    import tomllib  # lazily: the stored network's route path reads no TOML

    path = geodata_dir() / name
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{path}: cannot read curated data ({exc}); reinstall cablemap") from exc
