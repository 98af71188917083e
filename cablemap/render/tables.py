"""Text, CSV and GeoJSON renderings of stations, cables and policies."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from cablemap.analysis.stations import NO_POLICY
from cablemap.dataset.provenance import ATTRIBUTION, provenance_from_dict
from cablemap.sanitize import csv_cell, csv_comment, terminal_text

if TYPE_CHECKING:
    from cablemap.analysis.stations import StationRanking
    from cablemap.dataset.provenance import Provenance
    from cablemap.policy.rules import Policy


def stations_output(ranking: StationRanking, fmt: str) -> str:
    """Stations ranked by exposure, as table, csv, json or geojson.

    Every format states the terms: the policy and its date, the year, whether planned
    cables count, what exposure means and the order; without a policy, no exposure is
    shown. Every format names the data (:mod:`cablemap.dataset.provenance`): a ``data``
    object in JSON and GeoJSON, a first ``#`` comment line in CSV, a last line in the table.
    """
    if fmt == "json":
        return json.dumps({**_stations_terms_dict(ranking), **ranking.as_dict()}, indent=2)
    if fmt == "geojson":
        return _stations_geojson(ranking)
    if fmt == "csv":
        return _stations_csv(ranking)
    return _stations_table(ranking)


def _stations_geojson(ranking: StationRanking) -> str:
    from cablemap.analysis.stations import station_row

    with_policy = ranking.policy is not None
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
            "properties": {
                k: v for k, v in station_row(r, with_policy).items() if k not in ("lon", "lat")
            },
        }
        for r in ranking.rows
    ]
    terms = {
        **_stations_terms_dict(ranking),
        **{k: v for k, v in ranking.as_dict().items() if k != "stations"},
    }
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": features,
            "properties": terms,
        }
    )


def data_fields(data: Provenance | None, policy: Policy | None) -> dict[str, Any]:
    """The data's provenance and the policy's name, as JSON and GeoJSON outputs carry them."""
    return {
        "policy_name": policy.name if policy else None,
        "attribution": data.attribution if data else ATTRIBUTION,
        "data": data.as_dict() if data else None,
    }


def data_line(data: Provenance | None, policy: Policy | None) -> str:
    """``Data: ...`` naming the data and the policy (with its date), or the attribution."""
    return data.line(policy.label if policy else None) if data else ATTRIBUTION


def _stations_terms_dict(ranking: StationRanking) -> dict[str, Any]:
    return data_fields(ranking.data, ranking.policy)


def _data_line(ranking: StationRanking) -> str:
    return data_line(ranking.data, ranking.policy)


def _stations_terms(ranking: StationRanking) -> list[str]:
    """The lines that say what the figures mean (table footer, CSV comments)."""
    lines = [ranking.service.describe()]
    if ranking.left_out:
        which = (
            "1 station left out (its"
            if ranking.left_out == 1
            else (f"{ranking.left_out} stations left out (their")
        )
        lines.append(f"{which} cables are not in service in {ranking.year})")
    if ranking.policy is None:
        return [*lines, f"order: {ranking.order}", NO_POLICY]
    return [*lines, ranking.definition, f"order: {ranking.order}"]


def _stations_csv(ranking: StationRanking) -> str:
    with_policy = ranking.policy is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # One comment line, as every CSV output has, so that `pandas.read_csv(skiprows=1)` reads
    # any of them: the data, then the terms of the ranking, separated by " | ".
    buffer.write(csv_comment(" | ".join([_data_line(ranking), *_stations_terms(ranking)])))
    header = ["rank", "station", "name", "country", "cables"]
    if with_policy:
        header += ["flagged_cables", "exposure", "excluded_jurisdiction", "reasons"]
    writer.writerow(header)
    for rank, r in enumerate(ranking.rows, start=1):
        cells: list[object] = [rank, r.id, r.name, r.iso2, len(r.cables)]
        if with_policy:
            cells += [
                len(r.flagged_cables),
                f"{r.exposure:.3f}",
                bool(r.station_flags),
                " | ".join(r.reasons),
            ]
        writer.writerow(csv_cell(cell) for cell in cells)
    return terminal_text(buffer.getvalue().rstrip("\n"))


def _stations_table(ranking: StationRanking) -> str:
    policy = ranking.policy
    where = f" in {ranking.scope.name}" if ranking.scope is not None else ""
    title = (
        f"Landing stations{where} ranked by exposure to {policy.id} {policy.date_label}"
        if policy
        else f"Landing stations{where}"
    )
    data = ranking.data.snapshot if ranking.data else ranking.snapshot_id
    lines = [f"{title} ({len(ranking.rows)} stations; data {data})", ""]
    for rank, r in enumerate(ranking.rows, start=1):
        if policy is None:
            count = f"{len(r.cables)} cable{'' if len(r.cables) == 1 else 's'}"
            lines.append(f"{rank:>3}. {r.name} ({r.iso2}): {count}")
            continue
        flagged = f"{len(r.flagged_cables)}/{len(r.cables)} cables flagged"
        where = " - EXCLUDED JURISDICTION" if r.station_flags else ""
        lines.append(f"{rank:>3}. {r.name} ({r.iso2}): {flagged}, exposure {r.exposure:.0%}{where}")
        lines.extend(f"       - {reason}" for reason in r.reasons)
    lines += ["", *_stations_terms(ranking)]
    if policy:
        lines += ["", "Sources:"]
        for rule in policy.rules_in_force():
            for citation in rule.citations:
                lines.append(f"  [{rule.id}] {citation.short()}")
    lines += ["", _data_line(ranking)]
    return terminal_text("\n".join(lines))


def cable_text(info: dict[str, Any]) -> str:
    """One cable in words: facts, owners, suppliers, stations, segments, flags."""
    lines = [
        f"{info['name']} ({info['id']})",
        f"  ready for service: {info['rfs_year'] or 'unknown'}"
        f"{' (planned)' if info['planned'] else ''}; stated length: "
        f"{info['length_km'] or 'unknown'} km",
    ]
    if info.get("snapshot"):
        lines.append(f"  data: {info['snapshot']}")
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
    approximate = ""
    if info.get("approximate_geometry"):  # drawn by cablemap: its km are the path's, roughly
        approximate = f" (schematic path, approximate{_stated_note(info)})"
    for segment in info["segments"]:
        mark = "  FLAGGED" if segment["flags"] else ""
        lines.append(
            f"    {segment['id']}: {segment['from']} - {segment['to']}, "
            f"{segment['km']:,.0f} km{approximate}{mark}"
        )
    if info["policy"]:
        under = f"{info['policy']} as of {info.get('policy_date')}"
        lines.append(f"  flags under {under}:" if info["flags"] else f"  no flags under {under}")
        for flag in info["flags"]:
            lines.append(f"    - [{flag['rule']}] {flag['reason']}")
            lines.extend(
                f"        source: {c['publisher']}, {c['title']} ({c['date']}) {c['url']}"
                for c in flag["citations"]
            )
    from cablemap.render.overlays import fact_lines  # which facts an overlay record gave

    lines += fact_lines(info.get("overlay_facts", []), indent="  ")
    from cablemap.policy.rules import policy_label

    used = policy_label(info["policy_name"], info["policy_date"])
    lines += ["", provenance_from_dict(info["data"]).line(used)]
    return terminal_text("\n".join(lines))


def _stated_note(info: dict[str, Any]) -> str:
    """Whether routes measure a schematic cable by its stated length (see calibration)."""
    from cablemap.network.calibration import LENGTH_SCALE_MAX, LENGTH_SCALE_MIN

    stated, drawn = info["length_km"], sum(s["km"] for s in info["segments"])
    if not stated or not drawn:
        return "; no stated length, routes use the path's km"
    if LENGTH_SCALE_MIN <= stated / drawn <= LENGTH_SCALE_MAX:
        return f"; routes use the stated {stated:,.0f} km"
    return f"; the stated {stated:,.0f} km is too far from the path's to scale it"


def _rule_dates(rule: Any, on: Any) -> str:
    """``effective 2025-11-26 (in force on 2026-01-01)``."""
    since = f"effective {rule.effective}" if rule.effective else "no effective date"
    ends = f", ends {rule.ends}" if rule.ends else ""
    state = "in force" if rule.in_force(on) else "NOT in force"
    return f"{since}{ends} ({state} on {on})"


def policy_text(policy: Policy) -> str:
    """A policy explained: summary, then each rule with what it selects and its sources."""
    lines = [f"{policy.name} ({policy.id}) {policy.date_label}", f"  file: {policy.path}", ""]
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
        if rule.equity_threshold is not None:
            test = "more than" if rule.equity_strict else "at least"
            lines.append(
                f"    and every entity in which one selected holds {test} "
                f"{rule.equity_threshold:g}% (equity or votes), or a company it controls"
            )
        lines.append(f"    {_rule_dates(rule, policy.as_of)}")
        for citation in rule.citations:
            lines.append(f"    source: {citation.short()}")
            if citation.note:
                lines.append(f"      ({citation.note})")
    return terminal_text("\n".join(lines))
