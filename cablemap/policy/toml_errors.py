"""Locate problems in TOML files: the line a key or value stands on, for error messages."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from cablemap.errors import CablemapError, DataError


def read_toml(path: Path, error: type[CablemapError] = DataError) -> tuple[dict[str, Any], str]:
    """Parse a TOML file, returning the document and its text.

    Raises
    ------
    DataError
        (or ``error``) naming the file and the line for unreadable or invalid TOML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from exc
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: invalid TOML: {exc}; fix the file") from exc


def line_of(text: str, *needles: str) -> int | None:
    """The first line (1-based) that contains every needle, or ``None``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if all(needle in line for needle in needles):
            return number
    return None


def where(path: Path, text: str, *needles: str) -> str:
    """``"file:line"`` for the first line holding the needles, else just the file."""
    line = line_of(text, *needles)
    return f"{path}:{line}" if line else str(path)


def check_table(
    raw: Any, allowed: frozenset[str], required: tuple[str, ...], fail: Any, what: str
) -> dict[str, Any]:
    """Check one TOML table (a source, a citation): a table, known keys, required strings.

    ``fail(message, *needles)`` builds the error to raise (it knows file and line).
    """
    if not isinstance(raw, dict):
        raise fail(f"each {what} must be a table")
    unknown = set(raw) - allowed
    if unknown:
        key = sorted(unknown)[0]
        raise fail(f"unknown {what} key {key!r}", key)
    for key in required:
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise fail(f"a {what} lacks {key!r}")
    return raw
