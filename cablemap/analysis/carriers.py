"""Look up the carrier registry against the data: who owns or built which cable.

Two questions: *which companies does the registry know, and how many cables does each
own or supply here* (:func:`list_carriers`), and *everything about one company*: its
aliases, corporate family, sources, every cable it or a relative owns or supplied, and
what each policy's rules say of it (:func:`describe_carrier`).

Cables are joined to entities the way policies join them: an owner or supplier string of
the data matches an entity by normalised exact alias (:meth:`Registry.match`), never by
substring. A company is *selected* by a rule when :meth:`Rule.why_selected` gives a
reason, the same test that puts flags on cables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cablemap.analysis.lookup import match_key
from cablemap.errors import UserError
from cablemap.policy.carriers import Entity, Registry, default_registry, normalise_name
from cablemap.policy.rules import Policy, load_policy, shipped_policies

if TYPE_CHECKING:
    import pandas as pd

    from cablemap.network.graph import Network

ENTITY_ROLES = ("owner", "supplier")
"""How an entity appears on a cable in the data: in its owners or its suppliers."""


def entity_fields(entity: Entity) -> dict[str, Any]:
    """Every field of a registry entity, as JSON-ready values.

    Built from the dataclass's own field list, so a field added to :class:`Entity`
    appears here (and in ``carriers show``) without further change. Dataclasses become
    dicts (their ``as_dict()`` when they have one), tuples and sets lists, dates ISO text.

    Parameters
    ----------
    entity
        A registry entity.

    Returns
    -------
    dict
        Field name to value, in the order :class:`Entity` declares them.
    """
    return {f.name: _plain(getattr(entity, f.name)) for f in dataclasses.fields(entity)}


def _plain(value: Any) -> Any:
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(item) for item in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class CableRole:
    """One cable an entity owns or supplied, as the data names the entity."""

    cable: str
    cable_name: str
    role: str
    named_as: str
    entity: str
    rfs_year: int | None
    status: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Verdict:
    """What one owner or supplier rule of a policy says of one entity."""

    policy: str
    rule: str
    applies_to: str
    reason: str | None
    """Why the rule selects the entity, or ``None`` when it does not."""

    @property
    def selected(self) -> bool:
        """Whether the rule selects the entity."""
        return self.reason is not None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {**dataclasses.asdict(self), "selected": self.selected}


def entity_cables(network: Network, registry: Registry) -> dict[str, list[CableRole]]:
    """Every cable of the data each registry entity is named on, by entity id.

    Parameters
    ----------
    network
        A built network (its cables' owners and suppliers as the data writes them).
    registry
        The carrier registry the names are matched to.

    Returns
    -------
    dict
        Entity id to its cables (owner and supplier roles), in the network's cable order;
        entities named on no cable are absent.
    """
    found: dict[str, list[CableRole]] = {}
    for cable in network.cables.values():
        for role, names in (("owner", cable.owners), ("supplier", cable.suppliers)):
            for name in names:
                entity = registry.match(name)
                if entity is not None:
                    found.setdefault(entity.id, []).append(
                        CableRole(
                            cable.id,
                            cable.name,
                            role,
                            name,
                            entity.id,
                            cable.rfs_year,
                            cable.status,
                        )
                    )
    return found


def rule_verdicts(policy: Policy, entity: Entity, registry: Registry) -> tuple[Verdict, ...]:
    """The verdict of each owner and supplier rule of ``policy`` on ``entity``.

    Evaluated on the policy's date (:attr:`Policy.as_of`): rules not in force on it are left
    out, and Covered List entries and stakes count only from their dates. Landing rules
    select stations, not companies, and are left out too.
    """
    return tuple(
        Verdict(
            policy.id, rule.id, rule.applies_to, rule.why_selected(entity, registry, policy.as_of)
        )
        for rule in policy.rules_in_force()
        if rule.applies_to in ENTITY_ROLES
    )


def _policy(policy: str | Policy, registry: Registry) -> Policy:
    return policy if isinstance(policy, Policy) else load_policy(policy, registry)


@dataclass(frozen=True)
class CarrierSummary:
    """One row of :func:`list_carriers`: an entity and its cable counts in the data."""

    id: str
    name: str
    hq_country: str
    state_control: dict[str, str] | None
    state_controlled_by: str | None
    parent: str | None
    covered_list: bool
    verified: bool
    owned: int
    supplied: int
    verdicts: tuple[Verdict, ...] = ()

    @property
    def selected_by(self) -> tuple[str, ...]:
        """Ids of the rules that select the entity (empty without a policy)."""
        return tuple(v.rule for v in self.verdicts if v.selected)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        out = {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}
        out["selected_by"] = list(self.selected_by)
        return out


@dataclass(frozen=True)
class CarrierList:
    """Every registry entity with its cable counts, most cables first."""

    snapshot: str
    policy: str | None
    rows: tuple[CarrierSummary, ...]
    policy_date: str | None = None
    """The date the policy was evaluated on (ISO), with a policy."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: snapshot, policy and its date, order and one dict per entity."""
        return {
            "snapshot": self.snapshot,
            "policy": self.policy,
            "policy_date": self.policy_date,
            "order": LIST_ORDER,
            "carriers": [row.as_dict() for row in self.rows],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per entity (verdicts as the ids of the selecting rules)."""
        import pandas as pd

        rows = [{**row.as_dict(), "selected_by": ",".join(row.selected_by)} for row in self.rows]
        frame = pd.DataFrame(rows)
        return frame.drop(columns=["verdicts", "state_control"], errors="ignore")

    def __repr__(self) -> str:
        policy = f", policy={self.policy}" if self.policy else ""
        return f"CarrierList({len(self.rows)} entities{policy})"


LIST_ORDER = "most cables first (owned + supplied), then by id"


def list_carriers(
    network: Network, *, policy: str | Policy | None = None, registry: Registry | None = None
) -> CarrierList:
    """Every entity of the carrier registry with the cables it owns and supplied here.

    Parameters
    ----------
    network
        A built network; its cables' owner and supplier names are matched to the registry.
    policy
        A shipped policy name, a policy file, or a loaded policy: each row then says which
        of its owner and supplier rules select the entity, and why.
    registry
        The carrier registry; default: the shipped one.

    Returns
    -------
    CarrierList
        One row per entity, most cables first (owned + supplied, counting only names that
        match the entity itself, not its relatives), then by id.

    Raises
    ------
    PolicyError
        For an unknown policy name or a bad policy file.
    """
    registry = registry or default_registry()
    loaded = _policy(policy, registry) if policy is not None else None
    cables = entity_cables(network, registry)
    rows = []
    for entity in registry.entities.values():
        roles = cables.get(entity.id, [])
        rows.append(
            CarrierSummary(
                id=entity.id,
                name=entity.name,
                hq_country=entity.hq_country,
                state_control=entity.state_control,
                state_controlled_by=entity.state_controlled,
                parent=entity.parent,
                covered_list=bool(entity.covered_list),
                verified=entity.verified,
                owned=len({r.cable for r in roles if r.role == "owner"}),
                supplied=len({r.cable for r in roles if r.role == "supplier"}),
                verdicts=rule_verdicts(loaded, entity, registry) if loaded else (),
            )
        )
    rows.sort(key=lambda row: (-(row.owned + row.supplied), row.id))
    return CarrierList(
        network.snapshot_id,
        loaded.id if loaded else None,
        tuple(rows),
        loaded.as_of.isoformat() if loaded else None,
    )


def resolve_entity(registry: Registry, text: str) -> Entity:
    """The one registry entity ``text`` names.

    Tried in turn: the id, a name or alias (both case-insensitive, white space and
    markup ignored), the same ignoring punctuation, then a unique prefix of an id, name
    or alias. The first step that finds entities decides.

    Raises
    ------
    UserError
        Several entities fit (the message lists them) or none does (the message suggests
        close names, ``cablemap carriers list`` and ``cablemap search``).
    """
    wanted, key = normalise_name(text), match_key(text)
    labels = [
        (e.id, label) for e in registry.entities.values() for label in (e.id, e.name, *e.aliases)
    ]
    steps = (
        lambda label: normalise_name(label) == wanted,
        lambda label: bool(key) and match_key(label) == key,
        lambda label: bool(key) and match_key(label).startswith(key),
    )
    for fits in steps:
        found = sorted({entity_id for entity_id, label in labels if fits(label)})
        if len(found) == 1:
            return registry.entities[found[0]]
        if found:
            listed = ", ".join(f"{registry.entities[i].name} ({i})" for i in found[:12])
            more = f" and {len(found) - 12} more" if len(found) > 12 else ""
            raise UserError(
                f"{text[:80]!r} names several carriers: {listed}{more}; give the id or more "
                "of the name"
            )
    close = difflib.get_close_matches(text, [label for _, label in labels], n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
    raise UserError(
        f"no carrier named {text[:80]!r} in the registry; {hint}`cablemap carriers list` lists "
        "them, `cablemap search TEXT` searches cables, stations and carriers"
    )


@dataclass(frozen=True)
class PolicyVerdicts:
    """What one policy's owner and supplier rules say of one entity."""

    policy: str
    name: str
    verdicts: tuple[Verdict, ...]
    as_of: str = ""
    """The date the policy was evaluated on (ISO)."""

    @property
    def selected(self) -> bool:
        """Whether any rule of the policy selects the entity."""
        return any(v.selected for v in self.verdicts)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "policy": self.policy,
            "name": self.name,
            "policy_date": self.as_of,
            "selected": self.selected,
            "verdicts": [v.as_dict() for v in self.verdicts],
        }


@dataclass(frozen=True)
class CarrierProfile:
    """Everything known about one registry entity, and its cables in the data."""

    entity: dict[str, Any]
    """Every field of the entity (:func:`entity_fields`)."""
    state_controlled_by: str | None
    parents: tuple[dict[str, Any], ...]
    """Parent, grandparent, ... up to the root (nearest first)."""
    family: tuple[dict[str, Any], ...]
    """The whole corporate family from the root down, each with its ``depth``."""
    cables: tuple[CableRole, ...]
    """Cables the entity or a family member owns or supplied (``entity`` says which)."""
    policies: tuple[PolicyVerdicts, ...]
    snapshot: str

    @property
    def id(self) -> str:
        """The entity's id."""
        return str(self.entity["id"])

    @property
    def children(self) -> tuple[dict[str, Any], ...]:
        """The entities whose parent this one is."""
        return tuple(member for member in self.family if member["parent"] == self.id)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "snapshot": self.snapshot,
            "entity": self.entity,
            "state_controlled_by": self.state_controlled_by,
            "parents": list(self.parents),
            "children": list(self.children),
            "family": list(self.family),
            "cables": [
                {**role.as_dict(), "family_member": role.entity != self.id} for role in self.cables
            ],
            "policies": [p.as_dict() for p in self.policies],
        }

    def to_frame(self) -> pd.DataFrame:
        """The cables, one row per role (``family_member`` marks a relative's)."""
        import pandas as pd

        columns = [f.name for f in dataclasses.fields(CableRole)] + ["family_member"]
        return pd.DataFrame(self.as_dict()["cables"], columns=columns)

    def __repr__(self) -> str:
        own = sum(1 for role in self.cables if role.entity == self.id)
        return f"CarrierProfile({self.id}, {own} cable roles, {len(self.family)} in family)"


