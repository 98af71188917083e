"""One route question, answered: resolve the ends, apply filters, find routes, resilience.

This is what ``cablemap route`` and :func:`cablemap.trace_routes` call. The answer's JSON form
(:meth:`RouteReport.as_dict`) is a stable contract for other tools.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cablemap.analysis import display
from cablemap.analysis.clean import annotate, detour
from cablemap.analysis.cuts import Cuts, resolve_cuts
from cablemap.analysis.direct import DirectCable, direct_cables
from cablemap.analysis.routing import Route, find_routes
from cablemap.errors import NoRouteError, SamePlaceError, UserError
from cablemap.network.graph import (
    DEFAULT_CHANGE_COST_KM,
    DEFAULT_TERRESTRIAL,
    FIBRE_KM_PER_MS,
    FIBRE_REFRACTIVE_INDEX,
    TERRESTRIAL_MODES,
)
from cablemap.network.places import Place
from cablemap.network.terrestrial import BACKHAUL_FACTOR, BACKHAUL_MAX_KM, WATER_ALLOWANCE_KM

if TYPE_CHECKING:
    from cablemap.analysis.resilience import Resilience
    from cablemap.dataset.provenance import Provenance
    from cablemap.network.graph import Network
    from cablemap.policy.flags import PolicyFlags
    from cablemap.policy.rules import Policy


@dataclass(frozen=True)
class RouteFilters:
    """Which cables may carry traffic: in service by a year, planned ones, avoided ones."""

    as_of: int | None = None
    include_planned: bool = False
    avoid_cables: tuple[str, ...] = ()
    terrestrial: str = DEFAULT_TERRESTRIAL
    include_status: tuple[str, ...] = ()
    change_cost: float = DEFAULT_CHANGE_COST_KM

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "as_of": self.as_of,
            "include_planned": self.include_planned,
            "avoid_cables": list(self.avoid_cables),
            "terrestrial": self.terrestrial,
            "include_status": list(self.include_status),
            "change_cost_km": self.change_cost,
        }


@dataclass(frozen=True)
class RouteReport:
    """The answer to one route question."""

    origin: Place
    destination: Place
    routes: tuple[Route, ...]
    resilience: Resilience | None
    filters: RouteFilters
    snapshot_id: str
    policy: Policy | None = None
    clean: dict[str, Any] | None = None
    """With a policy: the clean route's detour against the best route, or that none is clean."""
    best_route: Route | None = None
    """With ``avoid_flagged``: the best route when flagged hops are allowed."""
    clean_resilience: Resilience | None = None
    """With a policy and resilience: the same figures over unflagged cables only."""
    clean_route: Route | None = None
    """With a policy: the best route with no flagged hop (``None``: there is none)."""
    direct_cables: tuple[DirectCable, ...] = ()
    """Every usable cable landing in both places (see :mod:`cablemap.analysis.direct`)."""
    cuts: Cuts = field(default_factory=Cuts)
    """What the question cut (see :mod:`cablemap.analysis.cuts`)."""
    provenance: Provenance | None = field(default=None, repr=False, kw_only=True)
    """Source, date, snapshot and attribution of the data."""
    network: Network | None = field(default=None, repr=False, compare=False, kw_only=True)
    """The network the routes were found on (lets Jupyter show the report as a map)."""

    def _repr_html_(self) -> str | None:
        """Jupyter: the routes on an interactive map (self-contained, built on display)."""
        return display.html(self)

    def __repr__(self) -> str:
        """One line: the question, the best route, counts (``as_dict()`` has everything)."""
        ends = f"{self.origin.name} to {self.destination.name}"
        best = self.routes[0] if self.routes else None
        found = (
            f"{len(self.routes)} routes, best {best.km:,.0f} km, {best.latency_ms:.1f} ms one way"
            if best is not None
            else "no route without a flagged hop"
        )
        policy = f"; policy {self.policy.id}" if self.policy is not None else ""
        clean = ""
        if self.policy is not None:
            clean = "; no clean route" if self.clean_route is None else "; a clean route"
        direct = f"{len(self.direct_cables)} direct cables"
        return f"<RouteReport {ends}: {found}; {direct}{policy}{clean}>"

    def to_frame(self) -> Any:
        """One row per route, as a pandas DataFrame (see :mod:`cablemap.analysis.frames`)."""
        from cablemap.analysis.frames import routes_frame

        return routes_frame(self)

    def to_geodataframe(self) -> Any:
        """One MultiLineString per route, valid in EPSG:4326 (a geopandas GeoDataFrame)."""
        from cablemap.analysis.frames import routes_geodataframe

        return routes_geodataframe(self)

    def left_out_by_status(self) -> list[dict[str, Any]]:
        """Cables landing at either end that the status overlay kept out, with the reason."""
        from cablemap.network.status import load_status_overlay

        if self.network is None:
            return []
        stations = (*self.origin.station_ids, *self.destination.station_ids)
        landing = {c for s in stations for c in self.network.station_cables.get(s, ())}
        excluded = self.network.cables_out_of_service(
            as_of=self.filters.as_of,
            include_planned=self.filters.include_planned,
            include_status=self.filters.include_status,
        )
        overlay = self.network.status_overlay
        if overlay is None:
            overlay = load_status_overlay()
        return [
            {"id": cable_id, "name": self.network.cables[cable_id].name, **entry.as_dict()}
            for cable_id, entry in sorted(overlay.items())
            if cable_id in excluded and cable_id in landing and entry.status != "in-service"
        ]

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON contract (see ``docs/routing.md``)."""
        resilience = self.resilience.as_dict() if self.resilience else None
        if resilience is not None and self.clean_resilience is not None:
            resilience["cables_to_fail_before_all_flagged"] = self.clean_resilience.disjoint_routes
            resilience["clean_min_cut_cables"] = list(self.clean_resilience.min_cut_cables)
        clean = dict(self.clean) if self.clean is not None else None
        if clean is not None and self.best_route is not None:
            clean["best_route"] = self.best_route.as_dict()
        if clean is not None:
            clean["route"] = self.clean_route.as_dict() if self.clean_route else None
        return {
            "from": self.origin.as_dict(),
            "to": self.destination.as_dict(),
            "direct_cables": [cable.as_dict() for cable in self.direct_cables],
            "routes": [route.as_dict() for route in self.routes],
            "cuts": self.cuts.as_list(),
            "resilience": resilience,
            "snapshot": self.snapshot_id,
            "data": self.provenance.as_dict() if self.provenance else None,
            "policy": (
                {
                    "id": self.policy.id,
                    "name": self.policy.name,
                    "date": self.policy.as_of.isoformat(),
                }
                if self.policy
                else None
            ),
            "clean": clean,
            "filters": self.filters.as_dict(),
            "left_out_by_status": self.left_out_by_status(),
            "assumptions": {
                "backhaul_factor": BACKHAUL_FACTOR,
                "backhaul_max_km": BACKHAUL_MAX_KM,
                "terrestrial_water_allowance_km": WATER_ALLOWANCE_KM,
                "fibre_refractive_index": FIBRE_REFRACTIVE_INDEX,
                "fibre_km_per_ms": round(FIBRE_KM_PER_MS, 3),
            },
        }


def trace_routes(
    network: Network,
    origin: str,
    destination: str,
    *,
    k: int = 1,
    resilience: bool = False,
    avoid_cables: Iterable[str] = (),
    as_of: int | None = None,
    include_planned: bool = False,
    policy: str | Policy | None = None,
    avoid_flagged: bool = False,
    terrestrial: str = DEFAULT_TERRESTRIAL,
    include_status: Iterable[str] = (),
    change_cost: float = DEFAULT_CHANGE_COST_KM,
    cut: Iterable[str] = (),
    cut_near: Iterable[str] = (),
    cut_in: Iterable[str] = (),
) -> RouteReport:
    """Answer "what connects A and B": direct cables, the cheapest routes, the clean one.

    Parameters
    ----------
    network
        A built network (:func:`cablemap.build_network`).
    origin, destination
        Places as :meth:`~cablemap.network.places.PlaceIndex.resolve` takes them:
        countries, subdivisions, groups, cities or landing-station ids.
    k
        How many routes at most, each different in its main cables or transit countries.
    resilience
        Also count cable-disjoint routes and find the cables whose loss cuts the link.
    avoid_cables
        Cables no route may use (ids, names or abbreviations; same as ``cut``).
    as_of
        Use only cables in service in this year (default: the current year).
    include_planned
        Also use cables the data marks as planned.
    policy
        A policy (name, file path or loaded :class:`Policy`): hops and direct cables carry
        its flags, and the best clean route is found beside the best route.
    avoid_flagged
        Return only routes with no flagged hop (the best route is kept for comparison).
    terrestrial
        Which assumed terrestrial links routes may use: ``"none"``, ``"domestic"``
        (backhaul inside a country) or ``"borders"`` (also across land borders; default).
    include_status
        Status-overlay kinds to route over anyway (``"retired"``, ``"military"``, ...).
    change_cost
        Km charged for every cable boarded and every land border crossed.
    cut, cut_near, cut_in
        Cuts (see :mod:`cablemap.analysis.cuts`): cables or ``CABLE:N`` segments,
        ``LON,LAT[,KM]`` points, region names or GeoJSON files.

    Returns
    -------
    RouteReport
        Direct cables, routes (cheapest first), the clean route with a policy, cuts and
        resilience if asked for.

    Raises
    ------
    UnknownPlaceError, NoLandingStationError, SamePlaceError, UserError
        Bad ends or options, each with its own exit code.
    NoRouteError
        When no route exists under the filters and cuts.
    """
    _check_options(k, terrestrial, change_cost)
    start = network.places.resolve(origin)
    end = network.places.resolve(destination)
    _check_distinct(start, end)
    specs = ((*avoid_cables, *cut), tuple(cut_near), tuple(cut_in))
    cuts = (
        Cuts()
        if not any(specs)
        else resolve_cuts(network, cut=specs[0], near=specs[1], regions=specs[2])
    )
    kinds = _check_statuses(include_status)
    filters = RouteFilters(
        as_of, include_planned, tuple(sorted(cuts.cables)), terrestrial, kinds, change_cost
    )
    excluded = network.cables_out_of_service(
        as_of=as_of, include_planned=include_planned, include_status=kinds
    )
    excluded = excluded | cuts.cables
    blocked = network.blocked_terrestrial(excluded, terrestrial) | cuts.edges
    rules = _policy(policy)
    if avoid_flagged and rules is None:
        raise UserError("--avoid-flagged needs --policy (which flags to avoid)")
    flags = _flags(network, rules)
    search = _Search(network, start, end, excluded, blocked, change_cost)
    routes, best, clean_route = _routes(search, k, flags, avoid_flagged)
    if not routes and best is None:
        raise NoRouteError(_no_route_message(start, end, as_of, cuts))
    outcome, clean_outcome = _resilience(
        network, start, end, excluded, flags, resilience and terrestrial
    )
    clean = None
    if flags is not None:
        reference = best if avoid_flagged else (routes[0] if routes else None)
        clean = detour(reference, clean_route) if reference is not None else None
    return RouteReport(
        start,
        end,
        tuple(routes),
        outcome,
        filters,
        network.snapshot_id,
        rules,
        clean,
        best if avoid_flagged else None,
        clean_outcome,
        clean_route,
        tuple(direct_cables(network, start, end, excluded, flags, cuts.edges)),
        cuts,
        provenance=network.provenance,
        network=network,
    )


@dataclass(frozen=True)
class _Search:
    """One question's search settings."""

    network: Network
    start: Place
    end: Place
    excluded: frozenset[str]
    blocked: frozenset[int]
    change_cost: float

    def find(self, k: int = 1, also_blocked: frozenset[int] = frozenset()) -> list[Route]:
        return find_routes(
            self.network,
            self.start,
            self.end,
            k=k,
            excluded=self.excluded,
            excluded_edges=self.blocked | also_blocked,
            change_cost=self.change_cost,
        )


