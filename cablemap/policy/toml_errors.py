"""Locate problems in TOML files: the line a key or value stands on, for error messages."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from cablemap.errors import CablemapError, DataError

MAX_TOML_BYTES = 1024 * 1024
"""Largest TOML file read (1 MiB); the shipped files are a few KiB each."""

MAX_TOML_DEPTH = 16
"""Deepest nesting of tables and arrays accepted; policies and registries use 3 or 4."""


def read_toml(path: Path, error: type[CablemapError] = DataError) -> tuple[dict[str, Any], str]:
    """Parse a TOML file, returning the document and its text.

    A UTF-8 byte order mark at the start is accepted and dropped. Files larger than
    :data:`MAX_TOML_BYTES` or nested deeper than :data:`MAX_TOML_DEPTH` are refused,
    so a hostile file cannot exhaust memory or the interpreter's recursion limit.

    Raises
    ------
    DataError
        (or ``error``) naming the file and the line for unreadable, oversized, too deeply
        nested or invalid TOML.
    """
    try:
        size = path.stat().st_size
        if size > MAX_TOML_BYTES:
            raise error(
                f"{path}: {size:,} bytes, over the {MAX_TOML_BYTES:,}-byte limit for TOML "
                "files; is it the right file?"
            )
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from exc
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: invalid TOML: {exc}; fix the file") from exc
    except RecursionError as exc:
        raise error(_too_deep(path)) from exc
    if _depth(doc) > MAX_TOML_DEPTH:
        raise error(_too_deep(path))
    return doc, text


def _too_deep(path: Path) -> str:
    return (
        f"{path}: tables or arrays nested more than {MAX_TOML_DEPTH} levels deep; flatten the file"
    )


def _depth(doc: Any) -> int:
    """How deeply tables and arrays nest in ``doc`` (counted without recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_TOML_DEPTH:
            break
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


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


def where_after(path: Path, text: str, anchors: tuple[tuple[str, ...], ...], *needles: str) -> str:
    """``"file:line"`` for the first line with ``needles`` after a chain of anchor lines.

    Each anchor (a tuple of needles) is looked for after the previous one, so a problem in
    the second stake of the fifth entity is placed on its line, not on the first line of
    the file that happens to hold the same key. Falls back to the last anchor found.
    """
    lines = text.splitlines()
    start, found = 0, None
    for anchor in anchors:
        hit = _first(lines, start, anchor)
        if hit is None:
            break
        start = found = hit
    hit = _first(lines, start, needles) if needles else None
    line = hit if hit is not None else found
    return f"{path}:{line + 1}" if line is not None else str(path)


def _first(lines: list[str], start: int, needles: tuple[str, ...]) -> int | None:
    for number in range(start, len(lines)):
        if all(needle in lines[number] for needle in needles):
            return number
    return None
