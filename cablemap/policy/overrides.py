"""Segment ownership overrides: who holds one segment of a cable, where sources say so.

The data gives owners per cable. Where public sources say a segment is held by other
investors (for example one branch held by a different company), an entry in
``geodata/segment-ownership.toml`` names the cable, the landing stations that segment
ends at, the entity ids holding it and the sources::

    [[segment]]
    cable = "some-cable"
    stations = ["station-id"]     # segments of the cable ending at any of these stations
    owners = ["entity-id"]        # registry entity ids
    [[segment.sources]]
    title = "..."; publisher = "..."; date = "YYYY-MM-DD"; url = "https://..."
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cablemap.errors import DataError
from cablemap.policy.carriers import Registry
from cablemap.policy.toml_errors import read_toml, where
from cablemap.resources import geodata_dir


@dataclass(frozen=True)
class SegmentOwnership:
    """Owners of the segments of one cable that end at some stations."""

    cable: str
    stations: frozenset[str]
    owners: tuple[str, ...]
    source: str

    def applies(self, cable_id: str, a: str, b: str) -> bool:
        """Whether a segment (cable, end nodes) is covered by this override."""
        return cable_id == self.cable and bool({a, b} & self.stations)

    def owner_names(self, registry: Registry) -> list[str]:
        """Canonical names of the holders."""
        return [registry.entities[e].name for e in self.owners]

    def cite(self) -> str:
        """The source, in short."""
        return self.source


def load_overrides(registry: Registry, path: Path | None = None) -> tuple[SegmentOwnership, ...]:
    """Load the overrides file (absent file: none).

    Raises
    ------
    DataError
        An entry with an unknown entity, no stations or no source, naming file and line.
    """
    path = path or geodata_dir() / "segment-ownership.toml"
    if not path.is_file():
        return ()
    doc, text = read_toml(path)
    out = []
    for entry in doc.get("segment", []):
        cable = str(entry.get("cable", ""))
        here = where(path, text, cable) if cable else str(path)
        owners = tuple(entry.get("owners", ()))
        unknown = [o for o in owners if o not in registry.entities]
        if not cable or not entry.get("stations") or not owners or unknown:
            raise DataError(
                f"{here}: segment override needs cable, stations and known owners "
                f"(unknown: {unknown})"
            )
        sources = entry.get("sources", [])
        if not sources or not all(s.get("url") and s.get("title") for s in sources):
            raise DataError(
                f"{here}: segment override of {cable!r} needs sources with title and url"
            )
        first = sources[0]
        cite = (
            f"{first.get('publisher', '')} {first['title']} {first.get('date', '')} {first['url']}"
        )
        out.append(
            SegmentOwnership(cable, frozenset(entry["stations"]), owners, " ".join(cite.split()))
        )
    return tuple(out)
