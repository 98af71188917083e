"""Counts that describe a dataset (shown by ``data info`` and stored in manifests)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from cablemap.dataset.records import RawData


def summarize(raw: RawData) -> dict[str, Any]:
    """Count cables, landing points, cable-landings and countries, and the warnings by kind."""
    return {
        "counts": {
            "cables": len(raw.cables),
            "landing_points": len(raw.stations),
            "cable_landings": sum(len(c.landing_ids) for c in raw.cables),
            "countries": len({s.iso2 for s in raw.stations if s.iso2}),
        },
        "warnings": {
            "total": len(raw.warnings),
            "by_kind": dict(sorted(Counter(w.kind for w in raw.warnings).items())),
        },
        "read": dict(raw.counts_read),
    }
