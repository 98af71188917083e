"""One cable described in full: owners and suppliers resolved, stations, segments, flags."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from cablemap.errors import UserError
from cablemap.policy.carriers import Registry

if TYPE_CHECKING:
    from cablemap.dataset.load import Dataset
    from cablemap.network.tables import Topology
    from cablemap.policy.flags import PolicyFlags


def describe_cable(
    cable_id: str,
    dataset: Dataset,
    topology: Topology,
    registry: Registry,
    flags: PolicyFlags | None = None,
) -> dict[str, Any]:
    """Everything known about one cable, as a JSON-ready dict.

    Raises
    ------
    UserError
        For an unknown cable id, with the closest ids.
    """
    table = dataset.cables.set_index("id", drop=False)
    if cable_id not in table.index:
        close = difflib.get_close_matches(cable_id, list(table.index), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "ids are slugs like 'seamewe-5'"
        raise UserError(f"unknown cable id {cable_id!r}; {hint}")
    row = table.loc[cable_id]
    stations = dataset.stations.set_index("id", drop=False)
    landing_ids = dataset.landings.loc[dataset.landings.cable_id == cable_id, "station_id"]
    segments = topology.segments[topology.segments.cable_id == cable_id]
    return {
        "id": cable_id,
        "name": row["name"],
        "rfs_year": None if row.rfs_year is table.rfs_year.dtype.na_value else int(row.rfs_year),
        "planned": bool(row.planned),
        "length_km": None
        if row.length_km is table.length_km.dtype.na_value
        else float(row.length_km),
        "url": row.url if isinstance(row.url, str) else None,
        "owners": [_party(name, registry) for name in row.owners],
        "suppliers": [_party(name, registry) for name in row.suppliers],
        "stations": [
            {"id": s, "name": stations.loc[s, "name"], "country": stations.loc[s, "country_iso2"]}
            for s in landing_ids
        ],
        "segments": [
            {
                "id": seg,
                "from": a,
                "to": b,
                "km": round(float(km), 1),
                "flags": [f.as_dict() for f in (flags.segments.get(seg, ()) if flags else ())],
            }
            for seg, a, b, km in zip(
                segments.segment_id,
                segments.from_node,
                segments.to_node,
                segments.length_km,
                strict=True,
            )
        ],
        "policy": flags.policy.id if flags else None,
        "policy_date": flags.policy.as_of.isoformat() if flags else None,
        "policy_name": flags.policy.name if flags else None,
        "flags": [f.as_dict() for f in (flags.cables.get(cable_id, ()) if flags else ())],
        "data": dataset.provenance.as_dict(),
    }


def _party(name: str, registry: Registry) -> dict[str, Any]:
    entity = registry.match(name)
    if entity is None:
        return {"name": name, "entity": None}
    parents = [e.name for e in registry.ancestors(entity.id)]
    return {
        "name": name,
        "entity": entity.id,
        "canonical_name": entity.name,
        "hq_country": entity.hq_country,
        "state_control": entity.state_control,
        "state_controlled_by": entity.state_controlled,
        "parents": parents,
        "verified": entity.verified,
        "sources": [s.as_dict() for s in entity.sources],
    }
