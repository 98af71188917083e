"""How well the carrier registry covers the owner and supplier names of a dataset.

Each owner or supplier name of the data is counted once per **distinct cable** (a name
written twice in one cable's owners counts once), then checked against the registry and
the list of deliberately unmatched names (``geodata/carriers/unmatched*.toml``). The
registry's coverage goal (issue 12): every name on two or more cables, and every owner
of a cable landing in a country a shipped policy names, is either matched or listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cablemap.dataset.load import Dataset
    from cablemap.policy.carriers import Registry
    from cablemap.policy.rules import Policy
    from cablemap.policy.unmatched import UnmatchedList

ROLE_COLUMNS = (("owner", "owners"), ("supplier", "suppliers"))
"""Each role and the dataset column its names come from."""


@dataclass(frozen=True)
class NameUse:
    """One owner or supplier name of the data and the cables it is on.

    Attributes
    ----------
    role
        ``"owner"`` or ``"supplier"``.
    name
        The name exactly as the data writes it (white space folded).
    cables
        Ids of the distinct cables that list it in that role, sorted.
    policy_countries
        The policy-named countries (ISO alpha-2) where any of those cables lands.
    entity
        The id of the registry entity it matches, or ``None``.
    reason
        Why it is deliberately unmatched, when it is listed as such; else ``None``.
    """

    role: str
    name: str
    cables: tuple[str, ...]
    policy_countries: tuple[str, ...] = ()
    entity: str | None = None
    reason: str | None = None

    @property
    def covered(self) -> bool:
        """Matched by the registry or deliberately listed as unmatched."""
        return self.entity is not None or self.reason is not None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``cables`` is the count, ``cable_ids`` the list)."""
        return {
            "role": self.role,
            "name": self.name,
            "cables": len(self.cables),
            "cable_ids": list(self.cables),
            "policy_countries": list(self.policy_countries),
            "entity": self.entity,
            "listed": self.reason is not None,
            "reason": self.reason,
        }

    def __repr__(self) -> str:
        return f"NameUse({self.role} {self.name!r}, {len(self.cables)} cables)"


def policy_countries(policies: Iterable[Policy]) -> frozenset[str]:
    """Every country code the policies' rules name.

    Owner rules name headquarters (``hq_countries``) and controlling states
    (``state_controlled_by``); landing rules name ``countries``.
    """
    codes: set[str] = set()
    for policy in policies:
        for rule in policy.rules:
            codes |= rule.hq_countries | rule.state_controlled_by | rule.countries
    return frozenset(codes)


def shipped_policy_countries() -> frozenset[str]:
    """The countries the shipped policies name (CN, HK, MO, CU, IR, KP, RU, VE today)."""
    from cablemap.policy.rules import load_policy, shipped_policies

    return policy_countries(load_policy(name) for name in shipped_policies())


def name_uses(
    dataset: Dataset,
    registry: Registry,
    unmatched: UnmatchedList,
    *,
    countries: frozenset[str] = frozenset(),
) -> list[NameUse]:
    """Every owner and supplier name of the dataset with its distinct cables.

    Parameters
    ----------
    dataset
        The loaded data.
    registry, unmatched
        The carrier registry and the deliberately unmatched names.
    countries
        Country codes whose landings are reported in ``policy_countries``
        (see :func:`shipped_policy_countries`).

    Returns
    -------
    list of NameUse
        Owners first, then suppliers; within a role, most cables first, then by name.
    """
    landed = _landing_countries(dataset, countries)
    uses: list[NameUse] = []
    for role, column in ROLE_COLUMNS:
        cables: dict[str, set[str]] = {}
        for cable_id, names in zip(dataset.cables["id"], dataset.cables[column], strict=True):
            for name in names:
                cables.setdefault(name, set()).add(cable_id)
        for name, ids in sorted(cables.items(), key=lambda item: (-len(item[1]), item[0])):
            entity = registry.match(name)
            uses.append(
                NameUse(
                    role=role,
                    name=name,
                    cables=tuple(sorted(ids)),
                    policy_countries=tuple(sorted(set().union(*(landed.get(i, ()) for i in ids)))),
                    entity=entity.id if entity else None,
                    reason=None if entity else unmatched.reason(name, role),
                )
            )
    return uses


def coverage_gaps(uses: Iterable[NameUse], *, min_cables: int = 2) -> list[NameUse]:
    """The names the registry's coverage goal requires but neither matches nor lists.

    A name is required when it is on ``min_cables`` or more distinct cables, or when it
    is an owner of a cable landing in a policy-named country (``policy_countries``).
    """
    return [
        use
        for use in uses
        if not use.covered
        and (len(use.cables) >= min_cables or (use.role == "owner" and use.policy_countries))
    ]


def _landing_countries(dataset: Dataset, countries: frozenset[str]) -> dict[str, set[str]]:
    """Cable id -> the ``countries`` it lands in."""
    if not countries:
        return {}
    country_of = dict(zip(dataset.stations["id"], dataset.stations["country_iso2"], strict=True))
    landed: dict[str, set[str]] = {}
    for cable_id, station_id in zip(
        dataset.landings["cable_id"], dataset.landings["station_id"], strict=True
    ):
        code = country_of.get(station_id)
        if code in countries:
            landed.setdefault(cable_id, set()).add(code)
    return landed
