"""The registry's coverage of the real snapshots (issue 12, item 3).

Every owner or supplier name on two or more distinct cables, and every owner of a cable
landing in a country a shipped policy names, is matched by the carrier registry or
listed in ``geodata/carriers/unmatched*.toml`` with a reason. Both shared snapshots.
"""

from __future__ import annotations

import pytest

from cablemap.analysis.coverage import (
    coverage_gaps,
    name_uses,
    policy_countries,
    shipped_policy_countries,
)
from cablemap.policy.carriers import default_registry, normalise_name
from cablemap.policy.unmatched import default_unmatched

SNAPSHOTS = ("open-undersea-cable-map", "telegeography-v2-2021-06")


@pytest.fixture(scope="module", params=SNAPSHOTS)
def uses(request):
    from conftest import SHARED_DATA, _require

    from cablemap.dataset.load import load_dataset

    dataset = load_dataset(_require(SHARED_DATA / request.param))
    return name_uses(
        dataset, default_registry(), default_unmatched(), countries=shipped_policy_countries()
    )


def _listing(gaps):
    return "; ".join(
        f"{g.role} {g.name!r} ({len(g.cables)} cables"
        + (f", lands in {','.join(g.policy_countries)}" if g.policy_countries else "")
        + ")"
        for g in gaps
    )


def test_the_policy_countries_come_from_the_shipped_policies():
    from cablemap.policy.rules import load_policy

    assert shipped_policy_countries() == {"CN", "HK", "MO", "CU", "IR", "KP", "RU", "VE"}
    assert policy_countries([load_policy("clean-network-2020")]) == {"CN", "HK", "MO"}


def test_every_owner_of_a_cable_in_a_policy_jurisdiction_is_covered(uses):
    gaps = [g for g in coverage_gaps(uses, min_cables=10**9) if g.role == "owner"]
    assert not gaps, f"{len(gaps)} owners neither in the registry nor listed: {_listing(gaps)}"


def test_every_name_on_two_or_more_cables_is_covered(uses):
    gaps = [g for g in coverage_gaps(uses) if len(g.cables) >= 2]
    assert not gaps, f"{len(gaps)} names neither in the registry nor listed: {_listing(gaps)}"


def test_every_listed_name_occurs_in_a_snapshot():
    """A listed name no snapshot spells that way is stale (the data or the split changed)."""
    from conftest import SHARED_DATA, _require

    from cablemap.dataset.load import load_dataset

    seen: set[tuple[str, str]] = set()
    for snapshot in SNAPSHOTS:
        dataset = load_dataset(_require(SHARED_DATA / snapshot))
        for role, column in (("owner", "owners"), ("supplier", "suppliers")):
            seen |= {(role, normalise_name(n)) for names in dataset.cables[column] for n in names}
    stale = [
        f"{e.role} {e.name!r} ({e.file})"
        for e in default_unmatched().entries
        if (e.role, normalise_name(e.name)) not in seen
    ]
    assert not stale, f"listed but in no snapshot: {stale}"


def test_counts_are_distinct_cables(uses):
    # "Kakike, Lda., KumoxiCom, Lda." is one cable with two owners, each a whole company.
    by_name = {(u.role, u.name): u for u in uses}
    assert ("owner", "Lda.") not in by_name
    assert by_name[("owner", "Kakike, Lda.")].cables == ("nzadi-cable-system",)
    assert by_name[("owner", "KumoxiCom, Lda.")].cables == ("nzadi-cable-system",)
    assert all(len(set(u.cables)) == len(u.cables) for u in uses)


def test_jurisdictions_on_real_cables(uses):
    by_name = {(u.role, u.name): u for u in uses}
    gtmo = by_name[("owner", "U.S. Government")]  # Guantánamo Bay cables land in Cuba
    assert "CU" in gtmo.policy_countries and len(gtmo.cables) == 2
    assert by_name[("owner", "Hyalroute")].policy_countries == ("HK",)  # AAE-1
