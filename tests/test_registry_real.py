"""The shipped carrier registry and policies on the real open snapshot."""

from __future__ import annotations

import pytest

from cablemap.policy.carriers import default_registry


@pytest.fixture(scope="module")
def registry():
    return default_registry()


@pytest.fixture(scope="module")
def real():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.topology import build_topology

    dataset = load_dataset(_require(OPEN_ROOT))
    return dataset, build_topology(dataset)


@pytest.fixture(scope="module")
def clean_network(real):
    from cablemap.policy.flags import apply_policy
    from cablemap.policy.rules import load_policy

    dataset, topology = real
    return apply_policy(load_policy("clean-network-2020"), dataset, topology)


# name as in the data (or public documents) -> (entity id or None, flagged by clean-carrier)
TRICKY = {
    "Chunghwa Telecom": ("chunghwa-telecom", False),  # Taiwan, not the PRC
    "China Telecom": ("china-telecom", True),
    "China Telecom Global": ("china-telecom-global", True),
    "China Mobile": ("china-mobile", True),
    "China Unicom": ("china-unicom-group", True),
    "CTM": ("ctm", True),  # Macau, CITIC Telecom
    "PCCW": ("pccw", True),  # Hong Kong
    "HKBN Enterprise Solutions": ("hkbn-enterprise-solutions", True),
    "HGC Global Communications": ("hgc-global-communications", True),  # HK-headquartered
    "Pacific Light Data Communication": ("pacific-light-data", True),
    "Pacnet": (None, False),  # Telstra's former unit, not Pacific Networks Corp.
    "Pacific Light Cable Network (PLCN)": (None, False),  # the cable, not the company
    "GU Holdings": (None, False),
    "Google": ("google", False),
    "Meta": ("meta", False),
    "RTI": ("rti-connectivity", False),
    "Singtel": ("singtel", False),
    "China": (None, False),  # a bare country name matches nobody
    "Asia": (None, False),
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_names(registry, name):
    from cablemap.policy.rules import load_policy

    expected_id, flagged = TRICKY[name]
    entity = registry.match(name)
    assert (entity.id if entity else None) == expected_id
    rule = next(r for r in load_policy("clean-network-2020").rules if r.id == "clean-carrier")
    assert (entity is not None and rule.why_selected(entity, registry) is not None) == flagged


def test_coverage_of_the_open_snapshot(registry, real):
    from collections import Counter

    dataset, _ = real
    owners = Counter(name for names in dataset.cables.owners for name in names)
    major = [name for name, count in owners.items() if count >= 3]
    assert all(registry.match(name) for name in major), [n for n in major if not registry.match(n)]
    suppliers = {name for names in dataset.cables.suppliers for name in names}
    unknown_suppliers = sorted(s for s in suppliers if not registry.match(s))
    assert unknown_suppliers == ["CCSI"]  # no public source found identifying it


def test_every_entity_is_sourced(registry):
    for entity in registry.entities.values():
        assert entity.sources_for("hq_country"), entity.id
        assert all(s.url.startswith("http") for s in entity.sources), entity.id
    covered = {e.id for e in registry.entities.values() if e.covered_list}
    assert {
        "huawei",
        "zte",
        "china-telecom-americas",
        "china-mobile-international-usa",
        "china-unicom-americas",
        "pacific-networks",
        "comnet-usa",
    } <= covered


def test_ncp_is_flagged_with_its_owners_named(clean_network):
    flags = clean_network.cables["new-cross-pacific-ncp-cable-system"]
    carrier = [f for f in flags if f.rule == "clean-carrier"]
    reasons = " ".join(f.reason for f in carrier)
    for owner in ("China Mobile", "China Telecom", "China Unicom"):
        assert f"'{owner}'" in reasons
    assert "Chunghwa" not in reasons and "Microsoft" not in reasons
    assert all(f.citations and f.citations[0].url.startswith("https://") for f in flags)


def test_us_and_japanese_owned_cable_is_clean(clean_network, registry, real):
    dataset, _ = real
    plcn = clean_network.cables["pacific-light-cable-network-plcn"]
    assert plcn == ()
    countries = dict(zip(dataset.stations.id, dataset.stations.country_iso2, strict=True))
    landings = dataset.landings.groupby("cable_id").station_id.agg(list)
    clean = [
        row.id
        for row in dataset.cables.itertuples()
        if row.owners
        and all((e := registry.match(o)) and e.hq_country in {"US", "JP"} for o in row.owners)
        and all(
            (s := registry.match(x)) and s.hq_country not in {"CN", "HK", "MO"}
            for x in row.suppliers
        )
        and not {countries[s] for s in landings.get(row.id, [])} & {"CN", "HK", "MO"}
    ]
    assert clean
    assert all(clean_network.cables[c] == () for c in clean)


def test_hmn_built_cables_are_flagged_as_supplier(clean_network, real):
    dataset, _ = real
    hmn = [row.id for row in dataset.cables.itertuples() if "HMN Tech" in row.suppliers]
    assert len(hmn) >= 30
    for cable_id in hmn:
        assert any(f.rule == "clean-cable-supplier" for f in clean_network.cables[cable_id])


def test_only_segments_ending_in_excluded_jurisdictions_carry_the_landing_flag(clean_network, real):
    dataset, topology = real
    countries = dict(zip(dataset.stations.id, dataset.stations.country_iso2, strict=True))
    segments = topology.segments[topology.segments.cable_id == "asia-pacific-gateway-apg"]
    seen = set()
    for segment_id, a, b in zip(
        segments.segment_id, segments.from_node, segments.to_node, strict=True
    ):
        excluded = {countries.get(a), countries.get(b)} & {"CN", "HK", "MO"}
        landing = any(f.applies_to == "landing" for f in clean_network.segments[segment_id])
        assert landing == bool(excluded), segment_id
        seen.add(landing)
    assert seen == {True, False}  # APG has both kinds of segment
