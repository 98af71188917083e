"""Why a rule selects an entity: the chain of links from the entity to what the rule names.

A rule selects an entity **directly** (named by id, headquarters, state control, a
Covered List entry in force), **by control** (``include_affiliates``: an entity in the
same corporate family, the parent chain of the registry) or **by equity**
(``equity_threshold``: a holder the rule selects owns at least the threshold of the
entity, or of a parent that controls it).

Equity is read as follows (documented in ``docs/policies.md``):

- a stake counts on the policy date only (from its ``since`` date, before its ``until``);
- stakes are added up per holder *family*: a stake held by a subsidiary of China Unicom
  counts for China Unicom, and two subsidiaries' stakes are summed;
- equity and voting interests are summed separately and the larger decides;
- the lower bound of a range decides ("8-12%" does not reach 10 %);
- a stake in a parent reaches down the control chain (HKT is controlled by PCCW, in which
  China Unicom holds 18.4 %), never up or sideways to the parent's other owners;
- one level only: a holder selected by equity does not in turn select what it holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cablemap.policy.carriers import Entity, Registry, Source
from cablemap.policy.stakes import Stake, StakeSource


@dataclass(frozen=True)
class Link:
    """One step of a flag's chain: a fact about an entity, with the sources behind it."""

    relation: str
    """``named``, ``headquarters``, ``state-control``, ``covered-list``, ``family``,
    ``control`` or ``equity``."""
    entity: str
    text: str
    other: str | None = None
    share: str | None = None
    kind: str | None = None
    since: str | None = None
    sources: tuple[Source | StakeSource, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (keys without a value are left out)."""
        out: dict[str, Any] = {"relation": self.relation, "entity": self.entity, "text": self.text}
        for key in ("other", "share", "kind", "since"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["sources"] = [_source_dict(s) for s in self.sources]
        return out


@dataclass(frozen=True)
class Selection:
    """Why a rule selects an entity: a reason in words and the chain behind it."""

    reason: str
    chain: tuple[Link, ...]


Selector = Callable[[Entity], Selection | None]


def by_equity(
    entity: Entity,
    registry: Registry,
    on: date,
    threshold: float,
    selected: Selector,
    *,
    strict: bool = False,
) -> Selection | None:
    """The first qualifying holding that makes ``entity`` an equity affiliate, if any.

    Parameters
    ----------
    entity
        The entity (an owner or supplier of a cable).
    registry
        The carrier registry (for parents, holders and their families).
    on
        The policy date: only stakes attested then count.
    threshold
        Percent of equity or votes.
    selected
        Whether the rule selects a holder itself (directly or by control).
    strict
        Compare with "more than" instead of "at or above".

    Returns
    -------
    Selection or None
        The reason and the chain: control links down to the held entity, the stakes,
        then the holder's own chain.
    """
    for held in (entity, *registry.ancestors(entity.id)):
        for stakes, why in _qualifying(held, registry, on, selected):
            if not _reaches(stakes, threshold, strict):
                continue
            return _selection(entity, held, stakes, why, registry, threshold, strict)
    return None


def _qualifying(
    held: Entity, registry: Registry, on: date, selected: Selector
) -> list[tuple[list[Stake], Selection]]:
    """Stakes in ``held`` whose holder the rule selects, grouped by the holder's family."""
    groups: dict[str, list[Stake]] = defaultdict(list)
    reasons: dict[str, Selection] = {}
    for stake in held.stakes_on(on):
        holder = registry.entities[stake.holder]
        why = selected(holder)
        if why is None:
            continue
        root = registry.root(holder.id)
        groups[root].append(stake)
        reasons.setdefault(root, why)
    return [(stakes, reasons[root]) for root, stakes in groups.items()]


def _reaches(stakes: list[Stake], threshold: float, strict: bool) -> bool:
    for kind in ("equity", "voting"):
        low = sum(stake.low for stake in stakes if stake.kind == kind)
        if (low > threshold) if strict else (low >= threshold):
            return True
    return False


def _selection(
    entity: Entity,
    held: Entity,
    stakes: list[Stake],
    why: Selection,
    registry: Registry,
    threshold: float,
    strict: bool,
) -> Selection:
    links: list[Link] = []
    prefix = ""
    if held.id != entity.id:
        prefix = f"is controlled by {held.name}, and "
        links.append(
            Link(
                "control",
                entity.id,
                f"{entity.name} is controlled by {held.name}",
                other=held.id,
                sources=entity.sources_for("parent"),
            )
        )
    described = []
    for stake in stakes:
        holder = registry.entities[stake.holder]
        text = stake.describe(_short(held), _short(holder))
        described.append(text)
        links.append(
            Link(
                "equity",
                held.id,
                text,
                other=holder.id,
                share=stake.share,
                kind=stake.kind,
                since=stake.since.isoformat(),
                sources=stake.sources,
            )
        )
    test = f"more than {threshold:g}%" if strict else f"{threshold:g}% or more"
    first = registry.entities[stakes[0].holder]
    reason = (
        f"{prefix}is an affiliate by equity ({test}): {'; '.join(described)}; "
        f"{first.name} {why.reason}"
    )
    return Selection(reason, (*links, *why.chain))


def _short(entity: Entity) -> str:
    """The name a chain uses: the first alias (as the cable data spells it)."""
    return entity.aliases[0] if entity.aliases else entity.name


def _source_dict(source: Source | StakeSource) -> dict[str, Any]:
    out = source.as_dict()
    out.pop("claims", None)
    return out
