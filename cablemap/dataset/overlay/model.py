"""The records of an overlay, and what each one says about a cable or a station."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cablemap.citation import Citation

KINDS = ("add-cable", "change-cable", "add-station", "retire-cable")
"""What one record can do."""


@dataclass(frozen=True)
class Source(Citation):
    """Where a record's facts come from: a public document with its date.

    The fields and JSON form of every citation (:class:`cablemap.citation.Citation`);
    ``date`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, when the source was published.
    """

    def short(self) -> str:
        """``publisher, "title", date, url``, for one line of text."""
        return f'{self.publisher}, "{self.title}", {self.date}, {self.url}'


@dataclass(frozen=True)
class Record:
    """One overlay record: what it does, to which cable or station, and on whose word."""

    kind: str
    """One of :data:`KINDS`."""
    target: str
    """The id of the cable (or station) the record adds, changes or retires."""
    values: dict[str, Any]
    """The record's fields other than kind, id, source and licence (checked types)."""
    source: Source
    licence: str
    """SPDX-style licence id of the record (:mod:`cablemap.dataset.overlay.licences`)."""
    file: str
    """The overlay file's name (never its directory: outputs carry no local path)."""
    line: int
    """The line of the record's ``[[record]]`` header in that file."""
    note: str | None = None

    @property
    def where(self) -> str:
        """``file:line`` of the record."""
        return f"{self.file}:{self.line}"

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (what ``data overlay list --format json`` prints)."""
        return {
            "kind": self.kind,
            "id": self.target,
            "record": self.where,
            **{k: v for k, v in self.values.items() if k != "geometry"},
            "source": self.source.as_dict(),
            "date": self.source.date,
            "licence": self.licence,
            "note": self.note,
        }


@dataclass(frozen=True)
class Overlay:
    """One overlay file: its header, its records and the hash of its content."""

    id: str
    title: str
    publisher: str
    file: str
    sha256: str
    """SHA-256 of the TOML file and its GeoJSON file, if any."""
    records: tuple[Record, ...]
    drawn: dict[str, tuple[tuple[tuple[float, float], ...], ...]] = field(default_factory=dict)
    """Published or hand-drawn routes by cable id, from the overlay's GeoJSON file."""

    @property
    def licences(self) -> tuple[str, ...]:
        """Every licence its records carry, sorted."""
        return tuple(sorted({r.licence for r in self.records}))

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: header, hash, licences and every record."""
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "file": self.file,
            "sha256": self.sha256,
            "licences": list(self.licences),
            "records": [r.as_dict() for r in self.records],
        }


@dataclass(frozen=True)
class Fact:
    """One fact an overlay record put into the data, for outputs that cite it."""

    subject: str
    """``cable`` or ``station``."""
    subject_id: str
    field: str
    """``cable`` (added), ``owners``, ``suppliers``, ``status``, ``geometry``, ``station``..."""
    value: Any
    overlay: str
    record: str
    """``file:line`` of the record."""
    source: Source
    licence: str
    approximate: bool = False
    """True for a schematic geometry (drawn by cablemap along the sea, not published)."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "subject": self.subject,
            "id": self.subject_id,
            "field": self.field,
            "value": self.value,
            "overlay": self.overlay,
            "record": self.record,
            "source": self.source.as_dict(),
            "licence": self.licence,
            "approximate": self.approximate,
        }

    def line(self) -> str:
        """One line of text: what came from which record, on whose word."""
        approx = " (schematic path, approximate)" if self.approximate else ""
        return (
            f"{self.subject_id}: {self.field}{approx} from overlay {self.overlay} "
            f"({self.record}; {self.licence}); source: {self.source.short()}"
        )


@dataclass(frozen=True)
class OverlayNote:
    """What every output says of one overlay in use: id, title, sources, licences."""

    id: str
    title: str
    publisher: str
    sha256: str
    records: int
    licences: tuple[str, ...]
    sources: tuple[Source, ...]
    approximate: tuple[str, ...] = ()
    """Cables of this overlay drawn with a schematic (approximate) path."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (inside the ``data`` object of JSON outputs)."""
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "sha256": self.sha256,
            "records": self.records,
            "licences": list(self.licences),
            "sources": [s.as_dict() for s in self.sources],
            "approximate_geometry": list(self.approximate),
        }

    def line(self) -> str:
        """One sentence for the Data line of tables, maps, images and reports."""
        publishers = sorted({s.publisher for s in self.sources})
        shown = ", ".join(publishers[:6]) + (
            f" and {len(publishers) - 6} more" if len(publishers) > 6 else ""
        )
        approx = (
            f"; schematic paths (approximate): {', '.join(self.approximate)}"
            if self.approximate
            else ""
        )
        return (
            f"Overlay {self.id} ({self.title}, {self.publisher}; {self.records} records, "
            f"{', '.join(self.licences)}; sources: {shown}{approx})."
        )


def overlay_note(overlay: Overlay, approximate: frozenset[str] = frozenset()) -> OverlayNote:
    """The note outputs carry for ``overlay``."""
    sources: dict[str, Source] = {}
    for record in overlay.records:
        sources.setdefault(record.source.url, record.source)
    mine = {r.target for r in overlay.records if r.kind == "add-cable"}
    return OverlayNote(
        overlay.id,
        overlay.title,
        overlay.publisher,
        overlay.sha256[:12],
        len(overlay.records),
        overlay.licences,
        tuple(sources.values()),
        tuple(sorted(mine & approximate)),
    )


def note_from_dict(data: Any) -> OverlayNote:
    """Read back :meth:`OverlayNote.as_dict` (raises ``ValueError`` on another shape)."""
    keys = {
        "id",
        "title",
        "publisher",
        "sha256",
        "records",
        "licences",
        "sources",
        "approximate_geometry",
    }
    if not isinstance(data, dict) or set(data) != keys:
        raise ValueError("overlay note is not an object with the expected keys")
    sources = data["sources"]
    if not isinstance(sources, list) or not all(
        isinstance(s, dict)
        and set(s) == {"title", "publisher", "date", "url"}
        and all(isinstance(v, str) for v in s.values())
        for s in sources
    ):
        raise ValueError("overlay note sources are malformed")
    texts = [data[k] for k in ("id", "title", "publisher", "sha256")]
    lists = [data["licences"], data["approximate_geometry"]]
    if (
        not all(isinstance(v, str) for v in texts)
        or not isinstance(data["records"], int)
        or not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in lists)
    ):
        raise ValueError("overlay note values are malformed")
    return OverlayNote(
        data["id"],
        data["title"],
        data["publisher"],
        data["sha256"],
        data["records"],
        tuple(lists[0]),
        tuple(Source(s["title"], s["publisher"], s["date"], s["url"]) for s in sources),
        tuple(lists[1]),
    )
