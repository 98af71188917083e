"""Text, CSV and JSON renderings of the look-ups: carriers list, carriers show, search."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cablemap.sanitize import csv_cell, terminal_text

if TYPE_CHECKING:
    from cablemap.analysis.carriers import CarrierList, CarrierProfile, CarrierSummary
    from cablemap.analysis.search import SearchResults

SHOWN_FIELDS = frozenset(
    {
        "id",
        "name",
        "aliases",
        "hq_country",
        "roles",
        "sources",
        "parent",
        "state_control",
        "covered_list",
        "verified",
        "notes",
        "file",
    }
)
"""Entity fields :func:`carrier_text` lays out itself; any other field is printed as is."""


def columns(rows: Sequence[Sequence[str]], right: frozenset[int] = frozenset()) -> list[str]:
    """Rows of cells as aligned lines; columns in ``right`` are right-aligned.

    The last column is not padded, so a long free-text column belongs there.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row[:-1])
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(csv_cell(cell) for cell in row)
    return terminal_text(buffer.getvalue().rstrip("\n"))


def state_text(state_control: dict[str, str] | None, controlled_by: str | None) -> str:
    """State control in a few words: ``CN 100%``, ``SA ~28% (not control)``, or ``-``."""
    if not state_control:
        return "-"
    share = state_control.get("share", "")
    text = f"{state_control.get('state', '?')} {share}".strip()
    return text if controlled_by else f"{text} (not control)"


CARRIER_CSV = (
    "id",
    "name",
    "hq_country",
    "state_control",
    "state_controlled_by",
    "parent",
    "covered_list",
    "verified",
    "owned",
    "supplied",
    "selected_by",
    "reasons",
)


def carriers_output(result: CarrierList, fmt: str) -> str:
    """The carrier list as ``table``, ``json`` or ``csv``."""
    if fmt == "json":
        return json.dumps(result.as_dict(), indent=2)
    if fmt == "csv":
        return _csv(CARRIER_CSV, [_carrier_csv_row(row) for row in result.rows])
    return _carriers_table(result)


def _carrier_csv_row(row: CarrierSummary) -> list[Any]:
    reasons = " | ".join(f"{v.rule}: {v.reason}" for v in row.verdicts if v.selected)
    return [
        row.id,
        row.name,
        row.hq_country,
        state_text(row.state_control, row.state_controlled_by) if row.state_control else "",
        row.state_controlled_by or "",
        row.parent or "",
        row.covered_list,
        row.verified,
        row.owned,
        row.supplied,
        ",".join(row.selected_by),
        reasons,
    ]


def _carriers_table(result: CarrierList) -> str:
    from cablemap.analysis.carriers import LIST_ORDER

    policy = [f"selected by ({result.policy} as of {result.policy_date})"] if result.policy else []
    header = ["id", "HQ", "state", "covered", "owned", "supplied", "parent", *policy, "name"]
    rows = [header]
    for row in result.rows:
        verdict = [",".join(row.selected_by) or "-"] if result.policy else []
        rows.append(
            [
                row.id,
                row.hq_country,
                _state_code(row),
                "yes" if row.covered_list else "-",
                str(row.owned),
                str(row.supplied),
                row.parent or "-",
                *verdict,
                row.name + ("" if row.verified else " [unverified]"),
            ]
        )
    title = (
        f"{len(result.rows)} registry entities; cables owned and supplied in data "
        f"{result.snapshot}; {LIST_ORDER}"
    )
    return terminal_text("\n".join([title, "", *columns(rows, frozenset({4, 5}))]))


def _state_code(row: CarrierSummary) -> str:
    """The controlling state, ``(XX minority)`` for a stake without control, or ``-``."""
    if row.state_controlled_by:
        return row.state_controlled_by
    if row.state_control:
        return f"({row.state_control.get('state', '?')} minority)"
    return "-"


def carrier_text(profile: CarrierProfile) -> str:
    """One entity in words: facts, family, cables, policy verdicts, sources."""
    entity = profile.entity
    lines = [f"{entity['name']} ({entity['id']})"]
    lines.append(f"  aliases: {', '.join(entity['aliases'])}")
    lines.append(f"  headquarters: {entity['hq_country']}")
    control = entity["state_control"]
    state = state_text(control, profile.state_controlled_by)
    note = f" ({control['note']})" if control and control.get("note") else ""
    lines.append(f"  state control: {state}{note}")
    covered = entity["covered_list"]
    lines.append(
        "  FCC Covered List: "
        + (
            f"{covered.get('entry', entity['name'])}, added {covered.get('added', '?')}"
            if covered
            else "no"
        )
    )
    lines.append(f"  roles: {', '.join(entity['roles'])}")
    verified = "verified" if entity["verified"] else "UNVERIFIED (a claim could not be confirmed)"
    lines.append(f"  registry entry: geodata/carriers/{entity['file']}, {verified}")
    if entity["notes"]:
        lines.append(f"  notes: {entity['notes']}")
    for key, value in entity.items():
        if key not in SHOWN_FIELDS:
            lines += _generic(key, value)
    lines += _family_lines(profile)
    lines += _cable_lines(profile)
    lines += _policy_lines(profile)
    lines.append("  sources (claims each backs):")
    for source in entity["sources"]:
        who = f"{source['publisher']}, " if source["publisher"] else ""
        lines.append(
            f"    [{', '.join(source['claims'])}] {who}{source['title']} ({source['date']}) "
            f"{source['url']}"
        )
    return terminal_text("\n".join(lines))


