"""A sweep's ranking as text (the terminal table) and as CSV.

The ranking itself is :func:`cablemap.analysis.sweep.rank_scenarios`; this module only
lays it out. The CSV starts with one ``#`` line naming the data, the policy and the
attribution, as the matrix's CSV does, and guards text cells against spreadsheet
formulas (:func:`cablemap.sanitize.csv_safe_frame`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

TABLE_COLUMNS = (
    ("rank", "#"),
    ("label", "scenario"),
    ("countries_cut_off", "cut off"),
    ("pairs_disconnected", "disconnected"),
    ("pairs_degraded", "degraded"),
    ("clean_routes_lost", "clean lost"),
    ("max_latency_increase_ms", "max +ms"),
    ("cut_off", "countries cut off"),
)
"""Columns of the terminal table and their headings."""


def summary_text(ranked: pd.DataFrame, *, top: int, degraded_ms: float, policy: bool = True) -> str:
    """The ``top`` scenarios of a ranking as an aligned table, with a heading line.

    Without a ``policy`` the clean-route column is left out.
    """
    shown = ranked.head(top)
    columns = [c for c in TABLE_COLUMNS if policy or c[0] != "clean_routes_lost"]
    rows = [[heading for _, heading in columns]]
    for record in shown.to_dict("records"):
        rows.append([_cell(column, record[column]) for column, _ in columns])
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = [
        f"Scenarios ranked by impact ({len(shown)} of {len(ranked)}): countries cut off, "
        f"then country pairs disconnected, then pairs whose latency rose by {degraded_ms:g} ms "
        "or more"
    ]
    for row in rows:
        cells = [
            cell.rjust(width) if i not in (1, len(row) - 1) else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _cell(column: str, value: Any) -> str:
    if column == "label":
        text = str(value)
        return text if len(text) <= 40 else text[:39] + "…"
    if column == "max_latency_increase_ms":
        return f"{float(value):.1f}"
    if column == "cut_off":
        codes = str(value).split(",") if value else []
        return ",".join(codes[:8]) + (f" +{len(codes) - 8}" if len(codes) > 8 else "")
    return f"{int(value):,}"


def summary_csv(ranked: pd.DataFrame, data: dict[str, Any], policy: str | None) -> bytes:
    """The whole ranking as CSV bytes, after a ``#`` line naming the data.

    Parameters
    ----------
    ranked
        :func:`~cablemap.analysis.sweep.rank_scenarios` output.
    data
        The network's provenance (``network.provenance.as_dict()``).
    policy
        The policy's label, or ``None``.
    """
    from cablemap.dataset.provenance import provenance_from_dict
    from cablemap.sanitize import csv_safe_frame

    text = csv_safe_frame(ranked).to_csv(index=False, float_format="%.3f")
    return (provenance_from_dict(data).csv_comment(policy) + text).encode("utf-8")
