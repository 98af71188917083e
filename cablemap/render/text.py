"""Plain-text tables for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cablemap.sanitize import terminal_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cablemap.analysis.query import RouteReport
    from cablemap.analysis.routing import Route
    from cablemap.network.graph import Network


def route_table(report: RouteReport, network: Network, *, notes: Sequence[str] = ()) -> str:
    """Render a route answer as aligned text.

    Direct cables first (what connects the two places), then the clean-route summary and
    the clean route when a policy is given, then each route, cuts, resilience, and the
    cables the status overlay kept out; ``notes`` (such as the facts overlays gave) come
    last before the data's provenance line.
    """
    lines = [_title(report)]
    lines += _direct_block(report, network)
    if report.clean is not None:
        lines += ["", _clean_summary(report)]
        clean = report.clean_route
        if clean is not None and report.routes and clean.cables != report.routes[0].cables:
            lines += _route_block(report, clean, network, label="Best clean route")
    for route in report.routes:
        lines += _route_block(report, route, network, label=f"Route {route.rank}")
    lines += _cuts_block(report)
    if report.resilience is not None:
        lines.append("")
        lines.extend(_resilience(report))
    left_out = report.left_out_by_status()
    if left_out:
        kinds: dict[str, list[str]] = {}
        for entry in left_out:
            kinds.setdefault(entry["status"], []).append(entry["id"])
        listed = "; ".join(f"{kind}: {', '.join(ids)}" for kind, ids in sorted(kinds.items()))
        lines += [
            "",
            f"Not routed over (status overlay, --include-status KIND to allow): {listed}",
        ]
    lines += ["", *notes] if notes else []
    lines += ["", network.provenance.line(report.policy.label if report.policy else None)]
    return terminal_text("\n".join(lines))


def _direct_block(report: RouteReport, network: Network) -> list[str]:
    """The cables landing in both places, flagged ones first."""
    cables = report.direct_cables
    if not cables:
        return ["", "Direct cables: none lands in both places (under these filters and cuts)"]
    rows: list[tuple[str, ...]] = [("cable", "RFS", "from", "to", "flags")]
    for cable in cables:
        rows.append(
            (
                cable.name,
                str(cable.rfs_year or "?"),
                " / ".join(_station(network, s) for s in cable.from_stations[:2])
                + (" ..." if len(cable.from_stations) > 2 else ""),
                " / ".join(_station(network, s) for s in cable.to_stations[:2])
                + (" ..." if len(cable.to_stations) > 2 else ""),
                "FLAGGED" if cable.flags else ("-" if report.policy is None else "clean"),
            )
        )
    lines = ["", f"Direct cables ({len(cables)}): landing in both places"]
    return lines + ["  " + line for line in _align(rows, right=set())]


def _route_block(report: RouteReport, route: Route, network: Network, *, label: str) -> list[str]:
    count = len(route.cables)
    mark = ""
    start, end = route.hops[0].from_subdivision, route.hops[-1].to_subdivision
    where = [f"starts in {start}"] * bool(start) + [f"ends in {end}"] * bool(end)
    mark += f" ({', '.join(where)})" if where else ""
    if route.transit_countries:
        mark += f", via {', '.join(route.transit_countries)}"
    if report.policy is not None:
        mark += " - FLAGGED" if route.flagged else f" - clean under {report.policy.id}"
    lines = [
        "",
        f"{label}: {route.km:,.0f} km, {route.latency_ms:.1f} ms one way, "
        f"~{route.rtt_ms:.0f} ms round trip, {count} cable{'s' if count != 1 else ''}{mark}",
    ]
    rows: list[tuple[str, ...]] = [("#", "kind", "cable", "from", "to", "km")]
    for number, hop in enumerate(route.hops, start=1):
        cable = hop.cable_name or "(assumed terrestrial)"
        rows.append(
            (
                str(number),
                hop.kind,
                cable,
                _station(network, hop.from_station),
                _station(network, hop.to_station),
                f"{hop.km:,.0f}",
            )
        )
    lines.extend("  " + line for line in _align(rows, right={0, 5}))
    for number, hop in enumerate(route.hops, start=1):
        for flag in hop.flags:
            lines.append(f"     hop {number} flagged [{flag.rule}]: {flag.reason}")
    return lines


def _cuts_block(report: RouteReport) -> list[str]:
    if not report.cuts.cuts:
        return []
    lines = ["", "Cuts:"]
    for cut in report.cuts.cuts:
        what = (
            f"cable {', '.join(cut.cables)}"
            if cut.cables
            else f"{len(cut.segments)} segment{'s' if len(cut.segments) != 1 else ''}"
        )
        lines.append(f"  {cut.kind} {cut.spec}: {what} removed")
    return lines


def _clean_summary(report: RouteReport) -> str:
    clean = report.clean or {}
    assert report.policy is not None
    if not clean.get("clean_route_exists"):
        best = report.best_route
        route = (
            f" The best route ({best.km:,.0f} km, {', '.join(best.cables)}) is flagged."
            if best
            else ""
        )
        name = report.policy.id
        return f"No clean route exists under {name}: every route uses a flagged hop.{route}"
    if not clean.get("best_route_flagged"):
        return f"The best route is already clean under {report.policy.id} (no detour)."
    return (
        f"Avoiding flagged hops under {report.policy.id} costs a detour of "
        f"+{clean['detour_km']:,.0f} km, +{clean['detour_ms']:.1f} ms one way "
        f"(best route {clean['best_km']:,.0f} km, best clean route {clean['clean_km']:,.0f} km)."
    )


def _title(report: RouteReport) -> str:
    filters = report.filters
    scope = f"cables in service in {filters.as_of}" if filters.as_of else "cables in service now"
    if report.policy is not None:
        scope += f"; policy {report.policy.id} {report.policy.date_label}"
    if filters.include_planned:
        scope += ", planned included"
    if filters.avoid_cables:
        scope += f", avoiding {', '.join(filters.avoid_cables)}"
    if filters.terrestrial != "borders":
        scope += f", terrestrial links: {filters.terrestrial}"
    if filters.include_status:
        scope += f", including {', '.join(filters.include_status)} cables"
    origin, destination = report.origin, report.destination
    return (
        f"{origin.station or origin.name} ({origin.key}) to "
        f"{destination.station or destination.name} ({destination.key}); {scope}; "
        f"data {report.snapshot_id}"
    )


def _resilience(report: RouteReport) -> list[str]:
    assert report.resilience is not None
    outcome = report.resilience
    cut = ", ".join(outcome.min_cut_cables) or "none"
    critical = ", ".join(outcome.critical_cables) or "none (no single cable failure disconnects)"
    lines = [
        f"Resilience: {outcome.disjoint_routes} routes that share no cable",
        f"  smallest set of cables whose failure disconnects: {cut}",
        f"  cables every route depends on: {critical}",
    ]
    if report.clean_resilience is not None and report.policy is not None:
        clean = report.clean_resilience
        lines.append(
            f"  under {report.policy.id}: {clean.disjoint_routes} cable failures leave only "
            f"flagged routes ({', '.join(clean.min_cut_cables) or 'no clean route even now'})"
        )
    return lines


def _station(network: Network, station_id: str) -> str:
    station = network.stations[station_id]
    return station.name


def _align(rows: list[tuple[str, ...]], *, right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        out.append("  ".join(cells).rstrip())
    return out


def check_table(figures: dict[str, Any], snapshot_id: str) -> str:
    """Render the topology check figures (see :func:`cablemap.network.checks.topology_check`)."""
    attachment = figures["attachment"]
    connectivity = figures["connectivity"]
    ratio = figures["length_ratio"]
    distances = ", ".join(f"{k} {v:.2f}" for k, v in attachment["distance_km"].items())
    methods = ", ".join(f"{k} {v}" for k, v in attachment["methods"].items())
    transpacific = figures["transpacific"]
    connected_tp = sum(1 for entry in transpacific if entry["connected"])
    repairs = ", ".join(
        f"{kind} {entry['count']} (max {entry['max_km']:.1f} km)"
        for kind, entry in figures["repairs"].items()
    )
    lines = [
        f"Topology check of {snapshot_id}",
        "",
        f"landings attached:      {attachment['share_attached']:.1%} of "
        f"{attachment['landings']} ({methods})",
        f"attachment distance km: {distances}",
        f"cables connected:       {connectivity['share_connected']:.1%} of "
        f"{connectivity['cables_checked']} cables with two or more stations, through their "
        "own drawn segments (goal 97%)",
        f"  with spans joined over land in one country: "
        f"{connectivity['share_connected_over_land']:.1%} (information only)",
        f"rebuilt / stated length: median {ratio['median']:.2f}, p10 {ratio['p10']:.2f}, "
        f"p90 {ratio['p90']:.2f} over {ratio['cables']} cables; "
        f"{len(ratio['outliers'])} outside 0.5-2",
        f"  scaled to the stated length: {ratio.get('scaled_to_stated', 0)}; left as drawn "
        f"(stated / rebuilt outside {ratio.get('scale_bounds', ['?', '?'])}): "
        f"{ratio.get('left_as_drawn', 0)}",
        f"trans-Pacific cables connected: {connected_tp} of {len(transpacific)}",
        f"repairs to the drawings: {repairs or 'none'}",
    ]
    for kind, entry in figures.get("terrestrial", {}).items():
        longest = entry["longest"]
        far = f"{longest['from']} - {longest['to']} {longest['km']:.0f} km" if longest else "none"
        lines.append(
            f"terrestrial {kind} links: {entry['links']}, {entry['km']:,.0f} km assumed; "
            f"longest {far}; most water crossed {entry['max_water_km']:.1f} km "
            f"(allowance {entry['water_allowance_km']:.0f} km), most foreign land "
            f"{entry['max_foreign_land_km']:.1f} km (allowance "
            f"{entry['foreign_land_allowance_km']:.0f} km)"
        )
    exceptions = connectivity["exceptions"]
    if exceptions:
        lines += ["", f"Cables not connected through their own segments ({len(exceptions)}):"]
        lines += [f"  {entry['cable_id']}: {entry['reason']}" for entry in exceptions]
    if ratio["outliers"]:
        lines += ["", "Rebuilt length far from the stated length:"]
        lines += [f"  {o['cable_id']}: {o['ratio']:.2f}" for o in ratio["outliers"]]
    return terminal_text("\n".join(lines))
