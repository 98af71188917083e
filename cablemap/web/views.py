"""What the templates show, taken from the analysis results' JSON contracts.

The pages show each result's ``as_dict()`` (the same JSON the CLI prints), so the web
app says nothing the command line would not. This module only arranges it for reading:
numbers each cited document once, names stations and finds which owner names have a
carrier page. Escaping is the templates' (Jinja2 autoescape), never done here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.network.graph import Network


@dataclass
class Citations:
    """Every document the shown flags cite, numbered in the order first met."""

    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)

    def number(self, citation: dict[str, Any]) -> int:
        """The number of ``citation`` (a citation's JSON form), added if new."""
        key = (str(citation.get("title", "")), str(citation.get("url", "")))
        if key not in self.numbers:
            self.items.append(citation)
            self.numbers[key] = len(self.items)
        return self.numbers[key]

    def cite(self, flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``flags`` each with ``refs``: the numbers of its rule's and chain's sources."""
        shown = []
        for flag in flags:
            refs = [self.number(c) for c in flag.get("citations", [])]
            for link in flag.get("chain", []):
                refs += [self.number(s) for s in link.get("sources", [])]
            shown.append({**flag, "refs": sorted(set(refs))})
        return shown


def station_names(network: Network) -> dict[str, str]:
    """Landing station id -> its name."""
    return {station_id: info.name for station_id, info in network.stations.items()}


def known_carriers(names: list[str]) -> dict[str, str]:
    """Owner or supplier name -> registry entity id, for the names the registry knows."""
    from cablemap.policy.carriers import default_registry

    registry = default_registry()
    found = {}
    for name in names:
        entity = registry.match(name)
        if entity is not None:
            found[name] = entity.id
    return found


def route_view(report: dict[str, Any], network: Network) -> dict[str, Any]:
    """A route answer (``RouteReport.as_dict()``) arranged for the route page.

    Returns
    -------
    dict
        ``report`` with flags carrying citation numbers, the clean route when it is not
        among the routes shown, the numbered ``citations``, ``stations`` (id -> name)
        and ``carriers`` (owner/supplier name -> entity id).
    """
    citations = Citations()
    direct = [{**c, "flags": citations.cite(c["flags"])} for c in report["direct_cables"]]
    routes = [_cited_route(r, citations) for r in report["routes"]]
    clean = report.get("clean") or {}
    clean_route = clean.get("route")
    shown = [r["cables"] for r in report["routes"]]
    extra = None
    if clean_route is not None and clean_route["cables"] not in shown:
        extra = _cited_route(clean_route, citations)
    names = sorted({n for c in report["direct_cables"] for n in (*c["owners"], *c["suppliers"])})
    return {
        **report,
        "direct_cables": direct,
        "routes": routes,
        "clean_extra": extra,
        "citations": citations.items,
        "stations": station_names(network),
        "carriers": known_carriers(names),
    }


def _cited_route(route: dict[str, Any], citations: Citations) -> dict[str, Any]:
    hops = [{**hop, "flags": citations.cite(hop["flags"])} for hop in route["hops"]]
    return {**route, "hops": hops}


def country_view(report: dict[str, Any], network: Network) -> dict[str, Any]:
    """A country answer (``country_json``) arranged for the country page."""
    citations = Citations()
    cables = [{**c, "flags": citations.cite(c.get("flags", []))} for c in report["cables"]]
    names = {cable_id: info.name for cable_id, info in network.cables.items()}
    return {**report, "cables": cables, "citations": citations.items, "cable_names": names}
