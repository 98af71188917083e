"""The facts each overlay record states, for outputs that say where a fact came from.

Facts follow from the records alone (no data needs loading), so a command answering
from a stored network can cite them without reading the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable

from cablemap.dataset.overlay.model import Fact, Overlay, Record

_CHANGES = (
    ("owners", "owners"),
    ("add_owners", "owners added"),
    ("remove_owners", "owners removed"),
    ("suppliers", "suppliers"),
    ("add_suppliers", "suppliers added"),
    ("remove_suppliers", "suppliers removed"),
    ("status", "status"),
    ("rfs", "rfs"),
    ("length_km", "length_km"),
    ("name", "name"),
)


def overlay_facts(overlays: Iterable[Overlay]) -> tuple[Fact, ...]:
    """Every fact the records of ``overlays`` state, in order."""
    return tuple(
        fact for overlay in overlays for r in overlay.records for fact in _facts(overlay, r)
    )


def facts_about(overlays: Iterable[Overlay], subject_ids: Iterable[str]) -> tuple[Fact, ...]:
    """The facts about the given cables or stations."""
    wanted = set(subject_ids)
    return tuple(f for f in overlay_facts(overlays) if f.subject_id in wanted)


def _facts(overlay: Overlay, record: Record) -> list[Fact]:
    def fact(subject: str, field: str, value: object, approximate: bool = False) -> Fact:
        return Fact(
            subject,
            record.target,
            field,
            value,
            overlay.id,
            record.where,
            record.source,
            record.licence,
            approximate,
        )

    values = record.values
    if record.kind == "add-station":
        return [fact("station", "station", f"{values['name']} ({values['country']})")]
    if record.kind == "retire-cable":
        return [fact("cable", "status", f"retired since {values['since']}")]
    if record.kind == "change-cable":
        return [fact("cable", label, values[key]) for key, label in _CHANGES if key in values]
    found = [fact("cable", "cable", f"added: {values['name']}")]
    for key in ("owners", "suppliers", "status", "rfs", "length_km"):
        if key in values:
            found.append(fact("cable", key, values[key]))
    if record.target in overlay.drawn:
        found.append(fact("cable", "geometry", "drawn in the overlay's GeoJSON"))
    else:
        found.append(fact("cable", "geometry", "schematic sea path", approximate=True))
    return found
