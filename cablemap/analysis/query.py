"""One route question, answered: resolve the ends, apply filters, find routes, resilience.

This is what ``cablemap route`` and :func:`cablemap.trace_routes` call. The answer's JSON form
(:meth:`RouteReport.as_dict`) is a stable contract for other tools.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cablemap.analysis import display
from cablemap.analysis.clean import annotate, detour
from cablemap.analysis.resilience import Resilience, analyse_resilience
from cablemap.analysis.routing import Route, find_routes
from cablemap.errors import NoRouteError, SamePlaceError, UserError
from cablemap.network.graph import (
    DEFAULT_TERRESTRIAL,
    FIBRE_KM_PER_MS,
    FIBRE_REFRACTIVE_INDEX,
    TERRESTRIAL_MODES,
)
from cablemap.network.places import Place
from cablemap.network.terrestrial import BACKHAUL_FACTOR, BACKHAUL_MAX_KM, WATER_ALLOWANCE_KM

if TYPE_CHECKING:
    from cablemap.network.graph import Network
    from cablemap.policy.rules import Policy


@dataclass(frozen=True)
class RouteFilters:
    """Which cables may carry traffic: in service by a year, planned ones, avoided ones."""

    as_of: int | None = None
    include_planned: bool = False
    avoid_cables: tuple[str, ...] = ()
    terrestrial: str = DEFAULT_TERRESTRIAL
    include_status: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "as_of": self.as_of,
            "include_planned": self.include_planned,
            "avoid_cables": list(self.avoid_cables),
            "terrestrial": self.terrestrial,
            "include_status": list(self.include_status),
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
    """With ``avoid_flagged``: the detour against the best route, or that none is clean."""
    best_route: Route | None = None
    """With ``avoid_flagged``: the best route when flagged hops are allowed."""
    clean_resilience: Resilience | None = None
    """With a policy and resilience: the same figures over unflagged cables only."""
    network: Network | None = field(default=None, repr=False, compare=False, kw_only=True)
    """The network the routes were found on (lets Jupyter show the report as a map)."""

    def _repr_html_(self) -> str | None:
        """Jupyter: the routes on an interactive map (self-contained, built on display)."""
        return display.html(self)

    def _left_out_by_status(self) -> list[dict[str, Any]]:
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
        return {
            "from": self.origin.as_dict(),
            "to": self.destination.as_dict(),
            "routes": [route.as_dict() for route in self.routes],
            "resilience": resilience,
            "snapshot": self.snapshot_id,
            "policy": {"id": self.policy.id, "name": self.policy.name} if self.policy else None,
            "clean": clean,
            "filters": self.filters.as_dict(),
            "left_out_by_status": self._left_out_by_status(),
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
) -> RouteReport:
    """Find routes between two places, with optional alternatives and resilience.

    Parameters
    ----------
    network
        A built network (:func:`cablemap.build_network`).
    origin, destination
        Country names, ISO alpha-2/alpha-3 codes (any case) or landing-station ids.
    k
        How many routes at most, each with a different set of cables.
    resilience
        Also count cable-disjoint routes and find the cables whose loss cuts the link.
    avoid_cables
        Cable ids no route may use.
    as_of
        Use only cables in service in this year (default: the current year).
    include_planned
        Also use cables the data marks as planned.
    policy
        A policy (name, file path or loaded :class:`Policy`): hops carry its flags.
    avoid_flagged
        Return only routes with no flagged hop, and the detour against the best route.
    terrestrial
        Which assumed terrestrial links routes may use: ``"none"``, ``"domestic"``
        (backhaul inside a country) or ``"borders"`` (also across land borders; default).
    include_status
        Status-overlay kinds to route over anyway (``"retired"``, ``"military"``, ...).

    Returns
    -------
    RouteReport
        The routes, shortest first, and the resilience if asked for.

    Raises
    ------
    UnknownPlaceError, NoLandingStationError, SamePlaceError, UserError
        Bad ends or options, each with its own exit code.
    NoRouteError
        When no route exists under the filters.
    """
    if k < 1:
        raise UserError(f"--k must be at least 1, not {k}")
    if terrestrial not in TERRESTRIAL_MODES:
        raise UserError(
            f"--terrestrial must be one of {', '.join(TERRESTRIAL_MODES)}, not {terrestrial!r}"
        )
    start = network.places.resolve(origin)
    end = network.places.resolve(destination)
    _check_distinct(start, end)
    avoided = tuple(dict.fromkeys(avoid_cables))
    _check_cables(network, avoided)
    kinds = _check_statuses(include_status)
    filters = RouteFilters(as_of, include_planned, avoided, terrestrial, kinds)
    excluded = network.cables_out_of_service(
        as_of=as_of, include_planned=include_planned, include_status=kinds
    )
    excluded = excluded | frozenset(avoided)
    land_blocked = network.blocked_terrestrial(excluded, terrestrial)
    rules = _policy(policy)
    if avoid_flagged and rules is None:
        raise UserError("--avoid-flagged needs --policy (which flags to avoid)")
    flags = None
    if rules is not None:
        from cablemap.policy.exclusions import flagged_edges, ownership_flagged_cables
        from cablemap.policy.flags import policy_flags

        flags = policy_flags(network, rules)
    blocked = flagged_edges(network, flags) if avoid_flagged and flags else frozenset()
    routes = find_routes(
        network, start, end, k=k, excluded=excluded, excluded_edges=blocked | land_blocked
    )
    best: Route | None = None
    if avoid_flagged:
        unrestricted = find_routes(
            network, start, end, excluded=excluded, excluded_edges=land_blocked
        )
        best = unrestricted[0] if unrestricted else None
    if not routes and best is None:
        when = f" in {as_of}" if as_of else ""
        avoiding = f" (avoiding {', '.join(avoided)})" if avoided else ""
        raise NoRouteError(
            f"no route from {start.name} to {end.name} with the cables in service{when}"
            f"{avoiding}; try --include-planned, a later --as-of, or fewer --avoid-cable"
        )
    if flags is not None:
        routes = [annotate(route, flags) for route in routes]
        best = annotate(best, flags) if best is not None else None
    outcome = clean_outcome = None
    if resilience:
        flow = network.flow_network
        outcome = analyse_resilience(network, flow, start, end, excluded)
        if flags is not None:
            clean_outcome = analyse_resilience(
                network,
                flow,
                start,
                end,
                excluded | ownership_flagged_cables(flags),
                flags.flagged_stations(),
            )
    return RouteReport(
        start,
        end,
        tuple(routes),
        outcome,
        filters,
        network.snapshot_id,
        rules,
        detour(best, routes[0] if routes else None) if best is not None else None,
        best if avoid_flagged else None,
        clean_outcome,
        network=network,
    )


def _policy(policy: str | Policy | None) -> Policy | None:
    if policy is None or not isinstance(policy, str):
        return policy
    from cablemap.policy.rules import load_policy  # the policy layer, only when asked for

    return load_policy(policy)


def _check_distinct(start: Place, end: Place) -> None:
    if start.station is not None and start.station == end.station:
        raise SamePlaceError(f"both ends are the landing station {start.station!r}")
    different_parts = start.subdivision != end.subdivision and None not in (
        start.subdivision,
        end.subdivision,
    )
    if (
        start.iso2 == end.iso2
        and (start.station is None or end.station is None)
        and not (different_parts)
    ):
        raise SamePlaceError(
            f"both ends are in {start.name} ({start.iso2}); routes join two countries "
            "(give two landing-station ids for a route inside one country)"
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


def _check_cables(network: Network, cable_ids: tuple[str, ...]) -> None:
    for cable_id in cable_ids:
        if cable_id not in network.cables:
            close = difflib.get_close_matches(cable_id, list(network.cables), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}?" if close else "see `cablemap data check`"
            raise UserError(f"--avoid-cable: unknown cable id {cable_id!r}; {hint}")
