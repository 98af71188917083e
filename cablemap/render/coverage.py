"""Text, CSV and JSON renderings of the names the carrier registry does not match."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cablemap.sanitize import csv_cell, terminal_text

if TYPE_CHECKING:
    from cablemap.analysis.coverage import NameUse

CSV_COLUMNS = ("role", "name", "cables", "policy_countries", "listed", "reason")


def unmatched_output(
    unknown: Sequence[NameUse], listed: Sequence[NameUse], fmt: str, *, show_listed: bool
) -> str:
    """The unmatched names as a table, CSV or JSON.

    Parameters
    ----------
    unknown
        Names neither matched by the registry nor listed as deliberately unmatched.
    listed
        Names listed as deliberately unmatched (with their reasons).
    fmt
        ``"table"``, ``"csv"`` or ``"json"``.
    show_listed
        Include the listed names (the table shows them in a section of their own);
        without it the table says how many it left out.
    """
    rows = [*unknown, *listed] if show_listed else list(unknown)
    if fmt == "json":
        return json.dumps([_row(use) for use in rows], indent=2, ensure_ascii=False)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for use in rows:
            cells = (
                use.role,
                use.name,
                len(use.cables),
                " ".join(use.policy_countries),
                "true" if use.reason is not None else "false",
                use.reason or "",
            )
            writer.writerow([csv_cell(cell) for cell in cells])
        return buffer.getvalue().rstrip("\n")
    return terminal_text(_table(unknown, listed, show_listed=show_listed))


def _row(use: NameUse) -> dict[str, object]:
    full = use.as_dict()
    return {key: full[key] for key in (*CSV_COLUMNS, "cable_ids")}


def _table(unknown: Sequence[NameUse], listed: Sequence[NameUse], *, show_listed: bool) -> str:
    lines = [
        f"{len(unknown)} names neither in the registry nor listed as deliberately unmatched "
        "(distinct cables; 'policy' = countries named by a shipped policy where those "
        "cables land):",
        f"{'cables':>6}  {'role':<8}  {'policy':<12}  name",
    ]
    lines += [_line(use) for use in unknown]
    if not show_listed:
        lines.append(
            f"{len(listed)} names deliberately unmatched (geodata/carriers/unmatched*.toml) "
            "not shown; --listed shows them with their reasons."
        )
        return "\n".join(lines)
    lines.append(f"{len(listed)} names deliberately unmatched (geodata/carriers/unmatched*.toml):")
    lines += [f"{_line(use)}  -- {use.reason}" for use in listed]
    return "\n".join(lines)


def _line(use: NameUse) -> str:
    countries = ",".join(use.policy_countries) or "-"
    return f"{len(use.cables):>6}  {use.role:<8}  {countries:<12}  {use.name}"
