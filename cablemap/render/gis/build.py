"""Build the export's layers: the model's, a policy's flags on them, a route answer's routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cablemap.network.layers import MODEL_LAYERS, SEPARATOR, model_layer
from cablemap.render.provenance import data_provenance

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.analysis.query import RouteReport
    from cablemap.config import Settings
    from cablemap.network.graph import Network
    from cablemap.policy.flags import Flag, PolicyFlags
    from cablemap.policy.rules import Policy

LAYER_DESCRIPTIONS = {
    "cables": "Submarine cables as drawn in the data, one MultiLineString per cable.",
    "segments": "Cable segments between landing stations and branching units.",
    "stations": "Landing stations with at least one cable.",
    "terrestrial_links": "Assumed terrestrial links (backhaul, land borders) over land.",
    "flags": "What the policy flags: one row per flag, with its reason and sources.",
    "routes": "Routes of the route question, one MultiLineString per route.",
}
"""Every layer an export can hold, in the order it is written, with its description."""


@dataclass(frozen=True)
class GisExport:
    """The layers of one export and what describes them.

    Attributes
    ----------
    layers
        Layer name -> GeoDataFrame (``flags``: a DataFrame), in the order written.
    metadata
        Provenance (:func:`cablemap.render.provenance.data_provenance`), the layer
        counts, the question's options and ``notes`` (what had to be left out).
    """

    layers: dict[str, pd.DataFrame]
    metadata: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        counts = ", ".join(f"{name} {len(frame)}" for name, frame in self.layers.items())
        return f"<GisExport: {counts}>"

    def description(self, layer: str) -> str:
        """One line for a layer: what it holds, the attribution, the data and the policy."""
        meta = self.metadata
        return (
            f"{LAYER_DESCRIPTIONS[layer]} {meta['attribution']}. Data: {meta['source']}, "
            f"snapshot {meta['snapshot'] or 'none'}, fetched {meta['data_date'] or 'unknown'}. "
            f"Policy: {meta['policy'] or 'none'}."
        )


def export_layers(
    network: Network,
    *,
    policy: str | Policy | None = None,
    report: RouteReport | None = None,
    as_of: int | None = None,
    include_planned: bool = False,
    settings: Settings | None = None,
) -> GisExport:
    """The model as GIS layers, with a policy's flags and a route answer's routes.

    Parameters
    ----------
    network
        A built network.
    policy
        A policy (name, file or loaded): adds flag columns to cables, segments and
        stations, and the ``flags`` table.
    report
        A route answer (:func:`cablemap.trace_routes`): adds the ``routes`` layer.
    as_of, include_planned
        Decide the ``in_service`` field of cables, segments and stations.
    settings
        Where the snapshot cache is, to name the data's source (default: environment).

    Returns
    -------
    GisExport
        The layers and their metadata.
    """
    rules = _policy(policy)
    layers: dict[str, pd.DataFrame] = {
        name: model_layer(network, name, as_of=as_of, include_planned=include_planned)
        for name in MODEL_LAYERS
    }
    if rules is not None:
        from cablemap.policy.flags import policy_flags

        flags = policy_flags(network, rules)
        excluded = network.cables_out_of_service(as_of=as_of, include_planned=include_planned)
        _add_flag_columns(layers, network, flags, excluded)
        layers["flags"] = flags_table(flags)
    if report is not None:
        layers["routes"] = report.to_geodataframe()
    notes = [note for frame in layers.values() for note in frame.attrs.get("notes", [])]
    metadata: dict[str, Any] = {
        **data_provenance(
            network.snapshot_id,
            layout=network.dataset.layout,
            policy=rules,
            settings=settings,
            provenance=network.provenance,
        ),
        "as_of": as_of,
        "include_planned": include_planned,
        "route": _question(report),
        "layers": {name: len(frame) for name, frame in layers.items()},
        "notes": notes,
    }
    return GisExport(layers, metadata)


def flags_table(flags: PolicyFlags) -> pd.DataFrame:
    """One row per flag on a cable, segment or station: rule, subject, reason, sources."""
    import pandas as pd

    every: list[Flag] = [
        flag
        for table in (flags.cables, flags.segments, flags.stations)
        for subject in sorted(table)
        for flag in table[subject]
    ]
    kinds = [flag.subject.split(":", 1) for flag in every]
    return pd.DataFrame(
        {
            "policy": [f.policy for f in every],
            "rule": [f.rule for f in every],
            "applies_to": [f.applies_to for f in every],
            "subject": [f.subject for f in every],
            "subject_kind": [kind for kind, _ in kinds],
            "subject_id": [key for _, key in kinds],
            "reason": [f.reason for f in every],
            "entity": [f.entity for f in every],
            "citations": [SEPARATOR.join(c.short() for c in f.citations) or None for f in every],
            "citation_urls": [SEPARATOR.join(c.url for c in f.citations) or None for f in every],
        }
    )


def _add_flag_columns(
    layers: dict[str, pd.DataFrame],
    network: Network,
    flags: PolicyFlags,
    excluded: frozenset[str],
) -> None:
    """``flagged``, ``flags`` and ``flag_rules`` on cables and segments; exposure on stations.

    A station's exposure counts the cables in service in the export's year, as ``cablemap
    stations`` does (``excluded``: the cables that do not count).
    """
    from cablemap.policy.stations import station_exposure

    for name, key, table in (
        ("cables", "cable_id", flags.cables),
        ("segments", "segment_id", flags.segments),
    ):
        frame = layers[name]
        found = [table.get(i, ()) for i in frame[key]]
        frame["flagged"] = [bool(f) for f in found]
        frame["flags"] = [len(f) for f in found]
        frame["flag_rules"] = [
            SEPARATOR.join(dict.fromkeys(x.rule for x in f)) or None for f in found
        ]
    exposure = {s.id: s for s in station_exposure(network.dataset, flags, excluded=excluded)}
    stations = layers["stations"]
    rows = [exposure.get(i) for i in stations["station_id"]]
    stations["flagged_cables"] = [len(r.flagged_cables) if r else 0 for r in rows]
    stations["exposure"] = [float(r.exposure) if r else 0.0 for r in rows]
    stations["excluded_jurisdiction"] = [bool(r and r.station_flags) for r in rows]


def _question(report: RouteReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        "from": report.origin.name,
        "to": report.destination.name,
        "routes": len(report.routes),
        "filters": report.filters.as_dict(),
    }


def _policy(policy: str | Policy | None) -> Policy | None:
    if policy is None or not isinstance(policy, str):
        return policy
    from cablemap.policy.rules import load_policy

    return load_policy(policy)