def _routes(
    search: _Search, k: int, flags: PolicyFlags | None, avoid_flagged: bool
) -> tuple[list[Route], Route | None, Route | None]:
    """The routes asked for, the unrestricted best (for comparison) and the clean route."""
    if flags is None:
        return search.find(k), None, None
    from cablemap.policy.exclusions import flagged_edges

    flagged = flagged_edges(search.network, flags)
    clean = [annotate(route, flags) for route in search.find(k if avoid_flagged else 1, flagged)]
    unrestricted = [annotate(route, flags) for route in search.find(1 if avoid_flagged else k)]
    best = unrestricted[0] if unrestricted else None
    clean_route = clean[0] if clean else None
    if avoid_flagged:
        return clean, best, clean_route
    return unrestricted, best, clean_route


def _flags(network: Network, rules: Policy | None) -> PolicyFlags | None:
    if rules is None:
        return None
    from cablemap.policy.flags import policy_flags

    return policy_flags(network, rules)


def _resilience(
    network: Network,
    start: Place,
    end: Place,
    excluded: frozenset[str],
    flags: PolicyFlags | None,
    terrestrial: str | bool,
) -> tuple[Resilience | None, Resilience | None]:
    """Resilience figures when asked for (``terrestrial`` is then the --terrestrial mode)."""
    if not terrestrial:
        return None, None
    from cablemap.analysis.resilience import analyse_resilience  # only when asked for

    borders = terrestrial == "borders"
    flow = network.flow_network
    outcome = analyse_resilience(network, flow, start, end, excluded, borders=borders)
    if flags is None:
        return outcome, None
    from cablemap.policy.exclusions import ownership_flagged_cables

    clean = analyse_resilience(
        network,
        flow,
        start,
        end,
        excluded | ownership_flagged_cables(flags),
        flags.flagged_stations(),
        borders=borders,
    )
    return outcome, clean


