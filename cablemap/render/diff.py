"""Text and CSV renderings of a snapshot diff (``cablemap data diff``)."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from cablemap.sanitize import csv_cell

if TYPE_CHECKING:
    from cablemap.analysis.diff import SnapshotDiff

ATTRIBUTION = "Cable data: TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0)"


def diff_output(diff: SnapshotDiff, fmt: str) -> str:
    """The diff as ``table`` (text), ``json`` or ``csv`` (one row per change)."""
    if fmt == "json":
        return json.dumps({**diff.as_dict(), "attribution": ATTRIBUTION}, indent=2)
    if fmt == "csv":
        from cablemap.analysis.diff import ROW_COLUMNS

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(ROW_COLUMNS)
        for row in diff.to_frame().itertuples(index=False):
            writer.writerow([csv_cell(_cell(value)) for value in row])
        return buffer.getvalue().rstrip("\n")
    return diff_table(diff)


def _cell(value: Any) -> Any:
    return "" if value is None else value


def diff_table(diff: SnapshotDiff) -> str:
    """A readable report: the two snapshots, counts, then every change by kind."""
    summary = diff.summary
    lines = [f"before: {_side(diff.before)}", f"after:  {_side(diff.after)}"]
    lines += [f"note: {note}" for note in diff.notes]
    by_field = ", ".join(f"{f} {n}" for f, n in summary["cables_changed_by_field"].items())
    lines += [
        "",
        f"cables: {summary['cables_added']} added, {summary['cables_removed']} removed, "
        f"{summary['cables_id_changed']} with a new id, {summary['cables_changed']} changed"
        + (f" ({by_field})" if by_field else ""),
        f"landing points: {summary['landing_points_added']} added, "
        f"{summary['landing_points_removed']} removed, "
        f"{summary['landing_points_id_changed']} with a new id",
    ]
    lines += _section("cables added", [_cable_line(c) for c in diff.cables_added])
    lines += _section("cables removed", [_cable_line(c) for c in diff.cables_removed])
    lines += _section(
        "cables with a new id, same RFS year and landing points",
        [f"  {p['from']} -> {p['to']}  {p['name']}" for p in diff.cables_id_changed],
    )
    lines += _section("cables changed", [_changed_lines(c) for c in diff.cables_changed])
    lines += _section("landing points added", [_point_line(p) for p in diff.landing_points_added])
    lines += _section(
        "landing points removed", [_point_line(p) for p in diff.landing_points_removed]
    )
    lines += _section(
        f"landing points with a new id, same place within {_same_place_km()} km",
        [f"  {p['from']} -> {p['to']}  {p['name']}" for p in diff.landing_points_id_changed],
    )
    return "\n".join([*lines, "", ATTRIBUTION])


def _same_place_km() -> str:
    from cablemap.analysis.diff import SAME_PLACE_KM

    return f"{SAME_PLACE_KM:g}"


def _side(side: dict[str, Any]) -> str:
    counts = side["counts"]
    return (
        f"{side['snapshot']} ({side['layout']}, {counts['cables']} cables, "
        f"{counts['landing_points']} landing points)"
    )


def _section(title: str, entries: list[str]) -> list[str]:
    if not entries:
        return []
    return ["", f"{title} ({len(entries)}):", *entries]


def _cable_line(cable: dict[str, Any]) -> str:
    year = cable["rfs_year"] if cable["rfs_year"] is not None else "RFS n.a."
    planned = ", planned" if cable["planned"] else ""
    owners = "; ".join(cable["owners"]) or "owners n.a."
    return f"  {cable['id']}  {cable['name']} ({year}{planned}): {owners}"


def _point_line(point: dict[str, Any]) -> str:
    return f"  {point['id']}  {point['name']}"


def _changed_lines(cable: dict[str, Any]) -> str:
    head = f"  {cable['id']}  {cable['name']}"
    if "previous_id" in cable:
        head += f" (was {cable['previous_id']})"
    lines = [head]
    for field, change in cable["changes"].items():
        if "from" in change:
            lines.append(f"    {field}: {_value(change['from'])} -> {_value(change['to'])}")
            continue
        names = [f"-{_name(n)}" for n in change["removed"]]
        names += [f"+{_name(n)}" for n in change["added"]]
        lines.append(f"    {field}: {'; '.join(names)}")
    return "\n".join(lines)


def _name(item: Any) -> str:
    return str(item["name"]) if isinstance(item, dict) else str(item)


def _value(value: Any) -> str:
    return "n.a." if value is None else str(value)
