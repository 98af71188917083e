"""Failure scenarios for a sweep: what fails in each one.

A :class:`Scenario` names the cables withdrawn whole (their edges and, as for a route's
``--cut``, the stations left without a usable cable) and the graph edges removed
otherwise (one segment, a region's segments, everything at a landing station). The
builders here list every scenario of one kind under the sweep's filters:

- :func:`single_cables`, :func:`single_segments`, :func:`single_stations`: one element;
- :func:`cable_pairs`: every pair of cables;
- :func:`region_scenarios`: every named region of :mod:`cablemap.analysis.cuts`;
- :func:`owner_scenarios`: each registry entity's cables (as an owner) withdrawn;
- :func:`random_scenarios`: ``count`` draws of ``failures`` cables, optionally weighted
  by length, reproducible from a seed whatever the batching.

Scenarios are plain frozen data (ids and edge indices), cheap to send to a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from cablemap.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from cablemap.network.graph import Network

KINDS = ("cable", "segment", "station", "pair", "region", "owner", "random")
"""Scenario kinds, as the ``kind`` column of a sweep's outputs names them."""


@dataclass(frozen=True)
class Scenario:
    """One failure: cables withdrawn whole and graph edges removed."""

    id: str
    kind: str
    cables: frozenset[str] = frozenset()
    edges: frozenset[int] = frozenset()
    label: str = ""
    """A readable name (cable or station name, region, entity)."""


def in_service_cables(network: Network, excluded: frozenset[str]) -> list[str]:
    """Cables usable under the sweep's filters that have at least one edge, in id order."""
    return sorted(
        cable_id
        for cable_id, position in network.cable_position.items()
        if cable_id not in excluded and network.cable_edges[position]
    )


def single_cables(network: Network, excluded: frozenset[str]) -> list[Scenario]:
    """One scenario per usable cable: the whole cable fails."""
    return [
        Scenario(f"cable:{c}", "cable", frozenset({c}), label=network.cables[c].name)
        for c in in_service_cables(network, excluded)
    ]


def single_segments(network: Network, excluded: frozenset[str]) -> list[Scenario]:
    """One scenario per segment of a usable cable: that segment's edges fail.

    As ``--cut CABLE:N`` does: the rest of the cable stays in service.
    """
    by_segment: dict[int, list[int]] = {}
    for edge, segment in enumerate(network.edges.segment):
        if segment >= 0:
            by_segment.setdefault(segment, []).append(edge)
    usable = set(in_service_cables(network, excluded))
    found = []
    for segment, edges in sorted(by_segment.items()):
        segment_id = network.segment_ids[segment]
        cable_id = segment_id.rsplit(":", 1)[0]
        if cable_id in usable:
            label = f"{network.cables[cable_id].name} segment {segment_id.rsplit(':', 1)[1]}"
            found.append(
                Scenario(f"segment:{segment_id}", "segment", edges=frozenset(edges), label=label)
            )
    return found


def single_stations(network: Network, excluded: frozenset[str]) -> list[Scenario]:
    """One scenario per landing station with a usable cable: every edge there fails.

    The station's cable landings, its backhaul and border links and its place's route
    ends there are all removed (``Network.edges_touching``); cables passing through it
    lose that landing.
    """
    found = []
    for station_id in sorted(network.stations):
        if not any(c not in excluded for c in network.station_cables.get(station_id, ())):
            continue
        edges = network.edges_touching(frozenset({station_id}))
        name = network.stations[station_id].name
        found.append(Scenario(f"station:{station_id}", "station", edges=edges, label=name))
    return found


def cable_pairs(network: Network, excluded: frozenset[str]) -> list[Scenario]:
    """One scenario per unordered pair of usable cables: both fail."""
    cables = in_service_cables(network, excluded)
    return [
        Scenario(f"pair:{a}+{b}", "pair", frozenset({a, b}), label=f"{a} + {b}")
        for a, b in combinations(cables, 2)
    ]


def region_scenarios(network: Network, regions: Iterable[str] | None = None) -> list[Scenario]:
    """One scenario per region: every segment crossing it fails (as ``--cut-in``).

    Parameters
    ----------
    network
        A built network (its topology is read: the drawn segments).
    regions
        Region names or GeoJSON files; default: every shipped region.
    """
    from cablemap.analysis.cuts import region_names, resolve_cuts

    found = []
    for region in regions if regions is not None else region_names():
        cuts = resolve_cuts(network, regions=(region,))
        name = cuts.cuts[0].spec
        found.append(Scenario(f"region:{name}", "region", edges=cuts.edges, label=name))
    return found


def owner_scenarios(network: Network, excluded: frozenset[str]) -> list[Scenario]:
    """One scenario per registry entity owning a usable cable: all its cables fail.

    Owners are matched to the carrier registry as policies match them (exact normalised
    alias, :func:`cablemap.analysis.carriers.entity_cables`); a consortium member's exit
    is taken as the loss of every cable it is named as an owner of.
    """
    from cablemap.analysis.carriers import entity_cables
    from cablemap.policy.carriers import default_registry

    registry = default_registry()
    found = []
    for entity_id, roles in sorted(entity_cables(network, registry).items()):
        cables = frozenset(
            r.cable
            for r in roles
            if r.role == "owner" and r.cable not in excluded and r.cable in network.cable_position
        )
        if cables:
            name = registry.entities[entity_id].name
            found.append(Scenario(f"owner:{entity_id}", "owner", cables, label=name))
    return found


def random_scenarios(
    network: Network,
    excluded: frozenset[str],
    *,
    count: int,
    failures: int,
    seed: int,
    weight: str | None = None,
) -> list[Scenario]:
    """``count`` scenarios of ``failures`` distinct usable cables drawn at random.

    Draw *i* uses its own generator, ``numpy.random.default_rng([seed, i])``, so a
    scenario does not depend on how the sweep is batched or resumed. With
    ``weight="length"`` a cable is drawn with probability proportional to its km.

    Raises
    ------
    UserError
        ``failures`` larger than the usable cables, or an unknown weight.
    """
    import numpy as np

    cables = in_service_cables(network, excluded)
    if not 1 <= failures <= len(cables):
        raise UserError(f"--failures {failures}: give 1 to {len(cables)} (the usable cables)")
    if weight not in (None, "length"):
        raise UserError(f"--weight {weight!r}: the only weight is 'length'")
    p = None
    if weight == "length":
        km = np.array([_cable_km(network, c) for c in cables])
        p = km / km.sum()
    found = []
    for i in range(count):
        rng = np.random.default_rng([seed, i])
        drawn = sorted(cables[j] for j in rng.choice(len(cables), failures, replace=False, p=p))
        found.append(Scenario(f"random:{i}", "random", frozenset(drawn), label="+".join(drawn)))
    return found


def _cable_km(network: Network, cable_id: str) -> float:
    """A cable's km: the sum of its cable edges (each segment is stored both ways)."""
    edges = network.cable_edges[network.cable_position[cable_id]]
    return sum(network.edges.km[e] for e in edges) / 2 or 1.0


def iter_batches(scenarios: list[Scenario], size: int) -> Iterator[tuple[int, list[Scenario]]]:
    """The scenarios in batches of ``size``, numbered from 0, in order."""
    for number, start in enumerate(range(0, len(scenarios), size)):
        yield number, scenarios[start : start + size]