def _check_options(k: int, terrestrial: str, change_cost: float) -> None:
    if k < 1:
        raise UserError(f"--k must be at least 1, not {k}")
    if terrestrial not in TERRESTRIAL_MODES:
        raise UserError(
            f"--terrestrial must be one of {', '.join(TERRESTRIAL_MODES)}, not {terrestrial!r}"
        )
    if not 0 <= change_cost <= 100_000:
        raise UserError(f"--change-cost must be 0 to 100000 km, not {change_cost}")


def _no_route_message(start: Place, end: Place, as_of: int | None, cuts: Cuts) -> str:
    when = f" in {as_of}" if as_of else ""
    cut = f" with {len(cuts.cuts)} cut(s)" if cuts.cuts else ""
    return (
        f"no route from {start.name} to {end.name} with the cables in service{when}{cut}; "
        "try --include-planned, a later --as-of or fewer cuts"
    )


def _policy(policy: str | Policy | None) -> Policy | None:
    if policy is None or not isinstance(policy, str):
        return policy
    from cablemap.policy.rules import load_policy  # the policy layer, only when asked for

    return load_policy(policy)


def _check_distinct(start: Place, end: Place) -> None:
    """Two ends that share stations, or one country twice, make no route question."""
    if start.station is not None and start.station == end.station:
        raise SamePlaceError(f"both ends are the landing station {start.station!r}")
    whole = [p.station is None and p.subdivision is None and p.group is None for p in (start, end)]
    if start.iso2 == end.iso2 and all(whole):
        raise SamePlaceError(
            f"both ends are in {start.name} ({start.iso2}); routes join two countries "
            "(give two landing-station ids, cities or subdivisions for a route inside one)"
        )
    if set(start.station_ids) & set(end.station_ids):
        raise SamePlaceError(
            f"{start.name} and {end.name} share landing stations; give two places apart"
        )


def _check_statuses(kinds: Iterable[str]) -> tuple[str, ...]:
    from cablemap.network.status import EXCLUDED_STATUSES

    chosen = tuple(dict.fromkeys(kinds))
    for kind in chosen:
        if kind not in EXCLUDED_STATUSES:
            raise UserError(
                f"--include-status: unknown status {kind!r}; "
                f"choose from {', '.join(EXCLUDED_STATUSES)}"
            )
    return chosen
