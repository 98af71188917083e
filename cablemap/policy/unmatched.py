"""Names the carrier registry deliberately does not match, each with the reason why.

An owner or supplier string of the cable data that names no company (a consortium, a
cable's own special-purpose vehicle, "n.a."), or a company no public source could be
found for, is listed in a ``geodata/carriers/unmatched*.toml`` file rather than left
silently unknown. Schema (one table per name)::

    [[unmatched]]
    name = "Exact name as in the data"
    role = "owner"            # owner | supplier
    reason = "Why it is deliberately not in the registry"

The entity loader (:mod:`cablemap.policy.carriers`) skips these files; this module reads
them and checks them against the registry: a listed name that the registry *does* match
is an error, so a name is either known or deliberately unknown, never both.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from cablemap.errors import DataError
from cablemap.policy.carriers import Registry, default_registry, normalise_name
from cablemap.policy.toml_errors import read_toml, where
from cablemap.resources import geodata_dir

UNMATCHED_GLOB = "unmatched*.toml"
"""The files of the carriers directory that list deliberately unmatched names."""

UNMATCHED_ROLES = ("owner", "supplier")
UNMATCHED_KEYS = frozenset({"name", "role", "reason"})


@dataclass(frozen=True)
class Unmatched:
    """One name deliberately left out of the registry."""

    name: str
    role: str
    reason: str
    file: str = ""

    def as_dict(self) -> dict[str, str]:
        """The JSON form."""
        return {"name": self.name, "role": self.role, "reason": self.reason, "file": self.file}


@dataclass(frozen=True)
class UnmatchedList:
    """Every deliberately unmatched name, looked up by role and normalised name."""

    entries: tuple[Unmatched, ...]

    def reason(self, name: str, role: str) -> str | None:
        """Why ``name`` (as an owner or supplier) is not in the registry, or ``None``."""
        entry = self._index.get((role, normalise_name(name)))
        return entry.reason if entry else None

    @cached_property
    def _index(self) -> dict[tuple[str, str], Unmatched]:
        return {(e.role, normalise_name(e.name)): e for e in self.entries}


def load_unmatched(
    directory: Path | None = None, *, registry: Registry | None = None
) -> UnmatchedList:
    """Load and check every ``unmatched*.toml`` in the carriers directory.

    Parameters
    ----------
    directory
        The carriers directory (default: the shipped ``geodata/carriers``).
    registry
        The registry the names must not match (default: the shipped one).

    Raises
    ------
    DataError
        Naming the file and line of an unknown key, a missing or empty field, a role
        other than owner/supplier, a name listed twice for one role, or a name the
        registry matches.
    """
    directory = directory or geodata_dir() / "carriers"
    registry = registry if registry is not None else default_registry()
    entries: list[Unmatched] = []
    seen: dict[tuple[str, str], str] = {}
    for path in sorted(directory.glob(UNMATCHED_GLOB)):
        doc, text = read_toml(path)
        extra = sorted(set(doc) - {"unmatched"})
        if extra:
            raise DataError(
                f"{where(path, text, extra[0])}: unknown table or key {extra[0]!r}; an "
                "unmatched file holds only [[unmatched]] tables (entities go in other files)"
            )
        raw_entries = doc.get("unmatched", [])
        if not isinstance(raw_entries, list):
            raise DataError(f"{where(path, text, 'unmatched')}: 'unmatched' must be [[unmatched]]")
        starts = _table_lines(text)
        for index, raw in enumerate(raw_entries):
            start = starts[index] if index < len(starts) else None
            entry = _entry(raw, path, text, start)
            key = (entry.role, normalise_name(entry.name))
            location = _at(path, text, start, "name")
            if key in seen:
                raise DataError(
                    f"{location}: {entry.role} {entry.name!r} is already listed in {seen[key]}; "
                    "list each name once per role"
                )
            matched = registry.match(entry.name)
            if matched is not None:
                raise DataError(
                    f"{location}: {entry.role} {entry.name!r} is matched by registry entity "
                    f"{matched.id!r} ({matched.file}); remove it from the unmatched list"
                )
            seen[key] = path.name
            entries.append(entry)
    return UnmatchedList(tuple(entries))


@cache
def default_unmatched() -> UnmatchedList:
    """The shipped list of deliberately unmatched names (loaded once)."""
    return load_unmatched()


def _table_lines(text: str) -> list[int]:
    """The line (1-based) of each ``[[unmatched]]`` header, in order."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip().startswith("[[unmatched]]")
    ]


def _at(path: Path, text: str, start: int | None, key: str) -> str:
    """``file:line`` of ``key =`` in the table starting at line ``start`` (else the table)."""
    if start is None:
        return str(path)
    lines = text.splitlines()
    for number in range(start + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped.startswith("["):
            break
        if stripped.split("=", 1)[0].strip().strip('"') == key:
            return f"{path}:{number}"
    return f"{path}:{start}"


def _entry(raw: Any, path: Path, text: str, start: int | None) -> Unmatched:
    name = raw.get("name") if isinstance(raw, dict) else None

    def fail(message: str, key: str = "") -> DataError:
        location = _at(path, text, start, key) if key else _at(path, text, start, "name")
        return DataError(f"{location}: unmatched name {name!r}: {message}")

    if not isinstance(raw, dict):
        raise fail("each [[unmatched]] must be a table")
    unknown = sorted(set(raw) - UNMATCHED_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (allowed: name, role, reason)", unknown[0])
    for key in ("name", "role", "reason"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"missing or empty {key!r}; every listed name says why it is listed", key)
    if raw["role"] not in UNMATCHED_ROLES:
        raise fail(f"role {raw['role']!r} is not one of {list(UNMATCHED_ROLES)}", "role")
    return Unmatched(raw["name"], raw["role"], raw["reason"].strip(), path.name)