def describe_carrier(
    network: Network,
    name: str,
    *,
    policies: Sequence[str | Policy] | None = None,
    registry: Registry | None = None,
) -> CarrierProfile:
    """One registry entity in full: fields, family, cables in the data, policy verdicts.

    Parameters
    ----------
    network
        A built network; its cables' owner and supplier names are matched to the registry.
    name
        The entity's id, name or an alias (case-insensitive), or a unique prefix of one.
    policies
        Policy names, files or loaded policies to judge the entity by; default: every
        shipped policy.
    registry
        The carrier registry; default: the shipped one.

    Returns
    -------
    CarrierProfile
        Its cables are those of the entity first, then those of each family member (owner
        roles before supplier roles, then by cable name).

    Raises
    ------
    UserError
        An unknown or ambiguous name (see :func:`resolve_entity`), or a bad policy.
    """
    registry = registry or default_registry()
    entity = resolve_entity(registry, name)
    chosen = list(shipped_policies()) if policies is None else list(policies)
    loaded = [_policy(p, registry) for p in chosen]
    members = {member.id for member in registry.family(entity.id)}
    found = entity_cables(network, registry)
    roles = [role for member in members for role in found.get(member, [])]
    roles.sort(
        key=lambda r: (r.entity != entity.id, r.entity, r.role, r.cable_name.casefold(), r.cable)
    )
    return CarrierProfile(
        entity=entity_fields(entity),
        state_controlled_by=entity.state_controlled,
        parents=tuple(_brief(e) for e in registry.ancestors(entity.id)),
        family=tuple(_family_tree(registry, registry.root(entity.id))),
        cables=tuple(roles),
        policies=tuple(
            PolicyVerdicts(p.id, p.name, rule_verdicts(p, entity, registry), p.as_of.isoformat())
            for p in loaded
        ),
        snapshot=network.snapshot_id,
    )


def _brief(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "hq_country": entity.hq_country,
        "parent": entity.parent,
    }


def _family_tree(registry: Registry, root: str) -> list[dict[str, Any]]:
    """The family under ``root``, depth first, children by name."""
    children: dict[str, list[Entity]] = {}
    for entity in registry.entities.values():
        if entity.parent:
            children.setdefault(entity.parent, []).append(entity)
    out: list[dict[str, Any]] = []
    stack = [(registry.entities[root], 0)]
    seen: set[str] = set()
    while stack:
        entity, depth = stack.pop()
        if entity.id in seen:
            continue
        seen.add(entity.id)
        out.append({**_brief(entity), "depth": depth})
        below = sorted(children.get(entity.id, []), key=lambda e: e.name.casefold(), reverse=True)
        stack.extend((child, depth + 1) for child in below)
    return out
