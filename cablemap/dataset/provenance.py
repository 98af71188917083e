"""What every deliverable says about its data: source, date, snapshot, attribution.

A reader of a map, report or table must know where the cable data came from and how
old it is, and never sees a local path. :func:`provenance_of` derives that from the
records read and from where they were found (see ``docs/data.md``, "Provenance"):

- **source**: the name of a known source, found by the snapshot's recorded source
  (``data fetch --source open``) or by the content of a known frozen copy (the same
  files imported or given with ``--data``); otherwise the layout only.
- **as of**: the date the data states it was made (v2 ``config.json``), else the newest
  ready-for-service month of a cable the data lists as in service (not planned): the
  data cannot be older than that. ``"unknown"`` when neither exists.
- **snapshot**: the stored snapshot's id, or ``direct:<directory name>`` for ``--data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.dataset.overlay.model import OverlayNote
    from cablemap.dataset.records import RawData

ATTRIBUTION = "Cable data: TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0)"
"""The attribution the data's licence requires on everything made from it."""

KNOWN_COPIES = {
    # github.com/stevesong/open_undersea_cable_map, commit e7903491 (2023-10-23): the
    # open copy is frozen, so its files hash to this (see cablemap.dataset.read).
    "84c02faac9bd07d3d64085f0fa7144c2d22eb353367dedb327248d3ef8add0c3": "open",
    # github.com/telegeography/www.submarinecablemap.com, public/api/v2, last commit
    # 85198ba3 (2021-06-29).
    "1d8799b560167db3c33af876b56aa5d6252913f72a3d0aa34552b3e4a5048db4": "telegeography-v2",
}
"""Content hashes of known frozen copies, to the name of their source."""

SOURCE_TITLES = {
    "open": "TeleGeography Submarine Cable Map, open copy (Open Undersea Cable Map)",
    "telegeography": "TeleGeography Submarine Cable Map (live v3 API)",
    "telegeography-v2": "TeleGeography Submarine Cable Map (public v2 files, GitHub)",
}
"""Reader-facing names of the known sources."""

RULE_CREATED = "the date the data states it was made"
RULE_NEWEST_RFS = "the newest ready-for-service date of a cable in service"
RULE_UNKNOWN = "the data states no date and lists no cable in service with a date"


@dataclass(frozen=True)
class Provenance:
    """Where the data of a deliverable came from, in words a reader can check."""

    source: str
    """Reader-facing name of the source (never a local path)."""
    as_of: str
    """``YYYY-MM`` (or ``YYYY``) the data is as of, or ``"unknown"``."""
    as_of_rule: str
    """How :attr:`as_of` was found."""
    snapshot: str
    """The snapshot id, or ``direct:<directory name>``."""
    attribution: str = ATTRIBUTION
    overlays: tuple[OverlayNote, ...] = ()
    """Overlays laid over the data (:mod:`cablemap.dataset.overlay`), with their sources.

    :func:`with_overlays` also names them in :attr:`source` and :attr:`attribution`, the
    two fields every output (tables, maps, images, reports) prints.
    """

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (the ``data`` object of JSON outputs); ``overlays`` if any."""
        data: dict[str, Any] = {
            "source": self.source,
            "as_of": self.as_of,
            "as_of_rule": self.as_of_rule,
            "snapshot": self.snapshot,
            "attribution": self.attribution,
        }
        if self.overlays:
            data["overlays"] = [note.as_dict() for note in self.overlays]
        return data

    def short(self) -> str:
        """Source, date and snapshot (for captions that show the attribution apart)."""
        return f"{self.source}, data as of {self.as_of}, snapshot {self.snapshot}"

    def line(self, policy: str | None = None) -> str:
        """One line for a footer, caption or legend, with the policy's name if any."""
        used = f" Policy: {policy}." if policy else ""
        return f"Data: {self.short()}.{used} {self.attribution}."

    def csv_comment(self, policy: str | None = None) -> str:
        """:meth:`line` as the first line of a CSV file: ``#``, the text, a line break.

        CSV on the Web (W3C) takes ``#`` as its default comment prefix; pandas skips
        the line with ``skiprows=1``; a spreadsheet shows it in cell A1, above the
        column names.
        """
        from cablemap.sanitize import csv_comment  # no part of it read as a formula

        return csv_comment(" ".join(self.line(policy).split()))


def with_overlays(provenance: Provenance, notes: tuple[OverlayNote, ...]) -> Provenance:
    """``provenance`` naming the overlays laid over the data, their sources and licences.

    The source gains ``+ overlay ID`` for each overlay; the attribution gains one sentence
    per overlay (title, publisher, records, licences, sources' publishers, schematic
    paths), so every output that prints either names them.
    """
    from dataclasses import replace

    if not notes:
        return provenance
    ids = ", ".join(note.id for note in notes)
    label = "overlays" if len(notes) > 1 else "overlay"
    return replace(
        provenance,
        source=f"{provenance.source} + {label} {ids}",
        attribution=" ".join(
            [provenance.attribution + ".", *(n.line() for n in notes)]
        ).removesuffix("."),
        overlays=notes,
    )


def provenance_of(raw: RawData, label: str, source_name: str | None = None) -> Provenance:
    """The provenance of records read from the data labelled ``label``.

    Parameters
    ----------
    raw
        The records read.
    label
        The snapshot id, or ``direct:<directory name>`` (see :mod:`cablemap.dataset.locate`).
    source_name
        The name of the source a snapshot was fetched from (``"open"``), if recorded.
    """
    as_of, rule = data_as_of(raw)
    return Provenance(
        source=source_title(raw, source_name),
        as_of=as_of,
        as_of_rule=rule,
        snapshot=label,
    )


def source_title(raw: RawData, source_name: str | None = None) -> str:
    """The reader-facing name of the data's source."""
    name = source_name if source_name in SOURCE_TITLES else KNOWN_COPIES.get(raw.content_sha256)
    if name is not None:
        return SOURCE_TITLES[name]
    return f"submarine cable data in the {raw.layout} layout (source not recognised)"


def data_as_of(raw: RawData) -> tuple[str, str]:
    """``(as_of, rule)``: how old the data is, and how that was found."""
    if raw.created:
        return raw.created[:7], RULE_CREATED
    dated = [(c.rfs_year, c.rfs_month or 0) for c in raw.cables if not c.planned and c.rfs_year]
    if not dated:
        return "unknown", RULE_UNKNOWN
    year, month = max(dated)
    return (f"{year}-{month:02d}" if month else str(year)), RULE_NEWEST_RFS


def provenance_from_dict(data: Any) -> Provenance:
    """Read back :meth:`Provenance.as_dict` (raises ``ValueError`` on another shape)."""
    keys = ("source", "as_of", "as_of_rule", "snapshot", "attribution")
    if not isinstance(data, dict) or set(data) - {"overlays"} != set(keys):
        raise ValueError("provenance is not an object with the expected keys")
    values = [data[key] for key in keys]
    if not all(isinstance(v, str) for v in values):
        raise ValueError("provenance values must be strings")
    notes = data.get("overlays", [])
    if not isinstance(notes, list):
        raise ValueError("provenance overlays must be a list")
    source, as_of, as_of_rule, snapshot, attribution = values
    overlays: tuple[OverlayNote, ...] = ()
    if notes:  # the overlay model (~10 ms to import) only when there are overlays
        from cablemap.dataset.overlay.model import note_from_dict

        overlays = tuple(note_from_dict(n) for n in notes)
    return Provenance(source, as_of, as_of_rule, snapshot, attribution, overlays)