def _plural(count: int, noun: str) -> str:
    """``1 match``, ``2 matches``, ``3 more roles``."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun}{'es' if noun.endswith(('ch', 'sh', 's', 'x')) else 's'}"


def _generic(key: str, value: Any) -> list[str]:
    """A field this renderer does not know yet, shown as it is (lists one item a line)."""
    label = key.replace("_", " ")
    if value in (None, "", [], {}):
        return [f"  {label}: -"]
    if isinstance(value, list):
        return [f"  {label}:", *(f"    - {_inline(item)}" for item in value)]
    return [f"  {label}: {_inline(value)}"]


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_inline(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        return "; ".join(_inline(item) for item in value)
    return str(value)


def _family_lines(profile: CarrierProfile) -> list[str]:
    chain = [f"{p['name']} ({p['id']}, HQ {p['hq_country']})" for p in profile.parents]
    lines = ["  parent chain: " + (" -> ".join(chain) if chain else "none (top of its family)")]
    if len(profile.family) > 1:
        lines.append(f"  corporate family ({len(profile.family)} entities, from the top):")
        for member in profile.family:
            mark = "  <- this entity" if member["id"] == profile.id else ""
            indent = "    " + "  " * member["depth"]
            lines.append(
                f"{indent}{member['name']} ({member['id']}, HQ {member['hq_country']}){mark}"
            )
    return lines


def _cable_lines(profile: CarrierProfile) -> list[str]:
    own = [r for r in profile.cables if r.entity == profile.id]
    family = [r for r in profile.cables if r.entity != profile.id]
    owned = len({r.cable for r in own if r.role == "owner"})
    supplied = len({r.cable for r in own if r.role == "supplier"})
    lines = [
        f"  cables in data {profile.snapshot}: owns {owned}, supplied {supplied}"
        + (f"; family members: {_plural(len(family), 'more role')}" if family else "")
    ]
    rows = []
    for role in profile.cables:
        via = "" if role.entity == profile.id else f"  [family: {role.entity}]"
        facts = f"RFS {role.rfs_year}" if role.rfs_year else "RFS unknown"
        if role.status != "in-service":
            facts += f", {role.status}"
        rows.append(
            [
                f"    {role.role}",
                facts,
                f"{role.cable_name} ({role.cable}), as {role.named_as!r}{via}",
            ]
        )
    return lines + (columns(rows) if rows else ["    (none)"])


def _policy_lines(profile: CarrierProfile) -> list[str]:
    lines = ["  policies (owner and supplier rules; landing rules select stations):"]
    for policy in profile.policies:
        verdict = "SELECTED" if policy.selected else "not selected"
        lines.append(f"    {policy.policy} (as of {policy.as_of}): {verdict}")
        for v in policy.verdicts:
            why = v.reason if v.selected else "does not select it"
            lines.append(f"      {v.rule} (applies to {v.applies_to}s): {why}")
    return lines


SEARCH_HEADER = ("kind", "name", "match", "detail", "next")


def search_output(result: SearchResults, fmt: str) -> str:
    """Search hits as ``table``, ``json`` or ``csv``."""
    if fmt == "json":
        return json.dumps(result.as_dict(), indent=2)
    if fmt == "csv":
        from cablemap.analysis.search import SEARCH_COLUMNS

        rows = [[getattr(hit, c) for c in SEARCH_COLUMNS] for hit in result.hits]
        return _csv(SEARCH_COLUMNS, rows)
    if not result.hits:
        return terminal_text(
            f"nothing matches {result.query!r} in data {result.snapshot} (cable names, ids and "
            "abbreviations; station names, ids and countries; carrier names and aliases)"
        )
    rows = [list(SEARCH_HEADER)]
    for hit in result.hits:
        matched = f"{hit.match} {hit.field} {hit.text!r}"
        rows.append([hit.kind, hit.name, matched, hit.detail, hit.next])
    more = result.total - len(result.hits)
    title = f"{_plural(result.total, 'match')} for {result.query!r} in data {result.snapshot}" + (
        f"; the first {len(result.hits)} shown (--limit N for more)" if more else ""
    )
    return terminal_text("\n".join([title, "", *columns(rows)]))
