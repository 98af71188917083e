"""Text, CSV and GeoJSON renderings of stations, cables and policies."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cablemap.dataset.provenance import provenance_from_dict
from cablemap.sanitize import csv_cell, terminal_text

if TYPE_CHECKING:
    from cablemap.dataset.provenance import Provenance
    from cablemap.policy.rules import Policy
    from cablemap.policy.stations import StationExposure


def stations_output(
    rows: Sequence[StationExposure], fmt: str, policy: Policy | None, data: Provenance
) -> str:
    """Stations ranked by exposure, as table, csv, json or geojson.

    Every format names the data (:mod:`cablemap.dataset.provenance`): a ``data`` object in
    JSON and GeoJSON, a first ``#`` comment line in CSV, a last line in the table.
    """
    if fmt == "json":
        return json.dumps(
            {
                "policy": policy.id if policy else None,
                "policy_name": policy.name if policy else None,
                "snapshot": data.snapshot,
                "attribution": data.attribution,
                "data": data.as_dict(),
                "stations": [r.as_dict() for r in rows],
            },
            indent=2,
        )
    if fmt == "geojson":
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                "properties": {k: v for k, v in r.as_dict().items() if k not in ("lon", "lat")},
            }
            for r in rows
        ]
        return json.dumps(
            {
                "type": "FeatureCollection",
                "features": features,
                "properties": {
                    "policy": policy.id if policy else None,
                    "policy_name": policy.name if policy else None,
                    "snapshot": data.snapshot,
                    "attribution": data.attribution,
                    "data": data.as_dict(),
                },
            }
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            [
                "rank",
                "station",
                "name",
                "country",
                "cables",
                "flagged_cables",
                "exposure",
                "excluded_jurisdiction",
                "reasons",
            ]
        )
        for rank, r in enumerate(rows, start=1):
            writer.writerow(
                csv_cell(cell)
                for cell in [
                    rank,
                    r.id,
                    r.name,
                    r.iso2,
                    len(r.cables),
                    len(r.flagged_cables),
                    f"{r.exposure:.3f}",
                    bool(r.station_flags),
                    " | ".join(r.reasons),
                ]
            )
        comment = data.csv_comment(policy.name if policy else None)
        return terminal_text(comment + buffer.getvalue().rstrip("\n"))
    return _stations_table(rows, policy, data)


def _stations_table(
    rows: Sequence[StationExposure], policy: Policy | None, data: Provenance
) -> str:
    title = f"Landing stations ranked by exposure to {policy.id}" if policy else "Landing stations"
    lines = [f"{title} ({len(rows)} stations; data {data.snapshot})", ""]
    for rank, r in enumerate(rows, start=1):
        flagged = f"{len(r.flagged_cables)}/{len(r.cables)} cables flagged"
        where = " - EXCLUDED JURISDICTION" if r.station_flags else ""
        lines.append(f"{rank:>3}. {r.name} ({r.iso2}): {flagged}, exposure {r.exposure:.0%}{where}")
        lines.extend(f"       - {reason}" for reason in r.reasons)
    if policy:
        lines += ["", "Sources:"]
        for rule in policy.rules:
            for citation in rule.citations:
                lines.append(f"  [{rule.id}] {citation.short()}")
    lines += ["", data.line(policy.name if policy else None)]
    return terminal_text("\n".join(lines))


def cable_text(info: dict[str, Any]) -> str:
    """One cable in words: facts, owners, suppliers, stations, segments, flags."""
    lines = [
        f"{info['name']} ({info['id']})",
        f"  ready for service: {info['rfs_year'] or 'unknown'}"
        f"{' (planned)' if info['planned'] else ''}; stated length: "
        f"{info['length_km'] or 'unknown'} km",
    ]
    for label in ("owners", "suppliers"):
        lines.append(f"  {label}:")
        for party in info[label] or [{"name": "(none given)", "entity": "-"}]:
            if party.get("entity") is None:
                lines.append(f"    - {party['name']}: not in the carrier registry")
            elif party["entity"] == "-":
                lines.append(f"    - {party['name']}")
            else:
                control = party["state_control"] or {}
                if party["state_controlled_by"]:
                    state = f", controlled by the state of {party['state_controlled_by']}"
                elif control:
                    state = (
                        f", the state of {control['state']} holds {control.get('share', 'a stake')}"
                    )
                else:
                    state = ""
                lines.append(
                    f"    - {party['name']} = {party['canonical_name']} "
                    f"(HQ {party['hq_country']}{state})"
                )
    lines.append(
        "  stations: " + ", ".join(f"{s['name']} [{s['country']}]" for s in info["stations"])
    )
    lines.append(f"  segments ({len(info['segments'])}):")
    for segment in info["segments"]:
        mark = "  FLAGGED" if segment["flags"] else ""
        lines.append(
            f"    {segment['id']}: {segment['from']} - {segment['to']}, "
            f"{segment['km']:,.0f} km{mark}"
        )
    if info["policy"]:
        lines.append(
            f"  flags under {info['policy']}:"
            if info["flags"]
            else f"  no flags under {info['policy']}"
        )
        for flag in info["flags"]:
            lines.append(f"    - [{flag['rule']}] {flag['reason']}")
            lines.extend(
                f"        source: {c['publisher']}, {c['title']} ({c['date']}) {c['url']}"
                for c in flag["citations"]
            )
    lines += ["", provenance_from_dict(info["data"]).line(info["policy_name"])]
    return terminal_text("\n".join(lines))


def policy_text(policy: Policy) -> str:
    """A policy explained: summary, then each rule with what it selects and its sources."""
    lines = [f"{policy.name} ({policy.id})", f"  file: {policy.path}", ""]
    lines += [f"  {line}" for line in policy.summary.split("\n") if line]
    for rule in policy.rules:
        lines += ["", f"  rule {rule.id} (applies to {rule.applies_to})"]
        if rule.description:
            lines.append(f"    {rule.description}")
        selects = {
            "headquartered in": sorted(rule.hq_countries),
            "controlled by the state of": sorted(rule.state_controlled_by),
            "entities": sorted(rule.entities),
            "landing countries": sorted(rule.countries),
        }
        for label, values in selects.items():
            if values:
                lines.append(f"    {label}: {', '.join(values)}")
        if rule.covered_list:
            lines.append("    entities on the FCC Covered List")
        if rule.include_affiliates:
            lines.append("    and every entity in the corporate family of one selected")
        for citation in rule.citations:
            lines.append(f"    source: {citation.short()}")
            if citation.note:
                lines.append(f"      ({citation.note})")
    return terminal_text("\n".join(lines))
