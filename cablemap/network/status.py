"""The cable status overlay (``geodata/status.toml``): cables routing leaves out.

Retired, military, non-commercial, occupied-territory and cancelled cables, and
planned cables that are in service.

Each entry is curated and cited; the loader refuses an entry without a known status, a
year, a reason or a source, naming the file and the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from cablemap.errors import DataError
from cablemap.resources import geodata_dir, load_geodata_toml

STATUS_FILE = "status.toml"
EXCLUDED_STATUSES = ("retired", "military", "non-commercial", "occupied-territory", "cancelled")
"""Statuses routing leaves out by default (``--include-status KIND`` brings one back)."""
STATUSES = (*EXCLUDED_STATUSES, "in-service")
DATED_STATUSES = ("retired", "cancelled")
"""Statuses that apply only from their ``since`` year (a cable retired in 2010 carried
traffic in 2005); the others apply whatever the year."""


@dataclass(frozen=True)
class CableStatus:
    """One overlay entry: a cable's status, since when, why, and the sources."""

    cable_id: str
    status: str
    since_year: int
    reason: str
    sources: tuple[dict[str, str], ...]
    note: str | None = None

    def applies_in(self, year: int) -> bool:
        """Whether the status holds in ``year``."""
        return self.status not in DATED_STATUSES or self.since_year <= year

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "cable_id": self.cable_id,
            "status": self.status,
            "since": self.since_year,
            "reason": self.reason,
            "sources": [dict(s) for s in self.sources],
            "note": self.note,
        }


@cache
def load_status_overlay() -> dict[str, CableStatus]:
    """The shipped status overlay, by cable id (read and checked once per process).

    Raises
    ------
    DataError
        An entry with an unknown status, no year, no reason or no source.
    """
    entries = load_geodata_toml(STATUS_FILE).get("cable", [])
    found: dict[str, CableStatus] = {}
    for number, entry in enumerate(entries, start=1):
        status = _parse(entry, number)
        if status.cable_id in found:
            _fail(number, f"cable {status.cable_id!r} appears twice")
        found[status.cable_id] = status
    return found


def _parse(entry: dict[str, Any], number: int) -> CableStatus:
    cable_id = entry.get("id")
    if not isinstance(cable_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", cable_id):
        _fail(number, f"id must be a cable slug, not {cable_id!r}")
    status = entry.get("status")
    if status not in STATUSES:
        _fail(number, f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    match = re.match(r"(\d{4})", str(entry.get("since", "")))
    if match is None:
        _fail(number, "since must start with a year (YYYY or YYYY-MM)")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        _fail(number, "reason is missing")
    sources = entry.get("sources")
    if not isinstance(sources, list) or not sources:
        raise _error(number, "at least one source is needed")
    for source in sources:
        if not isinstance(source, dict) or not str(source.get("url", "")).startswith("http"):
            _fail(number, "every source needs a url")
    assert match is not None  # _fail raised otherwise
    return CableStatus(
        str(cable_id),
        str(status),
        int(match.group(1)),
        str(reason),
        tuple({str(k): str(v) for k, v in s.items()} for s in sources),
        entry.get("note"),
    )


def _fail(number: int, message: str) -> None:
    raise _error(number, message)


def _error(number: int, message: str) -> DataError:
    return DataError(f"{geodata_dir() / STATUS_FILE}: cable entry {number}: {message}")
