"""Overlays in outputs: which facts came from which record, the overlays in use, licences."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.dataset.overlay.model import Fact, Overlay


def route_cable_ids(answer: dict[str, Any]) -> list[str]:
    """Every cable a route answer (its JSON form) names: direct cables and route cables."""
    found = [c["id"] for c in answer.get("direct_cables", [])]
    for route in answer.get("routes", []):
        found += route["cables"]
    clean = answer.get("clean") or {}
    for key in ("route", "best_route"):
        if clean.get(key):
            found += clean[key]["cables"]
    return list(dict.fromkeys(found))


def fact_lines(facts: Sequence[Fact] | Sequence[dict[str, Any]], *, indent: str = "") -> list[str]:
    """``from overlays:`` and one line per record: the fields it gave and its source.

    ``facts`` are :class:`~cablemap.dataset.overlay.model.Fact` objects or their JSON
    form; nothing without facts.
    """
    rows = [f if isinstance(f, dict) else f.as_dict() for f in facts]
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault((row["id"], row["record"]), []).append(row)
    lines = [f"{indent}from overlays:"] if grouped else []
    for (subject, record), group in grouped.items():
        fields = ", ".join(
            f["field"] + (" (schematic path, approximate)" if f["approximate"] else "")
            for f in group
        )
        source, first = group[0]["source"], group[0]
        lines.append(
            f"{indent}  - {subject}: {fields}: overlay {first['overlay']} ({record}, "
            f'{first["licence"]}); source: {source["publisher"]}, "{source["title"]}", '
            f"{source['date']}, {source['url']}"
        )
    return lines


def overlay_list_text(entries: list[tuple[Overlay, str]]) -> str:
    """The overlays in use and every record, for ``data overlay list``."""
    if not entries:
        return (
            "no overlays in use: add one with `cablemap data overlay add FILE|NAME` or give "
            "--overlay FILE|NAME"
        )
    lines = []
    for overlay, origin in entries:
        lines.append(
            f"{overlay.id} ({origin}, {overlay.file}, sha256 {overlay.sha256[:12]}): "
            f"{overlay.title}; {overlay.publisher}; {len(overlay.records)} records; "
            f"licences {', '.join(overlay.licences)}"
        )
        for record in overlay.records:
            lines.append(
                f"  {record.where}  {record.kind} {record.target}  [{record.licence}]  "
                f"{record.source.short()}"
            )
    return "\n".join(lines)


def licences_text(terms: list[str], notes: list[str]) -> str:
    """What a user may do with an output, for ``data licences``."""
    return "\n".join([*terms, *notes])
