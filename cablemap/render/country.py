"""``cablemap country`` as a table in words or as CSV (the JSON is ``report.as_dict()``)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from cablemap.render.tables import data_fields, data_line
from cablemap.sanitize import csv_cell, csv_comment, terminal_text

if TYPE_CHECKING:
    from cablemap.analysis.country import CountryCable, CountryReport

STATUS_WORDS = {"in-service": "in service", "planned": "planned", "later": "not yet in service"}


def country_json(report: CountryReport) -> dict[str, object]:
    """The JSON answer: ``report.as_dict()`` with the data's provenance and attribution."""
    return {**report.as_dict(), **data_fields(report.data, report.policy)}


def _data_line(report: CountryReport) -> str:
    return data_line(report.data, report.policy)


def country_text(report: CountryReport) -> str:
    """The look-up in words: cables, stations, flagged share, countries reached, cut-off."""
    place = report.place
    lines = [
        f"{_where(report)}: {report.service.describe()}",
        f"data {report.snapshot_id}"
        + (
            f"; policy {report.policy.id} {report.policy.date_label}"
            if report.policy
            else "; no policy (add --policy NAME)"
        ),
        "",
    ]
    lines += _cable_lines(report, international=True)
    lines += _cable_lines(report, international=False)
    lines += ["", f"Landing stations ({len(report.stations)}):"]
    names = {c.id: c for c in report.cables}
    for _, name, cables in report.stations:
        lines.append(f"  {name}: " + ", ".join(_short(names[c]) for c in cables))
    lines += _flag_lines(report)
    reached = report.reached()
    lines += ["", f"Countries reached by a direct cable ({len(reached)}):"]
    for code, ids in reached.items():
        country = report.country_names.get(code, code)
        lines.append(f"  {country} ({code}): {', '.join(names[c].name for c in ids)}")
    lines += ["", *_cut_lines(report, place.name), "", _data_line(report)]
    return terminal_text("\n".join(lines))


def _where(report: CountryReport) -> str:
    place = report.place
    return f"{place.name} ({place.subdivision or place.iso2})"


def _short(cable: CountryCable) -> str:
    """A cable's name, with its status when it is not counted."""
    if cable.counted:
        return cable.name
    return f"{cable.name} ({STATUS_WORDS.get(cable.status, cable.status)})"


def _cable_lines(report: CountryReport, *, international: bool) -> list[str]:
    cables = [c for c in report.cables if c.international == international]
    if international:
        title = (
            f"Cables leaving {report.place.name}"
            if report.place.subdivision
            else "International cables"
        )
    else:
        title = f"Domestic cables (landing only in {report.place.name})"
    if not cables:
        return [f"{title}: none"]
    counted = f"in service in {report.service.year}"
    if report.service.include_planned:
        counted += " or planned (counted)"
    groups = {
        counted: [c for c in cables if c.counted],
        "planned or not yet in service": [
            c for c in cables if not c.counted and c.status in STATUS_WORDS
        ],
        "kept out by the status overlay": [
            c for c in cables if not c.counted and c.status not in STATUS_WORDS
        ],
    }
    summary = ", ".join(f"{len(group)} {label}" for label, group in groups.items() if group)
    lines = [f"{title}: {len(cables)} ({summary})"]
    stations = {s: name for s, name, _ in report.stations}
    for label, group in groups.items():
        if group:
            lines.append(f"  {label}:")
            lines += [f"    {_cable_line(c, stations, international)}" for c in group]
    return lines


def _cable_line(cable: CountryCable, stations: dict[str, str], international: bool) -> str:
    year = f"RFS {cable.rfs_year}" if cable.rfs_year else "RFS unknown"
    status = (
        "" if cable.status == "in-service" else f", {STATUS_WORDS.get(cable.status, cable.status)}"
    )
    at = ", ".join(stations.get(s, s).split(",")[0] for s in cable.stations)
    reach = f" -> {', '.join(cable.reaches)}" if international else ""
    flagged = f"  FLAGGED ({', '.join(cable.roles)})" if cable.flags else ""
    return f"{cable.name} [{year}{status}] at {at}{reach}{flagged}"


def _flag_lines(report: CountryReport) -> list[str]:
    flagged = report.flagged_by_role()
    if flagged is None or report.policy is None:
        return []
    total = len(report.counted())
    lines = [
        "",
        f"Flagged under {report.policy.id} {report.policy.date_label}, of the {total} "
        f"international cables counted in {report.service.year} "
        "(a cable may be flagged in several roles):",
    ]
    words = {
        "any": "for any reason",
        "owner": "for an owner",
        "supplier": "for a supplier",
        "landing": "for a landing in an excluded jurisdiction",
    }
    for role, label in words.items():
        share = f"{flagged[role] / total:.0%}" if total else "-"
        lines.append(f"  {label + ':':<45}{flagged[role]:>3} ({share})")
    return lines


def _cut_lines(report: CountryReport, name: str) -> list[str]:
    cut = report.isolation
    names = {c.id: c.name for c in report.cables}
    lines = ["Cut off by sea (what losing cables would do):"]
    if cut.ways_out == 0:
        lines.append(f"  no cable counted in {report.service.year} leaves {name}: cut off by sea")
    else:
        lines.append(f"  ways out that share no cable: {cut.ways_out}")
        if cut.single_points:
            listed = ", ".join(names.get(c, c) for c in cut.single_points)
            lines.append(f"  single point of failure: {listed}: its loss alone cuts {name} off")
        else:
            lines.append("  single point of failure: none (no one cable's loss cuts it off)")
        listed = ", ".join(names.get(c, c) for c in cut.min_cut_cables)
        lines.append(
            f"  fewest cables whose loss cuts it off: {len(cut.min_cut_cables)} ({listed})"
        )
    if cut.land_neighbours:
        over = ", ".join(f"{report.country_names.get(c, c)} ({c})" for c in cut.land_neighbours)
        lines.append(
            f"  over land it still reaches {over} (assumed border links, which no cable "
            "loss breaks)"
        )
    return lines


def country_csv(report: CountryReport) -> str:
    """One row per cable landing in the place; ``#`` lines first state the terms."""
    cut = report.isolation
    buffer = io.StringIO()
    comments = [
        _data_line(report),
        f"{_where(report)}; {report.service.describe()}",
        f"policy: {f'{report.policy.id} {report.policy.date_label}' if report.policy else 'none'}",
        f"ways out by sea that share no cable: {cut.ways_out}; land neighbours: "
        f"{' '.join(cut.land_neighbours) or 'none'}",
    ]
    # One comment line, as every CSV output has (`pandas.read_csv(skiprows=1)` reads it).
    buffer.write(csv_comment(" | ".join(comments)))
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "cable",
            "name",
            "international",
            "status",
            "counted",
            "rfs_year",
            "stations",
            "reaches",
            "flagged",
            "flagged_as",
            "single_point_of_failure",
            "in_min_cut",
        ]
    )
    for c in report.cables:
        cells = [
            c.id,
            c.name,
            c.international,
            c.status,
            c.counted,
            c.rfs_year if c.rfs_year is not None else "",
            " ".join(c.stations),
            " ".join(c.reaches),
            bool(c.flags) if report.policy else "",
            " ".join(c.roles),
            c.id in cut.single_points,
            c.id in cut.min_cut_cables,
        ]
        writer.writerow(csv_cell(cell) for cell in cells)
    return terminal_text(buffer.getvalue().rstrip("\n"))
