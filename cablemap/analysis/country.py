"""One country looked up: its cables, stations, exposure to a policy and how it is cut off.

What ``cablemap country`` and :func:`cablemap.describe_country` answer for a country,
a territory with its own code (Guam, Hong Kong) or a subdivision cablemap places
stations in (Hawaii, the Canary Islands):

- the cables landing there: international ones (landing somewhere else too; for a
  subdivision, anywhere outside it) and domestic ones (landing only there), each in
  service in the year asked about, planned (or ready later), or kept out by the status
  overlay, with its RFS year;
- its landing stations with their cables;
- under a policy, how many of the international cables in service it flags, by role
  (owner, supplier, landing in an excluded jurisdiction);
- the countries reached by a direct cable;
- how it is cut off (:mod:`cablemap.analysis.isolation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cablemap.analysis.isolation import Isolation, isolate
from cablemap.analysis.stations import ServiceYear, service_year
from cablemap.errors import UserError

if TYPE_CHECKING:
    from cablemap.dataset.provenance import Provenance
    from cablemap.network.graph import CableInfo, Network
    from cablemap.network.places import Place
    from cablemap.policy.flags import Flag
    from cablemap.policy.rules import Policy

ROLES = ("owner", "supplier", "landing")
"""The roles a policy flags a cable for (``Flag.applies_to``)."""


@dataclass(frozen=True)
class CountryCable:
    """One cable landing in the place."""

    id: str
    name: str
    rfs_year: int | None
    status: str
    """``in-service``, ``planned``, ``later`` (RFS after the year) or an overlay status."""
    counted: bool
    """Whether the cable carries traffic in the year asked about (see ``status``)."""
    international: bool
    stations: tuple[str, ...]
    """The place's stations it lands at."""
    reaches: tuple[str, ...]
    """The other countries it lands in (ISO codes; a subdivision's own country too)."""
    flags: tuple[Flag, ...] = ()

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles it is flagged for, in :data:`ROLES` order."""
        found = {flag.applies_to for flag in self.flags}
        return tuple(role for role in ROLES if role in found)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "id": self.id,
            "name": self.name,
            "rfs_year": self.rfs_year,
            "status": self.status,
            "counted": self.counted,
            "international": self.international,
            "stations": list(self.stations),
            "reaches": list(self.reaches),
            "flagged": bool(self.flags),
            "flagged_as": list(self.roles),
            "flags": [flag.as_dict() for flag in self.flags],
        }


@dataclass(frozen=True)
class CountryReport:
    """The answer to ``cablemap country``."""

    place: Place
    service: ServiceYear
    cables: tuple[CountryCable, ...]
    stations: tuple[tuple[str, str, tuple[str, ...]], ...]
    """``(id, name, cable ids)`` of each of the place's stations with a cable."""
    isolation: Isolation
    country_names: dict[str, str]
    snapshot_id: str
    policy: Policy | None = None
    data: Provenance | None = None
    """Where the data came from and how old it is (named by every output)."""

    def counted(self, *, international: bool = True) -> list[CountryCable]:
        """The cables counted in the year (in service, or planned if asked for)."""
        return [c for c in self.cables if c.counted and c.international == international]

    def reached(self) -> dict[str, list[str]]:
        """ISO code -> the counted cables that reach it directly, most cables first."""
        found: dict[str, list[str]] = {}
        for cable in self.counted():
            for code in cable.reaches:
                found.setdefault(code, []).append(cable.id)
        return dict(sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    def flagged_by_role(self) -> dict[str, int] | None:
        """With a policy: counted international cables flagged for any reason, by role."""
        if self.policy is None:
            return None
        cables = self.counted()
        out = {"any": sum(1 for c in cables if c.flags)}
        out.update({role: sum(1 for c in cables if role in c.roles) for role in ROLES})
        return out

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (documented in docs/cli.md)."""
        international = self.counted()
        flagged = self.flagged_by_role()
        return {
            "place": self.place.as_dict(),
            "as_of": self.service.year,
            "include_planned": self.service.include_planned,
            "snapshot": self.snapshot_id,
            "policy": self.policy.id if self.policy else None,
            "policy_date": self.policy.as_of.isoformat() if self.policy else None,
            "counts": _counts(self.cables),
            "cables": [c.as_dict() for c in self.cables],
            "stations": [
                {"id": s, "name": name, "cables": list(cables)} for s, name, cables in self.stations
            ],
            "flagged": (
                None
                if flagged is None
                else {
                    "of_international_cables": len(international),
                    "by_role": flagged,
                    "definition": "international cables counted in the year that the policy "
                    "flags, for any reason and by role (a cable may count in several roles)",
                }
            ),
            "reached": [
                {"country": code, "name": self.country_names.get(code, code), "cables": ids}
                for code, ids in self.reached().items()
            ],
            "cut_off": self.isolation.as_dict(),
        }


def _counts(cables: tuple[CountryCable, ...]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for scope, international in (("international", True), ("domestic", False)):
        group = [c for c in cables if c.international == international]
        out[scope] = {
            "total": len(group),
            "in_service": sum(1 for c in group if c.status == "in-service"),
            "planned": sum(1 for c in group if c.status in ("planned", "later")),
            "out_of_service": sum(1 for c in group if c.status not in IN_DATA),
            "counted": sum(1 for c in group if c.counted),
        }
    return out


IN_DATA = ("in-service", "planned", "later")
"""Statuses read from the data; any other comes from the status overlay."""


def describe_country(
    network: Network,
    place: str,
    *,
    policy: str | Policy | None = None,
    as_of: int | None = None,
    include_planned: bool = False,
) -> CountryReport:
    """Look up one country: cables, stations, flagged share, countries reached, cut-off.

    Parameters
    ----------
    network
        A built network (:func:`cablemap.build_network`).
    place
        A country or territory (name, ISO code) or a subdivision (``US-HI``, "Hawaii"),
        as ``route`` takes them; not a group, city or station.
    policy
        A policy name, file or loaded policy: flags on the cables, counted by role.
    as_of
        Count the cables in service in this year (default: this year).
    include_planned
        Also count the cables the data marks as planned.

    Returns
    -------
    CountryReport
        ``as_dict()`` is the JSON of ``cablemap country --format json``.

    Raises
    ------
    UnknownPlaceError, NoLandingStationError
        The place names nothing, or a country with no landing station.
    UserError
        A group, city or landing station instead of a country.
    """
    found = network.places.resolve(place)
    if found.group is not None or found.station is not None:
        raise UserError(
            f"country: {place[:80]!r} is a {'group or city' if found.group else 'station'}, "
            "not a country; give a country, territory or subdivision (name or ISO code)"
        )
    service = service_year(network, as_of, include_planned)
    loaded = _policy(policy)
    flags = None
    if loaded is not None:
        from cablemap.policy.flags import policy_flags

        flags = policy_flags(network, loaded).cables
    inside = set(found.station_ids)
    landing: dict[str, list[str]] = {}
    for station in found.station_ids:
        for cable_id in network.station_cables.get(station, ()):
            landing.setdefault(cable_id, []).append(station)
    cables = [
        _cable(network, network.cables[c], inside, here, service, flags)
        for c, here in landing.items()
    ]
    cables.sort(
        key=lambda c: (
            not c.international,
            not c.counted,
            c.status,
            -(c.rfs_year or 0),
            c.name.casefold(),
        )
    )
    stations = tuple(
        (s, network.stations[s].name, network.station_cables[s])
        for s in found.station_ids
        if network.station_cables.get(s)
    )
    return CountryReport(
        found,
        service,
        tuple(cables),
        stations,
        isolate(network, found, service.excluded),
        dict(network.places.country_names),
        network.snapshot_id,
        loaded,
        network.provenance,
    )


def _cable(
    network: Network,
    cable: CableInfo,
    inside: set[str],
    here: list[str],
    service: ServiceYear,
    flags: dict[str, tuple[Flag, ...]] | None,
) -> CountryCable:
    away = [s for s in _stations_of(network, cable.id) if s not in inside]
    reaches = sorted({network.stations[s].iso2 for s in away})
    return CountryCable(
        cable.id,
        cable.name,
        cable.rfs_year,
        _status(cable, service),
        cable.id not in service.excluded,
        bool(away),
        tuple(here),
        tuple(reaches),
        tuple(flags.get(cable.id, ())) if flags is not None else (),
    )


def _stations_of(network: Network, cable_id: str) -> list[str]:
    memo = network._memo.get("cable-stations")
    if memo is None:
        memo = {}
        for station, cables in network.station_cables.items():
            for cable in cables:
                memo.setdefault(cable, []).append(station)
        network._memo["cable-stations"] = memo
    return memo.get(cable_id, [])  # type: ignore[no-any-return]


def _status(cable: CableInfo, service: ServiceYear) -> str:
    if cable.id in service.not_built or (cable.planned and service.include_planned):
        return "planned" if cable.planned else "later"
    if cable.id in service.excluded:
        return cable.status
    return "in-service"


def _policy(policy: str | Policy | None) -> Policy | None:
    if policy is None or not isinstance(policy, str):
        return policy
    from cablemap.policy.rules import load_policy

    return load_policy(policy)
