"""Landing stations of some places, ranked by exposure to a policy, as of a year.

What ``cablemap stations`` answers. The cables counted at a station are those in
service in the year asked about (this year by default), as routes use them: planned
cables are left out unless asked for, and so are the cables the status overlay marks
retired, military, ... (see :meth:`cablemap.network.graph.Network.cables_out_of_service`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cablemap.analysis.places import Scope, resolve_scope
from cablemap.errors import UserError
from cablemap.policy.stations import ORDER, StationExposure, station_exposure

if TYPE_CHECKING:
    from cablemap.dataset.provenance import Provenance
    from cablemap.network.graph import Network
    from cablemap.policy.rules import Policy

NO_POLICY = (
    "no policy given, so no exposure: add --policy NAME to count and rank the flagged "
    "cables at each station (`cablemap policies` lists the policies)"
)


@dataclass(frozen=True)
class ServiceYear:
    """Which cables count in a year: those in service then, as routes use them."""

    year: int
    include_planned: bool
    excluded: frozenset[str]
    """Cables that do not count: not yet in service, planned, or kept out by the overlay."""
    not_built: frozenset[str]
    """Of those, the cables not yet in service in ``year`` (planned, or RFS later)."""

    def describe(self) -> str:
        """The terms in words: "cables in service in 2026; planned cables left out"."""
        planned = "counted" if self.include_planned else "left out (--include-planned counts them)"
        return f"cables in service in {self.year}; planned cables {planned}"


def service_year(network: Network, as_of: int | None, include_planned: bool) -> ServiceYear:
    """The cables that count in ``as_of`` (default: this year), as ``route`` counts them."""
    from cablemap.network.status import EXCLUDED_STATUSES

    year = as_of if as_of is not None else dt.datetime.now(dt.UTC).year
    excluded = network.cables_out_of_service(as_of=year, include_planned=include_planned)
    not_built = network.cables_out_of_service(
        as_of=year, include_planned=include_planned, include_status=EXCLUDED_STATUSES
    )
    return ServiceYear(year, include_planned, excluded, not_built)


POLICY_FIELDS = (
    "flagged",
    "flagged_cables",
    "exposure",
    "excluded_jurisdiction",
    "reasons",
    "flags",
)
"""Fields of a station that only a policy gives."""


@dataclass(frozen=True)
class StationRanking:
    """Stations ranked as :data:`cablemap.policy.stations.ORDER` says, and on what terms."""

    rows: tuple[StationExposure, ...]
    policy: Policy | None
    service: ServiceYear
    scope: Scope | None
    left_out: int
    """Stations of the scope none of whose cables is in service (planned, retired, ...)."""
    snapshot_id: str
    data: Provenance | None = None
    """Where the data came from and how old it is (named by every output)."""

    @property
    def year(self) -> int:
        """The year whose cables in service count."""
        return self.service.year

    @property
    def include_planned(self) -> bool:
        """Whether planned cables count."""
        return self.service.include_planned

    @property
    def definition(self) -> str:
        """What exposure means here, in one sentence ("" without a policy)."""
        if self.policy is None:
            return ""
        planned = "counted" if self.include_planned else "left out"
        return (
            f"exposure = cables {self.policy.id} flags / cables in service at the station "
            f"in {self.year} (planned cables {planned}); 100% at a station in a "
            "jurisdiction the policy excludes"
        )

    @property
    def order(self) -> str:
        """How the rows are sorted."""
        return ORDER if self.policy is not None else "most cables first, then name"

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: the terms, then one object per station."""
        return {
            "policy": self.policy.id if self.policy else None,
            "policy_date": self.policy.as_of.isoformat() if self.policy else None,
            "snapshot": self.snapshot_id,
            "as_of": self.year,
            "include_planned": self.include_planned,
            "places": [p.as_dict() for p in self.scope.places] if self.scope else None,
            "exposure_definition": self.definition or None,
            "order": self.order,
            "note": None if self.policy else NO_POLICY,
            "stations_left_out": self.left_out,
            "stations": [station_row(r, self.policy is not None) for r in self.rows],
        }


def station_row(row: StationExposure, with_policy: bool) -> dict[str, Any]:
    """A station's JSON object; without a policy, no flag or exposure field."""
    out = row.as_dict()
    if not with_policy:
        for key in POLICY_FIELDS:
            out.pop(key)
    return out


def rank_stations(
    network: Network,
    *,
    countries: Iterable[str] = (),
    policy: str | Policy | None = None,
    as_of: int | None = None,
    include_planned: bool = False,
    risky: bool = False,
) -> StationRanking:
    """Rank the landing stations of some places by the cables a policy flags there.

    Parameters
    ----------
    network
        A built network.
    countries
        Places as ``--country`` takes them (each a place or a comma list); none: the world.
    policy
        A policy name, file or loaded :class:`~cablemap.policy.rules.Policy`; ``None``
        lists the stations by their number of cables, with no exposure.
    as_of
        Count the cables in service in this year (default: this year).
    include_planned
        Also count the cables the data marks as planned.
    risky
        Only the stations where the policy flags something (needs ``policy``).

    Returns
    -------
    StationRanking
        The rows and the terms they were computed on.

    Raises
    ------
    UserError
        ``risky`` without a policy.
    UnknownPlaceError, NoLandingStationError
        A place names nothing, or a country with no landing station.
    """
    if risky and policy is None:
        raise UserError("--risky needs --policy (risky under which policy?)")
    scope = resolve_scope(network.places, countries)
    loaded = _policy(policy)
    flags = None
    if loaded is not None:
        from cablemap.policy.flags import policy_flags

        flags = policy_flags(network, loaded)
    service = service_year(network, as_of, include_planned)
    within = scope.station_ids if scope is not None else None
    rows = [
        r
        for r in station_exposure(network.dataset, flags, excluded=service.excluded)
        if within is None or r.id in within
    ]
    landed = set(network.station_cables) if within is None else within & set(network.station_cables)
    left_out = len(landed - {r.id for r in rows})
    if risky:
        rows = [row for row in rows if row.risky]
    return StationRanking(
        tuple(rows), loaded, service, scope, left_out, network.snapshot_id, network.provenance
    )


def _policy(policy: str | Policy | None) -> Policy | None:
    if policy is None or not isinstance(policy, str):
        return policy
    from cablemap.policy.rules import load_policy

    return load_policy(policy)
