"""Read one overlay file and check every record, naming the file and line of a bad one.

Overlay files may come from anyone (a shared folder, a download), so they are read as
hostile: sizes, counts and string lengths are capped, every field's type is checked,
unknown fields are refused (a typo must not drop a fact silently), and every record must
carry its source (title, publisher, date, https URL) and a known licence. A problem is
one :class:`OverlayError` line: ``FILE:LINE: record N (KIND 'ID'): what is wrong``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from cablemap.dataset.overlay.fields import (
    NAME_LISTS,
    SLUG,
    check_licence,
    check_source,
    check_value,
    clean_text,
)
from cablemap.dataset.overlay.model import KINDS, Overlay, Record
from cablemap.errors import DataError, UserError, clip

MAX_FILE_BYTES = 1024 * 1024
"""Largest overlay TOML file read."""
MAX_RECORDS = 5000
HEADER = re.compile(r"^\s*\[\[\s*record\s*\]\]\s*(?:#.*)?$")

COMMON = {"kind", "id", "source", "licence", "note"}
FIELDS = {
    "add-cable": {
        "name",
        "landing_points",
        "owners",
        "suppliers",
        "rfs",
        "status",
        "length_km",
        "url",
        "links",
    },
    "change-cable": {
        *NAME_LISTS,  # owners, suppliers: replaced, added to or removed from
        "status",
        "rfs",
        "length_km",
        "name",
    },
    "add-station": {"name", "country", "lon", "lat"},
    "retire-cable": {"since"},
}
REQUIRED = {
    "add-cable": {"name", "landing_points", "owners", "rfs", "status"},
    "change-cable": set(),
    "add-station": {"name", "country", "lon", "lat"},
    "retire-cable": {"since"},
}


class OverlayError(DataError):
    """A malformed overlay file or record (exit code 3), named by file and line."""


def read_overlay(path: Path) -> Overlay:
    """Read and check one overlay file (and its GeoJSON file, if it names one).

    Parameters
    ----------
    path
        The overlay's TOML file.

    Returns
    -------
    Overlay
        The header, the checked records and the drawn routes.

    Raises
    ------
    UserError
        The file cannot be read.
    OverlayError
        Not UTF-8 TOML, too big, or a record that is malformed or lacks its source,
        date or licence.
    """
    import tomllib

    content = _read_capped(path, MAX_FILE_BYTES)
    name = path.name
    try:
        text = content.decode("utf-8")
        document = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise OverlayError(f"{name}:{line}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise OverlayError(
            f"{name}:{found.group(1) if found else 1}: invalid TOML ({clip(str(exc), 160)})"
        ) from None
    header = _header(document, name)
    records = _records(document, text, name)
    digest = hashlib.sha256(content)
    drawn: dict[str, tuple[tuple[tuple[float, float], ...], ...]] = {}
    if header["geometry"] is not None:
        from cablemap.dataset.overlay.drawn import read_drawn

        geo_path = path.parent / header["geometry"]
        geo_bytes = _read_capped(geo_path, 16 * MAX_FILE_BYTES)
        digest.update(geo_bytes)
        drawn = read_drawn(geo_bytes, geo_path.name)
    return Overlay(
        header["id"],
        header["title"],
        header["publisher"],
        name,
        digest.hexdigest(),
        records,
        drawn,
    )


def _read_capped(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            content = handle.read(limit + 1)
    except OSError as exc:
        raise UserError(
            f"overlay {clip(path.name)}: cannot read it ({exc.strerror or exc}); check the path"
        ) from None
    if len(content) > limit:
        raise OverlayError(f"{path.name}:1: larger than {limit} bytes; refusing it")
    return content


def _header(document: dict[str, Any], name: str) -> dict[str, Any]:
    header = document.get("overlay")
    if not isinstance(header, dict):
        raise OverlayError(f"{name}:1: no [overlay] table (id, title, publisher)")
    unknown = set(header) - {"id", "title", "publisher", "geometry", "description"}
    if unknown:
        raise OverlayError(f"{name}:1: [overlay] has unknown fields {sorted(unknown)}")
    overlay_id = header.get("id")
    if not isinstance(overlay_id, str) or not SLUG.fullmatch(overlay_id):
        raise OverlayError(f"{name}:1: [overlay] id must be a slug (a-z, 0-9, -)")
    for key in ("title", "publisher"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise OverlayError(f"{name}:1: [overlay] {key} is missing")
    geometry = header.get("geometry")
    if geometry is not None and (
        not isinstance(geometry, str)
        or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(geo)?json", geometry)
    ):
        raise OverlayError(
            f"{name}:1: [overlay] geometry must name a .geojson file beside the overlay"
        )
    return {
        "id": overlay_id,
        "title": clean_text(header["title"]),
        "publisher": clean_text(header["publisher"]),
        "geometry": geometry,
    }


def _records(document: dict[str, Any], text: str, name: str) -> tuple[Record, ...]:
    unknown = set(document) - {"overlay", "record"}
    if unknown:
        raise OverlayError(f"{name}:1: unknown top-level keys {sorted(unknown)}; use [[record]]")
    entries = document.get("record", [])
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if HEADER.match(line)]
    if not isinstance(entries, list) or len(lines) != len(entries):
        raise OverlayError(f"{name}:1: write each record as a [[record]] table")
    if len(entries) > MAX_RECORDS:
        raise OverlayError(f"{name}:1: more than {MAX_RECORDS} records")
    records: list[Record] = []
    seen: set[tuple[str, str]] = set()
    for number, (entry, line) in enumerate(zip(entries, lines, strict=True), start=1):
        record = _record(entry, name, line, number)
        key = (record.kind, record.target)
        if key in seen:
            raise OverlayError(
                f"{name}:{line}: record {number}: a second {record.kind} record for "
                f"{record.target!r}; merge them"
            )
        seen.add(key)
        records.append(record)
    return tuple(records)


def _record(entry: Any, name: str, line: int, number: int) -> Record:
    def fail(message: str) -> OverlayError:
        label = f"{kind} {clip(target, 60)}" if target else kind
        return OverlayError(f"{name}:{line}: record {number} ({label}): {message}")

    kind = entry.get("kind") if isinstance(entry, dict) else None
    target = entry.get("id") if isinstance(entry, dict) else None
    target = target if isinstance(target, str) else ""
    if kind not in KINDS:
        kind = "?"
        raise fail(f"kind must be one of {', '.join(KINDS)}")
    if not SLUG.fullmatch(target):
        raise fail("id must be a slug (lower-case letters, digits and hyphens)")
    unknown = set(entry) - COMMON - FIELDS[kind]
    if unknown:
        raise fail(f"unknown fields {sorted(unknown)} (allowed: {sorted(FIELDS[kind])})")
    missing = REQUIRED[kind] - set(entry)
    if missing:
        raise fail(f"missing {sorted(missing)}")
    source = check_source(entry.get("source"), fail)
    licence = check_licence(entry.get("licence"), fail)
    values = {k: check_value(k, v, fail) for k, v in entry.items() if k in FIELDS[kind]}
    if kind == "change-cable" and not values:
        raise fail("changes nothing: give owners, suppliers, status, rfs, length_km or name")
    if kind == "add-cable" and len(values["landing_points"]) < 2:
        raise fail("landing_points needs at least two landing points")
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        raise fail("note must be a string")
    note = clean_text(note) if note else None
    return Record(kind, target, values, source, licence, name, line, note)
