"""Carrier look-ups (:mod:`cablemap.analysis.carriers`) on the real open snapshot."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cablemap.analysis.carriers import (
    LIST_ORDER,
    describe_carrier,
    entity_fields,
    list_carriers,
    resolve_entity,
)
from cablemap.errors import UserError
from cablemap.policy.carriers import Entity, default_registry, normalise_name


@pytest.fixture(scope="module")
def network():
    from conftest import OPEN_ROOT, _require

    from cablemap.dataset.load import load_dataset
    from cablemap.network.graph import build_network

    return build_network(load_dataset(_require(OPEN_ROOT)))


@pytest.fixture(scope="module")
def registry():
    return default_registry()


def _named(network, role, aliases):
    """Cable ids whose owners (or suppliers) in the dataset include one of ``aliases``."""
    column = "owners" if role == "owner" else "suppliers"
    wanted = {normalise_name(a) for a in aliases}
    table = network.dataset.cables
    return {
        cable_id
        for cable_id, names in zip(table["id"], table[column], strict=True)
        if any(normalise_name(n) in wanted for n in names)
    }


def test_china_mobile_owns_the_cables_that_name_it(network, registry):
    profile = describe_carrier(network, "China Mobile")
    assert profile.id == "china-mobile"
    own = {r.cable for r in profile.cables if r.entity == "china-mobile" and r.role == "owner"}
    assert own == _named(network, "owner", registry.entities["china-mobile"].aliases)
    # 2Africa's consortium, announced on 14 May 2020, includes China Mobile International
    # (https://about.fb.com/news/2020/05/building-a-transformative-subsea-cable-to-better-connect-africa/)
    assert "2africa" in own
    assert not any(r.role == "supplier" for r in profile.cables if r.entity == "china-mobile")


def test_hmn_tech_built_what_the_data_s_supplier_index_lists(network, open_root):
    profile = describe_carrier(network, "hmn tech")
    built = {r.cable for r in profile.cables if r.entity == "hmn-tech" and r.role == "supplier"}
    # supplier/hmn-tech.json is the source's own index page, not read by the loader
    index = json.loads((open_root / "supplier" / "hmn-tech.json").read_text(encoding="utf-8"))
    assert index["name"] == "HMN Tech"  # the spelling in the data
    assert built == {cable["id"] for cable in index["cables"]}


def test_family_members_cables_are_marked(network, registry):
    profile = describe_carrier(network, "china-mobile")
    family = {m["id"] for m in profile.family}
    assert family == {e.id for e in registry.family("china-mobile")}
    assert [p["id"] for p in profile.parents] == ["china-mobile-group"]
    assert {c["id"] for c in profile.children} == {
        "china-mobile-hong-kong",
        "china-mobile-international",
    }
    others = [r for r in profile.cables if r.entity != "china-mobile"]
    assert others and all(r.entity in family for r in others)
    expected = _named(network, "owner", registry.entities["hkbn-enterprise-solutions"].aliases)
    assert {r.cable for r in others if r.entity == "hkbn-enterprise-solutions"} == expected
    listed = profile.as_dict()["cables"]
    assert all(c["family_member"] == (c["entity"] != "china-mobile") for c in listed)
    frame = profile.to_frame()
    assert list(frame.cable) == [r.cable for r in profile.cables]
    assert set(frame.loc[frame.family_member, "entity"]) == {r.entity for r in others}
    # the family tree starts at the root and each member sits under its parent
    depth = {m["id"]: m["depth"] for m in profile.family}
    assert profile.family[0]["depth"] == 0
    assert all(depth[m["parent"]] == m["depth"] - 1 for m in profile.family[1:])


def test_verdicts_match_the_flags_policies_put_on_cables(network, registry):
    from cablemap.policy.flags import policy_flags
    from cablemap.policy.rules import load_policy

    policy = load_policy("clean-network-2020")
    flags = policy_flags(network, policy)
    listing = list_carriers(network, policy=policy)
    by_id = {row.id: row for row in listing.rows}
    flagged = {
        (f.entity, f.subject.removeprefix("cable:"))
        for cable_flags in flags.cables.values()
        for f in cable_flags
        if f.rule == "clean-carrier"
    }
    profile = describe_carrier(network, "china-mobile", policies=["clean-network-2020"])
    for role in profile.cables:
        if role.role == "owner":
            assert "clean-carrier" in by_id[role.entity].selected_by
            assert (role.entity, role.cable) in flagged
    assert {entity for entity, _ in flagged} <= {r.id for r in listing.rows if r.selected_by}
    assert "clean-carrier" not in by_id["chunghwa-telecom"].selected_by  # Taiwan


def test_list_covers_the_registry_in_its_documented_order(network, registry):
    listing = list_carriers(network)
    assert {row.id for row in listing.rows} == set(registry.entities)
    keys = [(-(row.owned + row.supplied), row.id) for row in listing.rows]
    assert keys == sorted(keys)
    assert listing.as_dict()["order"] == LIST_ORDER
    by_id = {row.id: row for row in listing.rows}
    for entity_id in ("hmn-tech", "asn", "china-telecom", "google"):
        aliases = registry.entities[entity_id].aliases
        assert by_id[entity_id].owned == len(_named(network, "owner", aliases))
        assert by_id[entity_id].supplied == len(_named(network, "supplier", aliases))
    assert all(not row.verdicts for row in listing.rows)
    frame = list_carriers(network, policy="fcc-covered-list").to_frame()
    assert len(frame) == len(registry.entities)
    assert "china-telecom-americas" in set(frame.loc[frame.selected_by != "", "id"])


def test_every_shipped_policy_is_judged_unless_one_is_given(network):
    from cablemap.policy.rules import shipped_policies

    profile = describe_carrier(network, "HMN Technologies")
    assert [p.policy for p in profile.policies] == list(shipped_policies())
    clean = next(p for p in profile.policies if p.policy == "clean-network-2020")
    supplier = next(v for v in clean.verdicts if v.rule == "clean-cable-supplier")
    assert supplier.selected and "headquartered in CN" in (supplier.reason or "")
    covered = describe_carrier(network, "hmn-tech", policies=["fcc-covered-list"])
    assert [p.policy for p in covered.policies] == ["fcc-covered-list"]
    assert not covered.policies[0].selected  # HMN Tech is not on the Covered List
    assert all(v.applies_to in ("owner", "supplier") for p in profile.policies for v in p.verdicts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("china-mobile", "china-mobile"),
        ("CHINA MOBILE", "china-mobile"),
        ("China Mobile Ltd.", "china-mobile"),
        ("  ***HMN Tech***  ", "hmn-tech"),
        ("huawei marine", "hmn-tech"),
        ("hmn", "hmn-tech"),  # a unique prefix
        ("Chunghwa", "chunghwa-telecom"),
    ],
)
def test_resolve_entity(registry, text, expected):
    assert resolve_entity(registry, text).id == expected


def test_ambiguous_and_unknown_names(registry):
    with pytest.raises(UserError, match="names several carriers") as ambiguous:
        resolve_entity(registry, "China Mobile Int")
    message = str(ambiguous.value)
    assert "china-mobile-international" in message and "china-mobile-international-usa" in message
    assert "\n" not in message
    with pytest.raises(UserError, match="did you mean 'China Telecom'") as close:
        resolve_entity(registry, "China Telcom")
    assert "cablemap carriers list" in str(close.value)
    with pytest.raises(UserError, match="cablemap search"):
        resolve_entity(registry, "zzzz")
    with pytest.raises(UserError):
        resolve_entity(registry, "--")


def test_entity_fields_follow_the_dataclass(registry):
    entity = registry.entities["china-mobile"]
    fields = entity_fields(entity)
    assert list(fields) == [f.name for f in dataclasses.fields(Entity)]
    assert fields["sources"][0]["claims"] and json.dumps(fields)

    @dataclasses.dataclass(frozen=True)
    class Later(Entity):
        stakes: tuple[dict[str, str], ...] = ()

    later = Later(**{f.name: getattr(entity, f.name) for f in dataclasses.fields(Entity)})
    later = dataclasses.replace(later, stakes=({"holder": "china-mobile-group", "share": "72%"},))
    assert entity_fields(later)["stakes"] == [{"holder": "china-mobile-group", "share": "72%"}]


def test_a_field_added_later_is_shown(network):
    from cablemap.render.lookups import carrier_text

    profile = describe_carrier(network, "china-mobile", policies=[])
    entity = {**profile.entity, "stakes": [{"holder": "china-mobile-group", "date": "2015"}]}
    text = carrier_text(dataclasses.replace(profile, entity=entity))
    assert "  stakes:\n    - holder: china-mobile-group, date: 2015" in text
    assert repr(profile).startswith("CarrierProfile(china-mobile,")


def test_the_public_api_exports_the_look_ups():
    import cablemap
    from cablemap.analysis import search

    assert cablemap.list_carriers is list_carriers
    assert cablemap.describe_carrier is describe_carrier
    assert cablemap.search is search.search
    assert {"CarrierList", "CarrierProfile", "SearchResults"} <= set(cablemap.__all__)
