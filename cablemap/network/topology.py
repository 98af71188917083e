"""Cable topology: from hand-drawn lines to segments between stations and branching units.

The per-cable landing lists of the data are sorted by country, not along the cable, so
the topology comes from the drawn geometry alone. :func:`build_topology`

1. nodes every cable's lines: splits them where they cross or touch
   (:func:`shapely.node`, all cables in one call);
2. repairs each cable's drawing (:mod:`cablemap.network.repair`): stitches the
   antimeridian, lands line ends at stations, joins gaps and T-junctions, attaches the
   remaining stations on the line, drops overshoot stubs;
3. reads the result back as tables (:mod:`cablemap.network.tables`): segments between
   consecutive nodes with geodesic lengths, nodes, attachments and repairs.

The tolerances are a :class:`~cablemap.network.tolerances.Tolerances`; ``docs/topology.md``
describes the model and the measured figures behind the defaults.
:func:`~cablemap.network.checks.topology_check` computes the figures that say how well a
topology matches the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely

from cablemap.dataset.records import RawData
from cablemap.network.cablegraph import CableGraph
from cablemap.network.checks import topology_check
from cablemap.network.repair import CableBuild, Landing, repair_cable
from cablemap.network.tables import Topology, assemble
from cablemap.network.tolerances import DEFAULT_TOLERANCES, Tolerances

if TYPE_CHECKING:
    from cablemap.dataset.load import Dataset

__all__ = [
    "DEFAULT_TOLERANCES",
    "CableInput",
    "Tolerances",
    "Topology",
    "build_topology",
    "topology_check",
]


@dataclass(frozen=True)
class CableInput:
    """What the build needs of one cable: its drawn lines and its stations' ids.

    Each line is an ``(n, 2)`` array of ``(lon, lat)`` with n >= 2.
    """

    id: str
    lines: list[np.ndarray]
    station_ids: list[str]


def build_topology(
    data: RawData | Dataset, *, tolerances: Tolerances = DEFAULT_TOLERANCES
) -> Topology:
    """Build every cable's segments, nodes and station attachments from its geometry.

    Parameters
    ----------
    data
        The plain records from :func:`cablemap.dataset.load.load_raw` (the faster
        input) or a loaded :class:`~cablemap.dataset.load.Dataset`; neither is modified.
    tolerances
        The distances deciding joins and attachments.

    Returns
    -------
    Topology
        Segments, nodes, one attachment per cable landing, and the repairs made.

    Examples
    --------
    >>> raw, _ = load_raw("../shared/data/open-undersea-cable-map")  # doctest: +SKIP
    >>> topo = build_topology(raw)  # doctest: +SKIP
    >>> topo.segments[topo.segments.cable_id == "jupiter"]  # doctest: +SKIP
    """
    cables, stations = _inputs(data)
    noded = node_lines([cable.lines for cable in cables])
    builds = [
        _build_cable(cable, lines, stations, tolerances)
        for cable, lines in zip(cables, noded, strict=True)
    ]
    return assemble(builds, stations, tolerances)


def _inputs(data: RawData | Dataset) -> tuple[list[CableInput], dict[str, tuple[float, float]]]:
    """Plain cable inputs and station coordinates from raw records or a dataset."""
    if isinstance(data, RawData):
        cables = [
            CableInput(c.id, [_as_xy(line) for line in data.lines[c.id]], list(c.landing_ids))
            for c in data.cables
        ]
        return cables, {s.id: (float(s.lon), float(s.lat)) for s in data.stations}
    landings = data.landings.groupby("cable_id", sort=False)["station_id"].agg(list)
    cables = [
        CableInput(
            str(cable_id),
            [shapely.get_coordinates(part) for part in shapely.get_parts(geometry)],
            list(landings.get(cable_id, [])),
        )
        for cable_id, geometry in zip(data.cables["id"], data.cables.geometry, strict=True)
    ]
    xy = shapely.get_coordinates(data.stations.geometry.values).tolist()
    stations = {str(sid): (x, y) for sid, (x, y) in zip(data.stations["id"], xy, strict=True)}
    return cables, stations


def _as_xy(line: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """A drawn line as an ``(n, 2)`` float array (no copy if it already is one)."""
    return np.asarray(line, dtype=float).reshape(-1, 2)


def node_lines(cables: Sequence[Sequence[np.ndarray]]) -> list[list[np.ndarray]]:
    """Split every cable's lines where they cross or touch, all cables in one call.

    Parameters
    ----------
    cables
        Per cable, its lines as ``(n, 2)`` arrays of ``(lon, lat)``.

    Returns
    -------
    list of list of numpy.ndarray
        Per cable, the noded pieces as ``(n, 2)`` arrays; pieces meeting at a point share
        its exact coordinates, and overlapping duplicates are merged.
    """
    noded: list[list[np.ndarray]] = [[] for _ in cables]
    flat = [line for lines in cables for line in lines]
    if not flat:
        return noded
    line_index = np.repeat(np.arange(len(flat)), [len(line) for line in flat])
    lines = shapely.linestrings(np.concatenate(flat), indices=line_index)
    owner = np.repeat(np.arange(len(cables)), [len(lines_of) for lines_of in cables])
    has_lines, dense = np.unique(owner, return_inverse=True)  # cables without lines skipped
    multis = shapely.multilinestrings(lines, indices=dense)
    parts, part_owner = shapely.get_parts(shapely.node(multis), return_index=True)
    part_coords, part_of = shapely.get_coordinates(parts, return_index=True)
    bounds = np.searchsorted(part_of, np.arange(len(parts) + 1))
    for k, multi in enumerate(part_owner):
        noded[has_lines[multi]].append(part_coords[bounds[k] : bounds[k + 1]])
    return noded


def _build_cable(
    cable: CableInput,
    lines: list[np.ndarray],
    stations: dict[str, tuple[float, float]],
    tolerances: Tolerances,
) -> CableBuild:
    """Repair one cable's noded lines; a landing at an unlocated station is unattached."""
    wanted = list(dict.fromkeys(cable.station_ids))
    own = {sid: stations[sid] for sid in wanted if sid in stations}
    build = repair_cable(CableBuild(CableGraph.from_lines(cable.id, lines), own, tolerances))
    for sid in wanted:
        if sid not in stations:
            build.landings[sid] = Landing(sid, "unattached", float("inf"), None)
    return build
