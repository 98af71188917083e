"""Lay overlays over the records read from a snapshot, keeping each fact's provenance.

Records apply in order (overlays in the order given, records in file order). An
``add-*`` record may not add what the data already has, and a ``change-cable`` or
``retire-cable`` record must name a cable that exists: a mismatch between an overlay and
the data in use is one :class:`~cablemap.dataset.overlay.parse.OverlayError` naming the
record, never a silent skip. The records read are never changed: the result is a new
:class:`~cablemap.dataset.records.RawData`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from cablemap.dataset.overlay.facts import overlay_facts
from cablemap.dataset.overlay.model import Fact, Overlay, Record
from cablemap.dataset.overlay.parse import OverlayError
from cablemap.dataset.records import CableRecord, RawData, StationRecord

if TYPE_CHECKING:
    from cablemap.dataset.overlay.model import Source


@dataclass(frozen=True)
class AppliedOverlays:
    """What overlays changed in the data, with the provenance of every fact."""

    overlays: tuple[Overlay, ...] = ()
    facts: tuple[Fact, ...] = ()
    statuses: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    """Cable id -> (status, since year, record) for cables an overlay retired."""
    status_stated: frozenset[str] = frozenset()
    """Cables whose status an overlay record states (it overrides ``geodata/status.toml``)."""
    added_cables: frozenset[str] = frozenset()
    approximate: frozenset[str] = frozenset()
    """Cables whose geometry is schematic (drawn by cablemap along the sea)."""

    def facts_of(self, subject_id: str) -> tuple[Fact, ...]:
        """Every fact about one cable or station."""
        return tuple(f for f in self.facts if f.subject_id == subject_id)


def apply_overlays(raw: RawData, overlays: tuple[Overlay, ...]) -> tuple[RawData, AppliedOverlays]:
    """The records of ``raw`` with ``overlays`` applied, and what was applied.

    Raises
    ------
    OverlayError
        A record that adds an existing cable or station, names a cable or landing
        point that does not exist, or removes an owner the cable does not have.
    """
    state = _State(raw)
    for overlay in overlays:
        for record in overlay.records:
            _APPLY[record.kind](state, overlay, record)
    cables = list(state.cables.values())
    applied = AppliedOverlays(
        overlays=overlays,
        facts=overlay_facts(overlays),
        statuses=state.statuses,
        status_stated=frozenset(state.stated),
        added_cables=frozenset(state.added),
        approximate=frozenset(state.approximate),
    )
    return (
        replace(
            raw,
            cables=cables,
            stations=list(state.stations.values()),
            lines={c.id: state.lines[c.id] for c in cables},
        ),
        applied,
    )


class _State:
    def __init__(self, raw: RawData) -> None:
        self.cables = {
            c.id: replace(
                c,
                owners=list(c.owners),
                suppliers=list(c.suppliers),
                landing_ids=list(c.landing_ids),
            )
            for c in raw.cables
        }
        self.stations = {s.id: s for s in raw.stations}
        self.lines = dict(raw.lines)
        self.statuses: dict[str, tuple[str, int, str]] = {}
        self.added: set[str] = set()
        self.stated: set[str] = set()
        self.approximate: set[str] = set()

    def cable(self, record: Record) -> CableRecord:
        cable = self.cables.get(record.target)
        if cable is None:
            raise _error(record, f"no cable {record.target!r} in the data in use")
        return cable


def _error(record: Record, message: str) -> OverlayError:
    return OverlayError(f"{record.where}: {record.kind} {record.target!r}: {message}")


def _add_station(state: _State, overlay: Overlay, record: Record) -> None:
    from cablemap.dataset.countries import locate_special_region, resolve_country
    from cablemap.dataset.placement import place_stations

    if record.target in state.stations:
        raise _error(record, "the data already has this landing point; use its id")
    values = record.values
    country = resolve_country(values["country"])
    if country is None:
        raise _error(record, f"unknown country {values['country']!r}; give an ISO 3166 code")
    lon, lat = values["lon"], values["lat"]
    country = locate_special_region(country, lon, lat)
    placement = place_stations([country.iso2], [lon], [lat])[0]
    subdivision = placement.subdivision if placement is not None else None
    if placement is not None and placement.iso2 != country.iso2:  # a territory (PR, GU...)
        country = resolve_country(placement.iso2) or country
    name = _country_name(country.iso2) or country.name
    state.stations[record.target] = StationRecord(
        record.target,
        f"{values['name']}, {name}",
        values["name"],
        False,
        lon,
        lat,
        name,
        country.iso2,
        country.iso3,
        name,
        subdivision,
    )


def _country_name(iso2: str) -> str | None:
    """The ISO short name (its common name where ISO gives one) of a country code."""
    import pycountry

    record = pycountry.countries.get(alpha_2=iso2)
    return (getattr(record, "common_name", None) or record.name) if record else None


def _add_cable(state: _State, overlay: Overlay, record: Record) -> None:
    from cablemap.dataset.records import parse_month, parse_year

    if record.target in state.cables:
        raise _error(record, "the data already has this cable; use a change-cable record")
    values = record.values
    for station in values["landing_points"]:
        if station not in state.stations:
            raise _error(record, f"no landing point {station!r}; add it with an add-station record")
    state.cables[record.target] = CableRecord(
        id=record.target,
        name=values["name"],
        owners=list(values["owners"]),
        suppliers=list(values.get("suppliers", [])),
        rfs_year=parse_year(values["rfs"]),
        planned=values["status"] == "planned",
        length_km=values.get("length_km"),
        url=values.get("url"),
        notes=f"added by overlay {overlay.id} ({record.where})",
        landing_ids=list(values["landing_points"]),
        rfs_month=parse_month(_month_name(values["rfs"])),
    )
    state.added.add(record.target)
    state.lines[record.target] = _geometry(state, overlay, record)


def _geometry(state: _State, overlay: Overlay, record: Record) -> list[np.ndarray]:
    drawn = overlay.drawn.get(record.target)
    if drawn:
        return [np.asarray(line, dtype=np.float64) for line in drawn]
    from cablemap.dataset.overlay.schematic import sea_path

    stations = record.values["landing_points"]
    links = record.values.get("links") or [list(p) for p in pairwise(stations)]
    lines = []
    for a, b in links:
        if a not in stations or b not in stations:
            raise _error(record, f"links pair {a!r}-{b!r} names a station not in landing_points")
        start, end = state.stations[a], state.stations[b]
        for part in sea_path((start.lon, start.lat), (end.lon, end.lat)):
            lines.append(np.asarray(part, dtype=np.float64))
    state.approximate.add(record.target)
    return lines


def _change_cable(state: _State, overlay: Overlay, record: Record) -> None:
    from cablemap.dataset.records import parse_month, parse_year

    cable = state.cable(record)
    values = record.values
    for kind in ("owners", "suppliers"):
        names: list[str] = getattr(cable, kind)
        if kind in values:
            names[:] = values[kind]
        for name in values.get(f"remove_{kind}", []):
            if name not in names:
                raise _error(record, f"remove_{kind}: {name!r} is not among its {kind}")
            names.remove(name)
        names.extend(n for n in values.get(f"add_{kind}", []) if n not in names)
    if "status" in values:
        cable.planned = values["status"] == "planned"
        state.stated.add(cable.id)
        if not cable.planned:
            state.statuses.pop(cable.id, None)
    if "rfs" in values:
        cable.rfs_year = parse_year(values["rfs"])
        cable.rfs_month = parse_month(_month_name(values["rfs"]))
    for name in ("length_km", "name"):
        if name in values:
            setattr(cable, name, values[name])


def _retire_cable(state: _State, overlay: Overlay, record: Record) -> None:
    state.cable(record)
    since = record.values["since"]
    state.statuses[record.target] = ("retired", int(since[:4]), record.where)
    state.stated.add(record.target)


def _month_name(date: str) -> str:
    """``2025-06`` as ``2025 Jun`` (the data's free-text form, for its month parser)."""
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{date[:4]} {months[int(date[5:7]) - 1]}" if len(date) >= 7 else date


_APPLY = {
    "add-station": _add_station,
    "add-cable": _add_cable,
    "change-cable": _change_cable,
    "retire-cable": _retire_cable,
}


def source_list(overlays: tuple[Overlay, ...]) -> list[Source]:
    """Every distinct source the records of ``overlays`` cite, in order."""
    seen: dict[str, Source] = {}
    for overlay in overlays:
        for record in overlay.records:
            seen.setdefault(record.source.url, record.source)
    return list(seen.values())
