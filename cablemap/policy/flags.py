"""Apply a policy: flags on cables, segments and landing stations, each explaining itself.

- **Owner and supplier rules** flag a cable when one of its owners (or suppliers), matched
  to the carrier registry, is selected by the rule. Ownership is per cable in the data,
  so every segment of the cable inherits those flags, unless a segment ownership
  override (``geodata/segment-ownership.toml``) says who holds that segment; the flag then
  says so.
- **Landing rules** flag the landing stations in the listed countries, every segment
  that ends at one, and (for information and exposure) the cable that lands there.

A flag carries the policy, the rule, the subject, a reason in words, the registry entity
behind it and the rule's citations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cablemap.policy.affiliation import Link
from cablemap.policy.carriers import Registry, default_registry
from cablemap.policy.overrides import SegmentOwnership, load_overrides
from cablemap.policy.rules import Citation, Policy, Rule

if TYPE_CHECKING:
    from cablemap.dataset.load import Dataset
    from cablemap.network.graph import Network
    from cablemap.network.tables import Topology


@dataclass(frozen=True)
class Flag:
    """One reason a policy would exclude a cable, segment or station."""

    policy: str
    rule: str
    applies_to: str
    subject: str
    reason: str
    entity: str | None
    citations: tuple[Citation, ...]
    chain: tuple[Link, ...] = ()
    """From the flagged entity to what the rule names: control, equity stakes (with their
    share, date and sources), the Covered List entry..."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "policy": self.policy,
            "rule": self.rule,
            "applies_to": self.applies_to,
            "subject": self.subject,
            "reason": self.reason,
            "entity": self.entity,
            "chain": [link.as_dict() for link in self.chain],
            "citations": [c.as_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class PolicyFlags:
    """Every flag one policy puts on one dataset and its topology."""

    policy: Policy
    cables: dict[str, tuple[Flag, ...]]
    segments: dict[str, tuple[Flag, ...]]
    stations: dict[str, tuple[Flag, ...]]

    def flagged_segments(self) -> frozenset[str]:
        """Segment ids with at least one flag."""
        return frozenset(s for s, flags in self.segments.items() if flags)

    def flagged_stations(self) -> frozenset[str]:
        """Station ids with at least one flag."""
        return frozenset(s for s, flags in self.stations.items() if flags)


def apply_policy(
    policy: Policy,
    dataset: Dataset,
    topology: Topology,
    *,
    registry: Registry | None = None,
    overrides: tuple[SegmentOwnership, ...] | None = None,
) -> PolicyFlags:
    """Flag what ``policy`` would exclude in a dataset.

    Parameters
    ----------
    policy
        A loaded policy (:func:`cablemap.policy.rules.load_policy`), evaluated on its
        ``as_of`` date: rules not in force then put no flags.
    dataset, topology
        The data and its rebuilt topology.
    registry
        The carrier registry; default: the shipped one.
    overrides
        Segment ownership overrides; default: the shipped ones.

    Returns
    -------
    PolicyFlags
        Flags by cable id, segment id and station id (every id present, maybe empty).
    """
    registry = registry or default_registry()
    overrides = load_overrides(registry) if overrides is None else overrides
    country = dict(zip(dataset.stations["id"], dataset.stations["country_iso2"], strict=True))
    stations = _station_flags(policy, dataset, country)
    cables: dict[str, list[Flag]] = {}
    for cable_id, owners, suppliers in zip(
        dataset.cables["id"], dataset.cables["owners"], dataset.cables["suppliers"], strict=True
    ):
        flags = _party_flags(policy, registry, f"cable:{cable_id}", "owner", owners)
        flags += _party_flags(policy, registry, f"cable:{cable_id}", "supplier", suppliers)
        cables[cable_id] = flags
    _landing_flags_on_cables(cables, dataset, stations, country)
    segments = _segment_flags(policy, registry, topology, cables, stations, overrides, country)
    return PolicyFlags(
        policy,
        {k: tuple(v) for k, v in cables.items()},
        segments,
        {k: tuple(v) for k, v in stations.items()},
    )


def _party_flags(
    policy: Policy,
    registry: Registry,
    subject: str,
    role: str,
    names: list[str],
    held: str = "",
) -> list[Flag]:
    flags = []
    for rule in policy.rules_in_force():
        if rule.applies_to != role:
            continue
        for name in names:
            entity = registry.match(name)
            why = rule.select(entity, registry, policy.as_of) if entity else None
            if entity is None or why is None:
                continue
            verb = "owned in part by" if role == "owner" else "built by"
            unverified = "" if entity.verified else " [registry entry unverified]"
            reason = f"{held}{verb} {name!r}: {entity.describe()} {why.reason}{unverified}"
            flags.append(
                Flag(
                    policy.id,
                    rule.id,
                    role,
                    subject,
                    reason,
                    entity.id,
                    rule.citations,
                    why.chain,
                )
            )
    return flags


def _station_flags(
    policy: Policy, dataset: Dataset, country: dict[str, str]
) -> dict[str, list[Flag]]:
    flags: dict[str, list[Flag]] = {station_id: [] for station_id in dataset.stations["id"]}
    landing_rules = [r for r in policy.rules_in_force() if r.applies_to == "landing"]
    names = dict(zip(dataset.stations["id"], dataset.stations["name"], strict=True))
    for station_id, iso2 in country.items():
        for rule in landing_rules:
            if iso2 in rule.countries:
                reason = (
                    f"landing station {names[station_id]!r} is in {iso2}, a jurisdiction "
                    "the rule excludes"
                )
                flags[station_id].append(
                    Flag(
                        policy.id,
                        rule.id,
                        "landing",
                        f"station:{station_id}",
                        reason,
                        None,
                        rule.citations,
                    )
                )
    return flags


def _landing_flags_on_cables(
    cables: dict[str, list[Flag]],
    dataset: Dataset,
    stations: dict[str, list[Flag]],
    country: dict[str, str],
) -> None:
    by_cable: dict[tuple[str, str], list[str]] = defaultdict(list)
    rules: dict[tuple[str, str], Flag] = {}
    for cable_id, station_id in zip(
        dataset.landings["cable_id"], dataset.landings["station_id"], strict=True
    ):
        for flag in stations.get(station_id, []):
            by_cable[(cable_id, flag.rule)].append(station_id)
            rules[(cable_id, flag.rule)] = flag
    for (cable_id, rule_id), station_ids in by_cable.items():
        flag = rules[(cable_id, rule_id)]
        places = ", ".join(f"{s} ({country[s]})" for s in station_ids)
        cables[cable_id].append(
            Flag(
                flag.policy,
                rule_id,
                "landing",
                f"cable:{cable_id}",
                f"lands in an excluded jurisdiction at {places}",
                None,
                flag.citations,
            )
        )


def _segment_flags(
    policy: Policy,
    registry: Registry,
    topology: Topology,
    cables: dict[str, list[Flag]],
    stations: dict[str, list[Flag]],
    overrides: tuple[SegmentOwnership, ...],
    country: dict[str, str],
) -> dict[str, tuple[Flag, ...]]:
    segments: dict[str, tuple[Flag, ...]] = {}
    table = topology.segments
    for segment_id, cable_id, a, b in zip(
        table["segment_id"], table["cable_id"], table["from_node"], table["to_node"], strict=True
    ):
        subject = f"segment:{segment_id}"
        override = next((o for o in overrides if o.applies(cable_id, a, b)), None)
        if override is not None:
            held = (
                f"segment held by {', '.join(override.owner_names(registry))} ({override.cite()}); "
            )
            names = [registry.entities[e].aliases[0] for e in override.owners]
            own = _party_flags(policy, registry, subject, "owner", names, held)
            suppliers = [f for f in cables.get(cable_id, []) if f.applies_to == "supplier"]
            inherited = own + [_moved(f, subject) for f in suppliers]
        else:
            inherited = [
                _moved(f, subject) for f in cables.get(cable_id, []) if f.applies_to != "landing"
            ]
        landing = [
            Flag(
                f.policy,
                f.rule,
                "landing",
                subject,
                f"segment ends at {f.reason[len('landing ') :]}",
                None,
                f.citations,
            )
            for node in (a, b)
            for f in stations.get(node, [])
        ]
        segments[segment_id] = tuple(inherited + landing)
    return segments


def _moved(flag: Flag, subject: str) -> Flag:
    """The cable's flag, restated for one of its segments."""
    return Flag(
        flag.policy,
        flag.rule,
        flag.applies_to,
        subject,
        f"{flag.reason} (ownership is per cable in the data)",
        flag.entity,
        flag.citations,
        flag.chain,
    )


__all__ = ["Flag", "PolicyFlags", "Rule", "apply_policy"]


FLAGS_KEPT = 16
"""Policy flags kept with a network, one per (policy, file, date); the least recently
used go first (the web app answers for any date a user asks)."""


def policy_flags(network: Network, policy: Policy) -> PolicyFlags:
    """The flags ``policy`` puts on a network's data, computed once per policy and network.

    Parameters
    ----------
    network
        A built network; its dataset and topology are loaded on first use if persisted.
    policy
        A loaded policy.

    Returns
    -------
    PolicyFlags
        The flags on cables, segments and stations (kept with the network for reuse, the
        :data:`FLAGS_KEPT` most recently used).
    """
    key = f"{policy.id}@{policy.path}@{policy.as_of.isoformat()}"
    cached = network._flags.pop(key, None)
    if cached is None:
        cached = apply_policy(policy, network.dataset, network.topology)
    network._flags[key] = cached  # the most recently used last
    while len(network._flags) > FLAGS_KEPT:  # a server asked about many dates stays bounded
        del network._flags[next(iter(network._flags))]
    return cached
